"""The "Cites" and "Cited by" lists of a note page, grouped by citation role.

Citations listed in ``cites`` are grouped by their role; notes that are only linked from the
text (``[[key]]``, a Markdown link, ``[@key]``) form a last group of their own: a note may
well link a later paper ("see LLaMA"), which is no citation of it.

Every note appears in the lists of all its neighbours, so the escaped text of each entry is
built once per build and reused (only its relative link differs from page to page). Every
value from a note goes through ``escape``; ``[`` becomes an entity so no later wikilink pass
can touch a title."""

from __future__ import annotations

from collections.abc import Callable

from ..core.library import Edge, Library
from ..core.model import ROLE_LABELS, ROLES, Note
from ..core.urls import relative_url
from .card import link_title
from .escape import escape, escaped_str
from .site_map import SiteMap

CITES_NONE = "This note cites no other note of this collection."
CITED_BY_NONE = "No note of this collection cites this one yet."
IN_TEXT = "in-text"  # the group of notes linked only from the text
DERIVED_MARK = (' <span class="pkb-cites__derived" title="Found by Semantic Scholar; not in the note\'s cites">'
                'S2</span>')
IN_TEXT_LABELS = {"out": "Linked in the text", "in": "Linking to it in their text"}


def _text(value: object) -> str:
    """Escaped one-line text (``[`` as an entity: no wikilink pass can turn a title into a link)."""
    return escaped_str(" ".join(str(value).split())).replace("[", "&#91;")


def _order(note: Note) -> tuple:
    return (-(note.year or 0), note.title.lower(), note.key)


class CitesLists:
    """Cites / Cited by HTML for the note pages of one build."""

    def __init__(self, library: Library, site: SiteMap) -> None:
        self.library = library
        self.site = site
        self._texts: dict[str, tuple[tuple, str, str]] = {}  # key -> ``_known``
        self._labels = {role: _text(ROLE_LABELS.get(role, role)) for role in ROLES}

    def _known(self, note: Note) -> tuple[tuple, str, str]:
        """``note``'s place in a list (``_order``, whose last item is its key), its site URL and
        its escaped link text with meta: made once a build, for every list it appears in."""
        known = self._texts.get(note.key)
        if known is None:
            meta = ", ".join(str(x) for x in (note.year, note.venue) if x)
            meta_html = f' <span class="pkb-cites__meta">({_text(meta)})</span>' if meta else ""
            known = (_order(note), self.site.urls.url(note.src_uri),
                     f' title="{_text(link_title(note))}">{_text(note.title)}</a>{meta_html}')
            self._texts[note.key] = known
        return known

    def _groups(self, edges: list[Edge], other_end: str, here_url: str, direction: str,
                references: list[tuple[str, str]] = ()) -> str:
        """Items grouped by role: the linked notes, newest first, then ``references`` ((role,
        finished ``<li>``) for cited .bib entries that have no note) in the order written."""
        by_role: dict[str, list[str]] = {}
        grouped: dict[str, list[tuple[tuple, str, str]]] = {}
        derived: set[str] = set()  # keys whose edge comes from Semantic Scholar, not from the note
        for edge in edges:
            note = self.library.get(getattr(edge, other_end))
            if note is not None:
                grouped.setdefault(IN_TEXT if edge.in_text else edge.role, []).append(self._known(note))
                if edge.derived:
                    derived.add(note.key)
        for role, known in grouped.items():
            known.sort()  # (by ``_order``: no two notes share one)
            by_role[role] = [f'<li><a href="{escaped_str(relative_url(here_url, url))}"{text}'
                             f'{DERIVED_MARK if order[-1] in derived else ""}</li>' for order, url, text in known]
        for role, item in references:
            by_role.setdefault(role, []).append(item)
        order = [r for r in ROLES if r in by_role] + sorted(r for r in by_role if r not in ROLES and r != IN_TEXT)
        parts = []
        for role in order + ([IN_TEXT] if IN_TEXT in by_role else []):
            items = by_role[role]
            label = IN_TEXT_LABELS[direction] if role == IN_TEXT else self._labels.get(role) or _text(role)
            parts.append(
                f'<p class="pkb-cites__role pkb-role--{escape(role)}">{label} '
                f'<span class="pkb-cites__count">{len(items)}</span></p>\n'
                f'<ul class="pkb-cites__list">\n' + "\n".join(items) + '\n</ul>')
        return "\n".join(parts)

    def cites(self, note: Note, reference_item: Callable[[str, str], str | None] | None = None) -> str:
        """``reference_item(key, here_src)``: the ``<li>`` of a cited .bib entry without a note;
        papers cited by a [[link]] that have neither are listed by name, unlinked."""
        references = []
        for cite in self.library.bib_cites.get(note.key, ()):
            item = reference_item(cite.key, note.src_uri) if reference_item else None
            references.append((cite.role, item or f"<li>{_text(cite.key)}</li>"))
        for cite in self.library.unwritten_cites.get(note.key, ()):  # a paper with no note yet: its name, unlinked
            references.append((cite.role, f'<li><span class="pkb-cites__unwritten" title="No note yet">'
                                          f'{_text(cite.key)}</span></li>'))
        edges = self.library.cites(note.key) + self.library.mentions_out.get(note.key, [])
        return self._block(edges, "target", note, "out", CITES_NONE, references)

    def cited_by(self, note: Note) -> str:
        edges = self.library.cited_by(note.key) + self.library.mentions_in.get(note.key, [])
        return self._block(edges, "source", note, "in", CITED_BY_NONE)

    def _block(self, edges: list[Edge], other_end: str, note: Note, direction: str, empty: str,
               references: list[tuple[str, str]] = ()) -> str:
        """One list in a ``div`` kept out of the search index (it repeats other notes' titles,
        whose own pages are the right search hits)."""
        here_url = self.site.urls.url(note.src_uri)
        if edges or references:
            body = self._groups(edges, other_end, here_url, direction, references)
        else:
            body = f'<p class="pkb-cites__none">{empty}</p>'
        return f'<div class="pkb-cites pkb-cites--{direction}" data-search-exclude>\n{body}\n</div>'

