"""The generated home, statistics, insights, tag and facet index pages (render/index_pages.py);
a full build over the same notes as the last takes them as it kept them (render/kept_index_pages.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..render.index_pages import GeneratedPage, IndexPages, IndexPlan, facet_values
from ..render.kept_index_pages import KeptIndexPages, index_digest
from ..core.note_memo import NoteMemo
from .config import PaperKBConfig, cache_root
from .feature import Build, Feature
from .note_layout import NoteLayout


class Indexes(Feature):
    def __init__(self, layout: NoteLayout) -> None:
        self.layout = layout  # its plain-prose renderer writes the insights' text
        self.home_intro = ""
        self._pages: list[GeneratedPage] | None = None
        self._made: IndexPlan | None = None  # `serve`: the pages by facet value, for the next plan
        self.memo: NoteMemo | None = None  # `serve`: rows and insights kept for the next build (plugin.on_startup)
        self.keep_pages = False  # `serve`: the next plan reuses them when only a body changed
        # `serve`: the facet pages first rounds made since the last whole plan, by (facet, value)
        # (None: the value has no notes left)
        self._since: dict[tuple[str, object], GeneratedPage | None] = {}
        self.kept = KeptIndexPages(None)  # a full build's pages, for the next full build

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.home_intro = options.home_intro
        self._pages = self._made = None
        caches = cache_root(options, project_root)
        self.kept = KeptIndexPages(caches / "pages" if caches else None)

    def start(self, build: Build) -> list[GeneratedPage]:
        """Three ways: `serve`'s first round after an edit (``_first_round``); `serve` after an edit
        of a body only (the pages as they were); else every page (``_all_pages``)."""
        if not build.listings and self._pages is not None and self._made is not None and build.previous is not None:
            return self._first_round(build)
        self._since = {}
        if not (build.same_notes and self._pages is not None):
            self._pages = self._all_pages(build)
        pages = self._pages
        if not self.keep_pages:  # their text lives on in the generated files until written
            self._pages = None
        return pages

    def _all_pages(self, build: Build) -> list[GeneratedPage]:
        """Every index page: a full build over the same notes as the last takes the pages it kept
        (KeptIndexPages); else they are made, `serve` after an edit keeping the pages of facet
        values no changed note had or has."""
        full_build = build.previous is None and self.memo is None and self.kept.wanted(build.library)
        digest = index_digest(build.library, build.site, site_name=build.config.site_name, home_intro=self.home_intro,
                              plain=self.layout.plain.enabled) if full_build else None
        pages = self.kept.get(digest) if digest else None
        if pages is not None:
            return pages
        kept = self._made.without(build.previous, build.library, build.touched) \
            if build.previous is not None and self._made is not None else None
        pages = self._make(build, kept)
        if digest:
            self.kept.put(digest, pages)
        return pages

    def _make(self, build: Build, kept: IndexPlan | None = None) -> list[GeneratedPage]:
        """The pages made from the library, but those ``kept`` (`serve`: values no edit reached)."""
        maker = IndexPages(build.library, build.site, site_name=build.config.site_name, plain=self.layout.plain,
                           memo=self.memo)
        pages = maker.all_pages(self.home_intro, kept)
        self._made = maker.made if self.keep_pages else None
        if self.memo is not None and kept is None:  # (kept pages did not ask for their rows)
            self.memo.forget_unused()
        return pages

    def _first_round(self, build: Build) -> list[GeneratedPage]:
        """`serve`'s first round after an edit: the pages of the facet values the edited notes
        came to or left (a note's new year or field lists it at once); the others (and home,
        overviews, insights) as the last whole plan made them, until the second round.
        A field page links to its graph page only if that page was planned already (graph
        pages wait for the second round too)."""
        assert self._pages is not None and self._made is not None and build.previous is not None
        listed = self._made.facets
        if any(made[0][0] != build.site.facet_page(facet, value) for (facet, value), made in listed.items()
               if build.site.facet_page(facet, value) is not None):  # (a new value moved others' slugs)
            return self._remake(build)
        values = set() if build.same_notes else facet_values(build.previous, build.library, build.touched, moved=True)
        if values:
            graphs = {made[0][1] for made in listed.values()} - {None}
            site = dataclasses.replace(build.site, graph_pages={
                value: page for value, page in build.site.graph_pages.items() if page in graphs})
            maker = IndexPages(build.library, site, site_name=build.config.site_name, plain=self.layout.plain,
                               memo=self.memo)
            made = maker.facet_pages(values)
            self._since.update({fv: made.get(fv) for fv in values})
        replaced = {listed[fv][1].src_uri: page for fv, page in self._since.items() if fv in listed}
        pages = [replaced.get(page.src_uri, page) for page in self._pages]
        pages += [page for fv, page in self._since.items() if fv not in listed]
        return [page for page in pages if page is not None]

    def _remake(self, build: Build) -> list[GeneratedPage]:
        """Every index page made from scratch."""
        self._since = {}
        self._pages = self._make(build)
        return self._pages
