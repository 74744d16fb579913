"""What the site adds to a research project's page, the Projects index, and a note's projects.

A project page reads, top to bottom:

    title, status, number of papers, last change; the question     (above the author's body)
    the body as written: idea, plan, results, log
    Papers: compact cards grouped Peers / Upstream / Other
    Citation graph: the project's papers and the notes that connect them
    Comparison of peers: year, venue, datasets, metrics, results
    Insights from these papers
    Saved queries (the project's ``queries``)

Finished HTML (cards, tables, the figure) goes through ``hold``: the glue keeps it out of
Markdown and puts it back into the page's HTML; everything else is Markdown, so math, links and
wikilinks in the question and the insights render as in notes."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from ..core.bib.references import author_label, family_names
from ..core.library import Library
from ..core.model import TYPE_LABELS, Note
from ..core.bib.entry import BibEntry
from ..core.projects import (
    GROUP_LABELS, STATUS_LABELS, Project, ProjectPaper, grouped_papers, relation_of, unread_papers,
)
from .escape import Markup, escape, html, html_join, md_text, neutralize_html, one_line_html
from .index_pages import GeneratedPage, insights_markdown
from .plain_text import PlainText
from .site_map import SiteMap
from .tables import NoteTable, prose_cell

Hold = Callable[[str], str]  # finished HTML -> what stands for it in the page's Markdown
# (project, page) -> the figure of its citation diagram, or None (diagrams off, no citations)
Diagram = Callable[[Project, str], str | None]
# (project, index of a saved query, page) -> the HTML of its answer
QueryTable = Callable[[Project, int, str], str]
# (key, page) -> the <li> of a .bib entry without a note (formatted, linked to the Bibliography)
ReferenceItem = Callable[[str, str], str | None]

COMPARISON_COLUMNS = ("title", "year", "venue", "datasets", "metrics", "results")
RESULTS_CELL_LIMIT = 600  # a comparison shows results whole, unless they run on for paragraphs


def _rel(from_src: str, to_src: str) -> str:
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def status_badge(project: Project) -> Markup:
    if project.status is None:
        return html('<span class="pkb-badge pkb-badge--status" title="Status">{}</span>', "no status")
    return html('<span class="pkb-badge pkb-badge--status pkb-badge--status-{}" title="Status">{}</span>',
                project.status, STATUS_LABELS[project.status])


@dataclass
class ProjectPage:
    """The parts of one project page, for the page built from ``project.src_uri``."""

    library: Library
    site: SiteMap
    plain: PlainText

    def papers(self, project: Project) -> list[tuple[ProjectPaper, Note]]:
        return [pn for members in grouped_papers(project, self.library.notes).values() for pn in members]

    def unread(self, project: Project) -> list[tuple[ProjectPaper, BibEntry]]:
        return unread_papers(project, self.library.notes, self.library.drafts, self.library.bibliography)

    # -- above the body -----------------------------------------------------------------------
    def header(self, project: Project) -> Markup:
        count = len(self.papers(project)) + len(self.unread(project))
        facts = [status_badge(project), escape(_plural(count, "paper")),
                 html("last change {}", project.last_change().isoformat())]
        index = self.site.projects
        if index:
            facts.append(html('<a href="{}">all projects</a>', self.site.urls.href(project.src_uri, index)))
        return html('<div class="pkb-project" data-pkb-project="{}"><h1 class="pkb-project__title">{}</h1>'
                    '<p class="pkb-project__facts">{}</p></div>', project.key, project.title, html_join(facts, " · "))

    def question(self, project: Project, *, admonition: bool = True) -> str:
        """The question as Markdown: an admonition where the site has them, else a quote; or ""."""
        if not project.question:
            return ""
        text = neutralize_html(" ".join(project.question.split()))
        return f'!!! question "Question"\n    {text}\n' if admonition else f"> **Question:** {text}\n"

    # -- after the body -----------------------------------------------------------------------
    def sections(self, project: Project, hold: Hold, diagram: Diagram, query_table: QueryTable,
                 reference_item: ReferenceItem | None = None) -> str:
        here = project.src_uri
        groups = grouped_papers(project, self.library.notes)
        unread = self.unread(project)
        parts = ["## Papers\n"]
        if not groups and not unread:
            parts.append("No papers yet: list note keys under `papers:` in the front-matter.\n")
        for group, members in groups.items():
            parts.append(f"### {GROUP_LABELS[group]}\n")
            parts.append(hold(str(self.cards(members, here))) + "\n")
        if unread:
            parts.append("### Not read yet\n")
            parts.append(hold(self.unread_list(unread, here, reference_item)) + "\n")
        figure = diagram(project, here)
        if figure:
            parts += ["## Citation graph\n", hold(figure) + "\n"]
        peers = [note for _paper, note in groups.get("peer", [])]
        parts.append("## Comparison of peers\n")
        if peers:
            parts.append(hold(str(self.comparison(peers, here))) + "\n")
        else:
            parts.append("No peers yet: give a paper `relation: peer` (here or in its note).\n")
        with_insights = [note for members in groups.values() for _paper, note in members if note.insights]
        if with_insights:
            parts.append("## Insights from these papers\n")
            parts += [insights_markdown(note, here) for note in with_insights]
            parts.append("")
        if project.queries:
            parts.append("## Saved queries\n")
            for index, saved in enumerate(project.queries):
                if saved.title:
                    parts.append(f"### {md_text(saved.title)}\n")
                parts.append(hold(query_table(project, index, here)) + "\n")
        return "\n".join(parts)

    def unread_list(self, unread: list[tuple[ProjectPaper, BibEntry]], here: str,
                    reference_item: ReferenceItem | None) -> str:
        """Papers only a .bib entry describes: the formatted reference (or the title), why it matters."""
        items = []
        for paper, entry in unread:
            item = reference_item(entry.key, here) if reference_item else None
            if item is None:
                item = str(html("<li>{}{}</li>", entry.title or entry.key, f" ({entry.year})" if entry.year else ""))
            if paper.why:
                item = item[:-len("</li>")] + str(html(' <span class="pkb-unread__why">— {}</span></li>',
                                                       one_line_html(paper.why, 300)))
            items.append(item)
        return f'<ul class="pkb-unread" data-pkb-unread="{len(items)}">{"".join(items)}</ul>'

    def cards(self, members: list[tuple[ProjectPaper, Note]], here: str) -> Markup:
        return html('<div class="pkb-compact-cards">{}</div>',
                    Markup("").join(self.card(paper, note, here) for paper, note in members))

    def card(self, paper: ProjectPaper, note: Note, here: str) -> Markup:
        """A compact card: linked title, authors · venue year · type, and why it matters here."""
        authors = family_names(note.authors)
        names = author_label(authors, len(note.authors), note.title) if authors else ""
        byline = [escape(part) for part in (names,
                                            " ".join(str(x) for x in (note.venue, note.year) if x)) if part]
        if note.type:
            byline.append(html('<span class="pkb-badge pkb-badge--type pkb-badge--{}">{}</span>',
                               note.type, TYPE_LABELS[note.type]))
        parts = [html('<p class="pkb-compact__title"><a href="{}">{}</a></p>',
                      self.site.urls.href(here, note.src_uri), note.title)]
        if byline:
            parts.append(html('<p class="pkb-compact__byline">{}</p>', html_join(byline, " · ")))
        if paper.why:
            why = self.plain.inline(paper.why, here)
            parts.append(html('<p class="pkb-compact__why">{}</p>', why if why is not None else one_line_html(paper.why, 400)))
        elif note.problem:
            parts.append(html('<p class="pkb-compact__problem">{}</p>', one_line_html(note.problem)))
        return html('<div class="pkb-compact" data-pkb-key="{}">{}</div>', note.key, Markup("").join(parts))

    def comparison(self, peers: list[Note], here: str) -> Markup:
        table = NoteTable(self.site, self.library)
        table.cells["results"] = ("Results", lambda n, h: prose_cell(n.results, RESULTS_CELL_LIMIT))
        ordered = sorted(peers, key=lambda n: (n.year is None, n.year or 0, n.title.casefold()))
        return table.render(ordered, here, COMPARISON_COLUMNS)


# -- the Projects index ------------------------------------------------------------------------------
def projects_index(library: Library, site: SiteMap) -> GeneratedPage | None:
    """Every project: status, number of papers, last change, question; the newest change first."""
    here = site.projects
    if here is None or not library.projects:
        return None
    projects = sorted(library.projects.values(), key=lambda p: (-p.last_change().toordinal(), p.title.casefold()))
    rows = []
    for project in projects:
        papers = sum(1 for paper in project.papers if paper.key in library.notes) + len(
            unread_papers(project, library.notes, library.drafts, library.bibliography))
        # data-label: on a phone each row is a card of "label  value" lines, like a notes table's
        rows.append(html('<tr data-pkb-project="{}"><td data-label="Project" class="pkb-cell--title"><a href="{}">{}</a></td>'
                         '<td data-label="Status">{}</td><td data-label="Papers" class="pkb-count">{}</td>'
                         '<td data-label="Last change" class="pkb-date">{}</td><td data-label="Question">{}</td></tr>',
                         project.key, site.urls.href(here, project.src_uri), project.title, status_badge(project),
                         papers, project.last_change().isoformat(), prose_cell(project.question)))
    table = html('<div class="md-typeset__table pkb-table"><table data-pkb-table="projects"><thead><tr>'
                 "<th>Project</th><th>Status</th><th>Papers</th><th>Last change</th><th>Question</th></tr></thead>"
                 "<tbody>\n{}\n</tbody></table></div>", Markup("\n").join(rows))
    body = (f"# Projects\n\n<p class=\"pkb-count-line\">{_plural(len(projects), 'project')}</p>\n\n{table}\n")
    return GeneratedPage(here, "Projects", body)


# -- on a note page ----------------------------------------------------------------------------------
def note_projects(library: Library, site: SiteMap, note: Note) -> str:
    """The projects that use ``note``: title, the note's part in it, status, why it matters there."""
    here = note.src_uri
    items = []
    for project, paper in library.projects_of(note.key):
        role = {"peer": " (a peer)", "upstream": " (upstream)"}.get(relation_of(paper, note) or "", "")
        why = html(": {}", one_line_html(paper.why, 300)) if paper.why else ""
        items.append(html('<li><a href="{}">{}</a>{} {}{}</li>', site.urls.href(here, project.src_uri),
                          project.title, role, status_badge(project), why))
    return str(html('<ul class="pkb-note-projects">{}</ul>', Markup("").join(items)))
