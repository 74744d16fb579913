"""Relative links computed by the core match the URLs MkDocs gives pages."""

import itertools
import posixpath

import pytest

from paperkb.core.urls import SiteUrls, relative_url, url_folder


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


# Site URLs of pages and folders, with and without directory URLs, siblings sharing a prefix.
URLS = ["", "index.html", "a/", "a/b/", "a/b/c/", "a/bc/", "ab/", "a/b", "a/b.html", "a/b/c.html", "a/bb/c/",
        "papers/x/", "papers/xy/", "papers/x", "papers/", "papers/x/y/", "graph/index.html", "pages/a b/", "x/"]


def _reference(from_url: str, to_url: str) -> str:
    """posixpath.relpath between the folders, with the target's page name kept."""
    folder, target_folder = url_folder(from_url) or ".", to_url.rsplit("/", 1)[0] + "/" if "/" in to_url else ""
    rel = posixpath.relpath(target_folder or ".", folder)
    rel = "" if rel == "." else rel + "/"
    return (rel + to_url.rsplit("/", 1)[-1]) or "./"


def test_relative_url_is_the_folders_relative_path_for_every_pair():
    for from_url, to_url in itertools.product(URLS, repeat=2):
        assert relative_url(from_url, to_url) == _reference(from_url, to_url), (from_url, to_url)
