"""Find and parse the front matter block: YAML (---), TOML (+++) or a leading JSON object;
in a file that is not Markdown also toto's header (YAML ended by the first blank line) and
Kirby's content file (`Key: value` fields between `----` lines, the Text field the body).

Parsing is hardened for hostile input: YAML tags that would construct objects are refused
(libyaml's safe loader), alias bombs ("billion laughs") and deep nesting are bounded
before anything walks the data, and the block's size is capped. Every key keeps where it
stands in the file (FrontMatter.spans), so checks can point at the offending line.

The common flat YAML block is read by lint.yamlsubset; PyYAML (lint.frontmatter_yaml) is
imported only for the others."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Iterator, NamedTuple

from lint import yamlsubset
from lint.lazyre import lazy

# A front matter block larger than this is not a header any site generator would accept;
# refusing it bounds the parser's time and memory on hostile input.
MAX_FRONT_MATTER_CHARS = 256 * 1024
# Nesting deeper than this is refused before libyaml's (recursive, C) composer sees it:
# no site's front matter nests more than a handful of levels, and 10^5 levels crash it.
MAX_DEPTH = 200
# Values after alias expansion: a "billion laughs" block of a few hundred bytes expands to
# 10^9 values; anything that walks the data (a schema validator, a check) would hang.
MAX_EXPANDED_NODES = 100_000

_OPEN = {"---": "yaml", "+++": "toml"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# Line breaks as YAML counts them (libyaml's marks count lines this way).
_YAML_BREAK = lazy("\r\n|[\r\n\x85\u2028\u2029]")
# A JSON front matter block starts with "{" then a quoted key or a line end; "{%", "{{" and
# kramdown's "{:" are not JSON.
_JSON_START = lazy(r'\{[ \t]*(?:"|\r?\n|\r|$)')


# NamedTuples and a plain class, not dataclasses: creating a dataclass costs every run time
# at import.
class ParseError(NamedTuple):
    message: str
    # Offset into Article.text of where the parser gave up (None: the whole block).
    offset: int | None
    # What went wrong, for checks that offer help: syntax | tag | limit | size
    kind: str = "syntax"


class KeySpan(NamedTuple):
    """Where one key and its value stand, in Article.text offsets. For a list item the key
    span is the item's own span."""

    key_start: int
    key_end: int
    value_start: int
    value_end: int


class Duplicate(NamedTuple):
    """A mapping key given twice: `path` is the dotted path of the mapping's key."""

    path: str
    first: tuple[int, int]
    again: tuple[int, int]


class FrontMatter:
    def __init__(self, kind: str, start: int, content_start: int, content_end: int, end: int,
                 closed: bool, raw: str, data: Any = None, error: ParseError | None = None,
                 leading_blank_lines: int = 0, closing_delimiter: str = "",
                 duplicates: tuple[Duplicate, ...] = (), node: Any = None,
                 spans: dict[tuple, KeySpan] | None = None,
                 inside_body: tuple[tuple[int, int], ...] = ()):
        self.kind = kind  # "yaml" | "toml" | "json" | "kirby"
        self.start = start  # offset of the opening delimiter
        self.content_start = content_start
        self.content_end = content_end
        self.end = end  # offset just past the closing delimiter's line: where the body starts
        self.closed = closed
        self.raw = raw
        self.data = data
        self.error = error
        # Blank lines before the opening delimiter: Jekyll then sees no front matter at all.
        self.leading_blank_lines = leading_blank_lines
        # "..." closes a YAML document too; Jekyll accepts it, Hugo does not.
        self.closing_delimiter = closing_delimiter
        self.duplicates = duplicates
        # The YAML node tree (for positions), when PyYAML read the block.
        self.node = node
        # Metadata at or after where the body starts (Kirby's "Text:" label and the fields
        # after the Text field): (start, end) spans that are front matter, not prose.
        self.inside_body = inside_body
        if spans is not None:  # known from the start (lint.yamlsubset read the block)
            self.__dict__["spans"] = spans

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.data, dict)

    @cached_property
    def spans(self) -> dict[tuple, KeySpan]:
        """Key path -> where it stands: ("title",), ("authors", 2), ("author", "name")."""
        if self.error is not None or self.data is None:
            return {}
        if self.kind == "yaml":
            if self.node is None:
                return {}
            from lint.frontmatter_yaml import _yaml_spans

            return _yaml_spans(self.node, self.raw, self.content_start)
        if self.kind == "toml":
            return _toml_spans(self.raw, self.content_start)
        return _json_spans(self.raw, self.content_start)

    def locate(self, path: tuple) -> KeySpan | None:
        """The span of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        if self.kind == "yaml" and "spans" not in self.__dict__:
            if self.node is None or self.error is not None:
                return None
            from lint.frontmatter_yaml import _yaml_locate

            # One key: walk down the node tree instead of mapping every node.
            return _yaml_locate(self.node, path, self.raw, self.content_start, self._yaml_starts)
        spans = self.spans
        while path:
            if path in spans:
                return spans[path]
            path = path[:-1]
        return None

    @cached_property
    def _yaml_starts(self) -> list[int]:
        return _yaml_line_starts(self.raw)


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
        block = _delimited(text, pos, m.end(), first, _OPEN[first], blank)
        if not block.closed and not markdown and first == "---":
            # toto reads a header up to the first blank line; "---" is YAML's document start
            return _header(text, pos, m.end(), blank, 1) or block
        return block
    if markdown:
        return _json(text) if blank == 0 and _JSON_START.match(text) else None
    if blank == 0:
        header = _kirby(text) or _header(text, 0, 0, 0, 2)
        # Without a "---", only a header that reads as keys and values is one
        return header if header is not None and header.error is None and header.is_mapping else None
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
            flat = _flat_yaml(raw, content_start) if kind == "yaml" else None
            if flat is not None:
                return FrontMatter(kind, start, content_start, pos, m.end(), True, raw, flat[0], None,
                                   blank, closing, spans=flat[1])
            data, error, dups, node = _parse(kind, raw, content_start)
            return FrontMatter(kind, start, content_start, pos, m.end(), True, raw, data, error,
                               blank, closing, dups, node)
        pos = m.end()
    return FrontMatter(kind, start, content_start, len(text), len(text), False,
                       text[content_start:], None, None, blank, "")


# A top-level `key: value` line of a header that ends at a blank line (toto), and the line
# that opens a Kirby field (Kirby splits at "\n----", then each field at its first ":").
_HEADER_LINE = lazy(r"[A-Za-z0-9_][\w.-]*[ \t]*:(?:[ \t]|$)")
_KIRBY_FIELD = lazy(r"([A-Za-z][\w-]*)[ \t]*:")
_KIRBY_SEPARATOR = lazy(r"----[ \t]*(?:\r\n|\r|\n|$)")


def _header(text: str, start: int, content_start: int, blank: int,
            min_lines: int) -> FrontMatter | None:
    """toto's article header: `key: value` lines from content_start to the first blank
    line (at least `min_lines` of them), read as YAML; None when any line is something
    else, or no blank line follows."""
    pos = content_start
    lines = 0
    while pos < len(text):
        m = _LINE.match(text, pos)
        if not m.group(0).strip():
            if lines < min_lines:
                return None
            raw = text[content_start:pos]
            flat = _flat_yaml(raw, content_start)
            if flat is not None:
                return FrontMatter("yaml", start, content_start, pos, m.end(), True, raw, flat[0],
                                   None, blank, "", spans=flat[1])
            data, error, dups, node = _parse("yaml", raw, content_start)
            return FrontMatter("yaml", start, content_start, pos, m.end(), True, raw, data, error,
                               blank, "", dups, node)
        if not _HEADER_LINE.match(m.group(0)):
            return None
        lines += 1
        pos = m.end()
    return None


def _kirby(text: str) -> FrontMatter | None:
    """A Kirby content file: fields `Key: value` (the key lower-cased, '-' read as '_', the
    value trimmed, as Kirby reads them) between `----` lines. The Text field's value is the
    body; the other fields are the front matter. None unless the file opens with a field,
    has a separator, and every piece between separators opens with a field."""
    if not _KIRBY_FIELD.match(text) or len(text) > MAX_FRONT_MATTER_CHARS or "\n----" not in text:
        return None
    fields: list[tuple[int, int, int, int]] = []  # key start, key end, value start, value end
    pos = 0
    piece = 0  # where the current field's piece starts
    separators = 0
    while True:
        m = _LINE.match(text, pos)
        at_end = m.end() == pos
        if at_end or _KIRBY_SEPARATOR.fullmatch(m.group(0)):
            field = _kirby_field(text, piece, pos)
            if field is None:
                return None
            if field:
                fields.append(field)
            if at_end:
                break
            separators += 1
            piece = m.end()
        pos = m.end()
    if not separators:
        return None
    data: dict[str, str | None] = {}
    spans: dict[tuple, KeySpan] = {}
    duplicates = []
    body = None  # the Text field's span
    for key_start, key_end, value_start, value_end in fields:
        key = text[key_start:key_end].lower().replace("-", "_")
        span = KeySpan(key_start, key_end, value_start, value_end)
        if (key,) in spans:
            duplicates.append(Duplicate(key, spans[(key,)][:2], span[:2]))
        # An empty field has no value, as `key:` has none in YAML.
        data[key] = text[value_start:value_end] or None
        spans[(key,)] = span
        if key == "text" and not kirby_blocks(data[key]):
            body = span
    if body is None:  # no article text: every field is front matter
        return FrontMatter("kirby", 0, 0, len(text), len(text), True, text, data, None, 0, "",
                           tuple(duplicates), spans=spans)
    body_start = text.rfind("\n", 0, body.key_start) + 1
    inside = ((body.key_start, text.index(":", body.key_end) + 1),)
    after = _LINE.match(text, body.value_end).end()  # the line after the text's last one
    if text[after:].strip():  # separators, and the fields after the text
        inside += ((after, len(text)),)
    return FrontMatter("kirby", 0, 0, body_start, body_start, True, text[:body_start], data, None,
                       0, "", tuple(duplicates), spans=spans, inside_body=inside)


def kirby_blocks(value: str | None) -> bool:
    """Whether a Kirby field holds a blocks editor's JSON (a list of `{"type": ...,
    "content": ...}` objects, HTML inside): not text copydesk can read as prose, so such a
    Text field is front matter like the others."""
    if not value or not value.startswith("[{") or not value.endswith("}]"):
        return False
    import json  # only for such a field

    try:
        blocks = json.loads(value)
    except ValueError:
        return False
    return isinstance(blocks, list) and all(isinstance(b, dict) and "type" in b for b in blocks)


def _kirby_field(text: str, start: int, end: int) -> tuple[int, int, int, int] | tuple | None:
    """(key start, key end, value start, value end) of the field in text[start:end]; ()
    for a blank piece; None when the piece does not open with a field."""
    pos = start
    while pos < end and text[pos] in " \t\r\n":
        pos += 1
    if pos == end:
        return ()
    if pos != start and text[pos - 1] not in "\r\n":
        return None  # indented: not a field
    m = _KIRBY_FIELD.match(text, pos, end)
    if m is None:
        return None
    value_start, value_end = m.end(), end
    while value_start < value_end and text[value_start] in " \t\r\n":
        value_start += 1
    while value_end > value_start and text[value_end - 1] in " \t\r\n":
        value_end -= 1
    if value_start == value_end:  # an empty field: its value stands right after the colon
        value_start = value_end = m.end()
    return m.start(1), m.end(1), value_start, value_end


def _json(text: str) -> FrontMatter | None:
    import json  # imported where used: most runs never need it

    head = text[:MAX_FRONT_MATTER_CHARS]
    pairs_seen: list[list[tuple[str, Any]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        pairs_seen.append(items)
        return dict(items)

    try:
        data, end = json.JSONDecoder(object_pairs_hook=pairs).raw_decode(head)
    except RecursionError:
        end = _json_extent(head)
        return FrontMatter("json", 0, 0, end or len(head), _line_end(text, end or len(head)),
                           bool(end), text[:end or len(head)], None,
                           ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep", None, "limit"),
                           0, "}")
    except json.JSONDecodeError as exc:
        # It opens like JSON front matter but does not parse: find where the object was
        # meant to end (matching braces outside strings) to report the error in place.
        end = _json_extent(head)
        if end is None:
            return FrontMatter("json", 0, 0, len(text), len(text), False, text, None, None, 0, "")
        try:
            json.loads(head[:end])
            offset = exc.pos
            message = exc.msg
        except json.JSONDecodeError as inner:
            offset, message = inner.pos, inner.msg
        return FrontMatter("json", 0, 0, end, _line_end(text, end), True, text[:end], None,
                           ParseError(f"JSON syntax error: {message}", offset), 0, "}")
    if not isinstance(data, dict):
        return None
    return FrontMatter("json", 0, 0, end, _line_end(text, end), True, text[:end], data, None, 0,
                       "}", _json_duplicates(text[:end]) if any(
                           len(items) != len({k for k, _ in items}) for items in pairs_seen) else ())


def _line_end(text: str, end: int) -> int:
    m = _LINE.match(text, end)  # rest of the closing line
    return m.end() if m and not m.group(0).strip() else end


_JSON_TOKEN = lazy(r'"(?:[^"\\\r\n]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _json_extent(text: str) -> int | None:
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _flat_yaml(raw: str, base: int) -> tuple[dict, dict[tuple, KeySpan]] | None:
    """(data, spans) of a YAML block in the flat shape most posts use, read without importing
    PyYAML (a tenth of a one-file run); None when PyYAML must read it."""
    flat = yamlsubset.parse(raw) if len(raw) <= MAX_FRONT_MATTER_CHARS else None
    if flat is None:
        return None
    data, spans = flat
    return data, {path: KeySpan(base + ks, base + ke, base + vs, base + ve)
                  for path, (ks, ke, vs, ve) in spans.items()}


def _parse(kind: str, raw: str, base: int) -> tuple[Any, ParseError | None, tuple, Any]:
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        return None, ParseError(
            f"front matter is {len(raw):,} characters long; copydesk parses at most "
            f"{MAX_FRONT_MATTER_CHARS:,}", None, "size"), (), None
    if kind == "yaml":
        from lint.frontmatter_yaml import _parse_yaml

        return _parse_yaml(raw, base)
    data, error = _parse_toml(raw, base)
    return data, error, (), None


def _yaml_line_starts(raw: str) -> list[int]:
    return [0] + [m.end() for m in _YAML_BREAK.finditer(raw)]


# -- TOML -----------------------------------------------------------------------------


def _offset(text: str, base: int, line: int, column: int) -> int:
    """Offset of 0-based (line, column) of the block starting at `base`."""
    pos = base
    for _ in range(line):
        m = _LINE.match(text, pos)
        if m.end() == pos:
            break
        pos = m.end()
    return min(pos + column, len(text))


def _parse_toml(raw: str, base: int) -> tuple[Any, ParseError | None]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    if raw.count("[") + raw.count("{") > MAX_DEPTH and _toml_too_deep(raw):
        return None, ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep", None, "limit")
    try:
        return tomllib.loads(raw), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        offset = None
        if m:
            message = message[: m.start()].strip()
            offset = _offset(raw, 0, int(m.group(1)) - 1, int(m.group(2)) - 1) + base
        elif "end of document" in message:
            offset = base + len(raw)
        return None, ParseError(f"TOML syntax error: {message}", offset)
    except RecursionError:
        return None, ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep", None, "limit")


def _toml_too_deep(raw: str) -> bool:
    depth = 0
    for m in _JSON_TOKEN.finditer(raw):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
    return False


_TOML_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_TOML_KEY = lazy(rf"[ \t]*({_TOML_KEY_PART}(?:[ \t]*\.[ \t]*{_TOML_KEY_PART})*)[ \t]*=[ \t]*")
_TOML_TABLE = lazy(rf"[ \t]*(\[\[?)[ \t]*({_TOML_KEY_PART}(?:[ \t]*\.[ \t]*{_TOML_KEY_PART})*)[ \t]*\]\]?")
_TOML_PART = lazy(_TOML_KEY_PART)


def _toml_key_parts(dotted: str) -> tuple[str, ...]:
    import json

    parts = []
    for m in _TOML_PART.finditer(dotted):
        part = m.group()
        if part[:1] == '"':
            part = json.loads(part)
        elif part[:1] == "'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _toml_spans(raw: str, base: int) -> dict[tuple, KeySpan]:
    """Top-level and table keys of a (valid) TOML block, line by line: enough to point at a
    key; values inside inline tables map to their key."""
    spans: dict[tuple, KeySpan] = {}
    table: tuple = ()
    array_counts: dict[tuple, int] = {}
    skip_until = 0
    for m in _LINE.finditer(raw):
        if m.start() == m.end():
            break
        start, line = m.start(), m.group().rstrip("\r\n")
        if start < skip_until:
            continue
        header = _TOML_TABLE.match(line)
        if header:
            keys = _toml_key_parts(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(keys, 0)
                array_counts[keys] = index + 1
                table = keys + (index,)
                spans.setdefault(keys, KeySpan(base + start, base + start + len(line),
                                               base + start, base + start + len(line)))
            else:
                table = keys
            spans[table] = KeySpan(base + start, base + start + len(line), base + start, base + start + len(line))
            continue
        key = _TOML_KEY.match(line)
        if not key:
            continue
        path = table + _toml_key_parts(key.group(1))
        value_start = start + key.end()
        value_end = _toml_value_end(raw, value_start)
        skip_until = value_end
        end = value_end
        while end > value_start and raw[end - 1] in " \t\r\n":
            end -= 1
        spans[path] = KeySpan(base + start + key.start(1), base + start + key.end(1),
                              base + value_start, base + end)
        if raw.startswith("[", value_start):
            for i, (s, e) in enumerate(_toml_items(raw, value_start, end)):
                spans[path + (i,)] = KeySpan(base + s, base + e, base + s, base + e)
    return spans


_TOML_TOKEN = lazy(r'"(?:[^"\\\r\n]|\\.)*"|\'[^\'\r\n]*\'|#[^\r\n]*|[{}\[\],]|[^\s{}\[\],"\'#]+')


def _toml_items(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array raw[start:end]."""
    items: list[tuple[int, int]] = []
    depth = 0
    current: list[int] | None = None
    for m in _TOML_TOKEN.finditer(raw, start, end):
        token = m.group()
        if token[0] == "#":
            continue
        if token in "[{":
            depth += 1
            if depth == 2 and current is None:
                current = [m.start(), m.end()]
        elif token in "]}":
            depth -= 1
            if depth == 1 and current is not None:
                current[1] = m.end()
            if depth == 0:
                break
        elif token == ",":
            if depth == 1 and current is not None:
                items.append((current[0], current[1]))
                current = None
        elif depth == 1:
            if current is None:
                current = [m.start(), m.end()]
            else:
                current[1] = m.end()
    if current is not None:
        items.append((current[0], current[1]))
    return items


def _toml_value_end(raw: str, pos: int) -> int:
    """End of the value starting at pos: past a multi-line string or array, else line end."""
    for quote in ('"""', "'''"):
        if raw.startswith(quote, pos):
            close = raw.find(quote, pos + 3)
            return len(raw) if close < 0 else _LINE.match(raw, close + 3).end()
    if raw[pos:pos + 1] in "[{":
        depth = 0
        for m in _TOML_TOKEN.finditer(raw, pos):
            token = m.group()
            if token[:1] == "#":
                continue
            if token in "[{":
                depth += 1
            elif token in "]}":
                depth -= 1
                if depth == 0:
                    return _LINE.match(raw, m.end()).end()
        return len(raw)
    return _LINE.match(raw, pos).end()


# -- JSON -----------------------------------------------------------------------------


def _json_walk(raw: str) -> Iterator[tuple[tuple, int, int, int, int]]:
    """(path, key_start, key_end, value_start, value_end) for every value of a JSON text."""
    import json

    tokens = list(_JSON_TOKEN.finditer(raw))
    i = 0

    def value(i: int, path: tuple, key_span: tuple[int, int] | None):
        start = tokens[i].start()
        token = tokens[i].group()
        if token == "{":
            i += 1
            while i < len(tokens) and tokens[i].group() != "}":
                if tokens[i].group() == ",":
                    i += 1
                    continue
                k = tokens[i]
                name = json.loads(k.group()) if k.group()[:1] == '"' else k.group()
                i += 2  # key and ':'
                if i >= len(tokens):
                    break
                i = yield from value(i, path + (name,), (k.start(), k.end()))
            end = tokens[min(i, len(tokens) - 1)].end()
            i += 1
        elif token == "[":
            i += 1
            index = 0
            while i < len(tokens) and tokens[i].group() != "]":
                if tokens[i].group() == ",":
                    i += 1
                    continue
                i = yield from value(i, path + (index,), None)
                index += 1
            end = tokens[min(i, len(tokens) - 1)].end()
            i += 1
        else:
            end = tokens[i].end()
            i += 1
        ks, ke = key_span or (start, end)
        if path:
            yield path, ks, ke, start, end
        return i

    if tokens:
        yield from value(i, (), None)


def _json_spans(raw: str, base: int) -> dict[tuple, KeySpan]:
    spans: dict[tuple, KeySpan] = {}
    try:
        for path, ks, ke, vs, ve in _json_walk(raw):
            spans.setdefault(path, KeySpan(base + ks, base + ke, base + vs, base + ve))
    except (IndexError, ValueError):
        pass
    return spans


def _json_duplicates(raw: str) -> tuple[Duplicate, ...]:
    seen: dict[tuple, tuple[int, int]] = {}
    found = []
    try:
        walked = list(_json_walk(raw))
    except (IndexError, ValueError):
        return ()
    for path, ks, ke, _, _ in walked:
        if path in seen and not isinstance(path[-1], int):
            dotted = ".".join(str(p) for p in path)
            found.append(Duplicate(dotted, seen[path], (ks, ke)))
        else:
            seen.setdefault(path, (ks, ke))
    return tuple(found)
