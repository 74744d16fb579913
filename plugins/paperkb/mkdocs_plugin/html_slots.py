"""Finished HTML that skips Markdown: a marker goes into a page's Markdown, the HTML replaces
it in the page's HTML: a note's card and sections on_page_content (search indexes them as if
Markdown had written them), a generated page's tables on_post_page (search finds an index page
by its title; parsing every row of ~50 index pages only to skip them cost about 0.5 s at 2000 notes).

Markdown gains nothing from paperkb's ready-made HTML (note cards, index tables), yet parses
every tag of it twice (MkDocs' anchor scan and the raw-HTML block parser) before passing it
through unchanged; at 2000 notes that was ~3 s of a ~35 s build (see bench/build.py)."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.body_scan import Hold
from ..core.packed_text import pack, unpack
from ..core.marker_sub import sub_markers
from ..core.user_key import private_marker
from ..render.index_pages import GeneratedPage
from ..render.insight_marks import has_insight_marks
from ..render.plain_text import inline_hold_lines, makes_bare_links, text_neutral
from ..render.site_map import SiteMap
from ..render.tables import TABLE_BLOCK
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender


class HtmlSlots(Feature):
    def __init__(self) -> None:
        self.nonce = private_marker("slot")  # markers nobody writes in a note
        # A block's marker is an HTML comment; an inline one is text Markdown leaves as it is,
        # between two private-use characters (like Markdown's own placeholders, no word characters).
        self._marker = re.compile(rf"<!--pkb-slot-{self.nonce}-(\d+)-->|\ue000pkb{self.nonce}x(\d+)\ue001")
        self._marker_starts = (f"<!--pkb-slot-{self.nonce}-", f"\ue000pkb{self.nonce}x")
        self.inline_allowed = True  # no extension changes plain prose, pages are not sanitised
        self.bare_links = False  # magiclink makes links of bare URLs and addresses
        self._pages: dict[str, list[str | bytes]] = {}  # page src -> its held HTML (tables packed)
        self._site: SiteMap | None = None
        self._leads: dict[str, str] = {}  # page src -> HTML that goes before all Markdown made of it

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.inline_allowed = not options.sanitize_html and text_neutral(config.markdown_extensions,
                                                                         config.mdx_configs)
        self.bare_links = makes_bare_links(config.markdown_extensions)

    def start(self, build: Build) -> list[GeneratedPage]:
        self._pages.clear()
        self._leads.clear()
        self._site = build.site
        return []

    def holds_tables(self, page_src: str, generated: bool) -> bool:
        """Whether the tables of page ``page_src`` skip Markdown: an index page's (``generated``),
        and the bibliography's references (render/bib_pages.py), which its feature's ``start``
        places after the generated pages were known (at 10,000 notes ~4 MB of finished HTML
        that Markdown's two raw-HTML parsers read through, ~1 s)."""
        site = self._site
        return generated or (site is not None and page_src in (site.bibliography, site.to_read))

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """An index page's tables are finished HTML (first: no text pass may touch them)."""
        return self.hold_tables(page.src, markdown) if self.holds_tables(page.src, page.generated) else markdown

    def page_output(self, page: PageRender, output: str) -> str:
        """The tables of a generated page go in after search read it: search finds the page by
        its title, not by every row (a note page's held HTML went in at NoteLayout.page_html)."""
        return self.fill(page.src, output)

    def hold(self, page_src: str, html: str, *, packed: bool = False) -> str:
        """The marker (a block of its own) standing for ``html`` in the Markdown of ``page_src``;
        ``packed``: held compressed (core/packed_text.py), for HTML that waits long."""
        held = self._pages.setdefault(page_src, [])
        held.append(pack(html) if packed else html)
        return f"<!--pkb-slot-{self.nonce}-{len(held) - 1}-->"

    def hold_first(self, page_src: str, html: str) -> str:
        """``hold`` for HTML that starts the Markdown of ``page_src`` (a note's card): it goes in
        before the page's HTML with no marker at all, where nothing is held before it, and this
        returns "". A marker is a raw-HTML block, ~10% of converting a short note (0.063 ms)."""
        if self._pages.get(page_src) or page_src in self._leads:
            return self.hold(page_src, html)
        self._leads[page_src] = html
        return ""

    def drop_lead(self, page_src: str) -> None:
        """The page's HTML is not Markdown's (render_guard.py showed its text): nothing goes before it."""
        self._leads.pop(page_src, None)

    def inline_holds(self, page: PageRender, markdown: str) -> Hold | None:
        """What a note page's text pass over ``markdown`` holds inline ([[links]], [idea] marks):
        on the lines where Markdown would write them as they stand (render/plain_text.py), their
        finished HTML goes in as a marker that the page's HTML gets back with the card
        (NoteLayout.page_html, before search reads the page). Markdown then parses less: a
        link with its title was ~0.25 ms of a note's conversion."""
        if page.note is None or not self.inline_allowed or ("[[" not in markdown and not has_insight_marks(markdown)):
            return None
        lines = inline_hold_lines(markdown, bare_links=self.bare_links)
        if not lines:
            return None
        return _InlineHold(lines, self._pages.setdefault(page.src, []), f"\ue000pkb{self.nonce}x")

    def hold_tables(self, page_src: str, markdown: str) -> str:
        """Hold every table block paperkb rendered (render/tables.py) in generated Markdown.
        They wait packed until the page is written: the index pages' tables list every note,
        several times over (~3 KB a note), and MkDocs renders every page before it writes one.
        A full build holds them when it plans the page (``page_markdown`` then finds none), so
        its source waits without them too."""
        return TABLE_BLOCK.sub(lambda m: self.hold(page_src, m.group(0).rstrip("\n"), packed=True) + "\n", markdown)

    def fill(self, page_src: str, html: str) -> str:
        lead = self._leads.pop(page_src, None)
        if lead is not None:  # as Markdown writes a raw-HTML block before the rest
            html = f"{lead}\n\n{html}" if html else lead
        held = self._pages.pop(page_src, None)
        if not held:
            return html
        return sub_markers(self._marker, self._marker_starts,
                           lambda m: _text(held[int(m.group(1) or m.group(2))]), html)


class _InlineHold(Hold):
    def __init__(self, lines: frozenset[int], held: list[str | bytes], prefix: str) -> None:
        self.lines, self.held, self.prefix = lines, held, prefix

    def put(self, html: str) -> str:
        self.held.append(html)
        return f"{self.prefix}{len(self.held) - 1}\ue001"


def _text(held: str | bytes) -> str:
    return unpack(held) if isinstance(held, bytes) else held
