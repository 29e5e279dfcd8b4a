"""Inline suppressions, markdownlint-style HTML comments:

    <!-- copydesk-disable RP101 -->  ...  <!-- copydesk-enable RP101 -->
    <!-- copydesk-disable-next-line EN106 -->
    <!-- copydesk-disable-line EN106 -->
    <!-- copydesk-disable-file RD101 -->

No codes means every rule. A directive inside a code block is an example, not a directive."""

from __future__ import annotations

import re

from lint.lazyre import lazy

_DIRECTIVE = lazy(
    r"<!--\s*copydesk-(disable-next-line|disable-line|disable-file|disable|enable)\b"
    r"(?P<codes>[^>]*?)\s*-->")
_CODE = lazy(r"^[A-Za-z]+[0-9]*$")


# Plain classes, not dataclasses: creating a dataclass costs every run time at import.
class Directive:
    __slots__ = ("kind", "codes", "start", "end", "line", "first_line", "last_line", "used")

    def __init__(self, kind: str, codes: tuple[str, ...], start: int, end: int, line: int,
                 first_line: int, last_line: int, used: set[str] | None = None):
        self.kind = kind
        self.codes = codes  # empty: all rules
        self.start = start
        self.end = end
        self.line = line  # 1-based line of the comment
        self.first_line = first_line  # lines it covers, inclusive
        self.last_line = last_line
        self.used = set() if used is None else used

    def covers(self, code: str, line: int) -> bool:
        if not self.first_line <= line <= self.last_line:
            return False
        return not self.codes or any(code.startswith(c) for c in self.codes)


class Suppressions:
    __slots__ = ("directives", "invalid")

    def __init__(self, directives: list[Directive], invalid: list[tuple[int, int, str]]):
        self.directives = directives
        # (offset, end, text) of codes that name no rule: reported by the engine.
        self.invalid = invalid

    def suppresses(self, code: str, line: int) -> bool:
        hit = False
        for d in self.directives:
            if d.covers(code, line):
                d.used.add(code)
                hit = True
        return hit


def parse(article, known_code) -> Suppressions:
    """Directives of an article. `known_code(str) -> bool` tells which codes name rules."""
    text = article.text
    if "copydesk-" not in text:
        return Suppressions([], [])
    code_spans = [(s.start, s.end) for s in article.nonprose if s.kind == "code"]
    last = len(article.line_starts)
    directives: list[Directive] = []
    invalid: list[tuple[int, int, str]] = []
    open_regions: list[Directive] = []
    for m in _DIRECTIVE.finditer(text):
        if any(s <= m.start() < e for s, e in code_spans):
            continue
        kind = m.group(1)
        codes = []
        for token in re.split(r"[\s,]+", m.group("codes").strip()):
            if not token:
                continue
            if _CODE.match(token) and known_code(token.upper()):
                codes.append(token.upper())
            else:
                invalid.append((m.start(), m.end(), token))
        if not codes and m.group("codes").strip():
            continue  # it named only invalid codes: it must not silence every rule
        line = article.position(m.start())[0]
        if kind == "disable-file":
            directives.append(Directive(kind, tuple(codes), m.start(), m.end(), line, 1, last))
        elif kind == "disable-line":
            directives.append(Directive(kind, tuple(codes), m.start(), m.end(), line, line, line))
        elif kind == "disable-next-line":
            end_line = article.position(m.end())[0]
            directives.append(Directive(kind, tuple(codes), m.start(), m.end(), line,
                                        end_line + 1, end_line + 1))
        elif kind == "disable":
            region = Directive(kind, tuple(codes), m.start(), m.end(), line, line, last)
            directives.append(region)
            open_regions.append(region)
        else:  # enable: closes the regions it names (all of them when it names none)
            for region in list(open_regions):
                if not codes or set(region.codes) <= set(codes):
                    region.last_line = line
                    open_regions.remove(region)
    return Suppressions(directives, invalid)
