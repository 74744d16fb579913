"""DOT -> SVG in-process with pygraphviz, made fit to inline; the disk cache of finished SVGs.

- Layout runs inside Python through the Graphviz library bundled in the pygraphviz wheels:
  no `dot` program, no process per diagram.
- The finished (post-processed) SVG is cached under ``cache_dir`` by a keyed digest of the DOT
  source, the inline label and the Graphviz / post-processing versions, so an unchanged
  diagram is never laid out twice, across builds and `mkdocs serve` rebuilds.
- Who draws what, when: graph_renderer.py (in the build) and diagram_workers.py (beside it).
"""

from __future__ import annotations

import html
import os
import re
import zlib
from contextlib import contextmanager, nullcontext
from pathlib import Path

from ..core.cache_file import read_signed_cache_file, write_signed_cache_file
from ..core.user_key import keyed_digest
from .graph_dot import BACKSLASH_STAND_IN

# Bump when inline_svg changes what it writes: old cache entries then stop matching.
POSTPROCESS_VERSION = "6"
_PT = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")


class GraphRenderError(RuntimeError):
    pass


def pack_dot(dot: str) -> bytes:
    """A DOT source as it waits for its layout (in the build, and on its way to a worker):
    compressed, ~1 KB instead of ~17 KB of text (and its UTF-8 copy, which pickling it for a
    worker leaves cached in the string): ~260 MB at 10,000 notes, held until the pages are written."""
    return zlib.compress(dot.encode("utf-8"), 1)


def unpack_dot(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


def graphviz_version() -> str:
    import pygraphviz

    return f"graphviz {pygraphviz.__graphviz_version__} / pygraphviz {pygraphviz.__version__}"


def cache_key(dot: str, label: str, version: str) -> str:
    """The name of a diagram's SVG: a digest of its DOT source under this user's key, so an SVG
    file that came with someone else's cache folder never stands for one of this build's."""
    return keyed_digest(version, POSTPROCESS_VERSION, label, dot)


# -- layout and post-processing (also run in worker processes) ---------------------------------
_context = None


def graphviz_context():
    """One Graphviz context per process (its first text measurement muted, see below)."""
    global _context
    from pygraphviz import graphviz as gv

    if _context is None:
        _context = gv.gvContextWithBuiltins()
        _warm_up_quietly(_context)
    return _context


def layout_svg(dot: str) -> str:
    """Graphviz's SVG for ``dot`` (``dot`` layout), from one Graphviz context per process."""
    import pygraphviz

    graphviz_context()  # muted warm-up before the first text measurement
    try:
        graph = pygraphviz.AGraph(string=dot)
    except Exception as exc:  # pygraphviz raises DotError / ValueError with Graphviz's message
        raise GraphRenderError(f"Graphviz could not read the diagram: {exc}") from exc
    return run_graphviz(graph, b"dot", b"svg", subject="the diagram", output="SVG")


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
    noise for the user (see _warm_up_quietly, sfdp's overlap notice in graph_layout.py)."""
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


def _warm_up_quietly(context) -> None:
    """Lay out one tiny graph with the C stderr muted. The first text measurement loads the
    fontconfig bundled in the wheel, which warns about every newer syntax in the system's font
    configuration ("unknown element reset-dirs"): noise for the user, harmless for the layout."""
    import pygraphviz
    from pygraphviz import graphviz as gv

    with muted_stderr():
        graph = pygraphviz.AGraph(string='digraph { a [label="a"]; }')
        if gv.gvLayout(context, graph.handle, b"dot") == 0:
            gv.gvFreeLayout(context, graph.handle)


# What the page does not need: comments, element ids (several diagrams share a page), fonts (the
# stylesheet sets them), xml:space (labels are never reflowed), the line break after each tag.
# Graphviz escapes "<", ">", "&", '"' and "-" in text and attribute values (see the tests), so
# its SVG is edited as text: ~4x faster than an XML round trip, and nothing is ever unescaped.
_ROOT = re.compile(r"<svg\b([^>]*)>\s*")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_COMMENT = re.compile(r"<!--[^>]*-->\n?")
_NOISE_ATTR = re.compile(r' (?:id|xml:space|font-family)="[^"]*"')
_GRAPH_TITLE = re.compile(r'(<g class="graph\b[^>]*>)<title>[^<]*</title>')
_NOTE = re.compile(r'<g class="node pkb-node\b([^"]*)"><title>([^<]*)</title>'
                   r'(<g><a\b[^>]*?) xlink:title="([^"]*)"([^>]*>)(<path\b[^>]*/>)')
_EDGE = re.compile(r'<g class="edge ([^"]*)"><title>([^<]*)</title>')
_PATH_D = re.compile(r' d="M([^"]*)"')
_PAINT = re.compile(r' (?:fill|stroke|stroke-width)="[^"]*"')


def inline_svg(raw_svg: str, label: str) -> str:
    """Graphviz SVG made fit to inline in an HTML page, and about half as large.

    Drops the XML prolog, doctype and comments; scales down to the column width (never above
    its natural size; the page's zoom control enlarges it); gives it ``role="img"`` and an ``aria-label``; removes element ids
    (several diagrams may share a page); turns each node's ``<title>`` into its tooltip (the
    title, not a node id) and each edge's into its role; draws node boxes as ``<rect>``
    instead of 20-point paths; leaves fonts to the stylesheet; restores backslashes."""
    root = _ROOT.search(raw_svg)
    if root is None or not raw_svg.rstrip().endswith("</svg>"):
        raise GraphRenderError("Graphviz wrote no complete SVG")
    attrs = dict(_ATTR.findall(root.group(1)))
    width = _PT.match(attrs.pop("width", ""))
    attrs.pop("height", None)
    attrs["width"] = "100%"
    if width:
        # Shrinks to fit the column (nothing clipped, the year axis in view); the zoom control
        # of paperkb-graph.js enlarges it from there, and the canvas then scrolls.
        natural = float(width.group(1))
        attrs["style"] = f"max-width:{natural:g}pt;height:auto"
        attrs["data-pkb-width"] = f"{natural:g}"
    label = _attribute(label)
    attrs.update({"role": "img", "aria-label": label, "class": "pkb-graph__svg"})
    body = _COMMENT.sub("", raw_svg[root.end():].replace("&#45;", "-"))
    body = _NOISE_ATTR.sub("", body).replace(">\n", ">")
    body = _GRAPH_TITLE.sub(lambda m: f"{m.group(1)}<title>{label}</title>", body, count=1)
    body = _EDGE.sub(_edge, _NOTE.sub(_note, body))
    svg = "<svg " + " ".join(f'{name}="{value}"' for name, value in attrs.items()) + ">" + body.rstrip()
    return svg.replace(BACKSLASH_STAND_IN, "\\")


def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


def _note(match: re.Match) -> str:
    """A note: its key for the interactive view, its title as the tooltip, its box a ``rect``."""
    classes, key, link_start, tooltip, link_end, path = match.groups()
    return (f'<g class="node pkb-node{classes}" data-pkb-key="{key}"><title>{tooltip}</title>'
            f"{link_start}{link_end}{_box(path)}")


def _box(path: str) -> str:
    """A rounded box's 20-point path as a ``rect`` (its bounding box)."""
    numbers = [float(n) for n in _PATH_D.search(path).group(1).replace("C", " ").replace(",", " ").split()]
    xs, ys = numbers[0::2], numbers[1::2]
    x, y = min(xs), min(ys)
    paint = "".join(m.group() for m in _PAINT.finditer(path))
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(xs) - x:.1f}" height="{max(ys) - y:.1f}" rx="4"{paint}/>'


def _edge(match: re.Match) -> str:
    """A citation: its ends for the interactive view; its ``<title>`` names the role ("builds
    on"), not the two node ids."""
    classes, title = match.groups()
    ends = ""
    text = html.unescape(title)
    if ">" in text:
        # DOT draws "A cites B" as "B -> A" (see graph_dot.py); keys hold no ">".
        cited, citing = text.split(">", 1)
        cited = cited[:-1] if cited.endswith("-") else cited
        ends = f' data-pkb-from="{_attribute(citing)}" data-pkb-to="{_attribute(cited)}"'
    role = next((c[len("pkb-role--"):] for c in classes.split() if c.startswith("pkb-role--")), None)
    if role:
        title = _attribute(role.replace("-", " "))
    return f'<g class="edge {classes}"{ends}><title>{title}</title>'


def render_svg(dot: str, label: str) -> str:
    return inline_svg(layout_svg(dot), label)


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
        return self.path(key).is_file()

    def put(self, key: str, svg: str) -> bool:
        """Store ``svg``; a cache folder that cannot be written only costs the next build time."""
        return write_signed_cache_file(self.path(key), svg.encode("utf-8"), key)
