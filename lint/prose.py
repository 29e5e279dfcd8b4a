"""Which parts of an article are prose, and how its body splits into blocks.

Non-prose is found in stages so that an earlier kind hides its content from the later
patterns: a backtick inside a fenced code block must not open an inline code span."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lint.article import Article, Block, Span

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")
_RAW_HTML_ELEMENT = re.compile(r"<(script|style|pre)\b[^>]*>[\s\S]*?(?:</\1\s*>|\Z)", re.I)
_TEMPLATE = re.compile(r"\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n)[\s\S])+?)(?<!`)\1(?!`)")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^<>\s]+>", re.I)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_LINK_REFERENCE = re.compile(r"\]\[[^\]\n]*\]")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S.*$", re.M)  # [^1]: is a footnote: prose
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL_TRAILING = ".,;:!?)]}*_"


def nonprose_spans(article: "Article") -> list["Span"]:
    from lint.article import Span, mask

    text = article.text
    spans: list[Span] = []

    def find(kind: str, pattern: re.Pattern, within: str, trigger: str) -> None:
        # Most prose holds none of a pattern's trigger characters: skip the scan entirely.
        if trigger in within:
            spans.extend(Span(m.start(), m.end(), kind) for m in pattern.finditer(within))

    block = article.front_matter
    if block is not None:
        spans.append(Span(0, block.end if block.closed else block.content_start, "frontmatter"))
    find("comment", _HTML_COMMENT, text, "<!--")
    if article.markdown:
        spans.extend(_code_blocks(article))
        masked = mask(text, _merge(spans))
        find("html", _RAW_HTML_ELEMENT, masked, "<")
        find("template", _TEMPLATE, masked, "{")
        masked = mask(text, _merge(spans))
        find("code", _INLINE_CODE, masked, "`")
        masked = mask(text, _merge(spans))
        for kind, pattern, trigger in (("url", _AUTOLINK, "<"), ("image", _IMAGE, "!["),
                                       ("link", _LINK_TARGET, "]("), ("link", _LINK_REFERENCE, "]["),
                                       ("link", _REFERENCE_DEF, "]:"), ("html", _HTML_TAG, "<")):
            find(kind, pattern, masked, trigger)
        masked = mask(text, _merge(spans))
    else:
        masked = mask(text, _merge(spans))
    if "://" in masked or "www." in masked.lower():
        for m in _URL.finditer(masked):
            end = m.end()
            while end > m.start() and masked[end - 1] in _URL_TRAILING:
                end -= 1
            spans.append(Span(m.start(), end, "url"))
    find("url", _EMAIL, masked, "@")
    return _merge(spans)


def _merge(spans: list["Span"]) -> list["Span"]:
    """Sorted, non-overlapping; where spans overlap the earlier one's kind wins."""
    from lint.article import Span

    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if result and span.start < result[-1].end:
            last = result[-1]
            if span.end > last.end:
                result[-1] = Span(last.start, span.end, last.kind)
            continue
        result.append(span)
    return result


def _code_blocks(article: "Article") -> list["Span"]:
    """Fenced code blocks and indented code blocks (after a blank line, outside lists)."""
    from lint.article import Span

    text = article.text
    spans = []
    lines = article.lines
    body_line = article.line_of(article.body_start) if article.body_start else 0
    i = body_line
    previous_blank = True
    in_list = False
    while i < len(lines):
        start, end = lines[i]
        line = text[start:end]
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(2)
            j = i + 1
            while j < len(lines):
                candidate = text[lines[j][0]:lines[j][1]].strip()
                if candidate.startswith(marker[0] * len(marker)) and not candidate.strip(marker[0]):
                    break
                j += 1
            last = min(j, len(lines) - 1)
            spans.append(Span(start, lines[last][1], "code"))
            i = last + 1
            previous_blank = False
            continue
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            i += 1
            continue
        indented = line.startswith(("    ", "\t"))
        if indented and previous_blank and not in_list:
            j = i
            last = i
            while j < len(lines):
                candidate = text[lines[j][0]:lines[j][1]]
                if candidate.strip() and not candidate.startswith(("    ", "\t")):
                    break
                if candidate.strip():
                    last = j
                j += 1
            spans.append(Span(start, lines[last][1], "code"))
            i = last + 1
            previous_blank = False
            continue
        if not indented:
            in_list = bool(_LIST_ITEM.match(line))
        previous_blank = False
        i += 1
    return spans


_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^\s*>")
_TABLE = re.compile(r"^\s*\|")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z!][^>]*>?")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")


def _kind(first_line: str, markdown: bool, in_code: bool) -> str:
    if in_code:
        return "code"
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
    lines = article.lines
    first = article.line_of(article.body_start) if article.body_start else 0
    # Code blocks (fenced or indented), not inline code that happens to open a line.
    code = [s for s in article.nonprose
            if s.kind == "code" and (_FENCE.match(text, s.start) or text.startswith(("    ", "\t"), s.start))
            ] if article.markdown else []
    code_starts = {s.start: s for s in code}

    body_lines = [(s, e) for s, e in lines[first:] if s >= article.body_start]
    nonblank = [(s, e) for s, e in body_lines if text[s:e].strip()]
    if not nonblank:
        return []
    # A text with no blank line between its first and last lines keeps one paragraph per
    # line (scraped archives often do); each line is then a block of its own.
    span_first = body_lines.index(nonblank[0])
    span_last = body_lines.index(nonblank[-1])
    one_per_line = len(nonblank) > 1 and span_last - span_first + 1 == len(nonblank)

    blocks: list[Block] = []
    current: list[tuple[int, int]] = []

    def flush() -> None:
        if current:
            start, end = current[0][0], current[-1][1]
            first_line = text[current[0][0]:current[0][1]]
            blocks.append(Block(start, end, _kind(first_line, article.markdown, False),
                                text[start:end]))
            current.clear()

    skip_until = -1
    for start, end in body_lines:
        if start < skip_until:
            continue
        if start in code_starts:
            flush()
            span = code_starts[start]
            blocks.append(Block(span.start, span.end, "code", text[span.start:span.end]))
            skip_until = span.end
            continue
        line = text[start:end]
        if not line.strip():
            flush()
            continue
        if one_per_line:
            current.append((start, end))
            flush()
            continue
        if article.markdown and current and _SETEXT.match(line) and not _LIST_ITEM.match(line):
            current.append((start, end))
            s, e = current[0][0], current[-1][1]
            blocks.append(Block(s, e, "heading", text[s:e]))
            current.clear()
            continue
        if article.markdown and _HEADING.match(line):
            flush()
            blocks.append(Block(start, end, "heading", line))
            continue
        current.append((start, end))
    flush()
    return blocks
