"""Papers sorted into the groups of a related-work section: by field, by citation role, or by
their relation to the author's work (peer / upstream); oldest first inside a group.

Each paper sits in exactly one group, so a draft says one sentence about it once."""

from __future__ import annotations

from collections import Counter

from .library import Library
from .model import ROLE_LABELS, ROLES, Note
from .projects import GROUP_LABELS, GROUPS, Project, oldest_first_key, relation_of

GROUPINGS = ("field", "role", "relation")
OTHER = "Other"


def group_papers(notes: list[Note], by: str, library: Library,
                 project: Project | None = None) -> list[tuple[str, list[Note]]]:
    """(group label, its papers oldest first), groups in a fixed order, "Other" last."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}")
    labels = {note.key: label for note, label in zip(notes, _labels(notes, by, library, project))}
    order = _group_order(by, [labels[n.key] for n in notes])
    return [(label, sorted((n for n in notes if labels[n.key] == label), key=oldest_first_key)) for label in order]


def _labels(notes: list[Note], by: str, library: Library, project: Project | None) -> list[str]:
    if by == "field":
        return [note.fields[0] if note.fields else OTHER for note in notes]
    if by == "relation":
        entries = {paper.key: paper for paper in project.papers} if project else {}
        return [GROUP_LABELS[relation_of(entries[n.key], n) if n.key in entries else n.relation] for n in notes]
    # role: how the other selected papers cite it, the most frequent role (ties: ROLES order)
    chosen = {n.key for n in notes}
    labels = []
    for note in notes:
        roles = Counter(e.role for e in library.cited_by(note.key) if e.source in chosen and not e.in_text)
        best = min(roles, key=lambda r: (-roles[r], ROLES.index(r))) if roles else None
        labels.append(ROLE_LABELS[best] if best else OTHER)
    return labels


def _group_order(by: str, labels: list[str]) -> list[str]:
    present = set(labels)
    if by == "relation":
        return [GROUP_LABELS[g] for g in GROUPS if GROUP_LABELS[g] in present]
    if by == "role":
        return [ROLE_LABELS[r] for r in ROLES if ROLE_LABELS[r] in present] + ([OTHER] if OTHER in present else [])
    sizes = Counter(labels)  # fields: the largest first
    named = sorted((label for label in present if label != OTHER), key=lambda f: (-sizes[f], f.casefold(), f))
    return named + ([OTHER] if OTHER in present else [])
