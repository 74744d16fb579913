"""Compact data about every note for the browser, written once per build: the Explore table
filters and sorts it; the interactive graph and previews can read it too.

``assets/paperkb/notes.json``::

    {"version": 1,
     "facets": {"field": ["LLM", ...], "venue": [...], "type": [...], "level": [...],
                "tag": [...], "dataset": [...], "metric": [...]},    # values, each list sorted
     "notes": [{"key": "k", "title": "...", "url": "papers/k/", "year": 2022,
                "authors": "Hoffmann et al.", "venue": 3, "type": 0, "level": 1,
                "field": [0], "tag": [], "dataset": [2], "metric": [],  # indexes into "facets"
                "cited_by": 12, "cites": 3, "problem": "one line of plain text"}, ...]}

Keys with no value are left out; ``url`` is relative to the site root. Facet values are the
labels readers see (core/note_filters.py). ``<``, ``>`` and ``&`` are written as ``\\u003c``...,
so the text is also safe inside a ``<script>`` element."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..core.library import Library, newest_first
from ..core.model import Note
from ..core.note_memo import NoteMemo
from ..core.note_filters import NOTE_FACETS
from .escape import one_line, script_json
from .site_map import SiteMap

SITE_DATA_URI = "assets/paperkb/notes.json"
VERSION = 1
PROBLEM_LENGTH = 200
# Facets with one value per note are stored as one index, the others as a list of indexes.
_SINGLE = frozenset({"venue", "type", "level"})


def authors_short(authors: list[str]) -> str:
    if len(authors) > 2:
        return f"{authors[0]} et al."
    return " and ".join(authors)


def site_data(library: Library, site: SiteMap, memo: NoteMemo | None = None, previous: dict | None = None) -> dict:
    """``memo``: `serve` keeps each note's record while the note, its counts and the facets'
    value lists (records hold indexes into them; ``previous``: the last build's data) are the same."""
    notes = newest_first(library)
    facets = {f.name: f for f in NOTE_FACETS if f.name != "year"}
    values = {name: sorted({v for n in notes for v in facet.values(n)}, key=str.casefold)
              for name, facet in facets.items()}
    index = {name: {v: i for i, v in enumerate(vals)} for name, vals in values.items()}
    if memo is None:
        records = [_record(note, library, site, facets, index) for note in notes]
    else:
        if previous is None or previous.get("facets") != values:
            memo.clear()
        records = [memo.get(note, lambda note=note: _record(note, library, site, facets, index), "record",
                            library.cited_by_count(note.key), len(library.cites(note.key)))
                   for note in notes]
        memo.forget_unused()
    return {"version": VERSION, "facets": values, "notes": records}


def _record(note: Note, library: Library, site: SiteMap, facets: dict, index: dict) -> dict:
    record: dict = {"key": note.key, "title": note.title, "url": site.urls.url(note.src_uri)}
    if note.year is not None:
        record["year"] = note.year
    if note.authors:
        record["authors"] = authors_short(note.authors)
    for name, facet in facets.items():
        ids = [index[name][v] for v in facet.values(note)]
        if ids:
            record[name] = ids[0] if name in _SINGLE else ids
    cited_by, cites = library.cited_by_count(note.key), len(library.cites(note.key))
    if cited_by:
        record["cited_by"] = cited_by
    if cites:
        record["cites"] = cites
    problem = one_line(note.problem, PROBLEM_LENGTH)
    if problem:
        record["problem"] = problem
    return record


def site_data_json(data: dict, kept: dict[int, tuple[dict, str]] | None = None) -> str:
    """The data as notes.json. ``kept``: `serve`'s record texts of the last build, by record
    (site_data's memo hands back the same record while its note is the same): only the records
    of changed notes are written again; ``kept`` is left holding this build's."""
    if kept is None:
        return script_json(data)
    texts = texts_of_records(data["notes"], script_json, kept)
    # (what script_json(data) writes: compact, keys in the data's order)
    return f'{{"version":{script_json(data["version"])},"facets":{script_json(data["facets"])},"notes":[{",".join(texts)}]}}'


def texts_of_records(records: list[dict], make: Callable[[dict], str], kept: dict[int, tuple[dict, str]] | None) -> list[str]:
    """``make(record)`` of each record; ``kept`` (`serve`): the texts of the last build by record,
    taken while the record is the same object, and left holding this build's."""
    if kept is None:
        return [make(record) for record in records]
    made: dict[int, tuple[dict, str]] = {}
    for record in records:
        known = kept.get(id(record))
        made[id(record)] = (record, known[1] if known is not None and known[0] is record else make(record))
    kept.clear()
    kept.update(made)
    return [text for _record, text in made.values()]


def facet_labels(record: dict, data: dict, name: str) -> list[str]:
    """The values of facet ``name`` of one note record (for static HTML made from the data)."""
    value = record.get(name)
    if value is None:
        return []
    ids: Iterable[int] = [value] if isinstance(value, int) else value
    return [data["facets"][name][i] for i in ids]
