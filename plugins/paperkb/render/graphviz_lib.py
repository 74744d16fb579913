"""Graphviz's C library, called directly: DOT text in, node and edge positions out.

pygraphviz loads Graphviz's libraries (bundled in its wheels) but reads a DOT string by writing
it to a temporary file, and hands a layout back only as rendered output. A note diagram needs
neither: this module reads the DOT from memory (``agmemread``), lays it out with pygraphviz's
own Graphviz context, lets Graphviz write the positions onto the graph (``attach_attrs``, what
its ``-Tdot`` writer does first) and reads back only the ``pos`` of each node (the citations'
lines are paperkb's, edge_routes.py). The SVG
is then written by graph_svg.py: about 2 ms a diagram less than Graphviz's SVG writer followed
by editing its output.

The libraries used are the very ones pygraphviz loaded (found in the process's memory map),
so the context pointer it created is valid here."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from dataclasses import dataclass
from functools import lru_cache


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
        gvc.gvLayout.argtypes, gvc.gvLayout.restype = [_P, _P, ctypes.c_char_p], ctypes.c_int
        gvc.gvFreeLayout.argtypes = [_P, _P]
        gvc.attach_attrs.argtypes = [_P]

    def place(self, dot: str, engine: bytes = b"dot") -> Placed:
        cg, gvc = self.cgraph, self.gvc
        graph = cg.agmemread(dot.encode("utf-8"))
        if not graph:
            raise GraphvizError("Graphviz could not read the diagram")
        try:
            if gvc.gvLayout(self.context, graph, engine) != 0:
                raise GraphvizError("Graphviz could not lay out the diagram")
            try:
                gvc.attach_attrs(graph)
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
            finally:
                gvc.gvFreeLayout(self.context, graph)
        finally:
            cg.agclose(graph)
        return Placed(urx - llx, ury - lly, nodes)


@lru_cache(maxsize=1)
def _graphviz() -> _Graphviz:
    try:
        return _Graphviz()
    except (OSError, AttributeError) as exc:
        raise GraphvizError(f"Graphviz's library could not be loaded: {exc}") from exc


def place(dot: str) -> Placed:
    """Lay ``dot`` out with the ``dot`` engine; the positions of its nodes."""
    return _graphviz().place(dot)


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
