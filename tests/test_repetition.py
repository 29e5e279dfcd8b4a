"""Repetition family (RP): the hard parts — runs of repeated blocks and their fix, doubled
words, the Gopher measures, MinHash signatures, and the duplicate-article index."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lint.article import Article
from lint.checks import CorpusContext, resolve
from lint.checks import _duplicates as dup
from lint.checks.repetition import repeated_runs, repetition_measures
from lint.cli import main
from lint.config import CliOverrides, Resolver
from lint.engine import lint_bytes
from lint.fix import fix_until_stable

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
RP101 = {"min-words": 8, "min-chars": 40}

PARAGRAPHS = [
    "The ferry between the old town and the northern quay runs again after eleven weeks.",
    "Engineers replaced both propeller shafts and part of the hull plating this winter.",
    "A shortage of steel plate delayed the job in January, the port authority said.",
    "Commuters who used the replacement bus said the detour added twenty minutes a trip.",
    "Tickets bought for the bus remain valid on the boat until the end of March this year.",
]


def article(text: str, name: str = "post.md") -> Article:
    return Article(text.encode("utf-8"), name)


def findings(text: str, select: str, name: str = "post.md"):
    resolver = Resolver(isolated=True, cli=CliOverrides(select=(select,)))
    settings = resolver.project
    active = resolver.active_rules(None, settings)
    result, _ = lint_bytes(text.encode("utf-8"), name, active, settings.ruleset, max_size=1 << 24)
    return result.findings


def fixed(text: str, select: str, name: str = "post.md", unsafe: bool = False) -> str:
    resolver = Resolver(isolated=True, cli=CliOverrides(select=(select,)))
    settings = resolver.project
    active = resolver.active_rules(None, settings)

    def lint_once(data: bytes):
        result, art = lint_bytes(data, name, active, settings.ruleset, max_size=1 << 24)
        return result.findings, art

    return fix_until_stable(text.encode("utf-8"), name, lint_once, unsafe).data.decode("utf-8")


# -- RP101 -----------------------------------------------------------------------------------


def test_run_spans_every_repeated_block_and_names_the_first_copy():
    a, b, c, d, e = PARAGRAPHS
    text = "\n\n".join([a, b, c, d, b, c, e]) + "\n"
    runs = repeated_runs(article(text), RP101)
    assert runs == [(4, 1, 2)]
    (finding,) = findings(text, "RP101")
    assert (finding.location.line, finding.location.end_line) == (9, 11)
    assert finding.message.startswith("lines 9–11 repeat lines 3–5")
    assert [(r.location.line, r.location.end_line, r.message) for r in finding.related] == [(3, 5, "first occurrence")]


def test_run_takes_in_the_short_heading_that_opens_it():
    a, b, c, d, e = PARAGRAPHS
    text = f"{a}\n\n## Repairs\n\n{b}\n\n{c}\n\n{d}\n\n## Repairs\n\n{b}\n\n{c}\n\n{e}\n"
    (finding,) = findings(text, "RP101")
    assert finding.location.line == 11  # the second "## Repairs", not the paragraph after it
    assert "(3 blocks pasted twice)" in finding.message


def test_copies_in_sections_with_different_headings_are_a_template_filled_twice():
    a, b, c, d, e = PARAGRAPHS
    template = f"{b}\n\n{c}"
    text = f"# Reference\n\n## open(path)\n\n{template}\n\n{a}\n\n## close(path)\n\n{template}\n\n{d}\n"
    assert findings(text, "RP101") == []
    # the same headings above both copies: the same section, pasted twice
    same = f"# Reference\n\n## open(path)\n\n{template}\n\n{a}\n\n{template}\n\n{d}\n"
    assert len(findings(same, "RP101")) == 1
    # a copy that holds a heading is told apart by the headings above that level only
    story = f"{b}\n\n### Details\n\n{c}"
    apart = f"# Guide\n\n## Callbacks\n\n{story}\n\n## Promises\n\n{story}\n"
    assert findings(apart, "RP101") == []
    pasted = f"# Guide\n\n{a}\n\n{story}\n\n{d}\n\n{story}\n\n{e}\n"
    assert len(findings(pasted, "RP101")) == 1
    # the heading of the next section, repeated after both copies, is not the copy's own
    releases = "".join(f"## Release {n}\n\n### Known issues\n\n{template}\n\n## Commits\n\n- {n}\n\n"
                       for n in ("2.1", "2.0"))
    assert findings(releases, "RP101") == []


def test_a_repeated_one_line_lead_in_is_not_a_pasted_block():
    lead = "Other new features and updated software packages included in this release:"
    text = "\n\n".join([PARAGRAPHS[0], lead, "- apt 1.0", PARAGRAPHS[1], lead, "- dpkg 1.17"]) + "\n"
    assert findings(text, "RP101") == []


def test_short_blocks_alone_are_not_repeated_blocks():
    text = "\n\n".join([PARAGRAPHS[0], "Share", "https://example.org/a", PARAGRAPHS[1],
                        "Share", "https://example.org/a", "## Read more", "## Read more"]) + "\n"
    assert findings(text, "RP101") == []


def test_hard_wrapped_lines_are_not_paragraphs():
    # one line per block (no blank lines), but the lines are a wrapped paragraph
    line = "the installer keeps a copy of every file it changes in the backup folder and"
    text = f"Before you begin, note that\n{line}\nrestores it later.\nWhen it runs again,\n{line}\nchecks it first.\n"
    assert findings(text, "RP101") == []


def test_three_copies_give_two_findings_each_naming_the_first():
    a = PARAGRAPHS[0]
    text = "\n\n".join([a, PARAGRAPHS[1], a, PARAGRAPHS[2], a]) + "\n"
    found = findings(text, "RP101")
    assert [(f.location.line, f.related[0].location.line) for f in found] == [(5, 1), (9, 1)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_deletes_the_later_copy_cleanly(newline):
    a, b, c, d, e = PARAGRAPHS
    text = newline.join([a, "", b, "", c, "", b, "", c, "", d, ""])
    assert fixed(text, "RP101") == newline.join([a, "", b, "", c, "", d, ""])
    # at the end of the file, with and without a final newline
    assert fixed(f"{a}\n\n{b}\n\n{a}\n", "RP101") == f"{a}\n\n{b}\n"
    assert fixed(f"{a}\n\n{b}\n\n{a}", "RP101") == f"{a}\n\n{b}"


def test_fix_of_seed_003_keeps_one_copy_and_is_stable():
    text = (SEEDS / "003_324e5eb3f1aff9b6.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    result = fixed(text, "RP101", "003.txt")
    assert result.split("\n") == lines[:24] + lines[47:]
    assert findings(result, "RP101", "003.txt") == []


def test_template_paragraphs_are_not_near_duplicates():
    template = ("More information about the new features introduced with this release can be found "
                "in the chapter What is new in Debian {v} of the {name} release notes, which the "
                "team published on the same day as the release itself.")
    text = template.format(v="7.0", name="Wheezy") + "\n\n" + template.format(v="8.0", name="Jessie") + "\n"
    assert findings(text, "RP102") == []
    edited = template.format(v="7.0", name="Wheezy").replace("published", "wrote").replace("same day", "day")
    text = template.format(v="7.0", name="Wheezy") + "\n\n" + edited + "\n"
    assert [f.location.line for f in findings(text, "RP102")] == [3]


def test_copies_indented_under_different_list_items_are_a_template_filled_twice():
    a, b, c, d, e = PARAGRAPHS
    note = f"    {b}\n\n    {c}"
    options = f"{a}\n\n* `--global`:\n\n{note}\n\n* `--save`:\n\n    {d}\n\n{note}\n\n{e}\n"
    assert findings(options, "RP101") == []
    # under one item, or not indented under any: pasted twice
    one_item = f"{a}\n\n* `--global`:\n\n{note}\n\n    {d}\n\n{note}\n\n{e}\n"
    assert len(findings(one_item, "RP101")) == 1
    flat = f"{a}\n\n* `--global`\n\n{b}\n\n{c}\n\n* `--save`\n\n{b}\n\n{c}\n\n{e}\n"
    assert len(findings(flat, "RP101")) == 1


def test_near_duplicates_in_sections_under_different_headings_are_a_template():
    a, b = PARAGRAPHS[0] + " " + PARAGRAPHS[1], PARAGRAPHS[2] + " " + PARAGRAPHS[3]
    edited = a.replace("runs again", "is running again")
    apart = f"# Ferries\n\n## North quay\n\n{a}\n\n## South quay\n\n{edited}\n"
    assert findings(apart, "RP102") == []
    together = f"# Ferries\n\n## North quay\n\n{a}\n\n{b}\n\n{edited}\n"
    assert [f.location.line for f in findings(together, "RP102")] == [9]


# -- RP103 -----------------------------------------------------------------------------------


def test_repeated_line_needs_the_copy_right_before_it():
    text = "Intro text here.\n\nhttps://example.org/a\n\nhttps://example.org/b\n\nhttps://example.org/a\n"
    assert findings(text, "RP103") == []
    text = "Intro text here.\n\nhttps://example.org/a\n\nhttps://example.org/a\n\nhttps://example.org/a\n"
    found = findings(text, "RP103")
    assert [f.location.line for f in found] == [5]  # three in a row: one finding per pair


def test_repeated_line_ignores_code_blocks():
    text = "Run this:\n\n```\nmake\nmake\n```\n"
    assert findings(text, "RP103") == []


def test_repeated_line_ignores_html_tags_however_indented():
    card = ('See this article:\n\n<div class="card">\n  <div class="right">\n    <div class="site">\n'
            '      <span>Enable Sysadmin</span>\n    </div>\n  </div>\n</div>\n\nThat is all.\n')
    assert findings(card, "RP103") == []
    text = "Sources:\n\n  Share this\n  Share this\n"  # indented prose is still a line of text
    assert [f.location.line for f in findings(text, "RP103")] == [4]


# -- RP104 -----------------------------------------------------------------------------------


def test_doubled_phrase_is_found_and_fixed():
    text = "In 2008 the alliance said Ukraine would join NATO sooner or later sooner or later.\n"
    (finding,) = findings(text, "RP104")
    assert finding.message == "repeated phrase: 'sooner or later sooner or later'"
    once = "In 2008 the alliance said Ukraine would join NATO sooner or later.\n"
    assert fixed(text, "RP104") == text  # a phrase's deletion is an unsafe fix
    assert fixed(text, "RP104", unsafe=True) == once
    (two_words,) = findings("The ferry waited in the in the harbour for an hour.\n", "RP104")
    assert two_words.message == "repeated phrase: 'in the in the'"


def test_only_a_doubled_word_is_fixed_without_asking():
    text = "The ferry waited in the in the harbour for the the night.\n"
    phrase, word = sorted(findings(text, "RP104"), key=lambda f: f.snippet)
    assert (phrase.snippet, str(phrase.fix.applicability)) == ("in the in the", "unsafe")
    assert (word.snippet, str(word.fix.applicability)) == ("the the", "safe")
    assert fixed(text, "RP104") == "The ferry waited in the in the harbour for the night.\n"


def test_a_phrase_running_into_a_title_or_name_is_not_a_repeat():
    # "for" + the title "Measure for Measure"; the same phrase in lower case is a slip
    text = "The shortlist includes Simon McBurney for Measure for Measure, and Rufus Norris.\n"
    assert findings(text, "RP104") == []
    (slip,) = findings(text.replace("Measure", "measure"), "RP104")
    assert slip.snippet == "for measure for measure"
    # the pronoun "I" is no sign of a name
    assert [f.snippet for f in findings("So then I said then I said no.\n", "RP104")] == ["then I said then I said"]


def test_a_third_copy_with_another_particle_is_rhetoric():
    # 요약에 요약에 요약을: "summary upon summary upon summary", the last with the object particle
    assert findings("끝이 없을것 같아, 요약에 요약에 요약을 더해 간추려 보았다.\n", "RP104") == []
    assert findings("책에 책에 책을 더했다.\n", "RP104") == []
    # a shared first syllable is no shared stem; a Latin letter is no particle
    assert [f.snippet for f in findings("사과가 사과가 사랑을 했다.\n", "RP104")] == ["사과가 사과가"]
    assert [f.snippet for f in findings("Bring the and and any others.\n", "RP104")] == ["and and"]


@pytest.mark.parametrize("text", [
    "She had had enough of it.",
    "He said that that was wrong.",
    "What it is is a problem.",
    "They played Duran Duran all night.",
    "No no no, she said.",
    "It went on and on and on.",
    "It was very, very quiet.",
    "The score was 10 10 at half time.",
    "Er sagte, dass Sie sie sehen werden.",
    "Run `make` make sure it passes.",
    "| swap      swap |",
    "Initialise it with dirvish --vault vault --init first.",
    "Open the file file.txt in an editor.",
    "Edit the async\\_context context loss text.",
    "Refactor the deprecated v8::Function::Call call in the binding.",
    "Without writing dull code again and again and without a penalty.",
    "They went over and over and finally agreed.",
    "We want a more diverse and more and more companies to join.",
    "There is another task and another and another, every day.",
    "We are super super duper excited about it.",
    "Ha iniziato a poco a poco.",
    "I am now thinking of 13 (oh oh!) parts.",
    "Fue un taller muy instructivo. Y muy muy recomendable.",
    "Mais surtout surtout, on peut pivoter le manche.",
])
def test_legitimate_doubles_stay_silent(text):
    assert findings(text + "\n", "RP104") == []


def test_a_doubled_article_is_a_slip_in_any_language():
    found = findings("Mais la la maison est fermée. Y el el taller también.\n", "RP104")
    assert [f.snippet for f in found] == ["la la", "el el"]


def test_capital_at_sentence_start_is_still_a_slip():
    found = findings("The the museum opened. Then the the gallery did.\n", "RP104")
    assert [f.snippet for f in found] == ["The the", "the the"]


def test_languages_with_reduplication_can_be_skipped():
    text = "---\nlang: vi\n---\n\nTôi luôn luôn đi bộ đến trường.\n"
    rule = Resolver(isolated=True).project.ruleset.get("RP104")
    kind = resolve(rule.check)
    assert list(kind.fn(article(text), rule.params)) == []  # vi is in the default list
    params = dict(rule.params, **{"skip-languages": []})
    assert len(list(kind.fn(article(text), params))) == 1


def test_reduplication_is_grammar_in_vietnamese_that_declares_no_language():
    text = ("---\ntitle: Lập trình viên\n---\n\nMình chỉ biết sơ sơ về mảng này thông qua một vài "
            "người bạn. Các lập trình viên thường chăm chăm nhảy lên project manager.\n")
    assert findings(text, "RP104") == []
    assert [f.snippet for f in findings("I only know the the basics of this area.\n", "RP104")] == ["the the"]


# -- RP105 -----------------------------------------------------------------------------------


def test_gopher_measures_on_a_document_with_one_repeated_paragraph():
    a, b, c, d, _ = PARAGRAPHS
    measures = repetition_measures(article("\n\n".join([a, b, c, d, a]) + "\n"))
    assert measures["dup-paragraph-fraction"] == pytest.approx(1 / 5)
    assert measures["dup-paragraph-char-fraction"] == pytest.approx(len(a) / (4 * 84 + len(a)), rel=0.1)
    assert measures["dup-5-gram-char-fraction"] > 0.15
    plain = repetition_measures(article("\n\n".join([a, b, c, d]) + "\n"))
    assert plain["dup-paragraph-fraction"] == 0
    assert plain["dup-5-gram-char-fraction"] == 0


def test_seed_articles_other_than_the_pasted_one_are_not_repetitive():
    for seed in sorted(SEEDS.glob("*.txt")):
        found = findings(seed.read_text(encoding="utf-8"), "RP105", seed.name)
        assert bool(found) == seed.name.startswith("003"), seed.name


# -- RP106: signatures -------------------------------------------------------------------------


def words(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(2000)]
    return [rng.choice(vocabulary) for _ in range(n)]


def test_signature_estimates_jaccard():
    base = words(400, 1)
    edited = list(base)
    for i in range(0, 400, 100):
        edited[i] = "changed"
    other = words(400, 2)
    sig = dup.signature(base, 5)
    assert dup.similarity(sig, dup.signature(list(base), 5)) == 1.0
    assert dup.similarity(sig, dup.signature(edited, 5)) > 0.85  # true Jaccard 0.90
    assert dup.similarity(sig, dup.signature(other, 5)) < 0.1
    assert len(sig) == 4 * dup.BINS


def test_short_texts_have_no_signature():
    assert dup.summarize(article("Only a few words here."), {"min-words": 100}) is None


def summary(text_words: list[str]) -> dup.Signature:
    return dup.summarize(article(" ".join(text_words) + "\n"), {"min-words": 50})


@pytest.mark.parametrize("rows", [0, dup.BINS + 1])
def test_band_rows_outside_the_signature_is_a_usage_error(rows):
    from lint.errors import UsageError

    with pytest.raises(UsageError, match="band-rows"):
        list(dup.compare([("a.md", summary(words(300, 1)))], {"band-rows": rows}))


def test_compare_reports_the_later_file_of_each_pair_once():
    a, b = words(300, 1), words(300, 2)
    near_a = list(a)
    near_a[150] = "edited"
    hits = list(dup.compare([("a.md", summary(a)), ("b.md", summary(b)), ("c.md", summary(near_a)),
                             ("d.md", summary(a))], {}))
    by_path = {h.path: h for h in hits}
    assert set(by_path) == {"c.md", "d.md"}
    assert by_path["d.md"].data["detail"] == "same text as a.md"
    assert by_path["c.md"].related[0][0] in ("a.md", "d.md")
    assert "near-identical" in by_path["c.md"].data["detail"]


# -- RP106: the index, end to end through the command line ------------------------------------

STORY = " ".join(words(250, 7))


def write(path: Path, body: str, title: str = "A story") -> None:
    path.write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")


def run(tmp_path: Path, capsys, *paths: str) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["check", "--isolated", "--select", "RP106", "-q", *paths])
    finally:
        os.chdir(cwd)
    return code, capsys.readouterr().out


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(folder))
    return folder / dup._DB_NAME


def test_the_other_copy_is_a_place_in_the_other_file(tmp_path, capsys, monkeypatch):
    """SARIF (checked against the official schema) and JSON point at the other copy itself:
    a related place of a cross-file finding carries that file's path."""
    import json

    import jsonschema

    from lint.finding import Finding, Location, Related, Severity, finding_from_rows, finding_to_rows

    posts = tmp_path / "_posts"
    posts.mkdir()
    write(posts / "2025-01-01-old.md", STORY)
    write(posts / "2025-03-01-new.md", STORY, title="The same story again")
    monkeypatch.chdir(tmp_path)

    def report(fmt: str):
        assert main(["check", "--isolated", "--no-cache", "--select", "RP106", "-q",
                     "--output-format", fmt, "_posts"]) == 1
        return json.loads(capsys.readouterr().out)

    sarif = report("sarif")
    schema = json.loads((Path(__file__).resolve().parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "_posts/2025-03-01-new.md"
    [other] = result["relatedLocations"]
    assert other["physicalLocation"]["artifactLocation"]["uri"] == "_posts/2025-01-01-old.md"
    assert other["physicalLocation"]["region"]["startLine"] == 1
    [finding] = report("json")
    assert [r["path"] for r in finding["related"]] == ["_posts/2025-01-01-old.md"]
    # the plain-tuple rows (result cache, spilled reports) keep the path
    kept = Finding("b.md", Location(1, 1, 1, 1), "RP106", "duplicate-article", Severity.ERROR, "m",
                   related=(Related(Location(1, 1, 1, 1), "a.md: the other copy", "a.md"),
                            Related(Location(2, 1, 2, 5), "same file")))
    assert finding_from_rows("b.md", *finding_to_rows(kept)) == kept


def test_pre_commit_run_of_one_file_finds_the_indexed_older_post(tmp_path, capsys, cache):
    posts = tmp_path / "_posts"
    posts.mkdir()
    write(posts / "2025-01-01-old.md", STORY)
    write(posts / "2025-02-01-other.md", " ".join(words(250, 8)))
    assert run(tmp_path, capsys, "_posts")[0] == 0  # fills the index
    write(posts / "2025-03-01-new.md", STORY, title="The same story again")
    code, out = run(tmp_path, capsys, "_posts/2025-03-01-new.md")
    assert code == 1
    assert "_posts/2025-03-01-new.md:1:1: RP106 duplicate article: same text as _posts/2025-01-01-old.md" in out
    # the old post changes: its entry is refreshed, and the pair is gone
    write(posts / "2025-01-01-old.md", " ".join(words(250, 9)))
    assert run(tmp_path, capsys, "_posts/2025-03-01-new.md") == (0, "")
    # a deleted post is forgotten
    (posts / "2025-01-01-old.md").unlink()
    assert run(tmp_path, capsys, "_posts/2025-03-01-new.md") == (0, "")
    with sqlite3.connect(cache) as con:
        paths = {row[0] for row in con.execute("SELECT path FROM docs")}
    assert not any(p.endswith("2025-01-01-old.md") for p in paths)


def test_both_copies_in_one_run_report_the_later_one(tmp_path, capsys, cache):
    write(tmp_path / "a.md", STORY)
    write(tmp_path / "b.md", STORY)
    code, out = run(tmp_path, capsys, "a.md", "b.md")
    assert out.splitlines() == ["b.md:1:1: RP106 duplicate article: same text as a.md"]


def test_a_corrupt_index_is_rebuilt(tmp_path, capsys, cache):
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is not a database" * 100)
    write(tmp_path / "a.md", STORY)
    assert run(tmp_path, capsys, "a.md") == (0, "")
    write(tmp_path / "b.md", STORY)
    assert run(tmp_path, capsys, "b.md")[0] == 1  # the rebuilt index knew a.md


def test_index_can_be_turned_off(tmp_path, capsys, cache):
    (tmp_path / "copydesk.toml").write_text("[rules.RP106]\nindex = false\n", encoding="utf-8")
    write(tmp_path / "a.md", STORY)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["check", "--select", "RP106", "-q", "a.md"]) == 0
    finally:
        os.chdir(cwd)
    assert not cache.exists()


def test_suppression_of_a_duplicate_is_used_and_not_reported_unused(tmp_path, capsys, cache):
    write(tmp_path / "a.md", STORY)
    write(tmp_path / "b.md", "<!-- copydesk-disable-file RP106 -->\n\n" + STORY)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["check", "--isolated", "--select", "RP106,CD104", "-q", "a.md", "b.md"])
    finally:
        os.chdir(cwd)
    assert (code, capsys.readouterr().out) == (0, "")


def test_concurrent_runs_share_the_index(tmp_path, cache):
    for i in range(4):
        write(tmp_path / f"p{i}.md", " ".join(words(200, 20 + i)))
    env = dict(os.environ, COPYDESK_CACHE_DIR=str(cache.parent))
    procs = [subprocess.Popen([sys.executable, "-m", "lint", "check", "--isolated", "--select", "RP106",
                               "-q", f"p{i}.md"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    with sqlite3.connect(cache) as con:
        assert con.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == 4


def test_an_unchanged_run_reuses_its_verdicts_until_the_index_changes(tmp_path, capsys, cache, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a/one.md", STORY)
    write(tmp_path / "a/two.md", " ".join(words(250, 8)))
    write(tmp_path / "a/three.md", STORY, title="Again")
    first = run(tmp_path, capsys, "a")
    assert first[0] == 1 and "a/three.md:1:1: RP106 duplicate article: same text as a/one.md" in first[1]
    # the same run again: the verdicts are read back, not recomputed
    monkeypatch.setattr(dup, "_compare_in_memory", lambda *a: pytest.fail("compared again"))
    assert run(tmp_path, capsys, "a") == first
    monkeypatch.undo()
    # another run adds a copy of two.md to the index: the first run's verdicts no longer hold
    write(tmp_path / "b/copy.md", " ".join(words(250, 8)))
    run(tmp_path, capsys, "b")
    code, out = run(tmp_path, capsys, "a")
    assert "a/two.md:1:1: RP106 duplicate article: same text as b/copy.md" in out
    assert run(tmp_path, capsys, "a") == (code, out)


def test_compare_reads_summaries_from_any_iterable():
    a, b = words(300, 1), words(300, 2)
    pairs = [("a.md", summary(a)), ("b.md", summary(b)), ("c.md", summary(a))]
    assert [h.path for h in dup.compare(iter(pairs), {})] == ["c.md"]
    assert [h.path for h in dup.compare(pairs, {})] == ["c.md"]


def test_compare_without_a_cache_dir_keeps_no_state(tmp_path):
    hits = list(dup.compare([("a.md", summary(words(300, 1)))], {}, context=CorpusContext()))
    assert hits == []


# -- RP106: the out-of-core compare agrees with the in-memory one ------------------------------


def generated_docs(n: int, seed: int) -> list[dup._Doc]:
    """Signatures with exact copies, near copies, ties between equally close earlier
    documents, a path that occurs twice, and a second scheme whose bins equal the first's."""
    import random

    rng = random.Random(seed)
    main_scheme, other_scheme = dup.scheme(5), dup.scheme(7)
    docs: list[dup._Doc] = []
    for i in range(n):
        kind = rng.choice(["new", "new", "exact", "near", "tie", "same-path", "other-scheme"])
        if not docs or kind == "new":
            summary_ = dup.Signature(main_scheme, f"d{i}", 300, rng.randbytes(4 * dup.BINS))
        else:
            original = rng.choice(docs).summary
            sig = bytearray(original.sig)
            if kind == "near":  # 8 to 64 of 128 bins differ: similar at 0.5, some at 0.8 too
                for b in rng.sample(range(dup.BINS), rng.choice([8, 20, 40, 64])):
                    sig[4 * b:4 * b + 4] = rng.randbytes(4)
            digest = original.digest if kind in ("exact", "same-path") else f"d{i}"
            summary_ = dup.Signature(other_scheme if kind == "other-scheme" else original.scheme,
                                     digest, original.words, bytes(sig))
            if kind == "tie":  # two earlier copies of one text are equally close to a third
                docs.append(dup._Doc(f"tie-{i}.md", summary_._replace(digest=f"t{i}")))
        path = docs[rng.randrange(len(docs))].path if docs and kind == "same-path" else f"p{i}.md"
        docs.append(dup._Doc(path, summary_))
    return docs


@pytest.mark.parametrize("chunk", [1, 2, 500])
def test_a_file_twice_in_a_run_is_looked_up_in_the_index_once_as_last_seen(tmp_path, monkeypatch, chunk):
    """As with a dict of the run's files: the last occurrence's signature, at the place of
    the first, whichever chunk of the run each falls in."""
    monkeypatch.setattr(dup, "_CHUNK", chunk)
    for name in ("x.md", "y.md", "a.md", "b.md"):
        (tmp_path / name).write_text("on disk\n", encoding="utf-8")
    context = CorpusContext(cache_dir=str(tmp_path / "cache"), base_dir=str(tmp_path))
    story, other, unrelated = summary(STORY.split()), summary(words(250, 8)), summary(words(250, 9))
    assert list(dup.compare([("x.md", story), ("y.md", other)], {}, context=context)) == []
    hits = list(dup.compare([("a.md", unrelated), ("b.md", other), ("a.md", story)], {}, context=context))
    assert [(h.path, h.data["detail"]) for h in hits] == [("a.md", "same text as x.md"), ("b.md", "same text as y.md")]


@pytest.mark.parametrize("threshold", [0.5, 0.8, 1.0])
@pytest.mark.parametrize("rows", [4, 5])
def test_out_of_core_compare_agrees_with_the_in_memory_one(threshold, rows):
    docs = generated_docs(600, seed=rows)
    expected = dup._compare_in_memory(docs, threshold, rows)
    got = dup._compare_out_of_core(iter(docs), threshold, rows)
    assert list(got.items()) == list(expected.items())
    assert len(expected) > 50
    if threshold < 1.0:
        assert any(not exact and score < 1.0 for _, _, score, exact in expected.values())


def test_out_of_core_compare_keeps_the_first_of_equally_close_documents():
    scheme = dup.scheme(5)
    sig = bytes(range(256)) * 2
    near = bytes(4) + sig[4:]
    docs = [dup._Doc("a.md", dup.Signature(scheme, "a", 300, sig)),
            dup._Doc("b.md", dup.Signature(scheme, "b", 300, sig)),
            dup._Doc("a.md", dup.Signature(scheme, "c", 300, near)),
            dup._Doc("d.md", dup.Signature(dup.scheme(7), "d", 300, sig)),
            dup._Doc("caf\udce9.md", dup.Signature(scheme, "e", 300, near))]  # a name not in UTF-8
    verdicts = dup._compare_out_of_core(iter(docs), 0.8, 4)
    assert verdicts == dup._compare_in_memory(docs, 0.8, 4)
    assert verdicts == {"b.md": ("b.md", "a.md", 1.0, False),  # same bins, other words
                        "a.md": ("a.md", "b.md", 127 / 128, False),  # not itself
                        "caf\udce9.md": ("caf\udce9.md", "a.md", 1.0, False)}  # the near copy, not d.md's scheme


def test_compare_above_the_in_memory_limit_goes_out_of_core(monkeypatch):
    a, b = words(300, 1), words(300, 2)
    pairs = [("a.md", summary(a)), ("b.md", summary(b)), ("c.md", summary(a))]
    monkeypatch.setattr(dup, "IN_MEMORY_LIMIT", 2)
    monkeypatch.setattr(dup, "_compare_in_memory", lambda *a: pytest.fail("compared in memory"))
    assert [h.data["detail"] for h in dup.compare(iter(pairs), {})] == ["same text as a.md"]
    assert [h.path for h in dup.compare(pairs, {})] == ["c.md"]


def test_a_check_above_the_in_memory_limit_reports_what_one_below_it_does(tmp_path, capsys, monkeypatch):
    """Whole runs with the index, duplicates split across directories, some of them found
    among indexed files outside the run: the same output whichever way the run compares."""
    near = words(250, 8)
    near[100] = "edited"
    texts = {"a/one.md": STORY, "a/two.md": " ".join(words(250, 8)), "a/three.md": " ".join(words(250, 9)),
             "b/copy.md": STORY, "b/near.md": " ".join(near), "b/other.md": " ".join(words(250, 10)),
             "c/again.md": STORY, "c/three.md": " ".join(words(250, 9)), "c/alone.md": " ".join(words(250, 11))}
    for name, body in texts.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        write(tmp_path / name, body)

    def runs(cache_dir: str) -> list[tuple[int, str]]:
        monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / cache_dir))
        return [run(tmp_path, capsys, "a", "b", "c"), run(tmp_path, capsys, "a"), run(tmp_path, capsys, "c"),
                run(tmp_path, capsys, "b", "c/again.md")]

    in_memory = runs("cache-in-memory")
    monkeypatch.setattr(dup, "IN_MEMORY_LIMIT", 2)
    monkeypatch.setattr(dup, "_compare_in_memory", lambda *a: pytest.fail("compared in memory"))
    assert runs("cache-out-of-core") == in_memory
    assert in_memory[0][0] == 1 and len(in_memory[0][1].splitlines()) == 4
    assert "c/three.md:1:1: RP106 duplicate article: same text as a/three.md" in in_memory[2][1]


# -- RP106: the index's keys, written in bulk ---------------------------------------------------


def indexed_context(tmp_path: Path, docs: list[dup._Doc]) -> CorpusContext:
    for doc in docs:  # the index keeps files that exist
        (tmp_path / doc.path).write_text("on disk\n", encoding="utf-8")
    return CorpusContext(cache_dir=str(tmp_path / "cache"), base_dir=str(tmp_path))


def verdicts_of(hits) -> list[tuple[str, str, str]]:
    return [(h.path, h.data["other"], h.data["detail"]) for h in hits]


@pytest.mark.parametrize("rows", [1, 4, 5])
def test_the_keys_the_index_writes_are_those_it_looks_up(tmp_path, rows):
    docs = [doc for doc in generated_docs(40, seed=rows) if not doc.path.startswith("tie-")]
    list(dup.compare([(d.path, d.summary) for d in docs], {"band-rows": rows}, context=indexed_context(tmp_path, docs)))
    with sqlite3.connect(tmp_path / "cache" / dup._DB_NAME) as con:
        stored = con.execute("SELECT id, sig FROM docs").fetchall()
        assert len(stored) == len({d.path for d in docs})
        for doc, sig in stored:
            keys = con.execute("SELECT band, bins FROM bands WHERE doc = ? ORDER BY band", (doc,)).fetchall()
            assert keys == dup.band_keys(sig, rows)
            assert len(keys) == dup.BINS // rows and all(len(bins) == min(4 * rows, 8) for _, bins in keys)


@pytest.mark.parametrize("threshold, rows", [(0.5, 4), (0.8, 4), (0.8, 5)])
def test_first_and_later_runs_over_an_index_find_what_the_in_memory_compare_finds(tmp_path, monkeypatch,
                                                                                   threshold, rows):
    """The first run fills the index in one bulk write; a second finds the same (read back,
    then recomputed over the full index); a run of each file alone finds among the indexed
    files what the in-memory buckets find among the files before it, the earliest of equally
    close ones included."""
    docs = list({doc.path: doc for doc in generated_docs(150, seed=rows)}.values())  # a path once
    params = {"threshold": threshold, "band-rows": rows}
    pairs = [(d.path, d.summary) for d in docs]
    context = indexed_context(tmp_path, docs)
    expected = verdicts_of(dup.compare(pairs, params))
    assert len(expected) > 10
    assert verdicts_of(dup.compare(pairs, params, context=context)) == expected
    index = tmp_path / "cache" / dup._DB_NAME
    written = index.read_bytes()
    assert verdicts_of(dup.compare(pairs, params, context=context)) == expected
    assert index.read_bytes() == written  # the same run again writes nothing
    monkeypatch.setattr(dup, "_known_verdicts", lambda *a: None)
    assert verdicts_of(dup.compare(pairs, params, context=context)) == expected
    found = 0
    for i, doc in enumerate(docs):
        others = docs[:i] + docs[i + 1:]
        alone = dup._compare_in_memory(others + [doc], threshold, rows).get(doc.path)
        got = verdicts_of(dup.compare([(doc.path, doc.summary)], params, context=context))
        assert got == verdicts_of([dup._hit(*alone)] if alone else []), doc.path
        found += bool(got)
    assert found > len(expected)  # later files found by earlier ones, and earlier ones by later ones


def test_a_key_shared_without_a_whole_band_is_no_candidate(tmp_path):
    """The index's keys are the first two bins of each band: a signature that agrees with an
    indexed one on those of every band, but on no whole band, is not compared with it (nor
    would the in-memory buckets compare them)."""
    def last_bins_changed(sig: bytes, mask: int, bands: int) -> bytes:
        changed = bytearray(sig)
        for band in range(bands):
            changed[16 * band + 12] ^= mask
        return bytes(changed)

    original = bytes(range(256)) * 2
    scheme = dup.scheme(5)
    docs = [dup._Doc("a.md", dup.Signature(scheme, "a", 300, original)),
            dup._Doc("b.md", dup.Signature(scheme, "b", 300, last_bins_changed(original, 0xFF, 32))),
            # the last band whole with a.md's, none with b.md's
            dup._Doc("c.md", dup.Signature(scheme, "c", 300, last_bins_changed(original, 0x0F, 31)))]
    context = indexed_context(tmp_path, docs)
    params = {"threshold": 0.5}
    assert list(dup.compare([("a.md", docs[0].summary)], params, context=context)) == []
    assert list(dup.compare([("b.md", docs[1].summary)], params, context=context)) == []
    assert dup._compare_in_memory(docs[:2], 0.5, 4) == {}
    hits = verdicts_of(dup.compare([("c.md", docs[2].summary)], params, context=context))
    assert hits == [("c.md", "a.md", "near-identical to a.md (about 76% of word shingles shared)")]


def test_an_indexed_file_refreshed_by_a_lookup_is_indexed_by_its_new_bands(tmp_path, capsys, cache):
    write(tmp_path / "a.md", STORY)
    assert run(tmp_path, capsys, "a.md") == (0, "")
    edited = STORY.split()
    edited[100] = "edited"
    write(tmp_path / "a.md", " ".join(edited))  # after it was indexed
    os.utime(tmp_path / "a.md", ns=(1, 1))
    write(tmp_path / "b.md", STORY)
    code, out = run(tmp_path, capsys, "b.md")  # finds a.md by its old bands, compares the new text
    assert code == 1 and out.startswith("b.md:1:1: RP106 duplicate article: near-identical to a.md")
    write(tmp_path / "c.md", " ".join(edited))
    assert run(tmp_path, capsys, "c.md") == (1, "c.md:1:1: RP106 duplicate article: same text as a.md\n")
    with sqlite3.connect(cache) as con:
        doc, sig = con.execute("SELECT id, sig FROM docs WHERE path = ?", (str(tmp_path / "a.md"),)).fetchone()
        assert sig == summary(edited).sig
        assert con.execute("SELECT band, bins FROM bands WHERE doc = ? ORDER BY band", (doc,)).fetchall() == \
            dup.band_keys(sig, 4)


def test_an_index_of_an_older_key_format_is_not_read_and_is_removed(tmp_path, capsys, cache):
    """The keys changed in v4: a v3 index left in the cache directory is not misread as a
    v4 one; the run starts a v4 index of its own and removes the v3 one."""
    assert cache.name == "duplicate-articles-v4.sqlite3"  # a new key format needs a new name
    write(tmp_path / "a.md", STORY)
    write(tmp_path / "b.md", STORY)
    old = cache.parent / "duplicate-articles-v3.sqlite3"
    old.parent.mkdir(parents=True)
    with sqlite3.connect(old) as con:  # v3: one integer key per band, a.md indexed
        con.executescript("CREATE TABLE docs (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, "
                          "scheme TEXT, digest TEXT, words INTEGER, sig BLOB, size INTEGER, mtime_ns INTEGER);"
                          "CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, "
                          "PRIMARY KEY (key, doc)) WITHOUT ROWID;")
        stat = (tmp_path / "a.md").stat()
        con.execute("INSERT INTO docs VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                    (str(tmp_path / "a.md"), *summary(STORY.split()), stat.st_size, stat.st_mtime_ns))
    (cache.parent / "results.sqlite3").write_bytes(b"")  # not an index file: kept
    assert run(tmp_path, capsys, "b.md") == (0, "")
    assert not old.exists() and (cache.parent / "results.sqlite3").exists()
    assert run(tmp_path, capsys, "a.md") == (1, "a.md:1:1: RP106 duplicate article: same text as b.md\n")
    with sqlite3.connect(cache) as con:
        assert {row[0] for row in con.execute("SELECT path FROM docs")} == {str(tmp_path / "a.md"),
                                                                          str(tmp_path / "b.md")}


# -- the shared tokenisation and the faster matchers agree with the plain versions -------------

FIXTURE_FILES = sorted(p for p in (Path(__file__).resolve().parent / "fixtures").rglob("*")
                       if p.is_file() and p.suffix != ".expected")


def _fixture_articles():
    for path in FIXTURE_FILES:
        yield Article(path.read_bytes(), str(path))


def test_normalise_agrees_with_the_regular_expression():
    import random
    import re

    from lint.checks.repetition import normalise

    def by_regex(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().casefold()

    spaces = [chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c)) or chr(c).isspace()]
    assert all(c.isspace() and re.fullmatch(r"\s", c) for c in spaces)
    rng = random.Random(7)
    alphabet = spaces + list("abcÄßİς.’-") + ["\r\n"]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert normalise(text) == by_regex(text)
    for art in _fixture_articles():
        for block in art.blocks:
            assert normalise(block.text) == by_regex(block.text)


def _folded(text: str) -> list[bytes]:
    """What the family's tokenisation must give: WORD_RE, casefolded, ’ read as ', UTF-8."""
    from lint.text import WORD_RE

    return [w.casefold().replace("’", "'").encode() for w in WORD_RE.findall(text)]


def test_shared_words_equal_a_fresh_scan_of_each_block_and_of_the_body():
    from lint.checks.repetition import body_words, shared_words

    for art in _fixture_articles():
        shared = shared_words(art)
        assert len(shared.ends) in (len(art.blocks), 2 * len(art.blocks) + 1)
        for k, block in enumerate(art.blocks):
            assert shared.block(k) == _folded(art.prose_text[block.start:block.end])
            assert shared.size(k) == len(shared.block(k))
        assert body_words(art) == _folded(art.prose_text[art.body_start:]), art.path


def test_fold_pieces_agrees_with_word_re_on_awkward_text():
    import random

    from lint.checks.repetition import MARK, fold_pieces

    rng = random.Random(11)
    # ASCII letters and joiners, letters that casefold to ASCII or grow (K, ß, İ, ǰ), other
    # scripts, the separators replaced as bytes, white space of every kind, a NUL
    alphabet = list("aZ09'-’_ .,;\t\n\r\x0b\x1c") + list("éßİǰK\u212aжя的の€“”‘—–…\u00a0•«»\u2003\u3000\ufffd")
    for rounds, nul in ((3000, False), (200, True)):
        for _ in range(rounds):
            pieces = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(15)))
                      for _ in range(rng.randrange(1, 4))]
            if not nul:
                pieces = [p.replace("\x00", "") for p in pieces]
            elif rng.random() < 0.5:
                pieces[0] += "\x00"
            expected = []
            for piece in pieces:
                expected += _folded(piece) + [MARK]
            assert fold_pieces(pieces) == expected, pieces
    # mostly ASCII with a few odd words (the fast path), and mostly not (WORD_RE's)
    for share in (0.05, 0.9):
        for _ in range(200):
            text = " ".join(rng.choice(["word", "Don't", "e-mail", "café", "naïve", "жук", "’tis", "a--b"])
                            if rng.random() < share else rng.choice(["the", "Ferry", "runs", "again"])
                            for _ in range(rng.randrange(40)))
            assert fold_pieces([text, text.upper()]) == _folded(text) + [MARK] + _folded(text.upper()) + [MARK]


def test_body_words_when_a_word_runs_across_a_block_edge():
    # The fallback path: a block that ends inside a run of text without white space.
    from lint.checks import repetition

    art = article("# Title\n\nOne paragraph of words here.\n")
    blocks = art.blocks
    art.__dict__["blocks"] = [type(b)(b.start, b.end - 3, b.kind, b.text[:-3]) for b in blocks]
    assert repetition.body_words(art) == [b"title", b"one", b"paragraph", b"of", b"words", b"here"]


def _near_duplicates_plainly(art: Article, params) -> list[tuple[int, int, str]]:
    """RP102 as first written: every paragraph's shingles, posting lists capped at
    max-postings, Jaccard over the shared counts (ties: the earliest paragraph)."""
    from collections import Counter

    from lint.checks.repetition import _in_other_sections, _shingles, _template
    from lint.text import WORD_RE

    min_words, threshold = params["min-words"], params["threshold"]
    size, max_postings = params["shingle-size"], params["max-postings"]
    postings: dict = {}
    seen: list = []
    found = []
    for k, block in enumerate(art.blocks):
        if not block.is_prose:
            continue
        words = [w.casefold().replace("’", "'") for w in WORD_RE.findall(art.prose_text, block.start, block.end)]
        if len(words) < min_words:
            continue
        shingles = _shingles(words, size)
        overlap: Counter = Counter()
        for s in shingles:
            overlap.update(postings.get(s, ()))
        best = None
        for j in sorted(overlap):
            other, other_shingles, other_words, other_k = seen[j]
            sim = overlap[j] / (len(shingles) + len(other_shingles) - overlap[j])
            if other_words != words and sim >= threshold and (best is None or sim > best[0]) \
                    and not _template(art.prose_text, block, other) \
                    and not _in_other_sections(art.blocks, k, other_k, 1):
                best = (sim, other)
        seen.append((block, shingles, words, k))
        for s in shingles:
            posting = postings.setdefault(s, [])
            if len(posting) < max_postings:
                posting.append(len(seen) - 1)
        if best:
            found.append((block.start, best[1].start, f"{best[0]:.0%}"))
    return found


@pytest.mark.parametrize("max_postings", [0, 1, 2, 16])
def test_near_duplicate_index_agrees_with_plain_posting_lists(max_postings):
    from lint.checks.repetition import near_duplicate_paragraph

    params = {"min-words": 12, "threshold": 0.3, "shingle-size": 3, "max-postings": max_postings}
    rng = __import__("random").Random(max_postings)
    words = "the port said ferry boats run again after weeks of repairs to shafts and hulls".split()
    texts = ["\n\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(10, 40))) + "."
                         for _ in range(12)) + "\n" for _ in range(20)]
    arts = [article(t) for t in texts] + list(_fixture_articles())
    for art in arts:
        new = [(h.start, h.related[0][0], h.data["similarity"]) for h in near_duplicate_paragraph(art, params)]
        assert new == _near_duplicates_plainly(art, params)


@pytest.mark.parametrize("max_postings", [1, 2, 16])
def test_near_duplicate_index_agrees_when_few_paragraphs_are_scored(max_postings):
    # A high threshold leaves most paragraphs unscored: they index only the shingles of the
    # scored ones, and a capped posting list must still hold the same paragraphs.
    from lint.checks.repetition import near_duplicate_paragraph

    params = {"min-words": 12, "threshold": 0.6, "shingle-size": 3, "max-postings": max_postings}
    rng = __import__("random").Random(100 + max_postings)
    vocabulary = "the port said ferry boats run again after weeks of repairs to shafts and hulls".split()
    found = 0
    for _ in range(20):
        paragraphs = [[rng.choice(vocabulary) for _ in range(rng.randrange(15, 40))] for _ in range(10)]
        for _ in range(2):  # near copies of earlier paragraphs, a word or two changed
            copy = list(rng.choice(paragraphs))
            for _ in range(rng.randrange(1, 3)):
                copy[rng.randrange(len(copy))] = rng.choice(["Wheezy", "quay", "tugs"])
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), copy)
        for _ in range(rng.randrange(3)):  # and exact copies (in other case: the same words)
            copy = rng.choice(paragraphs)
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), [w.upper() for w in copy])
        art = article("\n\n".join(" ".join(p) + "." for p in paragraphs) + "\n")
        new = [(h.start, h.related[0][0], h.data["similarity"]) for h in near_duplicate_paragraph(art, params)]
        assert new == _near_duplicates_plainly(art, params)
        found += len(new)
    assert found


def test_near_duplicates_when_the_paragraphs_that_may_match_are_exact_copies():
    # Only copies pass the union test: no finding, and no posting lists are built for it.
    from lint.checks import repetition

    params = {"min-words": 12, "threshold": 0.45, "shingle-size": 3, "max-postings": 16}
    rng = __import__("random").Random(9)
    vocabulary = "the port said ferry boats run again after weeks of repairs to shafts and hulls".split()
    p, q, r = ([rng.choice(vocabulary) for _ in range(30)] for _ in range(3))
    near = list(p)
    near[5:7] = ["Wheezy", "quay"]
    texts = {"copies only": [p, q, p, r, q], "a near copy too": [p, q, p, near, r],
             "a near copy first": [p, near, q, p]}
    found = {}
    for name, paragraphs in texts.items():
        art = article("\n\n".join(" ".join(words) + "." for words in paragraphs) + "\n")
        hits = [(h.start, h.related[0][0], h.data["similarity"])
                for h in repetition.near_duplicate_paragraph(art, params)]
        assert hits == _near_duplicates_plainly(art, params), name
        found[name] = len(hits)
    assert found == {"copies only": 0, "a near copy too": 1, "a near copy first": 2}  # the copy too
    assert repetition._only_copies([p, q, p, r, q], [2, 4])
    assert not repetition._only_copies([p, q, p, near], [2, 3])


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_coded_shingles_are_equal_for_equal_shingles(size):
    # RP102's first union test stands on it: a word outside the shingle must not count
    import random
    import zlib

    from lint.checks.repetition import _coded_shingles

    rng = random.Random(size)
    for _ in range(50):
        words = [rng.choice([b"a", b"b", b"ferry", b"the"]) for _ in range(rng.randrange(1, 60))]
        keys = _coded_shingles(list(map(zlib.crc32, words)), size)
        assert len(keys) == len(words)
        first: dict = {}
        for i in range(len(words) - size + 1):
            assert first.setdefault(tuple(words[i:i + size]), keys[i]) == keys[i]
        assert len(set(keys[:max(0, len(words) - size + 1)])) == len(first)  # four words: no collision


def test_repeat_starts_over_the_whole_article_agree_with_each_block():
    from lint.checks.repetition import _repeat_starts, repeated_word
    from lint.text import WORD_RE

    params = {"max-words": 4, "allow-lexicon": []}
    texts = ["Paragraph with with a doubled word.\n\nAnd the the next one.\n\n# Heading heading\n",
             "Ends with a word\n\nword starts the next one, and so so on.\n"]
    for art in [article(t) for t in texts] + list(_fixture_articles()):
        expected = []
        for block in art.blocks:
            if block.is_prose or block.kind == "heading":
                starts = _repeat_starts(WORD_RE.findall(art.prose_text, block.start, block.end), 4)
                expected.extend((block.start, i) for i in starts)
        hits = list(repeated_word(art, params))
        # every finding starts at a per-block candidate
        tokens = {(b.start, i): m.start() for b in art.blocks
                  for i, m in enumerate(WORD_RE.finditer(art.prose_text, b.start, b.end))}
        assert {h.start for h in hits} <= {tokens[k] for k in expected}


def _signature_as_first_written(words: list[str], size: int) -> bytes:
    """RP106's signature before the speed-ups: a set of shingle hashes, all of them sorted."""
    import operator
    import zlib
    from array import array
    from itertools import repeat

    codes = list(map(zlib.crc32, map(str.encode, words)))
    if len(codes) < size:
        codes += [0] * (size - len(codes))
    hashes = sorted(set(map(hash, zip(*(codes[j:] for j in range(size))))), reverse=True)
    smallest = dict(zip(map(operator.and_, hashes, repeat(dup.BINS - 1)), hashes))
    mins = [(smallest[b] >> 7) & 0xFFFFFFFF if b in smallest else 0xFFFFFFFF for b in range(dup.BINS)]
    if len(smallest) < dup.BINS:
        filled = list(mins)
        for b in range(dup.BINS):
            if b in smallest:
                continue
            t = 1
            while (b + t) % dup.BINS not in smallest:
                t += 1
            filled[b] = (mins[(b + t) % dup.BINS] + t * 0x9E3779B9) & 0xFFFFFFFF
        mins = filled
    return array("I", mins).tobytes()


@pytest.mark.parametrize("n", [0, 3, 5, 400, 2 * dup._KEEP + 1, 5000, 40000])
def test_signature_values_do_not_change(n):
    # stored in the index: a faster way must give the same bytes, for long texts (where only
    # the smallest hashes are sorted) and for repetitive ones (where that falls back)
    import random

    rng = random.Random(n)
    for vocabulary in (max(1, n), 3, 1):
        text = [f"w{rng.randrange(vocabulary)}" for _ in range(n)]
        assert dup.signature(text, 5) == _signature_as_first_written(text, 5)
        assert dup.signature([w.encode() for w in text], 5) == _signature_as_first_written(text, 5)


def test_repeat_starts_from_codes_agree_with_the_words():
    import random
    import zlib

    from lint.checks.repetition import MARK, _coded_repeat_starts, _repeat_starts

    rng = random.Random(5)
    for _ in range(300):
        words = [rng.choice([b"a", b"b", b"the", b"ferry", MARK]) for _ in range(rng.randrange(30))]
        codes = list(map(zlib.crc32, words))
        expected = _repeat_starts(words, 4, folded=True, boundary=MARK)
        assert _coded_repeat_starts(codes, words, 4, MARK) == expected, words


def _repeated_lines_as_first_written(art: Article, max_words: int = 7) -> list[tuple[int, int, int]]:
    """RP103 as first written: every line of the body, in order."""
    from lint.checks.repetition import _HAS_TEXT, _TABLE_OR_RULE, normalise
    from lint.text import WORD_RE

    text, prose = art.text, art.prose_text
    code = [(s.start, s.end) for s in art.nonprose if s.kind in ("code", "frontmatter", "comment", "html")]
    ci = 0
    previous = None
    found = []
    for start, end in art.lines:
        if start < art.body_start:
            continue
        line = text[start:end]
        begins = start + len(line) - len(line.lstrip()) if line.strip() else start
        while ci < len(code) and code[ci][1] <= begins:
            ci += 1
        if ci < len(code) and code[ci][0] <= begins < code[ci][1]:
            previous = None
            continue
        if not line.strip():
            continue
        key = normalise(line)
        if (previous is not None and key == previous[2] and _HAS_TEXT.search(key)
                and not _TABLE_OR_RULE.match(line) and len(WORD_RE.findall(prose, start, end)) <= max_words):
            found.append((start + len(line) - len(line.lstrip()), end, previous[0]))
            previous = None
            continue
        previous = (start, end, key)
    return found


def test_repeated_line_agrees_with_a_plain_scan_of_every_line():
    import random

    from lint.checks.repetition import repeated_line

    rng = random.Random(3)
    lines = ["Share", "share ", " SHARE", "Straße", "STRASSE", "“Quote” — here", "“quote” —  HERE", "",
             "\u00a0", "\u3000", "| a | b |", "---", "```", "    code", "Ｋelvin", "\u212aelvin", "kelvin",
             "https://example.com/x", "Read more…", "read MORE…", "\x1c", "éé", "ÉÉ"]
    texts = ["\n".join(rng.choice(lines) for _ in range(rng.randrange(30))) for _ in range(400)]
    texts += [t.replace("\n", rng.choice(["\r\n", "\r", "\n\n"])) for t in texts[:100]]
    for art in [article(t) for t in texts] + list(_fixture_articles()):
        found = [(h.start, h.end, h.related[0][0]) for h in repeated_line(art, {"max-words": 7})]
        assert found == _repeated_lines_as_first_written(art), art.text


def _runs_as_first_written(art: Article, params) -> list[tuple[int, int, int]]:
    """repeated_runs as first written: every block keyed and counted."""
    from collections import Counter

    from lint.checks.repetition import _BLOCK_KINDS, _is_block, normalise
    from lint.text import WORD_RE

    blocks = [b for b in art.blocks if b.kind in _BLOCK_KINDS]
    sizes = [len(WORD_RE.findall(art.prose_text, b.start, b.end)) for b in blocks]
    keys = [normalise(b.text) for b in blocks]
    counts = Counter(keys)
    big = [counts[k] > 1 and _is_block(art, b, k, n, params) for b, k, n in zip(blocks, keys, sizes)]
    first: dict = {}
    runs = []
    i = taken = 0
    while i < len(blocks):
        k = first.get(keys[i]) if big[i] else None
        if k is None or k >= i:
            first.setdefault(keys[i], i)
            i += 1
            continue
        n = 1
        while i + n < len(blocks) and k + n < i and keys[i + n] == keys[k + n]:
            n += 1
        back = 0
        while i - back - 1 >= taken and k - back - 1 >= 0 and k - back - 1 < i - back - 1 \
                and keys[i - back - 1] == keys[k - back - 1] and not big[i - back - 1]:
            back += 1
        if sum(sizes[i - back:i + n]) >= params["min-run-words"]:
            runs.append((i - back, k - back, n + back))
        for j in range(i, i + n):
            first.setdefault(keys[j], j)
        i += n
        taken = i
    return runs


def test_fold_letters_are_every_ascii_character_a_casefold_can_make():
    # _squeezed_keys drops these letters (and all non-ASCII bytes) from a lowered text to
    # get a key that texts with equal _squeezed() keys share: no character outside ASCII
    # may fold to any other ASCII character, nor anything but white space to white space.
    from lint.checks.repetition import _FOLD_LETTERS

    made = set()
    for code in range(0x80, 0x110000):
        char = chr(code)
        folded = char.casefold()
        made.update(c for c in folded if c.isascii())
        assert char.isspace() or not any(c.isspace() for c in folded), hex(code)
    assert "".join(sorted(made)).encode() == _FOLD_LETTERS


def test_squeezed_keys_are_equal_exactly_when_squeezed_texts_are():
    import random

    from lint.checks.repetition import _squeezed, _squeezed_keys

    rng = random.Random(5)
    alphabet = list("aAsSkKfFiI. \t") + list("ßẞſ\u212aﬁİıÉé“—\u00a0\u3000")
    words = ["strasse", "Straße", "STRASSE", "kelvin", "\u212aelvin", "file", "ﬁle", "Éclair", "éclair", "a b"]
    for _ in range(300):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(4))) + rng.choice(words)
                 for _ in range(rng.randrange(1, 12))]
        keys = _squeezed_keys(texts)
        plain = list(map(_squeezed, texts))
        assert [[a == b for b in keys] for a in keys] == [[a == b for b in plain] for a in plain], texts


def test_repeated_runs_agree_with_keying_every_block():
    import random

    params = {"min-words": 8, "min-chars": 40, "min-run-words": 15}
    rng = random.Random(9)
    pool = PARAGRAPHS + [p.upper() for p in PARAGRAPHS] + ["# Share", "# SHARE", "Straße und Meer, sagte der Hafen heute früh am Morgen.",
                                                          "STRASSE UND MEER, SAGTE DER HAFEN HEUTE FRÜH AM MORGEN.",
                                                          "“Quoted” — a line of eight words or more here.",
                                                          "“quoted” —  A line of eight words or more here."]
    texts = ["\n\n".join(rng.choice(pool) for _ in range(rng.randrange(12))) + "\n" for _ in range(300)]
    for art in [article(t) for t in texts] + list(_fixture_articles()):
        assert repeated_runs(art, params) == _runs_as_first_written(art, params), art.text
