"""A diagram's SVG: Graphviz places the boxes, paperkb draws the citations and writes the SVG;
the disk cache of finished SVGs.

- Layout runs inside Python through the Graphviz library bundled in the pygraphviz wheels
  (graphviz_lib.py): no `dot` program, no process per diagram, no DOT file round trip.
- The SVG is written here from the positions Graphviz read back, exactly as the page needs it
  (no ids, no fonts, boxes as ``rect``, each note's title as its tooltip, the ends of each
  citation for the interactive view): cheaper than Graphviz's SVG writer followed by editing
  its output, and every value from a note is escaped here, where it lands. Graphviz routes no
  spline: the citations' lines are drawn by edge_routes.py.
- The finished SVG is cached under ``cache_dir`` by a keyed digest of the diagram's source, the
  inline label and the Graphviz / writer versions, so an unchanged diagram is never laid out
  twice, across builds and `mkdocs serve` rebuilds.
- Who draws what, when: graph_renderer.py (in the build) and diagram_workers.py (beside it).
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from html import escape
from pathlib import Path

from ..core.packed_text import PackedPart, pack, pack_together, unpack, unpack_part
from ..core.record_packs import RecordPacks
from ..core.user_key import keyed_digest
from .edge_routes import Box, Citation, Columns, Route, coordinate, route_citations
from .graph_dot import (BOX_MIN_HEIGHT, BOX_MIN_WIDTH, FOCUS_FONT_SIZE, NODE_FILL, NODE_LINE, NOTE_FONT_SIZE, YEAR_FONT_SIZE,
                        chain_node, edge_columns, layout_dot, note_box)
from .graphviz_lib import GraphvizError, Placed, place
from .text_metrics import LINE_HEIGHT

# Bump when write_svg changes what it writes: old cache entries then stop matching.
SVG_VERSION = "8"
PAD = 4.0  # points of room around the drawing
DASHES = {"dashed": "5,2", "dotted": "1,5"}
HOLLOW_ARROWS = {"odiamond", "odot", "empty"}


class GraphRenderError(RuntimeError):
    pass


def graphviz_version() -> str:
    import pygraphviz

    return f"graphviz {pygraphviz.__graphviz_version__} / pygraphviz {pygraphviz.__version__}"


def cache_key(source: str, label: str, version: str) -> str:
    """The name of a diagram's SVG: a digest of its source under this user's key, so an SVG
    file that came with someone else's cache folder never stands for one of this build's."""
    return keyed_digest(version, SVG_VERSION, label, source)


# -- layout and SVG (also run in worker processes) ----------------------------------------------
_context = None


def graphviz_context():
    """One Graphviz context per process. Nothing paperkb lays out has text for Graphviz to
    measure (diagram boxes come sized, the explorer's nodes are points), so Graphviz never loads
    the fontconfig bundled in the wheel, which warned about every newer syntax of the system's
    font configuration and cost each process ~0.16 s."""
    global _context
    from pygraphviz import graphviz as gv

    if _context is None:
        _context = gv.gvContextWithBuiltins()
    return _context


def run_graphviz(graph, engine: bytes, output_format: bytes, *, subject: str, output: str, quiet: bool = False) -> str:
    """Lay ``graph`` (a pygraphviz AGraph) out with ``engine`` and write it as ``output_format``,
    in this process's Graphviz context; ``quiet`` mutes the notices Graphviz prints meanwhile."""
    from pygraphviz import graphviz as gv

    context = graphviz_context()
    with muted_stderr() if quiet else nullcontext():
        failed = gv.gvLayout(context, graph.handle, engine) != 0
    if failed:
        raise GraphRenderError(f"Graphviz could not lay out {subject}")
    try:
        err, data = gv.gvRenderData(context, graph.handle, output_format)
        if err:
            raise GraphRenderError(f"Graphviz could not write {output}: {err}")
    finally:
        gv.gvFreeLayout(context, graph.handle)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


@contextmanager
def muted_stderr():
    """C-level stderr sent to /dev/null for a moment: Graphviz prints notices there that are
    noise for the user (sfdp's overlap notice in graph_layout.py)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def pack_source(source: str) -> bytes:
    """A diagram's source as it waits for its layout (in the build, and on its way to a worker):
    compressed, ~1.4 KB instead of ~5-17 KB of text (and of its UTF-8 copy, which pickling it for a
    worker leaves cached in the string): ~250 MB at 10,000 notes, held until the pages are written."""
    return pack(source)


def pack_sources(sources: list[str]) -> list[PackedPart]:
    """Sources planned one after another (a batch for the workers), packed as one: see
    core/packed_text.py's ``pack_together``."""
    return pack_together(sources)


def unpack_source(packed: bytes | PackedPart) -> str:
    """The source ``pack_source`` or ``pack_sources`` packed."""
    return unpack(packed) if isinstance(packed, bytes) else unpack_part(packed)


def render_svg(source: str, label: str) -> str:
    """The SVG of a diagram (``graph_dot.diagram_source``), ``label`` its accessible name."""
    try:
        diagram = json.loads(source)
        dot = layout_dot(diagram)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise GraphRenderError(f"the diagram's source is unreadable ({exc})") from exc
    try:
        placed = place(dot)
    except GraphvizError as exc:
        raise GraphRenderError(str(exc)) from exc
    return write_svg(diagram, placed, label)


@lru_cache(maxsize=8192)  # titles, keys, links and classes recur in the diagrams of all neighbours
def _escape(text: str) -> str:
    return escape(text)


def write_svg(diagram: dict, placed: Placed, label: str) -> str:
    """The inline SVG of a laid-out diagram: scaled down to the column width (never above its
    natural size; the page's zoom control enlarges it), ``role="img"`` with an ``aria-label``,
    no element ids (several diagrams may share a page), fonts left to the stylesheet; each
    note a link with its title as tooltip, each citation with its ends and its role.

    Citations are drawn (edge_routes.py) in Graphviz's own coordinates (y upwards) inside a
    group that flips them."""
    nodes = placed.nodes
    sizes = [note_box(tuple(lines), focus) for _key, _column, lines, _tooltip, _href, _classes, focus in diagram["nodes"]]
    boxes = [Box(*nodes[f"n{i}"], width, height, node[1])
             for i, (node, (width, height)) in enumerate(zip(diagram["nodes"], sizes))]
    years = [Box(*nodes[f"y{i}"], BOX_MIN_WIDTH, BOX_MIN_HEIGHT, i) for i in range(len(diagram["columns"]))]
    columns = Columns(boxes + years)
    index = {node[0]: i for i, node in enumerate(diagram["nodes"])}
    drawn, citations = [], []
    for i, (edge, span) in enumerate(zip(diagram["edges"], edge_columns(diagram))):
        if span is not None:
            via = tuple([nodes[name] for name in [chain_node(i, c) for c in range(span[0] + 1, span[1])] if name in nodes])
            drawn.append(edge)
            citations.append(Citation(index[edge[0]], index[edge[1]], via))
    routes = route_citations(boxes, columns, citations)

    width = max([placed.width, *(route.reach for route in routes)]) + 2 * PAD
    height = placed.height + 2 * PAD
    top = placed.height + PAD  # Graphviz's y grows upwards, SVG's downwards
    name = escape(label)
    out = [f'<svg viewBox="0 0 {coordinate(width)} {coordinate(height)}" xmlns="http://www.w3.org/2000/svg" '
           f'xmlns:xlink="http://www.w3.org/1999/xlink" width="100%" style="max-width:{coordinate(width)}pt;height:auto" '
           f'data-pkb-width="{coordinate(width)}" role="img" aria-label="{name}" class="pkb-graph__svg">'
           f'<g class="graph pkb-graph-root"><title>{name}</title>']
    for i, year in enumerate(diagram["columns"]):
        x, y = nodes[f"y{i}"]
        out.append(f'<g class="node pkb-year"><title>{_escape(year)}</title>'
                   + _text_lines((year,), x + PAD, top - y, YEAR_FONT_SIZE) + "</g>")
    out.append(f'<g transform="matrix(1 0 0 -1 {PAD:g} {coordinate(top)})">')
    for (cited, citing, classes, style, penwidth, arrow, color, _forward), route in zip(drawn, routes):
        out.append(_edge(route, _escape(cited), _escape(citing), classes, style, float(penwidth), arrow, _escape(color)))
    out.append("</g>")
    for (key, _column, lines, tooltip, href, classes, focus), box in zip(diagram["nodes"], boxes):
        size = FOCUS_FONT_SIZE if focus else NOTE_FONT_SIZE
        cx, cy = box.x + PAD, top - box.y
        stroke = ' stroke-width="2.2"' if focus else ""
        out.append(
            f'<g class="node {_escape(classes)}" data-pkb-key="{_escape(key)}"><title>{_escape(tooltip)}</title>'
            f'<g><a xlink:href="{_escape(href)}" target="_top">'
            + '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" ' % (
                cx - box.width / 2, cy - box.height / 2, box.width, box.height)
            + f'rx="4" fill="{NODE_FILL}" stroke="{NODE_LINE}"{stroke}/>'
            + _text_lines(lines, cx, cy, size) + "</a></g></g>")
    out.append("</g></svg>")
    return "".join(out)


def _text_lines(lines, cx: float, cy: float, size: float) -> str:
    """Lines of text centred on (cx, cy): each baseline sits 0.35 em below its line's middle."""
    step = size * LINE_HEIGHT
    first = cy - step * len(lines) / 2 + step / 2 + 0.35 * size
    start = '<text text-anchor="middle" x="%.1f" y="' % cx
    end = f'" font-size="{size:g}">'
    return "".join(f"{start}{first + i * step:.1f}{end}{_escape(line)}</text>" for i, line in enumerate(lines))


@lru_cache(maxsize=256)  # a handful of roles and styles
def _edge_parts(classes: str, style: str, penwidth: float, color: str) -> tuple[str, str, str]:
    """An edge's group start (but for its ends), its paint and its line's paint."""
    role = next((c[len("pkb-role--"):] for c in classes.split() if c.startswith("pkb-role--")), "")
    paint = f'stroke="{color}"' + (f' stroke-width="{penwidth:g}"' if penwidth != 1 else "")
    dash = DASHES.get(style)
    return (f'<g class="edge {escape(classes)}"', f'<title>{escape(role.replace("-", " "))}</title>',
            paint, paint + (f' stroke-dasharray="{dash}"' if dash else ""))


def _edge(route: Route, cited: str, citing: str, classes: str, style: str, penwidth: float, arrow: str, color: str) -> str:
    """A citation: its line and, at the cited note, its arrowhead."""
    start, title, paint, line_paint = _edge_parts(classes, style, penwidth, color)
    head = _arrowhead(route.tip, route.base, arrow, color, paint)
    return (f'{start} data-pkb-from="{citing}" data-pkb-to="{cited}">{title}'
            f'<path fill="none" {line_paint} d="{route.path}"/>{head}</g>')


def _arrowhead(tip: tuple[float, float], base: tuple[float, float], arrow: str, color: str, paint: str) -> str:
    """Graphviz's arrowhead shapes between the tip and the base: a triangle (normal; hollow:
    empty), a hollow diamond (odiamond) or a hollow dot (odot)."""
    (tx, ty), (bx, by) = tip, base
    dx, dy = tx - bx, ty - by
    if arrow == "odot":
        return ('<ellipse fill="none" %s cx="%.1f" cy="%.1f" rx="%.1f" ry="%.1f"/>'
                % (paint, (tx + bx) / 2, (ty + by) / 2, math.hypot(dx, dy) / 2, math.hypot(dx, dy) / 2))
    fill = "none" if arrow in HOLLOW_ARROWS else color
    if arrow == "odiamond":
        mx, my = (tx + bx) / 2, (ty + by) / 2
        wx, wy = -dy / 3, dx / 3  # a third of the length to each side
        return ('<polygon fill="%s" %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f"/>'
                % (fill, paint, bx, by, mx + wx, my + wy, tx, ty, mx - wx, my - wy, bx, by))
    wx, wy = -dy * 0.35, dx * 0.35
    return ('<polygon fill="%s" %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f"/>'
            % (fill, paint, bx + wx, by + wy, tx, ty, bx - wx, by - wy, bx + wx, by + wy))


# -- disk cache ----------------------------------------------------------------------------------
class SvgDiskCache:
    """Finished SVGs by key, as signed records in a few pack files under ``<dir>/svg-packs``
    (core/record_packs.py): an SVG someone edited (a planted ``<script>``) is drawn again. One
    pack per writing process, not a file per diagram: the diagram worker spent ~15% of its CPU
    making a file each (0.53 ms of 3.4 ms a diagram, 2,000 skim notes)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.packs = RecordPacks(self.directory / PACKS)

    def get(self, key: str) -> str | None:
        data = self.packs.get(key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:  # missing, unreadable or not signed by this user: drawn again
            return None

    def has(self, key: str) -> bool:
        """Whether an SVG was stored under ``key`` as far as this process knows: the packs as
        first read, what it stored and read since (``refresh`` takes in the rest)."""
        return self.packs.has(key)

    def refresh(self) -> None:
        self.packs.refresh()

    def put(self, key: str, svg: str) -> bool:
        """Store ``svg``; a cache folder that cannot be written only costs the next build time."""
        return self.packs.put(key, svg.encode("utf-8"))


PACKS = "svg-packs"
