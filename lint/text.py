"""Small text helpers the families share: words and sentences."""

from __future__ import annotations

import functools
import re

from lint import resources

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

# A sentence ends at . ! ? or … (plus closing quotes, brackets and Markdown emphasis), then
# white space, then something that can start a sentence (after opening emphasis, too:
# "**Vuoi continuare?** Nessun problema", "membres. **Il n'est pas**").
# (The stop is spelled "[.!?…][.!?…]*": a pattern that opens with a character class lets
# the regex engine skip quickly to the next candidate; "[.!?…]+" does not.)
_BOUNDARY = re.compile(
    r"""(?P<stop>[.!?…][.!?…]*)(?P<close>["'”’»)\]*_]*)(?P<space>\s+)"""
    r"""(?=[*_]*["'“‘«(\[¿¡]?[^\W\d_a-z]|[*_]*["'“‘«(\[]?\d)"""
)
# An emoticon that ends a line ends the sentence on it too ("... mit Bash :)" / "Wenn ...").
# The pattern that knows them is slower: it reads only the text that holds one.
_EMOTICON_BOUNDARY = re.compile(_BOUNDARY.pattern.replace(
    "(?P<stop>[.!?…][.!?…]*)", r"(?P<stop>[.!?…][.!?…]*|[:;]-?\)+(?=[^\S\n]*\n))", 1))
EMOTICON_TAILS = (":)", ";)", "-)")  # each emoticon holds one
_INITIALISM = re.compile(r"(?:\b[^\W\d_]\.)+[^\W\d_]?$")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower().rstrip(".") for a in resources.lexicon("abbreviations"))


# The word before a period, read backwards: a run of characters that are not white space,
# opening brackets or quotes (reading backwards keeps the regex linear).
_WORD_BACKWARDS = re.compile(r"[^\s(\[\"'“‘«]+")


@functools.lru_cache(maxsize=1)
def _longest_abbreviation() -> int:
    return max(map(len, _abbreviations()), default=0)


def _ends_with_abbreviation(text: str, start: int, stop: int) -> bool:
    """True when the word before the period at text[stop], within text[start:stop], is an
    abbreviation ("Mr", "U.S", "J")."""
    letters = _longest_abbreviation() + 1
    if stop - start >= letters and text[stop - letters:stop].isalpha():
        # the common case, decided without finding the word: a word longer than any
        # abbreviation, and no initialism (that needs a period among its last letters)
        return False
    before = text[max(start, stop - 40):stop]  # all the test needs to see
    # The word ends the text, or precedes a final line break (as "$" reads it).
    if before.endswith("\n"):
        before = before[:-1]
    m = _WORD_BACKWARDS.match(before[::-1])
    if not m:
        return False
    word = m.group()[::-1]
    if "." in word and _INITIALISM.search(word):  # U.S. / e.g. / J. (each needs a period)
        return True
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return True
    return word.lower() in _abbreviations()


def split_sentences(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (offsets + base) of one block of prose, trimmed of white space."""
    spans: list[tuple[int, int]] = []
    sentences_between(text, 0, len(text), spans)
    return [(base + s, base + e) for s, e in spans] if base else spans


def sentences_between(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> None:
    """split_sentences(text[lo:hi], lo), appended to spans: the regex runs over text
    between lo and hi (nothing of _BOUNDARY looks outside the match), no slice needed."""
    start = lo
    emoticons = any(text.find(tail, lo, hi) >= 0 for tail in EMOTICON_TAILS)
    for m in (_EMOTICON_BOUNDARY if emoticons else _BOUNDARY).finditer(text, lo, hi):
        stop = m.start()
        if text[stop] == "." and m.end("stop") == stop + 1 and _ends_with_abbreviation(
                text, start, stop) and not _pronoun_i_ends(text, stop, m.end()) \
                and not _list_end_ends(text, stop, m.end()):
            continue
        _append_trimmed(spans, text, start, m.start("space"))
        start = m.end()
    _append_trimmed(spans, text, start, hi)


def trimmed(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans without the white space text has at their ends (those all white space dropped)."""
    found: list[tuple[int, int]] = []
    for start, end in spans:
        _append_trimmed(found, text, start, end)
    return found


def _append_trimmed(spans: list, text: str, start: int, end: int) -> None:
    segment = text[start:end]
    stripped = segment.lstrip()
    if not stripped:
        return
    first = start + len(segment) - len(stripped)
    spans.append((first, first + len(stripped.rstrip())))


def _pronoun_i_ends(text: str, stop: int, after: int) -> bool:
    """The "I." before text[stop] is the pronoun ending a sentence, not an initial: an
    initial is followed by a name, and the word after it is a function word ("him or I.
    We discussed"; the English stop words of the language detector)."""
    if stop < 1 or text[stop - 1] != "I" or (stop > 1 and not text[stop - 2].isspace()):
        return False
    return _function_word_at(text, after)


# Abbreviations that close a list ("and so on"), and so often the sentence
_LIST_ENDS = ("etc", "usw")


def _list_end_ends(text: str, stop: int, after: int) -> bool:
    """The "etc." before text[stop] ends the sentence: the word after it is a function word,
    which cannot go on with a sentence once capitalised ("..., etc. We can also"); a name
    ("etc. Jones") leaves the sentence whole."""
    if text[max(0, stop - 3):stop].lower() not in _LIST_ENDS or (stop > 3 and text[stop - 4].isalnum()):
        return False
    return _function_word_at(text, after)


def _function_word_at(text: str, at: int) -> bool:
    following = WORD_RE.match(text, at)
    return following is not None and following.group().lower() in _function_words()


@functools.lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(resources.languages()["stopwords"]["en"])


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


# ASCII letters and digits -> "a", every other byte -> " " (for most_words)
_ASCII_ALNUM_AS_A = bytes(ord("a") if chr(i).isascii() and chr(i).isalnum() else ord(" ")
                          for i in range(256))


def most_words(text: str) -> int:
    """An upper bound on len(words(text)), counted by C loops over the UTF-8 bytes: the runs
    of ASCII letters and digits, plus the characters that are not ASCII. A word starting
    with an ASCII letter or digit holds the whole run it starts (WORD_RE's runs are
    greedy), and any other word starts with a character that is not ASCII; so each word
    has a run or a character of its own. Every such character adds a byte or more to the
    encoding, so their number is at most len(encoded) - len(text)."""
    encoded = text.encode("utf-8", "surrogatepass")
    mapped = encoded.translate(_ASCII_ALNUM_AS_A)
    return mapped.count(b"a ") + mapped.endswith(b"a") + len(encoded) - len(text)


# An HTML character reference as CommonMark reads one: a name, or a decimal or hexadecimal
# number, then ";" (a name html.unescape does not know stays as written).
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> tuple[str, list[int]] | None:
    """text with its HTML character references ("&#8220;", "&ldquo;", "&nbsp;", "&amp;") as
    the characters they stand for, as Markdown renders them, and where each character of the
    result starts in text (one entry more: len(text), where the end maps); None when text
    holds no reference."""
    if "&" not in text:
        return None
    import html  # rarely needed: not at module import

    pieces: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _CHARACTER_REFERENCE.finditer(text):
        decoded = html.unescape(m.group())
        if decoded == m.group():
            continue
        pieces.append(text[pos:m.start()])
        starts.extend(range(pos, m.start()))
        pieces.append(decoded)
        # a reference that stands for two characters: the second maps to its end
        starts.extend([m.start()] + [m.end()] * (len(decoded) - 1))
        pos = m.end()
    if not pieces:
        return None
    pieces.append(text[pos:])
    starts.extend(range(pos, len(text) + 1))
    return "".join(pieces), starts
