"""The generated home, statistics, insights, tag and facet index pages (render/index_pages.py)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..render.index_pages import GeneratedPage, IndexPages
from ..core.note_memo import NoteMemo
from .config import PaperKBConfig
from .feature import Build, Feature
from .note_layout import NoteLayout


class Indexes(Feature):
    def __init__(self, layout: NoteLayout) -> None:
        self.layout = layout  # its plain-prose renderer writes the insights' text
        self.home_intro = ""
        self._pages: list[GeneratedPage] | None = None
        self.memo: NoteMemo | None = None  # `serve`: rows and insights kept for the next build (plugin.on_startup)
        self.keep_pages = False  # `serve`: the next plan reuses them when only a body changed

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.home_intro = options.home_intro
        self._pages = None

    def start(self, build: Build) -> list[GeneratedPage]:
        if not (build.same_notes and self._pages is not None):  # (serve: only a body changed)
            self._pages = IndexPages(build.library, build.site, site_name=build.config.site_name,
                                     plain=self.layout.plain, memo=self.memo).all_pages(self.home_intro)
            if self.memo is not None:
                self.memo.forget_unused()
        pages = self._pages
        if not self.keep_pages:  # their text lives on in the generated files until written
            self._pages = None
        return pages
