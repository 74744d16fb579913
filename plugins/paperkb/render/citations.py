"""The "Cites" and "Cited by" sections of a note page, grouped by citation role."""

from __future__ import annotations

from ..core.library import Edge, Library, newest_first
from ..core.model import ROLE_LABELS, ROLES, Note
from .escape import Markup, escape
from .graph_dot import relative_url
from .site_map import SiteMap


def _text(value: object) -> Markup:
    """Escaped text that the page's wikilink pass cannot turn into a link (``[`` as an entity)."""
    return Markup(str(escape(" ".join(str(value).split()))).replace("[", "&#91;"))


def _entry(note: Note, here_url: str, site: SiteMap) -> Markup:
    meta = ", ".join(str(x) for x in (note.year, note.venue) if x)
    href = relative_url(here_url, site.urls.url(note.src_uri))
    return Markup('<li><a href="{}">{}</a>{}</li>').format(
        href, _text(note.title),
        Markup(' <span class="pkb-cites__meta">({})</span>').format(_text(meta)) if meta else "")


def _groups(edges: list[Edge], other_end: str, library: Library, here_url: str, site: SiteMap) -> Markup:
    by_role: dict[str, list[Note]] = {}
    for edge in edges:
        note = library.get(getattr(edge, other_end))
        if note is not None:
            by_role.setdefault(edge.role, []).append(note)
    parts = []
    for role in [r for r in ROLES if r in by_role] + sorted(r for r in by_role if r not in ROLES):
        items = Markup("\n").join(_entry(n, here_url, site) for n in newest_first(by_role[role]))
        parts.append(Markup(
            '<p class="pkb-cites__role pkb-role--{role}">{label} <span class="pkb-cites__count">{count}</span></p>\n'
            '<ul class="pkb-cites__list">\n{items}\n</ul>'
        ).format(role=role, label=ROLE_LABELS.get(role, role), count=len(by_role[role]), items=items))
    return Markup("\n").join(parts)


def render_citations(note: Note, library: Library, site: SiteMap) -> str:
    """Markdown headings with HTML lists: "Cites" (what this note cites) and "Cited by".

    The lists are kept out of the search index: they repeat other notes' titles, whose own
    pages are the right search hits."""
    here_url = site.urls.url(note.src_uri)
    sections = []
    for heading, edges, other_end, empty in (
        ("Cites", library.cites(note.key), "target", "This note cites no other note of this collection."),
        ("Cited by", library.cited_by(note.key), "source", "No note of this collection cites this one yet."),
    ):
        body = _groups(edges, other_end, library, here_url, site) if edges else Markup(
            '<p class="pkb-cites__none">{}</p>').format(empty)
        css = "pkb-cites pkb-cites--" + ("out" if other_end == "target" else "in")
        sections.append(f'## {heading}\n\n<div class="{css}" data-search-exclude>\n{body}\n</div>\n')
    return "\n".join(sections)
