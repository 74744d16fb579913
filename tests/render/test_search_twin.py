"""render/search_twin.py: mkdocs-material's search indexer takes the same text from a card's
compact twin as from the card itself, whatever the note holds."""

from __future__ import annotations

import pytest
from material.plugins.search.plugin import Parser

from paperkb.core.loader import load_library
from paperkb.core.urls import SiteUrls
from paperkb.render.card import render_card
from paperkb.render.search_twin import search_twin
from paperkb.render.site_map import SiteMap

from ..conftest import note, write_tree

AFTER = [
    "",
    "\n",
    "\n<h2 id=\"problem\">Problem</h2>\n<p>Why it matters.</p>\n",
    "\n<ul>\n<li>a bullet</li>\n<li>\n</li>\n</ul>\n<p> </p>\n<p>Text &amp; more</p>",
    " <p>joined</p>",
]


def index_of(html: str) -> list[tuple[str, str, str | None]]:
    """What material's search plugin makes of a page: (title, text, id) per section."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [("".join(s.title), "".join(s.text), s.id) for s in parser.data]


NOTES = {
    "papers/plain.md": note("Deep Residual Learning", year=2016, venue="CVPR", authors=["Kaiming He", "Xiangyu Zhang"],
                            fields=["Vision"], type="application", level="deep", relation="upstream", tags=["cnn"],
                            datasets=["ImageNet"], metrics=["top-1"], arxiv="1512.03385", doi="10.1109/CVPR.2016.90",
                            links={"paper": "https://arxiv.org/abs/1512.03385", "code": "https://github.com/x/y"},
                            reviewer_score=8, notes_list=["a", "b"]),
    "papers/hostile.md": note('A "quoted" <b>title</b> & ampersands &amp; entities  with   spaces',
                              venue="<script>alert(1)</script>", authors=["O'Brien & Co", "李 四"],
                              fields=["LLM", "RL & co"], tags=["a&b", "<x>"], type="survey", level="skim",
                              links={"paper": "javascript:alert(1)", "weird": "https://e.com/?a=1&b=<2>"},
                              empty="", spaces="   ", nested={"k": "<v>"}),
    "papers/bare.md": note("x"),
    "papers/cn.md": note("注意力机制：Transformer 的核心", year=2017, authors=["张三"], fields=["自然语言处理"],
                         venue="NeurIPS", cites=["plain"]),
}


@pytest.fixture(scope="module")
def site_and_notes(tmp_path_factory):
    root = tmp_path_factory.mktemp("twin")
    write_tree(root, NOTES)
    library = load_library(root, files=[(root / src, src) for src in NOTES])
    assert len(library.notes) == len(NOTES), library.problems
    site = SiteMap.for_library(library, SiteUrls(True), prefix="", home="index.md", statistics="index.md", graphs=True)
    return site, list(library)


@pytest.mark.parametrize("show_tags", [True, False])
@pytest.mark.parametrize("after", AFTER)
def test_the_indexer_reads_the_twin_as_the_card(site_and_notes, show_tags, after):
    site, library_notes = site_and_notes
    for each in library_notes:
        card = str(render_card(each, site, show_tags=show_tags))
        twin = search_twin(card)
        assert twin is not None, card
        assert len(twin) < len(card) and twin.count("<") <= card.count("<") / 2
        assert index_of(twin + after) == index_of(card + after)
        marked = f"<!--m-->{twin}<!--/m-->"  # as the page carries it, between markers
        assert index_of(marked + after) == index_of(card + after)


@pytest.mark.parametrize("html", [
    '<div><h2 id="x">Heading</h2></div>',  # would open an index section
    '<div data-search-exclude>hidden</div>',
    '<pre>  kept  spaces</pre>',
    '<div>a <!-- comment --> b</div>',
    '<div>unclosed',
    '<br/>',
    'a < b',
])
def test_what_it_cannot_mirror_is_left_to_the_real_html(html):
    assert search_twin(html) is None


def test_whitespace_edges_and_empty_kept_elements():
    for html in ["<p> </p><p>x</p>", "<span>a</span> <span>b</span>  ", "<ul><li></li><li>c</li></ul>\n",
                 "<p>a</p><p></p>", "x<span> </span>", "<p>x\ny</p>\n\n", "&lt;tag&gt; &amp;amp;"]:
        twin = search_twin(html)
        assert twin is not None
        for after in AFTER:
            assert index_of(twin + after) == index_of(html + after), (html, after)
