"""Graph pages: the site-wide citation graph and one graph per field.

A graph larger than ``max_nodes`` is cut to its most-cited notes, and the page says how much
was left out and where the rest is listed, rather than drawing an unreadable hairball."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from ..core.library import Library
from ..core.urls import SiteUrls
from .escape import html, md_text
from .graph_dot import GraphView, GraphViews, to_dot
from .graph_html import aria_label, figure
from .index_pages import GeneratedPage
from .site_map import SiteMap
from .tables import count_table

WIDE = ("navigation", "toc")  # a graph page gives the diagram the whole width
# submit(dot, aria_label) -> key of the SVG the build inserts later
Submit = Callable[[str, str], str]


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
        key = self.submit(to_dot(view, urls, here), aria_label(view, subject))
        return figure(view, key, kind="page")

    def _summary(self, view: GraphView) -> str:
        return (f'<p class="pkb-count-line">{_plural(view.total_nodes, "note")}, '
                f'{_plural(view.total_edges, "citation")} between them.</p>\n')

    def _cut(self, view: GraphView, here: str, where: str, index_src: str, index_name: str) -> str:
        """What a cut graph left out, and where the whole list is."""
        if not view.omitted_nodes:
            return ""
        return (
            f'!!! note "Showing the {len(view.nodes)} most-cited of {view.total_nodes} notes"\n'
            f"    This graph is too large to read as one diagram, so it shows the {len(view.nodes)} most-cited "
            f"notes{where} and the {_plural(len(view.edges), 'citation')} among them. "
            f"Left out: {_plural(view.omitted_nodes, 'note')} and {_plural(view.omitted_edges, 'citation')}. "
            f"All notes are listed in [{md_text(index_name)}]({_rel(here, index_src)}).\n\n"
        )

    def site_page(self) -> GeneratedPage:
        here = self.site.graph_page(None)
        view = self.views.site(self.max_nodes)
        parts = ["# Citation graph\n", self._summary(view),
                 self._cut(view, here, "", self.site.overview_page("field"), "the field index"),
                 self._diagram(view, here, "all notes", self.site.urls)]
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
            self._cut(view, here, f" in {md_text(field_name)}", index, f"the {field_name} index"),
            self._diagram(view, here, field_name, self.site.urls),
        ]
        return GeneratedPage(here, title, "\n".join(parts), hide=WIDE)
