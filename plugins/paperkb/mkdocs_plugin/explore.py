"""The Explore page and the compact per-note data the browser reads (render/explore_page.py,
render/site_data.py), written once per build."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ..core.note_memo import NoteMemo
from ..render.explore_page import explore_page
from ..render.index_pages import GeneratedPage
from ..render.site_data import SITE_DATA_URI, site_data, site_data_json
from .assets import ASSETS_DIR
from .config import PaperKBConfig
from .feature import Build, Feature

EXPLORE_SCRIPT = "assets/paperkb/explore.js"


class Explore(Feature):
    def __init__(self) -> None:
        self.enabled = False
        self.data: dict = {}  # this build's site data (the graph and previews may read it too)
        self.memo: NoteMemo | None = None  # `serve`: each note's record kept between builds (plugin.on_startup)
        self._texts: dict[int, tuple[dict, str]] = {}  # `serve`: each record's JSON text ...
        self._rows: dict[int, tuple[dict, str]] = {}  # ... and its row in the Explore page's table
        self._planned: tuple[str, GeneratedPage] | None = None  # `serve`: the last site data JSON and Explore page

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = options.enabled
        if self.enabled and EXPLORE_SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(EXPLORE_SCRIPT)

    def start(self, build: Build) -> list[GeneratedPage]:
        if not self.enabled:
            return []
        if build.listings or self._planned is None:  # (else `serve`'s first round: the last plan's)
            self.data = site_data(build.library, build.site, self.memo, self.data if build.previous is not None else None)
            text = site_data_json(self.data, self._texts if self.memo is not None else None)
            page = explore_page(build.site.explore, self.data, build.site, self._rows if self.memo is not None else None)
            self._planned = (text, page) if self.memo is not None else None
        else:
            text, page = self._planned
        build.files.append(File.generated(build.config, SITE_DATA_URI, content=text))
        build.files.append(File.generated(build.config, EXPLORE_SCRIPT, abs_src_path=str(ASSETS_DIR / "explore.js")))
        return [page]
