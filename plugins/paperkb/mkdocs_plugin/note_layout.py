"""Where paperkb's parts of a note page go, and which of them skip Markdown.

    card, Problem / Method / Results / Insights     above the body (in the page's Markdown)
    the note's body, then its References            Markdown, as written
    Cites, Cited by, Citation graph, Cite           after the body, added to the finished page

The card and plain-prose sections are finished HTML held out of Markdown (html_slots.py,
plain_text.py); their headings are markers placed with the page's own ids (headings.py). While
search indexes the page, the card is a compact twin that the indexer reads the same way
(render/search_twin.py); the card itself replaces it once search has read the page: with Pagefind
(the default) or no search, as soon as every plugin had the page's HTML (``search_has_read``, the last
on_page_content; the card is never packed), with mkdocs-material's own search after it indexed
the page at on_page_context, in the finished page (``page_output``; the card waits packed). The
trailing sections go in at on_post_page, after mkdocs-material's search plugin has read the
page: they repeat other notes' titles and BibTeX, which a search should not land on, and
parsing them for the index only to drop them again cost time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.packed_text import pack, unpack
from ..core.user_key import private_marker
from ..core.model import Note
from ..render.card import STARTS_WITH_HEADING, fit_leading_title, note_sections, render_card
from ..render.escape import Markup, escape
from ..render.index_pages import GeneratedPage
from ..render.plain_text import PlainText, defines_abbreviations, text_neutral
from ..render.search_twin import search_twin
from ..render.site_map import SiteMap
from .config import PaperKBConfig, tags_plugin_on
from .feature import Build, Feature, PageRender
from .headings import AddedHeadings, Heading, keep_unicode_heading_ids
from .html_slots import HtmlSlots
from .page_meta import normalise_tags


class NoteLayout(Feature):
    def __init__(self, slots: HtmlSlots, card_extra: Callable[[Note], Markup] | None = None) -> None:
        self.slots = slots
        self.card_extra = card_extra  # finished HTML that ends a note's card (Semantic Scholar's counts)
        self.headings = AddedHeadings()
        self.plain_allowed = True
        self.show_tags = True  # the card lists tags unless the tags plugin shows them
        self.plain: PlainText | None = None
        self.site: SiteMap | None = None
        self.trail_marker = f"<!--pkb-trail-{private_marker('trail')}-->"
        # page src -> the ids of its trailing headings: their HTML is made again when the page is
        # written (held from rendering to writing, the HTML was ~0.6 KB a note, the ids ~0.1)
        self._trails: dict[str, tuple[str, ...]] = {}
        card_marker = f"pkb-card-{private_marker('card')}"
        self._card_open, self._card_close = f"<!--{card_marker}", f"<!--/{card_marker}-->"
        self._cards: dict[str, str | bytes] = {}  # page src -> its card (packed once rendered), where the page holds the twin
        # Whether anything reads the twin after on_page_content: mkdocs-material's search indexes at
        # on_page_context (unless Pagefind replaces its index), and sanitize_html sanitises the
        # written page's article, where the card never was (set by the plugin at on_config).
        self.twin_read_later = True

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        if options.enabled:
            keep_unicode_heading_ids(config)
        self.headings.configure(config)
        self.plain_allowed = text_neutral(config.markdown_extensions, config.mdx_configs)
        self.show_tags = not tags_plugin_on(config)

    def start(self, build: Build) -> list[GeneratedPage]:
        self.site = build.site
        self.plain = PlainText(build.library, build.site.urls, enabled=self.plain_allowed)
        self.headings.begin_build()
        self._trails.clear()
        self._cards.clear()
        return []

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """A note's card and sections above its body; every page's text through the text pass."""
        note = page.note
        if note is None or self.site is None:
            return page.expand(markdown)
        # Page titles and tags reach mkdocs-material's templates unescaped: hand them over as HTML.
        page.page.meta["title"] = str(escape(note.title))
        normalise_tags(page.page, note.display_path, note.tags)  # in their one spelling (LLM / llm are one tag)
        markdown = fit_leading_title(markdown, note.title)
        extra = self.card_extra(note) if self.card_extra else None
        card = str(render_card(note, self.site, show_tags=self.show_tags, extra=extra))
        top = self.top(note, card, markdown, page.expand)
        return "\n\n".join(p for p in (top, page.expand(markdown)) if p)

    def page_html(self, page: PageRender, html: str) -> str:
        if page.note is None:
            return html
        return self.place(page.page, html, [section.heading for section in page.sections])

    def page_output(self, page: PageRender, output: str) -> str:
        if page.note is None:
            return output
        held = self._cards.pop(page.src, None)
        if held is not None:  # search has read the page: the card replaces its twin
            output = self._replace_twin(output, unpack(held) if isinstance(held, bytes) else held)
        return self.finish(output, page.src, [(section.heading, section.html()) for section in page.sections])

    def search_has_read(self, page: PageRender, html: str) -> str:
        """The page's HTML once every plugin had it (the last on_page_content): with the card in
        place of its twin, or, where the twin is read later, the card packed until ``page_output``
        (held from the page's rendering to its writing)."""
        card = self._cards.get(page.src)
        if not isinstance(card, str):
            return html
        if self.twin_read_later:
            self._cards[page.src] = pack(card)
            return html
        del self._cards[page.src]
        return self._replace_twin(html, card)

    def _replace_twin(self, output: str, card: str) -> str:
        """``output`` (the page or its HTML) with the card in place of its twin (the first one,
        between its markers)."""
        start = output.find(self._card_open)
        end = output.find(self._card_close, start + len(self._card_open)) if start >= 0 else -1
        if end < 0:
            return output
        return "".join((output[:start], card, output[end + len(self._card_close):]))

    def _card_for_search(self, src: str, card_html: str) -> str:
        """What the page holds for its card until search has read it: the twin, between markers."""
        twin = search_twin(card_html)
        if twin is None:
            return card_html
        self._cards[src] = card_html  # (until search has read the page: ``search_has_read``)
        # mkdocs-material's template adds the page title as a heading unless the content holds
        # an "<h1": the marker says it for the card's title.
        h1 = " <h1>" if "<h1" in card_html else ""
        return f"{self._card_open}{h1}-->{twin}{self._card_close}"

    def top(self, note: Note, card_html: str, body: str, expand: Callable[[str], str]) -> str:
        """The Markdown above the body: held HTML where it can be, ``expand``-ed Markdown where not."""
        src = note.src_uri
        plain = None if defines_abbreviations(body) else self.plain
        held: list[str] = [self._card_for_search(src, card_html)]
        parts: list[str] = []
        sections = note_sections(note, plain)
        for section in sections:
            held.append(self.headings.marker(src, Heading(section.anchor, section.title)))
            if section.html is not None:
                held.append(str(section.html))
                continue
            marker = self._hold(src, held, first=not parts)
            parts += [marker, expand(section.markdown)] if marker else [expand(section.markdown)]
            held = []
        if sections and body.strip() and not STARTS_WITH_HEADING.match(body):
            # Sections above: the body's opening text gets a heading, or it would read as Insights.
            held.append(self.headings.marker(src, Heading("notes", "Notes")))
        if held and (marker := self._hold(src, held, first=not parts)):
            parts.append(marker)
        return "\n\n".join(parts)

    def _hold(self, src: str, held: list[str], first: bool) -> str:
        """The marker for ``held`` (HTML pieces one after another); the note's first: none."""
        return (self.slots.hold_first if first else self.slots.hold)(src, "\n".join(held))

    def place(self, page: Page, html: str, trailing: list[Heading]) -> str:
        """The page's HTML with the held parts and headings in place and a marker where the
        trailing sections go; their headings are in the table of contents from now on."""
        html = self.slots.fill(page.file.src_uri, html)
        html, trailing_ids = self.headings.place(page, html, trailing)
        if not trailing_ids:
            return html
        self._trails[page.file.src_uri] = tuple(trailing_ids)
        return f"{html}\n{self.trail_marker}"

    def finish(self, output: str, page_src: str, sections: list[tuple[Heading, str]]) -> str:
        """The finished page with each trailing heading followed by its content (``sections``:
        each heading with its content's HTML, as given to ``place``)."""
        anchors = self._trails.pop(page_src, None)
        at = output.find(self.trail_marker) if anchors is not None else -1
        if at < 0:
            return output
        trail = "\n".join(f"{self.headings.heading_html(heading, anchor)}\n{content}"
                          for anchor, (heading, content) in zip(anchors, sections))
        return "".join((output[:at], trail, output[at + len(self.trail_marker):]))  # (one scan of the page)
