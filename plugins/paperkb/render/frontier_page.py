"""The generated Frontier page: papers without a note that connect to two or more of your notes.

Two sections (new work citing your notes; foundations your notes cite), each a table ranked by
how many notes a paper connects to, then its citation count. A row: the title linked to the
paper, year, venue, citation count, the notes it connects (linked), and its BibTeX behind a
copy button. Finished HTML with every API value escaped; ``[`` as an entity so no later text
pass (wikilinks, citations) can act on a title."""

from __future__ import annotations

from ..core.library import Library
from ..core.scholar.bibtex import paper_bibtex
from ..core.scholar.frontier import Frontier, FrontierRow
from ..core.urls import safe_url
from .escape import Markup, html, html_join
from .index_pages import GeneratedPage
from .scholar_card import paper_url
from .site_map import SiteMap

MAX_ROWS = 100  # per section (a triage list); the rest is one `paperkb discover` away


def _paper_link(paper: dict) -> str:
    ids = paper.get("externalIds") or {}
    if ids.get("ArXiv"):
        return f"https://arxiv.org/abs/{ids['ArXiv']}"
    if ids.get("DOI"):
        return f"https://doi.org/{ids['DOI']}"
    return paper_url(str(paper.get("paperId")))


class FrontierPage:
    def __init__(self, library: Library, site: SiteMap) -> None:
        self.library = library
        self.site = site

    def _row(self, row: FrontierRow, here: str) -> Markup:
        paper = row.paper
        title = " ".join(str(paper.get("title") or "Untitled").split())
        href = safe_url(_paper_link(paper)) or paper_url(row.paper_id)
        notes = html_join(
            html('<a href="{}">{}</a>', self.site.urls.href(here, note.src_uri), note.title)
            for key in row.notes if (note := self.library.get(key)) is not None)
        count = paper.get("citationCount")
        bib = paper_bibtex(paper).rstrip()
        return html(
            # data-label: on a phone each row is a card of "label: value" lines (paperkb.css), as notes tables are
            '<tr data-pkb-paper="{}"><td data-label="Year">{}</td>'
            # (a cell's content is one element: the card's grid puts each child in a cell of its own)
            '<td data-label="Title" class="pkb-cell--title"><div><a href="{}">{}</a>'
            '<details class="pkb-frontier__bib"><summary>BibTeX</summary>'
            '<div class="language-bibtex highlight"><pre><span></span><code>{}</code></pre></div></details></div></td>'
            '<td data-label="Venue">{}</td><td data-label="Citations" class="pkb-frontier__count">{}</td>'
            '<td data-label="Connects" class="pkb-frontier__count">{}</td>'
            '<td data-label="Your notes" class="pkb-frontier__notes"><span>{}</span></td></tr>',
            row.paper_id, paper.get("year") or "", href, title, bib, paper.get("venue") or "",
            f"{count:,}" if isinstance(count, int) else "", len(row.notes), notes)

    def _table(self, rows: list[FrontierRow], here: str) -> str:
        shown = rows[:MAX_ROWS]
        body = Markup("\n").join(self._row(r, here) for r in shown)
        # No class on the table: mkdocs-material styles only `table:not([class])` (as paperkb's index tables).
        table = html('<table data-pkb-table="frontier">\n<thead><tr><th>Year</th><th>Title</th><th>Venue</th>'
                     '<th>Citations</th><th>Connects</th><th>Your notes</th></tr></thead>\n<tbody>\n{}\n</tbody>\n</table>',
                     body)
        more = ""
        if len(rows) > len(shown):
            more = f'\n<p class="pkb-count-line">{len(rows) - len(shown)} more not shown; ' \
                   "<code>paperkb discover</code> lists them all.</p>"
        return ('<div class="md-typeset__table pkb-table" data-search-exclude>\n' + str(table).replace("[", "&#91;")
                + "\n</div>" + more)

    def page(self, frontier: Frontier, fetched: str | None = None) -> GeneratedPage:
        here = self.site.frontier
        assert here is not None
        parts = ["# Frontier\n",
                 "Papers without a note that connect to at least two of your notes, from the citations and "
                 "references `paperkb enrich` stored from Semantic Scholar"
                 + (f" (last fetched {fetched})" if fetched else "") + ". Ranked by how many of your notes "
                 "each connects to, then by citation count. `paperkb discover --dismiss ID` hides a paper; "
                 "`paperkb discover --queue` adds papers to `to-read.bib`.\n"]
        sections = (("new-work", "New work on what you have read",
                     "Papers citing two or more of your notes.", frontier.citing),
                    ("foundations", "Foundations you are missing",
                     "Papers that two or more of your notes cite.", frontier.cited))
        for anchor, title, lead, rows in sections:
            parts.append(f"## {title}\n")
            parts.append(f'<p class="pkb-count-line">{lead} {len(rows)} found.</p>\n')
            if rows:
                parts.append(self._table(rows, here) + "\n")
        # A wide table: the page gives it the navigation's width (the table of contents stays).
        return GeneratedPage(here, "Frontier", "\n".join(parts), searchable=False, hide=("navigation",))
