"""Small text helpers the families share: words and sentences."""

from __future__ import annotations

import functools
import re

from lint import resources

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

# A sentence ends at . ! ? or … (plus closing quotes and brackets), then white space, then
# something that can start a sentence.
_BOUNDARY = re.compile(
    r"""(?P<stop>[.!?…]+)(?P<close>["'”’»)\]]*)(?P<space>\s+)(?=["'“‘«(\[¿¡]?[^\W\d_a-z]|["'“‘«(\[]?\d)"""
)
_INITIALISM = re.compile(r"(?:\b[^\W\d_]\.)+[^\W\d_]?$")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower().rstrip(".") for a in resources.lexicon("abbreviations"))


def _ends_with_abbreviation(before: str) -> bool:
    """True when the word before a period is an abbreviation ("Mr", "U.S", "J")."""
    m = re.search(r"([^\s(\[\"'“‘«]+)$", before)
    if not m:
        return False
    word = m.group(1)
    if _INITIALISM.search(word):  # U.S. / e.g. / J.
        return True
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return True
    return word.lower() in _abbreviations()


def split_sentences(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (offsets + base) of one block of prose, trimmed of white space."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        # the word before the period is all the abbreviation test needs to see
        if m.group("stop") == "." and _ends_with_abbreviation(text[max(start, m.start() - 40):m.start()]):
            continue
        end = m.start("space")
        _append_trimmed(spans, text, start, end, base)
        start = m.end()
    _append_trimmed(spans, text, start, len(text), base)
    return spans


def _append_trimmed(spans: list, text: str, start: int, end: int, base: int) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if not stripped:
        return
    lead = len(segment) - len(segment.lstrip())
    spans.append((base + start + lead, base + start + lead + len(stripped)))


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)
