"""What a check reports (Hit, in text offsets) and what the engine makes of it (Finding)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"{value!r} is not a severity (error, warning, info)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Location:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (code-point offsets into Article.text) with `replacement`."""

    start: int
    end: int
    replacement: str = ""
    # Filled in by the engine, which owns every offset -> line/column conversion.
    location: Location | None = None


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...] = ()
    # None: take the rule's `fix:` field.
    applicability: Applicability | None = None
    # File-level changes that no text edit can express: the byte-order mark is not part of
    # Article.text, and transcoding changes the bytes of every character.
    remove_bom: bool = False
    encoding: str | None = None


@dataclass(frozen=True)
class Hit:
    """One problem a check found, in Article.text offsets; the engine adds code, severity and
    line/column. `data` fills the rule's message template; `message` replaces it."""

    start: int
    end: int
    data: Mapping[str, Any] = field(default_factory=dict)
    message: str | None = None
    fix: Fix | None = None
    related: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Related:
    location: Location
    message: str


@dataclass(frozen=True)
class Finding:
    path: str
    location: Location
    code: str
    name: str
    severity: Severity
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    # The flagged text itself; baselines and fingerprints key on it instead of line numbers.
    snippet: str = ""
    span: tuple[int, int] = (0, 0)
    # The text of the finding's first line, for code frames.
    line_text: str = ""

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    def sort_key(self) -> tuple:
        return (self.path, self.location.line, self.location.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "path": self.path,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "fix": fix_to_dict(self.fix),
            "related": [
                {"line": r.location.line, "column": r.location.column,
                 "end_line": r.location.end_line, "end_column": r.location.end_column,
                 "message": r.message}
                for r in self.related
            ],
        }


def fix_to_dict(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    result: dict[str, Any] = {
        "applicability": str(fix.applicability),
        "edits": [edit_to_dict(e) for e in fix.edits],
    }
    if fix.remove_bom:
        result["remove_bom"] = True
    if fix.encoding:
        result["encoding"] = fix.encoding
    return result


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    result: dict[str, Any] = {"content": edit.replacement}
    if edit.location is not None:
        loc = edit.location
        result["location"] = {"line": loc.line, "column": loc.column}
        result["end_location"] = {"line": loc.end_line, "column": loc.end_column}
    return result
