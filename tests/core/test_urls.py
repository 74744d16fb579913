"""Relative links computed by the core match the URLs MkDocs gives pages."""

import pytest

from paperkb.core.urls import SiteUrls


@pytest.mark.parametrize("directory_urls, source, target, expected", [
    (True, "index.md", "papers/a.md", "papers/a/"),
    (True, "fields/llm.md", "papers/a.md", "../../papers/a/"),
    (True, "papers/a.md", "index.md", "../../"),
    (True, "papers/a.md", "papers/b.md", "../b/"),
    (True, "fields/index.md", "fields/llm.md", "llm/"),
    (False, "index.md", "papers/a.md", "papers/a.html"),
    (False, "fields/llm.md", "papers/a.md", "../papers/a.html"),
    (False, "papers/a.md", "index.md", "../index.html"),
    (False, "papers/a.md", "papers/b.md", "b.html"),
    (False, "insights.md", "papers/README.md", "papers/index.html"),
])
def test_href(directory_urls, source, target, expected):
    assert SiteUrls(directory_urls).href(source, target) == expected
