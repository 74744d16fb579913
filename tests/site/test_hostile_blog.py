"""Someone else's blog: post titles, descriptions, categories, tags and authors holding markup are
shown as text everywhere the theme puts them (with a warning naming file and line), and the RSS
feed stays well-formed XML when they hold `&` or `<`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from paperkb.default_config import BLOG_OPTIONS, RSS_OPTIONS

SITE_URL = "https://example.org/log/"
PLUGINS = ["search", "tags", {"blog": dict(BLOG_OPTIONS)}, {"rss": dict(RSS_OPTIONS)}, "paperkb"]

# The shape `paperkb import posts --add-authors` writes from a Hexo or Jekyll blog.
POST = """---
title: "<img src=x onerror=alert(1)> Q&A about attention"
description: '"><script>alert(2)</script>'
date:
  created: 2024-03-02
categories: ["Q&A", "<img src=x onerror=alert(3)>"]
tags: ["<b onmouseover=alert(4)>bold</b>", "R&D"]
authors: [eve]
---
# Notes on attention

The excerpt.

<!-- more -->

The rest.
"""
SECOND = """---
date:
  created: 2024-04-05
categories: [Reading]
tags: [R&D]
authors: [eve]
---
# A calm post

Nothing odd.
"""
AUTHORS = """authors:
  eve:
    name: "<img src=x onerror=alert(5)>Eve & Co"
    description: "<script>alert(6)</script>"
    avatar: 'x" onerror="alert(7)'
"""


class ActiveHtml(HTMLParser):
    """Collects what would run: on* attributes, script elements with our payloads."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found += [f"{tag} {name}={value}" for name, value in attrs if name.startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"script {data[:40]}")


def test_hostile_posts_and_authors_are_text_everywhere(site_builder):
    site = site_builder({
        "blog/index.md": "# Blog\n", "blog/.authors.yml": AUTHORS,
        "blog/posts/attention.md": POST, "blog/posts/calm.md": SECOND,
        "papers/vaswani2017attention.md": "---\ntitle: Attention Is All You Need\nyear: 2017\n---\n",
    }, plugins=PLUGINS, config={"site_url": SITE_URL, "site_name": "R&D <notes>"})
    assert site.ok, site.messages
    warnings = "\n".join(site.warnings())
    for where in ("blog/posts/attention.md:2: the post's title holds HTML markup",
                  "blog/posts/attention.md:3: the post's description holds HTML markup",
                  "blog/posts/attention.md:6: a category holds HTML markup",
                  "blog/posts/attention.md:7: a tag holds HTML markup",
                  "blog/.authors.yml:3: author 'eve': name holds HTML markup",
                  "blog/.authors.yml:4: author 'eve': description holds HTML markup",
                  "blog/.authors.yml:5: author 'eve': avatar"):
        assert where in warnings, (where, warnings)
    assert "Q&amp;A" not in warnings
    pages = [p for p in site.site_dir.rglob("*.html")]
    assert len(pages) > 8
    for page in pages:
        parser = ActiveHtml()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not parser.found, (page.relative_to(site.site_dir), parser.found)
    post = site.html("blog/2024/03/02/qa-about-attention/")
    assert "&lt;img src=x onerror=alert(1)&gt; Q&amp;A about attention" in post  # shown as the text it is
    assert 'content="&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in post  # <meta name=description>
    assert "&lt;img src=x onerror=alert(5)&gt;Eve &amp; Co" in post
    for listing in ("blog/", "blog/archive/2024/", "blog/category/qa/", "tags/"):  # shown, as text
        assert "onerror=alert(3)&gt;" in site.html(listing) or "onmouseover=alert(4)&gt;" in site.html(listing), listing
    # The search index's tags and titles are inserted with innerHTML: no raw tag in them.
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "tags"):
            values = doc.get(key) or []
            for value in values if isinstance(values, list) else [values]:
                assert "<img" not in value and "<b " not in value, (key, value)


def test_feed_parses_with_ampersands_and_angle_brackets(site_builder):
    site = site_builder({
        "blog/index.md": "# Blog\n", "blog/.authors.yml": AUTHORS.replace("'x\" onerror=\"alert(7)'", "blog/eve.svg"),
        "blog/posts/attention.md": POST, "blog/posts/calm.md": SECOND,
    }, plugins=PLUGINS, config={"site_url": SITE_URL, "site_name": "R&D <notes>"})
    assert site.ok, site.messages
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        root = ET.fromstring((site.site_dir / name).read_bytes())  # well-formed, or this raises
        items = root.findall("./channel/item")
        assert len(items) == 2
        first = next(i for i in items if "attention" in i.findtext("title"))
        assert first.findtext("title") == "<img src=x onerror=alert(1)> Q&A about attention"
        categories = {c.text for c in first.findall("category")}
        assert {"Q&A", "<img src=x onerror=alert(3)>", "R&D", "<b onmouseover=alert(4)>bold</b>"} <= categories
        assert first.findtext("author") == "<img src=x onerror=alert(5)>Eve & Co"
        assert root.findtext("./channel/title") == "R&D <notes>"
    created = ET.fromstring((site.site_dir / "feed_rss_created.xml").read_bytes())
    dates = [i.findtext("pubDate") for i in created.findall("./channel/item")]
    assert any("02 Mar 2024" in d for d in dates) and any("05 Apr 2024" in d for d in dates)
    feed = json.loads((site.site_dir / "feed_json_created.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if "attention" in i["title"])
    assert item["title"] == "<img src=x onerror=alert(1)> Q&A about attention"
    assert "Q&A" in item["tags"] and item["authors"] == [{"name": "<img src=x onerror=alert(5)>Eve & Co"}]
