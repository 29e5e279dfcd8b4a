"""The Article model: decoding, coordinates, front matter, prose masking, blocks, sentences."""

from __future__ import annotations

import codecs

import pytest

from lint.article import Article, looks_binary


def article(text: str, path: str = "post.md") -> Article:
    return Article(text.encode("utf-8"), path)


# -- decoding ------------------------------------------------------------------------------


def test_invalid_utf8_runs_are_recorded_with_byte_and_text_offsets():
    data = "café ".encode() + b"\xff\xfe" + " ok ".encode() + b"\xe2\x80" + "\n€".encode()
    a = Article(data, "x.txt")
    assert [(e.byte_start, e.byte_end, e.data) for e in a.decode_errors] == [
        (6, 8, b"\xff\xfe"), (12, 14, b"\xe2\x80")]
    for error in a.decode_errors:
        assert set(a.text[error.start:error.end]) == {"\ufffd"}
    assert a.text.endswith("\n€")
    assert a.text.startswith("café ")


def test_bom_is_recorded_and_stripped():
    a = Article(codecs.BOM_UTF8 + b"---\ntitle: x\n---\nBody\n", "p.md")
    assert a.bom and a.encoding == "utf-8"
    assert a.text.startswith("---")
    assert a.front_matter.data == {"title": "x"}


def test_utf16_with_bom_is_decoded_and_not_binary():
    data = "\ufeffHé\r\nllo".encode("utf-16-le")
    assert not looks_binary(data)
    a = Article(data, "p.txt")
    assert (a.encoding, a.bom, a.text) == ("utf-16-le", True, "Hé\r\nllo")


def test_nul_bytes_without_bom_are_binary():
    assert looks_binary(b"GIF89a\x00\x01")
    assert not looks_binary("plain text".encode())


# -- coordinates ---------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_positions_are_1_based_lines_and_code_point_columns(newline):
    text = newline.join(["first", "😀 second", "third"])
    a = article(text)
    offset = text.index("second")
    assert a.position(offset) == (2, 3)  # the emoji is one code point
    assert a.offset(2, 3) == offset
    assert a.location(offset, offset + 6).end_column == 9
    assert a.newline == newline


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_location_is_the_positions_of_its_start_and_end(newline):
    text = newline.join(["ab", "", "😀 cd", "e"]) + newline
    a = article(text)
    for start in range(-1, len(text) + 2):
        for end in range(-2, len(text) + 3):
            assert tuple(a.location(start, end)) == a.position(start) + a.position(max(start, end))


def test_lines_exclude_terminators_and_count_a_final_empty_line():
    a = article("a\r\nb\n")
    assert [a.text[s:e] for s, e in a.lines] == ["a", "b", ""]


# -- front matter --------------------------------------------------------------------------


def test_yaml_front_matter_and_body_start():
    a = article("---\ntitle: Hello\ntags: [a, b]\n---\n\nBody text.\n")
    fm = a.front_matter
    assert (fm.kind, fm.closed, fm.data) == ("yaml", True, {"title": "Hello", "tags": ["a", "b"]})
    assert a.body.lstrip() == "Body text.\n"


def test_yaml_dots_terminator():
    fm = article("---\ntitle: Hello\n...\nBody\n").front_matter
    assert fm.closed and fm.closing_delimiter == "..."


def test_toml_front_matter():
    fm = article('+++\ntitle = "Hello"\ndate = 2024-01-02\n+++\nBody\n').front_matter
    assert fm.kind == "toml" and fm.data["title"] == "Hello"


def test_json_front_matter_only_in_markdown():
    text = '{\n  "title": "Hello"\n}\nBody\n'
    assert article(text).front_matter.data == {"title": "Hello"}
    assert article(text, "notes.txt").front_matter is None


def test_unterminated_front_matter_has_no_body_offset():
    a = article("---\ntitle: Hello\nBody without a closing line\n")
    assert a.front_matter is not None and not a.front_matter.closed
    assert a.body_start == 0


def test_yaml_error_offset_points_into_the_file():
    text = "---\ntitle: Hello\nbad: [unclosed\nother: x\n---\nBody\n"
    fm = article(text).front_matter
    assert fm.data is None and fm.error is not None
    line = text.count("\n", 0, fm.error.offset) + 1
    assert 3 <= line <= 5


def test_front_matter_never_constructs_python_objects():
    fm = article("---\nx: !!python/object/apply:os.system ['echo hacked']\n---\n").front_matter
    assert fm.data is None and fm.error is not None


def test_blank_lines_before_the_delimiter_are_recorded():
    fm = article("\n---\ntitle: x\n---\nBody\n").front_matter
    assert fm.leading_blank_lines == 1 and fm.data == {"title": "x"}


# -- prose masking -------------------------------------------------------------------------


def test_prose_text_keeps_offsets_and_blanks_non_prose():
    text = ("---\ntitle: T\n---\n"
            "See [the report](https://example.com/r) and `code here`.\n\n"
            "```python\nprint('not prose')\n```\n\n"
            "<!-- a comment --> Visit www.example.org today. {{ site.title }} <b>bold</b>\n")
    a = article(text)
    prose = a.prose_text
    assert len(prose) == len(text)
    assert prose.count("\n") == text.count("\n")
    for gone in ("title: T", "https://example.com", "code here", "not prose", "a comment",
                 "www.example.org", "site.title", "<b>"):
        assert gone not in prose
    for kept in ("the report", "and", "Visit", "today.", "bold"):
        assert kept in prose


def test_plain_text_masks_urls_but_not_markdown_syntax():
    a = article("Read `this` at https://example.com/a.\n", "notes.txt")
    assert "`this`" in a.prose_text
    assert "https" not in a.prose_text
    assert a.prose_text.rstrip().endswith(".")  # trailing punctuation stays prose


def test_indented_code_after_blank_line_is_not_prose_but_list_continuation_is():
    a = article("Intro.\n\n    code line\n\n- item\n\n    continued item text\n")
    assert "code line" not in a.prose_text
    assert "continued item text" in a.prose_text


# -- blocks --------------------------------------------------------------------------------


def test_blocks_split_on_blank_lines_and_headings():
    a = article("# Title\nFirst para\nstill first.\n\n- a\n- b\n\n```\ncode\n```\nLast.\n")
    assert [b.kind for b in a.blocks] == ["heading", "paragraph", "list", "code", "paragraph"]
    assert a.blocks[1].text == "First para\nstill first."


def test_text_without_blank_lines_has_one_block_per_line():
    a = article("Para one.\nPara two.\nPara three.\n", "story.txt")
    assert [b.text for b in a.blocks] == ["Para one.", "Para two.", "Para three."]


# -- sentences -----------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    a = article(text)
    return [a.text[s:e] for s, e in a.sentences]


def test_sentences_respect_abbreviations_initials_and_decimals():
    got = sentences("Mr. Smith met U.S. officials at 3.5 p.m. on Monday. John F. Kennedy "
                    "was not there! Was it rain? “Yes,” she said. Then they left.")
    assert got == [
        "Mr. Smith met U.S. officials at 3.5 p.m. on Monday.",
        "John F. Kennedy was not there!",
        "Was it rain?",
        "“Yes,” she said.",
        "Then they left.",
    ]


def test_sentences_end_next_to_markdown_emphasis():
    got = sentences("**Want to keep going?** No problem, the projects stay open. "
                    "They said so. **It is not over.** _Really._ Then snake_case stays.")
    assert got == [
        "**Want to keep going?**",
        "No problem, the projects stay open.",
        "They said so.",
        "**It is not over.**",
        "_Really._",
        "Then snake_case stays.",
    ]


def test_sentences_end_at_block_boundaries():
    assert sentences("A heading-less line\n\nAnother block without a stop") == [
        "A heading-less line", "Another block without a stop"]


def test_memo_computes_once_per_key_and_keeps_nothing_when_compute_fails():
    article = Article(b"Some text.", "a.md")
    calls = []
    assert article.memo(("family", 1), lambda: calls.append(1) or "value") == "value"
    assert article.memo(("family", 1), lambda: calls.append(1) or "other") == "value"
    assert article.memo(("family", 2), lambda: calls.append(2) or "second") == "second"
    assert calls == [1, 2]

    def broken():
        raise ValueError("no")

    with pytest.raises(ValueError):
        article.memo("broken", broken)
    assert article.memo("broken", lambda: "fixed") == "fixed"
