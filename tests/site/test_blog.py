"""The reading blog: material's blog plugin, RSS of posts only, drafts nowhere, note links and cards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from paperkb.default_config import BLOG_OPTIONS, RSS_OPTIONS, default_config

from ..conftest import note, pagefind_pages, write_tree

SITE_URL = "https://example.org/log/"
FUTURE = (date.today() + timedelta(days=400)).isoformat()

AUTHORS = """authors:
  me:
    name: A. Reader
    description: Reads papers
    avatar: blog/me.svg
"""

SURVEY_POST = """---
date:
  created: 2024-03-02
categories: [Survey]
tags: [attention]
authors: [me]
---
# Attention, a reading path

Start with [[attn|the Transformer]] and then [[bert]].

<!-- more -->

After the fold: the card of the paper.

![[attn]]

> [!tip] How to read it
> Skim section 3 first.
"""

DRAFT_POST = """---
date:
  created: 2024-04-01
draft: true
categories: [Drafts]
---
# Unfinished thoughts

The word quixotrail appears only in this draft.
"""

FUTURE_POST = f"""---
date:
  created: {FUTURE}
categories: [Later]
---
# Scheduled post

The word futurexyzzy appears only in a post dated in the future.
"""

PLAIN_POST = """---
date:
  created: 2024-05-10
categories: [Notes]
---
# 一篇中文读后感

读完 [[bert]] 之后的一些想法，还有[[hidden|另一篇]]。

![[hidden]]

<!-- more -->

正文。
"""


def _blog_files() -> dict[str, str | bytes]:
    return {
        "papers/attn.md": note("Attention Is All You Need", key="attn", year=2017, fields=["LLM"]),
        # A published note that cites, links and embeds a draft: the draft still appears nowhere.
        "papers/bert.md": note("BERT", "Compare [[hidden|an unpublished idea]] and [that](hidden.md).\n\n![[hidden]]\n",
                               key="bert", year=2019, fields=["LLM"], cites=["attn", "hidden"]),
        "papers/hidden.md": note("Hidden note", key="hidden", draft=True),
        "blog/index.md": "# Blog\n",
        "blog/.authors.yml": AUTHORS,
        "blog/me.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>',
        "blog/posts/survey.md": SURVEY_POST,
        "blog/posts/draft.md": DRAFT_POST,
        "blog/posts/future.md": FUTURE_POST,
        "blog/posts/chinese.md": PLAIN_POST,
    }


def _build_blog(site_builder):
    plugins = ["search", "tags", {"blog": dict(BLOG_OPTIONS)}, {"rss": dict(RSS_OPTIONS)}, "paperkb"]
    site = site_builder(_blog_files(), plugins=plugins, config={"site_url": SITE_URL}, strict=True)
    assert site.ok and not site.warnings(), site.messages
    return site


def test_blog_index_archive_categories_and_excerpts(site_builder):
    site = _build_blog(site_builder)
    index = site.html("blog/")
    assert "Attention, a reading path" in index and "一篇中文读后感" in index
    assert "Start with" in index                 # the excerpt...
    assert "After the fold" not in index         # ...stops at <!-- more -->
    assert re.search(r'href="2024/03/02/attention-a-reading-path/"', index)
    assert "Attention, a reading path" in site.html("blog/archive/2024/")
    assert "Attention, a reading path" in site.html("blog/category/survey/")
    assert 'src="me.svg"' in index              # the author's avatar is served by the site


def test_drafts_and_future_posts_appear_nowhere(site_builder):
    site = _build_blog(site_builder)
    everything = site.all_text()
    indexed = json.dumps(pagefind_pages(site.site_dir), ensure_ascii=False)  # the search index is gzipped
    assert "Attention, a reading path" in indexed
    for word in ("quixotrail", "Unfinished thoughts", "futurexyzzy", "Scheduled post", "Hidden note"):
        assert word not in everything, word
        assert word not in indexed, word
    assert not (site.site_dir / "blog" / "category" / "drafts").exists()
    assert "![[" not in everything and "hidden.md" not in everything
    assert not list(site.site_dir.rglob("*unfinished*"))


def test_posts_link_notes_and_embed_cards(site_builder):
    site = _build_blog(site_builder)
    post = site.html("blog/2024/03/02/attention-a-reading-path/")
    assert re.search(r'<a href="../../../../../papers/attn/" title="Attention Is All You Need &#40;2017&#41;">the Transformer</a>', post)
    assert re.search(r'<a href="../../../../../papers/bert/" title="[^"]+">BERT</a>', post)
    embed = re.search(r'<div class="pkb-embed">(.*?)</div>\s*</div>', post, re.S)
    assert embed and 'href="../../../../../papers/attn/"' in embed.group(1)
    assert "Attention Is All You Need" in embed.group(1)
    assert '<div class="admonition tip">' in post and "How to read it" in post


def _feed_items(path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("./channel/item")


def test_rss_feed_holds_published_posts_only(site_builder):
    site = _build_blog(site_builder)
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        items = _feed_items(site.site_dir / name)
        titles = sorted(i.findtext("title") for i in items)
        assert titles == ["Attention, a reading path", "一篇中文读后感"], name
        for item in items:
            assert item.findtext("link").startswith(SITE_URL + "blog/2024/")
    created = {i.findtext("title"): i for i in _feed_items(site.site_dir / "feed_rss_created.xml")}
    survey = created["Attention, a reading path"]
    assert survey.findtext("pubDate").startswith("Sat, 02 Mar 2024")
    assert {c.text for c in survey.findall("category")} >= {"Survey", "attention"}
    assert "After the fold" not in (survey.findtext("description") or "")
    # The excerpt as the page renders it, its links absolute: a feed reader can follow them.
    description = survey.findtext("description")
    assert re.search(r'Start with <a href="https://example.org/log/papers/attn/" title="[^"]+">the Transformer</a>', description)
    assert 'href="https://example.org/log/papers/bert/"' in description and ".md" not in description
    assert "<h1" not in description and "headerlink" not in description
    json_feed = json.loads((site.site_dir / "feed_json_created.json").read_text(encoding="utf-8"))
    assert any("https://example.org/log/papers/attn/" in str(item) for item in json_feed["items"])
    # A post never updated was last updated when it was written (not at build time).
    updated = {i.findtext("title"): i for i in _feed_items(site.site_dir / "feed_rss_updated.xml")}
    assert updated["Attention, a reading path"].findtext("pubDate").startswith("Sat, 02 Mar 2024")
    feed_json = json.loads((site.site_dir / "feed_json_created.json").read_text(encoding="utf-8"))
    assert len(feed_json["items"]) == 2


def test_default_config_turns_the_blog_on_for_a_blog_folder(tmp_path):
    (tmp_path / "notes" / "papers").mkdir(parents=True)
    plain = default_config(tmp_path / "notes", tmp_path / "site")
    assert not any(isinstance(p, dict) and ("blog" in p or "rss" in p) for p in plain["plugins"])
    (tmp_path / "notes" / "blog").mkdir()
    with_blog = default_config(tmp_path / "notes", tmp_path / "site")
    assert {"blog": BLOG_OPTIONS} in with_blog["plugins"]
    assert not any(isinstance(p, dict) and "rss" in p for p in with_blog["plugins"])  # no address, no feed
    with_url = default_config(tmp_path / "notes", tmp_path / "site", site_url=SITE_URL)
    assert {"rss": RSS_OPTIONS} in with_url["plugins"] and with_url["site_url"] == SITE_URL
    names = [next(iter(p)) if isinstance(p, dict) else p for p in with_url["plugins"]]
    assert names.index("blog") < names.index("paperkb")


def test_paperkb_build_on_a_bare_folder_builds_the_blog_and_feed(tmp_path):
    write_tree(tmp_path / "notes", _blog_files())
    result = subprocess.run(
        [sys.executable, "-m", "paperkb", "build", "notes", "-d", "out", "--strict", "--site-url", SITE_URL],
        cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert "Attention, a reading path" in (out / "blog" / "index.html").read_text(encoding="utf-8")
    assert len(_feed_items(out / "feed_rss_created.xml")) == 2
    indexed = pagefind_pages(out)
    assert any("Attention, a reading path" in page["meta"]["title"] for page in indexed.values())
    assert not any("quixotrail" in json.dumps(page, ensure_ascii=False) for page in indexed.values())


def test_blog_is_a_nav_section_with_archive_and_categories(site_builder):
    site = _build_blog(site_builder)
    index = site.html("blog/")
    # In the navigation (md-nav__link), not only in the posts' metadata. The navigation is pruned
    # (navigation.prune): the blog's index links the archive's and the categories' first pages;
    # a category page lists every category.
    assert '<a href="archive/2024/" class="md-nav__link">' in index
    assert '<a href="category/notes/" class="md-nav__link">' in index
    category = site.html("blog/category/survey/")
    assert '<a href="../notes/" class="md-nav__link">' in category
    assert '<a href="../../archive/2024/" class="md-nav__link">' in category


def test_feed_excerpt_is_the_rendered_excerpt_with_absolute_links():
    from paperkb.render.feed_excerpt import feed_excerpt

    page = ('<h1 id="t">Title<a class="headerlink" href="#t">&para;</a></h1>\n<p data-href="x">See <a href="../../papers/a/">A</a>, '
            '<a href="#later">later</a>, <a href="https://x.org/">x</a> and <img src="fig.png" /></p>\n'
            "<!-- more -->\n<p>Rest.</p>")
    assert feed_excerpt(page, "https://s.org/blog/2024/01/02/post/") == (
        '<p data-href="x">See <a href="https://s.org/blog/2024/01/papers/a/">A</a>, '
        '<a href="https://s.org/blog/2024/01/02/post/#later">later</a>, <a href="https://x.org/">x</a> and '
        '<img src="https://s.org/blog/2024/01/02/post/fig.png" /></p>')
    assert feed_excerpt("<h1>T</h1><p>First.</p><p>Second.</p>", "https://s.org/p/") == "<p>First.</p>"
    assert feed_excerpt("<h1>Only a title</h1>", "https://s.org/p/") is None


def test_feed_excerpt_cut_inside_a_container_is_closed():
    from paperkb.render.feed_excerpt import feed_excerpt

    page = '<div class="admonition"><p>Inside <em>the box</em></p>\n<!-- more -->\n<p>rest</p></div>'
    assert feed_excerpt(page, "https://s.org/p/") == '<div class="admonition"><p>Inside <em>the box</em></p></div>'


def test_control_characters_never_break_the_feeds(site_builder):
    files = _blog_files()
    files["papers/odd.md"] = note("Odd \x01 title", key="odd", year=2020)
    files["blog/posts/odd.md"] = ("---\ndate:\n  created: 2024-06-01\n---\n# A post \x02 with controls\n\n"
                                  "See [[odd]] \x03 first.\n\n<!-- more -->\n\nRest.\n")
    plugins = ["search", "tags", {"blog": dict(BLOG_OPTIONS)}, {"rss": dict(RSS_OPTIONS)}, "paperkb"]
    site = site_builder(files, plugins=plugins, config={"site_url": SITE_URL})
    assert site.ok, site.messages
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        items = _feed_items(site.site_dir / name)  # parses: no character XML cannot hold
        assert any("A post" in (i.findtext("title") or "") for i in items)
