"""Front matter: the hard parts of parsing (hostile YAML, positions, duplicates) and of the
FM rules (dates, fixes, schemas, per-path configuration, site files)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from lint.article import Article
from lint.checks.frontmatter import parse_date
from lint.config import CliOverrides, Resolver
from lint.engine import lint_bytes
from lint.fix import apply_once
from lint import yamlsubset
from lint.frontmatter import MAX_DEPTH, split
from lint.frontmatter_yaml import _parse_yaml, _yaml_spans

BODY = "\nThe council voted on Tuesday to keep the night buses running for another year.\n"


def lint(text: str | bytes, path: str = "post.md", select: tuple[str, ...] = ("FM",)):
    resolver = Resolver(isolated=True, cli=CliOverrides(select=select))
    settings = resolver.project
    data = text.encode("utf-8") if isinstance(text, str) else text
    result, article = lint_bytes(data, path, resolver.active_rules(None, settings), settings.ruleset,
                                 max_size=10**7)
    return result.findings, article


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def block(text: str):
    return Article(text.encode("utf-8"), "post.md").front_matter


# -- hostile YAML --------------------------------------------------------------------


def test_python_tags_are_refused_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    fm = block(f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    assert fm.error is not None and fm.error.kind == "tag"
    assert "!!python/object/apply:os.system" in fm.error.message
    assert not marker.exists()
    findings, _ = lint(f"---\nx: !!python/object/new:os.system ['touch {marker}']\n---\n")
    assert codes(findings) == ["FM104"] and not marker.exists()


def test_alias_bomb_is_bounded_in_time():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    start = time.perf_counter()
    fm = block("---\n" + "\n".join(lines) + "\n---\n")
    assert time.perf_counter() - start < 1.0
    assert fm.error is not None and fm.error.kind == "limit" and "alias" in fm.error.message


def test_small_alias_graphs_and_merge_keys_still_parse():
    fm = block("---\nbase: &b {layout: post}\npost:\n  <<: *b\n  title: x\nagain: *b\n---\n")
    assert fm.error is None
    assert fm.data["post"] == {"layout": "post", "title": "x"}
    assert fm.duplicates == ()


def test_recursive_alias_is_refused():
    fm = block("---\na: &a [x, *a]\n---\n")
    assert fm.error is not None and fm.error.kind == "limit"


@pytest.mark.parametrize("depth", [100_000, 20_000])
def test_deep_flow_nesting_does_not_crash(depth):
    fm = block("---\nx: " + "[" * depth + "]" * depth + "\n---\n")
    assert fm.error is not None and fm.error.kind == "limit"


def test_deep_block_nesting_is_refused_and_moderate_nesting_is_fine():
    deep = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "v\n"
    assert block("---\n" + deep + "---\n").error.kind == "limit"
    moderate = "".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "v\n"
    assert block("---\n" + moderate + "---\n").error is None


def test_huge_block_is_refused_without_parsing():
    fm = block("---\n" + "k: v\n" * 60_000 + "---\n")
    assert fm.error is not None and fm.error.kind == "size"


# -- splitting edge cases ----------------------------------------------------------------


def test_dots_terminator_and_dashes_inside_a_value():
    fm = block("---\ntitle: x\nnote: |\n  a\n  ---\n  b\n...\nbody\n")
    assert fm.closed and fm.closing_delimiter == "..."
    assert fm.data["note"] == "a\n---\nb\n"


def test_empty_block_is_an_empty_mapping_and_no_final_newline_closes():
    assert block("---\n---\nbody\n").data == {}
    fm = block("---\ntitle: x\n---")
    assert fm.closed and fm.data == {"title": "x"}


def test_bom_and_blank_lines_before_the_block():
    article = Article(b"\xef\xbb\xbf---\ntitle: x\n---\n", "post.md")
    assert article.bom and article.front_matter.data == {"title": "x"}
    fm = block("\n\n---\ntitle: x\n---\n")
    assert fm.leading_blank_lines == 2 and fm.data == {"title": "x"}


def test_json_that_does_not_parse_is_reported_in_place():
    text = '{\n  "title": "x",\n  "tags": ["a" "b"]\n}\nbody\n'
    fm = split(text, markdown=True)
    assert fm.kind == "json" and fm.closed and fm.error is not None
    assert text[fm.error.offset:].startswith('"b"')
    assert split("{% include note.html %}\n", markdown=True) is None
    assert split("{{< figure src=x >}}\n", markdown=True) is None


# -- plain-text CMS headers: toto and Kirby ------------------------------------------------

TOTO = "---\ntitle: First Foreign Certificate\ndate: 27/11/2012\n\nI have received the certificate.\n"
KIRBY = ("Title: PlainTasks \n----\nDate: 2013-01-25\n----\nText: Speaking of Sublime Text.\n\n"
         "A plugin turns it into a task manager.\n\n----\n\nTags: \n----\nRelated-Posts: steve\n")


def test_toto_header_in_a_text_file_ends_at_the_first_blank_line():
    article = Article(TOTO.encode(), "post.txt")
    fm = article.front_matter
    assert fm.kind == "yaml" and fm.closed and fm.closing_delimiter == ""
    assert fm.data == {"title": "First Foreign Certificate", "date": "27/11/2012"}
    assert article.body == "I have received the certificate.\n"
    # Markdown keeps Jekyll's rule: the block is unterminated
    assert not block(TOTO).closed
    findings, _ = lint(TOTO, "post.md")
    assert codes(findings) == ["FM102"]
    assert codes(lint(TOTO, "post.txt")[0]) == []


def test_toto_header_without_dashes_needs_two_key_lines_and_nothing_else():
    fm = Article(b"title: SetUp Blog\ntags: blog,toto\n\nToday I started.\n", "a.txt").front_matter
    assert fm.start == 0 and fm.data == {"title": "SetUp Blog", "tags": "blog,toto"}
    assert Article(b"Note: this file lists the changes.\n\nMore.\n", "a.txt").front_matter is None
    assert Article(b"title: x\nThe talks start on Friday.\n\nMore.\n", "a.txt").front_matter is None
    assert Article(b"title: x\ntags: y\n\nBody.\n", "a.md").front_matter is None
    # lines that do not read as YAML keys and values are no header (an e-mail's, here)
    assert Article(b"From: ann@example.org\nSubject: Re: lunch\n\nYes.\n", "a.txt").front_matter is None
    # a "---" header with a line that is no key is still unterminated
    assert not Article(b"---\ntitle: x\nThe talks start.\n\nMore.\n", "a.txt").front_matter.closed


def test_kirby_fields_are_front_matter_and_the_text_field_is_the_body():
    article = Article(KIRBY.encode(), "blogarticle.txt")
    fm = article.front_matter
    assert fm.kind == "kirby" and fm.closed and fm.error is None
    # keys as Kirby reads them: lower case, "-" as "_"; values trimmed; an empty field is None
    assert fm.data == {"title": "PlainTasks", "date": "2013-01-25",
                       "text": "Speaking of Sublime Text.\n\nA plugin turns it into a task manager.",
                       "tags": None, "related_posts": "steve"}
    span = fm.locate(("related_posts",))
    assert KIRBY[span.key_start:span.key_end] == "Related-Posts"
    assert KIRBY[span.value_start:span.value_end] == "steve"
    assert article.body == "Text: Speaking of Sublime Text.\n\nA plugin turns it into a task manager.\n"
    # the "Text:" label and the fields after the text are not prose, nor blocks
    assert article.prose_text[article.body_start:].split() == \
        "Speaking of Sublime Text. A plugin turns it into a task manager.".split()
    assert [b.text for b in article.blocks] == ["Text: Speaking of Sublime Text.",
                                               "A plugin turns it into a task manager."]


def test_kirby_needs_fields_on_both_sides_of_every_separator():
    assert Article(KIRBY.encode(), "blogarticle.md").front_matter is None
    underlined = b"Note: read me first\n----\nThe installer asks for a folder.\n"
    assert Article(underlined, "notes.txt").front_matter is None
    fm = Article(b"Title: Home\n----\nIntro: Welcome\n", "home.txt").front_matter
    assert fm.data == {"title": "Home", "intro": "Welcome"} and fm.end == len("Title: Home\n----\nIntro: Welcome\n")


def test_a_kirby_text_field_of_blocks_json_is_not_the_body():
    blocks = '[{"content":{"text":"<p>She didn\\u2019t listen.<\\/p>"},"id":"b03f","type":"text"}]'
    article = Article(f"Title: Desert\n----\nText: {blocks}\n----\nDate: 2018-09-05\n".encode(), "note.txt")
    fm = article.front_matter
    assert fm.kind == "kirby" and fm.end == len(article.text) and fm.data["text"] == blocks
    assert article.body == ""
    # text in brackets is still text, and so is JSON that is not a list of blocks
    for text in ("[{Draft}] Soon.", '[{"a": 1}]'):
        body = Article(f"Title: T\n----\nText: {text}\n".encode(), "note.txt").body
        assert body == f"Text: {text}\n"


def test_kirby_duplicates_and_empty_taxonomy_fields_are_reported():
    findings, _ = lint(KIRBY + "----\ntitle: again\n", "blogarticle.txt")
    assert [(f.code, f.location.line) for f in findings] == [("FM112", 11), ("FM106", 15)]


def test_byte_order_mark_before_a_header_without_delimiter_is_en106s():
    bom = b"\xef\xbb\xbf"
    for text in (b"title: x\ntags: y\n\nBody.\n", b"Title: x\n----\nText: Body.\n"):
        assert codes(lint(bom + text, "post.txt", select=("FM103", "EN106"))[0]) == ["EN106"]
    assert codes(lint(bom + TOTO.encode(), "post.txt", select=("FM103", "EN106"))[0]) == ["FM103"]


def test_entity_in_a_kirby_title_keeps_its_fix():
    text = "title: &infin;\n----\ntext: A human being should be able to change a diaper.\n----\ntags: quotes\n"
    findings, article = lint(text, "blogarticle.txt", select=("EN108",))
    assert [f.message for f in findings] == ["HTML entity '&infin;' in the front matter's title: it should read '∞'"]
    data, applied = apply_once(article, findings, unsafe=True)
    assert applied == 1 and Article(data, "blogarticle.txt").front_matter.data["title"] == "∞"


# -- positions and duplicates ---------------------------------------------------------------


def test_yaml_spans_point_at_keys_and_items():
    text = "---\ntitle: x\nauthors:\n  - name: A\n  - name: B\n---\n"
    article = Article(text.encode(), "post.md")
    fm = article.front_matter
    assert article.position(fm.spans[("title",)].key_start) == (2, 1)
    assert article.position(fm.spans[("authors", 1)].key_start) == (5, 5)
    assert article.position(fm.spans[("authors", 1, "name")].value_start) == (5, 11)
    assert fm.locate(("authors", 1, "missing")) == fm.spans[("authors", 1)]


def test_yaml_spans_count_unicode_line_breaks_like_libyaml():
    text = "---\nsummary: \"a\u2028b\"\ntitle: x\n---\n"
    article = Article(text.encode(), "post.md")
    span = article.front_matter.spans[("title",)]
    assert article.text[span.key_start:span.key_end] == "title"


def test_toml_and_json_spans():
    text = '+++\ntitle = "x"\ntags = [\n  "a",\n  "b",\n]\n[[authors]]\nname = "A"\n[[authors]]\nname = "B"\n+++\n'
    article = Article(text.encode(), "post.md")
    spans = article.front_matter.spans
    assert article.position(spans[("authors", 1, "name")].key_start) == (10, 1)
    assert article.text[spans[("tags",)].value_start:spans[("tags",)].value_end].endswith("]")
    text = '{\n  "title": "x",\n  "authors": [{"name": "A"}, {"name": "B"}]\n}\n'
    article = Article(text.encode(), "post.md")
    span = article.front_matter.spans[("authors", 1, "name")]
    assert article.text[span.value_start:span.value_end] == '"B"'


def test_duplicates_in_yaml_and_json_and_toml():
    fm = block("---\na: 1\nb:\n  c: 1\n  c: 2\na: 3\n---\n")
    assert sorted(d.path for d in fm.duplicates) == ["a", "b.c"]
    fm = split('{\n "a": 1,\n "a": 2\n}\n', markdown=True)
    assert [d.path for d in fm.duplicates] == ["a"]
    fm = block("+++\na = 1\na = 2\n+++\n")
    assert fm.error is not None  # TOML itself refuses duplicates


# -- the flat subset, read without PyYAML -------------------------------------------------


def _typed(value):
    """A value with the types spelled out: True == 1 and date(...) != datetime(...) hide bugs."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value, getattr(value, "tzinfo", None))


def _pyyaml(raw: str):
    data, error, duplicates, node = _parse_yaml(raw, 0)
    assert error is None and not duplicates
    spans = _yaml_spans(node, raw, 0) if node is not None else {}
    return _typed(data), {path: tuple(span) for path, span in spans.items()}


def _assert_subset_matches_pyyaml(raw: str) -> None:
    data, spans = yamlsubset.parse(raw)
    assert (_typed(data), spans) == _pyyaml(raw), raw


FLAT_BLOCKS = [
    "",
    "\n  \n",
    "title: Council vote\nlayout: post\n",
    "title: 'It''s here'\nsub: \"quoted: yes, C# [x]\"\n",
    "title: Hello, world]  \nurl: https://example.com/a?b=c#d\nlang: C#\n",
    "date: 2024-03-03\nshort: 2024-3-3\nzoned: 2024-03-03 10:00:00 +0000\n",
    "t1: 2024-03-03T10:00:00Z\nt2: 2024-03-03 10:00:00.1234567 -05:30\nt3: 2024-03-03 10:00:00\n",
    "bad: 2025-02-30\nworse: 2024-13-01 10:00:00\n",
    "n: 12\nplus: +5\nzero: 0\nlead: 08\nword: 3 things\ndot: .\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: ~\ng: null\nh: NULL\ni: none\n",
    "tags: [news, world]\nempty: []\nmixed: [\"a, b\", 'c''d', 2024-01-01, 12, yes, ~, b c]\n",
    "tags:\n  - news\n  - 'world'\nnext: x\n",
    "tags:\n- news\n- \"world\"\n\n",
    "title: x\ncategories:\n    - a\n    - b\n  \n",
    "title: caf\u00e9 \u4e2d\u6587 \U0001f389\nnbsp: a\u00a0b\u00a0\n",
]


@pytest.mark.parametrize("raw", FLAT_BLOCKS)
def test_flat_subset_reads_what_pyyaml_reads(raw):
    _assert_subset_matches_pyyaml(raw)


def test_flat_subset_agrees_with_pyyaml_on_every_fixture():
    root = Path(__file__).parent
    read = 0
    for path in sorted((root / "fixtures").rglob("*")) + sorted((root.parent / "examples").rglob("*.md")):
        if not path.is_file() or path.suffix == ".expected":
            continue
        fm = split(path.read_bytes().decode("utf-8", "replace"), markdown=True)
        if fm is None or fm.kind != "yaml" or not fm.closed or yamlsubset.parse(fm.raw) is None:
            continue
        _assert_subset_matches_pyyaml(fm.raw)
        read += 1
    assert read > 50


@pytest.mark.parametrize("raw", [
    "title: x # a comment\n", "# comment\ntitle: x\n", "title: x\ntitle: y\n", "title:\n",
    "a:\n  b: 1\n", "title: a\n  continued\n", "title: a: b\n", "title: \"esc\\n\"\n", "t: \"a\" b\n",
    "title:\tx\n", "title: x\r\n", "f: 1.5\n", "o: 007\n", "h: 0x1F\n", "s: 1:20\n", "u: 1_000\n",
    "n: -5\n", "a: &x 1\nb: *x\n", "t: !!str 1\n", "m: <<\n", "b: |\n  text\n", "x: {a: 1}\n",
    "x: [a, [b]]\n", "x: [a,]\n", "x: [a] b\n", "yes: x\n", "2024: x\n", "---\n", "- a\n", "title: x",
    "tags:\n  - a\n - b\n", "tags:\n  - k: v\n",
])
def test_flat_subset_leaves_other_shapes_to_pyyaml(raw):
    assert yamlsubset.parse(raw) is None


def test_flat_front_matter_is_read_without_importing_pyyaml():
    code = ("import sys; from lint.article import Article; "
            "fm = Article(b'---\\ntitle: x\\ntags: [a, b]\\n---\\nBody.\\n', 'p.md').front_matter; "
            "assert fm.data == {'title': 'x', 'tags': ['a', 'b']} and fm.locate(('tags', 1)) is not None; "
            "assert 'yaml' not in sys.modules, 'PyYAML imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "2025-08-14", "2025-08-14 23:26:20 +0200", "2019-06-27 08:24:31 -0700", "2025-08-14T23:26:20Z",
    "2025-8-4", "2025/08/14", "Thu, 14 Aug 2025 23:26:20 +0000", dt.date(2025, 8, 14),
    "2021-08-07 21:36:54 UTC+02:00", "2021-08-07 21:36:54 GMT-0500",
])
def test_dates_site_generators_accept(value):
    assert not isinstance(parse_date(value), str)


def test_nikola_utc_offset_is_the_offset_ahead_of_utc(monkeypatch):
    parsed = parse_date("2021-08-07 21:36:54 UTC+02:00")
    assert parsed.has_zone and parsed.value.utcoffset() == dt.timedelta(hours=2)
    assert isinstance(parse_date("2021-08-07 21:36:54 UTC+15:00"), str)  # no such zone
    # The future-date and zone rules read the same instant: 12:30 UTC+02:00 is 10:30 UTC.
    monkeypatch.setenv("COPYDESK_NOW", "2025-08-14T11:00:00+00:00")
    select = ("FM109", "FM110", "FM120")
    assert codes(lint(f"---\ntitle: x\ndate: 2025-08-14 12:30:00 UTC+02:00\n---\n{BODY}", select=select)[0]) == []
    assert codes(lint(f"---\ntitle: x\ndate: 2025-08-14 12:30:00 UTC-02:00\n---\n{BODY}", select=select)[0]) == ["FM110"]


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "2025-08-14 25:00", "2025-08-14 10:00 +1900",
                                   "next Tuesday", "TBD", 20250814, True])
def test_dates_that_are_not(value):
    assert isinstance(parse_date(value), str)


def test_textual_dates_are_not_judged():
    assert parse_date("Aug 14, 2025") is None
    assert parse_date("14 August 2025") is None


def test_future_dates_respect_time_zones(monkeypatch):
    monkeypatch.setenv("COPYDESK_NOW", "2025-08-14T12:00:00+00:00")
    future = lambda date: "FM110" in codes(lint(f"---\ntitle: x\ndate: {date}\n---\n{BODY}")[0])  # noqa: E731
    assert not future("2025-08-14")            # today
    assert not future("2025-08-15")            # already the 15th east of UTC+12
    assert future("2025-08-16")
    assert not future("2025-08-15 01:00:00")   # no zone: already past in Kiribati
    assert future("2025-08-14T13:00:00+00:00")
    assert not future("2025-08-14T13:00:00+02:00")


# -- fixes ----------------------------------------------------------------------------------


def test_quote_fix_makes_the_block_parse():
    text = "---\nlayout: post\ntitle: Council vote: night buses stay\ndate: 2025-03-04\n---\n" + BODY
    findings, article = lint(text)
    assert codes(findings) == ["FM104"]
    data, applied = apply_once(article, findings, unsafe=True)
    assert applied == 1
    fixed = Article(data, "post.md").front_matter
    assert fixed.error is None and fixed.data["title"] == "Council vote: night buses stay"
    assert apply_once(article, findings, unsafe=False)[1] == 0  # unsafe: not applied by default


def test_leading_content_before_toml_or_json_front_matter_is_not_reported():
    # Jekyll reads no TOML or JSON front matter; Hugo and Zola skip a BOM and blank lines.
    for opening in ("\n+++\ntitle = 'x'\n+++\n", "\ufeff+++\ntitle = 'x'\n+++\n", "\n{\"title\": \"x\"}\n"):
        assert codes(lint(opening + BODY, select=("FM103",))[0]) == []
    assert codes(lint("\n---\ntitle: x\n---\n" + BODY, select=("FM103",))[0]) == ["FM103"]


def test_bom_fix_and_title_trim_fix():
    findings, article = lint(b"\xef\xbb\xbf---\ntitle: \" Night buses \"\n---\n" + BODY.encode())
    assert sorted(codes(findings)) == ["FM103", "FM113"]
    data, applied = apply_once(article, findings, unsafe=False)
    assert applied == 2 and data.startswith(b"---\ntitle: \"Night buses\"\n")


# -- configuration --------------------------------------------------------------------------


def test_required_keys_per_path_through_overrides(tmp_path, run_cli):
    (tmp_path / "copydesk.toml").write_text(
        '[[overrides]]\npaths = ["content/**"]\n'
        '[overrides.rules.FM107]\nkeys = { "**" = ["title", "author.name"] }\n')
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: x\nauthor:\n  email: a@b.c\n---\n" + BODY)
    (tmp_path / "notes.md").write_text("---\ntitle: x\n---\n" + BODY)
    result = run_cli("check", "--select", "FM107", ".")
    out = result.stdout.decode()
    assert "content/a.md:1:1: FM107 missing required key 'author.name'" in out
    assert "notes.md" not in out


def test_posts_need_front_matter_and_a_title_but_date_may_come_from_the_name(tmp_path):
    posts = tmp_path / "_posts"
    posts.mkdir()
    assert codes(lint(BODY, str(posts / "2025-03-04-buses.md"))[0]) == ["FM101"]
    assert codes(lint("---\nlayout: post\n---\n" + BODY, str(posts / "2025-03-04-buses.md"))[0]) == ["FM107"]
    assert codes(lint("---\ntitle: x\n---\n" + BODY, str(posts / "2025-03-04-buses.md"))[0]) == []
    assert codes(lint("---\ntitle: x\n---\n" + BODY, str(posts / "buses.md"))[0]) == ["FM107"]


def test_schema_from_a_file(tmp_path, monkeypatch):
    schema = tmp_path / "post.schema.yaml"
    schema.write_text(yaml.safe_dump({
        "type": "object", "required": ["title"],
        "properties": {"title": {"type": "string"}, "authors": {"type": "array", "items": {"type": "string"}}}}))
    from lint.checks import frontmatter as checks

    findings = list(checks.schema(Article(b"---\nauthors:\n  - A\n  - 3\n---\n", "post.md"),
                                  {"schemas": {"**": str(schema)}}))
    messages = sorted(f.data["error"] for f in findings)
    assert messages == ["'title' is a required property", "3 is not of type 'string'"]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    findings = list(checks.schema(Article(b"---\ntitle: x\n---\n", "post.md"), {"schemas": {"**": str(broken)}}))
    assert len(findings) == 1 and "cannot be used" in findings[0].message


def test_referenced_files_are_looked_up_in_the_site(tmp_path):
    site = tmp_path / "site"
    (site / "static" / "images").mkdir(parents=True)
    (site / "content" / "news").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "x"\n')
    (site / "static" / "images" / "a.jpg").write_bytes(b"")
    (site / "content" / "news" / "b.jpg").write_bytes(b"")
    post = site / "content" / "news" / "post.md"
    post.write_text("---\ntitle: x\nimage: /images/a.jpg\ncover: b.jpg\nthumbnail: /images/c.jpg\n---\n" + BODY)
    findings, _ = lint(post.read_bytes(), str(post))
    assert [(f.code, f.location.line) for f in findings] == [("FM119", 5)]
    # no site configuration up to the repository root: nothing is judged
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    lone = tmp_path / "repo" / "post.md"
    lone.write_text("---\ntitle: x\nimage: /images/c.jpg\n---\n" + BODY)
    assert codes(lint(lone.read_bytes(), str(lone))[0]) == []


# -- cut excerpts and prose keys -----------------------------------------------------------


def test_excerpt_that_is_the_first_sentence_is_fine_and_a_mid_sentence_cut_is_not():
    body = ("\nCouncil members said the service had made it easier for hospital and restaurant "
            "workers to get home after their shifts, and voted to keep it.\n")
    ok = '---\ntitle: x\nexcerpt: "Council members said the service had made it easier."\n---\n'
    assert codes(lint(ok + body)[0]) == []
    cut = ('---\ntitle: x\ndescription: "Council members said the service had made it easier for '
           'hospital and restaurant workers to get home"\n---\n')
    findings, _ = lint(cut + body)
    assert codes(findings) == ["FM116"] and "mid-sentence" in findings[0].message


def test_an_ellipsis_after_a_cut_word_is_still_a_cut():
    body = "\nAccount-level limits on compute hours, storage, and bandwidth remain unchanged. More soon.\n"
    head = '---\ntitle: x\nexcerpt: "Account-level limits on compute hours, storage, and bandwidth remain {}"\n---\n'
    findings, _ = lint(head.format("unc...") + body)
    assert codes(findings) == ["FM116"] and "'unc|hanged'" in findings[0].message
    assert codes(lint(head.format("unc…") + body)[0]) == ["FM116"]
    # a whole word before the dots, or dots after a space, is a deliberate cut
    assert codes(lint(head.format("unchanged...") + body)[0]) == []
    assert codes(lint(head.format("unc ...") + body)[0]) == []
    # a mid-sentence cut with an ellipsis is what an ellipsis is for
    assert codes(lint(head.format("...").replace("remain ...", "remain...") + body)[0]) == []


def test_the_body_is_searched_for_each_non_overlapping_occurrence_of_the_tail():
    import re

    from lint.checks.frontmatter import _ends_of

    for needle, text in (("aa", "aaaaa"), ("a.b", "a.b axb a.b"), ("x", ""), ("lead", "misleading")):
        assert list(_ends_of(needle, text)) == [m.end() for m in re.finditer(re.escape(needle), text)]


def test_identifier_keys_are_not_prose():
    text = "---\ntitle: x\nog:title: y\nLast updated: 2025\nseo title: z\n---\n" + BODY
    assert codes(lint(text)[0]) == []


# -- speed ----------------------------------------------------------------------------------


def test_parsing_front_matter_is_fast():
    header = ("---\nlayout: post\ntitle: \"What do Putin and Trump each want from the Alaska summit?\"\n"
              "date: 2025-08-14 23:26:20 +0200\nauthor: badely\ncategories: [News, World]\n"
              "tags: [russia, ukraine, usa]\nexcerpt: \"BBC Russia editor Steve Rosenberg considers the leaders.\"\n"
              "image: assets/images/3e71e781a98a87fc2b73a429690ab433.jpg\n---\n")
    texts = [header.replace("badely", f"author{i}") + BODY for i in range(2000)]
    start = time.perf_counter()
    for text in texts:
        assert split(text, markdown=True).error is None
    per_article = (time.perf_counter() - start) / len(texts)
    assert per_article < 0.002, f"{per_article * 1000:.2f} ms per front matter"


def test_block_scalar_title_is_not_padded():
    assert codes(lint("---\ntitle: >\n  Night buses stay\n---\n" + BODY)[0]) == []
    assert codes(lint("---\ntitle: |\n  Night buses stay  \n---\n" + BODY)[0]) == ["FM113"]


def test_quote_fix_check_survives_impossible_dates():
    text = "---\ntitle: Council vote: buses stay\ndate: 2025-02-30\n---\n" + BODY
    findings, _ = lint(text)
    assert "CD100" not in codes(findings) and "FM104" in codes(findings)
    assert next(f for f in findings if f.code == "FM104").fix is not None


def test_locating_one_key_agrees_with_the_full_span_map():
    text = "---\ntitle: x\nauthor:\n  name: A\n  links: [a, b]\n1: one\n---\n"
    for path in [("title",), ("author", "name"), ("author", "links", 1), (1,)]:
        walked = Article(text.encode(), "post.md").front_matter.locate(path)
        mapped = Article(text.encode(), "post.md").front_matter
        assert walked == mapped.spans[path]


def test_unhashable_keys_are_a_syntax_error_not_a_tag_error():
    fm = block("---\ntitle: x\n? [a, b]\n: v\n---\n")
    assert fm.error is not None and fm.error.kind == "syntax"
    assert "unhashable key" in fm.error.message


def test_schema_errors_point_at_toml_and_json_keys():
    from lint.checks import frontmatter as checks

    schema = {"type": "object", "properties": {"authors": {"type": "array", "items": {"type": "string"}}},
              "additionalProperties": False}
    toml = '+++\ntitle = "x"\nauthors = [\n  "A",\n  3,\n]\n+++\n'
    json_text = '{\n  "authors": ["A"],\n  "title": "x"\n}\n'
    for text, line, what in ((toml, 2, "title"), (json_text, 3, "title")):
        article = Article(text.encode(), "post.md")
        hits = list(checks.schema(article, {"schemas": {"**": schema}}))
        unknown = [h for h in hits if "unknown key" in h.data["error"]]
        assert [article.position(h.start)[0] for h in unknown] == [line]
        assert unknown[0].data["path"] == what
    article = Article(toml.encode(), "post.md")
    hits = [h for h in checks.schema(article, {"schemas": {"**": schema}}) if h.data["path"] == "authors[1]"]
    assert article.position(hits[0].start)[0] == 5
