"""Complete notes from the .bib entry with the same key: the front-matter always wins, the
.bib fills what the note leaves out, and a different title or year is reported in both places."""

from __future__ import annotations

import dataclasses
import re

from ..model import Note
from ..problems import Problem, Severity
from .database import Bibliography
from .entry import BibEntry

MISSING_TITLE = "missing required key 'title'"


def _comparable(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def complete_note(note: Note, entry: BibEntry) -> tuple[Note, list[Problem]]:
    """A copy of ``note`` with its missing bibliographic fields taken from ``entry``.

    Notes live in the parse cache across `mkdocs serve` rebuilds, so they are never changed in place."""
    problems: list[Problem] = []
    changes: dict[str, object] = {}
    has = note.key_lines.__contains__

    def conflict(name: str, ours: object, theirs: object) -> None:
        problems.append(Problem(
            note.display_path, note.line_of(name), Severity.WARNING,
            f"{name} '{ours}' differs from {entry.where(name)} '{theirs}' (BibTeX entry '{entry.key}'); "
            "the note's value is used"))

    if not has("title") and entry.title:
        changes["title"] = entry.title
    elif note.title and entry.title and _comparable(note.title) != _comparable(entry.title):
        conflict("title", note.title, entry.title)
    if note.year is None and not has("year") and entry.year is not None:
        changes["year"] = entry.year
    elif note.year is not None and entry.year is not None and note.year != entry.year:
        conflict("year", note.year, entry.year)
    if not note.authors and entry.authors:
        changes["authors"] = list(entry.authors)
    if not note.venue and entry.venue:
        changes["venue"] = entry.venue
    if not note.doi and entry.doi:
        changes["doi"] = entry.doi
    if not note.arxiv and entry.arxiv:
        changes["arxiv"] = entry.arxiv
    if "paper" not in note.links and entry.url and re.match(r"^(https?|ftp)://", entry.url, re.IGNORECASE):
        changes["links"] = {"paper": entry.url, **note.links}
    return (dataclasses.replace(note, **changes) if changes else note), problems


def complete_notes(notes: dict[str, Note], bibliography: Bibliography) -> tuple[dict[str, Note], list[Problem]]:
    """Every note completed from its entry; notes still without a title are reported and left out."""
    problems: list[Problem] = []
    completed: dict[str, Note] = {}
    for key, note in notes.items():
        entry = bibliography.get(key)
        if entry is not None:
            note, found = complete_note(note, entry)
            problems.extend(found)
        if not note.title:
            hint = f" (no .bib entry has the key '{key}')" if bibliography.files and entry is None else ""
            problems.append(Problem(note.display_path, 1, Severity.ERROR, MISSING_TITLE + hint))
            continue
        completed[key] = note
    return completed, problems
