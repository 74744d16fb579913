"""One spelling per facet value: fields, venues and tags that differ only in case or spaces
(``LLM``, ``llm``, ``"Llm "``) are one value, with one index page, one tag page, one colour."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from .model import Note


def fold(value: str) -> str:
    """What two spellings of one value share: case and runs of white space do not count."""
    return " ".join(value.split()).casefold()


def _tidy(value: str) -> str:
    return " ".join(value.split())


def spellings(values: Iterable[str]) -> dict[str, str]:
    """Folded value -> the spelling to show: the most used one; on a tie one with capitals
    (an acronym, ``LLM``, over ``llm``), then the first met."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for index, value in enumerate(_tidy(v) for v in values):
        counts[value] += 1
        first.setdefault(value, index)
    best: dict[str, str] = {}
    for value in sorted(counts, key=lambda v: (-counts[v], v == v.lower(), first[v])):
        best.setdefault(fold(value), value)
    return best


@dataclasses.dataclass
class FacetSpellings:
    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    venues: dict[str, str] = dataclasses.field(default_factory=dict)
    tags: dict[str, str] = dataclasses.field(default_factory=dict)

    def tag(self, value: str) -> str:
        return self.tags.get(fold(value), _tidy(value))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def unify_facets(notes: dict[str, Note], others: Iterable[Note] = ()) -> tuple[dict[str, Note], FacetSpellings]:
    """``notes`` with every field, venue and tag in its one spelling (chosen over ``notes`` and
    ``others``, e.g. drafts). Notes are copied, never changed: the parse cache keeps them."""
    everything = list(notes.values()) + list(others)
    found = FacetSpellings(
        fields=spellings(f for n in everything for f in n.fields),
        venues=spellings(n.venue for n in everything if n.venue),
        tags=spellings(t for n in everything for t in n.tags),
    )
    unified: dict[str, Note] = {}
    for key, note in notes.items():
        fields = _unique(found.fields[fold(f)] for f in note.fields)
        tags = _unique(found.tags[fold(t)] for t in note.tags)
        venue = found.venues[fold(note.venue)] if note.venue else note.venue
        if (fields, tags, venue) != (note.fields, note.tags, note.venue):
            note = dataclasses.replace(note, fields=fields, tags=tags, venue=venue)
        unified[key] = note
    return unified, found
