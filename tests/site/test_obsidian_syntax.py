"""Obsidian's own Markdown as Obsidian shows it: %% comments %% published nowhere (pages,
search, insights, links, feeds), block IDs as anchors, #tag lines, ==highlights==, image sizes."""

from __future__ import annotations

from html import unescape

import html

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


EXCALIDRAW = """\
---
excalidraw-plugin: parsed
tags: [excalidraw]
---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==

# Text Elements
task state ^a1b2c3

%%
# Drawing
```json
{"type": "excalidraw", "version": 2, "elements": []}
```
%%
"""


def test_embeds_of_plain_pages_and_excalidraw_drawings(site_builder):
    """``![[page]]`` of a page that is no paper note, and ``![[drawing.excalidraw]]`` (the
    Excalidraw plugin's ``drawing.excalidraw.md``, with or without an exported picture), as a
    real vault writes them: the page's text, links or pictures, never the raw ``![[...]]`` or a warning."""
    site = site_builder({
        "Blog/Tokio internals.md": "# Tokio internals\n\nThe task:\n\n![[tokio-task.excalidraw]]\n\n"
                                   "Sized: ![[state.excalidraw|300]]\n\nRegisters:\n\n![[register]]\n",
        "Compiler/Concepts/register.md": "# Register\n\nA register holds a word.\n",
        "attachments/tokio-task.excalidraw.md": EXCALIDRAW,
        "attachments/state.excalidraw.md": EXCALIDRAW,
        "attachments/state.excalidraw.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    }, strict=True, config={"markdown_extensions": ["attr_list", "toc", {"pymdownx.arithmatex": {"generic": True}}]})
    assert site.ok, site.warnings()
    page = site.html("Blog/Tokio internals/")
    article = html.unescape(page[page.index("<article"):page.index("</article>")])
    assert "![[" not in article
    assert '<a href="../../attachments/tokio-task.excalidraw/">tokio-task.excalidraw</a>' in article
    assert '<img alt="" height' not in article and 'src="../../attachments/state.excalidraw.svg"' in article
    assert 'width="300"' in article
    # ![[register]]: the page's text in place (md_in_html, which this site did not list, added for it)
    assert '<p class="pkb-transclusion__source"><a href="../../Compiler/Concepts/register/">Register</a></p>\n' \
           '<p>A register holds a word.</p>' in article
    assert "task state" in site.html("attachments/tokio-task.excalidraw/")  # the drawing's words


def test_publish_false_and_drafts_of_plain_pages_are_published_nowhere(site_builder):
    site = site_builder({
        "papers/a2020.md": note("A", "See [[secret-page]], [the journal](../journal.md) and [[b2019]].\n", year=2020),
        "papers/b2019.md": note("PRIVATE-NOTE-TITLE", "PRIVATE-NOTE-BODY\n", year=2019, publish=False),
        "secret-page.md": "---\npublish: false\n---\n\n# PRIVATE-PAGE-TITLE\n\nPRIVATE-PAGE-BODY\n",
        "journal.md": "---\ndraft: true\n---\n\n# Journal\n\nPRIVATE-JOURNAL\n",
        "odd.md": "---\npublish: \"no\"\n---\n\n# Odd\n\nPRIVATE-ODD\n",
        "about.md": "---\npublish: true\n---\n\n# About\n\nPublic about.\n",
        "blog/index.md": "# Blog\n",
        "blog/posts/private.md": "---\ndate: 2024-01-02\npublish: false\n---\n\n# PRIVATE-POST-TITLE\n\nPRIVATE-POST\n",
        "blog/posts/public.md": "---\ndate: 2024-01-01\n---\n\n# Public post\n\nA public post.\n",
    }, plugins=["tags", "blog", "paperkb"])
    everything = site.all_text()
    assert "A public post." in everything
    for secret in ("PRIVATE-NOTE", "PRIVATE-PAGE", "PRIVATE-JOURNAL", "PRIVATE-ODD", "secret-page/", "journal/",
                   "PRIVATE-POST"):
        assert secret not in everything, secret
    assert not (site.site_dir / "secret-page").exists() and not (site.site_dir / "papers" / "b2019").exists()
    assert "Public about." in site.html("about/")
    assert "See secret-page, the journal and b2019." in unescape(site.html("papers/a2020/"))  # links made text
    assert any("odd.md:2: 'publish' must be true or false" in w for w in site.warnings())
    assert not [w for w in site.warnings() if "secret" in w or "journal" in w]  # as quiet as links to drafts
