"""The lines of a diagram's citations, drawn from where Graphviz placed the boxes.

Graphviz's spline router took half of each diagram's layout time (~2 ms). It is not needed:
the layout (graph_dot.layout_dot) gives every citation a *chain point* in each column it
passes without a note there, and Graphviz keeps room for those points between the boxes as it
does for its own virtual nodes. So a citation can be drawn through its points without ever
crossing a box:

- columns hold the boxes; the gap between two columns (``ranksep``) holds none. Inside a
  column a citation runs level (at its end's port, or at its chain point, which has room
  between the boxes above and below it), and it changes height only in the gaps, as a
  smooth S-bend whose ends are level (so the line is smooth where a bend meets a level run);
- a citation leaves the earlier note's box on its right side and enters the later note's box
  on its left side; the citations meeting one side of a box get ports spread along that side,
  in the order of where they come from, so they neither cross nor stack their arrowheads there;
- a citation between two notes of the same column (same year) bows out into the gap to the
  right of the column, from the right side of one box to the right side of the other;
- the arrowhead sits at the cited note (tip on its box, pointing into it), as before.

Coordinates are Graphviz's: points, y grows upwards (graph_svg.py draws them in a flipped
group). Plain geometry: no Graphviz, no SVG elements.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

ARROW_LENGTH = 6.0  # points: Graphviz's arrowhead length at the diagrams' arrowsize 0.6
PORT_GAP = 5.0  # points between the ends of citations meeting one side of a box, at most
PORT_MARGIN = 3.0  # no port closer than this to a box's corner
LEVEL = 0.05  # points: two heights closer than this are one level
MAX_BULGE = 24.0  # points: how far a same-column citation bows into the gap (3/4 of it drawn)
CLEARANCE = 2.0  # points between a bending line and a box it passes


class Box(NamedTuple):  # (tuples: a diagram makes dozens of each, built faster than frozen dataclasses)
    """A note's box: its centre, size and column."""

    x: float
    y: float
    width: float
    height: float
    column: int

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2


class Citation(NamedTuple):
    """A citation to draw: the cited and the citing box (indexes) and its chain points, left to right."""

    cited: int
    citing: int
    via: tuple[tuple[float, float], ...] = ()


class Route(NamedTuple):
    """A drawn citation: its line (SVG path data), its arrowhead's tip (on the cited box) and base."""

    path: str
    tip: tuple[float, float]
    base: tuple[float, float]
    reach: float  # the rightmost x it draws at (a same-column bow in the last column passes the layout's edge)


class Columns:
    """The columns' boxes (notes and year labels), to keep the lines clear of them."""

    def __init__(self, boxes: list[Box]) -> None:
        # per column: (bottom, top, left, right) of each box, its clearance included in height
        self._boxes: dict[int, list[tuple[float, float, float, float]]] = {}
        for x, y, width, height, column in boxes:
            half, across = height / 2 + CLEARANCE, width / 2
            self._boxes.setdefault(column, []).append((y - half, y + half, x - across, x + across))

    def clear_right(self, column: int, low: float, high: float, x: float) -> float:
        """The least x right of ``x`` from which a line may climb between heights ``low`` and
        ``high`` in ``column`` without touching a box of it."""
        for bottom, top, _left, right in self._boxes.get(column, ()):
            if bottom < high and top > low and right > x:
                x = right
        return x

    def clear_left(self, column: int, low: float, high: float, x: float) -> float:
        """The greatest x left of ``x`` up to which a line may climb between ``low`` and
        ``high`` in ``column`` without touching a box of it."""
        for bottom, top, left, _right in self._boxes.get(column, ()):
            if bottom < high and top > low and left < x:
                x = left
        return x


def coordinate(value: float) -> str:
    """A coordinate: a tenth of a point is finer than any screen shows."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_WHOLE = re.compile(r"\.0(?=[ ,LC]|$)")


def _path_data(text: str) -> str:
    """Path data written with ``%.1f`` numbers, whole numbers without their ``.0`` (as ``coordinate``)."""
    return _WHOLE.sub("", text)


def route_citations(boxes: list[Box], columns: Columns, citations: list[Citation]) -> list[Route]:
    """The route of each citation, in the order given."""
    ports = _ports(boxes, citations)
    routes: list[Route | _Across] = []
    for i, citation in enumerate(citations):
        cited, citing = boxes[citation.cited], boxes[citation.citing]
        if cited.column == citing.column:
            routes.append(_same_column(cited, citing, ports[i, 0], ports[i, 1], columns))
        else:
            routes.append(_Across(cited, citing, ports[i, 0], ports[i, 1], citation.via, columns))
    _spread_bends([route for route in routes if isinstance(route, _Across)])
    return [route.route() if isinstance(route, _Across) else route for route in routes]


def _ports(boxes: list[Box], citations: list[Citation]) -> dict[tuple[int, int], float]:
    """The height at which each citation meets each of its two boxes (``(citation, 0)`` the
    cited one, ``(citation, 1)`` the citing one): spread along the box's side, the citation
    coming from highest up at the top."""
    sides: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for i, citation in enumerate(citations):
        cited, citing = boxes[citation.cited], boxes[citation.citing]
        if cited.column == citing.column:
            ends = ((citation.cited, "right", citing.y, 0), (citation.citing, "right", cited.y, 1))
        else:
            left_end, right_end = (0, 1) if cited.column < citing.column else (1, 0)
            left, right = (cited, citing) if left_end == 0 else (citing, cited)
            left_index = citation.cited if left_end == 0 else citation.citing
            right_index = citation.citing if left_end == 0 else citation.cited
            towards_right = citation.via[0][1] if citation.via else right.y
            towards_left = citation.via[-1][1] if citation.via else left.y
            ends = ((left_index, "right", towards_right, left_end), (right_index, "left", towards_left, right_end))
        for box, side, towards, end in ends:
            sides.setdefault((box, side), []).append((towards, i, end))
    ports: dict[tuple[int, int], float] = {}
    for (box, _side), ends in sides.items():
        count = len(ends)
        if count == 1:  # (most sides: one citation, at the middle)
            _towards, i, end = ends[0]
            ports[i, end] = boxes[box].y + 0.0  # (as the spread below gives it: never -0.0)
            continue
        ends.sort(key=lambda e: (-e[0], e[1]))
        middle, height = boxes[box].y, boxes[box].height
        step = min(PORT_GAP, (height - 2 * PORT_MARGIN) / (count - 1)) if count > 1 else 0.0
        for k, (_towards, i, end) in enumerate(ends):
            ports[i, end] = middle + step * ((count - 1) / 2 - k)
    return ports


@dataclass(slots=True)
class _Bend:
    """Where a citation changes height between two columns: from ``y`` to ``to_y``, anywhere
    between ``start`` and ``end`` (x), at ``turn`` (the fraction of that room, set last)."""

    column: int  # the column left of the gap
    y: float
    to_y: float
    start: float
    end: float
    turn: float = 0.5


class _Across:
    """A citation between two columns, through its chain points: level through each column's
    boxes, bending in the room no box of either column takes."""

    def __init__(self, cited: Box, citing: Box, cited_port: float, citing_port: float,
                 via: tuple[tuple[float, float], ...], columns: Columns) -> None:
        cited_left = cited.column < citing.column
        left, right = (cited, citing) if cited_left else (citing, cited)
        left_port, right_port = (cited_port, citing_port) if cited_left else (citing_port, cited_port)
        start_x, end_x = left.right, right.left
        if cited_left:
            self.tip, self.base = (start_x, left_port), (start_x + ARROW_LENGTH, left_port)
            start_x = self.base[0]
        else:
            self.tip, self.base = (end_x, right_port), (end_x - ARROW_LENGTH, right_port)
            end_x = self.base[0]
        self.start = (start_x, left_port)
        self.end_x = end_x
        self.bends: list[_Bend] = []
        # Its stations, left to right: the left end, each chain point (one a column), the right end.
        column, x, y = left.column, start_x, left_port
        for next_column, (next_x, next_y) in chain(zip(range(left.column + 1, right.column), via),
                                                   ((right.column, (end_x, right_port)),)):
            if abs(next_y - y) >= LEVEL:
                low, high = (y, next_y) if next_y >= y else (next_y, y)
                self.bends.append(_Bend(column, y, next_y, columns.clear_right(column, low, high, x),
                                        columns.clear_left(next_column, low, high, next_x)))
            column, x, y = next_column, next_x, next_y

    def route(self) -> Route:
        x, y = self.start
        parts = ["M%.1f,%.1f" % (x, y)]
        for bend in self.bends:
            start, end = bend.start, bend.end
            at = start + bend.turn * (end - start)
            half = end - at if end - at < at - start else at - start  # (min: the first unless the second is less)
            if at - half > x:
                parts.append("L%.1f,%.1f" % (at - half, bend.y))
            parts.append("C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (at, bend.y, at, bend.to_y, at + half, bend.to_y))
            x, y = at + half, bend.to_y
        if self.end_x > x:
            parts.append("L%.1f,%.1f" % (self.end_x, y))
        return Route(_path_data("".join(parts)), self.tip, self.base, max(self.end_x, self.base[0]))


def _spread_bends(routes: list[_Across]) -> None:
    """Give bends that would run on top of each other (in the same gap, the same direction,
    over heights they share) their own places across the gap: of two going down, the one
    starting higher turns further right (then they need not cross); of two going up, the one
    starting lower. A bend with the room to itself turns in the middle of it, gently."""
    gaps: dict[tuple[int, bool], list[_Bend]] = {}
    for route in routes:
        for bend in route.bends:
            gaps.setdefault((bend.column, bend.to_y < bend.y), []).append(bend)
    for (_column, down), bends in gaps.items():
        bends.sort(key=lambda b: min(b.y, b.to_y))
        crowd: list[_Bend] = []
        top = -math.inf
        for bend in [*bends, None]:
            if bend is not None and min(bend.y, bend.to_y) < top:
                crowd.append(bend)
                top = max(top, bend.y, bend.to_y)
                continue
            if len(crowd) > 1:  # (a bend alone keeps its turn in the middle)
                crowd.sort(key=lambda b: (b.y, b.to_y) if down else (-b.y, -b.to_y))
                for rank, member in enumerate(crowd):
                    member.turn = (rank + 0.5) / len(crowd)
            if bend is not None:
                crowd, top = [bend], max(bend.y, bend.to_y)


def _same_column(cited: Box, citing: Box, cited_port: float, citing_port: float, columns: Columns) -> Route:
    """A citation within one column: out of the cited box's right side, a bow just right of
    the boxes between the two, into the citing box's right side."""
    tip, base = (cited.right, cited_port), (cited.right + ARROW_LENGTH, cited_port)
    low, high = min(cited_port, citing_port), max(cited_port, citing_port)
    edge = columns.clear_right(cited.column, low, high, base[0])
    bulge = min(MAX_BULGE, 8.0 + (high - low) / 8)
    path = "M%.1f,%.1fL%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1fL%.1f,%.1f" % (
        base[0], cited_port, edge, cited_port, edge + bulge, cited_port, edge + bulge, citing_port,
        edge, citing_port, citing.right, citing_port)
    return Route(_path_data(path), tip, base, edge + 0.75 * bulge)
