"""```paperkb-query blocks in built sites: tables, links, captions, errors with file:line."""

from __future__ import annotations

import posixpath
import re
from html import unescape

from paperkb.default_config import MARKDOWN_EXTENSIONS
from paperkb.render.query_blocks import find_query_blocks, markdown_inert

from ..conftest import BuiltSite, note
from ..query_fixture import NOTES

HOSTILE = '<script>alert(1)</script> & "q" *em* [[vit]] {x} `c`'


def query_divs(html: str) -> list[str]:
    return re.findall(r'<div class="pkb-query" data-pkb-query="\d+">.*?</table></div></div>|'
                      r'<div class="pkb-query" data-pkb-query="0">.*?</div>', html, re.S)


def row_keys(div: str) -> list[str]:
    return re.findall(r'<tr data-pkb-key="([^"]+)">', div)


def assert_links_resolve(site: BuiltSite, page_url: str, div: str) -> list[str]:
    """Every link in ``div`` leads to a page the build wrote; returns the pages' URLs."""
    hrefs = re.findall(r'href="([^"]+)"', div)
    assert hrefs
    targets = []
    for href in hrefs:
        target = posixpath.normpath(posixpath.join(page_url, unescape(href)))
        path = site.site_dir / target / "index.html"
        assert path.is_file(), (page_url, href)
        targets.append(target + "/")
    return targets


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


READING = """\
# Reading lists

Papers that build on ViT and on attention:

```paperkb-query
cites_all: [vit, attn]
columns: [year, title, venue, key]
```

Everything downstream of attention since 2022, Vision only:

~~~~paperkb-query
descendants: attn
since: 2022
field: Vision
~~~~

!!! note "Co-citation"

    ```paperkb-query
    cocited_with: vit
    limit: 3
    ```

- Nested in a list:

    ```paperkb-query
    coupled_with: mae
    columns: [title, score]
    ```

An example shown as code is not run:

````markdown
```paperkb-query
since: 1900
```
````

Nothing matches this one:

```paperkb-query
since: 2030
```
"""

BROKEN = """\
# Broken queries

Some text.

```paperkb-query
since: 2020
colour: red
```

```paperkb-query
cites_all: [vit, nosuchnote]
```

```paperkb-query
since: [2020
```

And [[survy]] after the blocks.
"""


def test_blocks_render_tables_of_the_answers(site_builder):
    site = site_builder({**NOTES, "reading.md": READING})
    assert site.ok and not site.warnings(), site.warnings()
    html = site.html("reading/")
    divs = query_divs(html)
    assert len(divs) == 5
    cites, downstream, cocited, coupled, empty = divs
    assert row_keys(cites) == ["clip"]
    assert "<th>Year</th><th>Title</th><th>Venue</th><th>Key</th>" in cites
    assert ">Notes citing all of “Vision Transformer”, “Attention Is All You Need”: 1 note matches.<" in cites
    assert row_keys(downstream) == ["sam", "survey", "mae"]
    assert "Notes citing “Attention Is All You Need”, directly or transitively; since 2022; field Vision: 3 notes match." in downstream
    assert row_keys(cocited) == ["mae", "clip", "bert"]
    assert "8 notes match; the first 3 are shown" in cocited and "<th>Co-cited</th>" in cocited
    assert row_keys(coupled) == ["clip", "survey", "vit", "llm", "sam"]
    assert re.search(r'<th>Title</th><th>Shared refs</th>.*<td data-label="Shared refs" class="pkb-cell--score">3</td></tr>',
                     coupled, re.S)
    assert "No notes match this query." in empty and "no notes match" in empty
    # nested blocks really sit inside their admonition and list item
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Co-citation</p>\s*'
                     r'<div class="pkb-query"', html)
    assert re.search(r"<li>\s*<p>Nested in a list:</p>\s*<div class=\"pkb-query\"", html)
    # the example inside a ````markdown block stays code
    assert "since: 1900" in unescape(re.sub(r"<[^>]+>", "", html))
    assert len(re.findall(r'class="pkb-query"', html)) == 5
    for div in divs[:4]:
        assert_links_resolve(site, "reading", div)
    assert assert_links_resolve(site, "reading", cites) == ["papers/clip/"]
    assert not any(key in site.all_text() for key in ("Secret Draft",))


def test_malformed_blocks_show_an_error_and_warn_with_file_and_line(site_builder):
    site = site_builder({**NOTES, "broken.md": BROKEN})
    assert site.ok
    warnings = [w for w in site.warnings() if "paperkb-query" in w]
    assert warnings == [
        f"WARNING: notes/broken.md:{line_of(BROKEN, 'colour: red')}: paperkb-query: unknown query key 'colour' "
        "(did you mean 'columns'?); allowed keys: descendants, ancestors, cites_all, cited_by_all, cocited_with, coupled_with, since, until, "
        "field, type, venue, tag, level, dataset, metric, role, text, depth, sort, limit, columns, derived",
        f"WARNING: notes/broken.md:{line_of(BROKEN, 'nosuchnote')}: paperkb-query: unknown note key 'nosuchnote'",
        f"WARNING: notes/broken.md:{line_of(BROKEN, 'since: [2020')}: paperkb-query: YAML syntax error: "
        "expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)",
    ]
    # Line numbers of other warnings on the page are untouched by the blocks.
    assert any(w.startswith(f"WARNING: notes/broken.md:{line_of(BROKEN, '[[survy]]')}: unknown citation 'survy'")
               for w in site.warnings())
    html = site.html("broken/")
    errors = re.findall(r'<div class="admonition failure pkb-query-error">.*?</div>', html, re.S)
    assert len(errors) == 3
    assert "unknown query key &#39;colour&#39;" in errors[0] and "colour: red" in errors[0]
    assert "unknown note key &#39;nosuchnote&#39;" in errors[1]
    assert not query_divs(html)


def test_strict_build_fails_on_a_malformed_block(site_builder):
    site = site_builder({**NOTES, "broken.md": BROKEN}, strict=True)
    assert not site.ok


def test_blocks_in_note_bodies_warn_with_the_note_file_line(site_builder, tmp_path):
    body = ("# Query Note\n\nIntro with [[vit]].\n\n```paperkb-query\ncited_by_all: [mae, clip]\n"
            "sort: title\n```\n\n```paperkb-query\ndescendants: vit\ndepth: two\n```\n")
    text = note("Query Note", body, key="qnote", year=2024, cites=["vit"])
    site = site_builder({**NOTES, "papers/qnote.md": text})
    warnings = [w for w in site.warnings() if "paperkb-query" in w]
    assert warnings == [f"WARNING: notes/papers/qnote.md:{line_of(text, 'depth: two')}: paperkb-query: "
                        "'depth' must be a whole number of at least 1, got str 'two'"]
    html = site.html("papers/qnote/")
    [div] = query_divs(html)
    assert row_keys(div) == ["bert", "imnet", "vit"]
    targets = assert_links_resolve(site, "papers/qnote", div)
    assert targets == ["papers/bert/", "papers/imnet/", "papers/vit/"]
    assert 'href="../bert/"' in div


def test_hostile_titles_are_escaped_in_the_table(site_builder):
    files = {**NOTES, "papers/evil.md": note(HOSTILE, "", key="evil", year=2024, cites=["vit"]),
             "evil-list.md": "# Evil\n\n```paperkb-query\ncites_all: vit\nsince: 2024\ncolumns: [title, key]\n```\n"}
    site = site_builder(files)
    assert site.ok
    [div] = query_divs(site.html("evil-list/"))
    assert row_keys(div) == ["evil"]
    assert "<script>" not in div
    cell = re.search(r"<td[^>]*><a href=\"[^\"]+\" title=\"[^\"]+\">(.*?)</a></td>", div).group(1)
    assert unescape(cell) == HOSTILE  # shown exactly as written: no markup, no wikilink, no emphasis


def test_blog_posts_link_from_their_own_url(site_builder):
    post = ("---\ndate: 2024-03-01\n---\n\n# What I read\n\n```paperkb-query\ncited_by_all: [sam]\n"
            "columns: [title]\n```\n")
    files = {**NOTES, "blog/index.md": "# Blog\n", "blog/posts/reading.md": post}
    site = site_builder(files, plugins=["blog", "tags", "paperkb"])
    assert site.ok, site.messages
    post_html = site.html("blog/2024/03/01/what-i-read/")
    [div] = query_divs(post_html)
    assert sorted(assert_links_resolve(site, "blog/2024/03/01/what-i-read", div)) == [
        "papers/clip/", "papers/mae/", "papers/vit/"]
    [excerpt] = query_divs(site.html("blog/"))  # the post's excerpt on the blog index
    assert len(assert_links_resolve(site, "blog", excerpt)) == 3


def test_without_superfences_top_level_blocks_become_raw_html(site_builder):
    extensions = [e for e in MARKDOWN_EXTENSIONS if e != "pymdownx.superfences"]
    site = site_builder({**NOTES, "broken.md": BROKEN, "reading.md": READING},
                        config={"markdown_extensions": extensions})
    warnings = [w for w in site.warnings() if "paperkb-query" in w]
    assert len(warnings) == 3 and f"notes/broken.md:{line_of(BROKEN, 'colour: red')}:" in warnings[0]
    assert any(f"notes/broken.md:{line_of(BROKEN, '[[survy]]')}: unknown citation 'survy'" in w
               for w in site.warnings())
    html = site.html("reading/")
    divs = re.findall(r'<div class="pkb-query" data-pkb-query="\d+">.*?</div></div>', html, re.S)
    assert [row_keys(d) for d in divs[:2]] == [["clip"], ["sam", "survey", "mae"]]
    assert_links_resolve(site, "reading", divs[0])


def test_find_query_blocks_skips_code_and_detects_fences():
    text = ("```python\n```paperkb-query\n```\n\n"  # the inner fence is code of the python block
            "~~~paperkb-query\nsince: 2020\n```\nstill inside\n~~~\n\n"  # ``` does not close a ~~~ fence
            "``` paperkb-query extra\nuntil: 2000\n```\n\n"
            "> ```paperkb-query\n> since: 2021\n> ```\n\n"
            "```paperkb-query\nnever closed\n")
    blocks = find_query_blocks(text)
    assert [(b.start, b.source, b.closed) for b in blocks] == [
        (4, "since: 2020\n```\nstill inside", True),
        (10, "until: 2000", True),
        (14, "since: 2021", True),
        (18, "", False),
    ]


def test_markdown_inert_html_reads_the_same_in_a_browser():
    html = '<p class="pkb-query__caption" title="a`b">*x* [[k]] :smile: $m$ &amp;</p>'
    inert = markdown_inert(html)
    assert 'class="pkb-query__caption"' in inert and "*" not in inert and "[" not in inert and "`" not in inert
    assert unescape(re.sub(r"<[^>]+>", "", inert)) == "*x* [[k]] :smile: $m$ &"


def test_disabled_plugin_leaves_blocks_as_code(site_builder):
    site = site_builder({"page.md": "# P\n\n```paperkb-query\nsince: 2020\n```\n"},
                        plugins=["tags", {"paperkb": {"enabled": False}}])
    assert site.ok
    html = site.html("page/")
    assert "<pre><code>since: 2020</code></pre>" in html and "pkb-query" not in html
