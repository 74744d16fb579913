"""Raw HTML from someone else's README or blog that could run code is escaped at import (with its
line named); HTML that only shows stays; `sanitize_html: true` applies the same to a whole site."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from paperkb.core.frontmatter_source import parse_front_matter
from paperkb.importers.posts import import_posts
from paperkb.importers.readme_import import import_readme

from ..conftest import note, write_tree

# A Hexo post as such blogs write them: a video embed, an image with a handler, a stats script.
HEXO_POST = """---
title: 读 ViT 的笔记
author: "<img src=x onerror=alert(9)>Mallory"
date: 2021-03-02 10:00:00
tags: [vision]
categories: [Reading]
---
<p align="center"><img src="/images/vit.png" width="480"></p>

The paper shows <img src="x" onerror="alert(document.cookie)"> images are 16x16 words.

<iframe src="//player.bilibili.com/player.html?bvid=BV1xx" allowfullscreen></iframe>

<!-- more -->

<script async src="//busuanzi.ibruce.info/busuanzi/2.3/busuanzi.pure.mini.js"></script>
A <a href="javascript:alert(1)">link</a> and `<script>kept in code</script>`.
"""

README = """# Awesome Reading

Papers I read.

## Vision

### 2021 - [An Image is Worth 16x16 Words](https://arxiv.org/abs/2010.11929)
  * Patches as tokens <img src=x onerror=alert(1)>
  * <script>steal()</script> pure transformer, no convolutions
  * <b>bold</b> and <sub>sub</sub> stay
"""


class Running(HTMLParser):
    """What would run in a page's content (the theme's own scripts around it are not read)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def feed(self, data: str) -> None:
        super().feed(data[data.index("<article"):data.rindex("</article>")])

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe"}:
            self.found.append(tag)
        self.found += [f"{tag} {n}" for n, v in attrs if n.startswith("on") or (v or "").startswith("javascript:")]


def test_import_posts_escapes_active_html_with_lines(tmp_path):
    source = tmp_path / "hexo" / "source" / "_posts"
    write_tree(source, {"vit-notes.md": HEXO_POST})
    (tmp_path / "hexo" / "_config.yml").write_text("title: A Hexo blog\n", encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_posts([tmp_path / "hexo"], out_dir=notes / "blog" / "posts", notes_dir=notes, project_root=tmp_path)
    report = import_posts([tmp_path / "hexo"], out_dir=notes / "blog" / "posts", notes_dir=notes,
                          project_root=tmp_path, add_authors=True, authors_file=notes / "blog" / ".authors.yml",
                          dry_run=True)
    assert any(p.line == 3 and "author name" in p.message and "HTML markup" in p.message for p in report.problems)
    lines = {(p.line, p.message.split(" (")[0]) for p in report.problems if "active HTML" in p.message}
    assert lines == {(10, "active HTML <img onerror>"), (12, "active HTML <iframe>"), (16, "active HTML <script>"),
                     (17, "active HTML <a href>")}, report.problems
    report = import_posts([tmp_path / "hexo"], out_dir=notes / "blog" / "posts", notes_dir=notes,
                          project_root=tmp_path)
    written = next((notes / "blog" / "posts").glob("*.md")).read_text(encoding="utf-8")
    body = parse_front_matter(written).body
    assert '<p align="center"><img src="/images/vit.png" width="480"></p>' in body  # shows only: kept
    assert '&lt;img src="x" onerror="alert(document.cookie)">' in body
    assert "&lt;iframe" in body and "&lt;script async" in body and "&lt;/script>" in body
    assert "`<script>kept in code</script>`" in body


def test_import_readme_escapes_active_html(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    found = sorted((p.line, p.message.split(" (")[0]) for p in report.problems if "active HTML" in p.message)
    assert found == [(8, "active HTML <img onerror>"), (9, "active HTML <script>")], report.problems
    text = "\n".join(p.read_text(encoding="utf-8") for p in notes.rglob("*.md"))
    assert "<img src=x onerror" not in text and "<script>steal" not in text
    assert "<b>bold</b>" in text


def test_sanitize_html_option_cleans_every_page(site_builder):
    hostile = ("Body <img src=x onerror=alert(1)> and <iframe src=https://evil.example/></iframe>\n\n"
               "<div onclick=alert(2)>click</div> <b>kept</b>\n\n"
               "| a | b |\n|---|---|\n| <span style=\"color:red\">red</span> | 2 |\n\n"
               "- [x] done\n\n<script>alert(3)</script>\n")
    files = {
        "papers/a2020.md": note("Shared notes", hostile, year=2020, fields=["LLM"]),
        "papers/b2021.md": note("Cites A", "See [[a2020]].\n", year=2021, fields=["LLM"], cites=["a2020", "c2019"]),
        "papers/c2019.md": note("Older", year=2019, fields=["LLM"]),  # (two links: b2021 gets a diagram)
        "about.md": "# About\n\n" + hostile,
    }
    plain = site_builder(files)
    assert plain.ok, plain.messages
    parser = Running()
    parser.feed(plain.html("about/"))
    assert parser.found  # without the option, the writer's own HTML is theirs
    site = site_builder(files, plugins=["tags", {"paperkb": {"sanitize_html": True}}])
    assert site.ok, site.messages
    for url in ("papers/a2020/", "about/", "papers/b2021/"):
        html = site.html(url)
        parser = Running()
        parser.feed(html)
        assert not parser.found, (url, parser.found)
    a = site.html("papers/a2020/")
    assert "<b>kept</b>" in a and 'style="color:red"' in a and 'type="checkbox"' in a
    assert "pkb-graph__svg" in site.html("papers/b2021/")  # paperkb's own diagrams are not touched
    assert "pkb-card" in a and re.search(r'<div class="pkb-card" data-pkb-key="a2020"', a)
