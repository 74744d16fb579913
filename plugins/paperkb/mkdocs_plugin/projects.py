"""Research project pages as a feature: the Projects index, each project page's header, question
and sections after its body, and the "Projects" section of the notes a project uses (see
render/project_page.py for what they hold).

A project page is the author's own page: it stays where it is written, out of the navigation
(the Projects index lists it). Its finished HTML (cards, tables, the diagram) is held out of
Markdown by HtmlSlots and goes in at on_post_page; the diagram's SVG by CitationDisplay."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.library import Library
from ..core.projects import Project
from ..render.card import fit_leading_title
from ..render.escape import escape
from ..render.index_pages import GeneratedPage
from ..render.project_page import ProjectPage, note_projects, projects_index
from ..render.query_blocks import QueryBlockRenderer
from .citation_display import CitationDisplay
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender, Section
from .headings import Heading
from .html_slots import HtmlSlots
from .messages import log
from .note_layout import NoteLayout


class ProjectDisplay(Feature):
    def __init__(self, slots: HtmlSlots, citations: CitationDisplay, layout: NoteLayout) -> None:
        self.slots = slots
        self.citations = citations  # draws the project's diagram
        self.layout = layout  # its plain-prose renderer writes the cards' notes
        self.library = Library()
        self.page: ProjectPage | None = None
        self.queries: QueryBlockRenderer | None = None
        self.max_nodes = 60
        self.admonitions = True  # the site renders `!!! question` blocks

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.max_nodes = options.graph_max_nodes
        self.admonitions = "admonition" in config.markdown_extensions

    def start(self, build: Build) -> list[GeneratedPage]:
        """This build's projects: the Projects index page (the site map says where it goes)."""
        assert self.layout.plain is not None
        self.library = build.library
        self.page = ProjectPage(build.library, build.site, self.layout.plain)
        self.queries = QueryBlockRenderer(build.library, build.site)
        index = projects_index(build.library, build.site)
        return [index] if index else []

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """A project page: header and question above its body (expanded already), sections after."""
        project = self.library.projects_by_src_uri.get(page.src)
        if project is None or self.page is None:
            return markdown
        page.page.meta["title"] = str(escape(project.title))  # the theme writes it into <title> unescaped
        page.reads(p.key for p in project.papers)
        if project.queries:
            page.reads_every_note()
        hold = lambda html: self.slots.hold(page.src, html)  # noqa: E731 - a one-line adapter
        sections = self.page.sections(project, hold, lambda p, here: self._diagram(page, p, here), self._query_table,
                                      self.citations.reference_item)
        top = [str(self.page.header(project)), page.expand(self.page.question(project, admonition=self.admonitions))]
        return "\n\n".join(p for p in (*top, fit_leading_title(markdown, project.title), page.expand(sections)) if p)

    def _diagram(self, page: PageRender, project: Project, here: str) -> str | None:
        views = self.citations.graph_views()
        if views is None:
            return None
        view = views.connecting(f"project:{project.key}", [p.key for p in project.papers], self.max_nodes)
        page.reads(node.key for node in view.nodes)
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

    def after_body(self, page: PageRender) -> list[Section]:
        """On a note's page: the projects that use it."""
        note, project_page = page.note, self.page
        if note is None or project_page is None or not self.library.projects_of(note.key):
            return []
        page.reads(project.src_uri for project, _paper in self.library.projects_of(note.key))
        return [Section(Heading("projects", "Projects"), lambda: note_projects(self.library, project_page.site, note))]
