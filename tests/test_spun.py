"""The hard parts of the spun-text family (SP): spintax notation, the generated name
variants, dates in context, the phrase trie and the document signature."""

from __future__ import annotations

import random
import re
import string

import pytest

from lint import checks
from lint.article import Article
from lint.checks import spun
from lint.config import Resolver
from lint.ruleset import RuleSet

RULES: RuleSet = Resolver(isolated=True).project.ruleset


def params(code: str):
    return RULES.get(code).params


def hits(code: str, text: str, path: str = "post.md") -> list[str]:
    rule = RULES.get(code)
    article = Article(text.encode("utf-8"), path)
    return [article.text[h.start:h.end] for h in checks.resolve(rule.check).fn(article, rule.params)]


# -- spintax --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("The {quick|fast} fox.", ["{quick|fast}"]),
    ("We {really|truly} {like|love} it.", ["{really|truly}", "{like|love}"]),
    ("{The {quick|fast} fox|A {slow|lazy} dog} ran.", ["{The {quick|fast} fox|A {slow|lazy} dog}"]),
    ("It was {very good|excellent|great}!", ["{very good|excellent|great}"]),
])
def test_spintax_found(text, expected):
    assert hits("SP101", text) == expected


@pytest.mark.parametrize("text", [
    "Use --endian={big|little} to choose.",           # option syntax
    "umount [-dflnrv] {dir|device}",                  # synopsis after a flag
    "The set {x | x > 0} is open.",                   # math, padded pipes
    "Pick {0|1} or {A|B|C}.",                         # numbers, single letters
    "Run mpstat --dec={ 0 | 1 | 2 } now.",
    "Use {{ page.title | upcase }} in the layout.",   # Liquid filter
    "Call ${a|b} in the shell.",
    "The `{a|b}` group is code.",
])
def test_spintax_notation_is_not_spintax(text):
    assert hits("SP101", text) == []


def test_spintax_fix_keeps_first_options():
    assert spun._first_options("{The {quick|fast} fox|A dog} ran") == "The quick fox ran"


@pytest.mark.parametrize("text, expected", [
    ("He said {that a} deal was near.", ["{that a}"]),
    ("Officials said ({as soon as}) possible.", ["{as soon as}"]),
    ("A template like {name} or {first_name}.", []),  # one word, identifiers
    ("\\textbf{bold words} and {#intro .wide}", []),   # LaTeX argument, attributes
    ("She wrote {Hello World} in caps.", []),          # not lowercase
    ("A {very long phrase of six words} here.", []),   # over max-words
])
def test_braced_phrase(text, expected):
    assert hits("SP102", text) == expected


# -- tortured names -------------------------------------------------------------------------


def _matcher():
    p = params("SP103")
    return spun.build_name_matcher(p["names-lexicon"], p["synonyms-lexicon"])


def test_variants_are_generated_from_the_synonym_table():
    p = params("SP103")
    matcher = _matcher()
    variants = {" ".join(cores) for entries in matcher.index.values()
                for cores, _, _, changed, _ in entries if changed}
    # No corruption is written in the names list: they all come from the table.
    names_text = repr(p["names-lexicon"])
    assert "White Home" not in names_text and "Getty Photographs" not in names_text
    assert {"White Home", "Getty Photographs", "Chatham Home", "Related Press",
            "Basis for Protection of Democracies", "Middle on Navy and Political Energy"} <= variants
    assert matcher.variants > matcher.names  # more variants than names


def test_no_generated_variant_is_itself_a_listed_name():
    p = params("SP103")
    real = {" ".join(w.rstrip("'’s") if w.endswith(("'s", "’s")) else w for w in name.split())
            for entries in p["names-lexicon"]["names"].values() for name in entries}
    matcher = _matcher()
    clashes = {" ".join(cores) for entries in matcher.index.values()
               for cores, _, _, changed, _ in entries if changed} & real
    assert not clashes


def test_every_synonym_key_is_used_by_some_name():
    p = params("SP103")
    words = {w for entries in p["names-lexicon"]["names"].values() for name in entries
             for w in (spun._split_name_word(x)[0] for x in name.split())}
    unused = set(p["synonyms-lexicon"]) - words
    assert not unused, f"synonyms no name uses: {sorted(unused)}"


@pytest.mark.parametrize("text, expected", [
    ("White Home press secretary Karoline Leavitt spoke.", ["White Home"]),
    ("a fellow at the think-tank Chatham Home, said", ["Chatham Home"]),
    ("The Russian Protection Ministry said so.", ["Protection Ministry"]),
    ("The UN Safety Council met on Friday.", ["Safety Council"]),
    ("She spoke to the Wall Avenue Journal about it.", ["Wall Avenue Journal"]),
    ("White Home Press Secretary Karoline Leavitt said.", ["White Home Press Secretary"]),
    ("White Home Chief Counsel Ed Siskel said.", ["White Home"]),  # a title word follows
    ("according to the Washington Put up, which first reported it.", ["Washington Put up"]),
    ("the White Home's response", ["White Home"]),
])
def test_tortured_names_found(text, expected):
    assert hits("SP103", text) == expected


@pytest.mark.parametrize("text", [
    "They painted it: a white home with a red door.",          # lowercase
    "The White Home Collection is sold in stores.",            # longer unknown name
    "The Home Office and the Power Ministry said.",            # real names
    "The National Safety Council published a report.",        # real name, not a corruption
    "Dinner at the Lake House, then the Opera House.",         # not in any name's variants
    "Greenhouse growers met in the Middle East.",
    "The Lakeside White Home is for sale.",                    # preceded by a capitalised word
    "Commerce Minister Piyush Goyal spoke at the General Meeting.",  # real names
    "The Ministry of Training, Colleges and Universities said.",     # Training is no swap
])
def test_real_names_and_ordinary_words_are_not_flagged(text):
    assert hits("SP103", text) == []


def test_title_case_lines_need_evidence_in_running_text():
    heading_only = "## Lunch at the White Home\n\nAgents say white homes sell fast.\n"
    assert hits("SP103", heading_only) == []
    with_prose = heading_only + "\nThe White Home press office did not reply.\n"
    assert hits("SP103", with_prose) == ["White Home", "White Home"]


@pytest.mark.parametrize("line, title_case", [
    ("## Lunch at the White Home", True),
    ("Photo: AFP Through Getty Images", True),
    ("The White Home press office did not reply.", False),
    ("A White", False),  # one content word: not enough to call a line Title Case
    ("of the in", False),
    ("McDonald’s And Burger-King Deals of 2024", True),
    ("White Home " * 30 + "lunch", False),  # a lowercase word at the end counts too
    ("", False),
])
def test_title_case_line(line, title_case):
    prose = "Before.\n" + line + "\nAfter the line."
    assert spun._title_case_line(prose, len("Before.\n")) is title_case


def test_names_wrap_in_markdown_but_not_in_one_paragraph_a_line_text():
    wrapped = "It said the White Home\nCollection sells well.\n"
    assert hits("SP103", wrapped, "post.md") == []
    per_line = ("The White Home press office said.\nCredit: AFP through Getty Photographs\n"
                "Daniel Fried said.\n")
    assert hits("SP103", per_line, "post.txt") == ["White Home", "Getty Photographs"]


def test_other_languages_are_skipped():
    text = "---\nlang: de\n---\n\nDas White Home hat nichts gesagt.\n"
    assert hits("SP103", text) == []


# -- dates ----------------------------------------------------------------------------------


def test_lexicons_hold_only_strings():
    """YAML reads a bare `on` or `no` as a boolean: every entry must stay a string."""
    def leaves(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from leaves(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    for code in ("SP103", "SP104", "SP105", "SP106"):
        for key, value in params(code).items():
            if key.endswith("lexicon"):
                assert all(isinstance(v, str) for v in leaves(value)), (code, key)


@pytest.mark.parametrize("text, expected", [
    ("months later, in Could, the Kremlin said", ["Could"]),
    ("The talks began on Could 16, 2025, in Istanbul.", ["Could"]),
    ("Prices rose every month since Could 2024.", ["Could"]),
    ("The vote moved to mid-Could after a delay.", ["Could"]),
    ("They met last Might.", ["Might"]),
    ("The summit opened on Could 5 in Geneva.", ["Could"]),
])
def test_tortured_dates_found(text, expected):
    assert hits("SP104", text) == expected


@pytest.mark.parametrize("text", [
    "Could 2025 be the year of the heat pump?",
    "Could you give us an update? Could they?",
    "The band played Could You Be Loved on the encore.",
    "Fans still play Heroes of Might and Magic.",
    "They met in May 2024 and again on May 5.",
    "What they could, in Could-be-land, never did.",
])
def test_could_as_a_verb_is_never_a_date(text):
    assert hits("SP104", text) == []


# -- tortured phrases -----------------------------------------------------------------------


def test_phrase_lexicon_entries_are_unique_and_have_an_original():
    entries = params("SP105")["phrases-lexicon"]
    keys = [" ".join(e.partition("=>")[0].lower().split()) for e in entries]
    assert len(keys) == len(set(keys))
    assert all(e.partition("=>")[2].strip() for e in entries)


def test_phrases_match_across_lines_and_case():
    assert hits("SP105", "They fought\narduous. Entrance Strains held.") == ["fought\narduous",
                                                                            "Entrance Strains"]
    assert hits("SP105", "the entrance strains-based model; unfought arduous") == []


def test_trie_regex_matches_like_an_alternation():
    rng = random.Random(7)
    phrases = sorted({" ".join("".join(rng.choice("abc") for _ in range(rng.randint(1, 3)))
                               for _ in range(rng.randint(1, 3))) for _ in range(60)})
    trie = re.compile(rf"\b(?:{spun.trie_regex(phrases)})\b")
    plain = re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+")
                                           for p in sorted(phrases, key=len, reverse=True)) + r")\b")
    for _ in range(300):
        text = " ".join("".join(rng.choice("abc") for _ in range(rng.randint(1, 3)))
                        for _ in range(rng.randint(1, 8)))
        assert [m.group() for m in trie.finditer(text)] == [m.group() for m in plain.finditer(text)], text


def _one_regex_phrase_spans(entries, lowered):
    """What SP105 matched before the per-word index: one trie expression over all phrases."""
    keys = sorted({" ".join(e.partition("=>")[0].lower().split()) for e in entries} - {""})
    pattern = re.compile(rf"\b(?:{spun.trie_regex(keys)})(?![\w-]|['’]\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(lowered)]


def _phrase_texts():
    """The fixtures and seeds, and random text made of the lexicon's own words and phrases
    (prefixes of one another, across lines, glued by hyphens and apostrophes)."""
    from pathlib import Path

    root = Path(__file__).parent / "fixtures"
    texts = [p.read_text("utf-8", "replace") for p in sorted(root.rglob("*"))
             if p.is_file() and p.suffix in (".md", ".txt", ".markdown")]
    entries = params("SP105")["phrases-lexicon"]
    words = sorted({w for e in entries for w in e.partition("=>")[0].lower().split()})
    phrases = [e.partition("=>")[0].strip() for e in entries]
    rng = random.Random(11)
    glue = [" ", " ", " ", "\n", "  ", "-", "'", "’", ", ", ". ", "'s "]
    for _ in range(300):
        parts = [rng.choice(phrases) if rng.random() < 0.4 else rng.choice(words)
                 for _ in range(rng.randint(1, 12))]
        parts = [p.upper() if rng.random() < 0.1 else p for p in parts]
        texts.append("".join(p + rng.choice(glue) for p in parts))
    return entries, texts


def test_phrase_index_finds_what_one_regex_found():
    entries, texts = _phrase_texts()
    matcher = spun._build_phrase_pattern(tuple(entries))
    assert matcher.other is None  # the per-word path is what is tested here
    found = 0
    for text in texts:
        lowered = text.lower()
        expected = _one_regex_phrase_spans(entries, lowered)
        assert list(matcher.finditer(lowered)) == expected
        found += len(expected)
    assert found > 100


def test_phrase_index_with_a_phrase_that_starts_with_punctuation():
    entries = ("'tis the season => it is the season", "the season => the time", "tis => it is")
    matcher = spun._build_phrase_pattern(entries)
    text = "'tis the season; the season's end; tis"
    assert list(matcher.finditer(text)) == _one_regex_phrase_spans(entries, text)


def test_phrase_fix_keeps_capital():
    article = Article("On the similar time, it rained.\n".encode(), "a.md")
    rule = RULES.get("SP105")
    (hit,) = checks.resolve(rule.check).fn(article, rule.params)
    assert hit.fix.edits[0].replacement == "At the same time"


# -- signature ------------------------------------------------------------------------------


def _signature(text: str, path: str = "story.txt") -> list[str]:
    rule = RULES.get("SP106")
    article = Article(text.encode("utf-8"), path)
    return [h.data["evidence"] for h in checks.resolve(rule.check).fn(article, rule.params)]


MENTIONED = "".join(f"The minister mentioned point {w}. " for w in string.ascii_lowercase[:6])


def test_telltale_alone_is_not_enough():
    assert _signature(MENTIONED) == []


def test_telltale_with_one_finding_fires():
    (evidence,) = _signature(MENTIONED + "Troops fought arduous all night.")
    assert evidence == "6 'mentioned' against 0 'said', 1 tortured phrase"


def test_said_throughout_cancels_the_telltale():
    text = MENTIONED + "He said so. " * 4 + "Troops fought arduous all night."
    assert _signature(text) == []


def test_three_findings_fire_without_telltale():
    text = "Troops fought arduous behind entrance strains. The White Home said so. "
    assert _signature(text) == ["1 spun name, 2 tortured phrases"]


def test_clean_seed_stories_have_no_evidence():
    from pathlib import Path

    seeds = Path(__file__).parent / "fixtures" / "seeds"
    for name in ("000_a5c000a814da4fa5.txt", "001_49e57d6d77a6fc17.txt", "003_324e5eb3f1aff9b6.txt"):
        article = Article((seeds / name).read_bytes(), name)
        p = params("SP106")
        assert spun.name_hits(article, p["names-lexicon"], p["synonyms-lexicon"]) == []
        assert spun.phrase_hits(article, p["phrases-lexicon"]) == []
        assert spun.date_hits(article, p["dates-lexicon"]) == []
        assert spun.spintax_spans(article.prose_text) == []


def test_mentioned_about_the_text_is_no_telltale():
    text = ("As mentioned above, the setup is simple. It was mentioned earlier. We mentioned it. "
            "I mentioned the cache. The flag is mentioned in the introduction. As mentioned before, "
            "restart. Troops fought arduous all night.")
    assert _signature(text) == []


@pytest.mark.parametrize("text", [
    "* Type: {string|Object}",                      # API type unions
    "* Returns: {Buffer|string} The stdout of the command.",
    "* Returns: {fs.Dirent|null}",
    "* Type: {ArrayBuffer|TypedArray|DataView}",
])
def test_type_unions_are_not_spintax(text):
    assert hits("SP101", text, "api.txt") == []


def test_braced_phrase_needs_words_around_it():
    assert hits("SP102", "* `options` {zlib options}\n", "api.txt") == []
    assert hits("SP102", "options {zlib options}\n", "api.txt") == []


def test_type_union_with_a_code_type_is_not_spintax():
    assert hits("SP101", "* Returns: {URL|null}", "api.txt") == []
    assert hits("SP101", "It was {any|every} day.") == ["{any|every}"]


def test_the_name_scan_runs_only_where_a_swapped_word_is_written_in_its_case():
    # The pre-filter reads every word of a corruption in any case from the word set, and
    # the words it swapped in as they are written: "home" and "White" do not make "White
    # Home" possible, "Home" does, wherever it stands.
    names, synonyms = params("SP103")["names-lexicon"], params("SP103")["synonyms-lexicon"]
    matcher = spun._name_matcher(names, synonyms)

    def possible(text):
        return spun._may_hold_corruption(matcher, Article(text.encode(), "post.md"))

    assert not possible("The White House said the lawmakers went home.")
    assert possible("The White House said. Home, the lawmakers went.")
    assert not possible("Nothing of the sort here.")
    assert hits("SP103", "Lawmakers went home. The White Home said so.") == ["White Home"]


def test_telltale_words_are_counted_as_a_leading_look_behind_would_count_them():
    # The expression puts its look-behind after each word (so that it starts with literal
    # text); it must count what (?<![\w-])(?:words)(?![\w-]) counts, an empty word included.
    rng = random.Random(7)
    for words in (("said",), ("said", "sa"), ("mentioned", ""), ("a-b", "b")):
        plain = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])")
        for _ in range(300):
            text = "".join(rng.choice(["said", "sa", "a-b", "b", " ", "-", "x", "\n", "é"])
                           for _ in range(rng.randrange(12)))
            expected = len(plain.findall(text)) if any(w in text for w in words) else 0
            assert spun._count_word(text, words) == expected, (words, text)
