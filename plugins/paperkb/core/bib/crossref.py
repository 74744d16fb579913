"""biblatex / BibTeX ``crossref``: a child entry inherits the fields of the parent it names.

What is inherited follows biblatex's default data inheritance (biblatex manual, appendix B):
the parent's ``title`` / ``subtitle`` / ``titleaddon`` become the child's ``booktitle`` /
``booksubtitle`` / ``booktitleaddon`` (a paper in a proceedings volume is titled by itself and
published in the volume; a multi-volume parent's become ``maintitle`` ...), the fields that identify the parent entry itself are not inherited,
and every other field the child leaves out (``year``, ``date``, ``editor``, ``publisher``,
``location``, ...) is taken as it is. Inherited fields are marked: they show in references and
cards, and ``all.bib`` writes the child as it was written (with its ``crossref``)."""

from __future__ import annotations

from dataclasses import replace

from ..problems import Problem, Severity
from .entry import BibEntry, BibField

# The parent's own title fields, renamed in the child (biblatex's `\inherit` defaults for
# in* entries of a book, collection or proceedings).
_RENAMED = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon",
            "shorttitle": None, "sorttitle": None, "indextitle": None, "indexsorttitle": None}
# Fields about the parent entry itself, never inherited (biblatex: `\inherit*{all}{...}` skips).
_NOT_INHERITED = frozenset({"crossref", "xref", "xdata", "ids", "entryset", "entrysubtype", "execute", "label",
                            "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
                            "shorthand", "shorthandintro", "sortkey", "key", "file", "annote", "annotation"})


def resolve_crossrefs(entries: dict[str, BibEntry]) -> tuple[dict[str, BibEntry], list[Problem]]:
    """``entries`` with every child completed from its parent (one level, as BibTeX and biber
    resolve it by default); a ``crossref`` to a key no entry has is a warning at its line."""
    problems: list[Problem] = []
    resolved = dict(entries)
    for key, entry in entries.items():
        parent_key = (entry.raw("crossref") or "").strip()
        if not parent_key:
            continue
        parent = entries.get(parent_key)
        if parent is None or parent is entry:
            if parent is None and entry.source is not None:
                problems.append(Problem(entry.source.path, entry.line_of("crossref"), Severity.WARNING,
                                        f"entry '{key}' has crossref '{parent_key}', which no .bib entry has"))
            continue
        resolved[key] = inherit(entry, parent)
    return resolved, problems


# A multi-volume parent (@mvbook, @mvcollection, ...) titles the whole work: biblatex calls that maintitle.
_RENAMED_FROM_MV = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon",
                    "shorttitle": None, "sorttitle": None, "indextitle": None, "indexsorttitle": None}


def inherit(child: BibEntry, parent: BibEntry) -> BibEntry:
    have = {f.name for f in child.fields}
    added: list[BibField] = []
    renamed = _RENAMED_FROM_MV if parent.entry_type.startswith("mv") else _RENAMED
    for item in parent.fields:
        if item.name in _NOT_INHERITED:
            continue
        name = renamed.get(item.name, item.name)
        if name is None or name in have:
            continue
        have.add(name)
        added.append(BibField(name, item.value, item.enclosing, 0, inherited=True))
    return replace(child, fields=child.fields + tuple(added)) if added else child
