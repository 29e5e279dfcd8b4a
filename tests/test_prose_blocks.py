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
