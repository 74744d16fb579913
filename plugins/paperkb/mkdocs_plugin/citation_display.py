"""Glue for the citation display: Cites / Cited by, note diagrams, graph pages, field colours.

Diagrams are planned when the files are known (``start``), laid out while MkDocs renders
Markdown (worker processes when many are new, see render/graph_svg.py) and put into each
page's HTML last (``fill``, from on_post_page), so the layout overlaps the rest of the build.

A note page's Markdown only gets the section headings (so they reach the table of contents)
and a marker under each; the lists and the figure replace the markers in the finished HTML.
They are HTML already, and kept out of search: Markdown and the search indexer would only
parse them again, which cost more than building them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future
from functools import partial
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..core.library import Library
from ..core.library_diff import within_two_links
from ..core.marker_sub import sub_markers
from ..core.model import Note
from ..render.cites_lists import CitesLists
from ..render.diagram_plans import DiagramPlans, Plans, graph_digest
from ..render.graph_data import GraphStructure, fields_by_frequency, graph_json, graph_structure
from ..render.graph_dot import GraphView, GraphViews, diagram_source, forget_shared_parts
from ..render.graph_layout import LayoutCache, Positions, layout_and_store, sfdp_positions, structure_digest
from ..render.graph_html import (MARKER_PATTERN, MARKER_STARTS, HeldFigures, aria_label, field_palette_css, figure,
                                 figure_pieces, render_failed)
from ..render.graph_pages import GRAPH_DATA_URI, FieldPages, GraphPages, untouched_fields
from ..render.graph_renderer import GraphRenderer
from ..render.graph_svg import GraphRenderError
from ..render.index_pages import GeneratedPage
from ..render.site_map import SiteMap
from .assets import ASSETS_DIR
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender, Section
from .headings import Heading
from .messages import log

FIELD_CSS_URI = "assets/paperkb/graph-fields.css"
# Diagrams' zoom control and the interactive graphs (sigma.js, loaded by it when a graph shows)
GRAPH_JS_URI = "assets/paperkb/paperkb-graph.js"
VENDORED = ("sigma/sigma.min.js", "graphology/graphology.umd.min.js")
# Fewer notes than this are laid out in-process: a worker would cost more than the layout.
LAYOUT_IN_WORKER = 400


class CitationDisplay(Feature):
    def __init__(self, reference_item: Callable[[str, str], str | None] | None = None) -> None:
        # (key, here_src) -> the Cites list item of a cited .bib entry that has no note
        self.reference_item = reference_item
        self.keep_drawn = False  # `serve`: drawn SVGs stay in memory for the next build
        self.enabled = False  # diagrams and graph pages (the Cites / Cited by lists always show)
        self.renderer: GraphRenderer | None = None
        self.library = Library()
        self.site: SiteMap | None = None
        self.lists: CitesLists | None = None
        # note src_uri -> (view, SVG key); the view is None for a plan kept from the last build
        self.note_figures: dict[str, tuple[GraphView | None, str]] = {}
        self.figure_html = HeldFigures()  # note src_uri -> its figure, when made at planning
        self.plans = DiagramPlans(None)  # the last build's plans (a build, not `serve`)
        self._planned: tuple[list[GeneratedPage], str] | None = None  # graph pages and field palette
        self.structure: GraphStructure | None = None  # the explorer's notes and citations
        self.positions: Positions | Future | None = None  # their layout (a worker's while it runs)
        self.layouts = LayoutCache(None)
        self.views: GraphViews | None = None  # this build's diagram views (other pages pick theirs too)
        self.draw_here: Callable[[], bool] = lambda: True  # (GraphRenderer.draw_here; the plugin sets it)
        self._field_pages: FieldPages = {}  # `serve`: the graph page of each field, kept where no edit reached
        self.defer_neighbours = False  # `serve`: diagrams of notes near an edit planned after the first pages
        self._later: set[str] = set()  # keys of notes whose diagram ``settle`` plans
        self._planned_before = False

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.options = options
        self._planned = None
        self.enabled = bool(options.enabled and options.graph)
        if not self.enabled:
            return
        cache_dir = (project_root / options.cache_dir).resolve() if options.cache_dir else None
        if self.renderer is None or (self.renderer.disk and self.renderer.disk.directory) != cache_dir:
            if self.renderer is not None:
                self.renderer.close()
            self.renderer = GraphRenderer(cache_dir)
            self.renderer.draw_here = self.draw_here
        self.layouts = LayoutCache(cache_dir / "layouts" if cache_dir and self.renderer.disk else None)
        self.plans = DiagramPlans(cache_dir / "plans" if cache_dir and self.renderer.disk else None)
        if FIELD_CSS_URI not in config.extra_css:
            config.extra_css.append(FIELD_CSS_URI)
        if GRAPH_JS_URI not in {str(s) for s in config.extra_javascript}:
            config.extra_javascript.append(GRAPH_JS_URI)

    def start(self, build: Build) -> list[GeneratedPage]:
        """Plan every diagram of this build and start laying out the new ones; returns the graph pages."""
        library, site, files, config = build.library, build.site, build.files, build.config
        self.library, self.site = library, site
        self.lists = CitesLists(library, site)
        if build.same_graph and self.enabled and self.renderer is not None and self._planned is not None:
            self._add_assets(files, config, self._planned[1])  # the same diagrams and graph pages
            return self._planned[0]
        # `serve` after an edit: a diagram shows notes up to two links away, so only those near
        # what changed can differ; the others keep their plan (and their SVG, kept in memory).
        # Of those near, the changed notes' own diagrams are planned now (their pages show
        # first); the others' (up to hundreds around a much-cited note) once the first pages
        # are shown (``settle``).
        kept: dict[str, tuple[GraphView, str]] = {}
        before: dict[str, tuple[GraphView, str]] = {}  # the others' last figures: kept if the view is the same
        self._planned_before = self._planned is not None
        later: set[str] = set()
        if build.previous is not None and self._planned is not None:
            near = within_two_links(build.previous, build.touched) | within_two_links(library, build.touched)
            near |= self._later  # (left by an update that stopped before settling them)
            later = (near - build.touched) if self.defer_neighbours else set()
            planned_now = near - later  # (once: the comprehension below runs for every note)
            kept = {src: figure for src, figure in self.note_figures.items()
                    if (note := library.by_src_uri.get(src)) is not None and note.key not in planned_now}
            before = self.note_figures
        self._later = {key for key in later if key in library.notes}
        self.note_figures, self.figure_html = {}, HeldFigures()
        planned, self._planned = self._planned, None
        self.views = None
        if not self.enabled or self.renderer is None:
            return []
        if build.previous is None:
            self.renderer.begin_build()
        views = self.views = GraphViews(library)
        # A one-off build (not `serve`, whose pages also record which notes a diagram shows)
        # takes the last build's plans when the citation graph is the same (diagram_plans.py).
        one_off = build.previous is None and not self.keep_drawn
        digest = graph_digest(library, max_nodes=self.options.local_graph_max_nodes,
                              use_directory_urls=site.urls.use_directory_urls,
                              graphviz=self.renderer.version) if one_off and self.plans.path else None
        plans = (self.plans.get(digest) if digest else None) or {}
        # Submit in the order MkDocs builds the pages, so early pages find their SVG ready. The
        # explorer's layout (the worker's largest job, ~2.5 s and ~60 MB at 10,000 notes) goes
        # in four-fifths of the way: queued last, the build waited for it alone at the end;
        # there the worker runs it while the build draws the diagrams it would have drawn (they
        # take turns once the pages catch up), after the search slices' peak of memory.
        documentation = files.documentation_pages()
        lay_out = build.listings and not (build.same_links and self.structure is not None)  # (`serve`: the same citations)
        layout_at = len(documentation) * 4 // 5 if lay_out else -1
        for number, file in enumerate(documentation):
            if number == layout_at:
                self._start_layout(library)
            note = library.by_src_uri.get(file.src_uri)
            if note is not None:
                if note.src_uri in kept:
                    self.note_figures[note.src_uri] = kept[note.src_uri]
                elif note.key in self._later:  # (its last diagram, until ``settle``)
                    if note.src_uri in before:
                        self.note_figures[note.src_uri] = before[note.src_uri]
                elif not self._adopt(note, plans):
                    self._plan_note(note, views, before.get(note.src_uri))
        if digest and not plans:
            self.plans.put(digest, self._plans_made(library))
        if build.listings or planned is None:
            kept = untouched_fields(self._field_pages, build.previous, library, set(build.touched)) \
                if build.previous is not None and self._planned_before else None
            graph_pages = GraphPages(library, site, views, self._submit_for_page,
                                     max_nodes=self.options.graph_max_nodes, kept=kept)
            pages = graph_pages.all_pages()
            self._field_pages = graph_pages.made if self.keep_drawn else {}
            palette = field_palette_css(fields_by_frequency(library))
        else:  # `serve`'s first round: the graph pages, field colours and explorer wait for the second
            pages, palette = planned
        self._add_assets(files, config, palette)
        self.renderer.start()
        if lay_out and not documentation:
            self._start_layout(library)
        self._planned = (pages, palette)
        if one_off:
            self._keep_figures_only(library)
        return pages

    def files_ready(self, config: MkDocsConfig) -> None:
        """Every plugin has its files: whatever a build gives the worker processes (notes to
        parse, references to format, the diagrams, the explorer's layout) was handed to them in
        on_files. A build not followed by another lets them end once they are done with it."""
        if not self.keep_drawn and self.renderer is not None:
            self.renderer.no_more_jobs()

    def graph_views(self) -> GraphViews | None:
        """This build's diagram views (None with diagrams off), made again when a build not
        followed by another let them go after planning (``_keep_figures_only``): a project's
        page draws its view when it is rendered."""
        if self.views is None and self._planned is not None:
            self.views = GraphViews(self.library)
        return self.views

    def _keep_figures_only(self, library: Library) -> None:
        """A build not followed by another: each note's figure is made now and its view let go,
        with the nodes and edges the views shared (~4 KB a note held until the page is written;
        the figure's pieces take ~0.4 KB). A view is made again only should an adopted SVG turn
        out unusable (``_source_of``)."""
        for note in library:
            planned = self.note_figures.get(note.src_uri)
            if planned is not None and planned[0] is not None:
                if note.src_uri not in self.figure_html:
                    self._hold_figure(note)
                self.note_figures[note.src_uri] = (None, planned[1])
        self.views = None
        forget_shared_parts()

    def settle(self, stop: Callable[[], bool] = lambda: False) -> set[str]:
        """Plan the diagrams ``start`` left for later (notes two links from an edit); returns
        the pages whose diagram changed. Until then those pages keep their last diagram.
        When ``stop()`` says so (a new save), the notes not planned yet wait for the next plan."""
        later, self._later = self._later, set()
        if not later or self.views is None or self.renderer is None:
            return set()
        changed: set[str] = set()
        waiting = sorted(later)
        for at, key in enumerate(waiting):
            if stop():
                self._later = set(waiting[at:])
                break
            note = self.library.notes.get(key)
            if note is None:
                continue
            before = self.note_figures.pop(note.src_uri, None)
            self._plan_note(note, self.views, before)
            if self.note_figures.get(note.src_uri) != before:
                changed.add(note.src_uri)
        self.renderer.start()
        return changed

    def run_in_worker(self, job, *args) -> Future | None:
        """``job(*args)`` in a diagram worker process, started first if need be; None without
        workers (diagrams off, or one core)."""
        if not self.enabled or self.renderer is None:
            return None
        return self.renderer.run(job, *args)

    @staticmethod
    def _add_assets(files: Files, config: MkDocsConfig, palette: str) -> None:
        files.append(File.generated(config, FIELD_CSS_URI, content=palette))
        files.append(File.generated(config, GRAPH_JS_URI, abs_src_path=str(ASSETS_DIR / "paperkb-graph.js")))
        for name in VENDORED:
            files.append(File.generated(config, f"assets/paperkb/{name}", abs_src_path=str(ASSETS_DIR / name)))

    def _start_layout(self, library: Library) -> None:
        """The explorer's layout: from the cache, or started in a worker while pages render."""
        assert self.renderer is not None
        structure = graph_structure(library)
        if self.structure == structure and isinstance(self.positions, list):
            return  # `serve`: the citations did not change
        self.structure = structure
        digest = structure_digest(structure.keys, structure.pairs)
        self.positions = self.layouts.get(digest, len(structure.keys))
        if self.positions is None and len(structure.keys) >= LAYOUT_IN_WORKER:
            cache = str(self.layouts.directory) if self.layouts.directory else None
            self.positions = self.renderer.run(layout_and_store, len(structure.keys), structure.pairs, cache, digest)

    def _layout(self) -> Positions:
        assert self.structure is not None
        positions = self.positions
        if isinstance(positions, Future) and positions.cancel():
            positions = None  # the worker (niced, on a busy machine) never got to it: laid out here
        if isinstance(positions, Future):
            try:
                positions = positions.result()
            except (BrokenExecutor, OSError):  # a worker died: lay out here
                positions = None
        if positions is None:
            positions = sfdp_positions(len(self.structure.keys), self.structure.pairs)
            self.layouts.put(structure_digest(self.structure.keys, self.structure.pairs), positions)
        self.positions = positions
        return positions

    def post_build(self, config: MkDocsConfig) -> None:
        """The explorer's JSON, once the layout is done (after every page was written). A build
        not followed by another (unlike `serve`) then ends its diagram workers: nothing is left
        for them, and their memory would add to the search indexer's, which runs next."""
        try:
            self._write_graph_data(config.site_dir)
        finally:
            if not self.keep_drawn and self.renderer is not None:
                self.renderer.close()

    def _write_graph_data(self, site_dir: str) -> None:
        if not self.enabled or self.structure is None or self.site is None:
            return
        try:
            positions = self._layout()
        except GraphRenderError as exc:
            log.warning(f"paperkb: the interactive citation graph could not be laid out: {exc}")
            positions = []
        data = graph_json(self.library, self.site, self.structure, positions)
        target = Path(site_dir) / GRAPH_DATA_URI
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(data, encoding="utf-8")
        except OSError as exc:
            log.warning(f"paperkb: could not write {target}: {exc}")

    def _plan_note(self, note: Note, views: GraphViews, before: tuple[GraphView, str] | None = None) -> None:
        assert self.site is not None and self.renderer is not None
        view = views.local(note.key, self.options.local_graph_max_nodes)
        if len(view.nodes) <= 2:
            # The note alone, or with the one note it cites or is cited by and nothing further:
            # the Cites / Cited by list says all such a diagram would.
            return
        if before is not None and before[0] == view:  # (`serve`: a change two links away left it as it was)
            self.note_figures[note.src_uri] = before
            return
        # A one-off build's views are those of its keys: should the stored SVG turn out unusable,
        # the source is made again (``_source_of``) rather than kept packed until the page is
        # written. `serve` keeps the packed source: its next builds' views may differ.
        redo = None if self.keep_drawn else partial(self._source_of, note)
        key = self.renderer.submit(diagram_source(view, self.site.urls, note.src_uri), aria_label(view, note.title),
                                   redo)
        self.note_figures[note.src_uri] = (view, key)

    def _adopt(self, note: Note, plans: Plans) -> bool:
        """Take ``note``'s plan from the last build, when it has one and its SVG is at hand."""
        if note.src_uri not in plans:
            return False
        plan = plans[note.src_uri]
        if plan is None:  # no diagram
            return True
        key, pieces = plan
        assert self.renderer is not None
        if not self.renderer.adopt(key, partial(self._source_of, note)):
            return False
        self.note_figures[note.src_uri] = (None, key)
        self.figure_html.put_pieces(note.src_uri, pieces)
        return True

    def _source_of(self, note: Note) -> tuple[str, str]:
        """The source and label of ``note``'s diagram (an adopted SVG that became unusable)."""
        views = self.graph_views()
        assert self.site is not None and views is not None
        view = views.local(note.key, self.options.local_graph_max_nodes)
        return diagram_source(view, self.site.urls, note.src_uri), aria_label(view, note.title)

    def _plans_made(self, library: Library) -> Plans:
        """This build's plans, to keep: each figure is made now (and kept for its page)."""
        plans: Plans = {}
        for note in library:
            if note.src_uri in self.note_figures:
                plans[note.src_uri] = (self.note_figures[note.src_uri][1], self._hold_figure(note))
            else:
                plans[note.src_uri] = None
        return plans

    def _submit_for_page(self, source: str, label: str) -> str:
        assert self.renderer is not None
        return self.renderer.submit(source, label)

    def diagram(self, view: GraphView, here: str, subject: str, *, note: str = "") -> str | None:
        """The figure of ``view`` for the page ``here`` (its SVG goes in with ``fill``); None
        when diagrams are off or ``view`` has no citation to draw."""
        if not self.enabled or self.renderer is None or self.site is None or not view.edges:
            return None
        key = self.renderer.submit(diagram_source(view, self.site.urls, here), aria_label(view, subject))
        return figure(view, key, kind="page", note=note)

    def after_body(self, page: PageRender) -> list[Section]:
        """Cites, Cited by and, when it has one, the note's diagram (its SVG goes in at ``page_output``)."""
        note, lists = page.note, self.lists
        if note is None or lists is None:
            return []
        if page.tracks_reads:  # (`serve`; a full build asks twice per page and keeps no reads)
            page.reads(e.target for e in self.library.cites(note.key))
            page.reads(e.source for e in self.library.cited_by(note.key))
            page.reads(cite.key for cite in self.library.bib_cites.get(note.key, ()))
        sections = [Section(Heading("cites", "Cites"), lambda: lists.cites(note, self.reference_item)),
                    Section(Heading("cited-by", "Cited by"), lambda: lists.cited_by(note))]
        if note.src_uri in self.note_figures:
            view = self.note_figures[note.src_uri][0]
            if view is not None and page.tracks_reads:
                page.reads(node.key for node in view.nodes)
            sections.append(Section(Heading("citation-graph", "Citation graph"), lambda: self._note_figure(note)))
        return sections

    def page_output(self, page: PageRender, output: str) -> str:
        """Diagrams go in last: they were laid out while the other pages were rendered. A build
        not followed by another (unlike `serve`) lets the note's diagram plan go afterwards
        (its placed nodes and edges: ~6 KB a note)."""
        output = self.fill(page.src, output, keep=self.keep_drawn)
        if not self.keep_drawn:
            self.note_figures.pop(page.src, None)
            self.figure_html.pop(page.src, None)
        return output

    def fill(self, page_src: str, html: str, *, keep: bool = True) -> str:
        """Put the finished SVGs where the page holds their markers; ``keep=False`` lets them
        go from memory afterwards (a build that is not followed by another, unlike `serve`)."""
        if self.renderer is None:
            return html
        renderer = self.renderer

        def svg(match) -> str:
            try:
                drawn = renderer.svg(match.group(1))
                if not keep:
                    renderer.release(match.group(1))
                return drawn
            except KeyError:  # not a diagram of this build: no cache file name goes into the site
                return ""
            except GraphRenderError as exc:
                log.warning(f"paperkb: {page_src}: the citation diagram could not be drawn: {exc}")
                return render_failed(str(exc))

        return sub_markers(MARKER_PATTERN, MARKER_STARTS, svg, html)

    def _note_figure(self, note: Note) -> str:
        made = self.figure_html.get(note.src_uri)
        return made if made is not None else "".join(self._figure_pieces(note))

    def _hold_figure(self, note: Note) -> tuple[str, ...]:
        """Make ``note``'s figure, to wait for its page in ``figure_html``; returns its pieces."""
        return self.figure_html.put_pieces(note.src_uri, self._figure_pieces(note))

    def _figure_pieces(self, note: Note) -> list[str]:
        view, key = self.note_figures[note.src_uri]
        assert view is not None  # (a plan without its view came with its figure)
        cut = ""
        if view.omitted_nodes:
            cut = (f"Showing the {len(view.nodes) - 1} most-cited of {view.total_nodes - 1} linked notes; "
                   "all are listed under Cites and Cited by.")
        return figure_pieces(view, key, kind="note", note=cut)

    def close(self) -> None:
        if self.renderer is not None:
            self.renderer.close()
