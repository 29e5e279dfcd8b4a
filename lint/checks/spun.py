"""Spun text: what article spinners leave behind.

- spintax: `{a|b|c}` templates the spinner never expanded, and braces left around a short
  phrase ("{that a}");
- tortured names: known names with a word swapped for a synonym ("White Home"), built
  from a list of names and a table of the swaps spinners make, never from a hand list of
  corruptions;
- tortured dates: "in Could 2024" for "in May 2024";
- tortured phrases: a lexicon of spun set phrases ("entrance strains" for "front lines");
- the spinner signature: one document-level finding that counts the evidence, with the
  reporting-verb telltale ("mentioned" for "said" throughout a story).

Everything scans Article.prose_text, where code, templates, URLs and markup are blanked."""

from __future__ import annotations

import functools
import heapq
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, NamedTuple

from lint import derived
from lint.article import Article
from lint.checks import check
from lint.finding import Edit, Fix, Hit

# -- helpers ------------------------------------------------------------------------------


def _english(article: Article) -> bool:
    """The name, date and phrase lexicons are English: skip articles that declare another
    language in their front matter."""
    language = article.language
    return language is None or language.lower().replace("_", "-").split("-")[0] in ("en", "eng", "english")


def _memo(article: Article, key: tuple, compute):
    """Per-article memo, so that SP106 reuses what SP101-SP105 found in the same run
    instead of scanning the article again. Keyed by the lexicons' content too."""
    return article.memo(("spun",) + key, compute)


def _fingerprint_of(obj: Any) -> str:
    return repr(obj)


def _lower(article: Article) -> str:
    """Article.prose_text.lower()."""
    return _memo(article, ("lower",), lambda: article.prose_text.lower())


def _lowered(article: Article) -> str:
    """Article.prose_text in lower case, at the same offsets."""
    lowered = _lower(article)
    if len(lowered) == len(article.prose_text):
        return lowered
    # A character whose lowercase is longer ("İ"): keep it.
    return _memo(article, ("lowered",), lambda: "".join(
        c if len(c.lower()) != 1 else c.lower() for c in article.prose_text))


# -- the pre-filter: which words the text holds --------------------------------------------
#
# A tortured phrase or a spun name can only be in a text that holds each of its words. The
# words a lexicon entry needs are registered here; per article, one pass of C (encode,
# translate, split, intersect) tells which of them the text holds. Only maximal runs of
# ASCII letters and digits are compared, lowercased: every other byte separates runs, and
# the non-ASCII runs of an entry are not required (as if present). The runs of an entry
# are whole runs of the text wherever the entry matches (it starts and ends at a word
# boundary), so a missing run proves that the entry is not there.

_ALNUM_RUN = re.compile(r"[^\W_]+")
# ASCII letters and digits, lowercased; every other byte (UTF-8 sequences included) a space.
_ASCII_RUNS = bytes((c | 0x20 if chr(c).isalpha() else c) if c < 128 and chr(c).isalnum() else 32
                    for c in range(256))
# The only characters outside ASCII whose lowercase holds an ASCII letter: the Kelvin sign
# and the dotted capital I. A text with one is read from its lowercase instead.
_LOWERS_TO_ASCII = ("\u212a", "\u0130")

_needed_words: set[bytes] = set()
_needed: list = [frozenset(), 0]  # the registered words as a frozenset, and a version


def _require(text: str) -> tuple[bytes, ...]:
    """The runs of letters that text (a phrase, a name) needs in a text that holds it,
    longest (rarest) first, registered for _present_words."""
    runs = tuple(sorted({r.lower().encode("ascii") for r in _ALNUM_RUN.findall(text) if r.isascii()},
                        key=len, reverse=True))
    if not _needed_words.issuperset(runs):
        _needed_words.update(runs)
        _needed[:] = [frozenset(_needed_words), _needed[1] + 1]
    return runs


def _present_words(article: Article) -> frozenset[bytes]:
    """The registered words that occur in the article's prose (as whole runs, any case)."""
    needed, version = _needed
    return _memo(article, ("present-words", version), lambda: _words_in(article, needed))


def _words_in(article: Article, needed: frozenset[bytes]) -> frozenset[bytes]:
    prose = article.prose_text
    source = prose
    if not prose.isascii() and any(c in prose for c in _LOWERS_TO_ASCII):
        source = _lowered(article)
    return needed.intersection(source.encode("utf-8", "surrogatepass").translate(_ASCII_RUNS).split())


_WORD_CHAR = re.compile(r"\w")


def _search_at_word_start(pattern: re.Pattern, text: str, pos: int) -> re.Match | None:
    """pattern.search(text, pos) for a match that does not start inside a word: what a
    leading (?<!\\w) or \\b would require. A pattern without that lookbehind starts with
    its literal text, and the regex engine finds literal text much faster than it tries a
    lookbehind at every position."""
    while True:
        m = pattern.search(text, pos)
        if m is None or not m.start() or not _WORD_CHAR.match(text, m.start() - 1):
            return m
        pos = m.start() + 1


def _finditer_at_word_start(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """pattern.finditer(text) as if the pattern started with (?<!\\w); for patterns that
    never match the empty string."""
    m = _search_at_word_start(pattern, text, 0)
    while m is not None:
        yield m
        m = _search_at_word_start(pattern, text, m.end())


class _ByIdentity:
    """Cache compiled matchers by the identity of the (possibly unhashable) lexicon object
    the rule set loaded once; the object is kept alive so that its id stays unique."""

    def __init__(self, build):
        self._build = build
        self._cache: dict[tuple[int, ...], tuple[tuple[Any, ...], Any]] = {}

    def __call__(self, *objects: Any) -> Any:
        key = tuple(id(o) for o in objects)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) > 64:
                self._cache.clear()
            hit = (objects, self._build(*objects))
            self._cache[key] = hit
        return hit[1]


# -- SP101 / SP102: spintax ---------------------------------------------------------------

_INNER_GROUP = re.compile(r"\{([^{}\n]*)\}")
# What an option of spun text may hold: words, spaces and sentence punctuation. No code or
# math characters ($ = < > \ ^ _ * / # @ ...), which keeps `{x | x > 0}` and shell out.
_OPTION = re.compile(r"[^\W_]+(?:[\s'’\-,.!?:;\"“”()&%]+[^\W_]*)*[.!?\"”]*")
# camelCase or dotted names are code: {ArrayBuffer|TypedArray}, {vm.Module|Promise}.
_IDENTIFIER = re.compile(r"[a-z][A-Z]|\w\.\w")
# Type names no prose option would use, and type names that are also English words (a
# union of those only is still code: {string|number}).
_CODE_TYPES = frozenset(
    "null undefined boolean bool bigint int uint float double nil NaN Object Array Function "
    "Promise Buffer RegExp Iterable Symbol Boolean".split())
_TYPE_NAMES = _CODE_TYPES | frozenset(
    "string number object any void symbol integer char byte true false Error Date Map Set "
    "String Number Stream".split())
_PROSE_BEFORE = "(“\"'‘«—–{|"
_PROSE_AFTER = ".,;:!?)”\"'’»—–}|"
_PREVIOUS_TOKEN = re.compile(r"(\S+)[ \t]+$")
_PREVIOUS_WORD = re.compile(r"(\S+)[ \t]+[(“\"'‘«]?$")
_FOLLOWING_WORD = re.compile(r"[.,;:!?)”\"'’—–]*[ \t]+[(“\"'‘«]?[^\W\d_]")
_PROSE_TOKEN = re.compile(r"[(“\"'‘«{|]?[^\W\d_][\w'’|{}-]*[.,;:!?)”\"'’»]*")


def _is_spintax_body(body: str) -> bool:
    """Two or more options of natural words. Command-line and grammar notation is not
    spintax: `{ on | off }` (padded), `{0|1}` (numbers), `{A|c|x}` (single letters)."""
    options = body.split("|")
    if len(options) < 2 or body[:1].isspace() or body[-1:].isspace():
        return False
    if " | " in body:
        return False
    filled = [o for o in options if o.strip()]
    if len(filled) < 2:
        return False
    if (any(_IDENTIFIER.search(o) or o.strip() in _CODE_TYPES for o in filled)
            or all(o.strip() in _TYPE_NAMES for o in filled)):
        return False  # a type union from API docs: {string|Buffer}, {fs.Dirent|null}
    for option in filled:
        if len(option) > 120 or len(option.strip()) < 2 or not _OPTION.fullmatch(option.strip()):
            return False
    return True


def _in_prose(work: str, start: int, end: int) -> bool:
    """The group stands between words of a sentence, not in `--opt={a|b}` or `cmd [-x] {a|b}`."""
    before = work[start - 1] if start else "\n"
    after = work[end] if end < len(work) else "\n"
    if not (before.isspace() or before in _PROSE_BEFORE):
        return False
    if not (after.isspace() or after in _PROSE_AFTER or after == "x"):
        return False
    if after in _PROSE_AFTER:
        following = work[end + 1] if end + 1 < len(work) else "\n"
        if not (following.isspace() or following in _PROSE_AFTER):
            return False
    line_start = work.rfind("\n", 0, start) + 1
    previous = _PREVIOUS_TOKEN.search(work, line_start, start if before.isspace() else start - 1)
    return previous is None or bool(_PROSE_TOKEN.fullmatch(previous.group(1)))


def spintax_spans(prose: str) -> list[tuple[int, int]]:
    """Outermost `{a|b}` groups, nested groups included, in prose text."""
    if "|" not in prose:  # every group holds a bar
        return []
    work = prose
    spans: list[tuple[int, int]] = []
    while True:
        found = []
        for m in _INNER_GROUP.finditer(work):
            if "|" in m.group(1) and _is_spintax_body(m.group(1)) and _in_prose(work, m.start(), m.end()):
                found.append((m.start(), m.end()))
        if not found:
            break
        for start, end in found:
            # An expanded inner group stands for a word of the enclosing group.
            work = work[:start] + "x" * (end - start) + work[end:]
            spans.append((start, end))
    spans.sort()
    outer: list[tuple[int, int]] = []
    for start, end in spans:
        if outer and start < outer[-1][1]:
            if end > outer[-1][1]:
                outer[-1] = (outer[-1][0], end)
            continue
        outer.append((start, end))
    return outer


def _spintax_spans(article: Article) -> list[tuple[int, int]]:
    return _memo(article, ("spintax",), lambda: spintax_spans(article.prose_text))


def _first_options(text: str) -> str:
    """The spintax with every group replaced by its first option: the unspun reading."""
    while True:
        m = re.search(r"\{([^{}]*)\}", text)
        if not m:
            return text
        text = text[:m.start()] + m.group(1).split("|", 1)[0] + text[m.end():]


@check("spun.spintax")
def spintax(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    for start, end in _spintax_spans(article):
        found = text[start:end]
        options = found.count("|") + 1 - 2 * found[1:-1].count("{")
        yield Hit(start, end, {"found": found, "options": max(2, options)},
                  fix=Fix((Edit(start, end, _first_options(found)),)))


_BRACED = re.compile(r"\{([^\W\d_A-Z][^{}|\n]*?)\}")
_LOWER_WORDS = re.compile(r"[a-z]+(?:['’][a-z]+)?(?: [a-z]+(?:['’][a-z]+)?)*")


def braced_phrase_spans(prose: str, min_words: int, max_words: int) -> list[tuple[int, int]]:
    spans = []
    for m in _BRACED.finditer(prose):
        body = m.group(1)
        if not _LOWER_WORDS.fullmatch(body):
            continue
        if not min_words <= body.count(" ") + 1 <= max_words:
            continue
        before = prose[m.start() - 1] if m.start() else " "
        after = prose[m.end()] if m.end() < len(prose) else " "
        # Prose on both sides: a space or punctuation, not `\cmd{x y}`, `${a b}`, `{{`, `}{`.
        if not (before.isspace() or before in "(“\"'‘—–"):
            continue
        if not (after.isspace() or after in ".,;:!?)”\"'’—–"):
            continue
        # A fragment sits inside a sentence: prose words before and after it on its line.
        line_start = prose.rfind("\n", 0, m.start()) + 1
        line_end = prose.find("\n", m.end())
        previous = _PREVIOUS_WORD.search(prose, line_start, m.start())
        following = _FOLLOWING_WORD.match(prose, m.end(), len(prose) if line_end < 0 else line_end)
        if previous is None or not _PROSE_TOKEN.fullmatch(previous.group(1)) or following is None:
            continue
        spans.append((m.start(), m.end()))
    return spans


def _braced_phrase_spans(article: Article, min_words: int, max_words: int) -> list[tuple[int, int]]:
    return _memo(article, ("braced", min_words, max_words),
                 lambda: braced_phrase_spans(article.prose_text, min_words, max_words))


@check("spun.braced-phrase")
def braced_phrase(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    for start, end in _braced_phrase_spans(article, int(params.get("min-words", 2)),
                                           int(params.get("max-words", 4))):
        found = text[start:end]
        yield Hit(start, end, {"found": found, "inner": found[1:-1]},
                  fix=Fix((Edit(start, end, found[1:-1]),)))


# -- words with offsets -------------------------------------------------------------------

_WORD = re.compile(r"\S+")
_LEAD = "\"'“‘«([{*_"
_TRAIL = ".,;:!?\"”’'»)]}*_…"
_POSSESSIVE = re.compile(r"['’]s$")
_NEXT_WORD = re.compile(r"(?:['’]s)?[.,;:!?\"”’'»)\]}*_…]*[ \t]*\n?[ \t]*[\"'“‘«(\[{*_]*(\S+)")
_SENTENCE_END = re.compile(r"[.!?:;…\"”»]$")


class Word(NamedTuple):
    core: str  # the word without surrounding punctuation or a possessive 's
    start: int  # offsets of the core in the text
    end: int
    lead: str  # punctuation glued before
    trail: str  # punctuation (or 's) glued after, apostrophes normalised to '
    gap_newlines: int  # newlines between this word and the previous one


def words_of(prose: str, start: int = 0, end: int | None = None, limit: int = -1) -> list[Word]:
    """The words of prose[start:end], with offsets into prose; the first `limit` only
    when limit >= 0."""
    end = len(prose) if end is None else end
    result: list[Word] = []
    previous_end = start
    for m in _WORD.finditer(prose, start, end):
        if len(result) == limit:
            break
        raw = m.group()
        lead_len = len(raw) - len(raw.lstrip(_LEAD))
        core = raw[lead_len:].rstrip(_TRAIL)
        trail = raw[lead_len + len(core):]
        if len(core) > 2 and core[-2:] in _POSSESSIVE_ENDS:
            trail = core[-2:] + trail
            core = core[:-2]
        if not core:
            previous_end = m.end()
            continue
        start = m.start() + lead_len
        result.append(Word(core, start, start + len(core), raw[:lead_len],
                           trail.replace("’", "'") if "’" in trail else trail,
                           prose.count("\n", previous_end, m.start())))
        previous_end = m.end()
    return result


_POSSESSIVE_ENDS = ("'s", "’s")  # what _POSSESSIVE finds in a word without white space


def _capitalised(core: str) -> bool:
    return core[:1].isupper() and not core.isupper()


def _clause_start(words: list[Word], i: int, max_gap: int = 0) -> bool:
    """Word i opens a sentence, a clause after a colon, or a paragraph."""
    if i == 0 or words[i].gap_newlines > max_gap:
        return True
    previous = words[i - 1]
    return bool(words[i].lead) or bool(_SENTENCE_END.search(previous.trail))


# -- SP103: tortured names ----------------------------------------------------------------


@dataclass
class _NameMatcher:
    # first core token -> [(variant core tokens, variant trails, real name, corrupted, title)]
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str, bool, bool]]] = field(default_factory=dict)
    title_words: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    names: int = 0
    variants: int = 0
    opener: re.Pattern | None = None  # finds the words that open a name or a variant
    opener_source: str = ""
    reach: int = 0  # characters from the opening word to the end of the longest variant
    # first core -> the cores that can follow it: a cheap test before tokenising a window
    second: dict[str, frozenset[str]] = field(default_factory=dict)


def _split_name_word(word: str) -> tuple[str, str]:
    core = word.rstrip(_TRAIL)
    trail = word[len(core):]
    pm = _POSSESSIVE.search(core)
    if pm and len(core) > 2:
        trail = core[pm.start():] + trail
        core = core[:pm.start()]
    return core, trail.replace("’", "'")


def _iter_names(names: Any) -> Iterator[tuple[str, bool]]:
    """(name, is_title) from the names lexicon: a mapping of category -> list, or a list."""
    if isinstance(names, Mapping):
        for category, entries in names.items():
            for entry in entries or ():
                yield str(entry), str(category) == "titles"
    else:
        for entry in names or ():
            yield str(entry), False


def build_name_matcher(lexicon: Any, synonyms: Any) -> _NameMatcher:
    if isinstance(lexicon, Mapping):
        names = lexicon.get("names", {})
        title_words = frozenset(str(w) for w in lexicon.get("title-words") or ())
        modifiers = frozenset(str(w) for w in lexicon.get("modifiers") or ())
    else:
        names, title_words, modifiers = lexicon, frozenset(), frozenset()
    swaps: dict[str, list[tuple[str, ...]]] = {}
    for word, substitutes in (synonyms or {}).items():
        swaps[str(word)] = [tuple(str(s).split()) for s in (substitutes or ()) if str(s).strip()]
    real: dict[str, bool] = {}
    for name, is_title in _iter_names(names):
        key = " ".join(name.split())
        real[key] = real.get(key, False) or is_title
    matcher = _NameMatcher(title_words=title_words, modifiers=modifiers, names=len(real))
    real_cores = {tuple(_split_name_word(w)[0] for w in name.split()) for name in real}
    seen: set[tuple[str, ...]] = set()
    for name, is_title in real.items():
        parts = [_split_name_word(w) for w in name.split()]
        # Every combination of the words' alternatives: the name itself and each corruption.
        variants: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = [((), (), False)]
        for core, trail in parts:
            alternatives = [((core,), False)] + [(sub, True) for sub in swaps.get(core, ())]
            grown = []
            for cores, trails, changed in variants:
                for alt, swapped in alternatives:
                    # The last word of a multi-word substitute carries the trail ('s).
                    alt_trails = ("",) * (len(alt) - 1) + (trail,)
                    grown.append((cores + alt, trails + alt_trails, changed or swapped))
            variants = grown
            if len(variants) > 4096:  # a pathological entry: keep the name itself only
                variants = [(tuple(c for c, _ in parts), tuple(t for _, t in parts), False)]
                break
        for cores, trails, changed in variants:
            if changed and cores in real_cores:
                continue  # a corruption that is itself a real name ("Power Ministry")
            key = cores + trails
            if key in seen:
                continue
            seen.add(key)
            matcher.index.setdefault(cores[0], []).append((cores, trails, name, changed, is_title))
            matcher.reach = max(matcher.reach, sum(map(len, cores + trails)) + len(cores))
            matcher.variants += changed
    for first, entries in matcher.index.items():
        entries.sort(key=lambda e: -len(e[0]))
        matcher.second[first] = frozenset(e[0][1] for e in entries if len(e[0]) > 1)
    if matcher.index:
        # Starts with the trie so that the engine rejects most positions on their first
        # character; what stands before the word is checked in name_hits.
        matcher.opener_source = ("(" + trie_regex(list(matcher.index))
                                 + r")(?=[\s\"'“”‘’«».,;:!?)\]}*_…]|\Z)")
        matcher.opener = re.compile(matcher.opener_source)
    return matcher


def _matcher_data(lexicon: Any, synonyms: Any) -> dict[str, Any]:
    """The matcher as plain data, for the derived cache: generating the variants of a few
    hundred names takes a first run ~20 ms."""
    matcher = build_name_matcher(lexicon, synonyms)
    data = dict(vars(matcher))
    del data["opener"]
    return data


def _matcher_from_data(data: dict[str, Any]) -> _NameMatcher:
    matcher = _NameMatcher(**data)
    if matcher.opener_source:
        matcher.opener = re.compile(matcher.opener_source)
    return matcher


_fingerprint = _ByIdentity(_fingerprint_of)  # equal lexicons loaded twice share one key


_MATCHERS: dict[tuple[str, str], _NameMatcher] = {}


def _name_matcher(lexicon: Any, synonyms: Any) -> _NameMatcher:
    key = (_fingerprint(lexicon), _fingerprint(synonyms))
    if key not in _MATCHERS:
        # Keyed by this module's code too: a change to how variants are made rebuilds them.
        source = derived.key_of(Path(__file__).read_bytes(), *key)
        _MATCHERS[key] = _matcher_from_data(
            derived.load("sp-names", source, lambda: _matcher_data(lexicon, synonyms)))
    return _MATCHERS[key]


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    found: str
    name: str
    weak: bool  # in a Title Case line, where capitals prove nothing


_FUNCTION_WORDS = frozenset(
    "a an and as at but by for from in into nor of off on onto or per the to up via vs with "
    "through over under upon".split())


def _title_case_line(prose: str, start: int) -> bool:
    """The line holding `start` is a Title Case line (a heading, a credit): at least two
    words that are not short function words, and every one of them capitalised."""
    line_start = prose.rfind("\n", 0, start) + 1
    line_end = prose.find("\n", start)
    content = 0
    for m in _LETTER_WORD.finditer(prose, line_start, line_end if line_end >= 0 else len(prose)):
        word = m.group()
        if word.lower() in _FUNCTION_WORDS:
            continue
        if not word[:1].isupper():
            return False  # running text: no need to read the rest of the line
        content += 1
    return content >= 2


_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def name_hits(article: Article, lexicon: Any, synonyms: Any) -> list[NameHit]:
    return _memo(article, ("names", _fingerprint(lexicon), _fingerprint(synonyms)),
                 lambda: _name_hits(article, lexicon, synonyms))


_Corruption = tuple[tuple[bytes, ...], tuple[str, ...]]  # the runs besides the anchor, the words swapped in


def _corruptions(matcher: _NameMatcher) -> tuple[frozenset[bytes], dict[bytes, list[_Corruption]]]:
    """The runs of letters that each corrupted variant needs in the text (see _require),
    by its longest run, with the words the variant puts in place of the name's."""
    index = matcher.__dict__.get("_corruptions")
    if index is None:
        by_anchor: dict[bytes, list[_Corruption]] = {}
        for entries in matcher.index.values():
            for cores, _trails, name, changed, _title in entries:
                if changed:
                    runs = _require(" ".join(cores))
                    real = {_split_name_word(w)[0] for w in name.split()}
                    swapped = tuple(dict.fromkeys(c for c in cores if c not in real))
                    by_anchor.setdefault(runs[0] if runs else b"", []).append((runs[1:], swapped))
        index = matcher.__dict__["_corruptions"] = (frozenset(by_anchor), by_anchor)
    return index


def _may_hold_corruption(matcher: _NameMatcher, article: Article) -> bool:
    """Every word of some corrupted variant occurs in the text: only a corrupted variant is
    reported, and the runs of letters of the words the matcher compares are whole runs
    of the text. The set lookups come first; then the words the variant swapped in must
    be in the prose as the variant writes them, in their case (a string search each):
    "White" and "home" are in most news stories, "Home" in few."""
    anchors, by_anchor = _corruptions(matcher)  # registers the words first
    runs = _present_words(article)
    if b"" in anchors:
        return True
    prose = article.prose_text
    written: dict[str, bool] = {}  # a word swapped in by several variants is searched once
    for anchor in anchors.intersection(runs):
        for rest, swapped in by_anchor[anchor]:
            if runs.issuperset(rest) and all(
                    written[w] if w in written else written.setdefault(w, w in prose) for w in swapped):
                return True
    return False


def _name_hits(article: Article, lexicon: Any, synonyms: Any) -> list[NameHit]:
    if not lexicon or not synonyms or not _english(article):
        return []
    matcher: _NameMatcher = _name_matcher(lexicon, synonyms)
    prose = article.prose_text
    hits: list[NameHit] = []
    resume = 0
    # Only capitalised words can open a name: tokenise a small window around each one whose
    # word opens a known name, instead of the whole article.
    if matcher.opener is None or not _may_hold_corruption(matcher, article):
        return []
    # Markdown, and text with blank lines between paragraphs, wraps a paragraph over several
    # lines: one line break joins two words. Text with one paragraph a line does not.
    max_gap = 1 if article.markdown or "\n\n" in prose[article.body_start:].replace("\r", "") else 0
    for m in matcher.opener.finditer(prose):
        if m.start() < resume:
            continue
        if m.start() and not (prose[m.start() - 1].isspace() or prose[m.start() - 1] in _LEAD):
            continue  # inside a word ("AWhite")
        following = _NEXT_WORD.match(prose, m.end(1))
        if following is None:
            continue
        core = following.group(1).rstrip(_TRAIL)
        if len(core) > 2 and core[-2:] in _POSSESSIVE_ENDS:  # \S+ holds no newline for $ to precede
            core = core[:-2]
        if core not in matcher.second.get(m.group(1), ()):
            continue  # no name continues this way: skip the costly window
        window_start = max(0, m.start() - 60)
        while window_start and not prose[window_start - 1].isspace():
            window_start += 1  # do not start inside a word
        # Enough words around: two before (context), the longest variant and one after, with
        # room for runs of white space.
        window_end = min(len(prose), m.start() + 2 * matcher.reach + 40)
        # To match, the words from the opening one on are enough (as many as the longest
        # candidate has): the same words as the window's from there, but for the gap before
        # the first one, which matching does not look at. The window is made for a
        # corrupted variant only, to check the context.
        opening = m.start()
        token_start = _token_start(prose, window_start, opening)
        # as many words as the longest name this word opens, so that most matches tokenise
        # once (a shorter list is the start of a longer one)
        words = words_of(prose, token_start, window_end, limit=max(2, len(matcher.index[m.group(1)][0][0])))
        i = next((k for k, w in enumerate(words) if w.start >= opening), None)
        if i is None:
            continue
        candidates = matcher.index.get(words[i].core)
        if candidates and i + len(candidates[0][0]) > len(words):  # the longest one first
            words = words_of(prose, token_start, window_end, limit=i + len(candidates[0][0]))
        matched = _match_name(words, i, matcher, max_gap)
        if matched is None:
            continue
        length, name, changed, is_title = matched
        resume = words[i + length - 1].end
        if not changed:
            continue
        # The context is the words before the match in the window and the one after it:
        # the window is tokenised as far as the end of that one.
        if i + length == len(words):
            words = words_of(prose, token_start, window_end, limit=i + length + 1)
        after = words[i + length] if i + length < len(words) else None
        words = words_of(prose, window_start, window_end if after is None else after.end + len(after.trail))
        i = next(k for k, w in enumerate(words) if w.start >= opening)
        first, last = words[i], words[i + length - 1]
        if _name_context_ok(words, i, length, is_title, matcher, max_gap):
            hits.append(NameHit(first.start, last.end, article.text[first.start:last.end], name,
                                _title_case_line(prose, first.start)))
    if not any(not h.weak for h in hits):
        return []  # only Title Case evidence: capitals there prove nothing on their own
    return hits


def _token_start(prose: str, window_start: int, offset: int) -> int:
    """Where the white-space separated token holding `offset` starts, not before
    window_start (which starts a token)."""
    if window_start >= offset:
        return window_start
    while offset > window_start and not prose[offset - 1].isspace():
        offset -= 1
    return offset


def _match_name(words: list[Word], i: int, matcher: _NameMatcher, max_gap: int):
    """The longest name or corrupted variant that starts at words[i]."""
    n = len(words)
    for cores, trails, name, changed, is_title in matcher.index.get(words[i].core, ()):
        length = len(cores)
        if i + length > n:
            continue
        for k in range(length):
            word = words[i + k]
            if word.core != cores[k]:
                break
            if k and (word.lead or word.gap_newlines > max_gap):
                break
            if k < length - 1 and word.trail != trails[k]:
                break
        else:
            return length, name, changed, is_title  # candidates are sorted longest first
    return None


def _name_context_ok(words: list[Word], i: int, length: int, is_title: bool,
                     matcher: _NameMatcher, max_gap: int) -> bool:
    """The match is a whole name, not the tail or head of a longer name we do not know."""
    first, last = words[i], words[i + length - 1]
    if i > 0 and not first.lead and first.gap_newlines <= max_gap:
        previous = words[i - 1]
        if (not previous.trail and _capitalised(previous.core) and not _clause_start(words, i - 1, max_gap)
                and previous.core not in matcher.modifiers):
            return False
    if i + length < len(words) and not last.trail:
        following = words[i + length]
        if (not following.lead and following.gap_newlines <= max_gap and _capitalised(following.core)
                and not is_title and following.core not in matcher.title_words):
            return False
    return True


@check("spun.tortured-name")
def tortured_name(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    for hit in name_hits(article, params.get("names-lexicon"), params.get("synonyms-lexicon")):
        yield Hit(hit.start, hit.end, {"found": hit.found, "name": hit.name},
                  fix=Fix((Edit(hit.start, hit.end, hit.name),)))


# -- SP104: tortured dates ----------------------------------------------------------------


def _build_date_pattern(lexicon: Any) -> tuple[re.Pattern, re.Pattern, dict[str, str]] | None:
    substitutes = (lexicon or {}).get("substitutes") or {}
    original: dict[str, str] = {}
    for month, subs in substitutes.items():
        for sub in subs or ():
            original[" ".join(str(sub).split())] = str(month)
    if not original:
        return None
    before = sorted({str(w) for w in (lexicon.get("before") or ())}, key=len, reverse=True)
    subs_re = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in sorted(original, key=len, reverse=True))
    before_re = "|".join(re.escape(w) for w in before) or r"(?!)"
    introducer = re.compile(rf"(?:(?<![\w-])(?P<pre>{before_re})[ \t]+|(?<![\w-])(?P<mid>[Mm]id-))\Z")
    # No (?<!\w) in front: see _search_at_word_start.
    pattern = re.compile(
        rf"(?P<sub>{subs_re})(?![\w-])"
        r"(?P<post>[ \t]+(?:(?P<day>(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?)(?![\d:.,]\d)|(?P<year>(?:1[89]|20)\d\d)(?!\d))"
        r"|(?P<stop>\s*(?:[,.;)]|$)))?"
    )
    return pattern, introducer, original


_date_pattern = _ByIdentity(_build_date_pattern)


def date_hits(article: Article, lexicon: Any) -> list[tuple[int, int, str, str]]:
    return _memo(article, ("dates", _fingerprint(lexicon)), lambda: _date_hits(article, lexicon))


def _date_hits(article: Article, lexicon: Any) -> list[tuple[int, int, str, str]]:
    if not lexicon or not _english(article):
        return []
    built = _date_pattern(lexicon)
    if built is None:
        return []
    pattern, introducer, original = built
    prose = article.prose_text
    if "" in original:  # an empty substitute: the lookbehind must be tried everywhere
        matches = re.compile(r"(?<!\w)" + pattern.pattern).finditer(prose)
    else:
        matches = _finditer_at_word_start(pattern, prose)
    hits = []
    for m in matches:
        sub_start, sub_end = m.span("sub")
        context_start = max(0, sub_start - 24)
        intro = introducer.search(prose, context_start, sub_start)
        introduced = intro is not None
        if sub_start and prose[sub_start - 1] == "-" and not (introduced and intro.group("mid")):
            continue  # "Self-Could" is no date
        dated = m.group("day") is not None or m.group("year") is not None
        if introduced:
            if not (dated or m.group("stop") is not None or intro.group("mid")):  # "mid-Could"
                continue
            if intro.group("pre") and intro.group("pre")[0].isupper() and not _opens_clause(prose, intro.start("pre")):
                continue  # "On" capitalised mid-sentence: part of a name
        elif not dated or _opens_clause(prose, sub_start):
            continue  # "Could 2024 be the year ...?" is a question, not a date
        found = " ".join(prose[sub_start:sub_end].split())
        hits.append((sub_start, sub_end, article.text[sub_start:sub_end], original[found]))
    return hits


def _opens_clause(prose: str, offset: int) -> bool:
    before = prose[:offset].rstrip(" \t")
    return not before or before[-1] in "\n.!?:;\"“”«»(—–-"


@check("spun.tortured-date")
def tortured_date(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    for start, end, found, month in date_hits(article, params.get("dates-lexicon")):
        yield Hit(start, end, {"found": found, "month": month},
                  fix=Fix((Edit(start, end, month),)))


# -- SP105: tortured phrases --------------------------------------------------------------


def trie_regex(phrases: list[str]) -> str:
    """One regular expression for many literal phrases, factored as a trie so that the
    engine rejects a position in one step instead of trying every phrase in turn. A space
    in a phrase matches any run of white space."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        end = "" in node
        branches = []
        for char in sorted(k for k in node if k):
            atom = r"\s+" if char == " " else re.escape(char)
            branches.append(atom + render(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        if end:
            body = body + "?" if body.startswith("(?:") else "(?:" + body + ")?"
        return body

    return render(trie)


_WORD_RUN = re.compile(r"\w+")
_PHRASE_END = r"(?![\w-]|['’]\w)"


class _PhraseMatcher:
    """The phrases of the lexicon, grouped by their first word. This finds what one regular
    expression over all phrases (a trie, \\b(?:...)(?![\\w-]|['’]\\w), scanned left to
    right) finds: there, the phrases that match at a position lie on one path of the trie
    and the longest wins; here, a group's phrases are tried longest first. Lowercase
    phrases, matched against lowercased prose.

    Why groups: a regular expression that starts with a word boundary or an alternation
    is tried at every position of the text (~30 ms per MB), one that starts with literal
    text is found with a fast string search (~1 ms per MB). A group's expression starts
    with its first word; the word boundary before it is checked in Python, on the few
    places the word occurs. And a group is searched only when the text holds every word
    of one of its phrases (a set lookup): most articles hold no group at all."""

    def __init__(self, original: dict[str, str]):
        self.original = original
        self.by_word: dict[str, list[str]] = {}
        for phrase in sorted(original, key=len, reverse=True):
            first = _WORD_RUN.match(phrase)
            self.by_word.setdefault(first.group() if first else "", []).append(phrase)
        self._compiled: dict[str, re.Pattern] = {}
        # Phrases that do not start with a word character are rare: one expression for all.
        self.other = self.by_word.pop("", None)
        self._other_pattern: re.Pattern | None = None
        # The pre-filter: each phrase's rarest run of letters, and all its runs.
        self.by_anchor: dict[bytes, list[tuple[tuple[bytes, ...], str]]] = {}
        for word, phrases in self.by_word.items():
            for phrase in phrases:
                runs = _require(phrase)
                self.by_anchor.setdefault(runs[0] if runs else b"", []).append((runs[1:], word))
        self.anchors = frozenset(self.by_anchor)
        self.always = {word for _, word in self.by_anchor.get(b"", ())}

    def _pattern(self, word: str) -> re.Pattern:
        """The phrases that start with `word`, longest first, each with its end check."""
        pattern = self._compiled.get(word)
        if pattern is None:
            pattern = re.compile("(?:" + "|".join(
                r"\s+".join(map(re.escape, phrase.split(" "))) + _PHRASE_END
                for phrase in self.by_word[word]) + ")")
            self._compiled[word] = pattern
        return pattern

    def possible_words(self, runs: frozenset[bytes]) -> set[str]:
        """The first words of the groups with a phrase whose every word occurs in the text
        (`runs`: see _require)."""
        words = set(self.always)
        for anchor in self.anchors.intersection(runs):
            for rest, word in self.by_anchor[anchor]:
                if word not in words and runs.issuperset(rest):
                    words.add(word)
        return words

    def finditer(self, lowered: str, words: set[str] | None = None) -> Iterator[tuple[int, int]]:
        """(start, end) of the phrases in `lowered`, left to right, not overlapping. `words`:
        the first words of the groups to search (possible_words of the registered words
        the text holds), when the caller has them."""
        if self.other:
            if self._other_pattern is None:
                self._other_pattern = re.compile(
                    rf"\b(?:{trie_regex(list(self.original))}){_PHRASE_END}")
            for m in self._other_pattern.finditer(lowered):
                yield m.start(), m.end()
            return
        if words is None:
            words = self.possible_words(
                frozenset(lowered.encode("utf-8", "surrogatepass").translate(_ASCII_RUNS).split()))
        if not words:
            return
        # The next match of each group, merged in text order. Two groups never match at one
        # position (the word there is the first word of one group only).
        heads = []
        for word in words:
            m = _search_at_word_start(self._pattern(word), lowered, 0)
            if m is not None:
                heads.append((m.start(), word, m))
        heapq.heapify(heads)
        resume = 0
        while heads:
            start, word, m = heads[0]
            if start >= resume:
                resume = m.end()
                yield start, resume
            # Overlapped by the match just yielded, or yielded: the group's next match.
            m = _search_at_word_start(self._pattern(word), lowered, resume)
            if m is None:
                heapq.heappop(heads)
            else:
                heapq.heapreplace(heads, (m.start(), word, m))


def _build_phrase_pattern(entries: tuple[str, ...]) -> _PhraseMatcher | None:
    original: dict[str, str] = {}
    for entry in entries:
        tortured, _, meant = entry.partition("=>")
        key = " ".join(tortured.lower().split())  # lowercase: matched against lowercased prose
        if key:
            original[key] = meant.strip()
    if not original:
        return None
    return _PhraseMatcher(original)


@functools.lru_cache(maxsize=16)
def _phrase_pattern(entries: tuple[str, ...]):
    return _build_phrase_pattern(entries)


def phrase_hits(article: Article, lexicon: Any) -> list[tuple[int, int, str, str]]:
    return _memo(article, ("phrases", _fingerprint(lexicon)), lambda: _phrase_hits(article, lexicon))


def _phrase_hits(article: Article, lexicon: Any) -> list[tuple[int, int, str, str]]:
    if not lexicon or not _english(article):
        return []
    matcher = _phrase_pattern(tuple(lexicon))
    if matcher is None:
        return []
    words = None
    if not matcher.other:
        words = matcher.possible_words(_present_words(article))
        if not words:
            return []  # most articles: no phrase has all its words in the text
    original = matcher.original
    text = article.text
    lowered = _lowered(article)
    hits = []
    for start, end in matcher.finditer(lowered, words):
        if start and lowered[start - 1] in "'’-":
            continue
        found = text[start:end]
        hits.append((start, end, found, original.get(" ".join(found.lower().split()), "")))
    return hits


def _match_case(found: str, replacement: str) -> str:
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@check("spun.tortured-phrase")
def tortured_phrase(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    for start, end, found, meant in phrase_hits(article, params.get("phrases-lexicon")):
        fix = Fix((Edit(start, end, _match_case(found, meant)),)) if meant else None
        yield Hit(start, end, {"found": found, "original": meant or "?"}, fix=fix)


# -- SP106: the spinner signature ---------------------------------------------------------


# "as mentioned above", "was mentioned", "mentioned earlier": a writer referring to the
# text, not a spinner's "said". Only attributions count towards the telltale.
_NOT_ATTRIBUTION_BEFORE = re.compile(
    r"(?:\b(?:as|was|were|is|are|be|been|being|already|previously|not|never|i|we|you)\s+)\Z")
_NOT_ATTRIBUTION_AFTER = re.compile(r"\s+(?:above|below|previously|here|in\s+the\s+(?:post|article|"
                                    r"introduction|previous|last|first|next))\b")


def _count_word(prose: str, words: tuple[str, ...], attributions_only: bool = False) -> int:
    """Occurrences of any of `words` in lowercased prose; with attributions_only, leave out
    the uses that refer to the text itself ("as mentioned above", "I mentioned")."""
    if not words or not any(w.lower() in prose for w in words):
        return 0
    pattern = _word_pattern(words)
    if not attributions_only:
        return len(pattern.findall(prose))
    return sum(1 for m in pattern.finditer(prose)
               if not (_NOT_ATTRIBUTION_BEFORE.search(prose, max(0, m.start() - 16), m.start())
                       or _NOT_ATTRIBUTION_AFTER.match(prose, m.end())))


@functools.lru_cache(maxsize=32)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words` (lowercased) as a whole word: not after or before a word character or
    a hyphen. The look-behind comes after each word, so that the expression starts with
    literal text, which the regex engine finds fast (a look-behind in front is tried at
    every position of the text)."""
    return re.compile("(?:" + "|".join(rf"{w}(?<![\w-]{w})" for w in (re.escape(w.lower()) for w in words))
                      + r")(?![\w-])")


@check("spun.signature")
def signature(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    prose = article.prose_text
    spintax_count = len(_spintax_spans(article)) + len(_braced_phrase_spans(
        article, int(params.get("min-words", 2)), int(params.get("max-words", 4))))
    names = len(name_hits(article, params.get("names-lexicon"), params.get("synonyms-lexicon")))
    dates = len(date_hits(article, params.get("dates-lexicon")))
    phrases = len(phrase_hits(article, params.get("phrases-lexicon")))
    evidence = spintax_count + names + dates + phrases
    telltale_words = tuple(params.get("telltale-verbs") or ("mentioned",))
    plain_words = tuple(params.get("plain-verbs") or ("said",))
    min_evidence = int(params.get("min-evidence", 3))
    if evidence < min(1, min_evidence):
        return  # the telltale needs evidence beside it (and is not worth counting)
    min_telltale = int(params.get("min-telltale", 5))
    max_ratio = float(params.get("max-plain-ratio", 0.25))
    telltale = plain = 0
    if _english(article):
        lowered = _lower(article)
        telltale = _count_word(lowered, telltale_words, attributions_only=True)
        if telltale >= min_telltale:  # else the plain verbs decide nothing
            plain = _count_word(lowered, plain_words)
    telltale_found = telltale >= min_telltale and plain <= telltale * max_ratio
    if not (evidence >= min_evidence or (telltale_found and evidence >= 1)):
        return
    parts = []
    if telltale_found:
        parts.append(f"{telltale} '{telltale_words[0]}' against {plain} '{plain_words[0]}'")
    for count, one, many in ((names, "spun name", "spun names"), (dates, "spun date", "spun dates"),
                             (phrases, "tortured phrase", "tortured phrases"),
                             (spintax_count, "spintax leftover", "spintax leftovers")):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    words = max(1, len(prose.split()))
    body = prose[article.body_start:]
    anchor = article.body_start + len(body) - len(body.lstrip())
    yield Hit(anchor, anchor, {
        "evidence": ", ".join(parts), "count": evidence, "words": words,
        "per_1000_words": round(1000 * evidence / words, 1),
    })
