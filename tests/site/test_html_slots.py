"""Finished HTML (note cards, index tables) passes around Markdown and lands unchanged."""

from __future__ import annotations

import json

from tests.conftest import note, pagefind_pages


def _notes() -> dict[str, str]:
    return {
        "papers/alpha.md": note("Alpha <b>bold</b> *not emphasis*", "Body of alpha.\n", key="alpha", year=2020,
                                fields=["Vision"], authors=["Quentin Zyxwright"], venue="CVPR",
                                datasets=["Qorvexset"]),
        "papers/beta.md": note("Beta", "Body of beta, see [[alpha]].\n", key="beta", year=2021, fields=["Vision"],
                               cites=["alpha"]),
        # A user page that shows paperkb's table markup as code: it must stay code.
        "howto.md": "# How to\n\n```html\n"
                    '<div class="md-typeset__table pkb-table" data-search-exclude><table data-pkb-table="notes">'
                    "<tbody>\n<tr><td>x</td></tr>\n</tbody></table></div>\n```\n",
    }


def test_cards_and_tables_arrive_whole_and_no_marker_is_left(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    page = site.html("papers/alpha/")
    assert page.count('class="pkb-card"') == 1
    # Escaped by the card, not turned into Markdown emphasis on the way.
    assert "Alpha &lt;b&gt;bold&lt;/b&gt; *not emphasis*" in page
    field_page = site.html("fields/vision/")
    assert 'data-pkb-table="notes"' in field_page and 'href="../../papers/beta/"' in field_page
    assert "pkb-slot" not in site.all_text()


def test_user_pages_keep_table_markup_in_code_as_code(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    howto = site.html("howto/")
    assert '<span class="s">"md-typeset__table pkb-table"</span>' in howto  # highlighted as code
    assert '<table data-pkb-table="notes"><tbody>' not in howto  # not made live HTML


def test_card_text_is_searchable(site_builder):
    """Cards are filled in before the search plugin reads the page: what only the card shows
    (here a dataset) stays findable."""
    site = site_builder(_notes(), plugins=["search", "tags", {"paperkb": {"search_engine": "material"}}])
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    alpha = [d for d in index["docs"] if d["location"].startswith("papers/alpha/")]
    assert any("Qorvexset" in d["text"] for d in alpha)
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])  # Pagefind (the default)
    assert "Qorvexset" in pagefind_pages(site.site_dir)["papers/alpha/"]["content"]


def test_the_bibliographys_references_skip_markdown(site_builder):
    """The bibliography's references are finished HTML held out of Markdown like index tables,
    though its feature places the page after the generated pages were known: each year's block
    lands as written, its closing comment right after it (Markdown, reading the block, put that
    comment after the next year's heading)."""
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    page = site.html("bibliography/")
    assert 'id="ref-alpha"' in page and 'id="ref-beta"' in page
    assert page.count("</div></div><!--/pkb-held-->") == 2  # 2021's and 2020's blocks
    assert "<!--/pkb-held--><div" not in page and "pkb-slot" not in page
