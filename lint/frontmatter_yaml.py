"""The YAML half of lint.frontmatter: PyYAML (libyaml's safe loader), hardened for hostile
input, and positions from its node tree. Imported only for blocks lint.yamlsubset leaves
to PyYAML, and by the checks that look at YAML tokens."""

from __future__ import annotations

import re
from typing import Any, Iterator

import yaml

from lint.frontmatter import (MAX_DEPTH, MAX_EXPANDED_NODES, Duplicate, KeySpan, ParseError,
                             _yaml_line_starts)

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


def _mark_offset(starts: list[int], base: int, raw: str, mark) -> int:
    line = min(mark.line, len(starts) - 1)
    return base + min(starts[line] + mark.column, len(raw))


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
    try:
        for event in yaml.parse(raw, Loader=_YamlLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml reads flow collections ahead of its events, and refuses nesting past its
        # own limit before the count above passes MAX_DEPTH.
        if "maximum nesting depth" in (exc.problem or ""):
            return exc.problem_mark
        raise
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
