"""The Semantic Scholar feature: what `paperkb enrich` stored, shown on the site. The card's
counts and abstract (through NoteLayout's ``card_extra``) and the Frontier page (in the
navigation when notes were enriched: SiteMap.frontier). Derived citation edges come with the
library (core/scholar/derived.py). A build only reads DIR/.paperkb/scholar.json: it never
reaches the network."""

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
from .feature import Build, Feature


class ScholarDisplay(Feature):
    def __init__(self) -> None:
        self.library = Library()
        self._frontier: GeneratedPage | None = None  # the last plan's Frontier page (`serve`'s first round keeps it)

    def start(self, build: Build) -> list[GeneratedPage]:
        self.library = build.library
        store = build.library.scholar
        if store is None or build.site.frontier is None:
            self._frontier = None
            return []
        if build.listings or self._frontier is None:  # (it ranks papers near every note)
            frontier = compute_frontier(build.library, store, read_dismissed(Path(build.config.docs_dir)))
            fetched = max((str(p.get("fetched", ""))[:10] for p in store.papers.values()), default="") or None
            self._frontier = FrontierPage(build.library, build.site).page(frontier, fetched)
        return [self._frontier]

    def card(self, note: Note) -> Markup:
        return scholar_card(note, self.library.scholar)
