"""Links that would run code (`javascript:`, `data:`) are made inert on every page, with a
warning naming file and line."""

from __future__ import annotations

import re

from paperkb.default_config import BLOG_OPTIONS, RSS_OPTIONS

from ..conftest import note

SITE_URL = "https://example.org/log/"
BLOG_PLUGINS = ["search", "tags", {"blog": dict(BLOG_OPTIONS)}, {"rss": dict(RSS_OPTIONS)}, "paperkb"]

NOTE = note(
    "Adversarial Examples",
    "Intro paragraph.\n\n"
    "Read [the demo](javascript:alert(1)) and [again](JaVa\tScript:alert(2)).\n"
    "An [inline page](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==) and [a ref][r].\n"
    "A [fine link](https://arxiv.org/abs/1412.6572) and `[code](javascript:kept-as-code)`.\n\n"
    "[r]: &#106;avascript:alert(4)\n",
    year=2015, problem="See [this](  javascript:alert(5) ).", insights=["Also [here](vbscript:msgbox(6))."])
POST = """---
date:
  created: 2024-03-02
categories: [Security]
---
# Links in posts

A [hostile link](javascript:alert(7)) in the excerpt.

<!-- more -->

And <a href="javascript:alert(8)">raw</a> after it.
"""
PAGE = "# About\n\nContact [me](javascript:alert(9)).\n"


def hrefs(html: str) -> list[str]:
    return re.findall(r"""\s(?:href|src)\s*=\s*["']?([^"'\s>]*)""", html)


def test_script_links_are_inert_everywhere_and_named(site_builder):
    site = site_builder({
        "papers/goodfellow2015.md": NOTE, "blog/posts/links.md": POST, "blog/index.md": "# Blog\n",
        "about.md": PAGE,
    }, plugins=BLOG_PLUGINS, config={"site_url": SITE_URL})
    assert site.ok, site.messages
    warnings = "\n".join(site.warnings())
    assert warnings.count("goodfellow2015.md:11: link to a 'javascript:'") == 2  # both spellings
    for where in ("papers/goodfellow2015.md:12:", "papers/goodfellow2015.md:15:",
                  "blog/posts/links.md:8:", "blog/posts/links.md:12:", "about.md:3:"):
        assert f"{where} link to a '" in warnings, (where, warnings)
    assert "goodfellow2015.md:4: link to a 'javascript:'" in warnings  # problem (its key's line)
    assert "goodfellow2015.md:6: link to a 'vbscript:'" in warnings  # the insight item
    note_html = site.html("papers/goodfellow2015/")
    assert "the demo</a>" in note_html and "https://arxiv.org/abs/1412.6572" in note_html
    assert "javascript:kept-as-code" in note_html  # code stays as written
    pages = {url: site.html(url) for url in ("papers/goodfellow2015/", "blog/", "blog/2024/03/02/links-in-posts/",
                                             "about/", "blog/archive/2024/", "blog/category/security/")}
    for url, html in pages.items():
        for href in hrefs(html):
            squeezed = re.sub(r"[\x00-\x20]", "", href).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:text")), (url, href)
            assert "&#106;" not in squeezed, (url, href)
    feed = (site.site_dir / "feed_rss_created.xml").read_text(encoding="utf-8")
    assert "hostile link" in feed
    assert "javascript:alert" not in feed.lower().replace(" ", "")


def test_strict_fails_on_a_script_link(site_builder):
    site = site_builder({"about.md": PAGE}, strict=True)
    assert not site.ok
