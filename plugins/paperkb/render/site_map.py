"""Where every generated page lives, so pages can link to each other."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..core.library import Library, by_field, by_type, by_venue, by_year
from ..core.slug import SlugRegistry
from ..core.urls import SiteUrls

# facet name -> (folder, title of its overview page, how to read its values off a note)
FACETS = {
    "field": ("fields", "Fields", by_field),
    "year": ("years", "Years", by_year),
    "type": ("types", "Types", by_type),
    "venue": ("venues", "Venues", by_venue),
}


@dataclass
class SiteMap:
    urls: SiteUrls
    home: str = "index.md"
    statistics: str = "index.md"
    insights: str = "insights.md"
    tags: str = "tags.md"
    explore: str = "explore.md"  # every note in one table that filters and sorts
    facet_pages: dict[str, dict[object, str]] = field(default_factory=dict)
    # The bibliography (all references by year) and the reading queue; None: not generated.
    bibliography: str | None = None
    to_read: str | None = None
    frontier: str | None = None  # papers near the notes, from Semantic Scholar (None: not generated)
    # The index of research projects (None: the notes folder has none).
    projects: str | None = None
    # Citation graph pages: None -> the site-wide graph, a field name -> that field's graph.
    graph_pages: dict[object, str] = field(default_factory=dict)
    # Finished facet links by (facet, value's type and value, label, the linking page's folder):
    # every note's card links its venue, year, type and fields, and the pages of one folder
    # link a value alike (render/card.py). A new plan makes a new SiteMap, so they never go stale.
    facet_links: dict[tuple, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def for_library(cls, library: Library, urls: SiteUrls, *, prefix: str = "", home: str = "index.md",
                    statistics: str = "index.md", graphs: bool = False) -> "SiteMap":
        site = cls(urls, home=home, statistics=statistics, insights=f"{prefix}insights.md", tags=f"{prefix}tags.md",
                   explore=f"{prefix}explore.md")
        if library.scholar is not None and library.scholar.note_papers():  # `paperkb enrich` ran
            site.frontier = f"{prefix}frontier/index.md"
        site.projects = f"{prefix}projects/index.md" if library.projects else None
        for facet, (folder, _title, values_of) in FACETS.items():
            slugs = SlugRegistry()
            values = {value for note in library for value in values_of(note)}
            site.facet_pages[facet] = {
                value: f"{prefix}{folder}/{slugs.slug_for(str(value))}.md"
                for value in sorted(values, key=lambda v: (str(type(v)), v))
            }
            site.facet_pages[f"{facet}:index"] = {None: f"{prefix}{folder}/index.md"}
        if graphs:
            site.graph_pages[None] = f"{prefix}graph/index.md"
            for value, page in site.facet_pages["field"].items():  # same slug as the field's index page
                site.graph_pages[value] = f"{prefix}graph/{posixpath.basename(page)}"  # never index.md
        return site

    def facet_page(self, facet: str, value: object) -> str | None:
        return self.facet_pages.get(facet, {}).get(value)

    def graph_page(self, field_name: object = None) -> str | None:
        """The site-wide graph page (``None``) or a field's graph page, when graphs are on."""
        return self.graph_pages.get(field_name)

    def overview_page(self, facet: str) -> str:
        return self.facet_pages[f"{facet}:index"][None]

    def generated_uris(self) -> list[str]:
        uris = [self.home, self.statistics, self.explore, self.insights, self.tags]
        uris.extend(page for page in (self.bibliography, self.to_read, self.projects, self.frontier) if page)
        for pages in self.facet_pages.values():
            uris.extend(pages.values())
        uris.extend(self.graph_pages.values())
        return list(dict.fromkeys(uris))
