"""Citation edges among notes that Semantic Scholar knows and the notes' ``cites`` do not list.

When the stored references say note A's paper cites note B's paper (or B's stored citations
list A's paper) and A has no edge to B yet, the edge A -> B is added with ``via=LinkKind.SCHOLAR`` and
a role from the citation's intents. Such edges are drawn, listed and counted like the others,
but marked as coming from Semantic Scholar; queries can leave them out (``derived: false``)."""

from __future__ import annotations

from ..library import Edge, Library
from ..model import LinkKind
from ..problems import Problem, Severity
from .store import ScholarStore

DERIVED_VIA = LinkKind.SCHOLAR
# The first intent of this list that a citation has decides its role.
INTENT_ROLES = (("methodology", "builds-on"), ("result", "baseline"), ("background", "background"))


def role_from_intents(intents: list[str] | None) -> str:
    present = set(intents or ())
    for intent, role in INTENT_ROLES:
        if intent in present:
            return role
    return "related"


def scholar_citations(library: Library, store: ScholarStore) -> dict[tuple[str, str], list[str]]:
    """(citing note, cited note) -> the citation's intents, for every citation between notes."""
    by_paper = {pid: key for pid, key in store.note_papers().items() if key in library.notes}
    found: dict[tuple[str, str], list[str]] = {}
    for pid, source in by_paper.items():
        for item in store.link_ids(store.references, pid):
            target = by_paper.get(item["paperId"])
            if target and target != source:
                found.setdefault((source, target), list(item.get("intents") or []))
        for item in store.link_ids(store.citations, pid):
            citing = by_paper.get(item["paperId"])
            if citing and citing != source:
                found.setdefault((citing, source), list(item.get("intents") or []))
    return found


def add_derived_edges(library: Library, store: ScholarStore) -> None:
    """Add the edges Semantic Scholar knows of and the notes have not written (linear in links)."""
    if not store.citations and not store.references:
        return
    added = False
    for (source, target), intents in sorted(scholar_citations(library, store).items()):
        if any(e.target == target for e in library.out_edges.get(source, ())):
            continue  # already written (in cites or as a link in the text)
        note = library.notes[source]
        edge = Edge(source, target, role_from_intents(intents), note.line_of("cites") if "cites" in note.key_lines
                    else 1, DERIVED_VIA)
        library.out_edges.setdefault(source, []).append(edge)
        library.in_edges.setdefault(target, []).append(edge)
        added = True
    if added:
        for edges in library.out_edges.values():
            edges.sort(key=lambda e: e.target)
        for edges in library.in_edges.values():
            edges.sort(key=lambda e: e.source)


def derived_notes(library: Library, store: ScholarStore) -> list[Problem]:
    """For `paperkb check`: each citation Semantic Scholar knows that a note's ``cites`` leaves out."""
    problems = []
    for (source, target), _intents in sorted(scholar_citations(library, store).items()):
        note = library.notes[source]
        if any(c.key == target or (c.linked and (named := library.note_named(c.key)) and named.key == target)
               for c in note.cites):
            continue  # (an entry written as a [[link]] names the note by file name or alias too)
        line = note.line_of("cites") if "cites" in note.key_lines else 1
        problems.append(Problem(note.display_path, line, Severity.NOTE,
                                f"Semantic Scholar: cites {target}, not in cites"))
    return problems
