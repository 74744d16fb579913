"""Glue for research project pages: the Projects index, each project's added sections, and the
"Projects" section of the notes a project uses (see render/project_page.py for what they hold).

A project page is the author's own page: it stays where it is written, out of the navigation
(the Projects index lists it), and gets a header above its body and the sections after it."""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig

from ..core.library import Library
from ..core.model import Note
from ..core.projects import Project
from ..render.card import fit_leading_title
from ..render.escape import escape
from ..render.index_pages import GeneratedPage
from ..render.plain_text import PlainText
from ..render.project_page import ProjectPage, note_projects, projects_index
from ..render.query_blocks import QueryBlockRenderer
from ..render.site_map import SiteMap
from .graphs import CitationDisplay
from .headings import Heading
from .html_slots import HtmlSlots
from .messages import log

class ProjectDisplay:
    def __init__(self, slots: HtmlSlots, citations: CitationDisplay) -> None:
        self.slots = slots
        self.citations = citations
        self.library = Library()
        self.page: ProjectPage | None = None
        self.queries: QueryBlockRenderer | None = None
        self.max_nodes = 60
        self.admonitions = True  # the site renders `!!! question` blocks

    def configure(self, config: MkDocsConfig) -> None:
        self.admonitions = "admonition" in config.markdown_extensions

    def start(self, library: Library, site: SiteMap, plain: PlainText, max_nodes: int) -> list[GeneratedPage]:
        """This build's projects: the Projects index page (site.projects says where it goes)."""
        self.library = library
        self.page = ProjectPage(self.library, site, plain)
        self.queries = QueryBlockRenderer(self.library, site)
        self.max_nodes = max_nodes
        index = projects_index(self.library, site)
        return [index] if index else []

    def project_at(self, src_uri: str) -> Project | None:
        return self.library.projects_by_src_uri.get(src_uri)

    def page_markdown(self, project: Project, body: str, meta: dict, expand: Callable[[str], str]) -> str:
        """The header and question above ``body`` (its Markdown, already expanded), the
        sections after it; ``expand`` runs the site's text passes (wikilinks...) on added Markdown."""
        assert self.page is not None
        meta["title"] = str(escape(project.title))  # mkdocs-material writes it into <title> unescaped
        src = project.src_uri
        hold = lambda html: self.slots.hold(src, html)  # noqa: E731 - a one-line adapter
        top = [str(self.page.header(project)), expand(self.page.question(project, admonition=self.admonitions))]
        sections = self.page.sections(project, hold, self._diagram, self._query_table)
        return "\n\n".join(p for p in (*top, fit_leading_title(body, project.title), expand(sections)) if p)

    def _diagram(self, project: Project, here: str) -> str | None:
        views = self.citations.views
        if views is None:
            return None
        view = views.connecting(f"project:{project.key}", [p.key for p in project.papers], self.max_nodes)
        notes = []
        if view.extra.get("connecting"):
            count = view.extra["connecting"]
            notes.append(f"Pale: {count} {'note' if count == 1 else 'notes'} outside the project that cite or are "
                         "cited by two or more of its papers.")
        if view.omitted_nodes:
            notes.append(f"Showing {len(view.nodes)} of {view.total_nodes} notes (the most-cited).")
        return self.citations.diagram(view, here, project.title, note=" ".join(notes))

    def _query_table(self, project: Project, index: int, here: str) -> str:
        assert self.queries is not None
        saved = project.queries[index]
        rendered = self.queries.render_query(saved.query, here)
        if rendered.error is not None:
            log.warning(f"{project.display_path}:{saved.line}: saved query: {rendered.error.message}")
        return str(rendered.html)

    # -- on note pages -----------------------------------------------------------------------------
    def headings(self, note: Note) -> list[Heading]:
        return [Heading("projects", "Projects")] if self.library.projects_of(note.key) else []

    def contents(self, note: Note) -> list[str]:
        if self.page is None or not self.library.projects_of(note.key):
            return []
        return [note_projects(self.library, self.page.site, note)]
