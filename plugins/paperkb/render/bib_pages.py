"""Generated pages of the bibliography: all references by year, and the reading queue."""

from __future__ import annotations

import posixpath
from itertools import groupby

from ..core.bib.formatting import FormattedReference
from ..core.bib.references import Reference, References
from .bib_html import LABELLED_STYLES, reference_html, reference_list
from .index_pages import GeneratedPage
from .site_map import SiteMap

ALL_BIB = "all.bib"


def _by_year_then_author(ref: Reference) -> tuple:
    return (-(ref.year or 0), ref.author_label().casefold(), ref.title.casefold(), ref.key)


def _held(block: str) -> str:
    """A finished block the plugin keeps out of Markdown (render/tables.py TABLE_BLOCK) and puts
    back after search read the page (the bibliography is not searched): 2,000 references are
    HTML already, and Markdown's raw-HTML parser took a second over them."""
    return f'<div class="pkb-held">{block}</div><!--/pkb-held-->\n'


class BibliographyPages:
    def __init__(self, references: References, formatted: dict[str, FormattedReference], site: SiteMap,
                 style: str, kept: dict[tuple[str, str], tuple] | None = None) -> None:
        """``kept``: the items the last pages were made of (`serve`), ``made``: this one's."""
        self.references = references
        self.formatted = formatted
        self.site = site
        self.show_label = style in LABELLED_STYLES
        self.kept = kept
        self.made: dict[tuple[str, str], tuple] = {}

    def _item(self, ref: Reference, here: str):
        formatted = self.formatted[ref.key]
        if self.kept is None:
            return reference_html(ref, formatted, self.site, here, show_label=self.show_label)
        kept = self.kept.get((ref.key, here))
        if kept is not None and kept[0] is ref and kept[1] is formatted:  # the same note and reference
            item = kept[2]
        else:
            item = reference_html(ref, formatted, self.site, here, show_label=self.show_label)
        self.made[(ref.key, here)] = (ref, formatted, item)
        return item

    def bibliography(self) -> GeneratedPage:
        here = self.site.bibliography
        assert here is not None
        refs = sorted(self.references, key=_by_year_then_author)
        with_notes = sum(1 for r in refs if r.note is not None)
        all_bib = posixpath.relpath(ALL_BIB, posixpath.dirname(here) or ".")
        parts = [
            "# Bibliography\n",
            f'<p class="pkb-count-line">{len(refs)} references: {with_notes} with a reading note, '
            f"{len(refs) - with_notes} without.</p>\n",
            f"Every reference as BibTeX: [{ALL_BIB}]({all_bib}).\n",
        ]
        for year, group in groupby(refs, key=lambda r: r.year):
            parts.append(f"## {year if year is not None else 'Undated'}\n")
            parts.append(_held(reference_list([self._item(r, here) for r in group], "pkb-references pkb-bibliography")))
        return GeneratedPage(here, "Bibliography", "\n".join(parts), searchable=False)

    def to_read(self) -> GeneratedPage:
        here = self.site.to_read
        assert here is not None
        queue = self.references.to_read()
        parts = ["# To read\n"]
        if queue:
            parts.append(
                f'<p class="pkb-count-line">{len(queue)} {"entry" if len(queue) == 1 else "entries"} '
                "of the .bib files have no reading note yet, newest first.</p>\n")
            parts.append("Start notes for all of them with `paperkb import bib FILE.bib`.\n")
            parts.append(reference_list([self._item(r, here) for r in queue], "pkb-references pkb-to-read") + "\n")
        else:
            parts.append("Every entry of the .bib files has a reading note.\n")
        return GeneratedPage(here, "To read", "\n".join(parts))
