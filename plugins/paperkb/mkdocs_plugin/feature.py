"""The one lifecycle every paperkb feature follows, and what a page records it read.

A feature is one part of what paperkb adds to a site (index pages, query blocks, the note
layout, [@key] citations and bibliography pages, the citation display, Cite blocks, search
additions, feeds, math). It subclasses ``Feature`` and overrides the stages it takes part in.
plugin.py holds the ordered list of features (``PaperKBPlugin.features``) and calls every stage
on every feature in that order, so a feature's place in the list is its place on the page:

    stage                                           MkDocs event       what a feature does there
    configure(options, config, project_root)        on_config          read options, register extensions and assets
    start(build) -> [GeneratedPage]                 on_files           the library is loaded: plan, add files, make pages
                                                                       (`serve`: twice after an edit, see Build.listings;
                                                                       a feature that ``starts_last`` plans after the others)
    files_ready(config)                             on_nav             every plugin has its files (the blog its posts, authors)
    page_markdown(page, markdown) -> markdown       on_page_markdown   change the page's Markdown
    prose_transforms(page, markdown) -> [transform] (inside the above) line transforms of the one text pass over prose
    after_prose(page, markdown) -> markdown         (then)             whole-text passes that may add lines
    page_html(page, html) -> html                   on_page_content    before the search plugin reads the page
    after_body(page) -> [Section]                   (note pages)       sections after the body, added at page_output
    pages_rendered(config)                          on_env             every page is HTML, none written yet
    page_output(page, output) -> output             on_post_page       after search read the page: the finished HTML
    finished_page(page, output) -> output           (then)             a last look at the whole page (safety checks)
    post_build(config)                              on_post_build      files written beside the site's pages
    close()                                         on_shutdown

Every page stage gets the same ``PageRender`` (``page``) first. A feature that shows data of
other notes on a page says so with ``page.reads(keys)``, or ``page.reads_every_note()`` when
its output may change with any note (a query block's answer): `mkdocs serve` re-renders a page
after an edit exactly when the edit touched what the page read (serve.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..core.body_scan import Hold, LineTransform
from ..core.library import Library
from ..core.model import Note
from ..render.index_pages import GeneratedPage
from ..render.pandoc_cites import CitedKeys
from ..render.site_map import SiteMap
from .config import PaperKBConfig
from .headings import Heading

Warn = Callable[[int, str], None]  # (line index in the Markdown, message)


def as_written(markdown: str) -> str:
    """A page's text pass before the plugin sets it, and once rendering let it go: the text as it is."""
    return markdown


def _ignore(_line: int, _message: str) -> None:
    """Warning sink for text whose problems were reported where it was written."""


@dataclass(frozen=True)
class Section:
    """A section after a note's body: its heading, and its finished HTML made when it is placed."""

    heading: Heading
    html: Callable[[], str]


@dataclass
class Build:
    """What ``start`` gets: one build's notes and where their pages go."""

    library: Library
    site: SiteMap
    files: Files
    config: MkDocsConfig
    prefix: str  # folder of the generated pages ("" or "pages/")
    # `serve` after an edit: what the last build planned still holds for ...
    same_graph: bool = False  # ... diagrams and graph pages (no note, link, title, year or field changed)
    same_notes: bool = False  # ... everything listing notes (only bodies changed, no link)
    same_links: bool = False  # ... the notes and the citations between them (titles may differ)
    previous: Library | None = None  # the library the last build planned with
    bib_edited: bool = False  # `serve`: a .bib file changed since the last plan
    touched: frozenset[str] = frozenset()  # keys whose shown data or links changed, or that came or went
    # False: `serve`'s first round after an edit, planning what the edited pages read: a feature
    # keeps what lists many notes (index pages, all.bib...) as its last plan made it; the second
    # round plans it (listings True, ``previous`` then the library that last plan had).
    listings: bool = True


@dataclass
class PageRender:
    """One page on its way from Markdown to the finished HTML (on_page_markdown .. on_post_page)."""

    page: Page
    note: Note | None  # the page's note, None for every other page
    generated: bool  # an index or graph page paperkb made: its Markdown is paperkb's own
    warn: Warn  # warnings about the page's own lines (query blocks; the text of pages other than notes)
    cited: CitedKeys = field(default_factory=CitedKeys)  # [@key]s met so far: the References list
    # Keys and src paths of notes whose data the page shows. Only `serve` keeps them (``reads``):
    # other builds' pages share this empty one (one of each page's own: ~0.2 KB until it is written).
    read_keys: AbstractSet[str] = frozenset()
    read_every_note: bool = False
    # Only `serve` asks what a page read (to re-render it after an edit): a full build keeps no
    # such set for every page (~650 bytes a note, held until the page is written).
    tracks_reads: bool = True
    expand: Callable[[str], str] = as_written  # the text pass (set by the plugin)
    # During a text pass of a note page: where its transforms may hand over finished inline HTML
    # (html_slots.py: [[links]], [idea] marks on lines Markdown would write them as they stand)
    hold: Hold | None = None
    sections: list[Section] = field(default_factory=list)  # after a note's body (set at on_page_content)
    packed_html: bytes | None = None  # a full build: the page's HTML while it waits to be written (page_memory.py)
    made: bool = False  # any page paperkb made (generated ones, the bibliography, to-read, projects, Frontier pages)

    @property
    def src(self) -> str:
        return self.page.file.src_uri

    @property
    def text_warn(self) -> Warn:
        """Warnings of the text pass: a note's text was checked when the library loaded."""
        return _ignore if self.note is not None else self.warn

    def reads(self, keys: Iterable[str]) -> None:
        if self.tracks_reads:
            if not isinstance(self.read_keys, set):
                self.read_keys = set()
            self.read_keys.update(keys)

    def reads_every_note(self) -> None:
        self.read_every_note = True




class Feature:
    """The stages (see the module docstring); each does nothing unless a feature overrides it."""

    # True while the feature's ``start`` would finish what a diagram worker was given to do
    # meanwhile (a first build's references): it then starts after every other feature, so the
    # worker has their planning time for its share; its pages keep their place.
    starts_last = False

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        pass

    def start(self, build: Build) -> list[GeneratedPage]:
        return []

    def files_ready(self, config: MkDocsConfig) -> None:
        pass

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        return markdown

    def prose_transforms(self, page: PageRender, markdown: str) -> list[LineTransform]:
        return []

    def after_prose(self, page: PageRender, markdown: str) -> str:
        return markdown

    def page_html(self, page: PageRender, html: str) -> str:
        return html

    def after_body(self, page: PageRender) -> list[Section]:
        return []

    def pages_rendered(self, config: MkDocsConfig) -> None:
        pass

    def page_output(self, page: PageRender, output: str) -> str:
        return output

    def finished_page(self, page: PageRender, output: str) -> str:
        return output

    def post_build(self, config: MkDocsConfig) -> None:
        pass

    def close(self) -> None:
        pass
