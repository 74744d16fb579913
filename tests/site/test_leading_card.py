"""A note's card goes in before the HTML Markdown made of its page, with no marker in the
Markdown (mkdocs_plugin/html_slots.py ``hold_first``): every page is byte for byte the page a
marker in front of the body gives, whatever the body starts with."""

from __future__ import annotations

import markdown

from paperkb.mkdocs_plugin.html_slots import HtmlSlots

from ..conftest import build_site, built_files, note

# Bodies starting with whatever might read a block before them differently.
BODIES = {
    "empty": "",
    "heading": "# A heading of the body\n\nText.\n",
    "setext": "A setext heading\n----------------\n\nText.\n",
    "rule": "---\n\nAfter a rule.\n",
    "code": "    indented code\n\nText.\n",
    "fence": "```python\nprint('x')\n```\n",
    "raw": '<div class="mine">raw <b>HTML</b></div>\n\nText.\n',
    "comment": "<!-- a comment of the note's own -->\n\nText.\n",
    "linkdef": "[site]: https://example.org\n",
    "footnote": "Text with a footnote[^1].\n\n[^1]: The footnote.\n",
    "abbr": "*[HTML]: Hyper Text Markup Language\n\nHTML in an abbreviation.\n",
    "list": "- one\n- two [[heading2020]]\n",
    "quote": "> A quote\n> on two lines\n",
    "admonition": '!!! note "Careful"\n    Inside.\n',
    "toc": "[TOC]\n\n## Part\n\nText.\n",
    "math": "$$\nx^2\n$$\n",
}


def _notes() -> dict[str, str]:
    files = {}
    for i, (name, body) in enumerate(BODIES.items()):
        files[f"papers/{name}.md"] = note(f"Note {name}", body, key=f"{name}20{10 + i}", year=2010 + i)
        # The same body under sections above it, one of them Markdown (emphasis, math): the card
        # is then held before a Markdown section, the rest after it.
        files[f"papers/{name}-sections.md"] = note(
            f"Sections {name}", body, key=f"{name}sections20{10 + i}", year=2010 + i,
            problem="A *hard* problem with $x^2$", method="A plain method.", insights=["An insight."])
    return files


def test_the_card_before_the_html_gives_the_page_a_marker_gives(tmp_path, monkeypatch):
    converted: list[str] = []
    convert = markdown.Markdown.convert

    def recording(self, source: str) -> str:
        converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", recording)
    lead = build_site(tmp_path / "lead", _notes())
    assert lead.ok, lead.messages
    assert not any(s.startswith("<!--pkb-slot") for s in converted)  # no page starts with a marker
    converted.clear()

    monkeypatch.setattr(HtmlSlots, "hold_first", HtmlSlots.hold)  # the card held as a marker
    marked = build_site(tmp_path / "marked", _notes())
    assert marked.ok, marked.messages
    assert sum(s.startswith("<!--pkb-slot") for s in converted) == 2 * len(BODIES)  # every note's page
    lead_files, marked_files = built_files(lead.site_dir), built_files(marked.site_dir)
    assert lead_files.keys() == marked_files.keys()
    different = [name for name in lead_files if lead_files[name] != marked_files[name]]
    assert not different, different
    page = lead.html("papers/heading/")
    assert page.count('class="pkb-card"') == 1 and page.index('class="pkb-card"') < page.index("<p>Text.</p>")
