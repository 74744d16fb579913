"""The Explore page: every note in one table that filters by facet and free text and sorts by
column (assets/explore.js), made from the compact site data (render/site_data.py).

Progressive: the page itself holds a real table of the newest notes (all of them up to
STATIC_ROWS), readable without JavaScript; the script replaces its rows with the filtered,
sorted ones it draws from the site data, a few hundred at a time."""

from __future__ import annotations

from ..core.note_filters import NOTE_FACETS
from .escape import escape, html
from .index_pages import GeneratedPage
from .site_data import SITE_DATA_URI, facet_labels, texts_of_records
from .site_map import SiteMap

STATIC_ROWS = 500
# (column, heading, sort key or "" when the column does not sort)
COLUMNS = (
    ("year", "Year", "year"), ("title", "Title", "title"), ("venue", "Venue", "venue"),
    ("field", "Field", ""), ("type", "Type", ""), ("level", "Level", ""), ("cited_by", "Cited by", "cited_by"),
)


def _cells(record: dict, data: dict, href: str) -> str:
    def text(values) -> str:
        return str(escape(", ".join(values)))

    title = f'<a href="{escape(href)}">{escape(record["title"])}</a>'
    if record.get("authors"):
        title += f'<span class="pkb-explore__authors">{escape(record["authors"])}</span>'
    cells = {
        "year": escape(record.get("year", "")), "title": title,
        "venue": text(facet_labels(record, data, "venue")), "field": text(facet_labels(record, data, "field")),
        "type": text(facet_labels(record, data, "type")), "level": text(facet_labels(record, data, "level")),
        "cited_by": escape(record.get("cited_by", 0)),
    }
    return "".join(f'<td data-col="{name}">{cells[name]}</td>' for name, _h, _s in COLUMNS)


def explore_page(src_uri: str, data: dict, site: SiteMap, kept: dict[int, tuple[dict, str]] | None = None) -> GeneratedPage:
    """``kept``: `serve`'s table rows of the last build, by record (site_data's memo hands back
    the same record while its note, and the facets' values it indexes, are the same)."""
    notes = data["notes"]
    shown = notes[:STATIC_ROWS]
    rows = "\n".join(texts_of_records(shown, lambda r: f'<tr data-pkb-key="{escape(r["key"])}">'
                                                 f'{_cells(r, data, site.urls.relative(src_uri, r["url"]))}</tr>', kept))
    head = "".join(
        f'<th data-col="{name}"' + (f' data-sort="{sort}"' if sort else "") + f">{escape(heading)}</th>"
        for name, heading, sort in COLUMNS)
    filters = "".join(
        html('<label class="pkb-explore__facet"><span>{}</span>'
             '<select data-facet="{}"><option value="">Any</option></select></label>', f.label, f.name)
        for f in NOTE_FACETS)
    capped = ""
    if len(notes) > len(shown):
        capped = html('<p class="pkb-explore__capped">The {} newest of {} notes; the index pages by '
                      '<a href="{}">year</a> list them all.</p>', len(shown), len(notes),
                      site.urls.href(src_uri, site.overview_page("year")))
    data_url = site.urls.relative(src_uri, SITE_DATA_URI)
    block = (
        f'<div class="pkb-held"><div class="pkb-explore" data-pkb-explore data-src="{escape(data_url)}">'
        '<form class="pkb-explore__controls" hidden role="search">'
        '<label class="pkb-explore__text"><span>Text</span>'
        '<input type="search" name="q" placeholder="Title, author, problem, key…" autocomplete="off"></label>'
        f'{filters}</form>'
        f'<p class="pkb-explore__status" aria-live="polite">{escape(len(notes))} notes</p>'
        '<div class="md-typeset__table pkb-table"><table data-pkb-table="explore">'
        f"<thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table></div>"
        f'{capped}<button type="button" class="md-button pkb-explore__more" hidden>Show more</button>'
        "</div></div><!--/pkb-held-->")
    intro = ("Every note in one table: filter by field, year, type, level, venue, tag, dataset or metric "
             "and by any text; click a column heading to sort.")
    markdown = f"# Explore\n\n{intro}\n\n{block}\n"
    return GeneratedPage(src_uri, "Explore", markdown, searchable=False, hide=("toc",))


