"""Find and parse the front matter block: YAML (---), TOML (+++) or a leading JSON object."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml, as Jekyll uses; the pure-Python loader accepts a slightly different language
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader

# A front matter block larger than this is not a header any site generator would accept;
# refusing it bounds the parser's time and memory on hostile input.
MAX_FRONT_MATTER_CHARS = 256 * 1024

_OPEN = {"---": "yaml", "+++": "toml"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class ParseError:
    message: str
    # Offset into Article.text of where the parser gave up (None: the whole block).
    offset: int | None


@dataclass(frozen=True)
class FrontMatter:
    kind: str  # "yaml" | "toml" | "json"
    start: int  # offset of the opening delimiter
    content_start: int
    content_end: int
    end: int  # offset just past the closing delimiter's line: where the body starts
    closed: bool
    raw: str
    data: Any = None
    error: ParseError | None = None
    # Blank lines before the opening delimiter: Jekyll then sees no front matter at all.
    leading_blank_lines: int = 0
    # "..." closes a YAML document too; Jekyll accepts it, Hugo does not.
    closing_delimiter: str = ""

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.data, dict)


def split(text: str, *, markdown: bool) -> FrontMatter | None:
    """The front matter at the top of `text` (BOM already stripped), or None."""
    pos = 0
    blank = 0
    while True:
        m = _LINE.match(text, pos)
        line = m.group(0)
        if line.strip() or not line:
            break
        blank += 1
        pos = m.end()
        if blank > 3:  # a file that merely starts with blank lines
            return None
    first = line.rstrip("\r\n").rstrip()
    if first in _OPEN:
        return _delimited(text, pos, m.end(), first, _OPEN[first], blank)
    if markdown and first.startswith("{") and blank == 0:
        return _json(text)
    return None


def _delimited(text: str, start: int, content_start: int, delim: str, kind: str,
               blank: int) -> FrontMatter:
    pos = content_start
    closers = (delim, "...") if kind == "yaml" else (delim,)
    while pos < len(text):
        m = _LINE.match(text, pos)
        if m.group(0).rstrip() in closers:
            raw = text[content_start:pos]
            closing = m.group(0).rstrip()
            data, error = _parse(kind, raw, content_start, text)
            return FrontMatter(kind, start, content_start, pos, m.end(), True, raw, data, error,
                               blank, closing)
        pos = m.end()
    return FrontMatter(kind, start, content_start, len(text), len(text), False,
                       text[content_start:], None, None, blank, "")


def _json(text: str) -> FrontMatter | None:
    try:
        data, end = json.JSONDecoder().raw_decode(text[:MAX_FRONT_MATTER_CHARS])
    except ValueError:
        return None  # a file that starts with "{" is not necessarily JSON front matter
    if not isinstance(data, dict):
        return None
    m = _LINE.match(text, end)  # rest of the closing line
    body = m.end() if m and not m.group(0).strip() else end
    return FrontMatter("json", 0, 0, end, body, True, text[:end], data, None, 0, "}")


def _parse(kind: str, raw: str, base: int, text: str) -> tuple[Any, ParseError | None]:
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        return None, ParseError(
            f"front matter is {len(raw):,} characters long; copydesk parses at most "
            f"{MAX_FRONT_MATTER_CHARS:,}", None)
    if kind == "yaml":
        return _parse_yaml(raw, base, text)
    return _parse_toml(raw, base, text)


def _offset(text: str, base: int, line: int, column: int) -> int:
    """Offset of 0-based (line, column) of the block starting at `base`."""
    pos = base
    for _ in range(line):
        m = _LINE.match(text, pos)
        if m.end() == pos:
            break
        pos = m.end()
    return min(pos + column, len(text))


def _parse_yaml(raw: str, base: int, text: str) -> tuple[Any, ParseError | None]:
    try:
        return yaml.load(raw, Loader=_YamlLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        offset = _offset(text, base, mark.line, mark.column) if mark else None
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        return None, ParseError(problem, offset)
    except yaml.YAMLError as exc:
        return None, ParseError(str(exc).strip() or "invalid YAML", None)
    except RecursionError:
        return None, ParseError("front matter is nested too deeply to parse", None)


def _parse_toml(raw: str, base: int, text: str) -> tuple[Any, ParseError | None]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(raw), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        offset = None
        if m:
            message = message[: m.start()].strip()
            offset = _offset(text, base, int(m.group(1)) - 1, int(m.group(2)) - 1)
        return None, ParseError(message, offset)
    except RecursionError:
        return None, ParseError("front matter is nested too deeply to parse", None)
