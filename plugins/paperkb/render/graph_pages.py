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
                 max_nodes: int = 60) -> None:
        self.library = library
        self.site = site
        self.views = views
        self.submit = submit
        self.max_nodes = max_nodes

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
        return sum(1 for n in self.library if field_name in n.fields)

    def field_page(self, field_name: str) -> GeneratedPage:
        here = self.site.graph_page(field_name)
        view = self.views.field(field_name, self.max_nodes)
        index = self.site.facet_page("field", field_name) or self.site.overview_page("field")
        title = f"Citation graph: {field_name}"
        parts = [
            f"# {md_text(title)}\n",
            self._summary(view),
            f"Notes of this field and the citations between them. [All notes in {md_text(field_name)}]"
            f"({_rel(here, index)}) · [Whole graph]({_rel(here, self.site.graph_page(None))})\n",
            explorer(self.site.urls, here, field_name),
            self._static(view, here, f" in {field_name}", index, f"the {field_name} index", field_name),
        ]
        return GeneratedPage(here, title, "\n".join(parts), hide=WIDE)
