"""A diagram's SVG: Graphviz places the boxes and routes the citations, paperkb writes the SVG;
the disk cache of finished SVGs.

- Layout runs inside Python through the Graphviz library bundled in the pygraphviz wheels
  (graphviz_lib.py): no `dot` program, no process per diagram, no DOT file round trip.
- The SVG is written here from the positions Graphviz read back, exactly as the page needs it
  (no ids, no fonts, boxes as ``rect``, each note's title as its tooltip, the ends of each
  citation for the interactive view): cheaper than Graphviz's SVG writer followed by editing
  its output, and every value from a note is escaped here, where it lands.
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

from ..core.packed_text import pack, unpack
from ..core.cache_file import read_signed_cache_file, write_signed_cache_file
from ..core.user_key import keyed_digest
from .graph_dot import FOCUS_FONT_SIZE, NODE_FILL, NODE_LINE, NOTE_FONT_SIZE, YEAR_FONT_SIZE, box_size, layout_dot
from .graphviz_lib import GraphvizError, Placed, place
from .text_metrics import LINE_HEIGHT

# Bump when write_svg changes what it writes: old cache entries then stop matching.
SVG_VERSION = "7"
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
    compressed, ~2 KB instead of ~17 KB of text (and of its UTF-8 copy, which pickling it for a
    worker leaves cached in the string): ~250 MB at 10,000 notes, held until the pages are written."""
    return pack(source)


def unpack_source(packed: bytes) -> str:
    return unpack(packed)


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


def _n(value: float) -> str:
    """A coordinate: a tenth of a point is finer than any screen shows."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@lru_cache(maxsize=65536)  # titles, keys, links and classes recur in the diagrams of all neighbours
def _escape(text: str) -> str:
    return escape(text)


def write_svg(diagram: dict, placed: Placed, label: str) -> str:
    """The inline SVG of a laid-out diagram: scaled down to the column width (never above its
    natural size; the page's zoom control enlarges it), ``role="img"`` with an ``aria-label``,
    no element ids (several diagrams may share a page), fonts left to the stylesheet; each
    note a link with its title as tooltip, each citation with its ends and its role.

    Citations are drawn in Graphviz's own coordinates (y upwards) inside a group that flips
    them: their splines are copied as Graphviz wrote them, not parsed and written again."""
    width, height = placed.width + 2 * PAD, placed.height + 2 * PAD
    top = placed.height + PAD  # Graphviz's y grows upwards, SVG's downwards
    nodes, edges = placed.nodes, placed.edges
    name = escape(label)
    out = [f'<svg viewBox="0 0 {_n(width)} {_n(height)}" xmlns="http://www.w3.org/2000/svg" '
           f'xmlns:xlink="http://www.w3.org/1999/xlink" width="100%" style="max-width:{_n(width)}pt;height:auto" '
           f'data-pkb-width="{_n(width)}" role="img" aria-label="{name}" class="pkb-graph__svg">'
           f'<g class="graph pkb-graph-root"><title>{name}</title>']
    for i, year in enumerate(diagram["columns"]):
        x, y = nodes[f"y{i}"]
        out.append(f'<g class="node pkb-year"><title>{_escape(year)}</title>'
                   + _text_lines((year,), x + PAD, top - y, YEAR_FONT_SIZE) + "</g>")
    out.append(f'<g transform="matrix(1 0 0 -1 {PAD:g} {_n(top)})">')
    for i, (cited, citing, classes, style, penwidth, arrow, color, _forward) in enumerate(diagram["edges"]):
        pos = edges.get(f"e{i}")
        if pos is not None:
            out.append(_edge(pos, _escape(cited), _escape(citing), classes, style, float(penwidth), arrow, _escape(color)))
    out.append("</g>")
    for i, (key, _column, lines, tooltip, href, classes, focus) in enumerate(diagram["nodes"]):
        x, y = nodes[f"n{i}"]
        size = FOCUS_FONT_SIZE if focus else NOTE_FONT_SIZE
        box_w, box_h = box_size(lines, size, bold=focus)
        cx, cy = x + PAD, top - y
        stroke = ' stroke-width="2.2"' if focus else ""
        out.append(
            f'<g class="node {_escape(classes)}" data-pkb-key="{_escape(key)}"><title>{_escape(tooltip)}</title>'
            f'<g><a xlink:href="{_escape(href)}" target="_top">'
            + '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" ' % (cx - box_w / 2, cy - box_h / 2, box_w, box_h)
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


def _edge(pos: str, cited: str, citing: str, classes: str, style: str, penwidth: float, arrow: str, color: str) -> str:
    """A citation: Graphviz's spline (``[s,tip] p0 p1 ... pn``, y upwards) and, at the cited
    note, its arrowhead between Graphviz's tip and where the spline starts."""
    start, title, paint, line_paint = _edge_parts(classes, style, penwidth, color)
    tip = None
    if pos.startswith("s,"):
        tip_text, pos = pos[2:].split(" ", 1)
        tip = tip_text.split(",")
    if pos.startswith("e,"):
        pos = pos.split(" ", 1)[1]
    first, rest = pos.split(" ", 1)
    head = _arrowhead(tip, first.split(","), arrow, color, paint) if tip is not None else ""
    return (f'{start} data-pkb-from="{citing}" data-pkb-to="{cited}">{title}'
            f'<path fill="none" {line_paint} d="M{first}C{rest}"/>{head}</g>')


def _arrowhead(tip: list[str], base: list[str], arrow: str, color: str, paint: str) -> str:
    """Graphviz's arrowhead shapes between the tip and the spline's start: a triangle (normal;
    hollow: empty), a hollow diamond (odiamond) or a hollow dot (odot)."""
    tx, ty, bx, by = float(tip[0]), float(tip[1]), float(base[0]), float(base[1])
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
    """Finished SVGs as ``<dir>/<key[:2]>/<key>.svg``, written atomically (temp file + rename)
    and signed with their key: an SVG someone edited (a planted ``<script>``) is drawn again."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.svg"

    def get(self, key: str) -> str | None:
        data = read_signed_cache_file(self.path(key), key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:  # missing, unreadable or not signed by this user: drawn again
            return None

    def has(self, key: str) -> bool:
        # (a string path: asked for every diagram of a build, where making a Path cost more than the stat)
        return os.path.isfile(os.path.join(self.directory, key[:2], key + ".svg"))

    def put(self, key: str, svg: str) -> bool:
        """Store ``svg``; a cache folder that cannot be written only costs the next build time."""
        return write_signed_cache_file(self.path(key), svg.encode("utf-8"), key)
