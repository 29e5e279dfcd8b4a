"""The hard parts of the boilerplate family: where a trailing region starts, what counts
as furniture, and that the unsafe fixes leave clean text."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.article import Article
from lint.checks import resolve
from lint.config import Resolver

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def rules():
    ruleset = Resolver(isolated=True, cwd=FIXTURES).project.ruleset
    return {r.code: r for r in ruleset}


def run(rules, code, text, path="post.md", **params):
    rule = rules[code]
    merged = dict(rule.params)
    merged.update(params)
    article = Article(text.encode("utf-8"), path)
    return article, list(resolve(rule.check).fn(article, merged))


def apply(article, hit):
    text = article.text
    for edit in sorted(hit.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


ARTICLE = (
    "The council voted on Tuesday to add protected bike lanes along Main Street, ending a\n"
    "debate that has run for more than a year and divided the neighbourhood.\n"
    "\n"
    "Construction starts in September and should end before the first snow, the public\n"
    "works department said in a statement on Wednesday morning.\n"
)


def test_trailing_region_spans_marker_to_end_and_fix_leaves_one_newline(rules):
    text = ARTICLE + "\nYou may also like\n\nNew bus line opens\nPool reopens Saturday\n\n\n"
    article, hits = run(rules, "BP101", text)
    assert len(hits) == 1
    hit = hits[0]
    assert article.text[hit.start:hit.end].startswith("You may also like")
    assert article.text[hit.start:hit.end].endswith("Pool reopens Saturday")
    assert apply(article, hit) == ARTICLE


def test_a_technorati_tag_line_is_furniture_of_one_line(rules):
    tags = ('Technorati: <a href="http://technorati.com/tag/bikes" rel="tag">bikes</a> &#8211; '
            '<a href="http://technorati.com/tag/council" rel="tag">council</a>\n')
    article, hits = run(rules, "BP101", ARTICLE + "\n" + tags)
    assert len(hits) == 1
    assert hits[0].data["lines"] == 1 and hits[0].data["unit"] == "line"
    assert apply(article, hits[0]) == ARTICLE


def test_fix_keeps_crlf_line_endings(rules):
    text = (ARTICLE + "\nLeave a Reply\nYour email address will not be published.\n").replace("\n", "\r\n")
    article, hits = run(rules, "BP101", text)
    assert len(hits) == 1
    assert apply(article, hits[0]) == ARTICLE.replace("\n", "\r\n")


def test_hard_wrapped_closing_paragraph_is_running_text(rules):
    # Each line is short and most do not end in punctuation, like a headline list; joined,
    # they are one paragraph of running text, which ends any trailing region.
    closing = (
        "Newsletter\n\n"
        "readers who want weekly updates on the construction can write to the public works\n"
        "department, which sends a short summary every Friday with the closures for the\n"
        "coming week and the detours that go with them\n"
    )
    article, hits = run(rules, "BP101", ARTICLE + "\n" + closing)
    assert hits == []


def test_headline_list_is_not_joined_into_a_paragraph(rules):
    tail = (
        "\nRelated Posts\n"
        "Student union backs candidates lacking funds for the campus polls this autumn\n"
        "Rapper Sentenced To Three Years In Jail For Wire Fraud Over Luxury Goods Purchases\n"
        "Premium Tablets To Be Manufactured In India Under New Partnership With Local Firm\n"
    )
    article, hits = run(rules, "BP101", ARTICLE + tail)
    assert len(hits) == 1


def test_weak_marker_needs_furniture_after_it(rules):
    alone = ARTICLE + "\nSubscribe to our security mailing list to get notified of new advisories.\n"
    assert run(rules, "BP101", alone)[1] == []
    with_buttons = ARTICLE + "\nShare this:\n\nFacebook\nTwitter\nEmail\n"
    assert len(run(rules, "BP101", with_buttons)[1]) == 1


def test_running_text_after_a_marker_cancels_the_region(rules):
    text = ARTICLE + (
        "\nRelated Posts\n\n"
        "An earlier story covered the first public hearing, where more than two hundred residents\n"
        "spoke for and against the plan over four hours, and the council postponed the vote.\n"
    )
    assert run(rules, "BP101", text)[1] == []


def test_marker_heading_over_sentences_only_is_the_authors_section(rules):
    section = "\n### Other Stuff\n\nI started a new book.\n\n### Up Next\n\nKeep working on CS50.\n"
    assert run(rules, "BP101", ARTICLE + section)[1] == []
    teaser = "\n### Up Next\n\nKeep working on CS50\nNew bus line opens\n"  # headlines, no stops
    assert len(run(rules, "BP101", ARTICLE + teaser)[1]) == 1
    assert len(run(rules, "BP101", ARTICLE + "\n### Up Next\n")[1]) == 1  # a heading over nothing
    # a marker that is not a heading is furniture itself, whatever follows it
    form = "\nYour email address will not be published. Required fields are marked *\n\nThanks.\n"
    assert len(run(rules, "BP101", ARTICLE + form)[1]) == 1


def test_marker_without_article_before_it_is_not_a_tail(rules):
    text = "Tags: cycling, council\n\nNew bus line opens\nPool reopens Saturday\n"
    assert run(rules, "BP101", text)[1] == []


def test_earliest_marker_of_a_furniture_tail_starts_the_region(rules):
    text = ARTICLE + "\nShare this:\nFacebook\nTwitter\n\nLeave a Reply\nName *\nEmail *\n"
    article, hits = run(rules, "BP101", text)
    assert len(hits) == 1
    assert article.text[hits[0].start:].startswith("Share this:")


def test_marker_lexicon_is_replaceable(rules):
    text = ARTICLE + "\nWeitere Artikel aus der Region\n\nNeue Buslinie\nFreibad öffnet\n"
    assert run(rules, "BP101", text)[1] == []
    custom = ("Weitere Artikel",)
    assert len(run(rules, "BP101", text, **{"marker-lexicon": custom})[1]) == 1


def test_link_dump_fix_removes_the_run_and_its_blank_lines(rules):
    text = ("Intro paragraph that says something about the story at some length here.\n\n"
            "https://a.example/1\n\nhttps://b.example/2\n\nhttps://a.example/1\n\n"
            "The end of the story is a real paragraph.\n")
    article, hits = run(rules, "BP102", text, path="post.txt")
    assert len(hits) == 1
    assert hits[0].data["count"] == 3
    assert apply(article, hits[0]) == (
        "Intro paragraph that says something about the story at some length here.\n\n"
        "The end of the story is a real paragraph.\n")


def test_bare_urls_that_continue_an_authored_list_are_silent(rules):
    text = ("Some prose before the list, long enough to be a paragraph of the article.\n\n"
            "- Kohlschütter et al., Boilerplate Detection using Shallow Text Features, 2010.\n"
            "- https://github.com/miso-belica/jusText\n"
            "- https://github.com/kohlschutter/boilerpipe\n"
            "- https://github.com/huggingface/datatrove\n")
    assert run(rules, "BP102", text)[1] == []


def test_lead_in_fix_capitalises_the_first_word(rules):
    text = "Here's what you need to know: the pass costs $20 a month from September.\n"
    article, hits = run(rules, "BP103", text, path="post.txt")
    assert len(hits) == 1
    assert article.text[hits[0].start:hits[0].end] == "Here's what you need to know:"
    assert apply(article, hits[0]) == "The pass costs $20 a month from September.\n"


def test_lead_in_only_at_the_start_of_the_body(rules):
    text = ("The council met on Tuesday.\n\n"
            "Let's dive into the details: the plan adds twelve kilometres of lanes.\n")
    assert run(rules, "BP103", text, path="post.txt")[1] == []


def test_caption_needs_a_credit_to_join_it(rules):
    text = ("The river reached its highest level on Sunday, the city said.\n"
            "Volunteers fill sandbags on the quay in Dresden, Aug. 12, 2025.\n"
            "Jane Doe / Reuters\n"
            "“We have never seen it this high,” said one resident.\n")
    article, hits = run(rules, "BP104", text, path="post.txt")
    assert len(hits) == 1
    assert article.text[hits[0].start:hits[0].end] == (
        "Volunteers fill sandbags on the quay in Dresden, Aug. 12, 2025.\nJane Doe / Reuters")


def test_quoted_sentence_above_a_credit_is_not_its_caption(rules):
    text = ("“We have never seen it this high,” said one resident on Sunday.\n"
            "Jane Doe / Reuters\n")
    article, hits = run(rules, "BP104", text, path="post.txt")
    assert [article.text[h.start:h.end] for h in hits] == ["Jane Doe / Reuters"]


def test_lowercase_label_is_prose_not_a_caption(rules):
    text = "Save the settings file: the next run reads it.\nfile: config.yaml\n"
    assert run(rules, "BP104", text, path="post.txt")[1] == []


def test_a_label_in_title_case_opens_a_caption_too(rules):
    text = ARTICLE + "\nPhoto Credit: [neilsphotoalbum](https://www.flickr.com/photos/x/1/) on flickr\n"
    article, hits = run(rules, "BP104", text)
    assert [article.text[h.start:h.end][:13] for h in hits] == ["Photo Credit:"]
    assert run(rules, "BP104", text.replace("Photo Credit", "photo credit"))[1] == []


def test_markup_in_code_and_embeds_is_silent(rules):
    text = ("Some text.\n\n```html\n<meta name=\"x\" content=\"y\">\n```\n\n"
            "<script async src=\"https://platform.twitter.com/widgets.js\"></script>\n"
            "Use the `<meta-options>` anchor.\n")
    assert run(rules, "BP105", text)[1] == []


def test_placeholders_in_the_front_matter_values_readers_see(rules):
    text = ("---\ntitle: Summit\ndescription: Brief description of your post\n"
            "notes: \"TODO: check the figures\"\n---\n\n" + ARTICLE)
    article, hits = run(rules, "BP107", text)
    assert [article.text[h.start:h.end] for h in hits] == ["Brief description of your post"]
    assert run(rules, "BP107", text, **{"front-matter-keys": []})[1] == []
    toml = "+++\ntitle = \"TODO: a title\"\n+++\n\n" + ARTICLE
    article, hits = run(rules, "BP107", toml)
    assert [article.text[h.start:h.end] for h in hits] == ['"TODO: a title"']


def test_a_named_todo_is_a_placeholder_and_kotlins_todo_call_is_not(rules):
    text = "---\ntitle: TODO(askham)\n---\n\n" + ARTICLE + "\nTODO(jane) add the figures.\n"
    article, hits = run(rules, "BP107", text)
    assert [article.text[h.start:h.end] for h in hits] == ["TODO(askham)", "TODO("]
    assert run(rules, "BP107", ARTICLE + "\nKotlin's TODO() throws when it runs.\n")[1] == []


def test_a_blog_client_signature_ends_the_article(rules):
    text = ARTICLE + "\nBlogged with the Flock Browser\n\nTags: bikes, council\n"
    article, hits = run(rules, "BP101", text)
    assert [article.text[h.start:h.end] for h in hits] == ["Blogged with the Flock Browser\n\nTags: bikes, council"]


def test_credits_of_archive_pictures_and_photo_illustrations(rules):
    text = ("Special counsel Robert Hur declined to file charges.\n\n"
            "U.S. Attorney Robert Hur, in Baltimore in 2019.\n"
            "Steve Ruark / AP file\n\n"
            "Ian Sams, a spokesperson, told reporters the report was gratuitous.\n\n"
            "Photo-illustration: Jacqui VanLiew; Getty Images\n")
    article, hits = run(rules, "BP104", text, path="post.txt")
    assert [(article.text[h.start:h.end], h.data["what"]) for h in hits] == [
        ("U.S. Attorney Robert Hur, in Baltimore in 2019.\nSteve Ruark / AP file", "caption and credit"),
        ("Photo-illustration: Jacqui VanLiew; Getty Images", "credit")]
    # "file" after a slash is a credit's only after an agency
    assert run(rules, "BP104", "Open the settings / config file\n", path="post.txt")[1] == []


def test_template_sections_need_several_distinct_headings(rules):
    one = "## Key Takeaways\n\n- One.\n\n## Conclusion\n\nDone.\n"
    assert run(rules, "BP106", one)[1] == []
    three = one + "\n## Frequently Asked Questions\n\nNone yet.\n"
    article, hits = run(rules, "BP106", three)
    assert len(hits) == 1 and len(hits[0].related) == 2


def test_credit_under_its_picture_is_silent(rules):
    text = ("Vector databases make this step fast at scale.\n\n"
            "![Vector space visualization](https://images.example.com/photo-1.jpg)\n"
            "*Photo by Mika Baumeister on Unsplash*\n\n"
            "The same credit without the picture is a leftover.\n\n"
            "*Photo by Mika Baumeister on Unsplash*\n")
    article, hits = run(rules, "BP104", text)
    assert [article.line_of(h.start) + 1 for h in hits] == [8]


def test_series_list_with_site_links_is_the_authors_section(rules):
    tail = ("\n## Related posts\n\n"
            "- [Part 1: the first hearing]({% post_url 2024-03-01-hearing %})\n"
            "- [Part 2: the budget](/2024/04/budget/)\n")
    assert run(rules, "BP101", ARTICLE + tail)[1] == []
    scraped = tail.replace("{% post_url 2024-03-01-hearing %}", "https://other.example/a")
    assert len(run(rules, "BP101", ARTICLE + scraped)[1]) == 1


def test_policy_heading_is_a_section_but_a_footer_row_is_furniture(rules):
    section = ("\n## Privacy Policy\n\n- No tracking\n- No accounts\n- Nothing leaves your device\n")
    assert run(rules, "BP101", ARTICLE + section)[1] == []
    footer = "\nPrivacy Policy | Terms of Use | Contact\n\nSitemap\n"
    assert len(run(rules, "BP101", ARTICLE + footer)[1]) == 1


def test_label_candidates_are_the_short_lines_that_open_with_a_label(rules):
    # BP105 looks only at the lines its search picks out: a line of at most 120 characters
    # (carriage returns aside) whose text after the lead characters starts with the first
    # two letters of a label, in any case. The first body line is always a candidate.
    from lint.checks.boilerplate import _LABEL_LEAD, _body_lines, _label_candidates, _lexicon

    heads = frozenset(e.strip()[:2].lower() for e in _lexicon(rules["BP105"].params, "label-lexicon"))
    lines = ["Opening line of the article.", "» Read more", "READ MORE ›", "  [Continue reading](x)",
             "Re" + "x" * 118, "Re" + "x" * 119, "Reading the " + "report " * 20, "Some text, read more.",
             "Click here\r", "«Lire la suite»"]
    for newline in ("\n", "\r\n", "\n\n"):
        art = Article(newline.join(lines).encode() + b"\n", "post.md")
        expected = [ln.start for k, ln in enumerate(_body_lines(art))
                    if k == 0 or (len(ln.raw) <= 120 and ln.raw.lstrip(_LABEL_LEAD)[:2].lower() in heads)]
        assert [ln.start for ln in _label_candidates(art, heads)] == expected
    assert [h.data["found"] for h in run(rules, "BP105", "Text.\n\nRead more\n\n" + "Read more " * 13 + "\n")[1]] \
        == ["Read more"]


def test_marker_apostrophes_match_either_form_however_the_entry_is_written():
    from lint.checks.boilerplate import _matches
    for entry in ("Don't miss", "Don’t miss"):
        assert _matches((entry,), "Don't miss our newsletter")
        assert _matches((entry,), "Don’t miss our newsletter")
        assert not _matches((entry,), "Don']t miss our newsletter")


def test_closing_tags_without_opening_ones_are_leftovers(rules):
    text = ARTICLE + "\nThe museum reopens in May.</p>\n\nTickets go on sale in March.</p>\n"
    article, hits = run(rules, "BP105", text)
    assert [(h.data["what"], h.data["found"]) for h in hits] == [
        ("closing tags without opening ones (2)", "</p>")]
    assert (hits[0].start, hits[0].end) == (text.index("</p>"), text.index("</p>") + 4)  # the first one


def test_a_link_closed_without_being_opened_is_a_leftover(rules):
    text = ARTICLE + "\nPhotos are from [everyplace][25] and [Times Open][26]</a> on Flickr, thanks!\n"
    assert [h.data["found"] for h in run(rules, "BP105", text)[1]] == ["</a>"]


def test_syntax_highlighter_shortcodes_are_leftovers_but_link_texts_are_not(rules):
    text = ARTICLE + "\n[shell]\nmysql -u root -p\n[/shell]\n\nSee the [code](https://example.org/c) and [python][1].\n"
    article, hits = run(rules, "BP105", text)
    assert [article.text[h.start:h.end] for h in hits] == ["[shell]\nmysql -u root -p\n[/shell]"]


@pytest.mark.parametrize("body", [
    "<p>The museum reopens in May.</p>\n",  # balanced
    '<a href="https://example.org/museum">The museum</a> reopens in May.\n',
    "<div class=\"note\">\n\nThe museum reopens <span>in May</span>.\n\n</div>\n",
    "Add the missing `</div>` to the site template.\n",  # talked about, in code
    "```html\n</p>\n```\n",
])
def test_balanced_or_quoted_tags_are_not_leftovers(rules, body):
    article, hits = run(rules, "BP105", ARTICLE + "\n" + body)
    assert hits == []


# -- BP108 cut-off ending ----------------------------------------------------------------------

OPENING = ("The council voted on Tuesday to add protected bike lanes along Main Street. Work\n"
           "starts in September, the public works department said.\n\n")


def cut_off(rules, ending, path="post.md", **params):
    article, hits = run(rules, "BP108", OPENING + ending, path, **params)
    return [(article.text[h.start:h.end], h.data["found"]) for h in hits]


@pytest.mark.parametrize("ending, found", [
    # a complete sentence, then a cut one (hard-wrapped: reported on its last line)
    ("The mayor called the vote a turning point. Residents who opposed the plan\nsaid they would",
     "Residents who opposed the plan said they would"),
    # one long sentence that stops on a word it cannot end on, or on a comma
    ("Shop owners on the street, who had asked for parking instead of the lanes, said the",
     "for parking instead of the lanes, said the"),
    ("Shop owners on the street, who had asked for parking instead of the lanes, said that,",
     "for parking instead of the lanes, said that,"),
    # an excerpt's mark after a word; a bare one after a word a sentence cannot end on
    ("The mayor said the lanes would make the street safer for children [\u2026]",
     "would make the street safer for children [\u2026]"),
    ("The mayor said the lanes would make the street safer. Critics of the plan said the\u2026",
     "Critics of the plan said the\u2026"),
    # passed over after the paragraph: a comment, link reference definitions
    ("The mayor called it a turning point. Residents said they would\n\n<!-- more -->\n\n"
     "[1]: https://example.com/vote\n", "Residents said they would"),
])
def test_cut_endings_are_reported_on_the_last_line(rules, ending, found):
    hits = cut_off(rules, ending)
    assert len(hits) == 1
    line, message = hits[0]
    assert "\n" not in line and line in ending.splitlines()
    assert message == found  # the cut sentence, its last eight words at most


def test_a_cut_without_final_newline_or_in_plain_text_is_reported(rules):
    ending = "The mayor called it a turning point. Residents said they would"
    assert cut_off(rules, ending) == [(ending, ending.split(". ")[1])]
    assert len(cut_off(rules, ending + "\r\n", path="post.txt")) == 1


def test_the_last_list_item_is_cut_when_the_list_ends_its_items_with_stops(rules):
    items = "Three changes:\n\n1. Faster builds for large sites.\n2. Windows time zones? Sorry. We made the internals possible\n"
    assert cut_off(rules, items)[0][1] == "We made the internals possible"
    unpunctuated = items.replace("large sites.", "large sites")
    assert cut_off(rules, unpunctuated) == []  # release-note bullets without stops


@pytest.mark.parametrize("ending", [
    "Thanks for reading! Happy coding",
    "That is all for this release. Thanks to everyone who tested the beta",
    "If anything looks broken, send me a message.\n\nCheers,\nJohn",
    "Thank you,\nThe Qubes OS Team",
    "The slides are online, and the recording of the second talk is below:",
    "The recording is on [our channel](https://example.com/videos)",
    "![The new lanes on Main Street](/img/lanes.jpg)",
    '{{< youtube id="w7Ft2ymGmfc" >}}',
    "*The new lanes on Main Street, seen from the town hall on Tuesday*",
    'The mayor called the vote "a turning point for the city and the"',
    "We will keep you posted about the next steps \U0001F6B2",
    "Just thought you would like to know :P",
    "Work on the next phase has started. More news very soon. Stay tuned...",
    "Leave a Reply\n\nYour email address will not be published. Required fields are marked",
    "Map of the front line on Tuesday. Graphic by AFP via Getty Images",
    "- new `--quiet` option\n- templates reload without a restart",
    "| Street | Lanes |\n|---|---|\n| Main | 2 |",
    "## What comes next",
    "the river runs low and slow\nthe leaves come down one by one\nover the hills and the",
    "市议会周二投票决定在主街增设自行车道。工程将于九月开工",
    "สภาเมืองลงมติเห็นชอบให้สร้างเลนจักรยานบนถนนสายหลักเมื่อวันอังคาร และงานจะเริ่มในเดือนกันยายน",
])
def test_endings_written_on_purpose_are_silent(rules, ending):
    assert cut_off(rules, ending) == []


def test_restructuredtext_at_the_end_of_a_plain_text_file_is_silent(rules):
    assert cut_off(rules, ".. versionadded:: 3.11\n", path="doc.rst.txt") == []
    literal = "Example::\n\n    >>> print(bisect_left(keys, 8)) and the\n"
    assert cut_off(rules, literal, path="doc.txt") == []


def test_short_or_lone_sentences_need_a_dangling_word(rules):
    assert cut_off(rules, "The mayor called it a turning point. Residents said") == []  # 2 words
    assert len(cut_off(rules, "The mayor called it a turning point. Residents and")) == 1
    lone = "Shop owners on the street asked the council for parking instead of bike lanes"
    assert cut_off(rules, lone) == []  # may just lack its full stop
    assert len(cut_off(rules, lone, **{"dangling-lexicon": ("lanes",)})) == 1


# -- BP105 empty emphasis ----------------------------------------------------------------------

@pytest.mark.parametrize("line, fixed", [
    ("Happy Birthday, CorrelAid. ** **", "Happy Birthday, CorrelAid."),
    ("**Thanks** to everyone who helped. ** ** Join us.", "**Thanks** to everyone who helped. Join us."),
    ("The party starts at eight.__ __", "The party starts at eight."),
    ("Thanks to everyone who helped.****", "Thanks to everyone who helped."),
])
def test_empty_emphasis_is_reported_and_the_fix_removes_it(rules, line, fixed):
    article, hits = run(rules, "BP105", ARTICLE + "\n" + line + "\n")
    assert [h.data["what"] for h in hits] == ["empty emphasis"]
    assert apply(article, hits[0]) == ARTICLE + "\n" + fixed + "\n"


@pytest.mark.parametrize("body", [
    "**a.** **Test runs:** every pull request runs the suite.\n",  # closes, then opens
    "* * *\n", "** **\n", "____\n",                                # thematic breaks
    "- item\n* *-patterns match any name\n",                       # a bullet, then an asterisk
    "Rated **** by the critics; the password shows as ****.\n",    # ratings, masks
    "Fill in: __ __ __, and 2 * * 3.\n",                           # blanks, arithmetic
    "Write `** **` in code.\n\n```\n** **\n```\n",                 # code
    "Bold**  **words and **ab** ** **cd**\n",                      # touching a word
])
def test_emphasis_that_is_not_empty_or_not_emphasis_is_not_reported(rules, body):
    article, hits = run(rules, "BP105", ARTICLE + "\n" + body)
    assert hits == []


def test_empty_emphasis_is_markdown_only(rules):
    assert run(rules, "BP105", ARTICLE + "\nHappy Birthday. ** **\n", path="post.txt")[1] == []


# -- BP109 indented prose ----------------------------------------------------------------------

TAIL = ("    ### Offene Pitches\n"
        "\n"
        "    Eine Teilnehmerin folgte spontan dem Aufruf, eigene Ideen zu pitchen. Sie verfolgt die Frage,\n"
        "    wie Zielgruppen identifiziert werden können.\n")


def test_indented_prose_after_a_paragraph_is_reported_once_and_the_fix_dedents(rules):
    text = ARTICLE + "\n" + TAIL
    article, hits = run(rules, "BP109", text)
    assert [(h.data["lines"], h.data["found"]) for h in hits] == [(4, "### Offene Pitches")]
    assert article.text[hits[0].start:hits[0].end] == "### Offene Pitches"
    assert apply(article, hits[0]) == ARTICLE + "\n" + TAIL.replace("    ", "")


def test_a_tab_indents_like_four_spaces_and_the_fix_takes_it_off(rules):
    text = ARTICLE + "\n\t" + TAIL.replace("\n    ", "\n\t").lstrip()
    article, hits = run(rules, "BP109", text)
    assert len(hits) == 1
    assert apply(article, hits[0]) == ARTICLE + "\n" + TAIL.replace("    ", "")


@pytest.mark.parametrize("above", [
    "- version: a specifier that varies with the package.\n",
    "1. version: a specifier that varies with the package.\n",
    # a continuation line indented less than the item's content, then the paragraph
    "* version: a specifier that varies with the package.\n  Note that it may be omitted.\n",
    # a lazy continuation line at the margin
    "- version: a specifier that varies with the package.\nIt may be omitted.\n",
    # an item's second paragraph, then another indented one
    "- version: a specifier.\n\n  It may be omitted when the package is missing.\n",
    "!!! note\n", "=== \"Tab one\"\n", "[^1]:\n", "Apple\n:   A fruit.\n",
])
def test_a_list_items_paragraph_indented_four_spaces_is_text_not_code(rules, above):
    article, hits = run(rules, "BP109", ARTICLE + "\n" + above + "\n" + TAIL)
    assert hits == []


def test_code_inside_a_list_item_is_reported_without_a_fix(rules):
    nested = "".join("    " + line if line.strip() else line for line in TAIL.splitlines(True))
    # (the continuation line keeps the Article's scan from taking the whole item for text)
    article, hits = run(rules, "BP109", ARTICLE + "\n- An item.\n  More of the item.\n\n" + nested)
    assert len(hits) == 1 and hits[0].fix is None


def test_no_fix_when_a_list_item_comes_before_the_block(rules):
    # "-" and four spaces: the item's content starts in column 5, so the block is not its
    # paragraph; dedenting it next to the list could still change the list
    article, hits = run(rules, "BP109", ARTICLE + "\n-    An item.\n  More of the item.\n\n" + TAIL)
    assert len(hits) == 1 and hits[0].fix is None


def test_a_fenced_block_of_prose_and_plain_text_files_are_not_looked_at(rules):
    fenced = "```\n" + TAIL.replace("    ", "") + "```\n"
    assert run(rules, "BP109", ARTICLE + "\n" + fenced)[1] == []
    assert run(rules, "BP109", ARTICLE + "\n" + TAIL, path="post.txt")[1] == []


@pytest.mark.parametrize("block", [
    "    $ pip install mytool\n    $ mytool init --force\n",
    "    >>> import ftfy\n    >>> ftfy.fix_text('The Mona Lisa doesn't have eyebrows.')\n",
    "    [server]\n    port = 8080\n    host = \"0.0.0.0\"\n",
    "    2021-06-01 09:00:01 INFO Starting the server. Listening on port 8080.\n"
    "    2021-06-01 09:00:02 INFO Ready. Press Ctrl+C to stop the server now.\n",
    "    npm WARN deprecated request@2.88.2: request has been deprecated, see the issue.\n"
    "    added 52 packages from 47 contributors and audited 52 packages in 2.1s.\n",
    "    Error. The configuration file could not be found on this machine. Please check the path and try again.\n",
    "    +--------+      +--------+\n    | client | ---> | server |\n    +--------+      +--------+\n",
    "    The woods are lovely, dark and deep,\n    But I have promises to keep,\n",
    # verse in stanzas keeps its box
    "    Whose woods these are I think I know.\n    His house is in the village though;\n"
    "    He will not see me stopping here\n    To watch his woods fill up with snow.\n\n"
    "    My little horse must think it queer\n    To stop without a farmhouse near.\n",
    # a NEWS file: bullets and backquotes are plain-text conventions too
    "    Version 2.0 brings a new plugin system, which replaces the old hooks.\n\n"
    "    * Fixed a crash when the file is empty.\n    * Added support for `UTF-8` in file names.\n",
])
def test_code_console_output_config_and_diagrams_are_not_prose(rules, block):
    assert run(rules, "BP109", ARTICLE + "\n" + block)[1] == []


@pytest.mark.parametrize("intro, block", [
    ("It looks like this:\n", TAIL),                                  # an introduced example
    ("## Example\n", TAIL),                                           # a sample document
    ("Matz wrote to the list.\n", "    \"I removed the link to the comparison page. Too many\n"
                                  "    people took it too seriously. It was meant to be funny.\"\n"),
    ("The announcement:\n", "    On Monday, Jane Doe wrote:\n\n    We are happy to announce the release.\n"
                            "    It brings many fixes and a new plugin system for everyone.\n"),
    ("## License\n", "    Copyright (c) 2015 Jane Doe\n\n    Permission is hereby granted, free of charge,"
                     " to any person. The notice stays in all copies of the software.\n"),
    ("<div class=\"note\">\n", TAIL + "\n</div>\n"),                   # raw HTML to kramdown
])
def test_text_quoted_on_purpose_is_not_reported(rules, intro, block):
    assert run(rules, "BP109", ARTICLE + "\n" + intro + "\n" + block)[1] == []


def test_one_short_indented_paragraph_without_markdown_is_not_evidence_enough(rules):
    block = ("    The Go team are pleased to accept this award. It reflects our work\n"
             "    and the efforts of the growing community of Go developers.\n")
    assert run(rules, "BP109", ARTICLE + "\n" + block)[1] == []
    one_line = "    " + block.replace("\n    ", " ")
    assert len(run(rules, "BP109", ARTICLE + "\n" + one_line)[1]) == 1  # the box scrolls sideways


def test_prose_scoring_separates_sentences_from_code_lines():
    from lint.checks.boilerplate import _IndentedProse
    prose = _IndentedProse(["### Offene Pitches", "", "Eine Teilnehmerin folgte dem [Aufruf](https://x.org/a?b=1)."
                            " Sie verfolgt die Frage mit `pandas`."])
    assert prose.code_line is None and prose.markdown == 2 and prose.lines == 2
    assert prose.sentences == 2 and prose.words == prose.tokens and prose.code_share == 0
    for code in ("var qrcode = require('qrcode-terminal');", "if (x) {", "cd /usr/local/lib/node",
                 "pyenv install --list", "5d52c7d0e6a6eb6e3bc68d77e794898e  ruby.tar.gz", "<p>Text.</p>"):
        assert _IndentedProse([code]).code_line == code


def test_list_holder_reads_commonmark_containers():
    from lint.checks.boilerplate import _list_holder

    def holder(text):
        article = Article(text.encode(), "post.md")
        return _list_holder(article, len(text.splitlines()) - 1)

    assert holder("Intro.\n\n    Indented.\n") == (0, False)
    assert holder("* version: a specifier.\n  Note it.\n\n    * bundled: a number.\n") == (2, True)
    assert holder("10. An item.\n\n    Its paragraph.\n") == (4, True)
    assert holder("- An item.\nA lazy line.\n\n    Its paragraph.\n") == (2, True)
    assert holder("- An item.\n\nA paragraph.\n\n    Code.\n") == (0, False)
    assert holder("-    An item.\n  More.\n\n    Code.\n") == (0, True)  # content in column 5
    assert holder("!!! note\n\n    Its content.\n") == (4, True)


def test_kirbytext_image_tag_is_the_picture_a_credit_names_no_file(rules):
    text = "Text: A trip north.\n\n(image: coffee-1.jpg alt: Two cups)\n\nThe grinder matters.\n"
    assert run(rules, "BP104", text, path="blogarticle.txt")[1] == []
    credit = "Text: A trip north.\n\nThe crowd (Image: Jane Doe/Reuters) was huge.\n"
    assert len(run(rules, "BP104", credit, path="blogarticle.txt")[1]) == 1


def test_lines_and_units_read_from_either_end_are_those_of_the_whole_body():
    # BP101 reads the body's units from the end and BP103 from the start, only as far as
    # their walks go: the lines and units must be those of the whole list, in either order.
    from lint.checks.boilerplate import _body_lines, _lines_backward, _lines_forward, _units

    wrapped = "A paragraph that was hard-wrapped by its writer at some column that\n" \
              "goes on here in lower case and ends with a full stop after it.\n"
    bodies = ["---\ntitle: T\n---\nFirst line\n\n" + wrapped + "\n```\ncode\nmore code\n```\nLast\n",
              "Only line", "\n\n  \n", "# Heading\nLine right under it\r\n\r\n" + wrapped + "Tail line\n\n\n",
              "plain start\n    indented\n" + wrapped]
    for body in bodies:
        art = Article(body.encode(), "post.md")
        lines = _body_lines(art)
        key = lambda seq: [(ln.start, ln.end, ln.raw, ln.nonprose) for ln in seq]
        assert key(_lines_forward(art)) == key(lines)
        assert key(_lines_backward(art)) == key(reversed(lines))
        assert key(_units(_lines_backward(art), -1)) == key(reversed(list(_units(lines))))
        for k, line in enumerate(lines):
            assert key(_lines_backward(art, line.start)) == key(reversed(lines[:k]))
            assert key(_lines_forward(art, line.end)) == key(lines[k + 1:])


def test_placeholders_found_in_one_pass_are_those_a_search_per_entry_finds(rules):
    # BP107 finds every entry at once (an Aho-Corasick automaton), overlapping ones and
    # entries inside others included; the word-edge rules then apply to each occurrence.
    from lint.checks.boilerplate import _at_word_edges, _placeholder_automaton, _word_occurrences

    entries = ("tktk", "[tk]", "tk", "todo:", "todo(", "do:", "é x")
    text = "tktktk [tk] mytodo: todo(ann) todo() éé x _tk tk_ (tk) " * 3
    per_entry = sorted((at, at + len(e)) for e in entries for at in _word_occurrences(text, e, 5))
    automaton = _placeholder_automaton(entries)
    at_once = sorted((end + 1 - len(e), end + 1) for end, (e, _) in automaton.iter(text, 5)
                     if _at_word_edges(text, e, end + 1 - len(e)))
    assert at_once == per_entry and len(per_entry) > 10
    assert _placeholder_automaton(()) is None
    found = [h.data["found"] for h in run(rules, "BP107", "Cost: [TK] and TKTK.\n")[1]]
    assert found == ["[TK] and TKTK.", "TKTK."]


def test_a_front_matter_value_that_is_only_a_placeholder(rules):
    def found(header):
        _, hits = run(rules, "BP107", f"---\n{header}\n---\n\nThe council met on Tuesday.\n")
        return [h.data["found"] for h in hits]

    assert found('image: "TODO"') == ["TODO"]
    assert found("author: TBD.") == ["TBD."]
    assert found("description: XXXXxxx") == ["XXXXxxx"]
    # a value that only mentions one, or a key readers do not see
    assert found("description: What TODO lists are for") == []
    assert found("image: /img/todo.png") == []
    assert found("status: TODO") == []


def test_lorem_filler_is_found_by_several_of_its_words(rules):
    words = ["consectetur", "eiusmod", "cupidatat", "laboris", "mollit"]
    for n, expected in ((3, 0), (4, 1)):
        text = "Intro line.\n\nDolor ea " + " amet ".join(words[:n]) + " magna.\n"
        _, hits = run(rules, "BP107", text)
        assert len(hits) == expected
    # in code, the words are an example; with "Lorem ipsum" written out, one finding is enough
    _, hits = run(rules, "BP107", "Intro.\n\n```\n" + " ".join(words) + "\n```\n")
    assert hits == []
    _, hits = run(rules, "BP107", "Lorem ipsum dolor sit amet, " + " ".join(words) + ".\n")
    assert [h.data["found"][:11] for h in hits] == ["Lorem ipsum"]
