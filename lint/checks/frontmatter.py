"""Front matter checks (FM): the header a Jekyll, Hugo or Astro site builds from.

Splitting and parsing live in lint/frontmatter.py (Article.front_matter); these checks
judge what was parsed and point at the key's line through FrontMatter.spans."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from typing import Any, Iterator, Mapping

from lint.article import Article
from lint.checks import check
from lint.finding import Edit, Fix, Hit
from lint.frontmatter import FrontMatter
from lint.lazyre import lazy
from lint.prose import single_spaced

_DELIMS = {"yaml": "---", "toml": "+++", "json": "{"}

# -- helpers --------------------------------------------------------------------------


def _block(article: Article) -> FrontMatter | None:
    """The parsed front matter mapping, or None (absent, unterminated, broken, a list)."""
    block = article.front_matter
    if block is None or not block.closed or block.error is not None or not block.is_mapping:
        return None
    return block


def _line_span(article: Article, offset: int) -> tuple[int, int]:
    line = article.line_of(offset)
    return article.lines[line]


def _opening(article: Article, block: FrontMatter) -> tuple[int, int]:
    return _line_span(article, block.start)


def _key_hit_span(article: Article, block: FrontMatter, path: tuple) -> tuple[int, int]:
    span = block.locate(path)
    if span is None:
        return _opening(article, block)
    return span.key_start, span.key_end


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _relative(path: str) -> str:
    """The article path as globs see it: forward slashes, no leading ./ or ../ parts."""
    path = path.replace(os.sep, "/")
    while path.startswith(("./", "../")):
        path = path.split("/", 1)[1]
    return path.lstrip("/")


@functools.lru_cache(maxsize=256)
def _spec(globs: tuple[str, ...]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(globs)


# The common shapes "**/_posts/**" and "content/news/**" (literal directory names) need no
# pathspec, whose import costs a one-file run ~40 ms; anything else goes to pathspec.
_LITERAL_DIRS = re.compile(r"(\*\*/)?((?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)+)\*\*")
_ODD_PARTS = re.compile(r"/\.{0,2}/")


@functools.lru_cache(maxsize=256)
def _simple(glob: str) -> re.Pattern | None:
    m = _LITERAL_DIRS.fullmatch(glob)
    if m is None:
        return None
    return re.compile(("(?:.*/)?" if m.group(1) else "") + re.escape(m.group(2)) + ".+", re.S)


def _matches(path: str, glob: str) -> bool:
    relative = _relative(path)
    simple = _simple(glob)
    # Paths with empty, "." or ".." parts (or a trailing slash) follow pathspec's own rules.
    if simple is not None and not _ODD_PARTS.search("/" + relative + "/"):
        return simple.fullmatch(relative) is not None
    return _spec((glob,)).match_file(relative)


def _matching(path: str, table: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    return [(glob, value) for glob, value in (table or {}).items() if _matches(path, glob)]


def _get(data: Any, dotted: str) -> tuple[bool, Any]:
    current = data
    for part in dotted.split("."):
        if not isinstance(current, dict) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _is_draft(data: Mapping[str, Any]) -> bool:
    return data.get("draft") is True or data.get("published") is False


# -- structure ------------------------------------------------------------------------


@check("frontmatter.missing")
def missing(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    if article.front_matter is not None:
        return
    globs = [g for g in params.get("paths") or () if _matches(article.path, g)]
    if globs:
        start, end = article.lines[0] if article.lines else (0, 0)
        yield Hit(start, end, {"glob": globs[0]})


@check("frontmatter.unterminated")
def unterminated(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    if block is None or block.closed:
        return
    start, end = _opening(article, block)
    closer = "}" if block.kind == "json" else _DELIMS[block.kind]
    yield Hit(start, end, {"delimiter": closer, "kind": block.kind.upper()})


@check("frontmatter.leading-content")
def leading_content(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    # Jekyll reads YAML front matter only; the generators that read TOML (`+++`: Hugo, Zola)
    # and JSON (`{`: Hugo) skip a byte-order mark and blank lines before the block. A toto
    # header without "---" has no delimiter to come before (EN106 reports its mark).
    if block is None or block.kind != "yaml" or block.start == block.content_start:
        return
    # A UTF-16/32 file needs its BOM to be read at all: EN101 reports the encoding instead.
    utf8_bom = article.bom and article.encoding == "utf-8"
    if not (utf8_bom or block.leading_blank_lines):
        return
    if _generator(article) in ("hugo", "astro") and not params.get("always"):
        return  # Hugo and Astro skip a BOM and blank lines before the block
    start, end = _opening(article, block)
    if utf8_bom:
        yield Hit(start, end, {"what": "a byte-order mark"}, fix=Fix(remove_bom=True))
    if block.leading_blank_lines:
        n = block.leading_blank_lines
        yield Hit(0, block.start, {"what": f"{n} blank line{'s' if n > 1 else ''}"})


@check("frontmatter.syntax")
def syntax(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    if block is None or not block.closed or block.error is None:
        return
    error = block.error
    if error.offset is None:
        start, end = _opening(article, block)
    else:
        start = min(error.offset, len(article.text))
        end = _line_span(article, start)[1]
    fix = _quote_fix(article, block, start) if "': ' without quotes" in error.message else None
    yield Hit(start, max(start, end), {"error": error.message}, fix=fix)


_KEY_VALUE = lazy(r"^([ \t]*(?:- +)?[A-Za-z0-9_][\w.-]*[ \t]*:[ \t]+)(.*?)[ \t]*$")


def _quote_fix(article: Article, block: FrontMatter, offset: int) -> Fix | None:
    """Quote the value of the `key: value` line where an unquoted ': ' broke the YAML,
    if that makes the whole block parse."""
    import json  # imported where used: most runs never need it

    from lint.frontmatter_yaml import _parse_yaml

    line_start, line_end = _line_span(article, offset)
    line = article.text[line_start:line_end]
    m = _KEY_VALUE.match(line)
    if not m:
        return None
    value = m.group(2)
    if not value or value[0] in "'\"[{|>&*!%@`#" or ": " not in value:
        return None
    quoted = json.dumps(value, ensure_ascii=False)
    start = line_start + m.end(1)
    rel_start, rel_end = start - block.content_start, start + len(value) - block.content_start
    candidate = block.raw[:rel_start] + quoted + block.raw[rel_end:]
    if _parse_yaml(candidate, 0)[1] is not None:
        return None
    return Fix((Edit(start, start + len(value), quoted),))


@check("frontmatter.not-mapping")
def not_mapping(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    if block is None or not block.closed or block.error is not None or block.is_mapping:
        return
    what = {list: "a list", str: "a single string"}.get(type(block.data), f"a {type(block.data).__name__}")
    start = block.content_start
    while start < block.content_end and article.text[start] in " \t\r\n":
        start += 1
    yield Hit(start, _line_span(article, start)[1], {"found": what})


@check("frontmatter.duplicate-key")
def duplicate_key(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    if block is None or not block.closed or block.error is not None:
        return
    for dup in block.duplicates:
        first_line = article.line_of(dup.first[0]) + 1
        yield Hit(dup.again[0], dup.again[1], {"key": dup.path, "first_line": first_line},
                  related=((dup.first[0], dup.first[1], "first given here"),))


@check("frontmatter.required")
def required(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    dated_name = bool(_FILENAME_DATE.match(os.path.basename(article.path)))
    seen: set[str] = set()
    for glob, keys in _matching(article.path, params.get("keys")):
        for key in keys or ():
            if key in seen:
                continue
            seen.add(key)
            if key == "date" and dated_name and params.get("date-from-filename", True):
                continue  # Jekyll takes a post's date from YYYY-MM-DD-slug.md
            present, _ = _get(block.data, key)
            if not present:
                start, end = _opening(article, block)
                yield Hit(start, end, {"key": key, "glob": glob})


# -- schema ---------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


@functools.lru_cache(maxsize=64)
def _schema_file(path: str, mtime: float) -> Any:
    import json

    import yaml

    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    return json.loads(text)


@functools.lru_cache(maxsize=64)
def _validator(schema_json: str):
    import json

    from jsonschema.validators import validator_for

    schema = json.loads(schema_json)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _load_schema(spec: Any) -> Any:
    if isinstance(spec, dict):
        return spec
    path = os.path.abspath(os.path.expanduser(str(spec)))
    return _schema_file(path, os.path.getmtime(path))


@check("frontmatter.schema")
def schema(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    import json

    block = _block(article)
    if block is None:
        return
    matched = _matching(article.path, params.get("schemas"))
    if not matched:
        return
    start, end = _opening(article, block)
    from jsonschema.exceptions import SchemaError

    data = _jsonable(block.data)
    for glob, spec in matched:
        try:
            validator = _validator(json.dumps(_load_schema(spec), sort_keys=True, default=str))
        except (OSError, ValueError, SchemaError, Exception) as exc:  # a broken schema is one finding
            reason = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
            yield Hit(start, end, message=f"front matter schema for {glob!r} cannot be used: {reason}")
            continue
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            path = tuple(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                extra = _unexpected(error)
                if extra:
                    for key in extra:
                        s, e = _key_hit_span(article, block, path + (key,))
                        yield Hit(s, e, {"path": _dotted(path + (key,)),
                                         "error": f"unknown key {key!r}: the schema allows no other keys"})
                    continue
            s, e = _key_hit_span(article, block, path) if path else (start, end)
            yield Hit(s, e, {"path": _dotted(path) or "(front matter)", "error": error.message})


def _unexpected(error) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties") or {})
    patterns = [re.compile(p) for p in (schema.get("patternProperties") or {})]
    return [k for k in error.instance
            if k not in known and not any(p.search(k) for p in patterns)]


# -- dates ----------------------------------------------------------------------------

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"(?:[ \t]*(?P<tz>(?:UTC|GMT)?(?P<offset>[+-]\d{1,2}(?::?\d{2})?)|[Zz]|UTC|GMT))?$")
_ISO_SHAPED = lazy(r"^\d{4}-\d")
_SLASHED = lazy(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH_NAME = lazy(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\b", re.I)
_YEAR = lazy(r"\b(1[89]\d\d|2\d\d\d)\b")
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")


class _Date:
    """A parsed front matter date: `value` is a datetime (aware when the source said so) or
    a date; `has_time`, `has_zone` say what the source spelled out."""

    __slots__ = ("value", "has_time", "has_zone")

    def __init__(self, value: dt.date, has_time: bool, has_zone: bool):
        self.value, self.has_time, self.has_zone = value, has_time, has_zone

    @property
    def day(self) -> dt.date:
        return self.value.date() if isinstance(self.value, dt.datetime) else self.value


def parse_date(value: Any) -> _Date | str | None:
    """A _Date, an error message (str), or None for a value that is not judged (a string in
    a format copydesk does not know but site generators might)."""
    if isinstance(value, dt.datetime):
        return _Date(value, True, value.tzinfo is not None)
    if isinstance(value, dt.date):
        return _Date(value, False, False)
    if isinstance(value, bool):
        return f"{str(value).lower()} is not a date"
    if isinstance(value, (int, float)):
        return f"the number {value!r} is not a date"
    if not isinstance(value, str):
        return f"a {type(value).__name__} is not a date"
    text = value.strip()
    if not text:
        return None  # empty: the empty-value rule's business
    m = _ISO.match(text) or _SLASHED.match(text)
    if m:
        return _from_parts(m)
    if _ISO_SHAPED.match(text):
        return f"{text!r} is not a valid date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +ZZZZ)"
    try:
        import email.utils

        parsed = email.utils.parsedate_to_datetime(text)
        return _Date(parsed, True, parsed.tzinfo is not None)
    except (TypeError, ValueError, IndexError):
        pass
    if _YEAR.search(text) and (_MONTH_NAME.search(text) or re.search(r"\d{1,2}[./]\d{1,2}", text)):
        return None  # "Aug 14, 2025", "14.08.2025": Ruby and Go parse these; not judged
    return f"{text!r} is not a date"


def _from_parts(m: re.Match) -> _Date | str:
    g = m.groupdict()
    y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
    if not 1 <= mo <= 12:
        return f"{m.group(0)!r} is not a valid date: month {mo} does not exist"
    if not 1 <= d <= 28:  # every month has 28 days: most dates need no calendar (nor its import)
        import calendar

        if not 1 <= d <= calendar.monthrange(y, mo)[1]:
            return f"{m.group(0)!r} is not a valid date: {calendar.month_name[mo]} {y} has no day {d}"
    if g.get("H") is None:
        return _Date(dt.date(y, mo, d), False, False)
    hh, mm, ss = int(g["H"]), int(g["M"]), int(g.get("S") or 0)
    if hh > 23 or mm > 59 or ss > 60:
        return f"{m.group(0)!r} is not a valid date: the time {hh:02d}:{mm:02d}:{ss:02d} does not exist"
    tz = None
    zone, offset = g.get("tz"), g.get("offset")
    if offset:
        # "UTC+02:00" (Nikola's format) is two hours ahead of UTC, as Nikola and Ruby read
        # it; only dateutil on its own reads "GMT+2" the POSIX way round.
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        if hours > 14 or minutes > 59:
            return f"{m.group(0)!r} is not a valid date: time zone {zone} does not exist"
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    elif zone:  # Z, UTC, GMT
        tz = dt.timezone.utc
    return _Date(dt.datetime(y, mo, d, hh, mm, min(ss, 59), tzinfo=tz), True, tz is not None)


def _dates(block: FrontMatter, keys) -> Iterator[tuple[str, Any]]:
    for key in keys or ():
        if key in block.data and block.data[key] is not None:
            yield key, block.data[key]


def _value_span(article: Article, block: FrontMatter, key: str) -> tuple[int, int]:
    span = block.locate((key,))
    if span is None:
        return _opening(article, block)
    return span.value_start, max(span.value_start, span.value_end)


@check("frontmatter.invalid-date")
def invalid_date(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    for key, value in _dates(block, params.get("keys")):
        parsed = parse_date(value)
        if isinstance(parsed, str):
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key, "error": parsed})


def _now() -> dt.datetime:
    override = os.environ.get("COPYDESK_NOW")  # for reproducible runs and tests
    if override:
        return dt.datetime.fromisoformat(override).astimezone(dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


@check("frontmatter.future-date")
def future_date(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None or params.get("allow-future") or _is_draft(block.data):
        return
    now = _now()
    # A date without a zone is a wall-clock time somewhere: it is in the future only if it
    # is in the future in the zone furthest ahead (UTC+14).
    latest_wall = (now + dt.timedelta(hours=14)).replace(tzinfo=None)
    for key, value in _dates(block, params.get("keys")):
        parsed = parse_date(value)
        if not isinstance(parsed, _Date):
            continue
        v = parsed.value
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            future = v > now
        elif isinstance(v, dt.datetime):
            future = v > latest_wall
        else:
            future = v > latest_wall.date()
        if future:
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key, "date": str(value).strip() if isinstance(value, str) else v.isoformat()})


@check("frontmatter.filename-date")
def filename_date(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    m = _FILENAME_DATE.match(os.path.basename(article.path))
    if not m:
        return
    try:
        named = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return
    for key, value in _dates(block, ("date",)):
        # The day as written, before any time zone shifts it: YAML and TOML keep the
        # offset a timestamp was written with, and a string is read as it stands.
        written = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
        if written:
            try:
                day = dt.date(*map(int, written.groups()))
            except ValueError:
                continue
        else:
            parsed = parse_date(value)
            if not isinstance(parsed, _Date):
                continue
            day = parsed.day
        if day != named:
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key, "date": day.isoformat(), "filename": named.isoformat()})


@check("frontmatter.date-without-zone")
def date_without_zone(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    for key, value in _dates(block, params.get("keys")):
        parsed = parse_date(value)
        if isinstance(parsed, _Date) and parsed.has_time and not parsed.has_zone:
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key})


# -- values ---------------------------------------------------------------------------


def _empty(value: Any) -> str | None:
    if value is None:
        return "has no value"
    if isinstance(value, str) and not value.strip():
        return "is an empty string"
    if isinstance(value, (list, tuple)) and not value:
        return "is an empty list"
    if isinstance(value, dict) and not value:
        return "is an empty mapping"
    return None


@check("frontmatter.empty-value")
def empty_value(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    keys = params.get("keys") or ()
    every = "*" in keys
    for key, value in block.data.items():
        if not every and key not in keys:
            continue
        why = _empty(value)
        if why:
            span = block.locate((key,))
            if span is None:
                continue
            end = span.value_end if span.value_end > span.key_end else span.key_end
            yield Hit(span.key_start, end, {"key": key, "why": why})


def _text_values(block: FrontMatter, keys) -> Iterator[tuple[str, str]]:
    for key in keys or ():
        value = block.data.get(key)
        if isinstance(value, str):
            yield key, value


@check("frontmatter.title-whitespace")
def title_whitespace(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    for key, value in _text_values(block, params.get("keys")):
        if value == value.strip() or not value.strip():
            continue
        span = block.locate((key,))
        if span is None:
            continue
        source = article.text[span.value_start:span.value_end]
        if source[:1] in ("|", ">"):
            value = value.rstrip("\n")  # a block scalar's final line break is its syntax
            if value == value.strip():
                continue
        fix = None
        quote = source[:1]
        if quote in ("'", '"') and source.endswith(quote) and "\n" not in source and "\\" not in source:
            inner = source[1:-1]
            fix = Fix((Edit(span.value_start + 1, span.value_end - 1, inner.strip()),))
        yield Hit(span.value_start, span.value_end, {"key": key, "value": value}, fix=fix)


@functools.lru_cache(maxsize=16)
def _prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern | None:
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"({alternatives})(?=[ \t]|$)", re.I)


@check("frontmatter.title-prefix")
def title_prefix(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    pattern = _prefix_pattern(tuple(params.get("prefix-lexicon") or ()))
    if pattern is None:
        return
    for key, value in _text_values(block, params.get("keys")):
        head = value.lstrip()
        m = pattern.match(head)
        if m is None or not head[m.end():].strip():
            continue
        found = m.group(1)
        span = block.locate((key,))
        if span is None:
            continue
        source = article.text[span.value_start:span.value_end]
        at = source.lower().find(found.lower())
        s = span.value_start + max(at, 0)
        e = s + len(found) if at >= 0 else span.value_end
        yield Hit(s, e, {"key": key, "prefix": head[:len(found)]})


@check("frontmatter.too-long")
def too_long(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    for key, limit in (params.get("max-lengths") or {}).items():
        value = block.data.get(key)
        if isinstance(value, str) and len(value.strip()) > int(limit):
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key, "length": len(value.strip()), "max": int(limit)})


# -- cut excerpts ---------------------------------------------------------------------

_QUOTES = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("\u00a0", " "))
# A run of Markdown marks, or an HTML tag. Spelled to open with one character class (the
# first mark, or "<"), so that the regex engine skips quickly to candidates:
# "[*_`\[\]#>|]+|</?[A-Za-z][^>]*>" finds the same matches several times slower.
_MARKUP = re.compile(r"[*_`\[\]#>|<](?:(?<=<)/?[A-Za-z][^>]*>|(?<!<)[*_`\[\]#>|]*)")
# What every _MARKUP match starts with: most bodies hold none, and looking for one character
# at a time is many times faster than the pattern's scan
_MARKUP_MARKS = "*_`[]#>|<"
_TERMINAL = tuple(".!?…:;)]\"'»”’")
_ELLIPSIS = ("...", "…", "[…]", "[...]", "(…)", "(...)")
_WORD_THEN_ELLIPSIS = re.compile(r"(?<=\w)(?:\.\.\.|…)$")


def _normalize(text: str) -> str:
    # str.replace runs in C; str.translate with a mapping looks up every character in Python
    for curly, straight in _QUOTES:
        text = text.replace(curly, straight)
    if any(mark in text for mark in _MARKUP_MARKS):
        text = _MARKUP.sub("", text)
    # white space runs become one space, none at the ends
    return single_spaced(text)


def _ends_of(needle: str, text: str) -> Iterator[int]:
    """Where each non-overlapping occurrence of needle in text ends, left to right: what
    re.finditer(re.escape(needle), text) finds, without compiling a pattern per needle."""
    at = text.find(needle)
    while at >= 0:
        yield at + len(needle)
        at = text.find(needle, at + max(len(needle), 1))


@check("frontmatter.cut-excerpt")
def cut_excerpt(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    """An excerpt or description that stops inside a word (or a sentence) that the body
    goes on to finish: a fixed-length cut by a scraper or CMS export."""
    block = _block(article)
    if block is None:
        return
    min_tail = int(params.get("min-match", 20))
    body = None
    for key, value in _text_values(block, params.get("keys")):
        text = _normalize(value)
        # An ellipsis marks a deliberate cut, but not one right after a word the body
        # finishes: "remain unc..." is still a word cut in two.
        dots = _WORD_THEN_ELLIPSIS.search(text)
        if dots:
            text = text[:dots.start()]
        if not text or text.endswith(_ELLIPSIS) or len(text) < min_tail:
            continue
        if not text[-1].isalnum():
            continue
        if body is None:
            body = _normalize(article.prose_text[article.body_start:])
        # The value's last words, found in the body, followed by more of the same word.
        words = text.split(" ")
        if len(words) < 3:
            continue
        count = int(params.get("tail-words", 4))
        tail = " ".join(words[-count:])
        while len(tail) < min_tail and count < len(words):
            count += 1
            tail = " ".join(words[-count:])
        if len(tail) < min_tail:
            continue
        how = None
        continued = ""
        for end in _ends_of(tail, body):
            after = body[end:end + 40]
            if after[:1].isalnum():
                how = "inside a word"
                word = re.match(r"\w+", after)
                continued = text.rsplit(" ", 1)[-1] + "|" + (word.group() if word else "")
                break
            if (not dots and after[:1] == " " and len(text) >= 80 and text in body
                    and re.match(r" [a-z]", after)):
                how = "mid-sentence"
                continued = "… " + after[1:].split(" ", 3)[0]
        if how:
            s, e = _value_span(article, block, key)
            yield Hit(s, e, {"key": key, "how": how, "continued": continued})


# -- prose in front matter, tabs, files -----------------------------------------------

_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>")
_SENTENCE_PUNCT = lazy(r"[.,;!?\"“”'’]")


def _prose_key(key: str) -> bool:
    if _HTML.search(key):
        return True
    words = key.split()
    return len(words) >= 5 or (len(words) >= 3 and bool(_SENTENCE_PUNCT.search(key)))


@check("frontmatter.prose-key")
def prose_key(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    for key in block.data:
        if isinstance(key, str) and _prose_key(key):
            s, e = _key_hit_span(article, block, (key,))
            shown = key if len(key) <= 60 else key[:57] + "..."
            yield Hit(s, e, {"key": shown})


@check("frontmatter.tab")
def tab(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = article.front_matter
    if block is None or block.kind != "yaml" or not block.closed or "\t" not in block.raw:
        return
    if block.error is not None:
        return
    import yaml

    from lint.frontmatter import _yaml_line_starts
    from lint.frontmatter_yaml import _YamlLoader

    raw = block.raw
    starts = _yaml_line_starts(raw)

    def off(mark) -> int:
        return starts[min(mark.line, len(starts) - 1)] + mark.column

    try:
        tokens = list(yaml.scan(raw, Loader=_YamlLoader))
    except yaml.YAMLError:
        return
    for before, after in zip(tokens, tokens[1:]):
        gap_start, gap_end = off(before.end_mark), off(after.start_mark)
        gap = raw[gap_start:gap_end]
        pos = 0
        for line in gap.splitlines(keepends=True):
            code = line.split("#", 1)[0]
            i = code.find("\t")
            if i >= 0:
                at = block.content_start + gap_start + pos + i
                yield Hit(at, at + 1, {})
                break
            pos += len(line)


_SITE_MARKERS = ("_config.yml", "_config.yaml", "_config.toml", "hugo.toml", "hugo.yaml", "hugo.yml",
                 "hugo.json", "astro.config.mjs", "astro.config.ts", "astro.config.js",
                 "astro.config.mts")
_HUGO_LEGACY = ("config.toml", "config.yaml", "config.yml", "config.json")


@functools.lru_cache(maxsize=1024)
def _site_root(directory: str) -> str | None:
    """The nearest directory at or above `directory` holding a site configuration, not
    looking past the repository root."""
    current = directory
    while True:
        for name in _SITE_MARKERS:
            if os.path.isfile(os.path.join(current, name)):
                return current
        if any(os.path.isfile(os.path.join(current, n)) for n in _HUGO_LEGACY) and \
                os.path.isdir(os.path.join(current, "content")):
            return current
        if os.path.exists(os.path.join(current, ".git")):
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


_JEKYLL_DIRS = lazy(r"(?:^|/)_(?:posts|drafts)/")


def _generator(article: Article) -> str | None:
    """jekyll, hugo or astro when the file's site says so; None when unknown."""
    if _JEKYLL_DIRS.search(article.path.replace(os.sep, "/")):
        return "jekyll"
    file_path = os.path.abspath(article.path)
    if not os.path.isfile(file_path):
        return None
    root = _site_root(os.path.dirname(file_path))
    if root is None:
        return None
    return _site_kind(root)


@functools.lru_cache(maxsize=256)
def _site_kind(root: str) -> str:
    names = set(os.listdir(root))
    if names & {"_config.yml", "_config.yaml", "_config.toml"}:
        return "jekyll"
    if any(n.startswith("astro.config.") for n in names):
        return "astro"
    return "hugo"


@functools.lru_cache(maxsize=4096)
def _exists(path: str) -> bool:
    return os.path.exists(path)


# URLs, fragments, template expressions and bundler aliases (Astro's "@/assets/...",
# "~/...") are not site paths.
_NOT_A_PATH = lazy(r"^(?:[a-z][a-z0-9+.-]*:|//|#|\{\{|\{%|<|@|~)", re.I)


def _reference_values(data: Any, dotted: str) -> Iterator[tuple[tuple, str]]:
    present, value = _get(data, dotted)
    path = tuple(dotted.split("."))
    if not present:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield path + (i,), item


@check("frontmatter.missing-file")
def missing_file(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    block = _block(article)
    if block is None:
        return
    file_path = os.path.abspath(article.path)
    if not os.path.isfile(file_path):
        return  # stdin, or a path this process cannot see
    file_dir = os.path.dirname(file_path)
    root = params.get("site-root") or ""
    root = os.path.abspath(os.path.expanduser(root)) if root else _site_root(file_dir)
    if not root:
        return
    bases = [root] + [os.path.join(root, d) for d in params.get("static-dirs") or ()]
    from urllib.parse import unquote

    for key in params.get("keys") or ():
        for path, value in _reference_values(block.data, key):
            ref = value.strip()
            if not ref or _NOT_A_PATH.match(ref) or "{{" in ref:
                continue
            ref = unquote(ref.split("?", 1)[0].split("#", 1)[0])
            rel = ref.lstrip("/")
            candidates = [os.path.join(b, rel) for b in bases]
            if not ref.startswith("/"):
                candidates.append(os.path.join(file_dir, rel))
            elif "/" in rel:  # "/blog/assets/x.jpg" on a site served under a baseurl
                candidates.extend(os.path.join(b, rel.split("/", 1)[1]) for b in bases)
            if any(_exists(os.path.normpath(c)) for c in candidates):
                continue
            span = block.locate(path)
            s, e = (span.value_start, span.value_end) if span else _opening(article, block)
            yield Hit(s, e, {"key": _dotted(path), "ref": ref})
