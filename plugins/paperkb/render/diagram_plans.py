"""The note diagrams a build planned, kept for the next build over the same citation graph.

Planning a note's diagram (its neighbourhood, its DOT source, the hash that names its SVG)
costs ~0.7 ms a note, and a rebuild whose notes keep their titles, years, fields, pages and
citations (one after editing only the notes' text, or with nothing edited) plans exactly the
same diagrams again. So a build keeps its plan, per note page the SVG's key and the figure
around it, beside the diagrams, under a digest of everything a plan is made from: every note's
key, title, year, first field and page; every citation with its role and kind, in order; the
diagrams' size cap and page naming; Graphviz's version and paperkb's code. The file is compressed JSON, signed like every cache file (core/cache_file.py); any change of those
inputs makes the whole plan stale, and a note whose SVG has gone from the cache is planned again.
A figure is kept as the pieces it is held in until its page is written (render/graph_html.py
HeldFigures: a legend's entries are shared by many figures), each piece written once: at 10,000
notes the figures were ~30 MB of JSON to encode and compress, the pieces ~3 MB.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from ..core.cache_file import code_stamps, read_keyed_json, write_keyed_json
from ..core.library import Library

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PLAN_FILE = "note-diagrams.json.z"

# note src_uri -> (SVG key, the pieces of the figure HTML holding the SVG's marker, in order), or
# None: the note has no diagram
Plans = dict[str, "tuple[str, tuple[str, ...]] | None"]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The size and time of every module of paperkb (an upgrade or an edit makes plans stale)."""
    return hashlib.sha256(repr(code_stamps(PACKAGE_DIR)).encode("utf-8")).hexdigest()


def graph_digest(library: Library, *, max_nodes: int, use_directory_urls: bool, graphviz: str) -> str:
    """A digest of everything the note diagrams of ``library`` are planned from."""
    notes = [(n.key, n.title, n.year, n.fields[0] if n.fields else None, n.src_uri)
             for n in sorted(library.notes.values(), key=lambda n: n.key)]
    edges = [[(e.source, e.target, e.role, e.via.value) for e in library.cites(key)] for key, *_ in notes]
    inputs = (notes, edges, max_nodes, use_directory_urls, graphviz, code_fingerprint())
    return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


class DiagramPlans:
    """The plan file in ``directory`` (None: nothing kept)."""

    def __init__(self, directory: Path | None) -> None:
        self.path = directory / PLAN_FILE if directory else None

    def get(self, digest: str) -> Plans | None:
        """The plans kept under ``digest``; None when there are none (or not this user's)."""
        kept = read_keyed_json(self.path, "diagram-plans", digest) if self.path else None
        if kept is None:
            return None
        try:
            pieces = [str(piece) for piece in kept["pieces"]]
            return {src: (str(plan[0]), tuple(pieces[at] for at in plan[1])) if plan is not None else None
                    for src, plan in kept["plans"].items()}
        except (TypeError, KeyError, IndexError, AttributeError):
            return None

    def put(self, digest: str, plans: Plans) -> None:
        if self.path is None:
            return
        numbers: dict[str, int] = {}  # each piece, numbered as first met
        kept = {src: [plan[0], [numbers.setdefault(piece, len(numbers)) for piece in plan[1]]] if plan is not None else None
                for src, plan in plans.items()}
        write_keyed_json(self.path, "diagram-plans", digest, {"pieces": list(numbers), "plans": kept})
