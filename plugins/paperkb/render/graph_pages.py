"""Graph pages: the site-wide citation graph and one graph per field.

Each page holds the interactive explorer (paperkb-graph.js draws it with sigma.js from the
build's graph JSON, see graph_data.py) above a static diagram for readers without JavaScript
and for print. A static diagram larger than ``max_nodes`` is cut to its most-cited notes, and
the page says how much was left out and where the rest is listed."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from ..core.library import Library
from ..core.urls import SiteUrls, relative_url
from .escape import html, md_text
from .graph_dot import GraphView, GraphViews, diagram_source
from .graph_html import aria_label, figure
from .index_pages import GeneratedPage
from .site_map import SiteMap
from .tables import count_table

WIDE = ("navigation", "toc")  # a graph page gives the diagram the whole width
# submit(diagram source, aria_label) -> key of the SVG the build inserts later
Submit = Callable[[str, str], str]
GRAPH_DATA_URI = "assets/paperkb/graph.json"  # the explorer's data (graph_data.py), one per build


def explorer(urls: SiteUrls, here: str, field_name: str | None = None) -> str:
    """The explorer's mount point: hidden until the script fills it, so a reader without
    JavaScript (or a printer) sees the static diagram that follows it."""
    page_url = urls.url(here)
    return str(html(
        '<div class="pkb-explorer" data-pkb-explorer data-src="{}" data-root="{}"{} hidden '
        'data-search-exclude></div>\n',
        relative_url(page_url, GRAPH_DATA_URI), relative_url(page_url, ""),
        html(' data-field="{}"', field_name) if field_name is not None else ""))


def _rel(from_src: str, to_src: str) -> str:
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class GraphPages:
    def __init__(self, library: Library, site: SiteMap, views: GraphViews, submit: Submit, *,
                 max_nodes: int = 60, kept: FieldPages | None = None) -> None:
        self.library = library
        self.site = site
        self.views = views
        self.submit = submit
        self.max_nodes = max_nodes
        # `serve`: the field pages of the last plan that no edit reached (``kept``), and those of this one
        self.kept: FieldPages = kept or {}
        self.made: FieldPages = {}
        self._sizes: dict[object, int] | None = None

    def all_pages(self) -> list[GeneratedPage]:
        pages = [self.site_page()]
        pages.extend(self.field_page(f) for f in self.site.graph_pages if f is not None)
        return pages

    def _diagram(self, view: GraphView, here: str, subject: str, urls: SiteUrls) -> str:
        key = self.submit(diagram_source(view, urls, here), aria_label(view, subject))
        return figure(view, key, kind="page")

    def _summary(self, view: GraphView) -> str:
        return (f'<p class="pkb-count-line">{_plural(view.total_nodes, "note")}, '
                f'{_plural(view.total_edges, "citation")} between them.</p>\n')

    def _cut(self, view: GraphView, here: str, where: str, index_src: str, index_name: str) -> str:
        """What a cut diagram left out, and where the whole list is (HTML: it sits in the
        static block with the diagram, which no Markdown reads)."""
        if not view.omitted_nodes:
            return ""
        shown = len(view.nodes)
        return str(html(
            '<div class="admonition note"><p class="admonition-title">Showing the {} most-cited of {} notes</p>'
            "<p>This diagram would be too large to read as one picture, so it shows the {} most-cited notes{} and "
            "the {} among them. Left out: {} and {}. All notes are listed in <a href=\"{}\">{}</a>; the "
            "interactive graph above shows them all.</p></div>\n",
            shown, view.total_nodes, shown, where, _plural(len(view.edges), "citation"),
            _plural(view.omitted_nodes, "note"), _plural(view.omitted_edges, "citation"),
            self.site.urls.href(here, index_src), index_name))

    def _static(self, view: GraphView, here: str, where: str, index_src: str, index_name: str, subject: str) -> str:
        """The static diagram (no JavaScript, print) as one raw HTML block."""
        return ('<div class="pkb-static-graph">\n' + self._cut(view, here, where, index_src, index_name)
                + self._diagram(view, here, subject, self.site.urls) + "</div>\n")

    def site_page(self) -> GeneratedPage:
        here = self.site.graph_page(None)
        view = self.views.site(self.max_nodes)
        parts = ["# Citation graph\n", self._summary(view), explorer(self.site.urls, here),
                 self._static(view, here, "", self.site.overview_page("field"), "the field index", "all notes")]
        fields = sorted((f for f in self.site.graph_pages if f is not None),
                        key=lambda f: (-self._field_size(f), str(f).lower()))
        if fields:
            rows = [(html('<a href="{}">{}</a>', self.site.urls.href(here, self.site.graph_page(f)), f),
                     self._field_size(f)) for f in fields]
            parts += ["\n## By field\n", str(count_table(rows, "Field", len(self.library)))]
        return GeneratedPage(here, "Citation graph", "\n".join(parts), hide=WIDE)

    def _field_size(self, field_name: object) -> int:
        if self._sizes is None:
            self._sizes = {}
            for note in self.library:
                for name in set(note.fields):
                    self._sizes[name] = self._sizes.get(name, 0) + 1
        return self._sizes.get(field_name, 0)

    def field_page(self, field_name: str) -> GeneratedPage:
        here = self.site.graph_page(field_name)
        index = self.site.facet_page("field", field_name) or self.site.overview_page("field")
        kept = self.kept.get(field_name)
        if kept is not None and kept[0] == (here, index):
            self.made[field_name] = kept
            return kept[1]
        view = self.views.field(field_name, self.max_nodes)
        title = f"Citation graph: {field_name}"
        parts = [
            f"# {md_text(title)}\n",
            self._summary(view),
            f"Notes of this field and the citations between them. [All notes in {md_text(field_name)}]"
            f"({_rel(here, index)}) · [Whole graph]({_rel(here, self.site.graph_page(None))})\n",
            explorer(self.site.urls, here, field_name),
            self._static(view, here, f" in {field_name}", index, f"the {field_name} index", field_name),
        ]
        page = GeneratedPage(here, title, "\n".join(parts), hide=WIDE)
        self.made[field_name] = ((here, index), page)
        return page


FieldPages = dict  # field -> ((page, its index page), the graph page): what a field's graph page was made from


def untouched_fields(pages: FieldPages, before: Library, after: Library, touched: set[str]) -> FieldPages:
    """The field graph pages an edit left as they were: a field's diagram shows its notes, their
    titles, years and the citations among them (ranked by how often they are cited), so only the
    fields a changed note (its data or its links) had or has are drawn again."""
    dirty = {name for key in touched for lib in (before, after)
             if (note := lib.notes.get(key)) is not None for name in note.fields}
    return {name: made for name, made in pages.items() if name not in dirty}
