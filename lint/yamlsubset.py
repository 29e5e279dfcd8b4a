"""The flat front matter most articles carry, parsed without PyYAML.

Importing PyYAML costs a one-file run about a tenth of its time, and nearly every post's
front matter is a handful of `key: value` lines. This parser accepts only a strict subset
of YAML: top-level keys (plain words) whose values are one-line plain or quoted scalars,
one-line flow lists of such scalars, or block lists of them. For that subset it returns
exactly what lint.frontmatter's PyYAML loader would (the same types: str, int, bool, None,
date, datetime; invalid dates stay strings) and where each key and value stands. Anything
else (comments, nesting, escapes, tabs, floats, anchors, duplicate keys, ...) returns None
and goes to PyYAML, which stays the reference."""

from __future__ import annotations

import re
from typing import Any

from lint.lazyre import lazy

# Characters libyaml does not read as printable, or reads as line breaks (NEL, U+2028/9),
# and tabs, carriage returns and byte-order marks: a block with any of them goes to PyYAML.
# (No lone surrogates: undecodable bytes reach Article.text as U+FFFD.)
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
_ITEM_LINE = lazy(r"( *)- +")
# A plain scalar may not start with an indicator; '-', '?' and ':' may in YAML when a
# non-space follows, but such values are rare enough to leave to PyYAML.
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_SINGLE_QUOTED = lazy(r"'((?:[^']|'')*)'")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
# One item of a one-line flow list: a quoted scalar, or a plain one without flow indicators.
_FLOW_ITEM = re.compile(r""" *("[^"\\]*"|'(?:[^']|'')*'|[^-?:,\[\]{}#&*!|>'"%@` ](?:[^,\[\]{}#:'"]*[^,\[\]{}#:'" ])?) *(,|\])""")

# PyYAML's implicit resolvers (yaml/resolver.py), for the plain scalars they apply to.
_BOOL = {"yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
         "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
         "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False}
_NULL = ("~", "null", "Null", "NULL")
_RESOLVED_FIRST = set("yYnNtTfFoO~-+0123456789.<=")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = lazy(r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN)""", re.X)
_INT = lazy(r"""[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+""", re.X)
# The resolver's timestamp pattern with the constructor's groups (yaml/constructor.py).
_TIMESTAMP = re.compile(r"""(?P<year>[0-9][0-9][0-9][0-9])
                -(?P<month>[0-9][0-9]?)
                -(?P<day>[0-9][0-9]?)
                (?:(?:[Tt]|[ \t]+)
                (?P<hour>[0-9][0-9]?)
                :(?P<minute>[0-9][0-9])
                :(?P<second>[0-9][0-9])
                (?:\.(?P<fraction>[0-9]*))?
                (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)
                (?::(?P<tz_minute>[0-9][0-9]))?))?)?""", re.X)
_DATE_ONLY = lazy(r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")


class _Outside(Exception):
    """The block is outside the subset: PyYAML must parse it."""


Span = tuple[int, int, int, int]


def parse(raw: str) -> tuple[dict[str, Any], dict[tuple, Span]] | None:
    """(data, spans) of a front matter block, or None when it is outside the subset. spans
    maps key paths to (key_start, key_end, value_start, value_end) offsets into `raw`, as
    lint.frontmatter computes them from PyYAML's nodes (a list item's key span is its own)."""
    # A block between delimiters ends with a line break (or is empty); where a block list
    # ends without one, libyaml's marks take shapes not worth copying.
    if raw[-1:] not in ("\n", "") or _OUTSIDE.search(raw):
        return None
    try:
        return _parse(raw)
    except _Outside:
        return None


def _parse(raw: str) -> tuple[dict[str, Any], dict[tuple, Span]]:
    data: dict[str, Any] = {}
    spans: dict[tuple, Span] = {}
    # The key whose value is a block list, while its items are read.
    open_list: list = []
    list_key = list_indent = None
    first_dash = 0
    pos = 0
    for line in raw.split("\n"):
        start, pos = pos, pos + len(line) + 1
        text = line.rstrip(" ")
        if not text:
            continue
        if "#" in text and (text[0] == "#" or " #" in text):
            raise _Outside  # a comment
        if text[0] in " -":
            item = _ITEM_LINE.match(text)
            if item is None or list_key is None or list_indent not in (None, len(item.group(1))):
                raise _Outside
            if list_indent is None:
                list_indent = len(item.group(1))
                first_dash = start + list_indent
            value, end = _scalar(text, item.end())
            open_list.append(value)
            spans[(list_key, len(open_list) - 1)] = (start + item.end(), start + end) * 2
            continue
        if list_key is not None:
            _close_list(spans, list_key, open_list, first_dash)
        list_key = list_indent = None
        m = _KEY_LINE.match(text)
        if m is None:
            raise _Outside
        key = m.group(1)
        if key in data or not isinstance(_plain(key), str):
            raise _Outside
        key_span = (start + m.start(1), start + m.end(1))
        at = m.end()
        if at == len(text):  # a block list follows, or the value is empty (left to PyYAML)
            open_list = data[key] = []
            list_key = key
            spans[(key,)] = key_span + (-1, -1)
        elif text[at] == "[":
            items, item_spans = _flow_list(text, at)
            data[key] = items
            spans[(key,)] = key_span + (start + at, start + len(text))
            for i, (s, e) in enumerate(item_spans):
                spans[(key, i)] = (start + s, start + e) * 2
        else:
            value, end = _scalar(text, at)
            data[key] = value
            spans[(key,)] = key_span + (start + at, start + end)
    if list_key is not None:
        _close_list(spans, list_key, open_list, first_dash)
    return data, spans


def _close_list(spans: dict[tuple, Span], key: str, items: list, dash: int) -> None:
    """A block list's value span runs from its first item's dash to the end of its last item."""
    if not items:
        raise _Outside  # an empty value: null, placed where only libyaml knows
    key_start, key_end = spans[(key,)][:2]
    spans[(key,)] = (key_start, key_end, dash, spans[(key, len(items) - 1)][3])


def _scalar(text: str, at: int) -> tuple[Any, int]:
    """The one-line scalar text[at:] and where it ends (the line is right-stripped)."""
    first = text[at]
    if first == '"':
        m = _DOUBLE_QUOTED.fullmatch(text, at)
        if m is None:
            raise _Outside
        return m.group(1), len(text)
    if first == "'":
        m = _SINGLE_QUOTED.fullmatch(text, at)
        if m is None:
            raise _Outside
        return m.group(1).replace("''", "'"), len(text)
    value = text[at:]
    if first in _INDICATORS or ": " in value or value[-1] == ":":
        raise _Outside
    return _plain(value), len(text)


def _flow_list(text: str, at: int) -> tuple[list, list[tuple[int, int]]]:
    """A one-line flow list text[at:] of scalars: the values and each item's span."""
    if text[-1] != "]":
        raise _Outside
    if not text[at + 1:-1].strip(" "):
        return [], []
    values, item_spans = [], []
    pos = at + 1
    while True:
        m = _FLOW_ITEM.match(text, pos)
        if m is None:
            raise _Outside
        token = m.group(1)
        if token[0] == '"':
            values.append(token[1:-1])
        elif token[0] == "'":
            values.append(token[1:-1].replace("''", "'"))
        else:
            values.append(_plain(token))
        item_spans.append((m.start(1), m.end(1)))
        pos = m.end()
        if m.group(2) == "]":
            if pos != len(text):
                raise _Outside
            return values, item_spans


def _plain(value: str) -> Any:
    """What PyYAML's resolver and safe constructor make of a plain scalar."""
    if value[0] not in _RESOLVED_FIRST:
        return value
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if value in ("<<", "="):
        raise _Outside
    if value[0] in "0123456789":
        m = _TIMESTAMP.fullmatch(value)
        # The resolver wants two-digit months and days when there is no time of day.
        if m is not None and (m.group("hour") or _DATE_ONLY.fullmatch(value)):
            return _timestamp(value, m)
    if _DECIMAL.fullmatch(value):
        return int(value)
    if " " not in value and (_INT.fullmatch(value) or _FLOAT.fullmatch(value)):
        raise _Outside  # octal, hex, sexagesimal, floats (never with a space): PyYAML's to judge
    return value


def _timestamp(value: str, m: re.Match) -> Any:
    """PyYAML's construct_yaml_timestamp, except that a date that does not exist stays a
    string (lint.frontmatter's loader does the same)."""
    import datetime

    values = m.groupdict()
    try:
        if not values["hour"]:
            return datetime.date(int(values["year"]), int(values["month"]), int(values["day"]))
        fraction = 0
        if values["fraction"]:
            fraction = int(values["fraction"][:6].ljust(6, "0"))
        tzinfo = None
        if values["tz_sign"]:
            delta = datetime.timedelta(hours=int(values["tz_hour"]), minutes=int(values["tz_minute"] or 0))
            tzinfo = datetime.timezone(-delta if values["tz_sign"] == "-" else delta)
        elif values["tz"]:
            tzinfo = datetime.timezone.utc
        return datetime.datetime(int(values["year"]), int(values["month"]), int(values["day"]),
                                 int(values["hour"]), int(values["minute"]), int(values["second"]),
                                 fraction, tzinfo=tzinfo)
    except (ValueError, OverflowError):
        return value
