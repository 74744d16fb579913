"""The navigation paperkb builds: home and index pages, never every note.

mkdocs-material renders the whole navigation into every page, so a nav holding thousands
of notes makes the build quadratic; readers reach notes through the index pages instead.
The site's other pages (the user's own, not notes) keep their folders as sections, as MkDocs'
own navigation has them: a folder of 3,700 such pages is one tab and one section, not 3,700
tabs on every page (2.5 MB of navigation a page in a real collection)."""

from __future__ import annotations

from mkdocs.utils import nest_paths

from ..render.site_map import FACETS, SiteMap


def build_nav(site: SiteMap, other_pages: list[str], blog_index: str | None) -> list:
    nav: list = [{"Home": site.home}]
    if site.statistics != site.home:
        nav.append({"Statistics": site.statistics})
    nav.append({"Explore": site.explore})
    for facet, (_folder, title, _values) in FACETS.items():
        nav.append({title: site.overview_page(facet)})
    if site.projects:
        nav.append({"Projects": site.projects})
    nav.append({"Tags": site.tags})
    nav.append({"Insights": site.insights})
    if site.bibliography:
        nav.append({"Bibliography": site.bibliography})
    if site.to_read:
        nav.append({"To read": site.to_read})
    if site.frontier:
        nav.append({"Frontier": site.frontier})
    if site.graph_page(None):
        nav.append({"Graph": site.graph_page(None)})
    nav.extend(nest_paths(other_pages))  # (folders as sections, titled as MkDocs titles them)
    if blog_index:
        # A section with the index as its first page: the blog plugin hangs archive and categories under it.
        nav.append({"Blog": [blog_index]})
    return nav
