"""Where paperkb's parts of a note page go, and which of them skip Markdown.

    card, Problem / Method / Results / Insights     above the body (in the page's Markdown)
    the note's body, then its References            Markdown, as written
    Cites, Cited by, Citation graph, Cite           after the body, added to the finished page

The card and plain-prose sections are finished HTML held out of Markdown (html_slots.py,
plain_text.py); their headings are markers placed with the page's own ids (headings.py). The
trailing sections go in at on_post_page, after mkdocs-material's search plugin has read the
page: they repeat other notes' titles and BibTeX, which a search should not land on, and
parsing them for the index only to drop them again cost time."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.library import Library
from ..core.model import Note
from ..core.urls import SiteUrls
from ..render.card import STARTS_WITH_HEADING, note_sections
from ..render.plain_text import PlainText, defines_abbreviations, text_neutral
from .headings import AddedHeadings, Heading
from .html_slots import HtmlSlots


class NoteLayout:
    def __init__(self, slots: HtmlSlots) -> None:
        self.slots = slots
        self.headings = AddedHeadings()
        self.plain_allowed = True
        self.plain: PlainText | None = None
        self.trail_marker = f"<!--pkb-trail-{secrets.token_hex(6)}-->"
        self._trails: dict[str, list[str]] = {}  # page src -> HTML of its trailing headings

    def configure(self, config: MkDocsConfig) -> None:
        self.headings.configure(config)
        self.plain_allowed = text_neutral(config.markdown_extensions, config.mdx_configs)

    def begin_build(self, library: Library, urls: SiteUrls) -> None:
        self.plain = PlainText(library, urls, enabled=self.plain_allowed)
        self.headings.begin_build()
        self._trails.clear()

    def top(self, note: Note, card_html: str, body: str, expand: Callable[[str], str]) -> str:
        """The Markdown above the body: held HTML where it can be, ``expand``-ed Markdown where not."""
        src = note.src_uri
        plain = None if defines_abbreviations(body) else self.plain
        held: list[str] = [card_html]
        parts: list[str] = []
        sections = note_sections(note, plain)
        for section in sections:
            held.append(self.headings.marker(src, Heading(section.anchor, section.title)))
            if section.html is not None:
                held.append(str(section.html))
                continue
            parts += [self.slots.hold(src, "\n".join(held)), expand(section.markdown)]
            held = []
        if sections and body.strip() and not STARTS_WITH_HEADING.match(body):
            # Sections above: the body's opening text gets a heading, or it would read as Insights.
            held.append(self.headings.marker(src, Heading("notes", "Notes")))
        if held:
            parts.append(self.slots.hold(src, "\n".join(held)))
        return "\n\n".join(parts)

    def place(self, page: Page, html: str, trailing: list[Heading]) -> str:
        """The page's HTML with the held parts and headings in place and a marker where the
        trailing sections go; their headings are in the table of contents from now on."""
        html = self.slots.fill(page.file.src_uri, html)
        html, trailing_html = self.headings.place(page, html, trailing)
        if not trailing_html:
            return html
        self._trails[page.file.src_uri] = trailing_html
        return f"{html}\n{self.trail_marker}"

    def finish(self, output: str, page_src: str, contents: list[str]) -> str:
        """The finished page with each trailing heading followed by its content."""
        headings = self._trails.pop(page_src, None)
        if headings is None or self.trail_marker not in output:
            return output
        trail = "\n".join(f"{heading}\n{content}" for heading, content in zip(headings, contents))
        return output.replace(self.trail_marker, trail, 1)
