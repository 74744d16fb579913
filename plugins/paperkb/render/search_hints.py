"""Keep the headings paperkb appends to a note page out of the search index.

"Cites", "Cited by", "Citation graph" and "Cite" hold lists, a diagram and BibTeX that are
themselves excluded from search; indexed, each heading would be an empty search result, four per
note (8,000 of 28,000 index entries at 2,000 notes). mkdocs-material drops a section whose
heading carries ``data-search-exclude``."""

from __future__ import annotations

import re

TRAILING_SECTION_IDS = ("cites", "cited-by", "citation-graph", "cite")


def exclude_trailing_headings(html: str, ids: tuple[str, ...] = TRAILING_SECTION_IDS) -> str:
    """Mark the LAST ``<h2>`` of each id (MkDocs suffixes ``_1`` when the body used the id first),
    so a heading the user wrote in the body stays searchable."""
    for anchor in ids:
        matches = list(re.finditer(rf'<h2 id="{re.escape(anchor)}(?:_\d+)?"', html))
        if matches:
            end = matches[-1].end()
            html = f"{html[:end]} data-search-exclude{html[end:]}"
    return html
