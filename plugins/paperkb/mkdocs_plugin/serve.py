"""`mkdocs serve` that re-renders only what an edit touched.

MkDocs' own server rebuilds the whole site on every save (30 s at 2,000 notes). Here the
server's builder is replaced: when only notes, ``.bib`` files or pages in docs_dir changed,

1. the library is loaded again (unchanged notes come from the parse cache) and every feature
   plans what the edited pages read (``PaperKBPlugin.plan(listings=False)``), on the files
   MkDocs found plus the edit: the pages and files that list many notes (index, Explore,
   bibliography and graph pages, all.bib, the site data) stay as they were, but for the index
   pages of a year, field... the edited notes came to or left;
2. the pages the edit touched are found: the changed notes' own pages, their neighbours before
   and after the edit, every page that recorded reading a changed note (``PageRender.reads``,
   query blocks read every note), the notes whose diagram changed, and the generated pages
   whose Markdown changed;
3. only those go through MkDocs' page pipeline (``_populate_page`` / ``_build_page``: every
   plugin's page events, the theme's templates) with the config, files, navigation and Jinja
   environment of the last build kept in memory, in two rounds: first the edited pages, pages
   that came, small generated pages whose text changed and the notes at the other end of a
   changed link, then the browser reloads (the server answers again); then the listings are
   planned (``PaperKBPlugin.plan_listings``, for every edit since they last were) and the pages
   that only read the edit (a title in a list, a diagram two links away), the listings whose
   text changed, the tags index, sitemap, search index and graph data follow, and the browser
   reloads once more. A new save stops the second round at its next step (planning the listings:
   before the next feature); the next update does what it left (each feature plans its listings
   for every edit since it last did). So the first round takes time in proportion to the edit,
   not to the site.
   From a save until its update is done, the search index being made in the background (Pagefind)
   steps aside (core/foreground.py): its process is stopped, and goes on afterwards.

Planning again is kept cheap by what unchanged notes keep: the reloaded library reuses their
objects (core/note_cache.py), so what was made from them (index rows, insights, references,
explore records, diagrams whose view is the same) is reused (core/note_memo.py).

Anything else (mkdocs.yml, the theme, a change of the navigation, a blog post whose views would
change) takes MkDocs' full build, as before. A save is seen at once through inotify where the
platform has it (MkDocs polls every 0.5 s)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE

from ..core import chinese_words
from ..core.library import link_names
from ..core.library_diff import neighbours
from ..core.problems import Problem
from ..render.escape import html
from ..render.transclusion import embed_read
from .blog import Feeds
from .collector import QuietHeap
from .feature import PageRender
from .search import SearchAdditions

if TYPE_CHECKING:
    from .plugin import PaperKBPlugin

log = logging.getLogger("mkdocs.plugins.paperkb")


def rejected_note_banner(problems: list[Problem]) -> Markup:
    """The box at the top of a note that failed to load while serving (its page stays)."""
    items = Markup("").join(html("<li><code>{}:{}: {}</code></li>", p.path, p.line, p.message) for p in problems)
    return html('<div class="admonition failure pkb-rejected"><p class="admonition-title">'
                "This note is not published: fix the problems below</p><ul>{}</ul></div>", items)


@dataclass
class LiveBuild:
    """The last build as `serve` keeps it: what re-rendering one page needs."""

    config: MkDocsConfig | None = None
    source_files: list[File] = field(default_factory=list)  # as MkDocs found them, before paperkb's on_files
    files: Files | None = None
    nav: Any = None
    env: Any = None
    reads: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)  # src -> (keys, every note)
    post_fronts: dict[str, str] = field(default_factory=dict)  # blog post src -> its front-matter as loaded
    post_bodies: dict[str, str] = field(default_factory=dict)  # blog post src -> its Markdown (below the front-matter)
    search_entries: dict[str, list[dict]] = field(default_factory=dict)  # src -> its search index entries
    _search_seen: int = 0

    def page_rendered(self, src: str, render: PageRender | None, config: MkDocsConfig) -> None:
        """After the search plugin indexed the page (on_page_context): what the page read and
        the search entries it gave."""
        if render is not None:
            self.reads[src] = (frozenset(render.read_keys), render.read_every_note)
        index = _search_index(config)
        if index is not None:
            entries = index.entries
            if len(entries) < self._search_seen:  # a new build started a new index
                self._search_seen = 0
            self.search_entries[src] = entries[self._search_seen:]
            self._search_seen = len(entries)


    def remember_posts(self, files: Files) -> None:
        """The front-matter of every blog post as the blog plugin read it (serve.py compares)."""
        self.post_fronts, self.post_bodies = {}, {}
        for file in files.documentation_pages():
            if file.page is not None and _is_blog_page(file.page) and hasattr(file.page, "excerpt"):
                try:
                    front, body = _split_post(Path(file.abs_src_path).read_text(encoding="utf-8-sig"))
                except OSError:
                    continue
                if front is not None:  # (a post's Markdown is replaced by its rendering: keep the text)
                    self.post_fronts[file.src_uri], self.post_bodies[file.src_uri] = front, body


def _search_index(config: MkDocsConfig) -> Any:
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


class Steps:
    """How long each step of an update took (the log line after it)."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.cpu_started = time.thread_time()  # (the update's own CPU: a loaded machine stretches the wall time)
        self.took: list[tuple[str, float]] = []

    def shown(self) -> None:
        self.took.append(("shown after", time.monotonic() - self.started))
        self.took.append(("CPU", time.thread_time() - self.cpu_started))

    def done(self, step: str) -> None:
        now = time.monotonic()
        self.took.append((step, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{step} {seconds:.2f}" for step, seconds in self.took)


class NeedsFullBuild(Exception):
    """The edit reaches beyond what single pages can show (navigation, blog views...)."""


class IncrementalServe:
    def __init__(self, plugin: PaperKBPlugin, server: Any, full_builder: Any) -> None:
        self.plugin = plugin
        self.server = server
        self.full_builder = full_builder
        self._changes: set[str] = set()
        # What an update a new save interrupted left for the next one: pages, and files listing every page.
        self._later: set[str] = set()
        self._templates_stale = self._graph_stale = False
        # What the tags listings showed of each page re-rendered or removed since they were last
        # made (its title and tags; None: not tagged): they are made again if one of these changed.
        self._tags_before: dict[str, tuple | None] = {}
        self._lock = threading.Lock()
        self.heap = QuietHeap()
        # Held from a save until its update is done: background work (the search index) waits.
        self.foreground = plugin.search.indexer.foreground
        config = plugin.live.config
        # The name mkdocs.yml gives the plugin: MkDocs marks the files it generates with it.
        self.steps = Steps()
        self.name = next((name for name, p in config.plugins.items() if p is plugin), "paperkb") if config else "paperkb"

    # -- set-up --------------------------------------------------------------------------------
    def install(self) -> None:
        self.server.builder = self.build
        # MkDocs waits for 0.1 s without file events before it builds; an editor's save is one
        # burst of events within milliseconds (inotify reports them as they happen).
        self.server.build_delay = min(getattr(self.server, "build_delay", QUIET_AFTER_SAVE), QUIET_AFTER_SAVE)
        self.heap.settle()
        _prefer_inotify(self.server)
        _quiet_livereload_script(self.server)
        for path in list(self.server._watched_paths):  # docs_dir, mkdocs.yml, .bib files elsewhere
            self.watch(path)
        if self._segments_chinese():  # (else the first update loads it, ~1 s, before its page shows)
            chinese_words.load_ahead([Path(f.abs_src_path) for f in self.plugin.live.source_files
                                      if f.abs_src_path and f.src_uri.endswith((".md", ".markdown"))])

    def _segments_chinese(self) -> bool:
        """Whether the pages an update renders are segmented into Chinese words for search in
        this process (a full build leaves that to the documents' child)."""
        return self.plugin.search.enabled or any(isinstance(feature, SearchAdditions) and feature.enabled
                                                 for feature in self.plugin.features)

    def watch(self, path: str) -> None:
        """Record the paths an event names; the server's own handler still asks for a rebuild."""
        import watchdog.events

        engine = self

        class Recorder(watchdog.events.FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.is_directory or event.event_type in READ_EVENTS:
                    return
                with engine._lock:
                    engine._changes.add(os.fsdecode(event.src_path))
                    dest = getattr(event, "dest_path", "")
                    if dest:
                        engine._changes.add(os.fsdecode(dest))
                    engine.foreground.hold()  # background indexing steps aside until it is shown

        self.server.observer.schedule(Recorder(), path, recursive=True)

    # -- the builder the server calls -------------------------------------------------------------
    def build(self) -> None:
        with self._lock:
            changed, self._changes = self._changes, set()
        started = time.monotonic()
        self.steps = Steps()
        try:
            # (what the update made is frozen before the collector runs again: else its first
            # pass, due long since, walks all of it while the next save waits)
            with self.heap.paused():
                try:
                    count = self.update(changed)
                except NeedsFullBuild as reason:
                    log.info(f"paperkb: full rebuild ({reason})")
                except Exception:  # a bug here must never stop `serve`: the full build is the safe way
                    log.warning("paperkb: the quick update failed; rebuilding the whole site", exc_info=True)
                else:
                    log.info(f"paperkb: {count} page(s) updated in {time.monotonic() - started:.2f} s ({self.steps})")
                    self.heap.settle()
                    return
            self.full_builder()
            self._tags_before = {}  # (the full build made the tags listings)
            self.heap.settle(full=True)
        finally:
            with self._lock:
                if not self._changes:  # (else the next update follows at once: the background waits on)
                    self.foreground.release()

    def update(self, changed: set[str]) -> int:
        plugin, live = self.plugin, self.plugin.live
        config = live.config
        if config is None or live.files is None or live.nav is None or live.env is None:
            raise NeedsFullBuild("no build to update yet")
        if not changed:
            raise NeedsFullBuild("a change outside the watched files")
        docs_dir = Path(config.docs_dir).resolve()
        bib_files = {p.resolve() for p in plugin.bib.watched_files()} | {p.resolve() for p in plugin.bib.extra_files}
        sources = {f.src_uri: f for f in live.source_files}
        changed_srcs: set[str] = set()
        bib_changed = False
        for raw in changed:
            path = Path(raw).resolve()
            if path in bib_files:
                bib_changed = True
                continue
            if not path.is_relative_to(docs_dir):
                raise NeedsFullBuild(f"{raw} changed")
            src = path.relative_to(docs_dir).as_posix()
            if src.endswith(".bib"):
                bib_changed = True
            elif not src.endswith((".md", ".markdown")):
                raise NeedsFullBuild(f"{src} changed")
            if path.is_file():
                if src not in sources:
                    sources = _insert_in_docs_order(sources, File(src, config.docs_dir, config.site_dir,
                                                                  config.use_directory_urls))
            else:
                sources.pop(src, None)
            changed_srcs.add(src)
        posts = self._changed_posts(changed_srcs, config)

        old_library, old_nav = plugin.library, config.nav
        old_figures = _figure_keys(plugin)
        touched_paths = {raw for raw in changed} | {str(Path(raw).resolve()) for raw in changed}
        plugin.cache.unchanged = frozenset(plugin.cache.entries.keys() - touched_paths)
        try:
            with _making_files(config, self.name):
                planned = plugin.plan(Files(list(sources.values())), config, edited=changed_srcs,
                                      bib_edited=bib_changed, listings=False)
        finally:
            plugin.cache.unchanged = frozenset()
        self.steps.done("plan")
        if config.nav != old_nav:
            raise NeedsFullBuild("the navigation changed")
        live.source_files = list(sources.values())
        library, change = plugin.library, plugin.change
        assert change is not None

        files = live.files
        affected: set[str] = set(changed_srcs)
        pages_added_or_removed = self._sync_files(files, planned, config, affected, changed_srcs)
        # Shown first: the edited pages, pages that came, generated pages whose text changed
        # (indexes, bibliography), the notes at the other end of a changed link (their Cites or
        # Cited by list), pages citing a changed .bib entry. The rest (pages that only show a
        # changed note's title or card, diagrams two links away, blog views) follow.
        urgent = {src for src in affected if not _big_generated(files.get_file_from_path(src))}
        relinked = {_src(library, k) or _src(old_library, k) for k in change.relinked}
        if len(relinked) <= URGENT_NEIGHBOURS:
            urgent |= relinked

        # Who shows what changed: pages that read a note whose shown data changed (its title in a
        # list, its card in an embed), its neighbours, the notes at either end of a changed link.
        shown = change.shown | {src for lib in (old_library, library) for key in change.shown
                                if (src := _src(lib, key))}
        for key in change.shown:
            for lib in (old_library, library):
                affected |= {_src(library, k) or _src(old_library, k) for k in neighbours(lib, key)}
        affected |= relinked
        if bib_changed:  # [@key] and cited entries that have no note
            before, after = old_library.bibliography, library.bibliography
            entries = {e.key for e in [*before, *after] if before.get(e.key) != after.get(e.key)}
            shown |= entries
            urgent |= {src for src, (keys, _every) in live.reads.items() if not keys.isdisjoint(entries)}
        anything = bool(change.shown or change.relinked or bib_changed)
        # Pages showing the text of an edited page (embeds), or embedding a name a page now has or lost.
        texts = changed_srcs | {embed_read(name) for src in changed_srcs for name in link_names(src)}
        for src, (keys, every) in live.reads.items():
            if (every and anything) or not keys.isdisjoint(shown) or not keys.isdisjoint(texts):
                affected.add(src)
        if not change.same_graph:
            affected |= _differing(old_figures, _figure_keys(plugin))
        affected |= self._later  # pages an earlier update left for later (a save came meanwhile)
        self._later = set()

        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        pages = [f.page for f in doc_files if f.src_uri in affected and f.page is not None]
        if any(_is_blog_page(page) for page in pages):  # the blog's views show the posts' excerpts
            pages += [f.page for f in doc_files if f.page is not None and f.src_uri not in affected
                      and _is_blog_page(f.page) and f.src_uri not in posts]
        for src, text in posts.items():
            live.post_bodies[src] = text
        first = [page for page in pages if page.file.src_uri in urgent]
        rest = [page for page in pages if page.file.src_uri not in urgent]
        self.steps.done("find pages")
        self._render(first, files, doc_files, config)
        self.steps.done(f"render {len(first)}")
        self._templates_stale |= pages_added_or_removed
        self._graph_stale |= not change.same_notes
        self._show()  # the browser reloads now; what follows is written while it does
        self.steps.shown()

        # Then what only reaches pages the edit did not name. A new save stops it at the next
        # step (its edit is what the user wants to see first), and the next update does what
        # is left: the pages (``_later``), the diagrams near the edit (the citation display
        # keeps them), the tags index (``_tags_before``), the files listing every page (flags).
        stopped = self._saved_meanwhile
        if plugin.listings_due:  # the pages and files listing many notes
            listed = self._plan_listings(files, config, {page.file.src_uri for page in rest})
            if listed is None:  # (a save came: its update plans them, for this edit too)
                self._later |= {page.file.src_uri for page in rest}
                return len(pages)
            more, doc_files = listed
            rest += more
        redrawn = plugin.citations.settle(stop=stopped)  # diagrams of notes two links from the edit
        if redrawn:  # (a page the first round wrote showed the diagram it had then: written again)
            waiting = {page.file.src_uri for page in rest}
            rest += [f.page for f in doc_files if f.src_uri in redrawn and f.src_uri not in waiting and f.page is not None]
            self.steps.done(f"diagrams {len(redrawn)}")
        for at in range(0, len(rest), LATER_BATCH):  # a few pages at a time
            if stopped():
                self._later |= {page.file.src_uri for page in rest[at:]}
                break
            self._render(rest[at:at + LATER_BATCH], files, doc_files, config)
        if rest:
            self.steps.done(f"then {len(rest)}")
        if self._later or stopped():
            return len(pages)
        self._render([], files, doc_files, config, listings=True)  # the tags index, if tags changed
        if self._templates_stale and not stopped():  # 404.html, sitemap.xml
            from mkdocs.commands.build import _build_theme_template

            for template in config.theme.static_templates:
                _build_theme_template(template, live.env, files, config, live.nav)
            self._templates_stale = False
        if stopped():
            return len(pages)
        self._write_search_index(doc_files, config)
        self.steps.done("search index")
        if self._graph_stale and self._layout_ready():  # the graph explorer's data lists every note
            plugin.citations.post_build(config)
            self._graph_stale = False
            self.steps.done("graph data")
        # Pagefind, when it is the engine (page URLs: the home page's is "", its file's "./"):
        # it indexes every page again, so in the background, after the edited pages are shown.
        plugin.search.refresh({f.page.url for f in doc_files if f.page is not None}, config.site_dir, later=True)
        if rest:
            self._reload_again()
        return len(pages)

    def _plan_listings(self, files: Files, config: MkDocsConfig,
                       waiting: set[str]) -> tuple[list[Page], list[File]] | None:
        """The second round's plan (plugin.plan_listings): the generated pages whose text it
        changed and the notes whose diagram it changed, but those ``waiting`` to be rendered
        already; and the documentation pages (generated pages may come or go). None: a new
        save stopped it between two features (its update goes first and plans the rest after)."""
        plugin = self.plugin
        figures = _figure_keys(plugin)
        with _making_files(config, self.name):
            listed = plugin.plan_listings(config, stop=self._saved_meanwhile)
        if listed is None:  # (the next update's plan brings the files; the pages whose diagram changed wait)
            self._later |= _differing(figures, _figure_keys(plugin))
            self.steps.done("plan listings, stopped by a save")
            return None
        changed: set[str] = set()
        if self._sync_files(files, listed, config, changed, set()):
            self._templates_stale = True
        changed |= _differing(figures, _figure_keys(plugin))  # (a diagram drawn, changed or gone)
        self.steps.done("plan listings")
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        return [f.page for f in doc_files if f.src_uri in changed - waiting and f.page is not None], doc_files

    def _show(self) -> None:
        """Let the server answer and the browsers reload now, before the build function returns
        (MkDocs' LiveReloadServer holds every request until the epoch it builds is visible)."""
        server = self.server
        cond = getattr(server, "_epoch_cond", None)
        if cond is None or not hasattr(server, "_wanted_epoch"):
            return
        with cond:
            server._visible_epoch = server._wanted_epoch
            cond.notify_all()

    def _reload_again(self) -> None:
        """Pages were written after the browsers reloaded: a newer epoch, so that a browser
        showing one of them reloads once more when the build function returns."""
        if hasattr(self.server, "_wanted_epoch") and hasattr(self.server, "_epoch_cond"):
            from mkdocs.livereload import _timestamp

            with self.server._epoch_cond:
                self.server._wanted_epoch = _timestamp()

    def _layout_ready(self) -> bool:
        """Wait for the graph explorer's layout (a worker lays out a changed graph) unless a new
        save comes first: then the next update writes the graph data."""
        positions = self.plugin.citations.positions
        while isinstance(positions, Future) and not positions.done():
            if self._saved_meanwhile():
                return False
            futures_wait([positions], timeout=0.1)
        return True

    def _saved_meanwhile(self) -> bool:
        with self._lock:
            return bool(self._changes)

    # -- steps ------------------------------------------------------------------------------------
    def _changed_posts(self, changed_srcs: set[str], config: MkDocsConfig) -> dict[str, str]:
        """The new text of each changed blog post (mkdocs-material's blog plugin reads a post
        when the files are collected, so only an edit below its front-matter can be shown
        without a full build: its place in the blog's views, archive and categories stays)."""
        live = self.plugin.live
        files = live.files
        found: dict[str, str] = {}
        for src in changed_srcs:
            file = files.get_file_from_path(src) if files is not None else None
            page = file.page if file is not None else None
            if page is None or not _is_blog_page(page):
                if src in live.post_fronts:
                    raise NeedsFullBuild("a blog post came or went")
                continue
            try:
                text = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
            except OSError:
                raise NeedsFullBuild("a blog post came or went") from None
            front, body = _split_post(text)
            if front is None or front != live.post_fronts.get(src):
                raise NeedsFullBuild("a blog post's front-matter changed")
            found[src] = body
        return found

    def _sync_files(self, files: Files, planned: Files, config: MkDocsConfig, affected: set[str],
                    changed_srcs: set[str]) -> bool:
        """Bring the live files to what the new plan says for paperkb's part of the site:
        notes and pages that came or went, generated pages and files whose content changed."""
        added_or_removed = False
        planned_by_src = {f.src_uri: f for f in planned}
        live_by_src = {f.src_uri: f for f in files}
        ours = set(planned_by_src) | {src for src, f in live_by_src.items() if f.generated_by == self.name}
        for src in sorted(ours | (changed_srcs & set(live_by_src))):
            new, old = planned_by_src.get(src), live_by_src.get(src)
            if old is not None and old.generated_by not in (None, self.name):
                continue  # another plugin's file
            if new is None:
                if old is not None and (old.generated_by == self.name or src in changed_srcs):
                    files.remove(old)
                    _delete_output(old, config)
                    if (tags := _tags_plugin(config)) is not None:
                        self._tags_seen(tags, old.url)
                        tags.mappings.data.pop(old.url, None)
                    added_or_removed = added_or_removed or old.is_documentation_page()
                continue
            if old is None:
                if new.generated_by is None:  # a new note: where MkDocs' walk of docs_dir puts it
                    files._src_uris = _insert_in_docs_order(files._src_uris, new)
                else:  # after what paperkb generated before it, as the plan lists them
                    files._src_uris = _insert_after(files._src_uris, new, _before(planned, new, files))
                if new.is_documentation_page():
                    Page(None, new, config)
                    affected.add(src)
                    added_or_removed = True
                else:
                    new.copy_file()
                continue
            if new.generated_by == self.name:
                if new.abs_src_path is not None and new.abs_src_path == old.abs_src_path:
                    continue  # a shipped asset: unchanged
                if new.content_bytes != old.content_bytes:
                    old.content_bytes = new.content_bytes
                    if old.is_documentation_page():
                        affected.add(src)
                    else:
                        old.copy_file()
            else:
                old.inclusion = new.inclusion
        files._src_uris = _follow_plan(files._src_uris, planned, self.name)
        return added_or_removed

    def _render(self, pages: list[Page], files: Files, doc_files, config: MkDocsConfig,
                listings: bool = False) -> None:
        """MkDocs' own page pipeline, page by page: every plugin's page events and the theme;
        ``listings``: the tags plugin's listings made again if a page's title or tags changed."""
        from mkdocs.commands.build import _build_page, _populate_page

        live = self.plugin.live
        feed = config.plugins.get("rss")
        rendered = {page.file.abs_src_path for page in pages}
        if feed is not None and isinstance(getattr(feed, "pages_to_filter", None), list):
            feed.pages_to_filter = [p for p in feed.pages_to_filter if str(p.abs_path) not in rendered]
        tags = _tags_plugin(config)
        for page in pages:
            if tags is not None:  # the tags plugin adds the page's tags again (if it still has any)
                self._tags_seen(tags, page.url)
                tags.mappings.data.pop(page.url, None)
            if _is_blog_page(page) and hasattr(page, "authors"):
                if page.file.src_uri in live.post_bodies:  # a post reads its text when the blog loads it
                    page.markdown = live.post_bodies[page.file.src_uri]
                page.authors = []  # the blog plugin adds them again
            _populate_page(page, config, files)
        if tags is not None and pages:  # in the order of the pages, as a full build adds them
            order = {f.page.url: i for i, f in enumerate(doc_files) if f.page is not None}
            tags.mappings.data = dict(sorted(tags.mappings.data.items(), key=lambda kv: order.get(kv[0], len(order))))
        if tags is not None and listings and self._tags_changed(tags):
            # The pages listing tags (a tags index) list every tagged page: made again, and tags.json.
            listing_pages = list({id(lp): lp for lp in (listing.page for listing in tags.listings.data)
                                  if all(lp is not page for page in pages)}.values())
            remade = [*pages, *listing_pages]
            tags.listings.data = {listing for listing in tags.listings.data  # (made again with the page)
                                  if all(listing.page is not page for page in remade)}
            for page in listing_pages:
                _populate_page(page, config, files)
            pages = [*pages, *listing_pages]
            tags.on_env(live.env, config=config, files=files)
        if listings:
            self._tags_before = {}
        for page in pages:
            _build_page(page, config, doc_files, live.nav, live.env)
        if feed is not None and any(_is_blog_page(page) for page in pages):
            feed.on_post_build(config)
            for feature in self.plugin.features:
                if isinstance(feature, Feeds):
                    feature.post_build(config)

    def _tags_seen(self, tags: Any, url: str) -> None:
        """The page at ``url`` is about to be rendered again or removed: what the listings show
        of it, unless an earlier update since the listings were made recorded it."""
        if url not in self._tags_before:
            self._tags_before[url] = _tag_mapping(tags, url)

    def _tags_changed(self, tags: Any) -> bool:
        return any(_tag_mapping(tags, url) != before for url, before in self._tags_before.items())

    def _write_search_index(self, doc_files, config: MkDocsConfig) -> None:
        index = _search_index(config)
        if index is None or not hasattr(index, "generate_search_index"):
            return
        live = self.plugin.live
        present = {f.src_uri for f in doc_files}
        for src in list(live.search_entries):
            if src not in present:
                del live.search_entries[src]
        # (in place: SearchAdditions writes the enriched index from this very list)
        index.entries[:] = [entry for f in doc_files for entry in live.search_entries.get(f.src_uri, ())]
        live._search_seen = len(index.entries)
        path = Path(config.site_dir) / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(index.generate_search_index(None), encoding="utf-8")
        for feature in self.plugin.features:
            if isinstance(feature, SearchAdditions):
                feature.post_build(config)


def _docs_order(src: str) -> tuple:
    """Where MkDocs' walk of docs_dir finds a file: a folder's files (index first, then by
    name) before its sub-folders (by name)."""
    *folders, name = src.split("/")
    return (*((1, folder) for folder in folders), (0, os.path.splitext(name)[0] not in ("index", "README"), name))


def _insert_in_docs_order(by_src: dict[str, File], new: File) -> dict[str, File]:
    """``by_src`` with ``new`` after the last file of docs_dir that a walk finds before it."""
    key = _docs_order(new.src_uri)
    items = [(src, f) for src, f in by_src.items() if src != new.src_uri]
    at = len(items)
    for i, (src, f) in enumerate(items):
        if f.generated_by is None and f.abs_src_path and f.src_dir == new.src_dir and _docs_order(src) > key:
            at = i
            break
    else:  # after the last file of docs_dir, before what themes and plugins added
        last = [i for i, (_src, f) in enumerate(items) if f.generated_by is None and f.src_dir == new.src_dir]
        at = last[-1] + 1 if last else len(items)
    items.insert(at, (new.src_uri, new))
    return dict(items)


def _before(planned: Files, new: File, live: Files) -> str | None:
    """The last file ``planned`` lists before ``new`` that the live files hold."""
    last = None
    for file in planned:
        if file.src_uri == new.src_uri:
            return last
        if file.src_uri in live.src_uris:
            last = file.src_uri
    return last


def _insert_after(by_src: dict[str, File], new: File, after: str | None) -> dict[str, File]:
    items = [(src, f) for src, f in by_src.items() if src != new.src_uri]
    at = next((i + 1 for i, (src, _f) in enumerate(items) if src == after), len(items))
    items.insert(at, (new.src_uri, new))
    return dict(items)


def _follow_plan(by_src: dict[str, File], planned: Files, name: str) -> dict[str, File]:
    """The files paperkb generated, in the places they hold, in the order the plan lists them
    (the order a full build adds them in: search entries and sitemaps follow it)."""
    order = {src: i for i, src in enumerate(planned.src_uris)}
    items = list(by_src.items())
    slots = [i for i, (src, f) in enumerate(items) if f.generated_by == name and src in order]
    ours = sorted((items[i] for i in slots), key=lambda item: order[item[0]])
    for slot, item in zip(slots, ours):
        items[slot] = item
    return dict(items)


def _tags_plugin(config: MkDocsConfig) -> Any:
    plugin = config.plugins.get("material/tags") or config.plugins.get("tags")
    ok = plugin is not None and getattr(plugin.config, "enabled", False)
    return plugin if ok and hasattr(plugin, "mappings") and hasattr(plugin, "listings") else None


def _tag_mapping(tags: Any, url: str) -> tuple | None:
    """What the tags plugin's listings show of the page at ``url``: its title and tags."""
    mapping = tags.mappings.data.get(url)
    if mapping is None:
        return None
    return getattr(mapping.item, "title", None), tuple(sorted(str(t) for t in mapping.tags))


def _big_generated(file: File | None) -> bool:
    """A generated page listing much of the library (the bibliography, the insights, a large
    field's index): rendered after the browser reloaded, as pages that only read the edit are."""
    return file is not None and file.generated_by is not None and len(file.content_bytes) > BIG_PAGE


@contextmanager
def _making_files(config: MkDocsConfig, name: str) -> Iterator[None]:
    """The files made meanwhile (``File.generated``) name paperkb's plugin as their maker, as
    they do when MkDocs itself calls the plugin's on_files."""
    config.plugins._current_plugin = name
    try:
        yield
    finally:
        config.plugins._current_plugin = None


def _figure_keys(plugin: PaperKBPlugin) -> dict[str, str]:
    """Each note page's planned diagram (its SVG key)."""
    return {src: key for src, (_view, key) in plugin.citations.note_figures.items()}


def _differing(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The pages whose diagram came, went or changed."""
    return {src for src in before.keys() | after.keys() if before.get(src) != after.get(src)}


def _src(library, key: str) -> str:
    note = library.notes.get(key)
    return note.src_uri if note is not None else ""


def _split_post(text: str) -> tuple[str | None, str]:
    """A post's front-matter block and its body as mkdocs-material's blog plugin splits them."""
    match = YAML_RE.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():].lstrip("\n")


def _is_blog_page(page: Page) -> bool:
    return type(page).__module__.startswith("material.plugins.blog")


def _delete_output(file: File, config: MkDocsConfig) -> None:
    path = Path(file.abs_dest_path)
    path.unlink(missing_ok=True)
    site = Path(config.site_dir).resolve()
    parent = path.parent
    while parent.resolve() != site and parent.is_relative_to(site):
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


QUIET_AFTER_SAVE = 0.03  # seconds without file events before an update starts
URGENT_NEIGHBOURS = 20  # at most this many notes at the other end of changed links are shown first
LATER_BATCH = 8  # pages rendered between two looks for a new save
BIG_PAGE = 64_000  # bytes of Markdown (a page listing about a hundred notes)

READ_EVENTS = frozenset({"opened", "closed_no_write"})  # inotify's reports of a file being read


def _prefer_inotify(server: Any) -> None:
    """Move MkDocs' watches from its 0.5 s polling observer to the platform's native one
    (inotify on Linux): a save is seen at once. Anything unexpected keeps the polling one."""
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        if Observer is PollingObserver or server.observer.is_alive():
            return
        from watchdog.events import FileSystemEventHandler

        class WritesOnly(FileSystemEventHandler):
            """inotify also reports files being read; a build reads every note: only writes count."""

            def __init__(self, handler) -> None:
                self.handler = handler

            def dispatch(self, event) -> None:
                if event.event_type not in READ_EVENTS:
                    self.handler.dispatch(event)

        native = Observer()
        old = server.observer
        for path, watch in list(server._watch_refs.items()):
            for handler in list(old._handlers.get(watch, ())):
                server._watch_refs[path] = native.schedule(WritesOnly(handler), path, recursive=watch.is_recursive)
        server.observer = native
    except Exception:  # noqa: BLE001 - private attributes of MkDocs and watchdog: best effort
        log.debug("paperkb: keeping MkDocs' polling file watcher", exc_info=True)


def _quiet_livereload_script(server: Any) -> None:
    """MkDocs' live-reload script keeps a long-poll request open at all times, so a browser
    automation waiting for the network to go idle (Playwright's ``networkidle``) never sees it.
    The page now waits a moment after loading before it asks; an edit made meanwhile is still
    caught (the request carries the page's build epoch)."""
    inject = server._inject_js_into_html

    def quiet(content: bytes, epoch: int) -> bytes:
        out = inject(content, epoch)
        return out.replace(b'window.addEventListener("load", function() {\n        if (document.visibilityState === "visible") {\n            poll();',
                           b'window.addEventListener("load", function() {\n        if (document.visibilityState === "visible") {\n            timeout = setTimeout(poll, 1500);', 1)

    server._inject_js_into_html = quiet
