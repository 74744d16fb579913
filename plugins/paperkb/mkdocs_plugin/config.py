"""Options of the `paperkb` MkDocs plugin."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from ..core.pagefind_slices import SLICE_SIZE


class PaperKBConfig(Config):
    enabled = opt.Type(bool, default=True)
    # Folders (relative to docs_dir) whose Markdown files are not paper notes.
    exclude = opt.ListOfItems(opt.Type(str), default=["blog/"])
    # Folder (relative to docs_dir) for the generated index pages; "" puts them at the top.
    pages_dir = opt.Type(str, default="")
    # Build the navigation (home, indexes, other pages; never every note) when mkdocs.yml has no `nav`.
    auto_nav = opt.Type(bool, default=True)
    # Markdown placed on the generated home page under its title.
    home_intro = opt.Type(str, default="")
    # .bib files to read besides those in docs_dir (paths relative to mkdocs.yml), e.g. a Zotero export.
    bib_files = opt.ListOfItems(opt.Type(str), default=[])
    # pybtex style of formatted references: plain, unsrt, alpha or unsrtalpha.
    bib_style = opt.Choice(("plain", "unsrt", "alpha", "unsrtalpha"), default="plain")
    # The "Cite" block (formatted reference + BibTeX with a copy button) on every note page.
    cite_block = opt.Type(bool, default=True)
    # Typeset `$...$` / `$$...$$` (pymdownx.arithmatex, generic mode) with the KaTeX paperkb ships.
    math = opt.Type(bool, default=True)
    # Turn Obsidian callouts (`> [!note] Title`) into admonitions on every page.
    callouts = opt.Type(bool, default=True)
    # The engine behind the search box: Pagefind (an index in small chunks, facet filters) or
    # mkdocs-material's own (one JSON file every reader downloads whole).
    search_engine = opt.Choice(("pagefind", "material"), default="pagefind")
    # pagefind engine: pages per slice of the index. Each slice is indexed by its own Pagefind
    # process (one at a time; its memory grows with the slice) and the browser merges them.
    search_slice_size = opt.Type(int, default=SLICE_SIZE)
    # material engine: add word forms (train/trained) and Chinese sub-words (根本原因 -> 原因) to its index.
    search_forms = opt.Type(bool, default=True)
    # Citation diagrams on note pages and the graph pages (site-wide and per field).
    graph = opt.Type(bool, default=True)
    # A graph page with more notes than this shows its most-cited ones and says what it left out.
    graph_max_nodes = opt.Type(int, default=60)
    # At most this many notes in a note page's diagram (the note, its citations, one more hop).
    local_graph_max_nodes = opt.Type(int, default=30)
    # Where finished SVGs are cached by the hash of their DOT source (relative to mkdocs.yml).
    cache_dir = opt.Type(str, default=".paperkb-cache/graphs")
    # Follow symbolic links that lead outside docs_dir (off: a link to ~/.ssh in a cloned notes
    # repository would publish the keys); such links are named in a warning and left out.
    follow_symlinks_outside = opt.Type(bool, default=False)
    # Sanitise every page's HTML with nh3 (no <script>, on* handlers, <iframe>, javascript:
    # addresses), for collections written by several people; raw HTML that only shows is kept.
    sanitize_html = opt.Type(bool, default=False)
    # Seconds one page may take to turn from Markdown into HTML; a page that fails or takes longer
    # shows its text as written, with the error, and the rest of the site builds (0: no limit).
    page_render_timeout = opt.Type((int, float), default=60)


def cache_root(options: PaperKBConfig, project_root: Path) -> Path | None:
    """The folder of paperkb's caches: the one holding ``cache_dir`` (diagrams), where parsed
    notes and formatted references go too; None when ``cache_dir`` is "" (no disk caches)."""
    if not options.cache_dir:
        return None
    return (project_root / options.cache_dir).resolve().parent


def tags_plugin_on(config) -> bool:
    """mkdocs-material's tags plugin shows a page's tags: paperkb's cards then leave them out."""
    return "material/tags" in config.plugins or "tags" in config.plugins
