"""Which parts of an article are prose, and how its body splits into blocks.

Non-prose is found in stages so that an earlier kind hides its content from the later
patterns: a backtick inside a fenced code block must not open an inline code span."""

from __future__ import annotations

import functools
import operator
import re
from bisect import bisect_left, bisect_right
from itertools import compress, starmap
from operator import itemgetter
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from lint.article import Article, Block, Span

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")
_RAW_HTML_ELEMENT = re.compile(r"<(script|style|pre)\b[^>]*>[\s\S]*?(?:</\1\s*>|\Z)", re.I)
_TEMPLATE = re.compile(r"\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}")
# A run of backticks not preceded by one ("(?<!``)" after the first backtick is "(?<!`)"
# before it): starting with the literal lets the regex engine skip to backticks.
_INLINE_CODE = re.compile(r"(`(?<!``)`*)(?!`)((?:(?!\n[ \t]*\n)[\s\S])+?)(?<!`)\1(?!`)")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^<>\s]+>", re.I)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
# The destination "(?:[^()\s]|\([^()\s]*\))*" can end in only one place (what follows must
# be white space or ")"), so it is matched atomically (a lookahead, then its capture):
# runs of characters at a time instead of one alternation per character.
_LINK_TARGET = re.compile(r"\]\((?=((?:[^()\s]+|\([^()\s]*\))*))\1"
                          r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_LINK_REFERENCE = re.compile(r"\]\[[^\]\n]*\]")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S.*$", re.M)  # [^1]: is a footnote: prose
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL_TRAILING = ".,;:!?)]}*_"
# What every match of _URL, _EMAIL and _REFERENCE_DEF contains (none spans a line break):
# only the lines holding one are scanned.
_URL_NEEDLE = re.compile(r"://|www\.", re.I)  # slow: no literal prefix (see _url_lines)
_EMAIL_NEEDLE = re.compile("@")
_REFERENCE_DEF_NEEDLE = re.compile(r"\]:")


def _on_lines_with(pattern: re.Pattern, needle: re.Pattern | Callable[[int], int], text: str
                   ) -> Iterator[re.Match]:
    """pattern.finditer(text), for a pattern whose every match contains a match of needle
    and no "\n": only the lines holding the needle are scanned. The regex engine looks
    behind `pos` into the real text, and a "\n" after `endpos` is no word character and
    ends a line ($), so matches are the same as over the whole text. `needle` may also be
    a function: the offset of the next needle from an offset on, or -1."""
    pos = 0
    while True:
        if isinstance(needle, re.Pattern):
            hit = needle.search(text, pos)
            at = -1 if hit is None else hit.start()
        else:
            at = needle(pos)
        if at < 0:
            return
        lo = text.rfind("\n", 0, at) + 1
        hi = text.find("\n", at)
        if hi < 0:
            hi = len(text)
        yield from pattern.finditer(text, lo, hi)
        pos = hi


def _has_www(text: str) -> bool:
    """"www." in text.lower(), without lowering a text that is not ASCII (slow): in UTF-8,
    "w", "W" and "." are single bytes that no other character's encoding holds, and no
    other character lowers to "w" or "."."""
    return b"www." in text.encode("utf-8", "surrogatepass").lower()


def _url_needle(text: str, lowered: str | None) -> re.Pattern | Callable[[int], int]:
    """Where the next "://" or "www." (in any case) is: str.find over the text and its lower
    case (None: the text holds no "www." in any case), which is much faster than a
    case-insensitive regex without a literal prefix. Lower case keeps offsets unless the
    text holds U+0130, which lowers to two characters."""
    if lowered is None:
        return functools.partial(text.find, "://")
    if "\u0130" in text:
        return _URL_NEEDLE

    def next_hit(pos: int) -> int:
        a = text.find("://", pos)
        b = lowered.find("www.", pos)
        return b if a < 0 else a if b < 0 else min(a, b)

    return next_hit


# Kinds in the order the stages find them: where spans overlap, the earlier kind wins.
def nonprose_spans(article: "Article") -> list["Span"]:
    from lint.article import Span, mask_merged

    text = article.text
    # (start, end, kind) in the order found; masks are built stage by stage, each from the
    # previous one and the spans the stage found (blanking is per character, so masking
    # twice is masking with the union).
    spans: list[tuple[int, int, str]] = []
    blank = article._blank

    # Several triggers start with "<" or "]", which most prose lacks: one scan of the text
    # for each rules them all out (masking only removes characters).
    absent = {first for first in "<]" if first not in text}

    def find(kind: str, pattern: re.Pattern, within: str, trigger: str, into: list) -> None:
        # Most prose holds none of a pattern's trigger characters: skip the scan entirely.
        if trigger[0] not in absent and trigger in within:
            into.extend([(m.start(), m.end(), kind) for m in pattern.finditer(within)])

    def masked_with(base: str, new: list[tuple[int, int, str]]) -> str:
        spans.extend(new)
        return mask_merged(base, _merge_tuples(new), blank) if new else base

    stage: list[tuple[int, int, str]] = []
    block = article.front_matter
    if block is not None:
        stage.append((0, block.end if block.closed else block.content_start, "frontmatter"))
    find("comment", _HTML_COMMENT, text, "<!--", stage)
    if article.markdown:
        stage.extend((s.start, s.end, s.kind) for s in _code_blocks(article))
        masked = masked_with(text, stage)
        stage = []
        find("html", _RAW_HTML_ELEMENT, masked, "<", stage)
        find("template", _TEMPLATE, masked, "{", stage)
        masked = masked_with(masked, stage)
        stage = []
        find("code", _INLINE_CODE, masked, "`", stage)
        masked = masked_with(masked, stage)
        stage = []
        find("url", _AUTOLINK, masked, "<", stage)
        find("image", _IMAGE, masked, "![", stage)
        find("link", _LINK_TARGET, masked, "](", stage)
        find("link", _LINK_REFERENCE, masked, "][", stage)
        if "]" not in absent and "]:" in masked:
            stage.extend([(m.start(), m.end(), "link")
                          for m in _on_lines_with(_REFERENCE_DEF, _REFERENCE_DEF_NEEDLE, masked)])
        find("html", _HTML_TAG, masked, "<", stage)
        masked = masked_with(masked, stage)
    else:
        masked = masked_with(text, stage)
    stage = []
    www = _has_www(masked)
    if www or "://" in masked:
        for m in _on_lines_with(_URL, _url_needle(masked, masked.lower() if www else None), masked):
            end = m.end()
            while end > m.start() and masked[end - 1] in _URL_TRAILING:
                end -= 1
            stage.append((m.start(), end, "url"))
    if "@" in masked:
        stage.extend([(m.start(), m.end(), "url") for m in _on_lines_with(_EMAIL, _EMAIL_NEEDLE, masked)])
    spans.extend(stage)
    return [Span(start, end, kind) for start, end, kind in _merge_tuples(spans)]


def _merge_tuples(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping; where spans overlap the earlier one's kind wins."""
    # By start, the longest first, else in the order found (two stable sorts).
    ordered = sorted(spans, key=itemgetter(1), reverse=True)
    ordered.sort(key=itemgetter(0))
    result: list[tuple[int, int, str]] = []
    last_end = -1
    for span in ordered:
        if span[0] < last_end:
            if span[1] > last_end:
                last = result[-1]
                result[-1] = (last[0], span[1], last[2])
                last_end = span[1]
            continue
        result.append(span)
        last_end = span[1]
    return result


def _merge(spans: list["Span"]) -> list["Span"]:
    """Sorted, non-overlapping; where spans overlap the earlier one's kind wins."""
    from lint.article import Span

    return [Span(*t) for t in _merge_tuples([(s.start, s.end, s.kind) for s in spans])]


def _code_blocks(article: "Article") -> list["Span"]:
    """Fenced code blocks and indented code blocks (after a blank line, outside lists)."""
    from lint.article import Span

    return [Span(start, end, "code") for start, end in _code_block_bounds(article)]


# Lines that can open a code block: a fence, or an indented line. Every other line only
# updates the state (previous line blank, inside a list) that the next candidate needs.
# The line break before it is a literal the regex engine finds fast ("^" is tried everywhere).
_CODE_CANDIDATE = re.compile(r" {0,3}(?:```|~~~)|    |\t")
_CODE_CANDIDATE_LINE = re.compile(r"\n(?: {0,3}(?:```|~~~)|    |\t)")
_LONE_CR = re.compile(r"\r(?!\n)")


def _code_block_bounds(article: "Article") -> list[tuple[int, int]]:
    text = article.text
    lines = article.lines
    body_line = article.line_of(article.body_start) if article.body_start else 0
    if "\r" in text and _LONE_CR.search(text):
        # "^" of a multi-line regex knows no lone "\r": visit every line
        return _scan_code_blocks(text, lines, None, body_line, range(body_line, len(lines)))
    starts = article.line_starts
    first = starts[body_line]
    candidates = [body_line] if _CODE_CANDIDATE.match(text, first) else []
    candidates.extend([bisect_right(starts, m.start() + 1) - 1
                       for m in _CODE_CANDIDATE_LINE.finditer(text, first)])
    return _scan_code_blocks(text, lines, starts, body_line, candidates)


_OUTDENTED = re.compile(r"^(?!    |\t)[^\S\r\n]*\S", re.M)  # not blank, not indented
_fence_closers: dict[str, re.Pattern] = {}


def _fence_close(text: str, lines: list[tuple[int, int]], starts: list[int] | None, i: int,
                 marker: str) -> int:
    """The line that closes the fence opened by `marker` on line i (len(lines): none): its
    text, stripped, is the marker's character, at least as many times. `starts`: the line
    starts when a multi-line regex can find lines (no lone "\r"), else None."""
    if starts is None:
        j = i + 1
        while j < len(lines):
            candidate = text[lines[j][0]:lines[j][1]].strip()
            if candidate.startswith(marker[0] * len(marker)) and not candidate.strip(marker[0]):
                break
            j += 1
        return j
    closer = _fence_closers.get(marker)
    if closer is None:
        closer = _fence_closers[marker] = re.compile(
            rf"^[^\S\r\n]*{re.escape(marker[0])}{{{len(marker)},}}[^\S\r\n]*\r?$", re.M)
    if i + 1 >= len(lines):
        return len(lines)
    m = closer.search(text, starts[i + 1])
    return len(lines) if m is None else bisect_right(starts, m.start()) - 1


def _indented_last(text: str, lines: list[tuple[int, int]], starts: list[int] | None, i: int) -> int:
    """The last non-blank line of the indented code block starting on line i: the block
    runs until a non-blank line that is not indented."""
    if starts is None:
        j = i
        last = i
        while j < len(lines):
            candidate = text[lines[j][0]:lines[j][1]]
            if candidate.strip() and not candidate.startswith(("    ", "\t")):
                break
            if candidate.strip():
                last = j
            j += 1
        return last
    m = _OUTDENTED.search(text, starts[i])
    j = len(lines) if m is None else bisect_right(starts, m.start()) - 1
    last = j - 1
    while last > i and not text[lines[last][0]:lines[last][1]].strip():
        last -= 1
    return last


def _scan_code_blocks(text: str, lines: list[tuple[int, int]], starts: list[int] | None,
                      body_line: int, candidates: Iterable[int]) -> list[tuple[int, int]]:
    """The line-by-line reading of code blocks, visiting only the candidate lines (and,
    between two, the blank lines before the later one); every line the candidates skip
    is blank, or neither indented nor a fence: it only sets `in_list` (when not blank)."""
    spans = []
    in_list = False
    pos = body_line  # the first line not read yet
    for i in candidates:
        if i < pos:
            continue  # inside a block already found
        # The last non-blank line skipped since pos decides in_list.
        j = i - 1
        while j >= pos:
            start, end = lines[j]
            line = text[start:end]
            if line.strip():
                in_list = bool(_LIST_ITEM.match(line))
                break
            j -= 1
        if i == body_line:
            previous_blank = True
        elif i > pos:
            start, end = lines[i - 1]
            previous_blank = not text[start:end].strip()
        else:  # the line before was read as a candidate: not blank
            previous_blank = False
        start, end = lines[i]
        line = text[start:end]
        fence = _FENCE.match(line)
        if fence:
            last = min(_fence_close(text, lines, starts, i, fence.group(2)), len(lines) - 1)
            spans.append((start, lines[last][1]))
            pos = last + 1
            continue
        if not line.strip():
            continue  # a blank line that merely starts with spaces: an ordinary line
        indented = line.startswith(("    ", "\t"))
        if indented and previous_blank and not in_list:
            last = _indented_last(text, lines, starts, i)
            spans.append((start, lines[last][1]))
            pos = last + 1
            continue
        if not indented:
            in_list = bool(_LIST_ITEM.match(line))
        pos = i + 1
    return spans


_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^\s*>")
_TABLE = re.compile(r"^\s*\|")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z!][^>]*>?")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")


# Every kind but paragraph needs one of these as the line's first non-space character (or
# a decimal digit: a numbered list item).
_KIND_MARKS = frozenset("-*+•#_>|<")


def _kind(first_line: str, mark: str, markdown: bool) -> str:
    """The kind of a block that is not code, from its first line and that line's first
    character that is not white space (`mark`, "" for none)."""
    if mark not in _KIND_MARKS and not mark.isdecimal():
        return "paragraph"
    if _LIST_ITEM.match(first_line):
        return "list"
    if not markdown:
        return "paragraph"
    if _HEADING.match(first_line):
        return "heading"
    if _THEMATIC.match(first_line):
        return "thematic"
    if _QUOTE.match(first_line):
        return "quote"
    if _TABLE.match(first_line):
        return "table"
    if _HTML_LINE.match(first_line):
        return "html"
    return "paragraph"


def split_blocks(article: "Article") -> list["Block"]:
    from lint.article import Block

    text = article.text
    markdown = article.markdown
    first = article.line_of(article.body_start) if article.body_start else 0
    # Code blocks (fenced or indented), not inline code that happens to open a line.
    code = [s for s in article.nonprose
            if s.kind == "code" and (_FENCE.match(text, s.start) or text.startswith(("    ", "\t"), s.start))
            ] if markdown else []
    code_starts = {s.start: s for s in code}

    # The body's lines (the line holding body_start counts only if it starts there), their
    # text and their text stripped, cut by C loops.
    line_starts = article.line_starts
    offset = bisect_left(line_starts, article.body_start, first)
    body_lines = article.lines[offset:]
    contents = list(map(text.__getitem__, starmap(slice, body_lines)))
    stripped = list(map(str.strip, contents))
    nonblank = list(compress(range(len(stripped)), stripped))
    if not nonblank:
        return []
    # A text with no blank line between its first and last lines keeps one paragraph per
    # line (scraped archives often do); each line is then a block of its own.
    one_per_line = len(nonblank) > 1 and nonblank[-1] - nonblank[0] + 1 == len(nonblank)

    # Only some lines change what happens to the paragraph being read: blank lines, lines
    # that open a code block, and (Markdown) headings and setext underlines, which start
    # with "#", "=" or "-" after at most 3 spaces. Every other line joins the paragraph.
    heads = list(map(itemgetter(slice(0, 1)), stripped))
    if one_per_line:
        events: Iterable[int] = range(len(body_lines))
    else:
        flags = map("#=-".__contains__, heads) if markdown else map(operator.not_, heads)
        events = list(compress(range(len(heads)), flags))  # "#=-".__contains__("") is True
        if code_starts:  # the body lines a code block starts on are events too
            events = sorted(set(events).union(_line_indexes(line_starts, code_starts, offset)))

    blocks: list[Block] = []
    current_first = -1  # index of the first line of the paragraph being read; -1: none
    current_last = -1

    def flush() -> None:
        start, end = body_lines[current_first][0], body_lines[current_last][1]
        blocks.append(Block(start, end, _kind(contents[current_first], heads[current_first], markdown), text[start:end]))

    skip_until = -1
    pos = 0  # the first line not read yet; lines before an event that are not read join
    for i in events:
        start, end = body_lines[i]
        if start < skip_until:
            continue
        if i > pos:
            if current_first < 0:
                current_first = pos
            current_last = i - 1
        pos = i + 1
        if code_starts and start in code_starts:
            if current_first >= 0:
                flush()
                current_first = -1
            span = code_starts[start]
            blocks.append(Block(span.start, span.end, "code", text[span.start:span.end]))
            skip_until = span.end
            pos = bisect_left(line_starts, skip_until) - offset
            continue
        head = heads[i]
        if not head:
            if current_first >= 0:
                flush()
                current_first = -1
            continue
        if one_per_line:
            current_first = current_last = i
            flush()
            current_first = -1
            continue
        if markdown and head in "#=-":
            line = contents[i]
            if current_first >= 0 and _SETEXT.match(line) and not _LIST_ITEM.match(line):
                s = body_lines[current_first][0]
                blocks.append(Block(s, end, "heading", text[s:end]))
                current_first = -1
                continue
            if _HEADING.match(line):
                if current_first >= 0:
                    flush()
                    current_first = -1
                blocks.append(Block(start, end, "heading", line))
                continue
        if current_first < 0:
            current_first = i
        current_last = i
    if pos < len(body_lines):
        if current_first < 0:
            current_first = pos
        current_last = len(body_lines) - 1
    if current_first >= 0:
        flush()
    return blocks


def _line_indexes(line_starts: list[int], offsets: Iterable[int], first: int) -> list[int]:
    """For each offset where a line from line `first` on starts: that line's index - first."""
    found = []
    for offset in offsets:
        i = bisect_left(line_starts, offset, first)
        if i < len(line_starts) and line_starts[i] == offset:
            found.append(i - first)
    return found
