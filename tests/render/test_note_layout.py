"""A note page's own sections skip Markdown where they can, yet read exactly as if they had not:
same HTML for plain prose, same heading ids and permalinks, a table of contents in page order,
anchors other pages can link to, and the note's own headings keep their ids."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import markdown
import pytest

from paperkb.core.library import Library
from paperkb.core.model import Note
from paperkb.core.urls import SiteUrls
from paperkb.default_config import MARKDOWN_EXTENSIONS
from paperkb.render.plain_text import PlainText, defines_abbreviations, text_neutral

from ..conftest import note, pagefind_pages

SITE_EXTENSIONS = MARKDOWN_EXTENSIONS


def _markdown(text: str) -> str:
    names = [e if isinstance(e, str) else next(iter(e)) for e in SITE_EXTENSIONS]
    configs = {next(iter(e)): e[next(iter(e))] for e in SITE_EXTENSIONS if isinstance(e, dict)}
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def _plain(library: Library | None = None) -> PlainText:
    return PlainText(library or Library(), SiteUrls(True))


PROSE = [
    "Prior work treats the label vocabulary as fixed, so models fail (badly) when it shifts.",
    "在 Cora 上 Hits@10 提升 0.8 个点",  # '@' could be a mention: Markdown's job
    "Two lines\nof one paragraph, 30% faster; a = b + c, 1/2 the cost - no more.",
    'It\'s "quoted" and 10-20 items? Yes.',
    "Uses *emphasis* here.",
    "A `code span` here.",
    "Math $x^2$ inline.",
    "A [link](https://example.org).",
    "Bare https://example.org URL.",
    "Two\n\nparagraphs.",
    "Hard  \nbreak.",
    "1. a list",
    "- a list",
    "Heading\n---",
    "Heading\n===",
    "> a quote",
    "Term\n: definition",
    "x <b>html</b>",
    "AT&T",
    "A footnote[^1].",
    "a\tb",
    "Some ==marked== text.",
    ":smile: emoji",
    "??? note",
]


@pytest.mark.parametrize("text", PROSE)
def test_plain_prose_renders_as_markdown_would(text):
    """Whenever the shortcut answers, its HTML is Markdown's (quotes may be entities instead)."""
    html = _plain().paragraph(text, "papers/x.md")
    if html is None:
        return
    assert unescape(str(html)) == unescape(_markdown(text)), text


def test_plain_prose_is_recognised_and_markup_is_left_to_markdown():
    plain = _plain()
    assert plain.paragraph(PROSE[0], "x.md") is not None
    assert plain.paragraph(PROSE[2], "x.md") is not None
    for text in PROSE[4:]:
        assert plain.paragraph(text, "x.md") is None, text
    assert str(plain.paragraph("a <script> & b", "x.md")) is not None  # '<' and '&': Markdown's job


def test_wikilinks_in_plain_prose_link_to_the_note():
    attention = Note(key="vaswani2017attention", src_uri="papers/vaswani2017attention.md",
                     path=Path("papers/vaswani2017attention.md"), display_path="papers/vaswani2017attention.md",
                     title="Attention <Is> All")
    library = Library(notes={attention.key: attention})
    plain = _plain(library)
    html = str(plain.inline("Compare with [[vaswani2017attention]] and [[vaswani2017attention|the Transformer]].",
                            "papers/x.md"))
    assert html == ('Compare with <a href="../vaswani2017attention/">Attention &lt;Is&gt; All</a> and '
                    '<a href="../vaswani2017attention/">the Transformer</a>.')
    assert str(plain.inline("See [[missing|a label]].", "papers/x.md")) == "See a label."
    assert plain.inline("See [[vaswani2017attention#method]].", "papers/x.md") is None  # MkDocs writes that URL
    assert plain.inline("![[vaswani2017attention]]", "papers/x.md") is None  # an embed
    assert plain.inline("*x* [[vaswani2017attention]]", "papers/x.md") is None


def test_extensions_that_change_prose_turn_the_shortcut_off():
    names = [e if isinstance(e, str) else next(iter(e)) for e in SITE_EXTENSIONS]
    assert text_neutral(names)
    assert not text_neutral(names + ["smarty"])
    assert not text_neutral(names + ["pymdownx.smartsymbols"])
    assert not text_neutral(names + ["nl2br"])
    assert not text_neutral(["pymdownx.snippets"], {"pymdownx.snippets": {"auto_append": ["abbreviations.md"]}})
    assert text_neutral(["pymdownx.snippets", "abbr"])
    assert defines_abbreviations("Body\n\n*[GPU]: Graphics processing unit\n")
    assert not defines_abbreviations("A *[bracket] that is emphasis\n")


def _toc(html: str) -> list[str]:
    """The anchors of the page's table of contents, in order."""
    secondary = html[html.index('md-nav--secondary'):]
    secondary = secondary[:secondary.index("</nav>\n")] if "</nav>\n" in secondary else secondary
    return re.findall(r'<a href="#([^"]+)" class="md-nav__link">', secondary)


def _layout_notes() -> dict[str, str]:
    return {
        "papers/a.md": note(
            "Alpha", "## Method\n\nMy own method notes; see [my method](#method).\n\n## Cites\n\nMine too.\n",
            key="a", year=2020, fields=["Vision"], problem="Plain problem text, nothing special.",
            method="A method with *emphasis* and $x$.", results="Plain results.",
            insights=["Plain insight.", "Links to [[b]]."], cites=["b", "c"]),
        "papers/b.md": note("Beta", "See [alpha's cites](a.md#cites_1) and [its method](a.md#method_1).\n",
                            key="b", year=2019, fields=["Vision"], problem="Beta's problem."),
        # (a second citation: a note linked to a single note gets no diagram, and the test reads its heading)
        "papers/c.md": note("Gamma", key="c", year=2018, fields=["Vision"]),
    }


def test_added_headings_keep_the_notes_own_ids_and_join_the_toc_in_order(site_builder):
    site = site_builder(_layout_notes(), plugins=["search", "tags", "paperkb"],
                        config={"validation": {"anchors": "warn"}})
    assert site.ok and not site.warnings(), site.warnings()
    html = site.html("papers/a/")
    # The note's own "## Method" and "## Cites" keep the ids they would have anywhere else...
    assert re.search(r'<h2 id="method">Method<a class="headerlink" href="#method" title="Permanent link">&para;</a></h2>'
                     r"\s*<p>My own method notes", html)
    assert '<a href="#method">my method</a>' in html
    # ...and paperkb's sections step aside, written like any Markdown heading.
    assert '<h2 id="problem">Problem<a class="headerlink" href="#problem" title="Permanent link">&para;</a></h2>' in html
    assert re.search(r'<h2 id="method_1">Method<a class="headerlink" href="#method_1"[^>]*>&para;</a></h2>\s*<p>A method '
                     r'with <em>emphasis</em> and <span class="arithmatex" data-search-exclude>', html)
    assert '<h2 id="cites_1">Cites<a class="headerlink" href="#cites_1"' in html
    assert re.search(r'<h2 id="insights">Insights<a[^>]*>&para;</a></h2>\s*<ul>\s*<li>Plain insight.</li>\s*'
                     r'<li>Links to <a href="../b/">Beta</a>.</li>', html)
    assert _toc(html) == ["problem", "method_1", "results", "insights", "method", "cites", "cites_1", "cited-by",
                          "citation-graph", "cite"]
    # Every heading appears once, in that order, in the page itself.
    ids = re.findall(r'<h[1-6] id="([^"]+)"', html)
    assert ids == _toc(html)
    # Search: the sections are entries of the note; the appended lists are not.
    indexed = pagefind_pages(site.site_dir)["papers/a/"]
    anchors = {a["id"] for a in indexed["anchors"]}
    assert "Plain problem text" in indexed["content"] and "Mine too." in indexed["content"]
    assert {"problem", "cites"} <= anchors
    assert not {"cites_1", "cited-by", "citation-graph", "cite"} & anchors


def test_headings_follow_the_sites_toc_settings(site_builder):
    site = site_builder(_layout_notes(), config={"markdown_extensions": [
        {"toc": {"permalink": "§", "permalink_title": "Link here", "toc_depth": 1}}, "pymdownx.arithmatex"]})
    assert site.ok, site.messages
    html = site.html("papers/a/")
    own = re.search(r'<h2 id="method">.*?</h2>', html).group(0)
    assert own == '<h2 id="method">Method<a class="headerlink" href="#method" title="Link here">§</a></h2>'
    assert '<h2 id="problem">Problem<a class="headerlink" href="#problem" title="Link here">§</a></h2>' in html
    assert '<h2 id="cited-by">Cited by<a class="headerlink" href="#cited-by" title="Link here">§</a></h2>' in html
    assert _toc(html) == []  # toc_depth 1: no h2 in the table of contents, added or not


def test_prose_changing_extensions_and_abbreviations_still_apply_to_sections(site_builder):
    notes = _layout_notes()
    notes["papers/c.md"] = note("Gamma", "Body.\n\n*[GPU]: Graphics processing unit\n", key="c",
                                problem="A GPU is fast.", results="It's done -- really.")
    site = site_builder(notes, config={"markdown_extensions": ["toc", "abbr", "smarty"]})
    assert site.ok, site.messages
    html = site.html("papers/c/")
    assert '<p>A <abbr title="Graphics processing unit">GPU</abbr> is fast.</p>' in html
    assert "<p>It&rsquo;s done &ndash; really.</p>" in html


def test_insights_page_renders_plain_insights_and_leaves_titles_alone(site_builder):
    notes = _layout_notes()
    notes["papers/d.md"] = note("Title with [[b]] & <i>tags</i>", "Body.\n", key="d", year=2021, fields=["Vision"],
                                insights=["Plain idea about [[b]]."])
    notes["papers/e.md"] = note("Also [[b]] & <i>tags</i>", "Body.\n", key="e", year=2021, fields=["Vision"],
                                insights=["Idea with *emphasis*."])
    site = site_builder(notes)
    assert site.ok, site.messages
    html = site.html("insights/")
    # Plain insights (with wikilinks) as finished HTML; the one with emphasis through Markdown.
    assert re.search(r'<li><a href="../papers/a/">Alpha</a> \(2020\)<ul>\s*<li>Plain insight.</li>\s*'
                     r'<li>Links to <a href="../papers/b/">Beta</a>.</li>\s*</ul></li>', html)
    assert "<li>Idea with <em>emphasis</em>.</li>" in html and "<li>Plain idea about <a" in html
    # A title is text wherever it lands (held HTML or Markdown): no wikilink pass, no HTML.
    assert "Title with [[b]] &amp; &lt;i&gt;tags&lt;/i&gt;" in html
    assert "Also [[b]] & <i>tags</i>" in unescape(html) and "<i>tags" not in html


def test_the_body_opens_under_a_heading_of_its_own_below_the_sections(site_builder):
    """A body's own "# Title（nickname）" becomes the <h2> that opens it; a body that starts with
    text gets a "Notes" heading, so its first paragraph does not read as part of Insights."""
    front = {"year": 2016, "problem": "Degradation.", "insights": ["Shortcuts everywhere."]}
    site = site_builder({
        "papers/renamed.md": note("Deep Residual Learning", "# Deep Residual Learning（ResNet）\n\nIntro text.\n",
                                  **front),
        "papers/setext.md": note("Setext", "Setext\n======\n\nSame title, dropped.\n", **front),
        "papers/text.md": note("Starts With Text", "Intro text.\n\n## Details\n\nMore.\n", **front),
        "papers/heading.md": note("Starts With A Heading", "## 背景\n\n正文。\n", **front),
        "papers/bare.md": note("No Sections", "# No Sections（extra）\n\nIntro.\n", year=2016),
    }, strict=True)
    assert site.ok, site.warnings()

    def headings(key: str) -> list[tuple[str, str, str]]:
        html = site.html(f"papers/{key}/").split('<h2 id="cites"')[0]  # the trailing lists aside
        return [(level, anchor, re.sub("<[^>]+>|&para;", "", text)) for level, anchor, text in
                re.findall(r'<h([1-6]) (?:id="([^"]*)"|class="pkb-card__title")[^>]*>(.*?)</h\1>', html)]

    assert headings("renamed") == [("1", "", "Deep Residual Learning"), ("2", "problem", "Problem"),
                                   ("2", "insights", "Insights"),
                                   ("2", "deep-residual-learningresnet", "Deep Residual Learning（ResNet）")]
    assert [h[2] for h in headings("setext")] == ["Setext", "Problem", "Insights", "Notes"]
    assert [h[1] for h in headings("text")] == ["", "problem", "insights", "notes", "details"]
    assert re.search(r'<h2 id="notes">Notes<a[^>]*>&para;</a></h2>\s*<p>Intro text.</p>', site.html("papers/text/"))
    assert [h[2] for h in headings("heading")] == ["Starts With A Heading", "Problem", "Insights", "背景"]
    assert headings("heading")[-1][1] == "背景"  # a Chinese heading keeps its words in its id
    assert [(h[0], h[2]) for h in headings("bare")] == [("1", "No Sections"), ("2", "No Sections（extra）")]
    assert _toc(site.html("papers/text/"))[:4] == ["problem", "insights", "notes", "details"]
