"""The facets a reader filters notes by (search filters, the Explore table): one list.

Each facet gives a note's values as the labels a reader sees ("Deep read", not "deep"), so
the search panel, the Explore page and the compact site data show the same words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import LEVEL_LABELS, TYPE_LABELS, Note


@dataclass(frozen=True)
class Facet:
    name: str  # the filter's name in the search index and the site data
    label: str  # its heading in the search panel and the Explore page
    values: Callable[[Note], list[str]]


def _one(value: object) -> list[str]:
    return [str(value)] if value not in (None, "") else []


NOTE_FACETS: tuple[Facet, ...] = (
    Facet("field", "Field", lambda n: list(n.fields)),
    Facet("year", "Year", lambda n: _one(n.year)),
    Facet("type", "Type", lambda n: _one(TYPE_LABELS.get(n.type or "", n.type))),
    Facet("level", "Level", lambda n: _one(LEVEL_LABELS.get(n.level or "", n.level))),
    Facet("venue", "Venue", lambda n: _one(n.venue)),
    Facet("tag", "Tag", lambda n: list(n.tags)),
    Facet("dataset", "Dataset", lambda n: list(n.datasets)),
    Facet("metric", "Metric", lambda n: list(n.metrics)),
)
# What a search result is: a paper note, a blog post, or any other page (search only).
KIND, KIND_LABEL = "kind", "Kind"
KIND_LABELS = {"note": "Note", "post": "Post", "page": "Page"}
# Every filter of the search panel, in its order, with its heading.
SEARCH_FILTERS: dict[str, str] = {**{f.name: f.label for f in NOTE_FACETS}, KIND: KIND_LABEL}


def note_facets(note: Note) -> dict[str, list[str]]:
    """Every facet's values for ``note`` (empty lists left out), kind included."""
    values = {facet.name: facet.values(note) for facet in NOTE_FACETS}
    values[KIND] = [KIND_LABELS["note"]]
    return {name: vals for name, vals in values.items() if vals}
