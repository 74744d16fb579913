"""The `paperkb` MkDocs plugin: load notes, add generated pages, decorate every page.

How a note page is made
-----------------------
paperkb's parts of a site are *features* (feature.py): each follows one lifecycle, and
``PaperKBPlugin.features`` lists them in the order they act. At each MkDocs event:

on_config         every feature reads its options (``configure``): query fences and math register
                  with the Markdown extensions, assets join extra_css / extra_javascript.
on_files          core/loader.py parses the notes (unchanged ones from core/note_cache.py) into a
                  Library (core/library.py: notes, drafts, citation edges, problems, .bib entries);
                  problems are logged as path:line; drafts and rejected notes leave the files;
                  render/site_map.py places every page; each feature's ``start`` plans its part and
                  returns generated pages (indexes.py, bibtex.py, citation_display.py), added as
                  ``File.generated``; the navigation (nav.py) lists indexes, never every note;
                  explore.py writes the compact per-note JSON and the Explore page.
                  A first build's new diagrams leave for worker processes as they are planned
                  (render/graph_renderer.py), which also format a share of its new references
                  (offered once the library is loaded; bibtex.py starts last and does what the
                  worker has not started by then).
                  MkDocs' warnings about links to missing files will name the line and give a hint
                  (link_messages.py). A full build then gives the C heap's free pages back, and
                  again every 200 pages rendered and written (core/free_memory.py: HeapTrim; it
                  maps large blocks apart from the heap from on_startup).
on_nav            blog posts' and authors' values escaped (blog_values.py), once the blog plugin
                  read them.
on_pre_page       a note's Markdown and front-matter as the note cache holds them, so MkDocs does
                  not parse its YAML again (page_source.py, core/page_source.py).
on_page_markdown  a ``PageRender`` (feature.py) follows the page to on_post_page. In list order:
                  Obsidian's %% comments %% dropped, block IDs made anchors, #tag lines kept from
                  being headings (obsidian_syntax.py),
                  javascript: links in a page's source warned about (script_urls.py),
                  ![[page]] / ![[page#Heading]] replaced by that page's text (transclusion.py),
                  index tables held out of Markdown (html_slots.py), post dates (blog.py), query
                  blocks run (query_fence.py), the note's card and Problem / Method / Results /
                  Insights above its body (note_layout.py, render/card.py), a project page's
                  header, question and sections after its body (projects.py), the References of its
                  [@key]s after it (bibtex.py). The text pass (``page.expand``) runs each feature's
                  ``prose_transforms`` in one walk over the prose: [[key]] links and embeds
                  (text_links.py), [@key] citations (bibtex.py), [idea] badges (insights.py); a
                  note's links and badges on lines Markdown would write them as they stand go in
                  as markers for their finished HTML (html_slots.py: inline holds); then
                  ``after_prose``: lists nested by two spaces re-indented (lists.py), display math
                  (math.py: in a callout's quote, before it becomes an admonition, whose tab-indented
                  text the prose scan would read as code), Obsidian callouts (callouts.py).
  (MkDocs turns the Markdown into HTML, through one Python-Markdown instance kept for every
   page: shared_markdown.py, which writes a page that is one list of plain one-line items
   itself, as Markdown would: render/plain_list.py; a full build takes the conversion the
   last one kept for a page whose Markdown and all else it reads are the same, its messages
   logged again: kept_conversions.py; a page it fails on, or that takes longer than
   page_render_timeout, shows its text as written with the error: render_guard.py)
on_page_content   javascript: links made inert, or the page sanitised (script_urls.py); a title
                  made from a heading kept escaped (page_meta.py); math kept out of search
                  (math.py); a post's feed excerpt (blog.py); the held HTML and the added headings
                  placed, with a marker where the sections after the body go (note_layout.py,
                  headings.py); last, once every plugin had the HTML, a note's card replaces
                  its search twin where Pagefind searches (note_layout.py), a full build lets go of
                  the Markdown of a note or a page paperkb made and of the sections after a note's
                  body (asked for again when it is written), and the page's HTML waits
                  packed until the page is written (page_memory.py).
  (mkdocs-material's search plugin indexes the page; the theme renders its template, with
   the navigation and tabs rendered once per folder of pages outside the navigation:
   shared_partials.py, and each extra script's tag once per URL: script_tags.py, both
   installed on_env)
on_env            every page is HTML: a full build's search documents are all in, so their
                  process indexes the last slice and ends while the pages are written
                  (pagefind_search.py).
on_page_context   a full build: the page's packed HTML unpacked, before anyone reads it.
on_post_page      first what the theme wrote around the content is checked for javascript:
                  links (script_urls.py); generated pages' tables (html_slots.py); after a
                  note's body: Cites, Cited by, Citation graph (citation_display.py), Cite
                  (bibtex.py); diagrams' SVG last; then every feature's ``finished_page``;
                  a full build then lets go of the page's HTML (page_memory.py).
on_post_build     the explorer's graph data written and, in a full build, the diagram workers ended
                  (citation_display.py); the memory the pages freed given back to the system
                  (page_memory.py); then Pagefind indexes every page's document (pagefind_search.py), or material's search
                  index gains word forms (search.py, search_engine: material); feeds written again,
                  every value escaped once (blog.py, feeds.py).
  The whole build writes into a folder beside site_dir, swapped in last (site_swap.py): a build
  killed or failed halfway leaves the previous site whole.
on_serve          serve.py: a saved note, .bib or post re-renders only the pages that read what it
                  changed (PageRender.reads), through MkDocs' own page pipeline; .bib files outside
                  docs_dir are watched too. It plans in two rounds: what the edited pages read
                  first (``plan(listings=False)``), the pages listing many notes after the
                  browser reloaded (``plan_listings``; features see it as Build.listings)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..core.body_scan import chain, map_prose
from ..core.facets import FacetMemo
from ..core.free_memory import HeapTrim, give_back_free_memory, map_large_blocks
from ..core.library import EdgeMemo, Library
from ..core.library_diff import LibraryChange
from ..core.loader import NoteCache, is_excluded, load_library
from ..core.problems import Problem, display_path
from ..core.symlinks import LinkGuard
from ..core.urls import SiteUrls
from ..render.index_pages import GeneratedPage
from ..render.site_map import SiteMap
from ..core.note_memo import NoteMemo
from .assets import ASSETS_DIR
from .bibtex import BibTeXGlue, CiteBlocks
from .blog import Feeds
from .blog_values import BlogValues
from .callouts import Callouts
from .citation_display import CitationDisplay
from .collector import build_ended, leave_heap_at_exit, long_lived
from .config import PaperKBConfig, cache_root
from .explore import Explore
from .feature import Build, Feature, PageRender, Section, Warn, _ignore
from .html_slots import HtmlSlots
from .indexes import Indexes
from .insights import InsightMarks
from .link_messages import LinkMessages
from .lists import Lists
from .math import Math
from .messages import PageWarner, log, report
from .nav import build_nav
from .obsidian_syntax import ObsidianSyntax
from .note_layout import NoteLayout
from .page_memory import FreedMemory, hold_html, release_page, release_rendering, release_source, restore_html
from .page_source import hand_over_source
from .page_meta import SafeMeta, normalise_hide, normalise_tags, prepare_posts
from .pagefind_search import PagefindSearch
from .projects import ProjectDisplay
from .render_guard import guard_render
from .query_fence import QueryFence
from .scholar import ScholarDisplay
from .script_tags import ScriptTags
from .script_urls import ScriptUrlGuard
from .search import SearchAdditions
from .serve import IncrementalServe, LiveBuild, rejected_note_banner
from .kept_conversions import KEPT_FILE, KeptConversions
from .shared_markdown import SharedMarkdown
from .shared_partials import SharedPartials
from .stop_signal import stop_on_sigterm
from .site_swap import PublishedSite
from .symlinks import drop_blocked_links
from .text_links import TextLinks
from .transclusion import Transclusion


ASSET_URI = "assets/paperkb/paperkb.css"
PREVIEW_JS_URI = "assets/paperkb/paperkb-preview.js"  # note previews on hover, notes tables that sort and filter


class PaperKBPlugin(BasePlugin[PaperKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"  # MkDocs' command (on_startup): `serve` keeps what the next build reuses
        self.dirty = False
        self.restore_sigterm: Callable[[], None] = lambda: None  # `serve`: SIGTERM's own handler, back at shutdown
        self.published = PublishedSite()  # the build goes to a temporary folder, swapped in at the end
        self.cache = NoteCache()  # survives `mkdocs serve` rebuilds (the plugin defines on_startup)
        self.edge_memo: EdgeMemo | None = None
        self.facet_memo: FacetMemo | None = None
        self.link_guard: LinkGuard | None = None  # symbolic links judged by the last plan (`serve` keeps them)
        self.library = Library()
        self.site: SiteMap | None = None
        self.project_root = Path.cwd()
        self.notes_cache_file: Path | None = None
        self.keep_page_sources = True  # the notes' front-matter stays in the note cache once MkDocs read it
        self.generated_uris: frozenset[str] = frozenset()
        self.made_uris: frozenset[str] = frozenset()
        self.rendering: dict[str, PageRender] = {}  # pages between on_page_markdown and on_post_page
        self.partials = SharedPartials()  # the theme's navigation and tabs, rendered once per folder
        self.markdown = SharedMarkdown()  # one Python-Markdown instance for the pages, not one each
        self.script_tags = ScriptTags()  # the theme's <script> lines, kept by script and URL
        self.heap_trim = HeapTrim()  # a full build gives free heap pages back as it renders and writes pages
        # What `serve` needs to re-render single pages (serve.py): the last build's state, and
        # per page what it read and the search entries it gave.
        self.live = LiveBuild()
        self.rejected: dict[str, list[Problem]] = {}
        self.change: LibraryChange | None = None  # what the last edit changed (serve)
        # `serve`: per feature (in their order), the library its listings (plan_listings) were
        # last planned with and what was edited since; empty after a whole build's plan until
        # its features' starts are done. A save can stop plan_listings between two features.
        self._listed: list[Listed | None] = []  # (None: planned from scratch)
        self._loaded_files: list[File] = []  # `serve`: the files as the last plan left them before the features
        # The features, in the order they act at every stage (see the module docstring).
        self.slots = HtmlSlots()  # finished HTML (cards, index tables) kept out of Markdown
        self.scholar = ScholarDisplay()  # Semantic Scholar: counts and abstract on the card, the Frontier page
        self.layout = NoteLayout(self.slots, card_extra=self.scholar.card)  # card and sections above the body, sections after
        self.bib = BibTeXGlue()  # .bib sources, [@key] citations, bibliography pages, all.bib
        self.citations = CitationDisplay(self.bib.reference_item)  # Cites / Cited by, diagrams, graph pages
        self.bib.worker = self.citations.run_in_worker
        self.explore = Explore()  # the Explore table and the compact per-note JSON for the browser
        self.indexes = Indexes(self.layout)  # home, statistics, insights, tag and facet pages
        self.search = PagefindSearch()  # Pagefind behind material's search box (search_engine: pagefind)
        # The build draws diagrams sent to the worker only once the search helpers are done: the
        # last search slice is indexed while the build process is at its largest.
        self.citations.draw_here = lambda: not self.search.indexing()
        self.features: tuple[Feature, ...] = (
            ObsidianSyntax(),  # first: %% comments %% reach no other feature; block IDs, #tag lines, ==marks==
            ScriptUrlGuard(),  # javascript: links warned about and made inert; sanitize_html
            Transclusion(),  # ![[page]] / ![[page#Heading]]: the other page's text, before any other text pass
            SafeMeta(),  # titles made from headings kept escaped in <title>
            LinkMessages(),  # MkDocs' "link target not found" warnings get the file's line and a hint
            BlogValues(),  # posts' and authors' values escaped, markup named
            Lists(),  # lists nested by two or three spaces (Typora, Obsidian, Prettier) nest; sane_lists
            Math(),  # KaTeX; Typora-style display math (in block quotes too, so before callouts); formulas out of search
            Callouts(),  # Obsidian callouts as admonitions
            self.slots,
            Feeds(),  # RSS of blog posts
            QueryFence(),  # paperkb-query blocks
            TextLinks(),  # [[key]], ![[key]], links to drafts
            self.layout,
            ProjectDisplay(self.slots, self.citations, self.layout),  # project pages, their index; a note's projects
            self.indexes,  # home, statistics, insights, tag and facet pages
            self.explore,  # the Explore table and the compact per-note JSON for the browser
            self.bib,  # a first build's references are formatted in part by the diagrams' workers (then it starts last)
            InsightMarks(),  # [idea] badges
            self.citations,
            self.scholar,
            CiteBlocks(self.bib),  # the Cite section, last on a note page
            SearchAdditions(),  # word forms in material's search index (search_engine: material)
            FreedMemory(),  # what the pages freed goes back to the system before the search index is made
            self.search,  # last: each page's document for Pagefind is its HTML as the others left it
        )
        # Per page stage, the features that act at it (in their order): every page passes each
        # stage, and most features take part in few of them.
        self.acting: dict[str, tuple[Feature, ...]] = {
            stage: tuple(f for f in self.features if getattr(type(f), stage) is not getattr(Feature, stage))
            for stage in ("page_markdown", "prose_transforms", "after_prose", "page_html", "after_body",
                          "page_output", "finished_page")}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty
        leave_heap_at_exit()  # the process's exit skips taking the heap apart (collector.py)
        if command != "serve":  # a page's large transient text does not leave holes in the heap
            map_large_blocks()
        if command == "serve":  # SIGTERM shuts serve down (its diagram workers too), as Ctrl-C does
            self.restore_sigterm = stop_on_sigterm()
        self.citations.keep_drawn = self.citations.defer_neighbours = command == "serve"
        self.search.separate_process = command != "serve"
        self.indexes.keep_pages = command == "serve"
        self.edge_memo = EdgeMemo() if command == "serve" else None  # each note's links, for the next load
        self.facet_memo = FacetMemo() if command == "serve" else None  # and the facets' spellings
        # `serve`: what was made from each note is kept for the next build (core/note_memo.py)
        self.indexes.memo = NoteMemo() if command == "serve" else None
        self.explore.memo = NoteMemo() if command == "serve" else None
        self.bib.memo = NoteMemo() if command == "serve" else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.live = LiveBuild(config=config)
        self.project_root = Path(config.config_file_path or config.docs_dir).resolve().parent
        # Parsed notes on disk beside the diagrams' cache (`cache_dir: ""` keeps both off the disk).
        caches = cache_root(self.config, self.project_root)
        self.notes_cache_file = caches / "notes" / "parsed.pickle" if caches else None
        # Pages' Markdown conversions, kept for the next full build (`serve`: its first build's)
        self.markdown.kept_conversions = KeptConversions(caches / "pages" / KEPT_FILE if caches else None)
        # Copies of blog posts the blog plugin could not read as written (page_meta.prepare_posts).
        self.posts_workdir = caches / "posts" if caches else Path(tempfile.gettempdir()) / f"paperkb-posts-{os.getpid()}"
        self.user_nav = config.nav
        if ASSET_URI not in config.extra_css:
            config.extra_css.append(ASSET_URI)
        if self.config.enabled and PREVIEW_JS_URI not in {str(s) for s in config.extra_javascript}:
            config.extra_javascript.append(PREVIEW_JS_URI)
        for feature in self.features:
            feature.configure(self.config, config, self.project_root)
        self.layout.twin_read_later = self.search.search_reads_later(config) or self.config.sanitize_html
        return config

    @event_priority(100)  # before MkDocs empties site_dir, and before other plugins read it
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            self.published.begin(config, command=self.command, dirty=self.dirty)
        if self.markdown.kept_conversions is not None:
            self.markdown.kept_conversions.begin_build()

    # -- files: parse notes, drop bad ones and drafts, add generated pages ---------------------
    @event_priority(50)  # before the blog and tags plugins look at the files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self.live.source_files = list(files)  # as MkDocs found them: serve.py re-plans from these
        with long_lived(self.command != "serve"):  # what a build plans stays to its end (collector.py)
            planned = self.plan(files, config)
        if self.command != "serve":  # what planning made and dropped goes back to the system (core/free_memory.py)
            give_back_free_memory()
        return planned

    def plan(self, files: Files, config: MkDocsConfig, edited: set[str] | None = None,
             bib_edited: bool = False, *, listings: bool = True) -> Files:
        """Load the library and let every feature plan this build: drafts and rejected notes
        leave ``files``, generated pages join it. ``edited``: the src paths `serve` saw change
        since the last plan (then ``self.change`` says what that changed for other pages).

        ``listings`` False (`serve`'s first round after an edit): what lists many notes (index,
        Explore, bibliography and graph pages, all.bib, the site data) stays as the last plan
        made it, so that planning takes time in proportion to the edit; ``plan_listings``
        plans it afterwards, for every edit since it last did."""
        previous, previous_site = self.library, self.site
        docs_dir = Path(config.docs_dir)
        if self.notes_cache_file and not self.cache.entries:  # the first build of this process
            self.cache.load(self.notes_cache_file)
        if edited is None:  # (many notes to parse: the worker starts while the files are sorted out)
            self.cache.warm_worker((f.abs_src_path for f in files.documentation_pages() if f.abs_src_path),
                                   self.citations.run_in_worker)
        if edited is None or self.link_guard is None:  # (`serve`: the last verdicts, but on the paths that changed)
            self.link_guard = LinkGuard(docs_dir, follow_outside=self.config.follow_symlinks_outside,
                                        project_root=self.project_root)
        else:
            self.link_guard.forget(str(docs_dir / src) for src in edited)
        report(drop_blocked_links(files, docs_dir, self.config.follow_symlinks_outside, self.project_root,
                                  self.link_guard))
        report(prepare_posts(files, config, self.posts_workdir, self.project_root))
        candidates = [
            (Path(f.abs_src_path), f.src_uri)
            for f in files.documentation_pages()
            if f.abs_src_path and not f.generated_by and not is_excluded(f.src_uri, self.config.exclude)
        ]
        # (a first build parses many notes: the diagrams' worker, idle until they are planned, takes a
        # share; then it sorts and formats the references, offered as soon as the notes are in,
        # while this process finds the citations between them and the features plan)
        self.library = load_library(docs_dir, files=candidates, cache=self.cache, project_root=self.project_root,
                                    bib_files=self.bib.source_files(files), edge_memo=self.edge_memo,
                                    facet_memo=self.facet_memo, worker=self.citations.run_in_worker,
                                    notes_loaded=self.bib.offer_references if edited is None else None)
        if self.notes_cache_file and edited is None and self.command == "serve":
            self.cache.save(self.notes_cache_file)  # (then its edits' parses on shutdown)
        # The pages' front-matter stays with the records that a full build writes at its end:
        # the next build hands it to MkDocs from there (page_source.py).
        self.keep_page_sources = self.command == "serve" or bool(
            self.notes_cache_file and self.cache.will_write(self.notes_cache_file))
        report(self.library.problems)
        self.change = None
        if edited is not None:
            self.change = LibraryChange.between(previous, self.library, _keys_of(edited, previous, self.library),
                                                bib_edited=bib_edited)
            for listed in {id(listed): listed for listed in self._listed if listed is not None}.values():
                listed.edited(edited, bib_edited)
        else:  # (a whole build: everything is planned from this library)
            self._listed = []
        self._publish_notes(files)

        urls = SiteUrls(config.use_directory_urls)
        prefix = self._prefix
        has_home = files.get_file_from_path("index.md") is not None
        self.site = SiteMap.for_library(
            self.library, urls, prefix=prefix, home="index.md",
            statistics=f"{prefix}statistics.md" if has_home else "index.md", graphs=self.citations.enabled,
        )
        self.generated_uris = frozenset(self.site.generated_uris())
        moved = previous_site.urls.moved if previous_site is not None and edited is not None else {}
        self._loaded_files = list(files) if self.command == "serve" else []
        if listings:
            files_out = self._start(files, config, moved=moved)
            assert files_out is not None
            return files_out
        return self._start(files, config, (self.change, previous if self.change is not None else None, bib_edited),
                           moved=moved)

    def plan_listings(self, config: MkDocsConfig, stop: Callable[[], bool] | None = None) -> Files | None:
        """`serve`'s second round: what ``plan(listings=False)`` left as it was (the pages and
        files listing many notes), planned for the library it loaded and, for each feature,
        every edit since it last planned them; returns the files as ``plan`` does.
        ``stop`` is asked before each feature that plans: when it says so (a new save), None
        is returned at once, and the features not reached plan their listings next time."""
        assert self.site is not None
        moved, self.site.urls.moved = self.site.urls.moved, {}
        planned = self._start(Files(list(self._loaded_files)), config, moved=moved, stop=stop)
        if planned is None:
            self.site.urls.moved = moved  # (for the next plan, as if this one had not begun)
        return planned

    @property
    def listings_due(self) -> bool:
        """`serve`: an edit was planned without its listings (``plan_listings`` has not run since)."""
        return any(listed is not None and (listed.srcs or listed.bib) for listed in self._listed)

    @property
    def _prefix(self) -> str:
        """The folder of the generated pages ("" or "pages/")."""
        return self.config.pages_dir.strip("/") + "/" if self.config.pages_dir.strip("/") else ""

    def _since_listed(self, listed: Listed | None) -> tuple[LibraryChange | None, Library | None, bool]:
        """What changed since a feature's listings were last planned (None: planned from scratch)."""
        if listed is None:
            return None, None, False
        change = LibraryChange.between(listed.library, self.library,
                                       _keys_of(listed.srcs, listed.library, self.library), bib_edited=listed.bib)
        return change, listed.library, listed.bib

    def _publish_notes(self, files: Files) -> None:
        """Drafts and rejected notes leave ``files``; notes are reached through index pages, not the nav."""
        self._remove_unpublished(files)
        published = self.library.by_src_uri.keys() | self.library.projects_by_src_uri.keys()
        for file in files:  # (one pass: a look-up by path for each of 10,000 notes took ~0.1 s)
            if file.src_uri in published:
                file.inclusion = InclusionLevel.NOT_IN_NAV

    def _start(self, files: Files, config: MkDocsConfig,
               first_round: tuple[LibraryChange | None, Library | None, bool] | None = None, *,
               moved: dict[str, str], stop: Callable[[], bool] | None = None) -> Files | None:
        """Every feature's ``start``; generated pages join ``files``. ``first_round``: `serve`'s
        first round after an edit (listings kept as they were), with what changed since
        ``previous`` and whether a .bib file was edited; else the listings are planned too, each
        feature told what changed since it last planned them (``_listed``). ``stop``: asked before
        each feature that plans; True stops (None is returned), and the features not reached
        plan their listings next time. ``moved``: where pages that moved (blog posts) went, as
        the last render learnt it."""
        assert self.site is not None
        self.rendering.clear()
        self.partials.clear()
        builds: dict[int, Build] = {}  # (one per library the features last planned with)
        if first_round is not None:
            first = self._build(files, config, *first_round, listings=False)
        elif not self._listed:  # a whole build's plan: every feature from scratch
            self._listed = [None] * len(self.features)
        done = Listed(self.library)
        made: list[list[GeneratedPage]] = [[] for _ in self.features]  # each feature's pages, in the features' order
        for at in sorted(range(len(self.features)), key=lambda at: self.features[at].starts_last):
            feature = self.features[at]
            if first_round is not None:
                made[at] = feature.start(first)
                continue
            if stop is not None and type(feature).start is not Feature.start and stop():
                return None
            listed = self._listed[at]
            build = builds.get(id(listed))
            if build is None:
                build = builds[id(listed)] = self._build(files, config, *self._since_listed(listed))
            made[at] = feature.start(build)
            self._listed[at] = done
        pages = [page for each in made for page in each]
        # Every page paperkb made, the features' own too (bibliography, to-read, projects, Frontier):
        # a full build lets go of their text once rendered (page_memory.py). (``generated_uris``,
        # known before the features planned, keeps the pages whose Markdown features leave alone.)
        self.made_uris = frozenset(self.site.generated_uris())
        # A full build learns where pages that moved went as it renders them, after the
        # generated pages were made: `serve` makes them as it does, then renders with what it learnt.
        self.site.urls.moved.update(moved)
        for page in pages:
            if files.get_file_from_path(page.src_uri) is not None:
                if page.src_uri != "index.md":
                    log.warning(f"paperkb: {page.src_uri} exists in {config.docs_dir}; the generated page is not added")
                continue
            source = page.source
            if self.command != "serve" and self.slots.holds_tables(page.src_uri, page.src_uri in self.generated_uris):
                source = self.slots.hold_tables(page.src_uri, source)
            files.append(File.generated(config, page.src_uri, content=source, inclusion=InclusionLevel.NOT_IN_NAV))

        files.append(File.generated(config, ASSET_URI, abs_src_path=str(ASSETS_DIR / "paperkb.css")))
        files.append(File.generated(config, PREVIEW_JS_URI, abs_src_path=str(ASSETS_DIR / "paperkb-preview.js")))
        if self.config.auto_nav and self.user_nav is None:
            config.nav = self._nav(files)
        return files

    def _build(self, files: Files, config: MkDocsConfig, change: LibraryChange | None, previous: Library | None,
               bib_edited: bool, *, listings: bool = True) -> Build:
        """What the features' ``start`` gets, told what changed since ``previous``."""
        assert self.site is not None
        return Build(self.library, self.site, files, config, self._prefix,
                     same_graph=bool(change and change.same_graph),
                     same_notes=bool(change and change.same_notes and not bib_edited),
                     same_links=bool(change and change.same_links),
                     previous=previous, bib_edited=bib_edited,
                     touched=frozenset(change.shown | change.relinked) if change else frozenset(),
                     listings=listings)

    def _remove_unpublished(self, files: Files) -> None:  # (serve: invalid notes keep their page, problems on top)
        self.rejected = {}
        published = self.library.by_src_uri.keys() | self.library.projects_by_src_uri.keys()
        drafts = self.library.private_src_uris()
        for file in list(files.documentation_pages()):
            src = file.src_uri
            if src in published or file.generated_by or is_excluded(src, self.config.exclude):
                continue
            if src in drafts:
                files.remove(file)
            elif self._is_rejected_note(file):
                if self.command == "serve":  # the page stays, its problems on top, until fixed
                    shown = display_path(Path(file.abs_src_path), self.project_root)
                    self.rejected[src] = [p for p in self.library.problems if p.path == shown]
                    file.inclusion = InclusionLevel.NOT_IN_NAV
                else:
                    files.remove(file)

    def _is_rejected_note(self, file: File) -> bool:
        """A note that was reported with errors: it is skipped, not published half-broken.

        The caller only asks about files that are not published: a file that parsed as a note
        but was left out later (duplicate key, no title even from the .bib) is rejected too."""
        parsed = self.cache.entries.get(str(Path(file.abs_src_path)))
        return parsed is not None and (parsed.note is not None or bool(parsed.problems))

    def _nav(self, files: Files) -> list:
        assert self.site is not None
        generated = set(self.site.generated_uris())
        notes = self.library.by_src_uri.keys() | self.library.projects_by_src_uri.keys()
        others = [
            f.src_uri for f in files.documentation_pages()
            if f.src_uri not in generated and f.src_uri not in notes and f.src_uri != "index.md"
            and not is_excluded(f.src_uri, self.config.exclude)
        ]
        blog_index = next(
            (f.src_uri for f in files.documentation_pages() if f.src_uri in ("blog/index.md", "blog/README.md")), None)
        return build_nav(self.site, others, blog_index)

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        if self.config.enabled:  # after every plugin's on_files: the blog plugin has read posts and authors
            for feature in self.features:
                feature.files_ready(config)
        return nav

    # -- pages: every feature's page stages, in the features' order ---------------------------
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        if self.config.enabled:  # a note's front-matter as the loader found it: MkDocs need not parse it
            hand_over_source(page, config, self.cache, keep=self.keep_page_sources)
        return page

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.site is None:
            return markdown
        src = page.file.src_uri
        note = self.library.by_src_uri.get(src)
        shown_as = (display_path(Path(page.file.abs_src_path), self.project_root)
                    if page.file.abs_src_path and not page.file.generated_by else src)
        normalise_hide(page, shown_as)
        # A page Markdown cannot make into HTML shows its text (comments left out) and an error.
        guard_render(page, markdown, shown_as, self.config.page_render_timeout, self.markdown.render,
                     on_fallback=lambda: self.slots.drop_lead(src))  # (no card above the text as written)
        if note is None:
            # Tags as a list in the notes' spelling of each (LLM / llm are one tag), escaped.
            normalise_tags(page, shown_as, spelling=self.library.spellings.tag)
            if page.file.url != self.site.urls.url(src):  # e.g. a blog post: its cards link from there
                self.site.urls.moved[src] = page.file.url
        generated_here = bool(page.file.generated_by)
        render = PageRender(page, note, generated=generated_here and src in self.generated_uris,
                            made=generated_here and src in self.made_uris,
                            warn=self._warner(page, note), tracks_reads=self.command == "serve")
        render.expand = lambda text: self._text_pass(render, text)
        self.rendering[src] = render
        if src in self.rejected:
            markdown = self.slots.hold(src, str(rejected_note_banner(self.rejected[src]))) + "\n\n" + markdown
        for feature in self.acting["page_markdown"]:
            markdown = feature.page_markdown(render, markdown)
        return markdown

    def _text_pass(self, page: PageRender, markdown: str) -> str:
        """The features' line transforms in one walk over the prose (code, math and HTML are left
        alone: core/body_scan.py), then their whole-text passes (callouts, display math)."""
        page.hold = self.slots.inline_holds(page, markdown)
        transforms = [t for feature in self.acting["prose_transforms"] for t in feature.prose_transforms(page, markdown)]
        page.hold = None
        if transforms:
            markdown = map_prose(markdown, chain(*transforms))
        for feature in self.acting["after_prose"]:
            markdown = feature.after_prose(page, markdown)
        return markdown

    def _warner(self, page: Page, note) -> Warn:
        """Warnings about the page's lines: a note's name its file and real line; generated
        pages only repeat note text, whose problems were reported where it was written."""
        if note is not None:
            return PageWarner(str(note.path), note.display_path, note.body_line)
        if page.file.abs_src_path and not page.file.generated_by:
            return PageWarner(page.file.abs_src_path, display_path(Path(page.file.abs_src_path), self.project_root))
        return _ignore

    @event_priority(100)  # before other plugins (and search) read the page's HTML
    def _page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        render = self.rendering.get(page.file.src_uri)
        if render is None:  # the plugin is off
            return html
        if render.note is not None:
            render.sections = self._sections_after_body(render)
        for feature in self.acting["page_html"]:
            html = feature.page_html(render, html)
        return html

    def _sections_after_body(self, render: PageRender) -> list[Section]:
        return [s for feature in self.acting["after_body"] for s in feature.after_body(render)]

    @event_priority(-100)  # after every plugin had the page's HTML
    def _page_rendered(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        render = self.rendering.get(page.file.src_uri)
        if render is not None and render.note is not None:
            html = self.layout.search_has_read(render, html)  # the note's card in place of its search twin, or packed
        if render is not None and self.command != "serve":
            release_source(render)  # a full build: the page's Markdown goes (page_memory.py) ...
            release_rendering(render)  # ... what only rendering needed, the sections after the body ...
            self.heap_trim.tick()
            return hold_html(render, html, config)  # ... and its HTML waits packed until it is written
        return html

    on_page_content = CombinedEvent(_page_content, _page_rendered)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        render = self.rendering.pop(page.file.src_uri, None)
        if self.command == "serve":  # (what a page read, for the edits to come)
            self.live.page_rendered(page.file.src_uri, render, config)
        if render is None:
            return output
        if render.note is not None and self.command != "serve":  # (let go of since it was rendered)
            render.sections = self._sections_after_body(render)
        for feature in self.acting["page_output"]:
            output = feature.page_output(render, output)
        for feature in self.acting["finished_page"]:
            output = feature.finished_page(render, output)
        if self.command != "serve":
            release_page(render)
            self.heap_trim.tick()
        return output

    @event_priority(100)  # before any other plugin reads the page's HTML
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        render = self.rendering.get(page.file.src_uri)
        if render is not None:
            restore_html(render)  # (a full build kept it packed since it was rendered)
        self.live.nav = nav  # the navigation as every plugin left it (serve.py renders with it)
        return context

    @event_priority(-100)  # the files and Jinja environment as every plugin left them (serve.py)
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if self.config.enabled:  # the navigation rendered once for the pages that show it alike
            self.partials.install(env, config.theme.custom_dir)
            self.script_tags.install(env)  # each extra script's tag built once per URL, not once a page
            for feature in self.features:
                feature.pages_rendered(config)
        self.live.env, self.live.files = env, files
        if self.command == "serve":
            self.live.remember_posts(files)
        return env

    # -- after the build ------------------------------------------------------------------------
    @event_priority(-50)  # after mkdocs-material's search plugin wrote search/search_index.json
    def _features_post_build(self, *, config: MkDocsConfig) -> None:
        for feature in self.features:
            feature.post_build(config)

    @event_priority(-100)  # last: every plugin has written its files
    def _publish_site(self, *, config: MkDocsConfig) -> None:
        if self.command != "serve" and self.notes_cache_file:
            # Saved once the pages are written and the search indexer is gone: pickling leaves a
            # UTF-8 copy inside every non-ASCII string it writes (~1-3 KB a note), which would
            # otherwise be held through the whole build, at its peak.
            self.cache.save(self.notes_cache_file)
        if not self.keep_page_sources:  # (the records lost them: a next build in this process reads the file)
            self.cache.forget()
        if self.markdown.kept_conversions is not None:
            self.markdown.kept_conversions.finish()
            if self.command == "serve":  # (its updates render few pages, against files that change)
                self.markdown.kept_conversions = None
        self.published.finish(config)
        build_ended()

    on_post_build = CombinedEvent(_features_post_build, _publish_site)

    def on_build_error(self, *, error: Exception) -> None:
        build_ended()
        if self.markdown.kept_conversions is not None:
            self.markdown.kept_conversions.abandon()
        self.published.fail()
        self.search.documents.close()

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        return self.search.place_panel_script(output_content)  # 404.html has the search box too

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        # .bib files listed in bib_files may live outside docs_dir: reload when they change too.
        for path in self.bib.watched_files():
            server.watch(str(path))
        if self.config.enabled:
            IncrementalServe(self, server, builder).install()
        return server

    def on_shutdown(self) -> None:
        if self.command == "serve":  # what serve froze (collector.QuietHeap) is collectable again
            build_ended()
        if self.command == "serve" and self.notes_cache_file and self.cache.entries:
            self.cache.save(self.notes_cache_file)
        for feature in self.features:
            feature.close()
        self.restore_sigterm()


@dataclass(eq=False)
class Listed:
    """`serve`: the library a feature last planned its listings with, and what was edited
    since (src paths; whether a .bib file was). Features planned together share one."""

    library: Library
    srcs: set[str] = field(default_factory=set)
    bib: bool = False

    def edited(self, srcs: set[str], bib: bool) -> None:
        self.srcs |= srcs
        self.bib = self.bib or bib


def _keys_of(srcs: set[str], *libraries: Library) -> set[str]:
    """The keys of the notes at ``srcs`` in any of ``libraries`` (a renamed note has two)."""
    return {n.key for lib in libraries for src in srcs if (n := lib.by_src_uri.get(src)) is not None}
