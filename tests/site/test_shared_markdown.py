"""One Python-Markdown instance for every page of a build (mkdocs_plugin/shared_markdown.py): each
page comes out byte for byte as with an instance of its own, as MkDocs makes it."""

from __future__ import annotations

import textwrap

import markdown
import pytest

from paperkb.mkdocs_plugin import shared_markdown
from paperkb.mkdocs_plugin.shared_markdown import SharedMarkdown

from ..conftest import assert_same_pages, build_site, example_notes, note
from .test_render_guard import trap_extension  # noqa: F401 - a fixture

# Pages that leave state in a reused instance if it were not reset: footnotes, abbreviations,
# headings (toc ids), fenced and inline code, admonitions, details, tasks, math, marks, tables,
# raw HTML with ids and Markdown inside, definition lists, attribute lists.
RICH = textwrap.dedent("""\
    # Overview

    A claim[^1] about HTML and the W3C, ==marked==, `inline` and `#!python x = 1`.

    *[HTML]: Hyper Text Markup Language

    ## Overview

    !!! note "A note"
        Text in an admonition.

        - item one
        - item two

    ??? tip "Folded"
        Hidden text.

    - [x] done
    - [ ] open

    $$
    E = mc^2
    $$

    | a | b |
    |---|---|
    | 1 | 2 |

    <div id="raw-block" markdown>
    **bold** in raw HTML
    </div>

    Term
    :   Definition.

    A paragraph with attributes.
    {: #para-id .special }

    ```python title="code.py"
    print("hi")
    ```

    [^1]: The footnote, with *emphasis*.
    """)


def _files() -> dict[str, str]:
    files = {
        f"papers/p{i}.md": note(f"Paper {i}", RICH.replace("claim", f"claim {i}") + ("\n[^2]: unused\n" if i % 2 else ""),
                                key=f"p{i}", year=2020 + i, cites=[f"p{(i + 1) % 4}"])
        for i in range(4)
    }
    files["guide.md"] = "# Guide\n\nNo abbreviations here: HTML stays plain.[^a]\n\n[^a]: Its own footnote.\n"
    files["empty.md"] = ""  # Markdown returns early on an empty page, before any tree processor
    files["about.md"] = "# About\n\n## Overview\n\nThe same heading as elsewhere gets the same id here.\n"
    return files



def _count_instances(monkeypatch) -> list[int]:
    made = [0]
    init = markdown.Markdown.__init__

    def counting(self, *args, **kwargs):
        made[0] += 1
        init(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counting)
    return made


def _alone(monkeypatch) -> None:
    """Every page with an instance of its own, as MkDocs renders."""
    monkeypatch.setattr(SharedMarkdown, "_instance", lambda self, config: None)


def test_every_page_is_the_same_as_with_an_instance_of_its_own(tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        made = _count_instances(patch)
        shared = build_site(tmp_path / "shared", _files(), plugins=["search", "tags", "paperkb"])
    assert shared.ok, shared.messages
    assert made[0] <= 3  # (the blog-less site: one for the pages, a few for paperkb's own text)
    with monkeypatch.context() as patch:
        _alone(patch)
        made = _count_instances(patch)
        alone = build_site(tmp_path / "alone", _files(), plugins=["search", "tags", "paperkb"])
    assert alone.ok, alone.messages
    assert made[0] >= len(_files())
    assert_same_pages(shared, alone)
    # What reset must clear: each page numbers its own footnotes, knows only its own
    # abbreviations, and gives its headings ids of its own.
    guide = shared.html("guide/")
    assert 'id="fn:a"' in guide and 'id="fn:1"' not in guide and "<abbr" not in guide
    assert 'id="overview"' in shared.html("about/") and 'id="overview_1"' not in shared.html("about/")
    assert shared.html("papers/p2/").count("<abbr") >= 1


def test_the_example_site_is_the_same_as_with_an_instance_per_page(tmp_path, monkeypatch):
    """The example notes: blog posts (pages of the blog plugin's own classes), projects, math,
    query blocks, embeds."""
    files = example_notes()
    shared = build_site(tmp_path / "shared", files)
    with monkeypatch.context() as patch:
        _alone(patch)
        alone = build_site(tmp_path / "alone", files)
    assert_same_pages(shared, alone, at_least=40)


def test_an_extension_not_known_to_reset_gets_an_instance_per_page(tmp_path, monkeypatch, trap_extension):
    from paperkb.default_config import MARKDOWN_EXTENSIONS

    made = _count_instances(monkeypatch)
    site = build_site(tmp_path, _files(), config={"markdown_extensions": [*MARKDOWN_EXTENSIONS, trap_extension]})
    assert site.ok, site.messages
    assert made[0] >= len(_files())
    assert not shared_markdown.reusable([*MARKDOWN_EXTENSIONS, trap_extension])
    assert not shared_markdown.reusable(["toc", "my_package.extension:Thing"])
    assert shared_markdown.reusable(["toc", "markdown.extensions.tables", "pymdownx.superfences"])
    monkeypatch.setattr(shared_markdown, "_MKDOCS_KNOWN", False)  # a MkDocs whose page processors moved
    assert not shared_markdown.reusable(["toc"])


def test_footnotes_numbered_per_instance_get_an_instance_per_page(tmp_path, monkeypatch):
    from paperkb.default_config import MARKDOWN_EXTENSIONS

    extensions = [e for e in MARKDOWN_EXTENSIONS if e != "footnotes"] + [{"footnotes": {"UNIQUE_IDS": True}}]
    made = _count_instances(monkeypatch)
    site = build_site(tmp_path, _files(), config={"markdown_extensions": extensions})
    assert site.ok, site.messages
    assert made[0] >= len(_files())
    assert 'id="fn:2-1"' in site.html("papers/p1/")  # the first document of its own instance, as in MkDocs


def test_a_page_that_fails_midway_leaves_the_next_pages_as_they_would_be(tmp_path, monkeypatch, trap_extension):
    """The instance a page failed in (mid-document) is not used again."""
    from paperkb.default_config import MARKDOWN_EXTENSIONS

    monkeypatch.setattr(shared_markdown, "REUSABLE", shared_markdown.REUSABLE | {trap_extension})
    files = _files()
    files["papers/p1.md"] = files["papers/p1.md"].replace("A paragraph with attributes.", "EXPLODE here.")
    config = {"markdown_extensions": [*MARKDOWN_EXTENSIONS, trap_extension]}
    shared = build_site(tmp_path / "shared", files, config=config)
    with monkeypatch.context() as patch:
        _alone(patch)
        alone = build_site(tmp_path / "alone", files, config=config)
    assert "could not be made into HTML" in shared.html("papers/p1/")
    assert_same_pages(shared, alone)
