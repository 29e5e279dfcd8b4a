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
from typing import Callable, Iterable, Iterator

from lint.article import Article, Block, Span, mask_merged
from lint.lazyre import lazy

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_NESTED_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*$")  # in a list item: indented past its content
# Octopress/Jekyll code blocks: a Liquid {% codeblock %} or {% highlight %} tag opens one,
# and its end tag closes it
_LIQUID_CODE = re.compile(r"[ \t]*\{%-?[ \t]*(codeblock|highlight)\b[^\n]*?%\}")
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


def _url_needle(text: str, www: bool) -> Callable[[int], int]:
    """Where the next "://" or "www." (in any case; `www`: the text holds one) is, from an
    offset on, or -1: str.find over the text, and for "www." over a copy of it with one
    byte a character, ASCII lowered and every other character "?" (no other character
    lowers to "w" or "."). Much faster than a case-insensitive regex without a literal
    prefix, and than str.lower, which is slow on text that is not ASCII (and turns U+0130
    into two characters)."""
    if not www:
        return functools.partial(text.find, "://")
    folded = text.encode("ascii", "replace").lower()

    def next_hit(pos: int) -> int:
        a = text.find("://", pos)
        b = folded.find(b"www.", pos)
        return b if a < 0 else a if b < 0 else min(a, b)

    return next_hit


# Kinds in the order the stages find them: where spans overlap, the earlier kind wins.
def nonprose_spans(article: "Article") -> list["Span"]:
    text = article.text
    # (start, end, kind) in the order found; masks are built stage by stage, each from the
    # previous one and the spans the stage found (blanking is per character, so masking
    # twice is masking with the union).
    spans: list[tuple[int, int, str]] = []
    blank = article._blank

    def find(kind: str, pattern: re.Pattern, within: str, trigger: str, into: list) -> None:
        # Most prose holds none of a pattern's trigger characters: skip the scan entirely.
        # Looking for one character is many times faster than for two or more, so a
        # trigger's rarer end ("]" of "](", "[" of "![") is looked for first.
        if trigger[0] in within and trigger[-1] in within and trigger in within:
            into.extend([(m.start(), m.end(), kind) for m in pattern.finditer(within)])

    def masked_with(base: str, new: list[tuple[int, int, str]]) -> str:
        spans.extend(new)
        return mask_merged(base, _merge_tuples(new), blank) if new else base

    stage: list[tuple[int, int, str]] = []
    block = article.front_matter
    if block is not None:
        stage.append((0, block.end if block.closed else block.content_start, "frontmatter"))
        stage.extend((start, end, "frontmatter") for start, end in block.inside_body)
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
        if "]" in masked and "]:" in masked:
            stage.extend([(m.start(), m.end(), "link")
                          for m in _on_lines_with(_REFERENCE_DEF, _REFERENCE_DEF_NEEDLE, masked)])
        find("html", _HTML_TAG, masked, "<", stage)
        masked = masked_with(masked, stage)
    else:
        masked = masked_with(text, stage)
    stage = []
    www = _has_www(masked)
    if www or ("/" in masked and "://" in masked):  # "/" first: see find()
        for m in _on_lines_with(_URL, _url_needle(masked, www), masked):
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
    return [Span(*t) for t in _merge_tuples([(s.start, s.end, s.kind) for s in spans])]


def _code_blocks(article: "Article") -> list["Span"]:
    """Fenced code blocks, indented code blocks (after a blank line), in and outside list
    items, and Liquid code blocks."""
    return [Span(start, end, "code") for start, end in _code_block_bounds(article)]


# Lines that can open a code block: a fence, an indented line, or a Liquid tag. Every other
# line only updates the state (previous line blank, inside a list) that the next candidate
# needs.
# The line break before it is a literal the regex engine finds fast ("^" is tried everywhere).
_CODE_CANDIDATE = re.compile(r" {0,3}(?:```|~~~|\{%)|    |\t")
_CODE_CANDIDATE_LINE = re.compile(r"\n(?: {0,3}(?:```|~~~|\{%)|    |\t)")
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


_LIQUID_CLOSERS = {name: re.compile(r"\{%-?[ \t]*end" + name + r"\b[^\n]*?%\}")
                   for name in ("codeblock", "highlight")}


def _liquid_close(text: str, lines: list[tuple[int, int]], starts: list[int] | None, i: int,
                  opener: re.Match) -> int | None:
    """The line holding the end tag of the Liquid code block `opener` opened on line i
    (None: no end tag, the tag is not a code block)."""
    m = _LIQUID_CLOSERS[opener.group(1)].search(text, lines[i][0] + opener.end())
    if m is None:
        return None
    return bisect_right(starts if starts is not None else [s for s, _ in lines], m.start()) - 1


def _indented_last(text: str, lines: list[tuple[int, int]], starts: list[int] | None, i: int,
                   width: int = 4) -> int:
    """The last non-blank line of the indented code block starting on line i: the block
    runs until a non-blank line indented less than `width` columns (4, or 4 past the
    content of the list item the block is in)."""
    if starts is None or width != 4:
        j = i
        last = i
        while j < len(lines):
            candidate = text[lines[j][0]:lines[j][1]]
            if candidate.strip() and indentation(candidate)[0] < width:
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


def indentation(line: str) -> tuple[int, int]:
    """(columns, characters) of a line's leading white space; a tab reaches the next
    multiple of four columns, as in CommonMark."""
    columns = 0
    for i, char in enumerate(line):
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            return columns, i
    return columns, len(line)


def _item_content(item: re.Match) -> int:
    """The column where a list item's content starts (CommonMark: after the marker and its
    spaces, or one space past the marker when the text starts 5 or more columns later: an
    indented code block)."""
    prefix = item.group().expandtabs(4)
    marker_end = len(prefix.rstrip(" "))
    return len(prefix) if len(prefix) - marker_end <= 4 else marker_end + 1


def _list_context(text: str, lines: list[tuple[int, int]], first: int, last: int,
                  in_list: bool, content: int) -> tuple[bool, int]:
    """Whether line `last` + 1 is inside a list item, and the column of that item's
    content, from lines first..last (none of them in a code block) and the state before
    them: the nearest list item or unindented line decides, and a paragraph of the item
    (after a blank line) indented less than the item's content ends the list."""
    shallowest = 1 << 30  # the least indented paragraph start walked over
    below = None  # the indentation of the non-blank line below the one walked
    for j in range(last, first - 1, -1):
        line = text[lines[j][0]:lines[j][1]]
        if not line.strip():
            if below is not None:
                shallowest = min(shallowest, below)
            below = None
            continue
        item = _LIST_ITEM.match(line)
        if item:
            content = _item_content(item)
            return (True, content) if shallowest >= content else (False, 0)
        if line[0] not in " \t":
            return False, 0
        below = indentation(line)[0]
    return (True, content) if in_list and shallowest >= content else (False, 0)


def _scan_code_blocks(text: str, lines: list[tuple[int, int]], starts: list[int] | None,
                      body_line: int, candidates: Iterable[int]) -> list[tuple[int, int]]:
    """The line-by-line reading of code blocks, visiting only the candidate lines (and,
    between two, the blank lines before the later one); every line the candidates skip
    is blank, or neither indented 4 columns nor a fence nor a Liquid tag: it only decides
    whether the next candidate is in a list item (`_list_context`). In a list item, a fence
    may be indented up to 3 columns past the item's content and an indented code block
    starts 4 columns past it; shallower indented lines are the item's paragraphs."""
    spans = []
    in_list, content = False, 0
    pos = body_line  # the first line not read yet
    for i in candidates:
        if i < pos:
            continue  # inside a block already found
        in_list, content = _list_context(text, lines, pos, i - 1, in_list, content)
        if i == body_line:
            previous_blank = True
        elif i > pos:
            start, end = lines[i - 1]
            previous_blank = not text[start:end].strip()
        else:  # the line before was read as a candidate: not blank
            previous_blank = False
        start, end = lines[i]
        line = text[start:end]
        columns = indentation(line)[0]
        fence = _FENCE.match(line)
        if fence is None and in_list:
            fence = _NESTED_FENCE.match(line)
            if fence is not None and columns >= content + 4:
                fence = None  # an indented code block that shows a fence
        if fence:
            last = min(_fence_close(text, lines, starts, i, fence.group(2)), len(lines) - 1)
            spans.append((start, lines[last][1]))
            pos = last + 1
            continue
        liquid = _LIQUID_CODE.match(line)
        last = None if liquid is None else _liquid_close(text, lines, starts, i, liquid)
        if last is not None:
            spans.append((start, lines[last][1]))
            pos = last + 1
            continue
        if not line.strip():
            continue  # a blank line that merely starts with spaces: an ordinary line
        if in_list and previous_blank and columns < content:
            in_list, content = False, 0  # shallower than the item's content: the list ended
        indented = line.startswith(("    ", "\t"))
        if indented and previous_blank and (not in_list or columns >= content + 4):
            last = _indented_last(text, lines, starts, i, content + 4 if in_list else 4)
            spans.append((start, lines[last][1]))
            pos = last + 1
            continue
        if not indented:
            in_list, content = _list_context(text, lines, i, i, in_list, content)
        pos = i + 1
    return spans


_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_ITEM_MARKER = r"(?:[-*+•]|\d{1,9}[.)])"
_LIST_ITEM = re.compile(rf"^\s*{_ITEM_MARKER}\s+")
_QUOTE = re.compile(r"^\s*>")
_TABLE = re.compile(r"^\s*\|")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z!][^>]*>?")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")


# Lines that end a paragraph without a blank line before them (CommonMark: they
# interrupt a paragraph): a block quote, a bullet list item or an ordered one numbered 1,
# and an HTML block of the block-level kinds (not inline HTML such as <a> or <em>, which
# goes on the paragraph), and a thematic break ("***", "___": a line of its own; "---"
# after a paragraph underlines it). ATX headings and fences interrupt as well, and are
# found as such.
_BLOCK_TAGS = ("address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
               "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
               "header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|"
               "p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul")
_RAW_HTML_TAGS = "pre|script|style|textarea"
_INTERRUPTS_PARAGRAPH = re.compile(
    rf" {{0,3}}(?:>|[-*+][ \t]+\S|1[.)][ \t]+\S|</?(?:{_BLOCK_TAGS})(?:[ \t/>]|$)|<(?:{_RAW_HTML_TAGS})(?:[ \t>]|$))",
    re.I)
# An HTML block whose content is raw (CommonMark's type 1) ends on the line that closes it,
# blank line or not: the line after starts a block of its own
_RAW_HTML_OPEN = re.compile(rf" {{0,3}}<(?:{_RAW_HTML_TAGS})(?:[ \t>]|$)", re.I)
_RAW_HTML_CLOSE = re.compile(rf"</(?:{_RAW_HTML_TAGS})>", re.I)
# What such a line, a heading or a setext underline starts with (after at most 3 spaces)
_EVENT_HEADS = "#=->*+_<1"


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


# A line that ends a sentence, or goes on to the next line by its own punctuation (a
# comma, a semicolon), then closing quotes and brackets
_SENTENCE_STOPS = ".!?…"
_CLAUSE_STOPS = _SENTENCE_STOPS + ",;"
_LINE_CLOSERS = "\"'”’»)]"
_ENDS_CLAUSE = re.compile(rf"[{_CLAUSE_STOPS}][{re.escape(_LINE_CLOSERS)}]*$")
_ENDS_SENTENCE = re.compile(rf"[{_SENTENCE_STOPS}][{re.escape(_LINE_CLOSERS)}]*$")
# A line break after a line that is not blank, before a line that may open with a
# capitalised word (not with an ASCII lowercase letter: the quick test; str.isupper and
# str.islower decide)
_CAPITAL_LINE = re.compile(r"\n(?<!\n\n)[ \t]*[^\W\d_a-z][^\W\d_A-Z]")
_FIRST_WORD = re.compile(r"^([ \t]*)(\S*)", re.M)  # a line's indent and first word


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines (stripped, none blank) wrapped at a width, not one paragraph a line: half of
    the line breaks or more fall inside a sentence, between a line that ends without
    sentence punctuation and one that starts with a lowercase letter. A paragraph a line
    starts each line with a capital."""
    inside = sum(1 for line, after in zip(lines, lines[1:])
                 if after[0].islower() and not _ENDS_CLAUSE.search(line))
    return 2 * inside >= len(lines) - 1


def split_blocks(article: "Article") -> list["Block"]:
    """The body's blocks: lines up to a blank line, a heading or a code block; in Markdown a
    paragraph also ends before a line that interrupts it (_INTERRUPTS_PARAGRAPH)."""
    text = article.text
    markdown = article.markdown
    first = article.line_of(article.body_start) if article.body_start else 0
    # Code blocks (fenced, indented or Liquid), not inline code that happens to open a line.
    code = [s for s in article.nonprose
            if s.kind == "code" and (_FENCE.match(text, s.start) or text.startswith(("    ", "\t"), s.start)
                                     or _LIQUID_CODE.match(text, s.start))
            ] if markdown else []
    code_starts = {s.start: s for s in code}

    # The body's lines (the line holding body_start counts only if it starts there), their
    # text and their text stripped, cut by C loops.
    line_starts = article.line_starts
    offset = bisect_left(line_starts, article.body_start, first)
    last = None if article.body_end == len(text) else bisect_left(line_starts, article.body_end, offset)
    body_lines = article.lines[offset:last]
    if "\r" in text:
        contents = list(map(text.__getitem__, starmap(slice, body_lines)))
    else:
        contents = article._split_lines[offset:last]
    stripped = list(map(str.strip, contents))
    nonblank = list(compress(range(len(stripped)), stripped))
    if not nonblank:
        return []
    # A text with no blank line between its first and last lines keeps one paragraph per
    # line (scraped archives often do); each line is then a block of its own. Unless its
    # lines are hard-wrapped: then they are read as a text with blank lines is. (Not when
    # the text opens with HTML: read so, all of it would be one HTML block, its prose lost.)
    first_line = nonblank[0]
    one_per_line = (len(nonblank) > 1 and nonblank[-1] - first_line + 1 == len(nonblank)
                    and not (_hard_wrapped(stripped[first_line:nonblank[-1] + 1])
                             and _kind(contents[first_line], stripped[first_line][:1], markdown) != "html"))

    # Only some lines change what happens to the paragraph being read: blank lines, lines
    # that open a code block, and (Markdown) headings, setext underlines and the lines that
    # interrupt a paragraph, which start with one of _EVENT_HEADS after at most 3 spaces.
    # Every other line joins the paragraph.
    heads = list(map(itemgetter(slice(0, 1)), stripped))
    if one_per_line:
        events: Iterable[int] = range(len(body_lines))
    else:
        flags = map(_EVENT_HEADS.__contains__, heads) if markdown else map(operator.not_, heads)
        events = list(compress(range(len(heads)), flags))  # _EVENT_HEADS.__contains__("") is True
        if code_starts:  # the body lines a code block starts on are events too
            events = sorted(set(events).union(_line_indexes(line_starts, code_starts, offset)))

    blocks: list[Block] = []
    current_first = -1  # index of the first line of the paragraph being read; -1: none
    current_last = -1

    def flush() -> None:
        start, end = body_lines[current_first][0], body_lines[current_last][1]
        blocks.append(Block(start, end, _kind(contents[current_first], heads[current_first], markdown), text[start:end]))

    skip_until = -1
    kind_of, in_paragraph = -1, False  # whether the block from line kind_of on is a paragraph
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
        if markdown and current_first >= 0:
            if kind_of != current_first:  # the kind of the block being read, once a block
                kind_of = current_first
                in_paragraph = _kind(contents[current_first], heads[current_first], markdown) == "paragraph"
            if in_paragraph:
                if head in "*_" and _THEMATIC.match(contents[i]):  # ("---" is an underline)
                    flush()
                    current_first = -1
                    blocks.append(Block(start, end, "thematic", contents[i]))
                    continue
                if _INTERRUPTS_PARAGRAPH.match(contents[i]):
                    flush()
                    current_first = -1
        if markdown and current_first < 0 and head == "<" and _RAW_HTML_OPEN.match(contents[i]):
            closed = _RAW_HTML_CLOSE.search(text, start)
            last = bisect_right(line_starts, closed.end() - 1) - 1 - offset if closed else len(body_lines) - 1
            blocks.append(Block(start, body_lines[last][1], "html", text[start:body_lines[last][1]]))
            skip_until = body_lines[last][1]
            pos = last + 1
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


# -- plain prose: Markdown syntax out ---------------------------------------------------
#
# Two families read prose without its Markdown syntax, and the way each strips it is part
# of what it reports (its snapshots and tests hold it), so each has its own builder here:
# - readability (prose_units) scores what a reader reads: it works on Article.prose_text
#   (non-prose blanked already), leaves headings out, drops every bracket and decodes
#   entities; it strips in passes, each over what the pass before left (an escaped "\*"
#   loses its backslash and then reads as emphasis: textstat only counts words, and the
#   scores were fixed that way). It needs no offsets: its units are plain str.
# - grammar (prose_paragraphs) sends text to a checker whose every match must land back
#   on the article, so it keeps a map (PlainProse): headings are prose there, code and
#   URLs inside a sentence become a placeholder so that the sentence still parses, the
#   markup is found on the raw line in one pass (so a backslash escape keeps the character
#   it escapes) and a bracket goes only when it opens a link.


class PlainProse:
    """Text made from an article's prose, and where each of its characters came from:
    origin[i] is the Article.text offset of text[i], and opaque[i] is 1 where text[i]
    stands for something that is not prose (a placeholder, a paragraph break).
    `paragraphs`: where each paragraph starts in text."""

    __slots__ = ("text", "origin", "opaque", "paragraphs")

    def __init__(self, text: str, origin: list[int], opaque: bytearray | None = None,
                 paragraphs: list[int] | None = None):
        self.text = text
        self.origin = origin
        self.opaque = bytearray(len(text)) if opaque is None else opaque
        self.paragraphs = [] if paragraphs is None else paragraphs

    def to_article(self, start: int, end: int) -> tuple[int, int] | None:
        """The Article.text span of text[start:end]; None when it touches non-prose."""
        if start < 0 or end > len(self.text) or end < start:
            return None
        if any(self.opaque[start:end]):
            return None
        if end == start:
            offset = self.origin[start] if start < len(self.origin) else self.origin[-1] + 1
            return offset, offset
        return self.origin[start], self.origin[end - 1] + 1

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PlainProse({self.text!r}, {self.origin!r})"


# -- readability's stripping: passes over units of prose ---------------------------------

# Markdown's bullets and the ones text pasted from web pages keeps (▪◦‣); the block
# splitter does not take those to open a list, but a unit loses them all the same
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•▪◦‣]|\d{1,9}[.)])[ \t]+")
_LIST_LINE_MARKERS = re.compile("\n" + LIST_MARKER.pattern[1:])  # "\n" for "^", newline kept
_QUOTE_MARKER = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$", re.M)
_FOOTNOTE_REF = re.compile(r"^[ \t]*\[\^[^\]\s]*\]:[ \t]*|\[\^[^\]\s]*\]", re.M)
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
# An emphasis marker (*, **, ***, _, __, ___, ~~) that opens (nothing word-like before it,
# no space after) or closes (no space before, nothing word-like after). Written as
#   (?<![\w*~])(?:\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?![\w*~])
# it matches the same, but every alternative here starts with the marker's first
# character, so that the regex engine skips straight to the next *, _ or ~ instead of
# testing the look-behinds at every character (the look-behinds look one further back).
EMPHASIS = re.compile(
    r"\*(?:(?<![\w*~]\*)\*{0,2}(?=\S)|(?<=\S\*)\*{0,2}(?![\w*~]))"
    r"|_(?:(?<![\w*~]_)_{0,2}(?=\S)|(?<=\S_)_{0,2}(?![\w*~]))"
    r"|~(?:(?<![\w*~]~)~(?=\S)|(?<=\S~)~(?![\w*~]))")
_BRACKETS = re.compile(r"[\[\]]")
# white space before closing punctuation, once runs of white space are single spaces
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[.,;:!?…)\]])")
_EMPTY_BRACKETS = re.compile(r"<\s*>|\(\s*\)")
# runs of spaces (blanked non-prose leaves long ones), spelled to start with two literal
# spaces: the regex engine then skips to the next pair, not to every space
_SPACES = re.compile("   *")
# Between units in strip_markdown: a line of its own (so that ^ and the look-arounds see
# a line boundary, as at the start and end of a unit), holding a character that is
# neither white space nor part of any pattern above.
_UNIT_MARK = "\x00"
_UNIT_BREAK = f"\n{_UNIT_MARK}\n"

def strip_markdown(raws: list[str]) -> list[str]:
    """Markdown syntax out of units of prose whose non-prose is blanked already: list and
    quote markers, footnote references, link brackets, escapes, emphasis, entities, empty
    brackets; user handles shortened; white space single spaces, none before closing
    punctuation.

    Each pass runs once over all the units, joined by _UNIT_BREAK: every pattern stays
    inside a line or within white space, so none reaches across it, and at a unit's edge
    each sees what it sees at the start or end of a string. Only the brackets pass goes
    unit by unit: a lone "]" stays in a unit without "["."""
    if not raws:
        return []
    # a newline before the first unit too: every line start follows a newline, and the
    # list markers are found by a pattern that starts with one (quicker than ^ with re.M)
    text = "\n" + _UNIT_BREAK.join(raws)
    if text.count(_UNIT_MARK) != len(raws) - 1:  # a NUL in the prose itself: unit by unit
        return [_stripped("\n" + raw, marked=False)[0] for raw in raws]
    return _stripped(text, marked=True)


def _stripped(text: str, marked: bool) -> list[str]:
    """strip_markdown's passes over "\n" + the units joined by _UNIT_BREAK (`marked`) or
    over "\n" + one unit."""
    if ">" in text:
        text = _QUOTE_MARKER.sub("", text)
    text = _LIST_LINE_MARKERS.sub("\n", text)
    if "[" in text:  # unit by unit: a "]" stays in a unit without "["
        pieces = text.split(_UNIT_BREAK) if marked else [text]
        text = _UNIT_BREAK.join(_unlinked(piece) if "[" in piece else piece for piece in pieces)
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text)
    if "*" in text or "_" in text or "~" in text:
        text = EMPHASIS.sub("", text)
    if "&" in text:
        import html  # rarely needed: not at module import

        text = html.unescape(text)
    if "<" in text or "(" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(_HANDLE_STAND_IN, text)
    text = _SPACE_BEFORE_PUNCT.sub("", single_spaced(text))
    return [piece.strip() for piece in text.split(_UNIT_MARK)] if marked else [text]


# A user handle ("@matthewjasper"; not an e-mail address) names a person: it is scored as a
# one-syllable name, not as the long, many-syllable word its letters would make.
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9][\w-]*")
_HANDLE_STAND_IN = "X"


def _unlinked(text: str) -> str:
    """Footnote references and link brackets out (in a text with a "[")."""
    return _BRACKETS.sub("", _FOOTNOTE_REF.sub("", text) if "[^" in text else text)


def single_spaced(text: str) -> str:
    """" ".join(text.split()): every run of white space one space, none at either end.
    When spaces and line breaks are the only white space, without splitting the text into
    words (the scores split it, and making the words twice costs as much as scoring them).
    The space is the one printable white space character; the unit mark is not white
    space, so it does not stand in the way."""
    spaced = text.replace("\n", " ")
    if not _outside_printable_ascii(spaced).isprintable():  # other white space, or a control
        return " ".join(text.split())
    return _SPACES.sub(" ", spaced).strip(" ")


# Printable ASCII and the unit mark, as UTF-8 bytes (no other character's encoding holds them)
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + _UNIT_MARK.encode()


def _outside_printable_ascii(text: str) -> str:
    """The characters of text other than printable ASCII and the unit mark: str.isprintable
    over them alone answers for the whole text (without the unit mark), and dropping the
    rest is a C pass over bytes, several times faster than isprintable over every
    character of text that is not ASCII."""
    try:
        return text.encode("utf-8").translate(None, _PLAIN_BYTES).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which is not printable either
        return text


def list_items(prose: str, block_start: int, block_end: int) -> Iterator[tuple[int, int]]:
    """A list block split into its items (continuation lines stay with their item)."""
    start = None
    pos = block_start
    for line in prose[block_start:block_end].split("\n"):
        if LIST_MARKER.match(line):
            if start is not None:
                yield start, pos - 1
            start = pos
        elif start is None:
            start = pos
        pos += len(line) + 1
    if start is not None:
        yield start, block_end


def hard_break_pieces(prose: str, block_start: int, block_end: int) -> Iterator[tuple[int, int]]:
    """A Markdown block cut where a reader sees a break the blank-line splitter does not: at
    a line that is only a hard break ("\\", Pandoc's spacer between blocks; the line itself
    is left out), and before a list item that follows a line ending in a hard break (the
    piece before ends before that backslash). A hard break that ends the block breaks
    nothing (CommonMark leaves it a backslash; Pandoc puts one before a list): it is left
    out too."""
    start = pos = block_start
    hard_break = -1  # where the line before ends in a hard break; -1: it does not
    for line in prose[block_start:block_end].split("\n"):
        content = line.rstrip()
        if content.strip() == "\\":
            if pos > start:
                yield start, pos - 1
            start = pos + len(line) + 1
        elif hard_break >= start and _LIST_ITEM.match(line):
            yield start, hard_break
            start = pos
        hard_break = pos + len(content) - 1 if content.endswith("\\") else -1
        pos += len(line) + 1
    if start < block_end:
        yield start, hard_break if hard_break >= start else block_end


def capital_breaks(text: str) -> list[int]:
    """Where a line that ends without sentence punctuation (or a comma or semicolon) is
    followed by one that opens with a capitalised word: the only places line_pieces may
    cut, found in one pass over the text (most paragraphs have none: they are not
    measured)."""
    found = []
    for m in _CAPITAL_LINE.finditer(text):
        at = m.start()
        head = text[m.end() - 2:m.end()]
        if not (head[0].isupper() and head[1].islower()):
            continue
        before = text[at - 1:at]
        if before and before in _CLAUSE_STOPS:
            continue
        if before.isspace() or (before and before in _LINE_CLOSERS):  # look past them
            line = text[text.rfind("\n", 0, at) + 1:at]
            if _ENDS_CLAUSE.search(line.rstrip()):
                continue
        found.append(at)
    return found


def line_pieces(text: str, block_start: int, block_end: int) -> Iterator[tuple[int, int]]:
    """A plain-text paragraph cut around the lines that stand on their own rather than
    wrapping onto the next, in a block made of such lines: most of its lines (the last
    left aside) had room for the next line's first word within the block's widest line,
    or are a single word (a path), so they were not filled and wrapped (code, a list whose
    bullets were lost, a rail of headlines; a wrapped paragraph has a ragged line here and
    there only). There a line that ends without sentence punctuation (or a comma or
    semicolon, which go on to the next line) before a line that starts with a capitalised
    word stands on its own: it is cut from the line after it, and from the line before it
    when that one ends a sentence, so that it is not glued onto the sentences around it.
    `text` is the article's text, URLs and all: the lines as they were wrapped."""
    lines = text[block_start:block_end].split("\n")
    ends = list(map(len, map(str.rstrip, lines)))
    width = max(ends)
    # a line is roomy when the next line's first word would have fitted on it, or when it
    # is a single word
    firsts = _FIRST_WORD.findall(text, block_start, block_end)
    words = [len(word) for _, word in firsts]
    roomy = sum(end + 1 + word <= width or len(indent) + own == end
                for end, (indent, _), own, word in zip(ends, firsts, words, words[1:]))
    if 2 * roomy <= len(lines) - 1:
        yield block_start, block_end
        return
    heads = list(map(str.lstrip, lines[1:]))
    # a capitalised word: a capital, then a lowercase letter ("Fact", not "N" or "LIMITED")
    alone = [head[:1].isupper() and head[1:2].islower() and not _ENDS_CLAUSE.search(line, 0, end)
             for line, end, head in zip(lines, ends, heads)]
    start = at = block_start  # at: where the line starts
    for i, line in enumerate(lines[:-1]):
        line_end = at + ends[i]
        at += len(line) + 1
        if alone[i] or (i + 1 < len(alone) and alone[i + 1] and _ENDS_SENTENCE.search(line, 0, ends[i])):
            yield start, line_end
            start = at
    yield start, block_end


class ProseUnits:
    """The units of an article's prose a reader takes one at a time (paragraphs, quote
    paragraphs, list items; no headings, no table without leading pipes), each with its
    Markdown syntax stripped. `spans`: (start, end, kind) in Article.prose_text; `texts`:
    the stripped units. A Markdown paragraph or list is first cut at hard breaks that
    separate blocks (hard_break_pieces): a piece that opens with a list item is a list."""

    __slots__ = ("spans", "texts")

    def __init__(self, article: "Article"):
        prose = article.prose_text
        spans: list[tuple[int, int, str]] = []
        # a table delimiter row has "--" and "|" ("|" first: one character is found faster)
        tables = article.markdown and "|" in prose and "--" in prose
        # plain text: where a line may stand on its own (line_pieces), in text order
        breaks = [] if article.markdown else capital_breaks(article.text)
        for block in article.prose_blocks():
            if tables and _TABLE_DELIMITER.search(prose, block.start, block.end):
                continue  # a table without leading pipes
            if block.kind == "quote" and "\n" in block.text:
                pieces = [(start, end, "quote") for start, end in quote_paragraphs(prose, block.start, block.end)]
            elif breaks and block.kind == "paragraph" and bisect_left(breaks, block.start) < bisect_left(breaks, block.end):
                pieces = [(start, end, "paragraph") for start, end in line_pieces(article.text, block.start, block.end)]
            elif article.markdown and "\\" in block.text:
                pieces = [(start, end, "list" if _LIST_ITEM.match(prose[start:end]) else block.kind)
                          for start, end in hard_break_pieces(prose, block.start, block.end)]
            else:
                pieces = [(block.start, block.end, block.kind)]
            for start, end, kind in pieces:
                if kind == "list":
                    spans.extend((s, e, "list") for s, e in list_items(prose, start, end))
                else:
                    spans.append((start, end, kind))
        self.spans = spans
        self.texts = strip_markdown([prose[s:e] for s, e, _ in spans])


_QUOTE_BREAK = re.compile(r"\n[ \t]*(?:>[ \t]*)+(?=\r?\n|$)")


_QUOTED_ITEM = re.compile(rf"\n[ \t]*(?:>[ \t]?)+[ \t]*{_ITEM_MARKER}[ \t]")


def quote_paragraphs(prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of the block quote prose[start:end]: a line that holds only quote
    markers separates two, and each item of a list in the quote is one, as outside it."""
    pieces = []
    at = start
    for m in _QUOTE_BREAK.finditer(prose, start, end):
        if prose[at:m.start()].strip(" \t\r\n>"):
            pieces.extend(_quoted_items(prose, at, m.start()))
        at = m.end()
        while at < end and prose[at] in "\r\n":
            at += 1
    if prose[at:end].strip(" \t\r\n>"):
        pieces.extend(_quoted_items(prose, at, end))
    return pieces or [(start, end)]


def _quoted_items(prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """prose[start:end] cut before each line that opens a list item."""
    cuts = [m.start() + 1 for m in _QUOTED_ITEM.finditer(prose, start, end)]
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if prose[a:b].strip(" \t\r\n>")]


def prose_units(article: "Article") -> ProseUnits:
    return article.memo(("prose", "units"), lambda: ProseUnits(article))


# -- grammar's stripping: the lines of the prose blocks, one pass over each --------------
# (its patterns are compiled when first used: only an opt-in family needs them)

# Stands in for inline code, a URL or a template tag inside a sentence, so that
# "run `make` first" still reads as a sentence.
PLACEHOLDER = "X"
_PARAGRAPH_BREAK = "\n\n"
_LINE_PREFIX_MD = lazy(
    rf"[ \t]*(?:>[ \t]?)*[ \t]*(?:(?P<item>{_ITEM_MARKER})[ \t]+|(?P<heading>#{{1,6}})(?:[ \t]+|$))?")
_LINE_PREFIX_TXT = lazy(rf"[ \t]*(?:(?P<item>{_ITEM_MARKER})[ \t]+)?")
_CLOSING_HASHES = lazy(r"[ \t]+#+[ \t]*$")
# Opens or closes emphasis; unlike EMPHASIS, a marker may mix * and _ ("*_a_*"), and one
# after a backslash is escaped (the escape pattern keeps it)
_LINE_EMPHASIS = lazy(
    r"(?<![\w*_~\\])(?:[*_]{1,3}|~~)(?=[^\s*_~])|(?<=[^\s*_~\\])(?:[*_]{1,3}|~~)(?![\w*_~])")
_FOOTNOTE = lazy(r"\[\^[^\]\s]+\]:?")
_ESCAPE = lazy(r"\\(?=[!-/:-@\[-`{-~])")  # the backslash only
_HARD_BREAK = lazy(r"\\$")
# Non-prose inside a sentence: what it becomes in the text sent.
_PLACEHOLDER_KINDS = ("code", "url", "template")
_PARAGRAPH_KINDS = ("paragraph", "list", "quote", "heading")
_SPACE = " \t\r\n\f\v"
_WHITE_RUN = lazy(r"[ \t\r\n\f\v]+")


def prose_paragraphs(article: "Article") -> PlainProse:
    """The article's prose blocks (paragraphs, lists, quotes, headings) without markup,
    paragraphs separated by a blank line and white space runs one space, each list item
    a paragraph; inline code, URLs and template tags a PLACEHOLDER (opaque)."""
    return article.memo(("prose", "paragraphs"), lambda: _prose_paragraphs(article))


def _prose_paragraphs(article: "Article") -> PlainProse:
    out: list[str] = []
    origin: list[int] = []
    opaque = bytearray()
    paragraphs: list[int] = []
    text = article.text
    spans = article.nonprose
    span_index = 0

    def add(chars: str, at: int, *, hidden: bool = False) -> None:
        """Append chars (from Article offset at on); white space runs become one space."""
        flag = b"\x01" if hidden else b"\x00"
        pos = 0
        for m in _WHITE_RUN.finditer(chars):
            if m.start() > pos:
                out.extend(chars[pos:m.start()])
                origin.extend(range(at + pos, at + m.start()))
                opaque.extend(flag * (m.start() - pos))
            if out and out[-1] not in _SPACE:
                out.append(" ")
                origin.append(at + m.start())
                opaque.extend(flag)
            pos = m.end()
        if pos < len(chars):
            out.extend(chars[pos:])
            origin.extend(range(at + pos, at + len(chars)))
            opaque.extend(flag * (len(chars) - pos))

    def new_paragraph() -> None:
        while out and out[-1] == " ":
            out.pop(), origin.pop(), opaque.pop()
        if out and out[-1] != "\n":
            at = origin[-1] + 1
            for _ in _PARAGRAPH_BREAK:
                out.append("\n")
                origin.append(at)
                opaque.append(1)
        if not paragraphs or paragraphs[-1] != len(out):
            paragraphs.append(len(out))

    prefix = _LINE_PREFIX_MD if article.markdown else _LINE_PREFIX_TXT
    for block in article.blocks:
        if block.kind not in _PARAGRAPH_KINDS:
            continue
        new_paragraph()
        for line_index in range(article.line_of(block.start), article.line_of(block.end) + 1):
            start, end = article.lines[line_index]
            start, end = max(start, block.start), min(end, block.end)
            line = text[start:end]
            if block.kind == "heading" and article.markdown and _SETEXT.match(line):
                continue
            m = prefix.match(line)
            if m.group("item") and block.kind == "list":
                new_paragraph()  # each list item is a paragraph of its own
            content_start = start + m.end()
            if block.kind == "heading" and article.markdown:
                closing = _CLOSING_HASHES.search(text, content_start, end)
                if closing:
                    end = closing.start()
            if _HARD_BREAK.search(text, content_start, end) and article.markdown:
                end -= 1
            # the line's prose and non-prose pieces; Markdown emphasis and escapes are
            # found on the whole line, so that `**[a link](url)**` loses both its `**`
            markup = _markup(text, content_start, end) if article.markdown else []
            while span_index < len(spans) and spans[span_index].end <= content_start:
                span_index += 1
            pos = content_start
            j = span_index
            while pos < end:
                span = spans[j] if j < len(spans) else None
                if span is None or span.start >= end:
                    _add_prose(text, pos, end, markup, add)
                    break
                if span.start > pos:
                    _add_prose(text, pos, span.start, markup, add)
                span_end = span.end
                if span.kind in _PLACEHOLDER_KINDS:
                    if span.kind == "url" and out and out[-1] == "<" and text.startswith(">", span.end):
                        out.pop(), origin.pop(), opaque.pop()  # <https://...> or <name@host>
                        span_end += 1
                    add(PLACEHOLDER, max(span.start, pos), hidden=True)
                elif span.kind == "link" and text.startswith("]", span.start):
                    _drop_open_bracket(out, origin, opaque)
                pos = max(pos, span_end)
                j += 1
            add(" ", end)  # a line break inside a paragraph reads as a space
    while out and out[-1] in _SPACE:
        out.pop(), origin.pop(), opaque.pop()
    paragraphs = [p for p in paragraphs if p < len(out)]
    return PlainProse("".join(out), origin, opaque, paragraphs)


def _markup(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Emphasis markers, backslash escapes and footnote marks on a line, as Article offsets."""
    line = text[start:end]
    return sorted((start + m.start(), start + m.end())
                  for pattern in (_LINE_EMPHASIS, _ESCAPE, _FOOTNOTE) for m in pattern.finditer(line))


def _add_prose(text: str, start: int, end: int, markup: list[tuple[int, int]], add) -> None:
    pos = start
    for s, e in markup:
        if e <= pos or s >= end:
            continue
        if s > pos:
            add(text[pos:s], pos)
        pos = max(pos, min(e, end))
    if pos < end:
        add(text[pos:end], pos)


def _drop_open_bracket(out: list[str], origin: list[int], opaque: bytearray) -> None:
    """A link's target was left out: drop the `[` that opened its text."""
    for i in range(len(out) - 1, max(-1, len(out) - 2000), -1):
        if out[i] == "[":
            del out[i], origin[i], opaque[i]
            return
        if out[i] == "\n":
            return
