"""The generated home, statistics, insights, tag and facet index pages (render/index_pages.py)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..render.index_pages import GeneratedPage, IndexPages, IndexPlan
from ..core.note_memo import NoteMemo
from .config import PaperKBConfig
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

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.home_intro = options.home_intro
        self._pages = self._made = None

    def start(self, build: Build) -> list[GeneratedPage]:
        if not ((build.same_notes or not build.listings) and self._pages is not None):  # (serve: only a body changed)
            # `serve` after an edit: the pages of facet values no changed note had or has are kept.
            kept = self._made.without(build.previous, build.library, build.touched) \
                if build.previous is not None and self._made is not None else None
            pages = IndexPages(build.library, build.site, site_name=build.config.site_name,
                               plain=self.layout.plain, memo=self.memo)
            self._pages = pages.all_pages(self.home_intro, kept)
            self._made = pages.made if self.keep_pages else None
            if self.memo is not None and kept is None:  # (kept pages did not ask for their rows)
                self.memo.forget_unused()
        pages = self._pages
        if not self.keep_pages:  # their text lives on in the generated files until written
            self._pages = None
        return pages
