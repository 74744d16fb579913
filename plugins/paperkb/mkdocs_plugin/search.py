"""Glue: enrich mkdocs-material's search index with word forms and Chinese sub-words
(core/search_terms.py).

The index is enriched in memory, as material's search plugin turns it into JSON at the end of
the build (``SearchIndex.generate_search_index``), and written once, as compact UTF-8. Where
that cannot be done (another search plugin, material merging with the last index under
`mkdocs serve --dirty`) the file it wrote is read back, enriched and written again, which at
10,000 notes costs a few seconds and the memory of a second copy of the index."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.search_terms import enrich_search_index
from .config import PaperKBConfig
from .feature import Build, Feature
from .messages import log

INDEX_PATH = Path("search") / "search_index.json"


class SearchAdditions(Feature):
    """Word forms and Chinese sub-words added to the index mkdocs-material's search plugin wrote."""

    def __init__(self) -> None:
        self.enabled = False
        self.forms = True
        self.enriched_in_memory = False
        self.json = IndexJson()

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        # Pagefind (pagefind_search.py) builds its own index; material's is not written then.
        self.enabled = options.enabled and options.search_engine == "material"
        self.forms = options.search_forms
        if options.enabled:
            quiet_jieba()

    def start(self, build: Build) -> list:
        self.enriched_in_memory = False
        if self.enabled:
            self._enrich_when_generated(build.config)
        return []

    def post_build(self, config: MkDocsConfig) -> None:  # after material's search plugin wrote its index
        if self.enabled and not self.enriched_in_memory:
            enrich_site_search(config.site_dir, forms=self.forms)

    def _enrich_when_generated(self, config: MkDocsConfig) -> None:
        """Have material's search plugin write the enriched index (this build's index object)."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None)
        generate = getattr(index, "generate_search_index", None)
        entries, options = getattr(index, "entries", None), getattr(index, "config", None)
        if generate is None or not isinstance(entries, list) or not isinstance(options, dict):
            return
        generate = getattr(generate, "paperkb_original", generate)

        def generate_enriched(prev):
            if prev is not None:  # `serve --dirty` merges with the last index: enriched from the file
                return generate(prev)
            data = {"config": {key: _copy(options.get(key)) for key in ("lang", "separator", "pipeline", "fields")},
                    "docs": entries}
            enrich_search_index(data, forms=self.forms)
            self.enriched_in_memory = True
            return self.json.dumps(data)

        generate_enriched.paperkb_original = generate  # type: ignore[attr-defined]
        index.generate_search_index = generate_enriched


class IndexJson:
    """The index as the compact JSON ``json.dumps`` writes, each entry's text kept until the
    entry changes: `serve` writes the whole index after every edit, with one page's entries new."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[tuple, str]] = {}  # id(entry) -> (its items, its JSON)

    def dumps(self, data: dict) -> str:
        kept: dict[int, tuple[tuple, str]] = {}
        parts = []
        for entry in data["docs"]:
            items = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in entry.items())
            known = self._entries.get(id(entry))
            text = known[1] if known is not None and known[0] == items else _compact(entry)
            kept[id(entry)] = (items, text)
            parts.append(text)
        self._entries = kept
        return '{"config":' + _compact(data["config"]) + ',"docs":[' + ",".join(parts) + "]}"


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


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


def _copy(value):
    """The plugin's option, copied one level so the index's additions stay out of its config."""
    return dict(value) if isinstance(value, dict) else value


def quiet_jieba() -> None:
    """jieba announces loading its dictionary on stderr at the first page; keep builds quiet."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
