"""Glue for what `paperkb enrich` stored from Semantic Scholar: the card's counts and abstract,
and the Frontier page (in the navigation). Derived citation edges come with the library
(core/scholar/derived.py). A build only reads DIR/.paperkb/scholar.json: it never reaches the network."""

from __future__ import annotations

from pathlib import Path

from ..core.library import Library
from ..core.model import Note
from ..core.scholar.frontier import compute_frontier
from ..core.scholar.store import read_dismissed
from ..render.escape import Markup
from ..render.frontier_page import FrontierPage
from ..render.index_pages import GeneratedPage
from ..render.scholar_card import scholar_card
from ..render.site_map import SiteMap


class ScholarDisplay:
    def __init__(self) -> None:
        self.library = Library()

    def start(self, library: Library, site: SiteMap, docs_dir: Path, prefix: str) -> list[GeneratedPage]:
        """Plan the Frontier page (when notes were enriched); call before the site's page list is used."""
        self.library = library
        store = library.scholar
        if store is None or not store.note_papers():
            return []
        site.frontier = f"{prefix}frontier/index.md"
        frontier = compute_frontier(library, store, read_dismissed(docs_dir))
        fetched = max((str(p.get("fetched", ""))[:10] for p in store.papers.values()), default="") or None
        return [FrontierPage(library, site).page(frontier, fetched)]

    def card(self, note: Note) -> Markup:
        return scholar_card(note, self.library.scholar)
