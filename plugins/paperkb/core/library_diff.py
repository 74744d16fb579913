"""What changed between two loads of a library, in the terms its readers care about: which
notes show differently to other pages, whose links changed, and whether the citation graph
(what diagrams and graph pages draw) or the notes' listed data changed at all.

`mkdocs serve` (mkdocs_plugin/serve.py) re-renders after an edit only the pages this says
the edit reached; a body edit that changes no link leaves every other page alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .library import Edge, Library
from .model import Note


def shown_data(note: Note) -> Note:
    """The note as other pages show it (cards, lists, indexes, queries, diagrams): everything but
    its body. Insights written in the body count (the insights page lists them)."""
    return dataclasses.replace(
        note, body="", body_line=0, body_links=[], key_lines={},  # (lines move when the body is edited)
        insights=[dataclasses.replace(i, line=0) for i in note.insights],
        cites=[dataclasses.replace(c, line=0) for c in note.cites])


def _edges(edges: Iterable[Edge], kind: str) -> set[tuple]:
    return {(e.source, e.target, e.role, e.via, kind) for e in edges}


def links_of(library: Library, key: str) -> set[tuple]:
    """The note's edges both ways, citations told from mentions (a link to a later paper is a
    mention: a year edit turns one into the other, and the graph draws citations only), without
    the lines they were written on."""
    return (_edges([*library.cites(key), *library.cited_by(key)], "cites")
            | _edges([*library.mentions_out.get(key, ()), *library.mentions_in.get(key, ())], "mentions"))


def neighbours(library: Library, key: str) -> set[str]:
    return {end for edge in links_of(library, key) for end in edge[:2]} - {key}


@dataclasses.dataclass
class LibraryChange:
    """How ``new`` differs from ``old`` for the notes in ``keys`` (those whose files changed);
    ``bib_edited``: a .bib file changed too, which completes the notes of its entries' keys
    (their title, year, authors, venue), so the notes whose entry changed are compared too."""

    shown: set[str]  # keys whose shown data changed, or that came or went
    relinked: set[str]  # keys at the other end of a link that came or went
    same_graph: bool  # notes, titles, years, fields, places and links as before: diagrams unchanged
    same_notes: bool  # every note's shown data and links as before: indexes unchanged
    same_links: bool = False  # the same notes, every citation and link as before (titles may differ)

    @classmethod
    def between(cls, old: Library, new: Library, keys: set[str], *, bib_edited: bool = False) -> "LibraryChange":
        candidates = set(keys)
        if bib_edited:  # (entries are compared whole, where they were written too: a superset)
            before, after = old.bibliography, new.bibliography
            candidates |= {key for key in before.entries.keys() | after.entries.keys()
                           if (key in old.notes or key in new.notes) and before.get(key) != after.get(key)}
        shown: set[str] = set()
        relinked: set[str] = set()
        for key in candidates:
            before, after = old.notes.get(key), new.notes.get(key)
            if before is None or after is None or shown_data(before) != shown_data(after):
                shown.add(key)
            changed_links = links_of(old, key) ^ links_of(new, key)
            relinked |= {end for edge in changed_links for end in edge[:2]} - {key}
        same_links = not relinked and old.notes.keys() == new.notes.keys()
        same_notes = same_links and not shown
        same_graph = same_notes or (
            same_links and all(_graph_data(old.notes[k]) == _graph_data(new.notes[k]) for k in shown))
        return cls(shown, relinked, same_graph, same_notes, same_links)


def _graph_data(note: Note) -> tuple:
    """What a diagram shows of a note."""
    return (note.title, note.year, tuple(note.fields), note.src_uri)


def within_two_links(library: Library, keys: Iterable[str]) -> set[str]:
    """``keys`` and the notes one or two links (either way, citations or mentions) from them."""
    found = set(keys)
    frontier = set(found)
    for _ in range(2):
        frontier = {n for key in frontier if key in library.notes for n in neighbours(library, key)} - found
        found |= frontier
    return found
