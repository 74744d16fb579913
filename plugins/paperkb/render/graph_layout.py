"""Build-time layout of the interactive citation graph: Graphviz ``sfdp`` through pygraphviz.

The explorer opens already laid out: node positions travel in its JSON, the browser only
draws. ``sfdp`` (multilevel force-directed, in the Graphviz library the pygraphviz wheels
bundle) takes seconds at 10,000 notes, so a layout is cached on disk under the digest of the
graph's *structure* (node keys and citations, not titles): editing a note's text never lays
the graph out again, and the cache file is signed like every other cache (core/cache_file.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..core.cache_file import read_signed_cache_file, write_signed_cache_file
from ..core.user_key import keyed_digest

LAYOUT_VERSION = "3"  # 3: every layout after the same warm-up layout (see _laid_out)
Positions = list[tuple[float, float]]


def structure_digest(keys: Sequence[str], edges: Sequence[tuple[int, int]]) -> str:
    return keyed_digest("sfdp", LAYOUT_VERSION, "\n".join(keys), ";".join(f"{a},{b}" for a, b in edges))


def sfdp_positions(count: int, edges: Sequence[tuple[int, int]]) -> Positions:
    """Positions of ``count`` nodes (named by index) joined by ``edges``, laid out by sfdp.

    Nodes are points (labels are the browser's job), overlap is allowed (removing it needs a
    Graphviz build with triangulation, and sigma draws overlapping dots fine) and no splines
    are routed: only positions are read back, in inches rounded to two decimals. Repulsion is
    approximated with sfdp's ``quadtree=fast`` scheme: half the CPU of the default (4.7 ->
    2.1 s at 10,000 notes), and on a graph of eight citation clusters the same separation of
    the clusters (median distance within a cluster / between clusters 0.34 either way)."""
    if count == 0:
        return []
    if count == 1:
        return [(0.0, 0.0)]
    # sfdp keeps state from one layout to the next in a process: the same graph came out one way
    # on a process's first layout and another way after it, so a cold build (the worker's first
    # sfdp) and serve (a later one) disagreed. After the same two-node layout, it is always the same.
    _laid_out(2, [(0, 1)])
    points = _laid_out(count, edges)
    positions: Positions = [(0.0, 0.0)] * count
    if isinstance(points, dict):
        for name, (x, y) in points.items():
            positions[int(name)] = (_inches(x), _inches(y))
        return positions
    for line in points.splitlines():
        parts = line.split(" ", 4)
        if parts[0] == "node" and len(parts) >= 4:
            positions[int(parts[1])] = (round(float(parts[2]), 2), round(float(parts[3]), 2))
    return positions


def _inches(points: float) -> float:
    """A position in points as sfdp's "plain" output gives it (inches, ``%.5g``), rounded to
    two decimals as that output's numbers are."""
    return round(float("%.5g" % (points / 72)), 2)


def _laid_out(count: int, edges: Sequence[tuple[int, int]]) -> dict[str, tuple[float, float]] | str:
    """sfdp's positions of ``count`` point nodes named by index, joined by ``edges``: read from
    Graphviz's layout records (graphviz_lib.py; 0.15 s less at 10,000 notes than a pygraphviz
    graph read from a temporary file and written as "plain" text, the same numbers), or that
    text where the records cannot be read."""
    from .graph_svg import muted_stderr
    from .graphviz_lib import node_points

    lines = ['graph g { graph [overlap=true, splines=false, outputorder=edgesfirst, K=0.6, quadtree=fast];',
             ' node [shape=point, width=0.05, label=""];']
    lines += [f" {i};" for i in range(count)]
    lines += [f" {a} -- {b};" for a, b in edges if a != b]
    lines.append("}")
    # quiet: sfdp says "remove_overlap: Graphviz not built with triangulation library" on stderr
    with muted_stderr():
        points = node_points(" ".join(lines) + "\n", b"sfdp")
    return points if points is not None else _plain_text("\n".join(lines))


def _plain_text(dot: str) -> str:
    """sfdp's "plain" output of ``dot``, through pygraphviz."""
    import pygraphviz

    from .graph_svg import run_graphviz

    return run_graphviz(pygraphviz.AGraph(string=dot), b"sfdp", b"plain",
                        subject="the citation graph", output="the layout", quiet=True)


class LayoutCache:
    """Layouts on disk as ``<dir>/<digest>.json``, signed; ``None`` directory: nothing kept."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, digest: str) -> Path | None:
        return self.directory / f"{digest}.json" if self.directory else None

    def get(self, digest: str, count: int) -> Positions | None:
        path = self._path(digest)
        data = read_signed_cache_file(path, digest) if path else None
        if data is None:
            return None
        try:
            positions = [(float(x), float(y)) for x, y in json.loads(data)]
        except (ValueError, TypeError):
            return None
        return positions if len(positions) == count else None

    def put(self, digest: str, positions: Positions) -> None:
        path = self._path(digest)
        if path:
            write_signed_cache_file(path, json.dumps(positions, separators=(",", ":")).encode(), digest)


def layout_and_store(count: int, edges: Sequence[tuple[int, int]], cache_dir: str | None, digest: str) -> Positions:
    """Worker job: lay out and keep the result on disk for the next build."""
    positions = sfdp_positions(count, edges)
    LayoutCache(Path(cache_dir) if cache_dir else None).put(digest, positions)
    return positions
