"""Find and parse the front matter block: YAML (---), TOML (+++) or a leading JSON object.

Parsing is hardened for hostile input: YAML tags that would construct objects are refused
(libyaml's safe loader), alias bombs ("billion laughs") and deep nesting are bounded
before anything walks the data, and the block's size is capped. Every key keeps where it
stands in the file (FrontMatter.spans), so checks can point at the offending line."""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any, Iterator, NamedTuple

import yaml

try:  # libyaml, as Jekyll uses; the pure-Python loader accepts a slightly different language
    _SafeBase: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _SafeBase = yaml.SafeLoader


class _YamlLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """The safe loader, except that a timestamp-shaped value that is no real date
    (2025-02-30) stays a string for the date rules to judge instead of failing the block."""

    # No path resolvers are ever registered: skip their bookkeeping on every node.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


def _timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

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
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# A JSON front matter block starts with "{" then a quoted key or a line end; "{%", "{{" and
# kramdown's "{:" are not JSON.
_JSON_START = re.compile(r'\{[ \t]*(?:"|\r?\n|\r|$)')


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
                 duplicates: tuple[Duplicate, ...] = (), node: Any = None):
        self.kind = kind  # "yaml" | "toml" | "json"
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
        # The YAML node tree (for positions).
        self.node = node

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.data, dict)

    @cached_property
    def spans(self) -> dict[tuple, KeySpan]:
        """Key path -> where it stands: ("title",), ("authors", 2), ("author", "name")."""
        if self.error is not None or self.data is None:
            return {}
        if self.kind == "yaml":
            return _yaml_spans(self.node, self.raw, self.content_start) if self.node is not None else {}
        if self.kind == "toml":
            return _toml_spans(self.raw, self.content_start)
        return _json_spans(self.raw, self.content_start)

    def locate(self, path: tuple) -> KeySpan | None:
        """The span of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        if self.kind == "yaml" and "spans" not in self.__dict__:
            # One key: walk down the node tree instead of mapping every node.
            return _yaml_locate(self.node, path, self.raw, self.content_start, self._yaml_starts) \
                if self.node is not None and self.error is None else None
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
        return _delimited(text, pos, m.end(), first, _OPEN[first], blank)
    if markdown and blank == 0 and _JSON_START.match(text):
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
            data, error, dups, node = _parse(kind, raw, content_start)
            return FrontMatter(kind, start, content_start, pos, m.end(), True, raw, data, error,
                               blank, closing, dups, node)
        pos = m.end()
    return FrontMatter(kind, start, content_start, len(text), len(text), False,
                       text[content_start:], None, None, blank, "")


def _json(text: str) -> FrontMatter | None:
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


_JSON_TOKEN = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


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


def _parse(kind: str, raw: str, base: int) -> tuple[Any, ParseError | None, tuple, Any]:
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        return None, ParseError(
            f"front matter is {len(raw):,} characters long; copydesk parses at most "
            f"{MAX_FRONT_MATTER_CHARS:,}", None, "size"), (), None
    if kind == "yaml":
        return _parse_yaml(raw, base)
    data, error = _parse_toml(raw, base)
    return data, error, (), None


def _yaml_line_starts(raw: str) -> list[int]:
    return [0] + [m.end() for m in _YAML_BREAK.finditer(raw)]


def _mark_offset(starts: list[int], base: int, raw: str, mark) -> int:
    line = min(mark.line, len(starts) - 1)
    return base + min(starts[line] + mark.column, len(raw))


# -- YAML -----------------------------------------------------------------------------

_HINTS = (
    ("mapping values are not allowed", "a value contains ': ' without quotes; put the value in quotes"),
    ("could not find expected ':'", "a line is not 'key: value' (a missing ':' or a stray line of text)"),
    ("cannot start any token", None),
    ("did not find expected key", "the indentation is off, or a value continues after a closing quote"),
    ("did not find expected alphabetic or numeric character",
     "a value starting with '*' or '&' is read as a YAML alias or anchor; quote it"),
    ("found unexpected end of stream", "a quoted value is never closed"),
    ("found undefined alias", "a value starting with '*' is read as a YAML alias; quote it"),
    ("expected <block end>", "text follows a complete value; quote the whole value"),
    ("did not find expected node content", None),
    ("found unknown escape character", "a backslash in a double-quoted value; use single quotes or '\\\\'"),
)


def _readable(problem: str, context: str | None) -> str:
    words = problem
    m = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if m:
        char = m.group(1)
        if char == "\\t":
            return "a tab where YAML allows only spaces"
        return f"a value cannot start with {char!r} unless it is quoted"
    for needle, hint in _HINTS:
        if needle in problem:
            if hint:
                words = f"{problem} ({hint})"
            break
    else:
        if context:
            words = f"{problem} ({context})"
    return words


def _parse_yaml(raw: str, base: int) -> tuple[Any, ParseError | None, tuple, Any]:
    starts: list[int] | None = None

    def at(mark) -> int | None:
        nonlocal starts
        if mark is None:
            return None
        if starts is None:
            starts = _yaml_line_starts(raw)
        return _mark_offset(starts, base, raw, mark)

    try:
        too_deep = _too_deep(raw)
        if too_deep is not None:
            return None, ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep",
                                    at(too_deep), "limit"), (), None
        loader = _YamlLoader(raw)
        try:
            node = loader.get_single_node()
            if node is None:  # an empty block, or only comments
                return {}, None, (), None
            limit = _alias_limit(node) if "&" in raw and _ANCHOR.search(raw) else None
            if limit is not None:
                return None, ParseError(limit[0], at(limit[1]), "limit"), (), None
            duplicates = tuple(_duplicates(node, raw, base, at))
            data = _construct(loader, node)
        finally:
            loader.dispose()
        return data, None, duplicates, node
    except yaml.constructor.ConstructorError as exc:
        m = re.search(r"for the tag '(.+?)'", exc.problem or "")
        if m is None:  # an unhashable (list or mapping) key, bad !!binary ...
            problem = exc.problem or "a value cannot be read"
            context = f" ({exc.context})" if exc.context else ""
            return None, ParseError(f"YAML error: {problem}{context}",
                                    at(exc.problem_mark or exc.context_mark)), (), None
        tag = m.group(1).replace("tag:yaml.org,2002:", "!!")
        return None, ParseError(
            f"unsupported YAML tag {tag!r}: front matter may hold only plain values "
            "(copydesk, like Jekyll's safe loader, never constructs objects from tags)",
            at(exc.problem_mark), "tag"), (), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        return None, ParseError(f"YAML syntax error: {_readable(problem, exc.context)}", at(mark)), (), None
    except yaml.YAMLError as exc:
        return None, ParseError(f"YAML syntax error: {str(exc).strip() or 'invalid YAML'}", None), (), None
    except RecursionError:
        return None, ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep",
                                None, "limit"), (), None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor choking on a value
        return None, ParseError(f"YAML value cannot be read: {exc}", None), (), None


# An anchor ("&name") follows white space or a flow indicator; "&#8217;" inside a word
# (an HTML entity) is no anchor, and needs no alias check.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S", re.M)
_STR, _SEQ, _MAP, _MERGE = ("tag:yaml.org,2002:" + t for t in ("str", "seq", "map", "merge"))


def _construct(loader, root) -> Any:
    """The same values as SafeConstructor.construct_document, faster: strings, lists and
    mappings (most of any front matter) are built directly; every other tag, and mappings
    with merge keys, go through the safe constructor. Nesting is bounded by MAX_DEPTH."""
    built: dict[int, Any] = {}

    def build(node) -> Any:
        key = id(node)
        if key in built:
            return built[key]
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            value = node.value
        elif tag == _SEQ and isinstance(node, yaml.SequenceNode):
            value = built[key] = []
            value.extend(build(child) for child in node.value)
        elif tag == _MAP and isinstance(node, yaml.MappingNode) and \
                not any(k.tag == _MERGE for k, _ in node.value):
            value = built[key] = {}
            for key_node, value_node in node.value:
                name = build(key_node)
                try:
                    if not isinstance(name, str):
                        hash(name)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key",
                        key_node.start_mark) from None
                value[name] = build(value_node)
        else:
            value = loader.construct_object(node, deep=True)
        built[key] = value
        return value

    return build(root)


def _too_deep(raw: str):
    """The mark where nesting passes MAX_DEPTH, or None. Every level of nesting needs one
    of '[', '{', '-', ':' or '?', so a block with fewer of them needs no event scan."""
    bound = (raw.count("[") + raw.count("{") + raw.count("-") + raw.count(":") + raw.count("?"))
    if bound <= MAX_DEPTH:
        return None
    depth = 0
    # libyaml's parser is iterative: walking events cannot overflow any stack.
    for event in yaml.parse(raw, Loader=_YamlLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _alias_limit(root) -> tuple[str, Any] | None:
    """(message, mark) when the node graph (aliases shared) expands past the limit or
    refers to itself; None when it is an honest tree or a small graph."""
    size: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > MAX_EXPANDED_NODES:
                return (f"front matter expands to more than {MAX_EXPANDED_NODES:,} values through "
                        "YAML aliases (an alias bomb?); refused", node.start_mark)
            size[key] = total
            continue
        if key in size:
            continue
        if key in active:
            return "a YAML alias refers to the value that contains it; refused", node.start_mark
        active.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in active:
                return "a YAML alias refers to the value that contains it; refused", child.start_mark
            if id(child) not in size:
                stack.append((child, False))
    return None


def _key_text(node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{node.id}>"


def _duplicates(root, raw: str, base: int, at) -> Iterator[Duplicate]:
    seen_nodes: set[int] = set()
    stack: list[tuple[Any, tuple]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], Any] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    ident = (key.tag, key.value)
                    if ident in first and key.tag != _MERGE:
                        dotted = ".".join(path + (key.value,)).replace(".[", "[")
                        f = first[ident]
                        yield Duplicate(dotted, (at(f.start_mark), at(f.end_mark)),
                                        (at(key.start_mark), at(key.end_mark)))
                    else:
                        first[ident] = key
                if not isinstance(value, yaml.ScalarNode):
                    stack.append((value, path + (_key_text(key),)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                if not isinstance(item, yaml.ScalarNode):
                    stack.append((item, path + (f"[{i}]",)))


def _scalar_key(node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:int":
            try:
                return int(node.value)
            except ValueError:
                return node.value
        return node.value
    return f"<{node.id}>"


def _yaml_locate(root, path: tuple, raw: str, base: int, starts: list[int]) -> KeySpan | None:
    """The span of the deepest node along `path` (None for an empty path)."""
    found = None
    node = root
    for part in path:
        child_key = child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if _scalar_key(key) == part:
                    child_key, child = key, value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child_key = child = node.value[part]
        if child is None:
            break
        found = KeySpan(_mark_offset(starts, base, raw, child_key.start_mark),
                        _node_end(child_key, starts, base, raw),
                        _mark_offset(starts, base, raw, child.start_mark),
                        _node_end(child, starts, base, raw))
        node = child
    return found


def _node_end(node, starts: list[int], base: int, raw: str) -> int:
    start = _mark_offset(starts, base, raw, node.start_mark)
    end = _mark_offset(starts, base, raw, node.end_mark)
    while end > start and raw[end - base - 1] in " \t\r\n\x85\u2028\u2029":
        end -= 1
    return end


def _yaml_spans(root, raw: str, base: int) -> dict[tuple, KeySpan]:
    starts = _yaml_line_starts(raw)

    def off(mark) -> int:
        return _mark_offset(starts, base, raw, mark)

    def end_of(node) -> int:
        end = off(node.end_mark)
        start = off(node.start_mark)
        text = raw
        while end > start and text[end - base - 1] in " \t\r\n\x85\u2028\u2029":
            end -= 1
        return end

    spans: dict[tuple, KeySpan] = {}
    stack: list[tuple[Any, tuple]] = [(root, ())]
    visited = 0
    while stack and visited < MAX_EXPANDED_NODES:
        node, path = stack.pop()
        visited += 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = path + (_scalar_key(key),)
                if child not in spans:
                    spans[child] = KeySpan(off(key.start_mark), end_of(key),
                                           off(value.start_mark), end_of(value))
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = path + (i,)
                s, e = off(item.start_mark), end_of(item)
                spans[child] = KeySpan(s, e, s, e)
                stack.append((item, child))
    return spans


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
_TOML_KEY = re.compile(rf"[ \t]*({_TOML_KEY_PART}(?:[ \t]*\.[ \t]*{_TOML_KEY_PART})*)[ \t]*=[ \t]*")
_TOML_TABLE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_TOML_KEY_PART}(?:[ \t]*\.[ \t]*{_TOML_KEY_PART})*)[ \t]*\]\]?")
_TOML_PART = re.compile(_TOML_KEY_PART)


def _toml_key_parts(dotted: str) -> tuple[str, ...]:
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


_TOML_TOKEN = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|\'[^\'\r\n]*\'|#[^\r\n]*|[{}\[\],]|[^\s{}\[\],"\'#]+')


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
