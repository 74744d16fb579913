"""Pagefind behind mkdocs-material's search box (the plugin's default search engine).

mkdocs-material's search plugin stays in the configuration, so the theme renders its search
box, keyboard shortcuts and result list as always; it no longer builds its index. paperkb
writes one document per page for Pagefind (render/search_document.py), has Pagefind index
them in slices of at most ``search_slice_size`` pages and a bounded amount of text
(core/pagefind_slices.py: one indexer of bounded memory at a time) and ships a search worker that speaks the theme's worker protocol and
answers from Pagefind, the slices merged into one search (assets/search-worker.js), plus the
filter panel (assets/search-panel.js). ``search_engine: material`` keeps material's own search.

A full build (on_config) counts every document as gone until its page puts it again (they
stay in paperkb's cache folder between builds; only changed ones are written: see
core/pagefind_bundle.py). It makes and indexes them in a child process while MkDocs renders
(render/search_document_process.py); each slice is indexed as soon as its pages are in, and
once every page is rendered (on_env) the child indexes the last slice and ends while MkDocs
writes the pages. `mkdocs serve` makes documents itself and indexes after its first build; a
quick update (serve.py) re-renders some pages, whose documents ``page_html`` replaces, then calls
``refresh`` with the site's pages: documents of pages that are gone are dropped and Pagefind
indexes again, in the background, only the slices whose pages changed."""

from __future__ import annotations

import html as html_text
import json
import re
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from ..core.foreground import IDLE, Foreground
from ..core.model import Note
from ..core.note_filters import KIND, KIND_LABELS, note_facets
from ..core.pagefind_bundle import PagefindBundle
from ..core.pagefind_service import PagefindUnavailable
from ..core.pagefind_slices import SliceResult, write_slices_file
from ..render.index_pages import GeneratedPage
from ..render.search_document import document_digest, search_document
from ..render.search_document_process import DocumentProcess, DocumentProcessFailed
from .assets import ASSETS_DIR
from .config import PaperKBConfig, cache_root
from .feature import Build, Feature, PageRender
from .messages import log

SEARCH_PLUGIN = "material/search"
PANEL_SCRIPT = "assets/paperkb/search-panel.js"
WORKER_SCRIPT = "assets/paperkb/search-worker.js"
BUNDLE_DIR = "pagefind"
# Every filter value with its number of pages, for the panel's menus. Asking Pagefind for them
# (filters()) would load every filter chunk, and Pagefind then counts each search's results per
# value of every loaded filter: seconds per query at 10,000 notes. This way it loads and counts
# only the filters a reader chooses.
FILTER_VALUES = "paperkb-filters.json"
# material's search plugin events that build and write its index: not run under Pagefind.
_MATERIAL_INDEX_EVENTS = ("page_context", "post_build")
# The panel script as MkDocs writes it among extra_javascript (after the theme's bundle) and the
# theme's config script, which the bundle reads (and creates the search worker from) at once.
_PANEL_TAG = re.compile(r'<script src="[^"]*' + re.escape(PANEL_SCRIPT) + r'"></script>\n?')
_THEME_CONFIG = '<script id="__config"'
_TAG = re.compile(r"<[^>]*>")


class PagefindSearch(Feature):
    def __init__(self) -> None:
        self.enabled = False
        self.bundle: PagefindBundle | None = None
        self.rendered: set[str] = set()  # page URLs with a document from this build
        self.filters: dict[str, FilterPairs] = {}  # page URL -> its filters (``filter_pairs``)
        self._material_config: Any = None
        self.indexer = BackgroundIndexer()  # `serve`: the index follows an edit in the background
        # A full build makes the documents in a child process (jieba's ~60 MB dictionary stays
        # out of the build); `serve` makes them itself (plugin.on_startup says which).
        self.separate_process = False
        self.documents = DocumentProcess()

    # -- configuration -------------------------------------------------------------------------
    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        material = config.plugins.get(SEARCH_PLUGIN)
        self.enabled = (options.enabled and options.search_engine == "pagefind"
                        and material is not None and material.config.enabled)
        if not self.enabled:
            return
        self._material_config = material.config
        for event in _MATERIAL_INDEX_EVENTS:
            handler = getattr(material, f"on_{event}")
            handlers = config.plugins.events[event]
            config.plugins.events[event] = [h for h in handlers if h != handler]
        if PANEL_SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(PANEL_SCRIPT)
        language = str(config.theme.get("language") or "en").split("-")[0].lower() or "en"
        caches = cache_root(options, project_root)
        keep_in = caches / "search" / language if caches else None  # documents kept between builds
        slice_size = options.search_slice_size
        if (self.bundle is None or self.bundle.language != language or self.bundle.keep_in != keep_in
                or self.bundle.slice_size != slice_size):
            if self.bundle is not None:
                self.indexer.wait()
                self.bundle.close()
            self.bundle = PagefindBundle(language, keep_in=keep_in, slice_size=slice_size)
        self.documents.language = language
        # A slice whose pages are the last build's is copied, not indexed again; only while this
        # build holds the cache folder (a second build at once works in a temporary one). Beside
        # the documents' folder, where no page's document can land.
        folder = self.bundle.folder
        self.documents.kept_slices = folder.with_name(folder.name + ".slices") if self.bundle.kept else None
        self.documents.documents_folder = self.bundle.documents_folder
        # A full build (its on_config) starts from no documents; serve's quick updates plan again
        # (start) without configuring, and keep the documents of the pages they do not render.
        self.begin_build(full=True)

    def search_reads_later(self, config: MkDocsConfig) -> bool:
        """Whether a search plugin reads the pages after on_page_content: mkdocs-material's and
        MkDocs' own index a page's HTML at on_page_context, unless Pagefind took material's place."""
        if self.enabled:
            return False
        plugins = (config.plugins.get(name) for name in (SEARCH_PLUGIN, "search"))
        return any(plugin is not None and getattr(plugin.config, "enabled", True) for plugin in plugins)

    def start(self, build: Build) -> list[GeneratedPage]:
        if self.enabled:
            self.documents.output = Path(build.config.site_dir) / BUNDLE_DIR  # (the folder being built)
            for uri in (PANEL_SCRIPT, WORKER_SCRIPT):
                build.files.append(File.generated(build.config, uri, abs_src_path=str(ASSETS_DIR / uri.rsplit("/", 1)[1])))
        return []

    def page_html(self, page: PageRender, html: str) -> str:
        """The page's HTML as every paperkb feature left it, before the lists and diagrams that
        only repeat other notes are added (page_output)."""
        if self.enabled:
            self.page_rendered(page.page, page.note, html)
        return html

    def pages_rendered(self, config: MkDocsConfig) -> None:
        """A full build has sent every page's document: the documents' process indexes the last
        slice and ends now, not after the pages are written (``write`` collects its work). Its
        memory and its last indexer's are gone while the build process is at its largest."""
        if self.enabled:
            self.documents.end()

    def indexing(self) -> bool:
        """Whether a full build's documents' process (and its Pagefind) still runs beside the build."""
        return self.enabled and self.documents.running()

    def page_output(self, page: PageRender, output: str) -> str:
        return self.place_panel_script(output)

    def post_build(self, config: MkDocsConfig) -> None:
        self.write(config.site_dir)

    def begin_build(self, *, full: bool = True) -> None:
        """A full build indexes the pages it renders, nothing left from the previous one."""
        if self.enabled and self.bundle is not None and full:
            self.indexer.wait()  # (`serve`: a background run reads the slices begin() resets)
            self.bundle.begin()
            self.filters.clear()
        self.rendered = set()

    # -- pages -----------------------------------------------------------------------------------
    def page_rendered(self, page: Page, note: Note | None, html: str | None = None) -> None:
        """Keep (or replace) the document of a page MkDocs just rendered; drafts and pages marked
        ``search: {exclude: true}`` get none."""
        if not self.enabled or self.bundle is None:
            return
        url = page.url
        if not _searchable(page):
            self.page_removed(url)
            return
        # Other pages' titles are HTML text (from a heading, or escaped by generated pages and
        # page_meta.py); the document escapes the plain text once.
        title = html_text.unescape(_TAG.sub("", str(page.title or "")))
        if note is not None:
            title = note.title
            filters = note_facets(note)
            meta = {"year": str(note.year or ""), "venue": note.venue or "", KIND: KIND_LABELS["note"]}
        else:
            kind = "post" if _is_post(page) else "page"
            filters = {KIND: [KIND_LABELS[kind]]}
            year = _post_year(page) if kind == "post" else None
            if year:
                filters["year"] = [str(year)]
            tags = page.meta.get("tags")
            if isinstance(tags, list) and tags:
                filters["tag"] = [str(t) for t in tags]
            meta = {"year": str(year or ""), KIND: KIND_LABELS[kind]}
        sort = {"year": meta["year"]} if meta.get("year") else {}
        inputs = dict(title=str(title), content_html=page.content or "" if html is None else html,
                      language=self.bundle.language, filters=filters, meta=meta, sort=sort)
        made_from = document_digest(**inputs)
        self.filters[url] = filter_pairs(filters)
        size = len(inputs["content_html"])  # (a slice holds a bounded amount of text: pagefind_slices.py)
        if self.bundle.reuse(url, made_from, size):  # (the same page as in the last build: its document is kept)
            if self.separate_process:
                self.documents.keep(url, self.bundle.slice_of(url), self.bundle.document_name(url))
        elif self.separate_process:
            name = self.bundle.adopt(url, html_length=size)
            self.documents.put(url, self.bundle.slice_of(url), name, made_from, **inputs)
        else:
            self.bundle.put(url, search_document(**inputs), made_from, html_length=size)
        self.rendered.add(url)

    def place_panel_script(self, html: str) -> str:
        """Move the panel script before the theme's bundle: it must hand the theme its worker
        before the bundle creates one."""
        if not self.enabled:
            return html
        at = html.find(_THEME_CONFIG)
        if at < 0:
            return html
        # The tag is among the scripts after the theme's config, past the page's content and
        # diagrams: looked for there, unless the page names the script before (then as a whole).
        match = _PANEL_TAG.search(html, 0 if html.find(PANEL_SCRIPT, 0, at) >= 0 else at)
        if match is None or match.start() < at:
            return html
        return "".join((html[:at], match.group(0), html[at:match.start()], html[match.end():]))

    def page_removed(self, url: str) -> None:
        self.filters.pop(url, None)
        if self.bundle is not None:
            self.bundle.remove(url)

    def refresh(self, page_urls: set[str], site_dir: str, *, later: bool = False) -> None:
        """After `serve` re-rendered some pages (their documents were replaced on the way):
        drop the documents of pages that are gone and index again the slices that changed;
        ``later``: in the background, so the page shows before the search index follows."""
        if not self.enabled or self.bundle is None:
            return
        for url in self.bundle.urls - page_urls:
            self.page_removed(url)
        filters = dict(self.filters)  # as they are now (a newer edit submits newer ones)
        if not later:
            self.indexer.wait()
            self._index_changes(site_dir, filters)
            return
        self.indexer.submit(lambda: self._index_changes(site_dir, filters, foreground=self.indexer.foreground))

    def wait(self) -> None:
        """Until the background indexing asked for so far is done."""
        self.indexer.wait()

    # -- after the build ------------------------------------------------------------------------
    def write(self, site_dir: str) -> None:
        """Index the documents into ``site_dir/pagefind``, slice by slice, and give material's
        script the empty index it loads at start (the worker answers from Pagefind)."""
        if not self.enabled or self.bundle is None:
            return
        self.indexer.wait()  # (a background run of `serve` must not land after this one)
        started = time.monotonic()
        try:  # every document written and indexed, and the process gone
            finished = self.documents.finish()
        except DocumentProcessFailed as exc:
            log.error(f"paperkb: the search index was not written: {exc}")
            return
        for name, made_from, digest, size in finished.documents:
            self.bundle.made(name, made_from, digest, size)
        self.bundle.settle()
        if finished.error:
            log.error(f"paperkb: {finished.error}")
            return
        indexed = {result.number for result in finished.slices}
        self._index_changes(site_dir, dict(self.filters), done=finished.slices, skip=indexed, started=started)

    def _index_changes(self, site_dir: str, page_filters: dict, *, done: list[SliceResult] = (),
                       skip: set[int] = frozenset(), started: float | None = None,
                       foreground: Foreground = IDLE) -> None:
        """Index the slices whose pages changed (those in ``skip`` were indexed already, giving
        ``done``) and write what the browser loads besides Pagefind's bundles; ``foreground``:
        what the indexing steps aside for (in the background of `serve`: its updates)."""
        bundle = self.bundle
        assert bundle is not None
        started = time.monotonic() if started is None else started
        output = Path(site_dir) / BUNDLE_DIR
        changed = {number: urls for number, urls in bundle.take_changed().items() if number not in skip}
        try:
            results = list(done) + bundle.index(output, changed, foreground)
        except PagefindUnavailable as exc:
            bundle.index_again(set(changed))
            log.error(f"paperkb: the search index was not written: {exc}")
            return
        except BaseException:
            bundle.index_again(set(changed))  # (`serve`: the next update tries them again)
            raise
        for result in results:
            for message in result.failed:
                log.warning(f"paperkb: Pagefind could not index a page: {message}")
        if results:
            kept = sum(1 for r in results if r.kept)
            log.info(f"paperkb: search index: {sum(r.pages for r in results)} pages in {len(results)} "
                     f"slice(s) ({kept} kept from the last build), {time.monotonic() - started:.1f} s")
        write_slices_file(output, bundle.slices)
        counts: dict[str, dict[str, int]] = {}
        for pairs in page_filters.values():
            for name, value in zip(pairs[::2], pairs[1::2]):
                counts.setdefault(name, {})[value] = counts.get(name, {}).get(value, 0) + 1
        (output / FILTER_VALUES).write_text(
            json.dumps(counts, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        material = self._material_config
        stub = {"config": {"lang": list(material.lang or ["en"]), "separator": material.separator or r"[\s\-]+",
                           "pipeline": list(material.pipeline or [])},
                "docs": []}
        path = Path(site_dir) / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stub, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def close(self) -> None:
        self.documents.close()
        self.indexer.wait()
        if self.bundle is not None:
            self.bundle.close()
            self.bundle = None


class BackgroundIndexer:
    """One indexing job at a time, in a thread; a newer request replaces one not started yet
    (a burst of saves is indexed once: the job takes the slices changed by then). The thread
    waits until the saves pause (``settle``) before it runs: the page an edit changed is
    rendered and shown first, without a search index being made beside it on the same cores.
    A job under way steps aside while ``foreground`` is held (serve.py holds it from a save
    until its update is done: core/foreground.py)."""

    def __init__(self, settle: float = 1.0) -> None:
        self.settle = settle
        self.foreground = Foreground()
        self._cond = threading.Condition()
        self._pending: Callable[[], None] | None = None
        self._submitted = 0.0
        self._running = False

    def submit(self, job: Callable[[], None]) -> None:
        with self._cond:
            self._pending = job
            self._submitted = time.monotonic()
            self._cond.notify_all()
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="paperkb-search-index", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is not None and (quiet := time.monotonic() - self._submitted) < self.settle:
                    self._cond.wait(self.settle - quiet)
                if self._pending is None:
                    self._running = False
                    self._cond.notify_all()
                    return
                job, self._pending = self._pending, None
            try:
                job()
            except Exception:  # noqa: BLE001 - `serve` goes on; the next edit indexes again
                log.warning("paperkb: the search index could not be updated", exc_info=True)

    def wait(self) -> None:
        with self.foreground.lifted(), self._cond:  # (a job that stepped aside goes on meanwhile)
            self._cond.wait_for(lambda: not self._running)


# A page's search filters as they wait for the index to be written: name, value, name, value...
FilterPairs = tuple[str, ...]


def filter_pairs(filters: dict[str, list[str]]) -> FilterPairs:
    """``filters`` as one flat tuple, in their order: every page's are held until the end of a
    build, and a dict of lists was ~0.6 KB a note, this ~0.2."""
    return tuple(item for name, values in filters.items() for value in values for item in (name, value))


def _searchable(page: Page) -> bool:
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("exclude"):
        return False
    if page.meta.get("draft") is True or getattr(getattr(page, "config", None), "draft", False) is True:
        return False  # a blog post shown by `serve` (draft_on_serve) is still a draft
    return not _is_blog_view(page)


def _is_post(page: Page) -> bool:
    try:
        from material.plugins.blog.structure import Post
    except ImportError:  # pragma: no cover - mkdocs-material is a dependency
        return False
    return isinstance(page, Post)


def _is_blog_view(page: Page) -> bool:
    """The blog's index, archive and category pages only repeat the posts' excerpts."""
    try:
        from material.plugins.blog.structure import View
    except ImportError:  # pragma: no cover
        return False
    return isinstance(page, View)


def _post_year(page: Page) -> int | None:
    created = page.meta.get("date")
    if isinstance(created, dict):
        created = created.get("created")
    if isinstance(created, (date, datetime)):
        return created.year
    post_config = getattr(page, "config", None)
    created = getattr(getattr(post_config, "date", None), "created", None)
    return created.year if isinstance(created, (date, datetime)) else None
