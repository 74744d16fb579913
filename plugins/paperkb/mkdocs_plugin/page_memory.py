"""What a full build lets go of as soon as nothing reads it any more.

MkDocs first turns every page into HTML, then writes them all, and keeps every page's
Markdown and HTML (and a generated page's source text) until the build ends: at 10,000 notes
that is hundreds of megabytes, and the largest part of it is held at once, between the two
rounds. A full build drops, for the pages paperkb makes or decorates (notes, projects, index,
bibliography and to-read pages):

- the Markdown and a generated page's source text once every plugin had the page's HTML
  (``release_source``, the last on_page_content), the title MkDocs works out from the
  Markdown kept first;
- at the same moment, and again once the page is written, a note's front-matter values
  (``page.meta``, a PackedDict from page_source.py) wait pickled: ~2.8 KB of small objects a
  short note, ~0.5 KB pickled; the first read (MkDocs looks up ``template`` before it writes
  the page, the theme reads the rest) brings them back;
- what only rendering used (the text pass, the sections after a note's body, made again
  when it is written: ``release_rendering``), at the same moment;
- the page's HTML waits packed (core/packed_text.py) from then until MkDocs writes the page
  (``hold_html`` / ``restore_html``, on_page_context, before any other plugin reads it), unless
  mkdocs-material's tags plugin lists tags on it (it fills its listings in on_env);
- the HTML once the page is written (``release_page``, on_post_page);
- then, before the search index is made (Pagefind, a process of its own), the freed memory
  goes back to the system (``FreedMemory``): the C allocator keeps it for the process
  otherwise, and the build's process would hold its peak while the indexer works.

Other pages (blog posts, which the blog plugin excerpts on its index pages) keep theirs.
`mkdocs serve` keeps everything: it re-renders pages through the same objects (serve.py)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.free_memory import give_back_free_memory
from ..core.packed_dict import PackedDict
from ..core.packed_text import pack, unpack
from .feature import Feature, PageRender, as_written


def _paperkb_page(render: PageRender) -> bool:
    return render.note is not None or render.made


def release_source(render: PageRender) -> None:
    """Drop the rendered page's Markdown and, for a generated page, its source text."""
    if not _paperkb_page(render):
        return
    page = render.page
    # MkDocs' Page.title reads the Markdown (and is None without it): pinned to its value now.
    page.title = page.title
    page.markdown = None
    _pack_meta(page)
    if render.made:
        page.file.content_string = ""


def _pack_meta(page: Page) -> None:
    if isinstance(page.meta, PackedDict):
        page.meta.pack()


def release_rendering(render: PageRender) -> None:
    """Once every plugin had the page's HTML: drop what only its rendering used, the text pass
    (a closure over the page) and the sections after a note's body (their headings are placed;
    ``after_body`` gives them again when the page is written). ~2 KB a note, held by every page
    between MkDocs' two rounds."""
    render.expand = as_written
    render.sections = []


def hold_html(render: PageRender, html: str, config: MkDocsConfig) -> str:
    """What MkDocs keeps as the rendered HTML of a page paperkb made or decorates until it writes
    the page: nothing, the HTML waiting packed (~4x smaller) beside it; other pages' HTML as it is."""
    if not _paperkb_page(render) or _tags_listed_on(render.page, config):
        return html
    render.packed_html = pack(html)
    return ""


def restore_html(render: PageRender) -> None:
    """The page's HTML back where MkDocs and the theme read it, just before it is written."""
    if render.packed_html is not None:
        render.page.content, render.packed_html = unpack(render.packed_html), None


def _tags_listed_on(page: Page, config: MkDocsConfig) -> bool:
    """mkdocs-material's tags plugin lists tags on ``page`` (or might: its listings are not
    where this version of the plugin keeps them)."""
    tags = config.plugins.get("material/tags")
    if tags is None or not getattr(tags.config, "enabled", True):
        return False
    listings = getattr(getattr(tags, "listings", None), "data", None)
    if listings is None:
        return True
    return any(getattr(listing, "page", None) is page for listing in listings)


def release_page(render: PageRender) -> None:
    """Drop the written page's HTML (its Markdown went at ``release_source``)."""
    if not _paperkb_page(render):
        return
    page = render.page
    page.markdown = None
    page.content = None
    _pack_meta(page)
    if render.made:
        page.file.content_string = ""


class FreedMemory(Feature):
    """Listed just before the search feature: its ``post_build`` runs before Pagefind's."""

    def post_build(self, config: MkDocsConfig) -> None:
        give_back_free_memory()
