"""[[links]] and [idea] badges held out of Markdown (mkdocs_plugin/html_slots.py ``inline_holds``):
a site built with them is byte for byte the site Markdown and MkDocs write without them, in
every context a note may put them in, for titles, labels and file names that Markdown or URLs
treat specially."""

from __future__ import annotations

import pytest

from paperkb.default_config import MARKDOWN_EXTENSIONS
from paperkb.mkdocs_plugin.html_slots import HtmlSlots
from paperkb.render import card, wikilinks
from paperkb.render.plain_text import inline_hold_lines

from ..conftest import build_site, built_files, note

# Notes to link to, by key: titles and file names Markdown, HTML or URLs read specially.
TARGETS = {
    "papers/plain.md": note("Attention Is All You Need", key="vaswani2017", year=2017, venue="NeurIPS"),
    "papers/Q&A notes.md": note('Q&A <b>bold</b> "quoted" it\'s -- [x] *y* _z_ `c`', key="qa2020", year=2020),
    "papers/mail.md": note("Write to me@example.org or www.example.org", key="mail2021"),
    "papers/注意力 机制.md": note("注意力机制：综述 (survey) $x$ 100%", key="zhu2019", venue="ACL 2019"),
    "papers/100%.md": note("Per cent in the file name", key="pct2018"),
    "other/far.md": note("A note in another folder: #hash ~tilde~ ==mark== ^caret^", key="far2016"),
    "papers/spaces.md": note("  Title with spaces  ", key="spaces2015"),
    "papers/@cohen2003.md": note("A Zotero citekey as the file name", key="cohen2003"),
    "papers/with space.md": note("A space in the file name", key="space2002"),
}

KEYS = ["vaswani2017", "qa2020", "mail2021", "zhu2019", "pct2018", "far2016", "spaces2015", "cohen2003", "space2002"]

# Contexts a link or a badge may stand in; {k} is a key, {l} a [[key|label]] label.
CONTEXTS = """\
- [idea] a plain bullet with [[{k}]] in it
- [想法] 中文的想法 [[{k}|{l}]]
- Plain item [[{k}]], *emphasis [[{k}]]*, **[[{k}]]**, _[[{k}]]_, x_[[{k}]]_y, a*[[{k}]]*b

A paragraph with [[{k}]]
that goes on over [[{k}|{l}]] two lines.

# A heading [[{k}]]

A setext heading [[{k}]]
------------------------

> A quote with [[{k}]]
> and more [[{k}]]

> [!note] A callout [[{k}]]
> Its body [[{k}]]

!!! note "An admonition [[{k}]]"
    Inside [[{k}]]

Code spans `[[{k}]]` and [[{k}]] and ``a ` b [[{k}]]``.
A code span `over two
lines [[{k}]]` and after.

A [link with [[{k}]] inside](https://example.org) and [[{k}]].

Math $a [[{k}]] b$ and [[{k}]].

[[{k}]]{: .special }

| table | [[{k}]] |
| --- | --- |
| [[{k}|{l}]] | cell |

- [ ] [idea] a task [[{k}]]
- item
    - nested [[{k}]]

    loose text [[{k}]]

Term [[{k}]]
:   Definition [[{k}]]

A footnote[^1] and [[{k}]].

[^1]: The note [[{k}]].

Mail me@example.org [[{k}]] and www.example.org [[{k}]] and https://example.org [[{k}]].

A link to a heading [[{k}#Section]] and [[{k}]].
"""

LABELS = ["short label", "a & b < c \"d\"", "*emph* _u_", "@handle", "日本語"]


def _linking_notes() -> dict[str, str]:
    files = dict(TARGETS)
    for i, key in enumerate(KEYS):
        label = LABELS[i % len(LABELS)]
        body = CONTEXTS.replace("{k}", key).replace("{l}", label)
        files[f"papers/linking{i}.md"] = note(f"Linking note {i}", body, key=f"linking{i}",
                                              insights=[f"Insight with [[{key}]] link"],
                                              problem=f"A problem, see [[{key}]] and `code`.")
    files["papers/maths.md"] = note(
        "Display maths page",
        "Before [[vaswani2017]]\n\n$$\na [[far2016]] b\n$$\n\nBetween [[far2016]] `$$`\n\n$$\n\\begin{matrix} [[far2016]]\n\n"
        "\\end{matrix}\n$$\nright after [[far2016]]\n\n- item\n  $$\n  x [[far2016]]\n  $$\n- [idea] after [[far2016]]\n\n"
        "\\[\nc [[far2016]]\n\\]\n\n> $$\n> d [[far2016]]\n>\n> $$\n\n$$\na\n\nb [[far2016]]\n\nc\n$$\n\nAfter [[spaces2015]]\n",
        key="maths2014")
    files["papers/html.md"] = note("Raw HTML page", "Before [[vaswani2017]]\n\n<div markdown>\nIn HTML [[qa2020]]\n</div>\n\n"
                                   "Escaped \\[[vaswani2017]] and [[vaswani2017]].\n", key="html2012")
    files["papers/image.md"] = note("Image page", "![alt [[far2016]]](figure.png) [[far2016]]\n\nThen [[vaswani2017]].\n",
                                    key="image2011")
    files["papers/abbr.md"] = note("Abbreviations page", "The LLM [[vaswani2017]].\n\n*[LLM]: Large Language Model\n",
                                   key="abbr2013")
    return files


def _about_pages(messages: list[str]) -> list[str]:
    """The messages about the notes (their links, anchors), not the build's folder or time."""
    return [m for m in messages if "Doc file" in m or "notes/" in m]


@pytest.mark.parametrize("directory_urls, magiclink", [(True, False), (False, False), (True, True)])
def test_held_links_and_badges_give_the_html_markdown_writes(tmp_path, monkeypatch, directory_urls, magiclink):
    files = _linking_notes()
    config = {"use_directory_urls": directory_urls}
    if magiclink:  # (bare URLs and addresses become links: lines with them hold nothing)
        config["markdown_extensions"] = [*MARKDOWN_EXTENSIONS, "pymdownx.magiclink"]
    made: list[str] = []
    original = card.wikilink_html

    def counted(*args, **kwargs):
        html = original(*args, **kwargs)
        if html is not None:
            made.append(html)
        return html

    monkeypatch.setattr(wikilinks, "wikilink_html", counted)
    held = build_site(tmp_path / "held", files, config=config)
    assert held.ok, held.messages
    # Held: links of plain lines to notes with ordinary titles; not those Markdown might read otherwise.
    assert any('title="Attention Is All You Need &#40;2017, NeurIPS&#41;"' in html for html in made)
    far = 'href="../../other/far/"' if directory_urls else 'href="../other/far.html"'
    assert any(far in html for html in made) and len(made) > 40
    assert not any("me@example" in html or "100%" in html or "注意力" in html for html in made)

    monkeypatch.setattr(HtmlSlots, "inline_holds", lambda self, page, markdown: None)
    plain = build_site(tmp_path / "plain", files, config=config)
    assert plain.ok, plain.messages
    assert _about_pages(held.messages) == _about_pages(plain.messages)

    held_files, plain_files = built_files(held.site_dir), built_files(plain.site_dir)
    assert held_files.keys() == plain_files.keys()
    different = [name for name in held_files if held_files[name] != plain_files[name]]
    assert not different, different
    page = held_files["papers/linking0/index.html" if directory_urls else "papers/linking0.html"].decode()
    assert "\ue000" not in page and '<span class="pkb-idea" title="My own insight">idea</span>' in page


def test_only_lines_markdown_writes_as_they_stand_may_hold():
    text = "\n".join([
        "- [idea] plain [[a]]",  # 0
        "- item [[b|label]] and `code`",  # 1
        "",
        "# Heading [[a]]",  # 3
        "",
        "setext [[a]]",  # 5
        "===",
        "",
        "    indented [[a]]",  # 8
        "",
        "text `span over",  # 10
        "two lines [[a]]`",  # 11
        "",
        "> quoted [[a]]",  # 13
        "",
        "with [link](x.md) [[a]]",  # 15
        "",
        "an attribute [[a]]{: .x }",  # 17
        "",
        "mail a@b.org [[a]]",  # 19
        "",
        "- an item [x](y.md) [[a]]",  # 21
        "  that goes on [[a]]",  # 22
        "- its plain sibling [[a]]",  # 23
        "    - and a nested one [[a]]",  # 24
        "",
        "paragraph [[a]]",  # 26
        "text [x](y.md), and a line that is no list item (a paragraph goes on):",  # 27
        "- [[a]]",  # 28
    ])
    assert inline_hold_lines(text) == {0, 1, 13, 19, 23, 24}
    assert inline_hold_lines(text, bare_links=True) == {0, 1, 13, 23, 24}
    assert inline_hold_lines(text + "\n\n*[LLM]: Large Language Model") == frozenset()
    assert inline_hold_lines(text + "\n\n<div>\n[[a]]\n</div>") == frozenset()
    assert inline_hold_lines(text + "\n\n$$\n[[a]]\n\n[[a]]\n$$\n\n[[a]]") == {0, 1, 13, 19, 23, 24, 36}
    assert inline_hold_lines(text + "\n\n$$\n[[a]]") == frozenset()  # (delimiters that do not pair up)
