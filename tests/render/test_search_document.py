"""The document Pagefind indexes for a page (render/search_document.py)."""

from __future__ import annotations

from paperkb.render.search_document import document_digest, search_document


def _document(content_html: str) -> str:
    return search_document(title="ResNet", content_html=content_html, language="en",
                           filters={"year": ["2016"]}, meta={"year": "2016"})


def _digest(content_html: str, year: str = "2016") -> str:
    return document_digest(title="ResNet", content_html=content_html, language="en",
                           filters={"year": [year]}, meta={"year": year})


def test_comments_stay_out_so_an_unchanged_page_has_the_same_document_in_every_build():
    # paperkb's markers carry a random part that differs from one build process to the next.
    first = _document("<!--pkb-card-1a2b3c <h1>--> ResNet <!--/pkb-card-1a2b3c-->\n<p>Residual 学习。</p>\n<!--pkb-trail-9f-->")
    second = _document("<!--pkb-card-77aa00 <h1>--> ResNet <!--/pkb-card-77aa00-->\n<p>Residual 学习。</p>\n<!--pkb-trail-0e-->")
    assert first == second
    assert "<!--" not in first and "Residual" in first and "ResNet" in first


def test_the_digest_of_a_document_follows_its_text_and_facets_not_the_markers():
    page = "<!--pkb-card-{} <h1>--> ResNet <!--/pkb-card-{}-->\n<p>Residual 学习。</p>"
    assert _digest(page.format("1a", "1a")) == _digest(page.format("77", "77"))  # another build process
    assert _digest(page.format("1a", "1a")) != _digest(page.format("1a", "1a").replace("学习", "网络"))
    assert _digest(page.format("1a", "1a")) != _digest(page.format("1a", "1a"), year="2017")
