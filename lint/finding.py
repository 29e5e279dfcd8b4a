"""What a check reports (Hit, in text offsets) and what the engine makes of it (Finding)."""

from __future__ import annotations

import enum
from typing import Any, Mapping, NamedTuple


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


# Value types are NamedTuples, not frozen dataclasses: a dataclass costs a third of a
# millisecond to create at import (a one-file run imports these modules every time) and
# builds its instances several times slower.


class Location(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


class Edit(NamedTuple):
    """Replace text[start:end] (code-point offsets into Article.text) with `replacement`."""

    start: int
    end: int
    replacement: str = ""
    # Filled in by the engine, which owns every offset -> line/column conversion.
    location: Location | None = None


class Fix(NamedTuple):
    edits: tuple[Edit, ...] = ()
    # None: take the rule's `fix:` field.
    applicability: Applicability | None = None
    # File-level changes that no text edit can express: the byte-order mark is not part of
    # Article.text, and transcoding changes the bytes of every character.
    remove_bom: bool = False
    encoding: str | None = None


# Hit.data's default: shared by every Hit without data, so it must never be mutated.
_NO_DATA: Mapping[str, Any] = {}


class Hit(NamedTuple):
    """One problem a check found, in Article.text offsets; the engine adds code, severity and
    line/column. `data` fills the rule's message template; `message` replaces it."""

    start: int
    end: int
    data: Mapping[str, Any] = _NO_DATA
    message: str | None = None
    fix: Fix | None = None
    related: tuple[tuple[int, int, str], ...] = ()


class Related(NamedTuple):
    location: Location
    message: str
    path: str | None = None  # set when the place is in another file (a cross-file finding)


class Finding(NamedTuple):
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
                {**({"path": r.path} if r.path is not None else {}),
                 "line": r.location.line, "column": r.location.column,
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


# -- plain-tuple form (the result cache) ---------------------------------------------------
#
# A Finding as tuples of str/int/bytes only, which marshal loads far faster than pickle
# loads objects. A row is split in two: the `brief` part is what counting and the
# one-line formats need; the `detail` part (fix, related places, the flagged text) is read
# only when a Finding object is wanted.

SEVERITIES = {int(s): s for s in Severity}


def safe_fix(fix: Fix | None) -> bool:
    # Applicability is a str: compared as one, without calling its __str__ (once a finding)
    return fix is not None and fix.applicability == "safe"


def finding_brief(f: Finding) -> tuple:
    """The brief row of a finding, without its path: (line, column, end_line, end_column,
    code, name, severity, message, safe fix)."""
    loc = f.location
    return (loc.line, loc.column, loc.end_line, loc.end_column, f.code, f.name, int(f.severity),
            f.message, safe_fix(f.fix))


def finding_to_rows(f: Finding) -> tuple[tuple, tuple]:
    """(brief, detail) of a finding, without its path (the file's path is stored once)."""
    brief = finding_brief(f)
    fix = None
    if f.fix is not None:
        fix = (tuple((e.start, e.end, e.replacement,
                      None if e.location is None else tuple(e.location)) for e in f.fix.edits),
               None if f.fix.applicability is None else f.fix.applicability.value,
               f.fix.remove_bom, f.fix.encoding)
    related = tuple((tuple(r.location), r.message, r.path) for r in f.related)
    return brief, (fix, related, f.snippet, tuple(f.span), f.line_text)


def finding_from_rows(path: str, brief: tuple, detail: tuple) -> Finding:
    fix_row, related_rows, snippet, span, line_text = detail
    fix = None
    if fix_row is not None:
        edits, applicability, remove_bom, encoding = fix_row
        fix = Fix(tuple(Edit(s, e, r, None if loc is None else Location._make(loc)) for s, e, r, loc in edits),
                  None if applicability is None else Applicability(applicability), remove_bom, encoding)
    related = tuple(Related(Location._make(loc), message, path) for loc, message, path in related_rows)
    return Finding(path, Location._make(brief[:4]), brief[4], brief[5], SEVERITIES[brief[6]], brief[7],
                   fix, related, snippet, span, line_text)
