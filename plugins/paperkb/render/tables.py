"""HTML tables of notes (index pages, query results), every cell escaped."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..core.library import Library
from ..core.note_memo import NoteMemo
from ..core.urls import url_folder
from ..core.model import LEVEL_LABELS, TYPE_LABELS, Note
from .card import link_title
from .escape import Markup, escape, html, one_line_html
from .site_map import SiteMap

Cell = Callable[[Note, str], Markup]
DEFAULT_COLUMNS = ("year", "title", "type", "venue", "level", "problem")
# A table block as NoteTable.render and count_table write it (values inside are escaped, so
# the closing tags cannot occur early): lets the plugin pass finished tables around Markdown.
TABLE_BLOCK = re.compile(
    r'^<div class="md-typeset__table pkb-table"(?: data-search-exclude)?><table data-pkb-table="[a-z-]+">'
    r".*?</tbody></table></div>\n?"
    # other finished blocks of generated pages (render/index_pages.py insight lists)
    r'|^<div class="pkb-held">.*?</div><!--/pkb-held-->\n?', re.M | re.S)


class NoteTable:
    """Renders notes as a table linked relative to the page ``here``."""

    def __init__(self, site: SiteMap, library: Library | None = None, rows: NoteMemo[str] | None = None,
                 *, rows_by_link: bool = False) -> None:
        self.site = site
        self.library = library
        # ``rows``: rows kept by note and by the folder of the page (`serve`: between builds) or,
        # ``rows_by_link``, by the link the row's title makes (a build's own: pages in other
        # folders, as deep, link a note alike; one link a row, where `serve` re-renders few rows)
        self.rows = rows
        self.rows_by_link = rows_by_link
        self.cells: dict[str, tuple[str, Cell]] = {
            "year": ("Year", lambda n, h: escape(n.year if n.year is not None else "")),
            "title": ("Title", self._title),
            "key": ("Key", lambda n, h: html("<code>{}</code>", n.key)),
            "type": ("Type", lambda n, h: escape(TYPE_LABELS.get(n.type or "", ""))),
            "level": ("Level", lambda n, h: escape(LEVEL_LABELS.get(n.level or "", ""))),
            "venue": ("Venue", lambda n, h: escape(n.venue or "")),
            "authors": ("Authors", lambda n, h: escape(_authors_short(n.authors))),
            "fields": ("Fields", lambda n, h: escape(", ".join(n.fields))),
            "tags": ("Tags", lambda n, h: escape(", ".join(n.tags))),
            "datasets": ("Datasets", lambda n, h: escape(", ".join(n.datasets))),
            "metrics": ("Metrics", lambda n, h: escape(", ".join(n.metrics))),
            "problem": ("Problem", lambda n, h: prose_cell(n.problem)),
            "method": ("Method", lambda n, h: prose_cell(n.method)),
            "results": ("Results", lambda n, h: prose_cell(n.results)),
            "cited_by": ("Cited by", lambda n, h: escape(self.library.cited_by_count(n.key) if self.library else "")),
        }

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(self.cells)

    def _title(self, note: Note, here: str) -> Markup:
        return Markup(f'<a href="{escape(self.site.urls.href(here, note.src_uri))}" title="{escape(link_title(note))}">'
                      f'{escape(note.title)}</a>')

    def render(self, notes: Iterable[Note], here: str, columns: Iterable[str] = DEFAULT_COLUMNS) -> Markup:
        columns = [c for c in columns if c in self.cells]
        head = Markup("").join(html("<th>{}</th>", self.cells[c][0]) for c in columns)
        # Column classes once per table (not per cell): the stylesheet gives prose columns room.
        cols = Markup("").join(html('<col class="pkb-col--{}">', c) for c in columns)
        # Rows by f-string over escaped cells: Markup.format runs a Python-level formatter per
        # cell, which at 2000 notes was most of the time the ~50 index pages took.
        # data-label: a narrow screen shows each row as a card of "label: value" lines (paperkb.css).
        cells = [(f'<td data-label="{escape(self.cells[c][0])}" class="pkb-cell--{c}">', self.cells[c][1]) for c in columns]

        def row(note: Note) -> str:
            return f'<tr data-pkb-key="{escape(note.key)}">{"".join(f"{td}{escape(cell(note, here))}</td>" for td, cell in cells)}</tr>'

        if self.rows is None or "cited_by" in columns:  # (a count other notes change)
            rows = [row(note) for note in notes]
        elif self.rows_by_link and "title" in columns:  # (what a row depends on of the page: its title's link)
            href = self.site.urls.href
            rows = [self.rows.get(note, lambda note=note: row(note), href(here, note.src_uri), *columns) for note in notes]
        else:
            folder = url_folder(self.site.urls.url(here))  # (what a row's link depends on of the page)
            rows = [self.rows.get(note, lambda note=note: row(note), folder, *columns) for note in notes]
        # No blank line inside: Markdown passes the whole block through as raw HTML.
        # data-search-exclude: a search should find the note, not every index page that lists it.
        return html('<div class="md-typeset__table pkb-table" data-search-exclude><table data-pkb-table="notes">'
                      "<colgroup>{}</colgroup><thead><tr>{}</tr></thead><tbody>\n{}\n</tbody></table></div>",
            cols, head, Markup("\n".join(rows)))


def prose_cell(markdown: str | None, limit: int = 160) -> Markup:
    """A prose cell's text (``one_line_html``) in one element: on phones a cell is a grid of its
    label and its content, and a formula beside bare text would make a grid item of its own."""
    text = one_line_html(markdown, limit)
    return html('<span class="pkb-cell__prose">{}</span>', text) if text else text


def _authors_short(authors: list[str]) -> str:
    if len(authors) > 3:
        return f"{authors[0]} et al."
    return ", ".join(authors)


def count_table(rows: Iterable[tuple[Markup, int]], heading: str, total: int) -> Markup:
    """A count table with a bar per row, scaled to the largest count so small sets stay readable."""
    rows = list(rows)
    scale = max((count for _label, count in rows), default=0) or total
    body = Markup("\n").join(
        html('<tr><td>{}</td><td class="pkb-count">{}</td><td class="pkb-bar-cell">'
               '<span class="pkb-bar" style="width:{}%"></span></td></tr>',
            label, count, round(100 * count / scale, 1) if scale else 0)
        for label, count in rows
    )
    return html('<div class="md-typeset__table pkb-table"><table data-pkb-table="counts">'
                  "<thead><tr><th>{}</th><th>Notes</th><th></th></tr></thead><tbody>\n{}\n</tbody></table></div>",
        heading, body)
