#!/usr/bin/env python
"""Diagram layout benchmark: Graphviz's time and the drawings' quality over every note's diagram.

    bench/diagram_layout.py N [--shape skim|deep] [--seed S] [--reps K] [--graph-attr "nslimit=0.5" ...]

Writes N synthetic notes (synth.py), loads them as a build does and makes each note's citation
diagram (its local view, 30 notes at most, as the plugin's default), then lays every diagram out
with paperkb's DOT (render/graph_dot.layout_dot) and once more per ``--graph-attr`` variant
(attributes added to the DOT's graph statement), and prints for each:

  place ms     CPU per diagram of Graphviz's layout (graphviz_lib.place: parse, layout, positions),
               the best of K rounds (CPU time: less sensitive to a busy machine than wall time)
  crossings    pairs of citations whose lines cross between two columns (their heights swap
               order; citations sharing a box end never cross there: edge_routes spreads ports)
  bend         how far the lines climb or fall, summed over their gaps: less is straighter
  width/height the drawing's size (points; columns run left to right)
  overlaps     boxes (or chain points) of one column that overlap: must be 0
  same order   diagrams whose boxes sit in each column in the same order as without the variant

A variant is worth keeping only when it cuts ``place ms`` with crossings, bend and size no worse.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent / "plugins"))

from synth import SHAPES, write_notes  # noqa: E402

from paperkb.core.loader import load_library  # noqa: E402
from paperkb.core.urls import SiteUrls  # noqa: E402
from paperkb.render.graph_dot import (FOCUS_FONT_SIZE, NOTE_FONT_SIZE, GraphViews, box_size,  # noqa: E402
                                      chain_node, diagram_source, edge_columns, layout_dot)
from paperkb.render.graphviz_lib import Placed, place  # noqa: E402

LOCAL_MAX_NODES = 30  # the plugin's default local_graph_max_nodes


def diagram_sources(notes_dir: Path) -> list[dict]:
    """Each note's diagram source, as the build makes it for the note's page."""
    library = load_library(notes_dir)
    views, urls = GraphViews(library), SiteUrls()
    return [json.loads(diagram_source(views.local(key, LOCAL_MAX_NODES), urls, note.src_uri))
            for key, note in sorted(library.notes.items())]


def with_attributes(dot: str, attributes: str) -> str:
    """``dot`` with ``attributes`` added to its graph statement."""
    return dot.replace('splines=""];', f'splines="", {attributes}];', 1) if attributes else dot


def place_ms(dots: list[str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for dot in dots:
            place(dot)
        best = min(best, time.process_time() - start)
    return best / len(dots) * 1000


def quality(source: dict, placed: Placed) -> tuple[int, float, int, tuple]:
    """Crossings, bend, overlaps and the order of each column's boxes of one laid-out diagram."""
    nodes = placed.nodes
    column_of = {node[0]: node[1] for node in source["nodes"]}
    name_of = {node[0]: f"n{i}" for i, node in enumerate(source["nodes"])}
    columns: dict[int, list[tuple[float, float, str]]] = {}
    for i, (_key, column, lines, *_rest, focus) in enumerate(source["nodes"]):
        _width, height = box_size(lines, FOCUS_FONT_SIZE if focus else NOTE_FONT_SIZE, bold=focus)
        y = nodes[f"n{i}"][1]
        columns.setdefault(column, []).append((y - height / 2, y + height / 2, f"n{i}"))
    gaps: dict[int, list[tuple[float, float, str, str]]] = {}
    bend = 0.0
    for i, (edge, span) in enumerate(zip(source["edges"], edge_columns(source))):
        if span is None or span[0] == span[1]:
            continue
        cited, citing = edge[0], edge[1]
        left, right = (cited, citing) if column_of[cited] <= column_of[citing] else (citing, cited)
        points = [(name_of[left], nodes[name_of[left]][1])]
        for column in range(span[0] + 1, span[1]):
            name = chain_node(i, column)
            points.append((name, nodes[name][1]))
            columns.setdefault(column, []).append((nodes[name][1] - 1, nodes[name][1] + 1, name))
        points.append((name_of[right], nodes[name_of[right]][1]))
        for column, ((a, ya), (b, yb)) in zip(range(span[0], span[1]), zip(points, points[1:])):
            gaps.setdefault(column, []).append((ya, yb, a, b))
            bend += abs(yb - ya)
    crossings = 0
    for segments in gaps.values():
        for k, (ya, yb, a, b) in enumerate(segments):
            for yc, yd, c, d in segments[k + 1:]:
                if a != c and b != d and (ya - yc) * (yb - yd) < 0:
                    crossings += 1
    overlaps, order = 0, []
    for column in sorted(columns):
        boxes = sorted(columns[column])
        order.append(tuple(name for _low, _high, name in boxes))
        overlaps += sum(1 for lower, upper in zip(boxes, boxes[1:]) if upper[0] < lower[1] - 0.01)
    return crossings, bend, overlaps, tuple(order)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/diagram_layout.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="number of notes (default 2000)")
    parser.add_argument("--shape", choices=SHAPES, default="skim")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3, help="rounds of layout timed; the best is shown")
    parser.add_argument("--graph-attr", action="append", default=[], metavar="ATTRS",
                        help='Graphviz graph attributes of a variant, e.g. "nslimit=0.5, mclimit=0.5"')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paperkb-bench-diagrams-") as folder:
        write_notes(Path(folder), args.n, args.seed, args.shape)
        sources = diagram_sources(Path(folder))
    print(f"{len(sources)} diagrams of {args.n} {args.shape} notes (seed {args.seed})")
    print(f"{'variant':34} {'place ms':>8} {'crossings':>9} {'bend':>7} {'width':>7} {'height':>7} {'overlaps':>8} "
          f"{'same order':>10}")
    baseline: list[tuple] | None = None
    for attributes in ["", *args.graph_attr]:
        dots = [with_attributes(layout_dot(source), attributes) for source in sources]
        placed = [place(dot) for dot in dots]
        measured = [quality(source, laid) for source, laid in zip(sources, placed)]
        orders = [order for *_rest, order in measured]
        baseline = baseline or orders
        n = len(sources)
        print(f"{attributes or '(paperkb as is)':34} {place_ms(dots, args.reps):8.3f} "
              f"{sum(m[0] for m in measured) / n:9.2f} {sum(m[1] for m in measured) / n:7.1f} "
              f"{sum(p.width for p in placed) / n:7.1f} {sum(p.height for p in placed) / n:7.1f} "
              f"{sum(m[2] for m in measured):8d} {sum(a == b for a, b in zip(orders, baseline)):10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
