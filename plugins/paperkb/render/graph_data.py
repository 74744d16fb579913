"""The interactive citation graph as one compact JSON file, written once per build.

Every graph page (the whole collection, each field) loads the same file and filters it in the
browser. Rows are arrays, not objects, and repeated strings (fields, types, roles) are indexes
into lists: about 120 bytes a note at 10,000 notes.

    {"version": 1,
     "fields": ["LLM", ...],            # most frequent first
     "colours": [0, 1, ...],            # each field's palette colour, as in the diagrams
     "types": ["application", ...], "roles": ["builds-on", ..., "in-text"],
     "nodes": [[key, title, year|null, venue, [field, ...], type|-1, url, cited_by, x, y], ...],
     "edges": [[citing, cited, role], ...]}   # node and role indexes

A node's colour is its first field's;
``url`` is the note page's URL relative to the site root. A pair of notes joined both by a
``cites`` entry and a link in the text is one edge, with the ``cites`` role.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.library import Library
from ..core.model import PAPER_TYPES, ROLES
from .escape import script_json
from .graph_html import palette_indexes
from .graph_layout import Positions
from .site_map import SiteMap

IN_TEXT_ROLE = "in-text"  # a link in the note's text rather than its cites list
FORMAT_VERSION = 1


@dataclass(frozen=True)
class GraphStructure:
    """Notes in a fixed order and the citations between them, as node indexes: what the layout needs.

    Held from planning to the end of a build (the explorer's data is written last): the citations
    as two arrays of node indexes and their roles (the library's strings), ~16 bytes a citation,
    not a tuple of three and two int objects (10,000 short notes: 3.8 -> 1.0 MB with the keys)."""

    keys: list[str]
    citing: array[int]
    cited: array[int]
    roles: tuple[str, ...]

    @property
    def edges(self) -> Iterator[tuple[int, int, str]]:
        """(citing, cited, role) of each citation, in order."""
        return zip(self.citing, self.cited, self.roles)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.citing, self.cited))


def graph_structure(library: Library) -> GraphStructure:
    keys = sorted(library.notes)
    index = {k: i for i, k in enumerate(keys)}
    chosen: dict[tuple[int, int], str] = {}
    for key in keys:
        for edge in library.cites(key):
            target = index.get(edge.target)
            if target is None or edge.target == key:
                continue
            pair = (index[key], target)
            role = IN_TEXT_ROLE if edge.in_text else edge.role
            if pair not in chosen or chosen[pair] == IN_TEXT_ROLE:
                chosen[pair] = role
    ordered = sorted(chosen.items())
    return GraphStructure(keys, array("i", [a for (a, _b), _role in ordered]),
                          array("i", [b for (_a, b), _role in ordered]), tuple(role for _pair, role in ordered))


def fields_by_frequency(library: Library) -> list[str]:
    """Every field, most common first: the order that gives fields their palette colours."""
    counts = Counter(f for n in library for f in n.fields)
    return sorted(counts, key=lambda f: (-counts[f], f.lower()))


def graph_json(library: Library, site: SiteMap, structure: GraphStructure, positions: Positions) -> str:
    """The explorer's JSON (positions as ``graph_layout`` computed them for ``structure``)."""
    fields = fields_by_frequency(library)
    field_index = {f: i for i, f in enumerate(fields)}
    colours = palette_indexes(fields)
    present_types = {n.type for n in library if n.type}
    types = [t for t in PAPER_TYPES if t in present_types]
    type_index = {t: i for i, t in enumerate(types)}
    used_roles = {role for _a, _b, role in structure.edges}
    roles = [r for r in ROLES if r in used_roles] + sorted(r for r in used_roles if r not in ROLES and r != IN_TEXT_ROLE)
    roles += [IN_TEXT_ROLE] if IN_TEXT_ROLE in used_roles else []
    role_index = {r: i for i, r in enumerate(roles)}
    cited_by = Counter(b for _a, b, _role in structure.edges)
    nodes = []
    for i, key in enumerate(structure.keys):
        note = library.notes[key]
        x, y = positions[i] if i < len(positions) else (0.0, 0.0)
        nodes.append([
            key, " ".join(note.title.split()), note.year, note.venue or "",
            [field_index[f] for f in note.fields],
            type_index.get(note.type or "", -1),
            site.urls.url(note.src_uri), cited_by.get(i, 0), x, y,
        ])
    data = {
        "version": FORMAT_VERSION, "fields": fields, "colours": [colours[f] for f in fields], "types": types, "roles": roles,
        "nodes": nodes, "edges": [[a, b, role_index[role]] for a, b, role in structure.edges],
    }
    return script_json(data)
