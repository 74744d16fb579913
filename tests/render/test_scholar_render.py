"""The card lines and Frontier rows made from Semantic Scholar data escape every value."""

from __future__ import annotations

from pathlib import Path

from paperkb.core.library import Library
from paperkb.core.model import Note
from paperkb.core.scholar.frontier import Frontier, FrontierRow
from paperkb.core.scholar.store import ScholarStore
from paperkb.core.urls import SiteUrls
from paperkb.render.frontier_page import FrontierPage
from paperkb.render.scholar_card import scholar_card
from paperkb.render.site_map import SiteMap

PID = "a" * 40
HOSTILE = {"paperId": PID, "title": "<img src=x onerror=alert(1)> [[b]]", "venue": "<b>V</b>", "year": 2024,
           "abstract": "</details><script>alert(1)</script> [@b]", "citationCount": 1234,
           "influentialCitationCount": 5, "authors": ["<i>Eve</i>"], "fetched": "2026-11-30T04:00:00Z",
           "externalIds": {"DOI": 'x" onmouseover="alert(1)'}}


def _note(key: str, **kw) -> Note:
    return Note(key=key, src_uri=f"papers/{key}.md", path=Path(f"{key}.md"), display_path=f"{key}.md",
                title=kw.pop("title", key.upper()), **kw)


def test_card_lines_escape_the_abstract_and_show_counts_with_date():
    store = ScholarStore(Path("s.json"), notes={"a": {"paperId": PID}}, papers={PID: HOSTILE})
    html = str(scholar_card(_note("a"), store))
    assert "<script>" not in html and "</details><script>" not in html
    assert "&lt;/details&gt;&lt;script&gt;" in html and "&#91;@b]" in html
    assert '<span class="pkb-scholar__count">1,234</span> citations' in html and "(fetched 2026-11-30)" in html
    assert str(scholar_card(_note("a", problem="Own problem."), store)).count("<details") == 0
    assert str(scholar_card(_note("b"), store)) == ""


def test_frontier_rows_escape_titles_venues_links_and_bibtex():
    library = Library(notes={"b": _note("b", title="B <note>")})
    site = SiteMap(SiteUrls(True))
    site.frontier = "frontier/index.md"
    page = FrontierPage(library, site).page(Frontier(citing=[FrontierRow(HOSTILE, ("b",))], cited=[]))
    text = page.markdown
    assert "<img src=x" not in text and "<b>V</b>" not in text and "<i>Eve" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; &#91;&#91;b]]" in text
    assert 'href="https://doi.org/x&#34; onmouseover=&#34;alert(1)"' in text
    assert '<a href="../papers/b/">B &lt;note&gt;</a>' in text
    assert "Foundations you are missing" in text and "0 found" in text
