"""bytes -> Article: decoding, front matter, body, blocks, sentences and the one place where
text offsets become lines and columns."""

from __future__ import annotations

import bisect
import codecs
import re
import threading
from itertools import accumulate, chain, islice
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Hashable, Iterator, NamedTuple

from lint import frontmatter as fm
from lint.finding import Location
from lint.text import sentences_between

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".mkd", ".mdown")

_UTF_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NEWLINE = re.compile(r"\r\n|\r|\n")


def bom_for(encoding: str) -> bytes:
    return next(bom for bom, name in _UTF_BOMS if name == encoding)


def looks_binary(data: bytes) -> bool:
    """NUL bytes near the start, and no UTF-16/32 byte-order mark to explain them."""
    if b"\x00" not in data[:8192]:
        return False
    return not any(data.startswith(bom) for bom, _ in _UTF_BOMS if bom != codecs.BOM_UTF8)


@dataclass(frozen=True)
class DecodeError:
    """A run of bytes that are not valid UTF-8, and where its U+FFFD stand in Article.text."""

    byte_start: int
    byte_end: int
    start: int
    end: int
    data: bytes


# Block and Span are NamedTuples, not frozen dataclasses (lint.finding says why): an
# article makes one per paragraph and per non-prose span.
class Block(NamedTuple):
    """A paragraph-like unit of the body: blank-line separated, or one line when the text
    keeps one paragraph per line."""

    start: int
    end: int
    kind: str  # paragraph | heading | list | quote | table | html | code | thematic
    text: str

    @property
    def is_prose(self) -> bool:
        return self.kind in _PROSE_KINDS


_PROSE_KINDS = ("paragraph", "list", "quote")


class Span(NamedTuple):
    start: int
    end: int
    kind: str


class Article:
    """One file, decoded and indexed. Everything is computed on first use."""

    def __init__(self, data: bytes, path: str, *, markdown: bool | None = None):
        self.path = path
        self.raw = data
        self.markdown = path.lower().endswith(MARKDOWN_SUFFIXES) if markdown is None else markdown
        self.encoding, self.bom, self.text, self.decode_errors = _decode(data)
        self._memo: dict[Hashable, Any] = {}

    # -- coordinates ----------------------------------------------------------------------

    @cached_property
    def line_starts(self) -> list[int]:
        text = self.text
        if "\r" in text:
            return [0] + [m.end() for m in _NEWLINE.finditer(text)]
        # Only "\n": each line starts one past the end of the one before (C loops only).
        return list(accumulate(map((1).__add__, map(len, self._split_lines)), initial=0))[:-1]

    @cached_property
    def _split_lines(self) -> list[str]:
        """text.split("\n"): the lines (without terminators) of a text that holds no "\r",
        which line_starts, _blank and the block splitter then read."""
        return self.text.split("\n")

    @cached_property
    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of every line, without its terminator."""
        text, starts = self.text, self.line_starts
        if "\r" in text:
            ends = [m.start() for m in _NEWLINE.finditer(text)]
        else:
            ends = list(map((-1).__add__, islice(starts, 1, None)))
        ends.append(len(text))
        return list(zip(starts, ends))

    def line_of(self, offset: int) -> int:
        """0-based line index of an offset."""
        return bisect.bisect_right(self.line_starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of an offset into text."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def location(self, start: int, end: int) -> Location:
        line, column = self.position(start)
        if end <= start:
            return Location(line, column, line, column)
        starts = self.line_starts
        if line < len(starts) and end < starts[line]:  # most spans end on their first line
            return Location(line, column, line, end - starts[line - 1] + 1)
        end_line, end_column = self.position(end)
        return Location(line, column, end_line, end_column)

    def offset(self, line: int, column: int = 1) -> int:
        """Inverse of position()."""
        return self.line_starts[line - 1] + column - 1

    @cached_property
    def newline(self) -> str:
        """The file's majority line ending."""
        counts: dict[str, int] = {}
        for m in _NEWLINE.finditer(self.text):
            counts[m.group()] = counts.get(m.group(), 0) + 1
        return max(counts, key=counts.__getitem__) if counts else "\n"

    # -- structure ------------------------------------------------------------------------

    @cached_property
    def front_matter(self) -> fm.FrontMatter | None:
        return fm.split(self.text, markdown=self.markdown)

    @cached_property
    def body_start(self) -> int:
        block = self.front_matter
        if block is None or not block.closed:
            return 0
        return block.end

    @cached_property
    def body_end(self) -> int:
        """Where the body ends: before the metadata that follows it (Kirby's fields after
        the Text field), else at the end of the text."""
        block = self.front_matter
        after = block.inside_body[-1] if block is not None and block.inside_body else None
        return after[0] if after is not None and after[1] == len(self.text) else len(self.text)

    @property
    def body(self) -> str:
        return self.text[self.body_start:self.body_end]

    @cached_property
    def language(self) -> str | None:
        """The language the front matter declares (lang / language), if any."""
        block = self.front_matter
        if block is not None and block.is_mapping:
            for key in ("lang", "language", "locale"):
                value = block.data.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
        return None

    @cached_property
    def nonprose(self) -> list[Span]:
        """Spans that are not prose: front matter, code, URLs, markup, comments, templates."""
        from lint.prose import nonprose_spans

        return nonprose_spans(self)

    @cached_property
    def prose_text(self) -> str:
        """Article.text with every non-prose span blanked out (newlines kept), so that a
        regular expression over it finds only prose, at the same offsets."""
        return mask_merged(self.text, self.nonprose, self._blank)

    @cached_property
    def _blank(self) -> str:
        """text with every character but line breaks turned into a space: what masking a
        span puts in its place (a slice of this)."""
        text = self.text
        if "\r" in text:
            return _NOT_LINE_BREAK.sub(_spaces, text)
        return "\n".join(map(" ".__mul__, map(len, self._split_lines)))

    @cached_property
    def blocks(self) -> list[Block]:
        from lint.prose import split_blocks

        return split_blocks(self)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans over the prose blocks."""
        prose = self.prose_text
        spans: list[tuple[int, int]] = []
        for block in self.blocks:
            if block.kind in _PROSE_KINDS:
                sentences_between(prose, block.start, block.end, spans)
        return spans

    def prose_blocks(self) -> Iterator[Block]:
        return (b for b in self.blocks if b.is_prose)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Work that several rules share on one article (a family's scan, a server's answer),
        computed once. Keys start with the family's name."""
        try:  # a hit costs one lookup: rules ask for the same key many times an article
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value


def mask(text: str, spans: list[Span] | list[tuple[int, int, str]], blank: str | None = None) -> str:
    """text with the (sorted) spans blanked: every character but line breaks becomes a
    space. `blank` is that of the whole text (Article._blank), when the caller has it.
    Spans are Span objects or (start, end, kind) tuples."""
    if not spans:
        return text
    pieces = []
    pos = 0
    for span in spans:
        span_start, span_end = span[0], span[1]
        start = max(span_start, pos)
        if span_end <= start:
            continue
        pieces.append(text[pos:start])
        if blank is not None:
            pieces.append(blank[start:span_end])
        else:
            hidden = text[start:span_end]
            # most spans (a URL, inline code) hold no line break: no regex needed
            pieces.append(_NOT_LINE_BREAK.sub(_spaces, hidden) if "\n" in hidden or "\r" in hidden
                          else " " * len(hidden))
        pos = span_end
    pieces.append(text[pos:])
    return "".join(pieces)


def mask_merged(text: str, spans: list[Span] | list[tuple[int, int, str]], blank: str) -> str:
    """mask() for sorted spans that do not overlap (Article.nonprose), given the blanked
    text: slices are cut and joined by C loops, not one Python step per span."""
    if not spans:
        return text
    starts, ends = [s[0] for s in spans], [s[1] for s in spans]
    kept = map(text.__getitem__, map(slice, chain((0,), ends), starts))
    hidden = map(blank.__getitem__, map(slice, starts, ends))
    return "".join(chain.from_iterable(zip(kept, hidden))) + text[ends[-1]:]


_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")


def _spaces(m: re.Match) -> str:
    return " " * (m.end() - m.start())


def _decode(data: bytes) -> tuple[str, bool, str, list[DecodeError]]:
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            if encoding == "utf-8":
                return encoding, True, *_decode_utf8(data[len(bom):], len(bom))
            return encoding, True, text, []
    return "utf-8", False, *_decode_utf8(data, 0)


def _decode_utf8(data: bytes, byte_base: int) -> tuple[str, list[DecodeError]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    bad: list[tuple[int, int]] = []
    _recorded.runs = bad
    text = data.decode("utf-8", errors="copydesk-record")
    # Between two invalid runs the bytes are valid UTF-8: decoding each gap once gives every
    # run's offset in the text in linear time.
    errors: list[DecodeError] = []
    text_pos = 0
    byte_pos = 0
    for start, end in bad:
        text_pos += len(data[byte_pos:start].decode("utf-8"))
        previous = errors[-1] if errors else None
        if previous is not None and previous.byte_end - byte_base == start:
            errors[-1] = DecodeError(previous.byte_start, end + byte_base, previous.start,
                                     text_pos + 1, data[previous.byte_start - byte_base:end])
        else:
            errors.append(DecodeError(start + byte_base, end + byte_base, text_pos,
                                      text_pos + 1, data[start:end]))
        text_pos += 1
        byte_pos = end
    return text, errors


_recorded = threading.local()


def _record_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _recorded.runs.append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("copydesk-record", _record_and_replace)
