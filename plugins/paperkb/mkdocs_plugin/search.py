"""Glue: enrich the search index mkdocs-material's search plugin wrote (see core/search_terms)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.search_terms import enrich_search_index
from .config import PaperKBConfig
from .feature import Feature
from .messages import log

INDEX_PATH = Path("search") / "search_index.json"


class SearchAdditions(Feature):
    """Word forms and Chinese sub-words added to the index mkdocs-material's search plugin wrote."""

    def __init__(self) -> None:
        self.enabled = False
        self.forms = True

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled, self.forms = options.enabled, options.search_forms
        if self.enabled:
            quiet_jieba()

    def post_build(self, config: MkDocsConfig) -> None:  # after material's search plugin wrote its index
        if self.enabled:
            enrich_site_search(config.site_dir, forms=self.forms)


def enrich_site_search(site_dir: str, *, forms: bool = True) -> None:
    path = Path(site_dir) / INDEX_PATH
    if not path.is_file():  # no search plugin, or a non-material one
        return
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning(f"paperkb: cannot read {path}: {exc}")
        return
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return
    enrich_search_index(index, forms=forms)
    # The same compact form material writes (the browser downloads this file).
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def quiet_jieba() -> None:
    """jieba announces loading its dictionary on stderr at the first page; keep builds quiet."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
