"""Boilerplate (BP): page furniture that scraping and reposting leave in an article.

Most checks work on the body's lines (BP107 finds phrases in the text, BP108 reads the last
block, BP109 the indented code blocks). A line is described once (`_Line`): its text with
Markdown decoration stripped, its word count, its link density and whether it ends in
terminal punctuation: the block features the boilerplate-removal literature measured
(boilerpipe: word counts and link density; jusText: length and link density; C4 and
FineWeb: lines that end without terminal punctuation, short lines). The thresholds are
rule params; their sources are cited in rules/boilerplate.yaml."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import weakref
from typing import Any, Callable, Iterable, Iterator, Mapping

from lint.article import Article
from lint.checks import check
from lint.finding import Edit, Fix, Hit
from lint.prose import indentation
from lint.text import WORD_RE

# -- line model ------------------------------------------------------------------------------

_DECORATION_START = re.compile(r"^\s*(?:(?:#{1,6}|>|[-*+•·▪►»]|\d{1,3}[.)])\s+)*[*_~]*\s*")
_DECORATION_END = re.compile(r"[\s*_~#]*$")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_REF_LINK = re.compile(r"!?\[([^\]\n]+)\]\[[^\]\n]*\]")
_BARE_URL = re.compile(r"<?\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+>?", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_CLOSERS = "\"'”’»)]}*_~ \t"
_TERMINAL = ".!?…。！？"
_NUMERIC = re.compile(r"^[\d\s.,:/\-–—|·•()%$€£+]*$")


class _Line:
    """One non-blank body line. The features are computed on first use: most rules look at
    a few lines only (the tail, the head, lines a cheap pattern picked out)."""

    def __init__(self, line_starts: list[int], start: int, end: int, raw: str, nonprose: bool):
        self._line_starts = line_starts
        self.start = start
        self.end = end
        self.raw = raw
        self.nonprose = nonprose    # inside code, an HTML comment or a raw HTML element

    @functools.cached_property
    def index(self) -> int:
        """0-based line number in the file."""
        return bisect.bisect_right(self._line_starts, self.start) - 1

    @functools.cached_property
    def plain(self) -> str:
        """The text with decoration stripped (headings, bullets, emphasis, quote marks)."""
        return _strip_decoration(self.raw)

    @functools.cached_property
    def _features(self) -> tuple[int, float]:
        link_chars = 0

        def linked(m: re.Match) -> str:
            nonlocal link_chars
            label = m.group(1)
            link_chars += len(label.strip()) or 1
            return label

        def url(m: re.Match) -> str:
            nonlocal link_chars
            link_chars += len(m.group())
            return " "

        visible = self.raw
        if "](" in visible or "][" in visible:
            visible = _MD_LINK.sub(linked, visible)
            visible = _MD_REF_LINK.sub(linked, visible)
        if "<" in visible:
            visible = _HTML_TAG.sub(" ", visible)
        without_urls = _BARE_URL.sub(url, visible) if ("://" in visible or "www." in visible) else visible
        total = len("".join(visible.split())) if link_chars else 0  # (no links: density 0)
        density = min(1.0, link_chars / total) if total else 0.0
        return len(WORD_RE.findall(without_urls)), density

    @property
    def words(self) -> int:
        """Words outside URLs and link targets."""
        return self._features[0]

    @property
    def link_density(self) -> float:
        """Share of the line's visible characters that are link text or URLs."""
        return self._features[1]

    @functools.cached_property
    def terminal(self) -> bool:
        """Ends in . ! ? … (after closing quotes and brackets)."""
        tail = self.raw.rstrip(_CLOSERS)
        return bool(tail) and tail[-1] in _TERMINAL


def _strip_decoration(text: str) -> str:
    text = _DECORATION_START.sub("", text, count=1)
    return _DECORATION_END.sub("", text)


_CACHE: "weakref.WeakKeyDictionary[Article, list[_Line]]" = weakref.WeakKeyDictionary()
_NONBLANK_LINE = re.compile(r"^[ \t]*\S.*$", re.M)


def _body_lines(article: Article) -> list[_Line]:
    """The non-blank lines of the body (cached per article)."""
    cached = _CACHE.get(article)
    if cached is not None:
        return cached
    text = article.text
    hidden = [s for s in article.nonprose if s.kind in ("code", "comment", "html", "frontmatter")
              and (s.kind != "html" or "\n" in text[s.start:s.end])]
    result = []
    starts = article.line_starts
    h = 0
    for m in _NONBLANK_LINE.finditer(text, article.body_start):
        start, end = m.start(), m.end()
        raw = m.group().rstrip("\r")
        end = start + len(raw)
        first = start + len(raw) - len(raw.lstrip())
        while h < len(hidden) and hidden[h].end <= first:
            h += 1
        nonprose = h < len(hidden) and hidden[h].start <= first < hidden[h].end
        result.append(_Line(starts, start, end, raw, nonprose))
    _CACHE[article] = result
    return result


# -- lines on demand ---------------------------------------------------------------------------
#
# Most articles need a few lines only: the head (BP103), the tail (BP101), and the lines a
# cheap search over the whole text picked out (BP102, BP104, BP105). Building all of them
# (_body_lines) is a Python step per line: these helpers build the same _Line objects for
# the lines asked for. A line is in the body list when it starts at or after the body's
# first line start and _NONBLANK_LINE matches there.

def _hidden(article: Article) -> tuple[list, list[int]]:
    """The spans that make a line nonprose (as _body_lines selects them), and the running
    maximum of their ends."""
    def compute():
        text = article.text
        spans = [s for s in article.nonprose if s.kind in ("code", "comment", "html", "frontmatter")
                 and (s.kind != "html" or "\n" in text[s.start:s.end])]
        reach, furthest = [], -1
        for span in spans:
            furthest = max(furthest, span.end)
            reach.append(furthest)
        return spans, reach
    return article.memo(("boilerplate", "hidden"), compute)


def _in_hidden(hidden: tuple[list, list[int]], first: int) -> bool:
    """What _body_lines' walk over the hidden spans says for a line whose text starts at
    `first`: the first span (in list order) that ends after it holds it. That span is
    the first one whose running maximum of ends is past `first`."""
    spans, reach = hidden
    h = bisect.bisect_right(reach, first)
    return h < len(spans) and spans[h].start <= first


def _line_from_match(article: Article, m: re.Match, hidden: tuple[list, list[int]]) -> _Line:
    start = m.start()
    raw = m.group().rstrip("\r")
    first = start + len(raw) - len(raw.lstrip())
    return _Line(article.line_starts, start, start + len(raw), raw, _in_hidden(hidden, first))


def _first_line_start(article: Article) -> int:
    """Where the first line of the body list can start ('^' at or after body_start)."""
    text, start = article.text, article.body_start
    if start == 0 or text[start - 1] == "\n":
        return start
    newline = text.find("\n", start)
    return len(text) + 1 if newline < 0 else newline + 1


def _line_at(article: Article, start: int) -> _Line | None:
    """The body line that starts at `start` (a line start), or None if it is blank or
    before the body."""
    if start < _first_line_start(article):
        return None
    m = _NONBLANK_LINE.match(article.text, start)
    return None if m is None else _line_from_match(article, m, _hidden(article))


def _line_start_of(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _previous_line(article: Article, line: _Line) -> _Line | None:
    """The body line before `line` (lines[k - 1])."""
    return next(_lines_backward(article, line.start), None)


def _next_line(article: Article, line: _Line) -> _Line | None:
    """The body line after `line` (lines[k + 1])."""
    return next(_lines_forward(article, line.end), None)


def _lines_forward(article: Article, after: int | None = None) -> Iterator[_Line]:
    """_body_lines(article) (those that start after offset `after`), read as far as the
    caller asks."""
    hidden = _hidden(article)
    return (_line_from_match(article, m, hidden)
            for m in _NONBLANK_LINE.finditer(article.text, article.body_start if after is None else after))


def _lines_backward(article: Article, before: int | None = None) -> Iterator[_Line]:
    """reversed(_body_lines(article)) (those that start before `before`, a line start),
    read from the end as far as the caller asks."""
    text = article.text
    first = _first_line_start(article)
    end = len(text) if before is None else before - 1  # an offset in the line before
    while end >= first:
        start = _line_start_of(text, end)
        if start < first:
            return
        line = _line_at(article, start)
        if line is not None:
            yield line
        end = start - 1


def _trie(words) -> str:
    """An expression for `words` (literal text), factored as a trie: the regex engine tries
    the alternatives of an alternation one by one, so a flat alternation of 50 words costs
    50 steps at every position it is tried, a trie one or two. Never matches if empty."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(char) + render(node[char]) for char in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return "(?:" + render(trie) + ")" if trie and set(trie) != {""} else "(?!)"


def _candidate_lines(article: Article, starts: set[int]) -> list[_Line]:
    """The body lines that start at `starts` (line starts), in order; the first body line
    is always a candidate (no newline before it for the searches to find)."""
    starts.add(_first_line_start(article))
    lines = (_line_at(article, start) for start in sorted(starts))
    return [line for line in lines if line is not None]


def _starts_after_newline(pattern: re.Pattern, article: Article) -> set[int]:
    """Line starts found by a pattern that begins with a newline (the regex engine jumps
    from newline to newline: a literal start is found fast)."""
    return {m.start() + 1 for m in pattern.finditer(article.text, article.body_start)}


def _starts_of(article: Article, offsets) -> set[int]:
    text = article.text
    return {text.rfind("\n", 0, offset) + 1 for offset in offsets}


def _lowered_text(article: Article) -> str | None:
    """article.text.lower(), or None when that changes offsets (a dotted capital I)."""
    def compute():
        low = article.text.lower()
        return low if len(low) == len(article.text) else None
    return article.memo(("boilerplate", "lower"), compute)


def _find_all(text: str, needle: str, start: int = 0) -> Iterator[int]:
    at = text.find(needle, start)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


_LOWER_START = re.compile(r"^[ \t]*[(\[{\"'“‘«]?[^\W\d_A-ZÀ-ÖØ-ÞА-ЯЁ]")
_LIST_OR_HEADING = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)]|#{1,6}|>|\|)(?:[ \t]|$)")


def _units(lines: Iterable[_Line], step: int = 1) -> Iterator[_Line]:
    """Body lines, with hard-wrapped paragraphs joined into one unit. boilerpipe and jusText
    measure blocks, not lines: a paragraph wrapped at 72 columns is made of short lines
    without terminal punctuation, like a headline list, until its lines are joined.

    Lines of one block (no blank line between) are a wrapped paragraph when every line but
    the last is at least `_WRAP_MIN` characters long and at least a third of the following
    lines start in lower case (a headline list starts every line with a capital).

    `lines` come in order (step=1) or last first (step=-1), and so do the units; a block's
    units come when the line after it is read, so that a walk that stops early reads few
    lines."""
    block: list[_Line] = []
    for line in lines:
        if block and (line.index != block[-1].index + step or line.nonprose != block[-1].nonprose):
            yield from _block_units(block[::step])[::step]
            block = []
        block.append(line)
    if block:
        yield from _block_units(block[::step])[::step]


def _block_units(block: list[_Line]) -> list[_Line]:
    """The units of one block of lines (in order)."""
    if len(block) > 1 and _wrapped(block):
        raw = block[0].raw.rstrip() + "".join(" " + ln.raw.strip() for ln in block[1:])
        return [_Line(block[0]._line_starts, block[0].start, block[-1].end, raw, block[0].nonprose)]
    return block


_WRAP_MIN = 45


def _wrapped(block: list[_Line]) -> bool:
    if block[0].nonprose or any(_LIST_OR_HEADING.match(ln.raw) for ln in block):
        return False
    if any(len(ln.raw.strip()) < _WRAP_MIN for ln in block[:-1]):
        return False
    lower = sum(1 for ln in block[1:] if _LOWER_START.match(ln.raw))
    return 3 * lower >= len(block) - 1


# -- lexicons --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _phrase_matcher(entries: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """(prefix pattern, anywhere pattern) for a marker lexicon: an entry matches at the start
    of a line, or anywhere in it when written with a leading '...'."""
    prefix: list[str] = []
    anywhere: list[str] = []
    for entry in entries:
        entry = entry.strip()
        target = anywhere if entry.startswith("...") else prefix
        entry = entry[3:].strip() if entry.startswith("...") else entry
        if not entry:
            continue
        body = re.sub(r"(?:\\ )+", r"\\s+", re.escape(entry))
        body = re.sub("['’]", "['’]", body)
        tail = r"(?!\w)" if entry[-1].isalnum() else ""
        target.append(body + tail)
    make = lambda parts, lead: re.compile(lead + "(?:" + "|".join(parts) + ")", re.I) if parts else None
    return make(prefix, r"^"), make(anywhere, r"(?<!\w)")


def _matches(entries: tuple[str, ...], text: str) -> bool:
    prefix, anywhere = _phrase_matcher(tuple(entries))
    return bool((prefix and prefix.match(text)) or (anywhere and anywhere.search(text)))


@functools.lru_cache(maxsize=64)
def _equals_matcher(entries: tuple[str, ...]) -> re.Pattern | None:
    parts = [re.sub(r"(?:\\ )+", r"\\s+", re.escape(e.strip().rstrip(":").strip()))
             for e in entries if e.strip()]
    return re.compile(r"^(?:" + "|".join(parts) + r")\s*:?$", re.I) if parts else None


_LEAD_CHARS = " \t#>*-+•·▪►»_~"


@functools.lru_cache(maxsize=64)
def _marker_index(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(first two letters of the prefix entries, lower-cased 'anywhere' entries)."""
    heads, anywhere = set(), []
    for entry in entries:
        entry = entry.strip()
        if entry.startswith("..."):
            if entry[3:].strip():
                anywhere.append(entry[3:].strip().lower())
        elif entry:
            heads.add(entry[:2].lower())
    return frozenset(heads), tuple(anywhere)


def _may_match(entries: tuple[str, ...], raw: str) -> bool:
    """A cheap test before the regular expression: the line's first two letters start a
    prefix entry, or a '...' entry occurs in it."""
    heads, anywhere = _marker_index(entries)
    head = raw.lstrip(_LEAD_CHARS)
    if head[:1].isdigit():
        head = head.lstrip("0123456789.) \t")
    if head[:2].lower() in heads:
        return True
    if anywhere:
        low = raw.lower()
        return any(needle in low for needle in anywhere)
    return False


def _lexicon(params: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = params.get(key) or ()
    return tuple(value) if not isinstance(value, str) else (value,)


# -- shared helpers --------------------------------------------------------------------------

def _is_content(line: _Line, max_words: int, max_link_density: float) -> bool:
    """A line of running text: more words than a furniture block has (boilerpipe) and
    ending like a sentence (C4), with few links (jusText)."""
    if line.nonprose:
        return True
    if line.link_density > max_link_density:
        return False
    return line.words > max_words and (line.terminal or line.words > 2 * max_words)


def _is_furniture(line: _Line, max_words: int, max_link_density: float) -> bool:
    """A short line that does not end like a sentence, a line that is mostly links, or a
    line of numbers and dates: what navigation, headline lists and tag lists are made of."""
    if line.nonprose:
        return False
    if line.link_density > max_link_density:
        return True
    if _NUMERIC.match(line.plain):
        return True
    return line.words <= max_words and not line.terminal


def _delete_to_end(article: Article, start: int) -> Fix:
    """Remove text[start:] and leave the article ending in exactly one newline."""
    text = article.text
    keep = len(text[:start].rstrip())
    return Fix((Edit(keep, len(text), article.newline if keep else ""),))


def _delete_lines(article: Article, first: _Line, last: _Line) -> Fix:
    """Remove whole lines first..last and the blank lines after them, so that one blank line
    separates what was before from what follows."""
    text = article.text
    nxt = last.end
    m = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))*").match(text, nxt)
    after = m.end() if m else nxt
    if after >= len(text.rstrip()) or not text[after:].strip():
        return _delete_to_end(article, first.start)
    return Fix((Edit(first.start, after, ""),))


# -- BP101 trailing boilerplate --------------------------------------------------------------

_ATX_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")


def trailing_region(article: Article, params: Mapping[str, Any]) -> _Line | None:
    """The marker line where trailing furniture starts, or None."""
    max_lines = int(params.get("max-region-lines", 60))
    strong = _lexicon(params, "marker-lexicon")
    weak = _lexicon(params, "weak-marker-lexicon")
    max_words = int(params.get("max-furniture-words", 16))
    max_link = float(params.get("max-link-density", 0.33))
    marker_words = int(params.get("max-marker-words", 20))
    min_share = float(params.get("min-furniture-share", 0.5))
    weak_min = int(params.get("weak-min-furniture", 2))

    def marker(line: _Line) -> str | None:
        if line.nonprose:
            return None
        for kind, entries in (("strong", strong), ("weak", weak)):
            if entries and _may_match(entries, line.raw) and line.words <= marker_words \
                    and _matches(entries, line.plain):
                return kind
        return None

    # Walk back from the end of the file. The region may hold furniture only, so the walk
    # stops at the first line of running text; the earliest marker passed on the way whose
    # tail is furniture enough starts the region. Running text must come before it. The
    # region holds at most max-region-lines units: only the end of the file matters, the
    # units of its last 4 * max-region-lines lines, read from the end as the walk goes
    # (it usually stops after a unit or two).
    walked: list[_Line] = []  # the units passed, last first
    best = None
    furniture = 0  # furniture lines after the current one
    units = _units(itertools.islice(_lines_backward(article), max(0, 4 * max_lines)), -1)
    for tail, line in enumerate(units):
        if tail + 1 > max_lines:
            return None
        walked.append(line)
        kind = marker(line)
        if kind is None and _is_content(line, max_words, max_link):
            break
        if kind is not None:
            share = (furniture + 1) / (tail + 1)
            # A marker heading over sentences only ("### Up Next" / "Keep working on
            # CS50.") opens the author's closing section: no furniture follows it.
            section = tail and not furniture and _ATX_HEADING.match(line.raw)
            if not (kind == "weak" and furniture < weak_min) and share >= min_share and not section:
                best = tail
        if kind is not None or _is_furniture(line, max_words, max_link):
            furniture += 1
    else:
        return None  # no running text before the markers (in the window): not an ending
    if best is not None and article.markdown and _site_link_list(walked[best - 1::-1] if best else []):
        return None
    return walked[best] if best is not None else None


_MD_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")


def _site_link_list(tail: list[_Line]) -> bool:
    """A Markdown list of links into the author's own site ("More in this series" with
    relative links or {% post_url %} / {{< ref >}} targets): the author's section, not a
    scraped widget, whose links point at absolute addresses or are gone."""
    if not tail:
        return False
    for line in tail:
        if not _LIST_ITEM.match(line.raw):
            return False
        targets = _MD_TARGET.findall(line.raw)
        if not targets or any(re.match(r"(?i)[a-z][a-z0-9+.-]*:|//", t) for t in targets):
            return False
    return True


@check("boilerplate.trailing")
def trailing(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    line = trailing_region(article, params)
    if line is None:
        return
    last = next(_lines_backward(article))
    label = _MD_LINK.sub(lambda m: m.group(1), line.plain)
    yield Hit(line.start, last.end,
              {"marker": label[:60], "lines": last.index - line.index + 1,
               "unit": "line" if last.index == line.index else "lines"},
              fix=_delete_to_end(article, line.start))


# -- BP102 link dump -------------------------------------------------------------------------

_ONLY_URL = re.compile(r"^\s*(?:[-*+•]\s+|\d{1,3}[.)]\s+)?(?:<?(?:https?|ftp)://\S+?>?|www\.\S+)\s*$", re.I)
_URL_LINK = re.compile(r"^\s*(?:[-*+•]\s+|\d{1,3}[.)]\s+)?\[\s*((?:https?://|www\.)[^\]\s]*)\s*\]\(\s*\S+?\s*\)\s*$", re.I)


def _bare_url(line: _Line) -> bool:
    return not line.nonprose and bool(_ONLY_URL.match(line.raw) or _URL_LINK.match(line.raw))


def _introduced(line: _Line | None, max_label_words: int) -> bool:
    """The run follows a label an author wrote: a heading, or a short line ending in ':'
    ("Sources:", "References", "Weitere Links:")."""
    if line is None or line.nonprose:
        return False
    raw = line.raw.strip()
    if raw.startswith("#") or raw.endswith(":"):
        return True
    return line.words <= max_label_words and not line.terminal and not _bare_url(line) \
        and bool(re.search(r"(?i)\b(?:sources?|references?|links?|further reading|reading|"
                           r"bibliography|notes|quellen?|literatur|références|sources|"
                           r"referencias|fuentes|enlaces|ссылки|источники|литература)\b",
                           line.plain))


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+\S")


def _authored_list(lines: list[_Line], i: int) -> bool:
    """The URLs at lines[i] continue a list the author wrote (the item above is a list item
    of the same list), or stand in a section whose label says it lists sources."""
    previous = lines[i - 1] if i else None
    if previous is not None and previous.index == lines[i].index - 1 \
            and _LIST_ITEM.match(previous.raw) and _LIST_ITEM.match(lines[i].raw):
        return True
    for k in range(i - 1, max(-1, i - 40), -1):
        line = lines[k]
        if line.nonprose:
            continue
        if line.raw.lstrip().startswith("#") or k == i - 1:
            if _introduced(line, 5):
                return True
            if line.raw.lstrip().startswith("#"):
                return False
    return False


# A URL line holds '://' or 'www.' (any case): found with literal searches.
_WWW_DOT = re.compile(r"\.(?<=[wW][wW][wW]\.)")


def _url_line_count(article: Article) -> int:
    """At least as many as the body lines that are bare URLs (_bare_url): the lines that
    hold a URL and match its expressions, whether code or not."""
    text = article.text
    offsets = list(_find_all(text, "://", article.body_start))
    offsets.extend(m.start() for m in _WWW_DOT.finditer(text, article.body_start))
    count = 0
    for start in _starts_of(article, offsets):
        raw = text[start:_line_end(text, start)].rstrip("\r")
        if _ONLY_URL.match(raw) or _URL_LINK.match(raw):
            count += 1
    return count


@check("boilerplate.link-dump")
def link_dump(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    min_run = int(params.get("min-lines", 3))
    if _url_line_count(article) < max(1, min_run):
        return  # not enough bare URL lines for a run: most articles
    lines = _body_lines(article)
    i = 0
    while i < len(lines):
        if not _bare_url(lines[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and _bare_url(lines[j + 1]):
            j += 1
        run = lines[i:j + 1]
        if len(run) >= min_run and not _authored_list(lines, i):
            urls = [ln.raw.strip() for ln in run]
            repeated = len(urls) - len(set(urls))
            yield Hit(run[0].start, run[-1].end,
                      {"count": len(run), "repeated": f", {repeated} repeated" if repeated else ""},
                      fix=_delete_lines(article, run[0], run[-1]))
        i = j + 1


# -- BP103 leading boilerplate ---------------------------------------------------------------

_BREADCRUMB_SEP = re.compile(r"\s(?:›|»|>|→|/|\||::)\s")
_LEADIN_TAIL = re.compile(r"\s*(?::|—|–|-|\.\.\.|…)\s*")


def _breadcrumb(line: _Line) -> bool:
    parts = _BREADCRUMB_SEP.split(line.plain)
    if len(parts) < 3 or line.terminal:
        return False
    # Every crumb is short and starts with a capital or a digit (page titles).
    return all(0 < len(p.split()) <= 6 and (p[:1].isupper() or p[:1].isdigit()) for p in parts) \
        and parts[0].strip().lower() in ("home", "start", "startseite", "accueil", "inicio",
                                          "portada", "главная", "news", "blog")


@check("boilerplate.leading")
def leading(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    max_lines = int(params.get("max-lines", 5))
    if max_lines <= 0:
        return
    leadins = _lexicon(params, "leadin-lexicon")
    whole = _equals_matcher(_lexicon(params, "line-lexicon"))
    max_words = int(params.get("max-furniture-words", 16))
    # The units of the first 8 * max-lines lines, read as far as the loop goes (it usually
    # stops at the first line of running text).
    for line in itertools.islice(_units(itertools.islice(_lines_forward(article), 8 * max_lines)), max_lines):
        if line.nonprose:
            return
        if (whole and whole.match(line.plain)) or _breadcrumb(line):
            what = "breadcrumb trail" if _breadcrumb(line) else "page furniture line"
            yield Hit(line.start, line.end, {"what": what, "found": line.plain[:60]},
                      fix=_delete_lines(article, line, line))
            continue
        # The first line of running text: a lead-in glued to it, and then stop looking.
        if leadins:
            prefix, _ = _phrase_matcher(leadins)
            offset = len(line.raw) - len(line.raw.lstrip())
            m = prefix.match(line.raw[offset:]) if prefix else None
            if m:
                sep = _LEADIN_TAIL.match(line.raw, offset + m.end())
                if sep and sep.group().strip() and sep.end() < len(line.raw) \
                        and article.text[line.start:line.start + sep.end()] == line.raw[:sep.end()]:
                    start = line.start + offset
                    end = line.start + len(line.raw[:sep.end()].rstrip())  # phrase and colon
                    cut = line.start + sep.end()                           # and the space after
                    rest = article.text[cut:cut + 1]
                    replacement = rest.upper() if rest.islower() else rest
                    yield Hit(start, end, {"what": "scraper lead-in", "found": article.text[start:end]},
                              fix=Fix((Edit(start, cut + 1, replacement),)))
        if line.words > max_words or line.terminal:
            return


# -- BP104 captions and credits --------------------------------------------------------------

# "Steve Ruark / AP file": a picture from the agency's archive
_FILE_PHOTO = r"\s+file(?:\s+photo)?"
_FILE_SUFFIX = re.compile(_FILE_PHOTO + "$")


@functools.lru_cache(maxsize=16)
def _credit_patterns(labels: tuple[str, ...], agencies: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    alt = lambda items: "|".join(re.sub(r"(?:\\ )+", r"\\s+", re.escape(i.strip()))
                                 for i in sorted(items, key=len, reverse=True) if i.strip())
    label_cased = alt(_label_forms(labels)) or "(?!)"
    agency = alt(agencies) or "(?!)"
    lead = r"^[*_\s]*"
    return (
        # "FILE: President Trump ..." / "Photo: Jane Doe" / "Фото: ..."
        re.compile(lead + rf"(?:{label_cased})\s?:\s*\S"),
        # "Photo by Jane Doe/AFP", "Graphic by GUILLERMO RIVAS PACHECO/AFP via Getty Images"
        re.compile(lead + r"(?:photo(?:graph)?s?|image|picture|graphic|illustration|video|foto|bild|"
                   r"photo\s+credit)\s+(?:by|von|par|de|por)\s+\S", re.I),
        # "Pablo Martinez Monsivais / AP", "Jane Doe/Reuters", "AP Photo/Evan Vucci"
        re.compile(lead + rf"(?:[^\W\d][\w.'’\-]*(?:[ ,]+[^\W\d][\w.'’\-]*){{0,7}}\s*/\s*"
                   rf"(?:{agency})(?:{_FILE_PHOTO})?"
                   rf"|(?:{agency})\s*(?:Photo)?\s*/\s*[^\W\d][\w.'’\-]*(?:\s+[^\W\d][\w.'’\-]*){{0,5}})"
                   r"[*_\s]*$", re.I),
        # "... via Getty Images" / "... through Getty Photographs" (a spinner's rewrite)
        re.compile(r"(?:via|through|über|vía)\s+Getty\s+(?:Images|Photographs|Photos)[*_\s)]*$", re.I),
        # a labelled line that ends in an agency is a credit ("Foto: Jane Doe / dpa",
        # "Photo-illustration: Jacqui VanLiew; Getty Images")
        re.compile(rf"[/:;]\s*(?:{agency})(?:\s+[^\W\d]+)?[*_\s]*$", re.I),
    )


_PAREN_CREDIT = re.compile(
    r"\((?:(?:AP|AFP|Reuters|EPA|Getty)\s+Photo\s*/[^()\n]{2,60}|"
    r"(?:Photo|Image|Foto|Bild|Фото)s?\s*(?:by|:|von|par|de|por)\s*[^()\n]{2,80}|"
    r"[^()\n]{2,60}\s+via\s+Getty\s+Images)\)", re.I)
_PAREN_KEYS = ("photo", "image", "foto", "bild", "фото", "getty")
_QUOTES = re.compile(r"[\"“”«»„]")


@check("boilerplate.caption-credit")
def caption_credit(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    labels = _lexicon(params, "label-lexicon")
    agencies = _lexicon(params, "agency-lexicon")
    max_words = int(params.get("max-caption-words", 40))
    label_set, agency_set = _credit_sets(labels, agencies)
    # The body lines are looked at in order; only the lines that pass _may_be_credit can
    # be reported, and searches over the whole text find a superset of them. Their
    # neighbours (lines[k - 1], lines[k + 1] of the body list) are built when needed.
    candidates = _credit_candidates(article, label_set, agency_set)
    taken = -1  # where the last line taken into a hit starts
    for line in candidates:
        if line.nonprose or line.start <= taken:
            continue
        low = line.raw.lower()
        if not _may_be_credit(line.raw, low, label_set, agency_set):
            continue
        text = line.raw.strip()
        prev = _previous_line(article, line)
        nxt = _next_line(article, line)
        if _next_to_picture((prev, line, nxt)):
            continue  # the picture is there: this is its caption or credit, as it should be
        patterns = _credit_patterns(labels, agencies)  # compiled once, for the first candidate
        labelled = bool(patterns[0].match(text)) and line.words <= max_words
        credit = any(p.search(text) for p in patterns[1:4]) and line.words <= 20
        if not (labelled or credit):
            if "(" not in line.raw or not any(key in low for key in _PAREN_KEYS):
                continue
            for m in _PAREN_CREDIT.finditer(line.raw):
                s = line.start + m.start()
                yield Hit(s, line.start + m.end(), {"what": "credit", "found": m.group()[:60]})
            continue
        start = line
        if credit and not labelled and prev is not None and prev.start > taken:
            # The caption the credit belongs to: one short sentence right above it, with no
            # quotation (reporting quotes people; captions describe a picture).
            if (prev.index == line.index - 1 and not prev.nonprose and prev.words <= max_words
                    and not _PICTURE.search(prev.raw)
                    and not _QUOTES.search(prev.raw) and _single_sentence(prev.raw)):
                start = prev
        end = line
        if labelled and nxt is not None:
            if nxt.index == line.index + 1 and any(p.search(nxt.raw.strip()) for p in patterns[1:4]) \
                    and nxt.words <= 20:
                end = nxt
        taken = end.start
        if start is not end:
            what = "caption and credit"
        else:
            what = "credit" if credit or patterns[4].search(text) else "caption"
        yield Hit(start.start, end.end, {"what": what, "found": start.raw.strip()[:60]})


def _lowercase_forms(labels: frozenset) -> set[str]:
    """How a label can read in the lowercased text: a final sigma is lowercased as such
    alone, and maybe not in the text."""
    return {form for x in labels if x for form in (x.lower(), x.lower().replace("ς", "σ"))}


@functools.lru_cache(maxsize=16)
def _credit_searches(labels: frozenset, agencies: frozenset) -> tuple[re.Pattern, re.Pattern]:
    """Expressions that find, in the lowercased text, the lines _may_be_credit can pass
    (and more): (at a line start, after a slash). Each starts with a literal character,
    so the engine jumps from one to the next; lowercase text instead of re.I, which makes
    every step of a match slower."""
    space = r"[^\S\n]"
    agency = _trie({a.lower() for a in agencies if a})
    line_start = re.compile(
        rf"\n[ \t*_]*{space}*(?:"
        rf"{_trie(_lowercase_forms(labels))}{space}*:"  # a label before a colon
        rf"|{_trie(_BY_WORDS)}{space}+(?:by|von|par|de|por)"  # "Photo by"
        rf"|{agency}(?:{space}+photo)?{space}*/)")  # an agency before the first slash
    return line_start, re.compile(rf"/{space}*{agency}")  # an agency after a slash


def _credit_candidates(article: Article, label_set: frozenset, agency_set: frozenset) -> list[_Line]:
    # str.lower() of a line is the line of text.lower() (a newline stops Final_Sigma's
    # context), at the same offsets when the lengths agree.
    low = _lowered_text(article)
    if low is None or "" in label_set:
        return _body_lines(article)
    line_start, after_slash = _credit_searches(label_set, agency_set)
    body = article.body_start
    starts = {m.start() + 1 for m in line_start.finditer(low, body)}
    starts |= _starts_of(article, (m.start() for m in after_slash.finditer(low, body)))
    # "getty" anywhere in a line, or a picture word in a line with a parenthesis (most news
    # stories have none: then "getty" is the only word to look for)
    text = article.text
    parenthesis = text.find("(", _line_start_of(text, body)) >= 0
    for key in _PAREN_KEYS if parenthesis else ("getty",):
        for offset in _find_all(low, key, body):
            start = text.rfind("\n", 0, offset) + 1
            if key == "getty" or text.find("(", start, _line_end(text, offset)) >= 0:
                starts.add(start)
    return _candidate_lines(article, starts)


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


_BY_WORDS = frozenset(("photo", "photos", "photograph", "image", "picture", "graphic", "illustration",
                       "video", "foto", "bild"))


def _label_forms(labels: tuple[str, ...]) -> tuple[str, ...]:
    """A label as the lexicon writes it, in capitals and in title case ("Photo Credit:");
    in lower case it is prose ("file: config.yaml")."""
    return tuple(form for x in labels for form in (x.strip(), x.strip().upper(), x.strip().title()))


@functools.lru_cache(maxsize=16)
def _credit_sets(labels: tuple[str, ...], agencies: tuple[str, ...]) -> tuple[frozenset, frozenset]:
    return frozenset(_label_forms(labels)), frozenset(a.strip().lower() for a in agencies)


def _may_be_credit(raw: str, low: str, label_set: frozenset, agency_set: frozenset) -> bool:
    """Set lookups before any regular expression: a label before a colon, "Photo by", an
    agency on either side of a slash, Getty, or a parenthesis with a picture word."""
    head = raw.lstrip(" \t*_")
    colon = head.find(":", 0, 30)
    if colon > 0 and head[:colon].strip() in label_set:
        return True
    first = low.lstrip(" \t*_").split(None, 2)
    if len(first) >= 2 and first[0] in _BY_WORDS and first[1] in ("by", "von", "par", "de", "por"):
        return True
    if "/" in raw:
        left, _, right = low.strip(" \t*_").partition("/")
        last = _FILE_SUFFIX.sub("", low.rstrip(" \t*_).").rsplit("/", 1)[-1].strip())
        if last in agency_set or left.strip() in agency_set or left.strip().removesuffix(" photo") in agency_set:
            return True
    if "getty" in low:
        return True
    return "(" in raw and any(key in low for key in _PAREN_KEYS)


# Kirbytext's image tag names the picture's file: "(image: 01-time.jpg alt: ...)"; a credit
# "(Image: Jane Doe/Reuters)" names no file.
_PICTURE = re.compile(r"!\[[^\]\n]*\]\(|<img\b|<figure\b|<figcaption\b|<picture\b|\{\{<\s*figure|"
                      r"^\s*\.\.\s+(?:image|figure)::|"
                      r"\(image:\s*[^\s()]+\.(?:jpe?g|png|gif|webp|svg|avif)(?=[\s)])", re.I)


def _next_to_picture(around: tuple[_Line | None, _Line, _Line | None]) -> bool:
    """An image (Markdown, HTML, a Hugo figure, a reST image, a Kirbytext image tag) on the
    line itself or on the nearest line above or below, with at most one blank line between.
    `around`: the body lines before and after the line (None at either end)."""
    line = around[1]
    for other in around:
        if other is not None and abs(other.index - line.index) <= 2 and _PICTURE.search(other.raw):
            return True
    return False


def _single_sentence(text: str) -> bool:
    from lint.text import split_sentences

    return len(split_sentences(text.strip())) == 1


# -- BP105 markup and tracking leftovers -----------------------------------------------------

_META = re.compile(r"<meta\s[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>(?:[\s\S]*?</script\s*>)?", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_PIXEL_SIZE = re.compile(r"\b(?:width|height)\s*=\s*[\"']?[01](?:px)?[\"'\s/>]", re.I)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
_IFRAME = re.compile(r"<iframe\b[^>]*>", re.I)
# An HTML element's opening or closing tag, for the elements a converted post keeps:
# a closing tag with no opening tag before it is what a CMS export leaves behind.
_PAIRED_TAG = re.compile(r"<(/?)(a|p|div|span|font|center|blockquote|table|tr|td|th|ul|ol|li|em|strong|b|i|u)\b[^<>]*>", re.I)
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\]\n]*)?)\]")
_SHORTCODE_REACH = 2000  # characters in which an opening shortcode's closing tag is looked for


_LABEL_LEAD = " \t>*-+•_~[(«‹←<"


@functools.lru_cache(maxsize=16)
def _markup_lexicons(trackers: tuple[str, ...], labels: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """(the trackers lowercased, the labels' first two letters lowercased): per lexicon,
    not per article."""
    return tuple(t.lower() for t in trackers), frozenset(e.strip()[:2].lower() for e in labels)


@check("boilerplate.markup")
def markup(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    label_entries = _lexicon(params, "label-lexicon")
    trackers, label_heads = _markup_lexicons(_lexicon(params, "tracker-lexicon"), label_entries)
    text = article.text
    code = [s for s in article.nonprose if s.kind in ("code", "comment", "frontmatter")]
    body = article.body_start

    def in_code(pos: int) -> bool:
        if any(s.start <= pos < s.end for s in code):
            return True
        if pos > 0 and text[pos - 1] in "`'\"":
            return True  # quoted or inline code: the tag is being talked about
        if not article.markdown:
            # Plain text has no fences: an indented line is an example, as in reST.
            line_start = text.rfind("\n", 0, pos) + 1
            return text.startswith(("    ", "\t"), line_start)
        return False

    def tracked(fragment: str) -> bool:
        low = fragment.lower()
        return any(t in low for t in trackers)

    hits: list[Hit] = []
    if "<" in text:
        for m in _META.finditer(text, body):
            if not in_code(m.start()):
                hits.append(Hit(m.start(), m.end(), {"what": "<meta> tag", "found": m.group()[:60]}))
        for m in _SCRIPT.finditer(text, body):
            # An embed's <script> (a tweet, a gist) is content; analytics and ad scripts are not.
            if tracked(m.group()) and not in_code(m.start()):
                hits.append(Hit(m.start(), m.end(), {"what": "tracking script", "found": m.group()[:60]}))
        for pattern in (_IMG, _IFRAME):
            for m in pattern.finditer(text, body):
                tag = m.group()
                if in_code(m.start()):
                    continue
                if tracked(tag) or (pattern is _IMG and len(_PIXEL_SIZE.findall(tag)) >= 2):
                    hits.append(Hit(m.start(), m.end(), {"what": "tracking pixel", "found": tag[:60]}))
    if "![" in text:
        for m in _MD_IMAGE.finditer(text, body):
            if not in_code(m.start()) and tracked(m.group(1)):
                hits.append(Hit(m.start(), m.end(), {"what": "tracking pixel", "found": m.group()[:60]}))
    if "</" in text:
        hits.extend(h for h in _stray_closing_tags(text, body, in_code))
    if "[" in text:
        shortcode = _shortcode_matcher(_lexicon(params, "shortcode-lexicon"))
        hits.extend(h for h in _shortcodes(text, body, shortcode) if not in_code(h.start))
    if article.markdown and ("*" in text or "__" in text):
        hits.extend(_empty_emphasis(article))
    if any(e.strip() for e in label_entries):
        for line in _label_candidates(article, label_heads):
            if line.nonprose or len(line.raw) > 120 or len(line.raw.strip()) > 80:
                continue
            if article.markdown and line.raw.lstrip().startswith("#"):
                continue  # "## Read more" heads the author's own list of links
            if line.raw.lstrip(_LABEL_LEAD)[:2].lower() not in label_heads:
                continue
            label = _MD_LINK.sub(lambda m: m.group(1), line.plain)
            label = re.sub(r"^[\s\[(]+|[\s\])»›→…>.]+$|^[«‹←<]+\s*", "", label)
            label = re.sub(r"[\s»›→…>]+$", "", label).rstrip(".").strip()
            # The expression is compiled once, when a line first looks like a label.
            if label and _equals_matcher(label_entries).match(label):
                hits.append(Hit(line.start, line.end, {"what": "layout label", "found": label}))
    hits.sort(key=lambda h: h.start)
    yield from hits


def _stray_closing_tags(text: str, body: int, in_code: Callable[[int], bool]) -> Iterator[Hit]:
    """The first closing tag of each element that has no opening tag open before it, with
    how many such tags the article has. Only a stray tag is looked up in the code spans:
    an opening tag in code may hide a stray one later, which errs on the quiet side."""
    depth: dict[str, int] = {}
    first: dict[str, re.Match] = {}
    strays: dict[str, int] = {}
    for m in _PAIRED_TAG.finditer(text, body):
        name = m.group(2).lower()
        if not m.group(1):
            depth[name] = depth.get(name, 0) + 1
        elif depth.get(name, 0):
            depth[name] -= 1
        elif not in_code(m.start()):
            first.setdefault(name, m)
            strays[name] = strays.get(name, 0) + 1
    for name, m in first.items():
        count = strays[name]
        what = "closing tag without an opening one" if count == 1 else f"closing tags without opening ones ({count})"
        yield Hit(m.start(), m.end(), {"what": what, "found": m.group()})


@functools.lru_cache(maxsize=16)
def _shortcode_matcher(entries: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a shortcode name (lowercased) is one of the lexicon's names or prefixes."""
    names = frozenset(e.strip().lower() for e in entries if e.strip() and not e.strip().endswith("*"))
    prefixes = tuple(e.strip()[:-1].lower() for e in entries if e.strip().endswith("*"))
    return lambda name: name in names or (bool(prefixes) and name.startswith(prefixes))


def _shortcodes(text: str, body: int, known: Callable[[str], bool]) -> Iterator[Hit]:
    """WordPress shortcodes: an opening tag with attributes or a closing tag after it
    (one hit from the opening tag to the closing one), or a closing tag alone."""
    covered = body
    for m in _SHORTCODE.finditer(text, body):
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if m.start() < covered or not known(name):
            continue
        end = m.end()
        if not closing:
            close = text[end:end + _SHORTCODE_REACH].lower().find(f"[/{name}]")
            if close < 0 and "=" not in attrs:
                continue  # "[caption]" alone may be a link's text
            if close >= 0:
                end += close + len(name) + 3
        covered = end
        yield Hit(m.start(), end, {"what": "WordPress shortcode", "found": m.group()[:60]})


@functools.lru_cache(maxsize=16)
def _label_search(heads: frozenset) -> re.Pattern:
    """Lines whose text after _LABEL_LEAD starts with a label's first two letters, in the
    lowercased text (two letters lowercased alone may end in a final sigma)."""
    lead = "[" + re.escape(_LABEL_LEAD) + "]*"
    # and the line is at most 120 characters long (before any carriage returns): tested
    # second, since it reads up to 120 characters of every line the letters let through
    return re.compile(rf"\n(?={lead}{_trie(_lowercase_forms(heads))})(?=[^\n]{{0,120}}\r*(?:\n|\Z))")


def _label_candidates(article: Article, heads: frozenset) -> list[_Line]:
    """The body lines the layout-label test can pass (and more), in order."""
    low = _lowered_text(article)
    if low is None or "" in heads:
        return _body_lines(article)
    return _candidate_lines(article, {m.start() + 1 for m in _label_search(heads).finditer(low, article.body_start)})


# -- BP105 empty emphasis ----------------------------------------------------------------------
#
# "<strong> </strong>" and "<em></em>" that a CMS export turned into Markdown: "** **", "****",
# "__ __", "* *" around nothing, which Markdown shows as literal asterisks.

# Each pattern opens with a literal, which the regex engine finds fast; a leading
# look-behind would be tried at every position of the text.
_EMPTY_STARS = re.compile(r"\*(?<![*_\\\w]\*)(?:\*[ \t\u00a0]*\*\*|[ \t\u00a0]{1,3}\*)(?![*_\w])")
_EMPTY_UNDERSCORES = re.compile(r"__(?<![*_\\\w]__)[ \t\u00a0]+__(?![*_\w])")
_BOLD_RUN = re.compile(r"(?<![*\\])\*{2,}")
_ITALIC_RUN = re.compile(r"(?<![*\\])(?:\*(?!\*)|\*{3,})")
_UNDERSCORE_RUN = re.compile(r"(?<![_\\\w])__+|__+(?![_\w])")
_LIST_BULLET = re.compile(r"[ \t]*(?:>[ \t]*)*[-*+][ \t]")
_BULLET_LINE = re.compile(r"^[ \t]*(?:>[ \t]*)*\*[ \t]", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def _empty_emphasis(article: Article) -> Iterator[Hit]:
    """Emphasis around nothing but spaces, in prose. The opening delimiter must not close
    an emphasis opened before it in the paragraph ("**a.** **b**": an even number of runs
    before it), and a line that is a thematic break ("* * *", "** **") is one."""
    text, prose = article.text, article.prose_text
    pairs = list(_EMPTY_STARS.finditer(text, article.body_start)) if "*" in text else []
    if "__ " in text or "__\t" in text or "__\u00a0" in text:
        pairs = sorted(pairs + list(_EMPTY_UNDERSCORES.finditer(text, article.body_start)), key=lambda m: m.start())
    paragraph = scanned = article.body_start  # where the paragraph holding the pair starts
    for m in pairs:
        start, end = m.start(), m.end()
        if prose[start:end] != m.group():
            continue  # in code, a comment or a URL
        line_start = prose.rfind("\n", 0, start) + 1
        line_end = prose.find("\n", end)
        if line_end < 0:
            line_end = len(prose)
        line = prose[line_start:line_end]
        if _THEMATIC_BREAK.match(line.strip()):
            continue
        found = m.group()
        inner = found.strip("*_")
        if not (found.startswith("**") and inner) and not found.startswith("__"):
            # "****" between spaces is a rating or a mask, "a * * b" arithmetic: only a
            # pair glued to the text is an export's leftover
            if (start == line_start or text[start - 1].isspace()) and (end >= len(text) or text[end].isspace()):
                continue
        if found.startswith("* ") and _LIST_BULLET.fullmatch(prose[line_start:start + 2]):
            continue  # a list item's bullet, then an asterisk
        if not found.startswith("**") and (text[line_start:start].rstrip(" \t").endswith(found[0])
                                           or text[end:line_end].lstrip(" \t").startswith(found[0])):
            continue  # one of a row of blanks to fill in ("__ __ __"), or of stars
        for blank in _BLANK_LINE.finditer(prose, scanned, start):  # matches come in order
            paragraph = blank.end()
        scanned = max(scanned, start)
        before = prose[paragraph:start]
        if found.startswith("**"):
            opened = len(_BOLD_RUN.findall(before))
        elif found[0] == "_":
            opened = len(_UNDERSCORE_RUN.findall(before))
        else:  # a list item's bullet is no emphasis
            opened = len(_ITALIC_RUN.findall(before)) - len(_BULLET_LINE.findall(before))
        if opened % 2:
            continue
        # The removal keeps one space where the empty emphasis separated two words.
        left = start > line_start and not prose[start - 1].isspace()
        right = end < len(prose) and not prose[end].isspace() and prose[end] not in "\r\n"
        if not left:
            while start > line_start and prose[start - 1] in " \t":
                start -= 1
        replacement = " " if left and right and inner else ""
        yield Hit(m.start(), m.end(), {"what": "empty emphasis", "found": found},
                  fix=Fix((Edit(start, end, replacement),)))


# -- BP107 placeholder text ------------------------------------------------------------------

@check("boilerplate.placeholder")
def placeholder(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    entries = _placeholder_entries(_lexicon(params, "placeholder-lexicon"))
    lorem_words = _placeholder_entries(_lexicon(params, "lorem-lexicon"))
    yield from _front_matter_placeholders(article, entries, _placeholder_entries(_lexicon(params, "value-lexicon")),
                                          params.get("front-matter-keys") or ())
    text = article.text
    lowered = _lowered_text(article)
    if lowered is None:
        lowered = _lowered_in_place(text)
    automaton = _placeholder_automaton(entries, lorem_words)
    found = sorted((at, end + 1, is_lorem) for end, (entry, is_lorem) in automaton.iter(lowered, article.body_start)
                   if _at_word_edges(lowered, entry, at := end + 1 - len(entry))) if automaton else ()
    if not found:
        return
    hidden = [s for s in article.nonprose if s.kind in ("code", "comment", "frontmatter", "url")]
    lorem_seen: set[str] = set()
    first_lorem = None
    phrase_found = False
    for start, end, is_lorem in found:
        if any(s.start <= start < s.end for s in hidden):
            continue
        if is_lorem:
            lorem_seen.add(lowered[start:end])
            first_lorem = first_lorem or (start, end)
            continue
        line_start = text.rfind("\n", 0, start) + 1
        if not article.markdown and text[line_start:start].lstrip().startswith(".."):
            continue  # ".. TODO:" in plain text is a reStructuredText comment, never shown
        phrase_found = True
        yield Hit(start, end, {"found": _rest_of_line(text, start)})
    # Generated filler without its opening words ("Dolor ea Lorem ex amet laboris ..."):
    # the words of lorem ipsum that no living language uses, several of them.
    if first_lorem and not phrase_found and len(lorem_seen) >= int(params.get("min-lorem-words", 4)):
        start, end = first_lorem
        yield Hit(start, end, {"found": _rest_of_line(text, text.rfind("\n", 0, start) + 1).lstrip()})


def _rest_of_line(text: str, start: int) -> str:
    line_end = text.find("\n", start)
    return text[start:line_end if line_end >= 0 else len(text)].rstrip()[:60]


def _lowered_in_place(text: str) -> str:
    """text in lower case but for the characters whose lower case is longer ("İ"), so that
    offsets stay those of text."""
    lowered = text.lower()
    if len(lowered) == len(text):  # no character's lower case is longer: offsets hold
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _front_matter_placeholders(article: Article, entries: tuple[str, ...], values: tuple[str, ...],
                               keys) -> Iterator[Hit]:
    """A placeholder in a front matter value that readers see (a theme's or an archetype's
    stock description left in `description:`, `image: TODO`): one finding per value, on the
    value. A value that is nothing but an entry of `values` is one too ("TBD", "xxxxxxx":
    a run of x's is read as "xxx")."""
    block = article.front_matter
    if block is None or not block.closed or block.error is not None or not block.is_mapping:
        return
    for key in keys:
        value = block.data.get(key)
        if not isinstance(value, str):
            continue
        lowered = _lowered_in_place(value)
        at = min((at for entry in entries if entry in lowered
                  for at in _word_occurrences(lowered, entry, 0)), default=None)
        if at is None and _RUN_OF_X.sub("xxx", lowered.strip().strip(_VALUE_PUNCTUATION)) in values:
            at = len(value) - len(value.lstrip())
        span = block.locate((key,)) if at is not None else None
        if span is not None:
            yield Hit(span.value_start, span.value_end, {"found": value[at:].split("\n")[0].rstrip()[:60]})


_RUN_OF_X = re.compile(r"x{3,}")
_VALUE_PUNCTUATION = " .…!?:;-_*[](){}<>\"'"


@functools.lru_cache(maxsize=16)
def _placeholder_entries(entries: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.strip().lower() for e in entries if e.strip()))


@functools.lru_cache(maxsize=16)
def _placeholder_automaton(entries: tuple[str, ...], lorem_words: tuple[str, ...] = ()) -> Any:
    """An Aho-Corasick automaton of the entries and the lorem ipsum words, or None for
    none: it finds every occurrence of every one (value: the entry, whether it is a lorem
    word) in one pass over the text (about half the time of a string search per entry
    with the default lexicon's 22)."""
    if not entries and not lorem_words:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in lorem_words:
        automaton.add_word(word, (word, True))
    for entry in entries:  # a placeholder entry wins over a lorem word written the same
        automaton.add_word(entry, (entry, False))
    automaton.make_automaton()
    return automaton


def _word_occurrences(lowered: str, entry: str, start: int) -> Iterator[int]:
    """Where entry occurs in lowered from start on, at word edges (_at_word_edges)."""
    return (at for at in _find_all(lowered, entry, start) if _at_word_edges(lowered, entry, at))


def _at_word_edges(lowered: str, entry: str, at: int) -> bool:
    """An entry's letter edges must be word edges where it occurs ("todo:" not in
    "mytodo:"), and an entry that opens a parenthesis must have a letter in it
    ("todo(askham)", not "todo()")."""
    end = at + len(entry)
    return not (entry[0].isalnum() and at > 0 and (lowered[at - 1].isalnum() or lowered[at - 1] == "_")) \
        and not (entry[-1].isalnum() and end < len(lowered) and (lowered[end].isalnum() or lowered[end] == "_")) \
        and not (entry.endswith("(") and not lowered[end:end + 1].isalpha())


# -- BP106 template sections (off by default) ------------------------------------------------

@check("boilerplate.template-sections")
def template_sections(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    headings = _equals_matcher(_lexicon(params, "heading-lexicon"))
    need = int(params.get("min-headings", 3))
    if headings is None:
        return
    found: list[_Line] = []
    names: set[str] = set()
    for line in _body_lines(article):
        if line.nonprose or len(line.raw) > 60 or line.terminal or line.words > 5:
            continue
        if headings.match(line.plain):
            key = line.plain.lower().rstrip(":").strip()
            if key not in names:
                names.add(key)
                found.append(line)
    if len(found) >= need:
        first = found[0]
        yield Hit(first.start, first.end,
                  {"count": len(found), "headings": ", ".join(ln.plain for ln in found)},
                  related=tuple((ln.start, ln.end, "template heading") for ln in found[1:]))


# -- BP108 cut-off ending ----------------------------------------------------------------------
#
# Only the end of the body is read: the last block (and the blocks after it that show
# nothing), and in it the last unit of prose: the paragraph, or the block's last list item.

# Sentence-final punctuation in the scripts that have it (Latin, Greek's ";", CJK, Devanagari,
# Arabic, Armenian, Ethiopic, Tibetan, Myanmar), and the colon that introduces a removed
# embed: a unit that ends in one of these is finished.
_FINAL_STOPS = ".!?…:;\u037e。！？｡︒﹒﹖﹗।॥۔؟։።፧།။"
_CUT_CLOSERS = "\"'”’»›)]*_~ \t"
_ITEM_START = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+(?=\S)", re.M)
# "[…]", "[...]" or a bare "…", "..." right after a word, at the very end
_TRUNCATION_MARKER = re.compile(r"(?<=[^\W_,])[ \t]*(?:\[\s*(?:\.\.\.|…)\s*\]|(?P<bare>\.\.\.|…))$")
# What a cut can stop on besides a letter or a digit: a comma, a hyphen.
_CUT_MARKS = ",-‐"
_EMOTICON = re.compile(r"(?:^|\s)[:;=8xX][-'^]?[PpDdOo3)(\]\[/\\|*]$")
_INVISIBLE = re.compile(r"\s*(?:<!--[\s\S]*-->|(?:\[[^\]\n]+\]:[^\n]*(?:\n|$))+|\{:[^}\n]*\})\s*$")
# Scripts written without sentence punctuation (Thai, Lao, Khmer): nothing to go by.
_UNPUNCTUATED_SCRIPT = re.compile("[\u0e00-\u0eff\u1780-\u17ff]")


def _last_unit(article: Article) -> tuple[int, int, list[str]] | None:
    """The last unit of prose, (start, end, before), or None when the body ends in
    something else (a heading, code, a table, a quote, an image ...). `before` holds the
    text of the units just before it: the earlier items of its list, and the paragraph
    before its block (across headings). Blocks a reader never sees (comments, link
    reference definitions, attribute lists) are passed over."""
    prose, text = article.prose_text, article.text
    blocks = article.blocks
    for k in range(len(blocks) - 1, -1, -1):
        block = blocks[k]
        if not prose[block.start:block.end].strip():
            if block.kind != "code" and _INVISIBLE.match(text, block.start, block.end):
                continue
            return None
        if block.kind not in ("paragraph", "list"):
            return None
        items = list(_ITEM_START.finditer(text, block.start, block.end))
        before = [text[item.end():after.start()] for item, after in zip(items, items[1:])]
        previous = next((blocks[i] for i in range(k - 1, -1, -1)
                         if blocks[i].kind not in ("heading", "thematic")), None)
        # (a paragraph that ends in an embed, a link or markup has nothing to go by)
        if previous is not None and previous.kind == "paragraph" \
                and len(prose[previous.start:previous.end].rstrip()) == len(previous.text.rstrip()):
            before.append(previous.text)
        return (items[-1].end() if items else block.start), block.end, before
    return None


def _finished(text: str) -> bool:
    """Ends in sentence-final punctuation (before closing quotes, brackets, emphasis)."""
    tail = text.rstrip().rstrip(_CUT_CLOSERS)
    return bool(tail) and tail[-1] in _FINAL_STOPS


@functools.lru_cache(maxsize=16)
def _cut_lexicons(dangling: tuple[str, ...], sign_offs: tuple[str, ...]) -> tuple[frozenset, re.Pattern | None]:
    words = frozenset(w.strip().lower() for w in dangling if w.strip())
    return words, _phrase_matcher(sign_offs)[0]


def _verse_or_signature(lines: list[str], max_short: int) -> bool:
    """Short lines: a poem, lyrics, an address, or a sign-off with a name under it
    ("Cheers,\\nJohn"). A hard-wrapped paragraph has long lines before its last."""
    if len(lines) < 2:
        return False
    if all(len(ln.strip()) < max_short for ln in lines[:-1]):
        return True
    last, before = lines[-1], lines[-2].rstrip()
    return len(WORD_RE.findall(last)) <= 4 and (before.endswith(",") or _finished(before))


@check("boilerplate.cut-off")
def cut_off(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    unit = _last_unit(article)
    if unit is None:
        return
    start, end, before = unit
    if not all(_finished(unit_text) for unit_text in before):
        return  # the writer does not end units with a stop, or a label precedes ("Leave a Reply")
    text = article.text
    raw = text[start:end].rstrip()
    shown = article.prose_text[start:start + len(raw)]
    if not shown or shown[-1].isspace():
        return  # ends in a link, an image, code, markup or a URL (blank in the prose text)
    lines = [ln for ln in raw.splitlines() if ln.strip()]
    if not article.markdown and (lines[0].lstrip().startswith("..") or all(
            ln[:1].isspace() for ln in lines) or any(ln.lstrip().startswith(">>>") for ln in lines)):
        return  # a reStructuredText directive, comment or literal block, an interpreter session
    if _UNPUNCTUATED_SCRIPT.search(shown):
        return
    marker = _TRUNCATION_MARKER.search(shown)
    body = shown[:marker.start()] if marker else shown
    # A cut at a size limit stops on a word, a comma or a hyphen; a writer who leaves out the
    # final stop after a closing quote, bracket or emphasis, a symbol or an emoji closed
    # something on purpose.
    if not marker and (not (body[-1].isalnum() or body[-1] in _CUT_MARKS) or _EMOTICON.search(body)):
        return
    from lint.text import split_sentences

    sentences = split_sentences(body)
    last_start = sentences[-1][0] if sentences else 0
    last = body[last_start:]
    words = WORD_RE.findall(last)
    if not words or _verse_or_signature(lines, int(params.get("max-verse-line", 45))):
        return
    if 2 * sum(1 for word in words if word[0].isupper()) > len(words):
        return  # mostly capitalised: a title, a name, a credit ("Graphic by AFP via Getty Images")
    dangling, sign_off = _cut_lexicons(_lexicon(params, "dangling-lexicon"), _lexicon(params, "sign-off-lexicon"))
    if sign_off is not None and sign_off.match(last.lstrip("*_ \t")):
        return
    min_words = int(params.get("min-words", 4))
    ends_dangling = words[-1] in dangling or body[-1] in _CUT_MARKS
    if marker:
        # "[…]" is an excerpt's mark; a bare "..." is a style ("Stay tuned...") unless the
        # sentence cannot stop there ("the mayor said that the...")
        cut = len(words) >= min_words and (marker.group("bare") is None or ends_dangling)
    elif len(sentences) > 1:  # a complete sentence before it: the writer punctuates
        cut = len(words) >= min_words or (len(words) >= 2 and ends_dangling)
    else:
        cut = len(words) >= int(params.get("min-lone-words", 8)) and ends_dangling
    if not cut:
        return
    line_end = start + len(raw)
    line_start = max(start, _line_start_of(text, line_end))
    first = line_start + len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip())
    yield Hit(first, line_end, {"found": " ".join(shown[last_start:].split()[-8:])})


# -- BP109 indented prose ----------------------------------------------------------------------
#
# A conversion that indents part of a post by four spaces turns it into an indented code
# block: Markdown shows the paragraphs in a monospace box, with their headings and emphasis
# as literal "###" and "**". The Article already knows its code blocks; this section reads
# the indented ones (not fenced), leaves out those CommonMark reads as a list item's
# paragraphs, and reports the ones whose lines read as prose.

_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)]|:)(?=[ \t]|$)")  # ":": a definition (kramdown)
# Blocks whose content is indented four spaces in Python-Markdown, MkDocs and PHP Markdown
# Extra: admonitions ("!!! note"), collapsible notes ("??? note"), content tabs
# ('=== "Tab"') and footnote definitions ("[^1]:").
_INDENTED_CONTAINER = re.compile(r"(?:!!!|\?\?\?\+?|===)[ \t]+\S|\[\^[^\]\n]+\]:")
_THEMATIC_BREAK = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_REACH = 400  # lines looked at above a block for the list item it may belong to


def _content_column(line: str, columns: int, at: int) -> int | None:
    """The column where a list item's content starts, if the line opens one (CommonMark:
    after the marker and up to four spaces; five or more mean one, and code follows), or
    four columns in from a container whose content is indented (an admonition)."""
    if _INDENTED_CONTAINER.match(line, at):
        return columns + 4
    m = _LIST_MARKER.match(line, at)
    if m is None or _THEMATIC_BREAK.match(line, at):
        return None
    after = line[m.end():]
    spaces, _ = indentation(after)
    if not after.strip() or spaces > 4:
        spaces = 1
    return columns + (m.end() - at) + spaces


def _list_holder(article: Article, first: int) -> tuple[int | None, bool]:
    """(the content column of the list item that holds line `first`, an indented line
    after a blank one: 0 when no list item does, None when unsure; whether a list item
    comes before the line). CommonMark reads the line as the item's paragraph when it is
    indented less than that column plus four.

    Walking up, every line that opens a block (the first line after a blank, or a list
    item) must be indented at least as far as the item's content for the item to hold the
    line; a line that continues a paragraph may be a lazy continuation line and is not
    counted. The walk ends at the first line that opens a block at the margin."""
    text = article.text
    lines = article.lines
    top = article.line_of(article.body_start) if article.body_start else 0
    least = indentation(text[lines[first][0]:lines[first][1]])[0]
    after_list = False
    j = first - 1
    for _ in range(_LIST_REACH):
        if j < top:
            return 0, after_list
        start, end = lines[j]
        line = text[start:end]
        if not line.strip():
            j -= 1
            continue
        columns, at = indentation(line)
        content = _content_column(line, columns, at)
        if content is not None:
            if least >= content:
                return content, True
            after_list = True
        above = lines[j - 1] if j > top else None
        if content is not None or above is None or not text[above[0]:above[1]].strip():
            least = min(least, columns)
            if least < 2:  # no list item's content starts before column 2
                return 0, after_list
        j -= 1
    return None, True


# What code, console output and configuration have and prose lacks. A line with one of these
# makes the block code: a prompt, a statement end, an operator, a call, a path or a flag,
# columns aligned with runs of spaces, a time of day or a hash, a quoted-email or REPL mark,
# a program's message ("Error: ...").
_CODE_LINE = re.compile(
    r"^(?:[$%>]|>>>|\.\.\.|PS\b[^\n]*>|[A-Za-z]:\\)(?:\s|$)"                 # prompts, quoted mail
    r"|^(?:[}\])]|//|/\*|<!--|--\s|\|)"                                  # closers, comments, tables
    r"|^\[?(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL|Error|Warning|Fatal|Exception)\]?[:.](?:\s|$)"  # messages
    r"|[;{(\[\\]$"                                                       # statement goes on
    r"|=>|->|<-|::|==|!=|<=|>=|&&|\|\||\+=|\$\{|\{\{|\}\}|</|/>|\w\(|\w=|\s=\s"
    r"|(?:^|\s)(?:\.{0,2}/|~/)[\w.-]+/"                                   # paths
    r"|(?:^|\s)--?[A-Za-z][\w-]*(?:[=\s]|$)"                              # command-line flags
    r"|\S {3,}\S"                                                        # aligned columns
    r"|\b\d{1,2}:\d{2}(?::\d{2})\b|\b[0-9a-f]{8,}\b"                      # times, hashes
)
_PROSE_WORD = re.compile(r"[(\"'“‘„«*_]*[^\W\d_][\w'’-]*[)\"'”’»*_.,;:!?…]*")
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’»)*_]*)(?=\s|$)")
_CODE_CHARS = re.compile(r"[{}\[\]();=<>$|\\^~`]")
# Markdown that shows literally in a code block: headings, emphasis, links, escapes.
_MD_BLOCK_MARK = re.compile(r"^(?:#{1,6}|[-*+]|\d{1,3}[.)])[ \t]+(?=[^\W\d_])")  # heading, list item
_MD_CODE_SPAN = re.compile(r"`[^`\n]+`")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_MD_INLINE_MARKUP = re.compile(r"\*\*[^*\s][^*]*\*\*|__[^_\s][^_]*__|\[[^\]\n]+\]\([^)\s]+\)|\[[^\]\n]+\]\[[^\]\n]*\]|\\[*_#\[\]`]")
_MD_REFERENCE = re.compile(r"\[[^\]\n]+\]:\s+\S+(?:\s+[\"'(][^\n]*)?$")
_MD_LINK_TEXT = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)$")
_QUOTE_OPENERS = "\"“„«‘'"


class _IndentedProse:
    """What an indented code block's lines say about it: prose words, sentences, Markdown
    that would show literally, and the first line that reads as code (the counts stop
    there)."""

    def __init__(self, lines: list[str]):
        self.code_line: str | None = None
        self.words = 0
        self.tokens = 0
        self.sentences = 0
        self.markdown = 0
        self.longest = 0
        self.lines = 0
        self.capitalised = 0  # lines that open with a capital letter
        self.code_share = 0.0
        code_chars = chars = 0
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            self.longest = max(self.longest, len(line))
            if _MD_REFERENCE.match(line):
                self.markdown += 1
                continue
            marked = _MD_BLOCK_MARK.match(line)
            # Bullets and backquotes are plain-text conventions too (a NEWS file, a mail);
            # a heading, bold, a link or an escape is Markdown.
            if (marked and line[0] == "#") or _MD_INLINE_MARKUP.search(line):
                self.markdown += 1
            self.lines += 1
            self.capitalised += line[0].isupper()
            plain = _MD_LINK_TEXT.sub(r"\1", line[marked.end():] if marked else line)
            plain = _ENTITY.sub("", _BARE_URL.sub("URL", _MD_REF_LINK.sub(r"\1", plain))).replace("\\", "")
            plain = _MD_CODE_SPAN.sub("code", plain)
            if _CODE_LINE.search(plain):
                self.code_line = line
                return  # code: nothing else matters
            tokens = plain.split()
            self.tokens += len(tokens)
            self.words += sum(1 for t in tokens if _PROSE_WORD.fullmatch(t))
            self.sentences += len(_SENTENCE_END.findall(plain))
            code_chars += len(_CODE_CHARS.findall(plain))
            chars += len(plain) - plain.count(" ")
        self.code_share = code_chars / chars if chars else 1.0

    @property
    def verse(self) -> bool:
        """Short lines that open with capitals: a poem or lyrics, set in a box on purpose
        to keep its line breaks (hard-wrapped prose goes on in lower case)."""
        return self.lines >= 4 and self.longest < 60 and self.capitalised >= 0.8 * self.lines


# Block-level HTML elements: an indented block inside one is raw HTML to kramdown (Jekyll)
# and Python-Markdown, which show it as text.
_HTML_BLOCK_TAG = re.compile(r"<(/?)(?:div|section|article|aside|details|figure|blockquote|table|center)\b[^<>]*>", re.I)


class _HtmlDepth:
    """How many block-level HTML elements are open at an offset, for offsets asked in
    increasing order (one pass over the text however many blocks ask)."""

    def __init__(self, text: str, start: int):
        self._text = text
        self._pos = start
        self._depth = 0

    def at(self, offset: int) -> int:
        for m in _HTML_BLOCK_TAG.finditer(self._text, self._pos, offset):
            self._depth = max(0, self._depth + (-1 if m.group(1) else 1))
        self._pos = max(self._pos, offset)
        return self._depth


def _introduction(article: Article, first: int) -> str:
    """The last non-blank line above line `first`, stripped ("" at the body's start)."""
    text = article.text
    top = article.line_of(article.body_start) if article.body_start else 0
    for j in range(first - 1, top - 1, -1):
        start, end = article.lines[j]
        line = text[start:end].strip()
        if line:
            return line
    return ""


def _dedent(article: Article, block_start: int, block_end: int) -> Fix:
    """Take four columns of indentation off every line of the block."""
    text = article.text
    edits = []
    for start, end in article.lines[article.line_of(block_start):article.line_of(block_end) + 1]:
        columns = cut = 0
        while cut < end - start and text[start + cut] in " \t" and columns < 4:
            columns += 1 if text[start + cut] == " " else 4 - columns % 4
            cut += 1
        if cut:
            edits.append(Edit(start, start + cut, ""))
    return Fix(tuple(edits))


@check("boilerplate.indented-prose")
def indented_prose(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if not article.markdown or not ("\n    " in text or "\n\t" in text or text.startswith(("    ", "\t"))):
        return
    min_words = int(params.get("min-words", 12))
    min_sentences = int(params.get("min-sentences", 2))
    max_code_share = float(params.get("max-code-share", 0.02))
    min_word_share = float(params.get("min-word-share", 0.8))
    long_line = int(params.get("long-line", 100))
    verbatim = _lexicon(params, "verbatim-lexicon")
    html = _HtmlDepth(text, article.body_start)
    for block in article.blocks:
        if block.kind != "code" or not block.text.startswith(("    ", "\t")):
            continue  # fenced, or not a code block
        first = article.line_of(block.start)
        holder, after_list = _list_holder(article, first)
        if holder is None or indentation(block.text)[0] < holder + 4:
            continue  # a list item's paragraph (or unsure): shown as text
        lines = block.text.splitlines()
        prose = _IndentedProse(lines)
        if (prose.code_line is not None or prose.words < min_words or prose.sentences < min_sentences
                or prose.code_share > max_code_share or prose.words < min_word_share * prose.tokens):
            continue
        # What shows that the indentation is damage, not a layout chosen for the text:
        # Markdown that now shows literally, or a paragraph on one long line, as a converter
        # writes it (the box scrolls sideways). Text pasted into a box on purpose (a mail, a
        # NEWS file) is wrapped to fit it; verse keeps its box.
        if not (prose.markdown or prose.longest >= long_line) or prose.verse:
            continue
        body = block.text.lstrip()
        introduction = _introduction(article, first)
        if body[0] in _QUOTE_OPENERS or introduction.endswith(":"):
            continue  # a quotation, or an example the text introduces
        if body.startswith("#") and (introduction.startswith("#") or _SETEXT_UNDERLINE.match(introduction)):
            continue  # a heading, then a sample document that opens with its own heading
        lowered = block.text.lower()
        if any(marker in lowered for marker in verbatim) or html.at(block.start):
            continue
        count = len(lines)
        shown = lines[0].strip()
        start = block.start + len(lines[0]) - len(lines[0].lstrip())
        yield Hit(start, block.start + len(lines[0].rstrip()),
                  {"lines": count, "unit": "line" if count == 1 else "lines", "found": shown[:60]},
                  fix=None if after_list else _dedent(article, block.start, block.end))
