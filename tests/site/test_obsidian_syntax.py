"""Obsidian's own Markdown as Obsidian shows it: %% comments %% published nowhere (pages,
search, insights, links, feeds), block IDs as anchors, #tag lines, ==highlights==, image sizes."""

from __future__ import annotations

from ..conftest import note

BODY = """\
Public summary. %%SECRET-INLINE reviewer was rude%% Back to public text.

%%
SECRET-BLOCK
- [想法] SECRET-INSIGHT
See [[b2019]].
%%

Code keeps it: `a %% b` and

```
x = 5 %% 3  # SECRET-NOT: code is text
```

- [想法] a public insight
Trailing %% SECRET-UNCLOSED runs to the end
like Obsidian hides it
"""


def test_comments_appear_nowhere_in_the_site(site_builder):
    site = site_builder({
        "papers/a2020.md": note("A", BODY, year=2020),
        "papers/b2019.md": note("B", year=2019),
        "blog/index.md": "# Blog\n",
        "blog/posts/hello.md": "---\ndate: 2024-01-01\n---\n\n# Hello\n\nPost. %%SECRET-POST%% Done.\n",
    }, plugins=["tags", "blog", "paperkb"])
    assert site.ok, site.warnings()
    everything = site.all_text()
    for secret in ("SECRET-INLINE", "SECRET-BLOCK", "SECRET-INSIGHT", "SECRET-UNCLOSED", "like Obsidian hides",
                   "SECRET-POST"):
        assert secret not in everything, secret
    page = site.html("papers/a2020/")
    assert "Public summary." in page and "Back to public text." in page
    assert "a %% b" in page and "SECRET-NOT" in page  # code is text
    assert "a public insight" in site.html("insights/")
    assert "papers/a2020/" not in site.html("papers/b2019/")  # the commented [[b2019]] links nothing


VAULT_NOTE = """\
#paper #transformer
An important claim. ^key-claim

- a listed point ^point-2

See [[b2019#^block1]], [[b2019#Related Work|its related work]] and ==the highlight== and ![[fig.png|300x200]].

^lone-id

`#not-touched ^kept` in code. Named with its extension: [[b2019.md]].
"""


def test_block_ids_tags_highlights_and_image_sizes(site_builder):
    site = site_builder({
        "papers/a2020.md": note("A", VAULT_NOTE, year=2020),
        "papers/b2019.md": note("B", "## Related Work\n\nA paragraph. ^block1\n", year=2019),
        "assets/fig.png": b"\x89PNG\r\n\x1a\n",
    })
    assert site.ok, site.warnings()
    assert not [w for w in site.warnings() if "a2020" in w or "b2019" in w], site.warnings()
    page = site.html("papers/a2020/")
    body = page[page.index('<article'):]
    assert 'id="paper-transformer"' not in body  # no heading made of the tags
    assert "<p>#paper #transformer" in body
    assert 'An important claim. <a id="^key-claim"></a>' in body
    assert '<li>a listed point <a id="^point-2"></a></li>' in body
    assert "^lone-id" not in body
    assert 'href="../b2019/#^block1"' in body and 'href="../b2019/#related-work"' in body
    assert "<mark>the highlight</mark>" in body
    assert '<img alt="" height="200" src="../../assets/fig.png" width="300" />' in body
    assert "<code>#not-touched ^kept</code>" in body
    assert 'A paragraph. <a id="^block1"></a>' in site.html("papers/b2019/")
    assert body.count('href="../b2019/"') >= 1  # [[b2019.md]] is the note b2019, as in Obsidian
    assert "../a2020/" in site.html("papers/b2019/")  # and it shows where it is mentioned
