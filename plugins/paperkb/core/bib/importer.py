"""Plan notes for the entries of a .bib file: one new note per entry no note has yet."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
import yaml

from ..library import Library
from ..model import PAPER_TYPES
from ..slug import ascii_slug, is_safe_key
from ..templates import SKIM_QUESTIONS
from .entry import BibEntry

_FILE_SAFE = re.compile(r"^[A-Za-z0-9._+-]+$")


@dataclass(frozen=True)
class PlannedNote:
    entry: BibEntry
    path: Path | None  # None: skipped
    text: str = ""
    skip_reason: str = ""
    keep_as_bib_entry: bool = False  # no note, but the source entry is kept in the notes folder


def note_front_matter(entry: BibEntry) -> dict:
    """Front-matter from the entry, decoded to Unicode; ``level: skim``; ``type`` is the reader's call."""
    front: dict = {"title": entry.title or entry.key, "key": entry.key}
    if entry.authors:
        front["authors"] = list(entry.authors)
    if entry.year is not None:
        front["year"] = entry.year
    if entry.venue:
        front["venue"] = entry.venue
    if entry.arxiv:
        front["arxiv"] = entry.arxiv
    if entry.doi:
        front["doi"] = entry.doi
    if entry.url and re.match(r"^(https?|ftp)://", entry.url, re.IGNORECASE):
        front["links"] = {"paper": entry.url}
    front["level"] = "skim"
    return front


def note_text(entry: BibEntry, today: _dt.date | None = None) -> str:
    dumped = yaml.safe_dump(note_front_matter(entry), allow_unicode=True, sort_keys=False, width=4096)
    source = f" from {entry.where()}" if entry.source else ""
    today = (today or _dt.date.today()).isoformat()
    return (
        f"---\n{dumped}# type: {' | '.join(PAPER_TYPES)}\n---\n"
        f"<!-- imported{source} on {today}; bullets beginning with [idea] or [想法] are collected as insights -->\n\n"
        f"{SKIM_QUESTIONS}"
    )


def file_name_for(key: str) -> str:
    return f"{key}.md" if _FILE_SAFE.match(key) else f"{ascii_slug(key, max_words=12)}.md"


def plan_import(entries: Iterable[BibEntry], library: Library, out_dir: Path) -> list[PlannedNote]:
    """A note for every entry whose key no note (published, draft or being planned) uses."""
    plans: list[PlannedNote] = []
    planned_paths: set[Path] = set()
    for entry in entries:
        existing = library.notes.get(entry.key) or library.drafts.get(entry.key)
        if existing is not None:
            plans.append(PlannedNote(entry, None, skip_reason=f"a note has this key: {existing.display_path}"))
            continue
        if not is_safe_key(entry.key):
            plans.append(PlannedNote(entry, None, keep_as_bib_entry=True, skip_reason=(
                "the key is not usable as a note key (letters, digits and . _ - + : only)")))
            continue
        path = out_dir / file_name_for(entry.key)
        if path.exists() or path.resolve() in planned_paths:
            plans.append(PlannedNote(entry, None, skip_reason=f"{path} exists (a file that is not a note with this key)"))
            continue
        planned_paths.add(path.resolve())
        plans.append(PlannedNote(entry, path, note_text(entry)))
    return plans


# -- keeping the source entries beside the notes ---------------------------------------------
KEPT_MARK = "Entries kept by `paperkb import bib`"
# What a new note holds; every other field (pages, publisher, volume, ...) lives in the kept .bib.
NOTE_HOLDS = "title, authors, year, venue, doi, arxiv, url"


def kept_source_text(source_text: str, keys: Iterable[str], existing: str = "") -> tuple[str, list[str]]:
    """The text of the notes folder's copy of a source .bib: ``existing`` (a copy written
    before) plus, as written in ``source_text``, the entries of ``keys`` it does not hold yet,
    the entries they ``crossref`` and the ``@string`` macros they may use. Returns the text and
    the keys added."""
    source = bibtexparser.parse_string(source_text)
    kept = bibtexparser.parse_string(existing) if existing else None
    held = {e.key for e in kept.entries} if kept else set()
    held_strings = {m.key for m in kept.strings} if kept else set()
    by_key = {e.key: e for e in source.entries}
    wanted: list[str] = []
    for key in keys:
        entry = by_key.get(key)
        parent = (entry.fields_dict.get("crossref").value if entry and "crossref" in entry.fields_dict else "") or ""
        for name in (key, parent.strip()):
            if name and name in by_key and name not in held and name not in wanted:
                wanted.append(name)
    if not wanted:
        return existing, []
    blocks = [] if existing else [f"% {KEPT_MARK}: each entry as written in the file imported.\n"
                                  "% The notes take their fields from here; `paperkb export bib` writes these entries back."]
    blocks += [m.raw.strip() for m in source.strings if m.raw and m.key not in held_strings]
    blocks += [by_key[key].raw.strip() for key in wanted]
    text = (existing.rstrip("\n") + "\n\n" if existing else "") + "\n\n".join(blocks) + "\n"
    return text, wanted
