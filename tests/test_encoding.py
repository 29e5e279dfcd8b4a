"""The hard parts of the encoding family: mojibake detection and repair, the fast path,
the encoding guess, and the fixes that rewrite bytes (transcoding, BOM, line endings)."""

from __future__ import annotations

import codecs
import re
import shutil
from pathlib import Path

import pytest

from lint import cli
from lint.article import Article
from lint.checks import encoding as enc
from lint.config import Resolver
from lint.lazyre import lazy

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _params(code: str) -> dict:
    rules = Resolver(isolated=True).project.ruleset
    return dict(rules.get(code).params)


def _hits(check, text: str, path: str = "post.md", code: str = "EN102") -> list:
    return list(check(Article(text.encode("utf-8"), path), _params(code)))


# -- mojibake -----------------------------------------------------------------------------

CLEAN = [
    "L’été dernier, à Noël, nous étions chez ma sœur. « C’est génial ! » dit-elle ; ÉTÉ comme HIVER.",
    "Die Straße ist schön, und die Bäume blühen. „Wir müssen über Größe sprechen“, sagte sie.",
    "Thủ tướng nói rằng Việt Nam sẽ tiếp tục hợp tác với các đối tác quốc tế.",
    "Президент заявил, что переговоры «прошли в конструктивной атмосфере». Её позиция ещё не изменилась.",
    "Ο πρωθυπουργός δήλωσε ότι η συνάντηση ήταν «ιστορική»· η οικονομία αναπτύσσεται.",
    "The rupee closed at ₹83.12, the yen at ¥149; “a quiet week,” said the index’s 3½% gain.",
    "Reactions: 👍🏽 👩‍💻 👨‍👩‍👧‍👦 ❤️ and 2 × 3 ≠ 7, √16 = 4, ∑ x² ≥ 0, ±0.5, 34 °C.",
    "SÃO PAULO and ÉVORA® were mentioned; © 2025 ÅSA™; À€ is a price tag; Ñandú.",
    "Polska: żółć, gęślą jaźń; Česko: příliš žluťoučký kůň úpěl ďábelské ódy.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_legitimate_text_is_not_mojibake(text):
    assert _hits(enc.mojibake, f"# Note\n\n{text}\n") == []


# Damage made the way pipelines make it: UTF-8 bytes decoded with a single-byte code page.
DAMAGED = [
    ("Putin may seek a way – on Russia’s terms.", "cp1252"),
    ("Le café est prêt, déjà à l’heure.", "cp1252"),
    ("Grüße aus München, schöne Straße.", "latin-1"),
    ("Привет, мир", "cp1251"),
    ("naïve résumé", "mac_roman"),
]


@pytest.mark.parametrize("original,codepage", DAMAGED)
def test_mojibake_is_found_and_repaired(original, codepage):
    damaged = original.encode("utf-8").decode(codepage)
    text = f"Intro line.\n\n{damaged}\n"
    hits = _hits(enc.mojibake, text)
    assert hits, damaged
    repaired = text
    for hit in sorted(hits, key=lambda h: -h.start):
        assert hit.fix is not None
        (edit,) = hit.fix.edits
        repaired = repaired[:edit.start] + edit.replacement + repaired[edit.end:]
    assert repaired == f"Intro line.\n\n{original}\n"


def test_the_same_damage_in_another_place_is_placed_there():
    # a window's repairs are remembered across articles, in window offsets
    line = "The café opened – at last.".encode("utf-8").decode("cp1252")
    first = _hits(enc.mojibake, f"{line}\n")
    again = _hits(enc.mojibake, f"A longer intro comes first.\n\n{line}\n")
    shift = len("A longer intro comes first.\n\n")
    assert first and [(h.start + shift, h.end + shift, h.data) for h in first] == \
        [(h.start, h.end, h.data) for h in again]


def test_two_character_candidates_are_those_the_patterns_scan_finds():
    import random

    enc._mojibake_patterns()
    f2, f3, f4, cont, spaced = enc._classes()
    alphabet = (f2 + f3 + f4)[::7] + cont[::5] + spaced + enc._MAC_LEADS + "€™ aé\n"
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) + "x" * rng.choice((0, 5000))
        rest = enc._profile(Article(text.encode("utf-8"), "post.md"))[0]
        for name in ("pair", "any", "mac", "spaced-text"):
            expected = [m.start() for m in enc._patterns[name].finditer(text)]
            assert enc._matches(name, text, rest) == expected, (name, text)


def test_double_mojibake_names_both_layers():
    once = "‘ready’".encode("utf-8").decode("cp1252")
    twice = once.encode("utf-8").decode("cp1252")
    hits = _hits(enc.mojibake, f"He said {twice} and left.\n")
    assert [h.data["fixed"] for h in hits] == ["‘", "’"]
    hit = hits[0]
    assert "then again as Windows-1252" in hit.data["why"]


def test_mojibake_in_inline_code_is_a_mention_but_in_a_code_block_is_damage():
    damaged = "it’s".encode("utf-8").decode("cp1252")
    text = f"An explainer: `{damaged}` is mojibake.\n\n```\nlog: {damaged} done\n```\n"
    hits = _hits(enc.mojibake, text)
    assert [text[h.start:h.end] for h in hits] == [damaged[2:5]]
    assert hits[0].start > text.index("```")


def test_lost_no_break_space_is_an_unsafe_guess():
    (hit,) = _hits(enc.mojibake, "Et voilÃ  tout, dit-il.\n")
    assert hit.data["fixed"] == "à"
    assert hit.fix.applicability == "unsafe"


def test_ascii_text_never_reaches_ftfy(monkeypatch):
    import ftfy

    def boom(*args, **kwargs):
        raise AssertionError("ftfy called on the fast path")

    monkeypatch.setattr(ftfy, "fix_encoding_and_explain", boom)
    text = "Plain ASCII news copy. " * 500
    assert enc.mojibake_spans(Article(text.encode(), "a.md")) == []
    # Accented prose with no UTF-8-shaped sequence does not reach ftfy either.
    text = "Le café est prêt, à Noël. Grüße, schöne Straße. " * 200
    assert enc.mojibake_spans(Article(text.encode(), "b.md")) == []


def test_typographic_punctuation_needs_no_mojibake_prefilter(monkeypatch):
    # Curly quotes, bullets and dashes are readings of continuation bytes, never of a lead:
    # text with only them is settled before any prefilter pattern is compiled.
    assert enc._leads().isdisjoint("’‘“”•–—…")
    assert not enc._leads().isdisjoint("Ã")

    def compiled(*args):
        raise AssertionError("prefilter patterns compiled")

    monkeypatch.setattr(enc, "_mojibake_patterns", compiled)
    text = "“The summit” • a – b — it’s over…\n" * 50
    assert enc.mojibake_spans(Article(text.encode(), "c.md")) == []


def test_lazy_pattern_compiles_on_first_use_then_behaves_like_re():
    pattern = lazy(r"(a+)(b)?", re.I)
    assert "search" not in vars(pattern)
    assert pattern.search("xAAb").group(1) == "AA"
    assert "search" in vars(pattern)  # later uses find the method on the instance
    assert [m.group() for m in pattern.finditer("ab a")] == ["ab", "a"]
    assert pattern.groups == 2 and pattern.flags & re.I
    assert pattern.sub("-", "cab") == "c-"
    assert pattern.scanner("a").match().group() == "a"  # anything else is forwarded too


# -- not UTF-8 ------------------------------------------------------------------------------

def test_guess_prefers_the_common_code_page_among_ties():
    text = "Café “society” returns – José Núñez serves crème brûlée at €6.50.\n" * 3
    article = Article(text.encode("cp1252"), "a.txt")
    assert enc.guess_encoding(article, tuple(_params("EN101")["likely-encodings"])) == "cp1252"
    russian = "Президент заявил, что переговоры прошли в конструктивной атмосфере.\n" * 3
    article = Article(russian.encode("cp1251"), "r.txt")
    assert enc.guess_encoding(article, tuple(_params("EN101")["likely-encodings"])) == "cp1251"


def _run(args: list[str]) -> int:
    return cli.main(["check", "--isolated", "--quiet", "--select", "EN", *args])


def test_windows_1252_file_is_transcoded_by_the_unsafe_fix(tmp_path):
    original = "Café society: “We’re ready,” said José – at €6.50.\n"
    path = tmp_path / "post.txt"
    path.write_bytes(original.encode("cp1252"))
    assert _run([str(path)]) == 1
    _run(["--fix", str(path)])
    assert path.read_bytes() == original.encode("cp1252")  # unsafe: not applied by --fix alone
    _run(["--fix", "--unsafe-fixes", str(path)])
    assert path.read_bytes() == original.encode("utf-8")


def test_utf16_file_is_reported_and_transcoded(tmp_path):
    original = "---\ntitle: Budget\n---\n\nThe council approved “the plan”.\n"
    path = tmp_path / "post.md"
    path.write_bytes(codecs.BOM_UTF16_LE + original.encode("utf-16-le"))
    assert _run([str(path)]) == 1
    _run(["--fix", "--unsafe-fixes", str(path)])
    assert path.read_bytes() == original.encode("utf-8")


# -- fixes that touch bytes -----------------------------------------------------------------

def test_seed_000_en_dash_is_fixed_and_nothing_else_changes(tmp_path):
    seed = SEEDS / "000_a5c000a814da4fa5.txt"
    path = tmp_path / seed.name
    shutil.copy(seed, path)
    _run(["--fix", str(path)])
    before = seed.read_bytes().split(b"\n")
    after = path.read_bytes().split(b"\n")
    assert len(before) == len(after)
    changed = [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [92]
    assert after[91] == before[91].replace("â€“".encode(), "–".encode())
    assert _run([str(path)]) == 0


def test_bom_and_mixed_line_endings_are_fixed(tmp_path):
    path = tmp_path / "post.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"Title\n\nOne.\nTwo.\r\nThree.\r\nFour.\n")
    _run(["--fix", str(path)])
    assert path.read_bytes() == b"Title\n\nOne.\nTwo.\nThree.\nFour.\n"


# -- invisible characters -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Developers 👩‍💻 and families 👨‍👩‍👧 joined.",
    "A heart ❤️ and a flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿 closed the blog.",
    "ภาษาไทย\u200bไม่มีช่องว่าง\u200bระหว่างคำ",
    "می\u200cخواهم بروم",
    "क्\u200dष is a conjunct.",
])
def test_legitimate_joiners_are_not_invisible_damage(text):
    assert _hits(enc.invisible_character, text + "\n", code="EN107") == []


@pytest.mark.parametrize("text,char", [
    ("The new\u200b policy", "\u200b"),
    ("co\u00adoperation", "\u00ad"),
    ("the mayor\u200d’s office", "\u200d"),
    ("Hidden\U000e0041\U000e0042 text", "\U000e0041"),
])
def test_invisible_characters_in_latin_text_are_reported(text, char):
    (hit,) = _hits(enc.invisible_character, text + "\n", code="EN107")
    assert char in text[hit.start:hit.end]
    assert hit.fix.edits[0].replacement == ""


# -- escapes and entities -------------------------------------------------------------------

def test_literal_escapes_decode_surrogate_pairs_and_utf8_bytes():
    text = "Putin\\u2019s smile \\ud83d\\ude00 and it\\xe2\\x80\\x99s.\n"
    fixed = [h.data["fixed"] for h in _hits(enc.literal_escape, text, code="EN109")]
    assert fixed == ["’", "😀", "’"]


@pytest.mark.parametrize("front_matter, kept", [
    # a double-quoted YAML, TOML basic or JSON string: the parser reads the character
    ('---\ntitle: "Ten projects \\U0001F609 today"\nplain: Don\\u2019t\n'
     "single: 'Don\\u2019t'\ntags: [\"It\\u2019s\", 'it\\u2019s']\n---\n", ["plain", "single", "tags"]),
    ('+++\ntitle = "Don\\u2019t"\nliteral = \'Don\\u2019t\'\n+++\n', ["literal"]),
    ('{\n"title": "Don\\u2019t"\n}\n', []),
])
def test_escapes_a_front_matter_parser_decodes_are_syntax(front_matter, kept):
    text = front_matter + "\nBody: don\\u2019t.\n"
    hits = _hits(enc.literal_escape, text, code="EN109")
    lines = text.splitlines()
    reported = [lines[text.count("\n", 0, h.start)].split(":")[0].split(" =")[0].strip('"') for h in hits]
    assert reported == kept + ["Body"]


def test_entities_in_markdown_only_when_double_escaped():
    text = "Use&nbsp;this and &mdash; that; AT&amp;amp;T and `&amp;amp;` in code.\n"
    hits = _hits(enc.html_entity, text, code="EN108")
    assert [text[h.start:h.end] for h in hits] == ["&amp;amp;"]
    hits = _hits(enc.html_entity, "Trump&#8217;s team at 9&nbsp;a.m.\n", path="a.txt", code="EN108")
    assert [h.data["fixed"] for h in hits] == ["’", "\xa0"]



def _fixed_front_matter(text: str, hits: list, path: str = "post.md") -> dict:
    for hit in sorted(hits, key=lambda h: -h.start):
        (edit,) = hit.fix.edits
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return Article(text.encode("utf-8"), path).front_matter.data


def test_entities_in_reader_facing_front_matter_are_reported_where_they_stand():
    text = ("---\ntitle: 'My Name is Kev Quirk and I&#8217;m an Addict'\ndate: 2013-06-10\n"
            "description: >-\n  Dans vos rapports avec le gouvernement,\n  1)&nbsp;il ne devrait pas\n"
            "tags: [Q&amp;A, \"rock &#38; roll\"]\n---\n\nI&#8217;m in the body, where Markdown decodes it.\n")
    a = Article(text.encode("utf-8"), "post.md")
    hits = list(enc.html_entity(a, _params("EN108")))
    assert [(a.location(h.start, h.end)[:2], h.data["found"], h.data["how"]) for h in hits] == [
        ((2, 35), "&#8217;", "in the front matter's title"),
        ((6, 5), "&nbsp;", "in the front matter's description"),
        ((7, 9), "&amp;", "in the front matter's tags"),
        ((7, 23), "&#38;", "in the front matter's tags")]
    data = _fixed_front_matter(text, hits)
    assert data["title"] == "My Name is Kev Quirk and I’m an Addict"
    assert data["description"] == "Dans vos rapports avec le gouvernement, 1)\xa0il ne devrait pas"
    assert data["tags"] == ["Q&A", "rock & roll"]
    # the same in a plain-text file's front matter, and in TOML
    hits = sorted(_hits(enc.html_entity, text, path="post.txt", code="EN108"), key=lambda h: h.start)
    assert [h.data["how"] for h in hits] == ["in the front matter's title", "in the front matter's description",
                                             "in the front matter's tags", "in the front matter's tags",
                                             "in plain text"]
    toml = "+++\ntitle = \"Why I&#8217;m leaving\"\n+++\n\nBody.\n"
    (hit,) = _hits(enc.html_entity, toml, code="EN108")
    assert _fixed_front_matter(toml, [hit])["title"] == "Why I’m leaving"


def test_front_matter_fixes_keep_the_yaml_meaning_or_are_not_offered():
    # a quote decoded inside quotes of its kind is escaped as the quoting needs
    text = "---\ntitle: 'Don&#39;t say &quot;never&quot;'\nsubtitle: \"He said &quot;no&quot; &#92; &#39;yes&#39;\"\n---\n"
    hits = _hits(enc.html_entity, text, code="EN108")
    assert [h.fix.edits[0].replacement for h in hits] == ["''", '"', '"', '\\"', '\\"', "\\\\", "'", "'"]
    data = _fixed_front_matter(text, hits)
    assert data == {"title": "Don't say \"never\"", "subtitle": "He said \"no\" \\ 'yes'"}
    # a colon and a space that would turn a plain scalar into a mapping: reported, no fix
    (hit,) = _hits(enc.html_entity, "---\ntitle: Chapter 1&#58; the start\n---\n", code="EN108")
    assert hit.data["fixed"] == ":" and hit.fix is None
    # each alone is harmless, together they make ": ": neither is offered
    hits = _hits(enc.html_entity, "---\ntitle: Chapter 1&#58;&#32;the start\n---\n", code="EN108")
    assert [h.data["fixed"] for h in hits] == [":", " "] and [h.fix for h in hits] == [None, None]


def test_front_matter_entities_left_alone():
    text = ("---\ntitle: \"<em>Fast</em> &amp; cheap\"\ncontent_html: \"I&#8217;m HTML\"\n"
            "description: 'See https://example.org/?a=1&amp;b=2 and write \"&amp;\" for an ampersand'\n"
            "summary: R&D; AT&T\nexcerpt: 3\nauthor: Tom &amp; Jerry\n---\n\nBody.\n")
    assert _hits(enc.html_entity, text, code="EN108") == []
    # the key list is policy
    params = dict(_params("EN108"), **{"front-matter-keys": ["author"]})
    hits = list(enc.html_entity(Article(text.encode("utf-8"), "post.md"), params))
    assert [h.data["how"] for h in hits] == ["in the front matter's author"]


def test_a_double_escape_in_front_matter_is_reported_once():
    text = "---\ntitle: \"AT&amp;amp;T and I&amp;#8217;m\"\n---\n"
    hits = _hits(enc.html_entity, text, code="EN108")
    assert [(h.data["found"], h.data["how"]) for h in hits] == [
        ("&amp;amp;", "escaped twice"), ("&amp;#8217;", "escaped twice")]
