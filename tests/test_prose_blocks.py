"""Block splitting around code: a line that opens with inline code is prose."""

from lint.article import Article


def test_line_opening_with_inline_code_stays_in_its_paragraph():
    text = ("While the example uses the `node:net` module,\n"
            "`node:dgram` module servers use the same workflow with the exception of\n"
            "listening on a `'message'` event.\n\n"
            "```\ncode block\n```\n")
    article = Article(text.encode(), "post.md")
    kinds = [(b.kind, b.text.splitlines()[0]) for b in article.blocks]
    assert kinds == [("paragraph", "While the example uses the `node:net` module,"), ("code", "```")]
    assert article.blocks[0].end == text.index("\n\n")


def test_a_line_that_is_all_inline_code_stays_in_its_paragraph():
    text = "Running\n`node --import ./hooks.mjs ./main.mjs`\nprints the result.\n\nThe end.\n"
    article = Article(text.encode(), "post.md")
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph"]
    assert article.blocks[0].text.endswith("prints the result.")


def test_footnote_definitions_are_prose_link_definitions_are_not():
    text = ("A claim.[^1]\n\n[^1]: Older kernels may work, but the\n    release is built on RHEL 8.\n\n"
            "[docs]: https://example.org/docs\n")
    article = Article(text.encode(), "post.md")
    footnote = text.index("Older kernels")
    assert article.prose_text[footnote:footnote + 13] == "Older kernels"
    definition = text.index("[docs]:")
    assert article.prose_text[definition:definition + 7].strip() == ""
