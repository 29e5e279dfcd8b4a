"""Block splitting around code: a line that opens with inline code is prose."""

import random
import re

from lint import prose
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


def _nonprose(text, path="post.md"):
    article = Article(text.encode(), path)
    return [(s.kind, text[s.start:s.end]) for s in article.nonprose]


def test_urls_and_emails_found_on_their_lines_in_any_case_and_line_ending():
    # URLs and e-mail addresses are looked for only on the lines holding "://", "www."
    # (any case) or "@"; U+0130 lowers to two characters, which must not shift offsets.
    text = "See WWW.Example.com, http://a.b/c). Mail x.y@z.co now.\r\nİstanbul www.x.org.\r\n"
    assert _nonprose(text) == [("url", "WWW.Example.com"), ("url", "http://a.b/c"),
                               ("url", "x.y@z.co"), ("url", "www.x.org")]
    assert _nonprose("no links here, user @name\n") == []
    # only "://" (no "www." in any case), and "www." in mixed case, in text that is not ASCII
    assert _nonprose("Café: https://a.b/c.\n") == [("url", "https://a.b/c")]
    assert _nonprose("Café — wWw.x.org\n") == [("url", "wWw.x.org")]


def test_www_test_is_that_of_the_lowered_text():
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice("wW.İ:/é\ud800 ") for _ in range(rng.randint(0, 10)))
        assert prose._has_www(text) == ("www." in text.lower()), repr(text)


def test_url_needle_finds_what_a_case_insensitive_search_finds():
    needle = re.compile(r"://|www\.", re.I)
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice("wW.İ:/é\ud800 ") for _ in range(rng.randint(0, 12)))
        next_hit = prose._url_needle(text, prose._has_www(text))
        for pos in range(len(text) + 1):
            hit = needle.search(text, pos)
            assert next_hit(pos) == (-1 if hit is None else hit.start()), (repr(text), pos)


def test_single_spaced_is_split_and_joined_whatever_the_white_space():
    rng = random.Random(11)
    alphabet = "ab \n\t\x0b\x1c\x85\xa0\u2000\u2009\u200b\u00ad’é\ud800\u3000\u2028"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert prose.single_spaced(text) == " ".join(text.split()), repr(text)


def test_code_blocks_with_crlf_and_lone_cr_line_endings():
    text = "Text\r\n\r\n    code\r\n\r\n    more\r\nafter\r\n\r\n```  \r\nx\r\n  ````  \r\nend\r\n"
    article = Article(text.encode(), "post.md")
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", "Text"), ("code", "    code\r\n\r\n    more"), ("paragraph", "after"),
        ("code", "```  \r\nx\r\n  ````  "), ("paragraph", "end")]
    old_mac = "Text\r\rold mac\r\r    code\r"
    assert _nonprose(old_mac) == [("code", "    code")]


def test_liquid_codeblock_and_highlight_tags_are_code_blocks():
    # Octopress/Jekyll: the tag lines and what they enclose are code, and the block ends the
    # paragraph the tag follows
    text = ("You will get this error:\n{% codeblock error error.sh%}\n$ gem install x\n"
            "Building native extensions.\n\n        /usr/bin/ruby extconf.rb\n{% endcodeblock %} \n"
            "Then {% img /a.png %} this.\n\n  {% highlight ruby linenos %}\nputs 1\n{% endhighlight ruby %}\n")
    article = Article(text.encode(), "post.markdown")
    assert [(b.kind, b.text.splitlines()[0]) for b in article.blocks] == [
        ("paragraph", "You will get this error:"), ("code", "{% codeblock error error.sh%}"),
        ("paragraph", "Then {% img /a.png %} this."), ("code", "  {% highlight ruby linenos %}")]
    assert article.blocks[1].text.endswith("{% endcodeblock %} ")
    assert article.blocks[3].text.endswith("{% endhighlight ruby %}")
    assert ("template", "{% img /a.png %}") in _nonprose(text, "post.markdown")
    # the end tag must be the opener's; without one, the tag is a template tag on prose
    assert _nonprose("{% highlight x %}\nWords here.\n{% endcodeblock %}\n") == [
        ("template", "{% highlight x %}"), ("template", "{% endcodeblock %}")]
    # lines ended by a lone CR are read line by line
    assert _nonprose("Text\r{% codeblock %}\rcode\r{% endcodeblock %}\rafter\r") == [
        ("code", "{% codeblock %}\rcode\r{% endcodeblock %}")]


def test_indented_line_after_a_list_item_is_not_code():
    text = "- item\n\n    continued\n\nPara\n\n    code\n"
    assert _nonprose(text) == [("code", "    code")]


def test_abbreviation_before_a_period_on_the_next_line():
    from lint.text import split_sentences

    text = "Ask Mr\n. Smith went. Then Bob\n. Yes."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Ask Mr\n. Smith went.", "Then Bob\n.", "Yes."]


# -- plain prose: Markdown syntax out ---------------------------------------------------

_MARKDOWN = ("Some *emphasis*, __strong__ and ~~gone~~ words.\n"
             "A [link](https://example.org) and a note.[^1] An escaped \\*star\\* here.\n"
             "Fish &amp; chips &eacute;t&eacute;.\n\n"
             "- first item\n- second *item*\n\n"
             "> quoted [text][ref] here\n\n"
             "[^1]: The footnote.\n")


def _article(text, path="post.md"):
    return Article(text.encode(), path)


def test_units_are_the_prose_without_its_markdown():
    article = _article(_MARKDOWN)
    units = prose.prose_units(article)
    assert units.texts == [
        "Some emphasis, strong and gone words. A link and a note. An escaped star here. "
        "Fish & chips été.", "first item", "second item", "quoted text here", "The footnote."]
    assert [kind for _, _, kind in units.spans] == ["paragraph", "list", "list", "quote", "paragraph"]
    assert prose.prose_units(article) is units  # memoised on the article


def test_paragraphs_keep_a_map_back_to_the_article():
    article = _article(_MARKDOWN)
    plain = prose.prose_paragraphs(article)
    assert plain.text == (
        "Some emphasis, strong and gone words. A link and a note. An escaped *star* here. "
        "Fish &amp; chips &eacute;t&eacute;.\n\nfirst item\n\nsecond item\n\n"
        "quoted text here\n\nThe footnote.")
    # every word of the plain text maps back onto the same word in the article
    for m in re.finditer(r"[A-Za-z]+", plain.text):
        span = plain.to_article(m.start(), m.end())
        assert span is not None and article.text[span[0]:span[1]] == m.group(), (m.group(), span)
    gap = plain.text.index("\n\n")
    assert plain.to_article(gap - 1, gap + 2) is None  # a paragraph break is not prose
    assert prose.prose_paragraphs(article) is plain


def test_lines_that_interrupt_a_paragraph_start_a_block():
    # CommonMark: a block quote, a bullet item, an item numbered 1, a block-level HTML tag
    # and a thematic break end a paragraph without a blank line; inline HTML and an item
    # numbered 2 go on with it
    text = ("From the book:\n> A quote.\nlazy line\n\n"
            "Lead:\n<blockquote>We are hiring.</blockquote>\n\n"
            "Ideas:\n- a\n- b\n  c\n1. x\n\n"
            "Text and\n<em>inline</em> HTML\n***\nafter the break\n\n"
            "Steps a\n2. b\n\n"
            "> a quote\n- goes on\n")
    assert [(b.kind, b.text) for b in _article(text).blocks] == [
        ("paragraph", "From the book:"), ("quote", "> A quote.\nlazy line"),
        ("paragraph", "Lead:"), ("html", "<blockquote>We are hiring.</blockquote>"),
        ("paragraph", "Ideas:"), ("list", "- a\n- b\n  c\n1. x"),
        ("paragraph", "Text and\n<em>inline</em> HTML"), ("thematic", "***"), ("paragraph", "after the break"),
        ("paragraph", "Steps a\n2. b"),
        ("quote", "> a quote\n- goes on")]
    # plain text has no such syntax
    assert [b.kind for b in _article(text, "post.txt").blocks][:2] == ["paragraph", "paragraph"]
    assert _article(text, "post.txt").blocks[0].text == "From the book:\n> A quote.\nlazy line"


def _code_lines(text: str) -> list[str]:
    a = Article(text.encode(), "post.md")
    return [line.strip() for line in text.splitlines()
            if line.strip() and line.strip() not in a.prose_text]


def test_code_inside_list_items_is_code_and_their_paragraphs_are_prose():
    # CommonMark: in an item whose content starts at column c, an indented code block
    # starts at c + 4, and a fence may be indented up to c + 3.
    text = ("1. Install it:\n\n"
            "       pip install the the tool\n\n"  # column 7 = 3 + 4: code
            "   It takes a minute a minute.\n\n"  # column 3: the item's paragraph
            "2. Run it:\n\n"
            "    ~~~\n"  # column 4 < 3 + 4: a fence inside item 2
            "    echo it it\n"
            "    ~~~\n\n"
            "- Note:\n"
            "  a continuation line of the note\n\n"
            "    More of the note, indented 4 under a 2-column item.\n")
    assert _code_lines(text) == ["pip install the the tool", "~~~", "echo it it", "~~~"]


def test_a_paragraph_shallower_than_the_item_ends_the_list():
    text = "- item\n\n A paragraph after the list.\n\n    code after the list\n"
    assert _code_lines(text) == ["code after the list"]


def test_a_raw_html_line_interrupts_a_paragraph_and_ends_where_it_closes():
    # CommonMark's HTML blocks of type 1 (<pre>, <script>, <style>, <textarea>) interrupt a
    # paragraph and end on the line that closes them, blank line or not
    text = ("Run\n<pre>git clone repo</pre>\nThen set it up.\n"
            "<PRE>\nmake\n\nmake install\n</pre>\nDone.\n\n"
            "<script>track()</script> and more\nAfter.\n\n"
            "Text with <pre>inline</pre> tags\ngoes on.\n")
    assert [(b.kind, b.text) for b in _article(text).blocks] == [
        ("paragraph", "Run"), ("html", "<pre>git clone repo</pre>"), ("paragraph", "Then set it up."),
        ("html", "<PRE>\nmake\n\nmake install\n</pre>"), ("paragraph", "Done."),
        ("html", "<script>track()</script> and more"), ("paragraph", "After."),
        ("paragraph", "Text with <pre>inline</pre> tags\ngoes on.")]
    # an unclosed one runs to the end; plain text has no HTML blocks
    assert [b.kind for b in _article("Lead\n<pre>\ncode\n\nmore\n").blocks] == ["paragraph", "html"]
    assert [b.kind for b in _article("Lead\n<pre>x</pre>\nmore\n\nEnd.\n", "post.txt").blocks] == [
        "paragraph", "paragraph"]


def test_hard_wrapped_lines_without_blank_lines_are_paragraphs_not_a_paragraph_a_line():
    wrapped = ("Both parties have moved away from the era when insiders in\n"
               "proverbial smoke-filled rooms could be kingmakers\n"
               "at the national conventions, and the president has\n"
               "dominated every primary he has competed in thus\n"
               "far. No prominent Democrats have called for him\n"
               "to step aside.\n")
    for path in ("post.txt", "post.md"):
        assert [b.text for b in _article(wrapped, path).blocks] == [wrapped.rstrip("\n")]
    # a paragraph a line (a scraped archive) stays so: each line starts with a capital
    per_line = "Headline of the day\nThe first paragraph, in full.\nThe second one\nAnd a third.\n"
    assert len(_article(per_line, "post.txt").blocks) == 4
    # Markdown that opens with HTML would be one HTML block: its lines stay blocks
    html = "<p>\n    Peru ended up not working out, and\n    visas did not let them leave.\n</p>\n"
    assert [b.kind for b in _article(html).blocks] == ["html", "paragraph", "paragraph", "html"]
