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


class FacetMemo:
    """What the last ``unify_facets`` made, for the next (`serve` loads the library again after
    every edit): while every note's fields, venue and tags are as they were, in the same order,
    the spellings are the same, and a note that is the same object comes out as before."""

    def __init__(self) -> None:
        self.values: list[tuple] | None = None  # each note's (fields, venue, tags), drafts after
        self.found: FacetSpellings | None = None
        self.unified: dict[str, tuple[Note, Note]] = {}  # key -> (note in, note out)


def unify_facets(notes: dict[str, Note], others: Iterable[Note] = (),
                 memo: FacetMemo | None = None) -> tuple[dict[str, Note], FacetSpellings]:
    """``notes`` with every field, venue and tag in its one spelling (chosen over ``notes`` and
    ``others``, e.g. drafts). Notes are copied, never changed: the parse cache keeps them."""
    everything = list(notes.values()) + list(others)
    values = [(n.fields, n.venue, n.tags) for n in everything]
    if memo is not None and memo.found is not None and values == memo.values:
        found = memo.found
    else:
        found = FacetSpellings(
            fields=spellings(f for n in everything for f in n.fields),
            venues=spellings(n.venue for n in everything if n.venue),
            tags=spellings(t for n in everything for t in n.tags),
        )
        if memo is not None:
            memo.unified = {}  # (the spellings may differ: every note again)
    unified: dict[str, Note] = {}
    made: dict[str, tuple[Note, Note]] = {}
    for key, note in notes.items():
        kept = memo.unified.get(key) if memo is not None else None
        if kept is not None and kept[0] is note:
            unified[key] = kept[1]
            made[key] = kept
            continue
        fields = _unique(found.fields[fold(f)] for f in note.fields)
        tags = _unique(found.tags[fold(t)] for t in note.tags)
        venue = found.venues[fold(note.venue)] if note.venue else note.venue
        out = note
        if (fields, tags, venue) != (note.fields, note.tags, note.venue):
            out = dataclasses.replace(note, fields=fields, tags=tags, venue=venue)
        unified[key] = out
        made[key] = (note, out)
    if memo is not None:
        memo.values, memo.found, memo.unified = values, found, made
    return unified, found
