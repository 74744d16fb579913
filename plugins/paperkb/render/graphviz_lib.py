"""Graphviz's C library, called directly: DOT text in, node and edge positions out.

pygraphviz loads Graphviz's libraries (bundled in its wheels) but reads a DOT string by writing
it to a temporary file, and hands a layout back only as rendered output. A note diagram needs
neither: this module reads the DOT from memory (``agmemread``), lays it out with pygraphviz's
own Graphviz context and reads back only where each node went (the citations' lines are
paperkb's, edge_routes.py): straight from Graphviz's layout records, as ``attach_attrs`` (what its
``-Tdot`` writer does first) would write them but without writing every node's attributes as
text to parse them back (~0.12 ms a diagram). The SVG
is then written by graph_svg.py: about 2 ms a diagram less than Graphviz's SVG writer followed
by editing its output.

The libraries used are the very ones pygraphviz loaded (found in the process's memory map),
so the context pointer it created is valid here."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, TypeVar


class GraphvizError(RuntimeError):
    pass


@dataclass
class Placed:
    """A laid-out graph: its bounding box and the ``pos`` Graphviz gave each node (points;
    y grows upwards)."""

    width: float
    height: float
    nodes: dict[str, tuple[float, float]]


_P = ctypes.c_void_p
T = TypeVar("T")
_AGNODE = 1  # cgraph's object kind AGNODE


class _Graphviz:
    def __init__(self) -> None:
        from .graph_svg import graphviz_context

        context = graphviz_context()  # pygraphviz's (its libraries are loaded from here on)
        # PyDLL: calls keep the interpreter lock, as pygraphviz's do. Graphviz keeps global
        # state, so two threads of one process (`serve`) must never be inside it at once.
        self.cgraph = ctypes.PyDLL(_library_path("cgraph"))
        self.gvc = ctypes.PyDLL(_library_path("gvc"))
        self.context = _P(int(context))
        cg, gvc = self.cgraph, self.gvc
        cg.agmemread.argtypes, cg.agmemread.restype = [ctypes.c_char_p], _P
        cg.agclose.argtypes = [_P]
        cg.agfstnode.argtypes, cg.agfstnode.restype = [_P], _P
        cg.agnxtnode.argtypes, cg.agnxtnode.restype = [_P, _P], _P
        cg.agget.argtypes, cg.agget.restype = [_P, ctypes.c_char_p], ctypes.c_char_p
        cg.agattr.argtypes, cg.agattr.restype = [_P, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p], _P
        cg.agxget.argtypes, cg.agxget.restype = [_P, _P], ctypes.c_char_p
        cg.agnameof.argtypes, cg.agnameof.restype = [_P], ctypes.c_char_p
        cg.aggetrec.argtypes, cg.aggetrec.restype = [_P, ctypes.c_char_p, ctypes.c_int], _P
        gvc.gvLayout.argtypes, gvc.gvLayout.restype = [_P, _P, ctypes.c_char_p], ctypes.c_int
        gvc.gvFreeLayout.argtypes = [_P, _P]
        gvc.attach_attrs.argtypes = [_P]
        # Records read only once a probe proved them to be where this module looks and to
        # give what attach_attrs writes.
        self.read_records = self.place(_PROBE, self._records_agree)

    def place(self, dot: str, read: Callable[[int], T] | None = None, engine: bytes = b"dot") -> T | Placed:
        """Lay ``dot`` out; ``read`` takes what it needs from the laid-out graph (default: the
        positions, from the layout records when the probe proved them right, else as
        ``attach_attrs`` writes them)."""
        if read is None:
            read = self._from_records if self.read_records else self._from_text
        cg, gvc = self.cgraph, self.gvc
        graph = cg.agmemread(dot.encode("utf-8"))
        if not graph:
            raise GraphvizError("Graphviz could not read the diagram")
        try:
            if gvc.gvLayout(self.context, graph, engine) != 0:
                raise GraphvizError("Graphviz could not lay out the diagram")
            try:
                return read(graph)
            finally:
                gvc.gvFreeLayout(self.context, graph)
        finally:
            cg.agclose(graph)

    def _points(self, graph: int) -> dict[str, tuple[float, float]]:
        """Each node's position as Graphviz keeps it (``ND_coord``, points, not rounded)."""
        cg = self.cgraph
        name_of, next_node = cg.agnameof, cg.agnxtnode
        memory, pointer, point = _MEMORY, _POINTER.unpack_from, _COORD.unpack_from
        points: dict[str, tuple[float, float]] = {}
        node = cg.agfstnode(graph)
        while node:
            points[name_of(node).decode("utf-8")] = point(memory, pointer(memory, node + _OBJECT_DATA)[0] + _NODE_COORD)
            node = next_node(graph, node)
        return points

    def _records_agree(self, graph: int) -> bool:
        """Whether each node's data pointer is its layout record (checked before anything is
        read through it) and the records give the positions attach_attrs writes."""
        cg = self.cgraph
        node = cg.agfstnode(graph)
        while node:
            record = cg.aggetrec(node, b"Agnodeinfo_t", 0)
            if not record or _ADDRESS.from_address(node + _OBJECT_DATA).value != record:
                return False  # (no record at all: both NULL would pass, then fail adding to None)
            node = cg.agnxtnode(graph, node)
        try:
            return self._from_records(graph) == self._from_text(graph)
        except struct.error:  # a record past the memory view (a 32-bit process): read as text
            return False

    def _from_text(self, graph: int) -> Placed:
        """The bounding box and node positions as ``attach_attrs`` writes them (``bb``, ``pos``)."""
        cg = self.cgraph
        self.gvc.attach_attrs(graph)
        xget, name_of, next_node = cg.agxget, cg.agnameof, cg.agnxtnode
        node_pos = cg.agattr(graph, _AGNODE, b"pos", None)
        if not node_pos:
            raise GraphvizError("Graphviz placed no node")
        llx, lly, urx, ury = (float(v) for v in cg.agget(graph, b"bb").split(b","))
        nodes: dict[str, tuple[float, float]] = {}
        node = cg.agfstnode(graph)
        while node:
            x, y = xget(node, node_pos).split(b",")
            nodes[name_of(node).decode("utf-8")] = (float(x), float(y))
            node = next_node(graph, node)
        return Placed(urx - llx, ury - lly, nodes)

    def _from_records(self, graph: int) -> Placed:
        """The same numbers read from the layout records: ``GD_bb`` and each ``ND_coord``,
        rounded as attach_attrs prints them (``%.5g``)."""
        cg = self.cgraph
        name_of, next_node = cg.agnameof, cg.agnxtnode
        memory, pointer, point = _MEMORY, _POINTER.unpack_from, _COORD.unpack_from
        info = cg.aggetrec(graph, b"Agraphinfo_t", 0)
        if not info:
            raise GraphvizError("Graphviz placed no node")
        llx, lly, urx, ury = (float("%.5g" % v) for v in _BOX.unpack_from(memory, info + _GRAPH_BB))
        nodes: dict[str, tuple[float, float]] = {}
        # (a column's nodes share their x: each x is rounded once; ~0.02 ms a diagram)
        rounded: dict[float, float] = {}
        node = cg.agfstnode(graph)
        while node:
            x, y = point(memory, pointer(memory, node + _OBJECT_DATA)[0] + _NODE_COORD)
            round_x = rounded.get(x)
            if round_x is None:
                round_x = rounded[x] = float("%.5g" % x)
            nodes[name_of(node).decode("utf-8")] = (round_x, float("%.5g" % y))
            node = next_node(graph, node)
        return Placed(urx - llx, ury - lly, nodes)


# Where Graphviz's layout records (types.h) keep what place reads: Agraphinfo_t's ``bb`` and
# Agnodeinfo_t's ``coord``, each after a record header (two pointers) and two pointers more,
# as in every Graphviz since cgraph. Used only after the probe below read them right.
_GRAPH_BB = _NODE_COORD = 4 * ctypes.sizeof(ctypes.c_void_p)
# A node's record is the one its object's data pointer (after the object's tag: two 8-byte words)
# points to: where Graphviz's own ND_* macros read it during and after layout (AGDATA).
_OBJECT_DATA = 16
_ADDRESS = ctypes.c_void_p
# The records are read through one view of the process's memory, by address, with struct: a
# pointer and a point in ~0.3 us, where a ctypes object made at each address took ~0.7 us
# (66 nodes a diagram, chain points included: 0.13 -> 0.09 ms). Addresses are only ever
# Graphviz's own records, found as above.
_MEMORY = memoryview((ctypes.c_char * sys.maxsize).from_address(0)).cast("B")  # (no byte copied)
_POINTER = struct.Struct("@P")
_COORD = struct.Struct("@2d")
_BOX = struct.Struct("@4d")
# A diagram's shape in small: years, boxes of fractional sizes, a chain point, a backward edge.
_PROBE = """digraph {
  graph [rankdir=LR, nodesep=0.18, ranksep=0.5, newrank=true, splines=""];
  node [shape=box, fixedsize=true, label=""];
  y0 [shape=plaintext, width=0.7500, height=0.3000]; y1 [shape=plaintext, width=0.7500, height=0.3000];
  y2 [shape=plaintext, width=0.7500, height=0.3000]; y0 -> y1 -> y2 [style=invis, weight=20];
  n0 [width=1.2267, height=0.4333]; n1 [width=1.8364, height=0.6000]; n2 [width=1.5969, height=0.6000];
  n3 [width=2.0613, height=0.6500]; c0_1 [width=0.0278, height=0.0278];
  { rank=same; y0 n0 } { rank=same; y1 n1 c0_1 } { rank=same; y2 n2 n3 }
  n0 -> n1; n0 -> c0_1; c0_1 -> n2; n3 -> n1 [constraint=false];
}
"""


@lru_cache(maxsize=1)
def _graphviz() -> _Graphviz:
    try:
        return _Graphviz()
    except (OSError, AttributeError) as exc:
        raise GraphvizError(f"Graphviz's library could not be loaded: {exc}") from exc


def place(dot: str) -> Placed:
    """Lay ``dot`` out with the ``dot`` engine; the positions of its nodes."""
    return _graphviz().place(dot)


def node_points(dot: str, engine: bytes) -> dict[str, tuple[float, float]] | None:
    """Lay ``dot`` out with ``engine``; where Graphviz put each node (points, by name), read
    from its layout records. None when the probe could not prove them readable here."""
    graphviz = _graphviz()
    return graphviz.place(dot, graphviz._points, engine) if graphviz.read_records else None


def _library_path(name: str) -> str:
    """The file of Graphviz's ``lib<name>`` this process has loaded (pygraphviz's), else the
    one the system would load."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split(None, 5)[-1].strip().removesuffix(" (deleted)")
                if os.path.basename(path).startswith(f"lib{name}") and ".so" in path:
                    return path
    except OSError:  # not Linux
        pass
    import pygraphviz

    libs = os.path.join(os.path.dirname(os.path.dirname(pygraphviz.__file__)), "pygraphviz.libs")
    if os.path.isdir(libs):
        for file in sorted(os.listdir(libs)):
            if file.startswith(f"lib{name}-") or file.startswith(f"lib{name}."):
                return os.path.join(libs, file)
    found = ctypes.util.find_library(name)
    if found is None:
        raise OSError(f"lib{name} not found")
    return found
