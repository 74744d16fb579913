"""Citation lines drawn by paperkb (render/edge_routes.py) from where Graphviz placed the boxes
and the chain points of the columns each citation passes: no line crosses a box, each runs
from the citing note's box to the cited note's, where its arrowhead's tip touches the box."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from paperkb.core.urls import SiteUrls
from paperkb.render.edge_routes import Box, Citation, Columns, route_citations
from paperkb.render.graph_dot import GraphEdge, GraphNode, GraphView, chain_node, diagram_source, layout_dot
from paperkb.render.graph_svg import render_svg

SVG = "{http://www.w3.org/2000/svg}"


def sample(path: str) -> list[tuple[float, float]]:
    """Points along SVG path data made of M, L and C (absolute) commands."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?", path)
    assert "".join(t for t in tokens if t in "MLC")[0] == "M"
    points: list[tuple[float, float]] = []
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command in "ML":
            x, y = map(float, tokens[i + 1].split(","))
            if command == "L":
                (x0, y0) = points[-1]
                points += [(x0 + (x - x0) * k / 20, y0 + (y - y0) * k / 20) for k in range(1, 21)]
            else:
                points.append((x, y))
            i += 2
        else:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[-1], *(
                tuple(map(float, tokens[i + j].split(","))) for j in (1, 2, 3))
            for k in range(1, 41):
                u = k / 40
                v = 1 - u
                points.append((v ** 3 * x0 + 3 * v * v * u * x1 + 3 * v * u * u * x2 + u ** 3 * x3,
                               v ** 3 * y0 + 3 * v * v * u * y1 + 3 * v * u * u * y2 + u ** 3 * y3))
            i += 4
    return points


def drawn(source: str) -> tuple[dict[str, tuple[float, float, float, float]], list[dict], float, float]:
    """The boxes (key -> x, y, w, h in the flipped group's coordinates: y up), the citations
    (ends, sampled line, arrowhead points) and the drawing's width and height."""
    svg = ET.fromstring(render_svg(source, "a diagram"))
    (flip,) = [g for g in svg.iter(f"{SVG}g") if g.get("transform")]
    _a, _b, _c, _d, dx, top = (float(v) for v in flip.get("transform")[len("matrix("):-1].split())
    boxes = {}
    for group in svg.iter(f"{SVG}g"):
        if "pkb-node" in group.get("class", "").split():
            rect = next(group.iter(f"{SVG}rect"))
            x, y, w, h = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
            boxes[group.get("data-pkb-key")] = (x - dx, top - y - h, w, h)  # lower-left corner, y up
    citations = []
    for group in flip.iter(f"{SVG}g"):
        if "pkb-edge" in group.get("class", "").split():
            polygon, dot = group.find(f"{SVG}polygon"), group.find(f"{SVG}ellipse")
            if polygon is not None:  # a triangle or a diamond
                head = [tuple(map(float, p.split(","))) for p in polygon.get("points").split()]
            else:  # a dot: its leftmost and rightmost points
                cx, cy, r = (float(dot.get(a)) for a in ("cx", "cy", "rx"))
                head = [(cx - r, cy), (cx + r, cy)]
            citations.append({"from": group.get("data-pkb-from"), "to": group.get("data-pkb-to"),
                              "line": sample(group.find(f"{SVG}path").get("d")), "head": head})
    _x, _y, width, height = (float(v) for v in svg.get("viewBox").split())
    return boxes, citations, width, height


def inside(point: tuple[float, float], box: tuple[float, float, float, float], margin: float) -> bool:
    x, y, w, h = box
    return x + margin < point[0] < x + w - margin and y + margin < point[1] < y + h - margin


def touches(point: tuple[float, float], box: tuple[float, float, float, float], tolerance: float = 0.15) -> bool:
    x, y, w, h = box
    return x - tolerance <= point[0] <= x + w + tolerance and y - tolerance <= point[1] <= y + h + tolerance


def assert_well_drawn(source: str, count: int) -> list[dict]:
    boxes, citations, width, height = drawn(source)
    assert len(citations) == count
    for citation in citations:
        line, cited, citing = citation["line"], boxes[citation["to"]], boxes[citation["from"]]
        for key, box in boxes.items():  # (half a point: the rounding of coordinates to a tenth)
            crossing = [p for p in line if inside(p, box, 0.5)]
            assert not crossing, (citation["from"], citation["to"], "crosses", key, crossing[:3])
        # from the citing note's box to the cited note's, whose arrowhead ends on it
        assert any(touches(end, citing) for end in (line[0], line[-1])), citation
        assert any(touches(point, cited) for point in citation["head"]), citation  # the arrowhead's tip
        assert any(touches(end, cited, 6.2) for end in (line[0], line[-1]))  # the line meets its arrowhead
        assert all(-4 <= x <= width - 4 and -4 <= y <= height - 4 for x, y in line)  # on the canvas (PAD 4)
    return citations


def node(key: str, year: int | None, ring: int = 1, title: str | None = None) -> GraphNode:
    return GraphNode(key, title or f"Paper {key} about something", year, None, f"papers/{key}.md", ring)


def test_long_citations_pass_the_columns_between_their_notes_without_crossing_a_box():
    """A citation from 2024 to 2010 passes five columns holding other notes: a chain point in
    each gives it room there; its line stays clear of every box and meets the right ones."""
    nodes = [node("old", 2010), node("a", 2012), node("b", 2014), node("c", 2016), node("d", 2018),
             node("e", 2020), node("f", 2022), node("focus", 2024, 0, "The focus note, much cited and citing")]
    keys = [n.key for n in nodes]
    edges = [GraphEdge("focus", "old", "builds-on"), GraphEdge("focus", "c", "baseline"),
             GraphEdge("e", "old", "related"), GraphEdge("d", "a", "dataset"), GraphEdge("f", "b", "metric")]
    edges += [GraphEdge(later, earlier, "background") for earlier, later in zip(keys, keys[1:])]
    source = diagram_source(GraphView("t", nodes, edges, len(nodes), len(edges)), SiteUrls(), "papers/focus.md")
    dot = layout_dot(json.loads(source))
    assert 'splines=""' in dot  # Graphviz routes nothing
    first = next(i for i, e in enumerate(json.loads(source)["edges"]) if e[:2] == ["old", "focus"])  # (cited, citing)
    assert all(chain_node(first, column) in dot for column in range(1, 7))  # a point in each column passed
    assert chain_node(first, 0) not in dot and chain_node(first, 7) not in dot
    assert_well_drawn(source, len(edges))


def test_same_year_backward_and_undated_citations_are_drawn_to_their_boxes():
    """Two notes of one year (one column), a preprint citing a later paper (the line runs
    backwards in time, its arrowhead on the later, cited note) and a note without a year
    (the last column, "n.d.")."""
    nodes = [node("a", 2015), node("b", 2015), node("c", 2015, title="A third paper of the same year"),
             node("pre", 2016), node("later", 2019), node("undated", None), node("focus", 2017, 0)]
    edges = [GraphEdge("b", "a", "builds-on"), GraphEdge("c", "a", "related"), GraphEdge("focus", "a", "baseline"),
             GraphEdge("pre", "later", "builds-on"), GraphEdge("focus", "later", "dataset"),
             GraphEdge("undated", "focus", "related"), GraphEdge("later", "focus", "metric")]
    source = diagram_source(GraphView("t", nodes, edges, len(nodes), len(edges)), SiteUrls(), "papers/focus.md")
    citations = assert_well_drawn(source, len(edges))
    boxes, *_ = drawn(source)
    backward = next(c for c in citations if (c["from"], c["to"]) == ("pre", "later"))
    tip = backward["head"][1]  # (a triangle: base corner, tip, base corner)
    assert abs(tip[0] - boxes["later"][0]) < 0.2  # it enters the later, cited note from its left side


@pytest.mark.parametrize("count", [1, 6, 14])
def test_citations_meeting_one_side_of_a_box_get_their_own_ports_in_order(count):
    """Citations ending on one side of a box meet it at distinct heights, within the box,
    ordered as their other ends are (so they do not cross there)."""
    boxes = [Box(0, 0, 80, 40, 0)] + [Box(200, 60 - 30 * i, 80, 20, 1) for i in range(count)]
    routes = route_citations(boxes, Columns(boxes), [Citation(0, i + 1) for i in range(count)])
    tips = [route.tip[1] for route in routes]
    assert all(-20 < y < 20 for y in tips)
    assert tips == sorted(tips, reverse=True) and len(set(tips)) == count  # highest neighbour, highest port
    assert all(route.tip[0] == 40 and route.base[0] > 40 for route in routes)  # right side, pointing in


def test_every_citation_of_a_crowded_diagram_stays_clear_of_the_boxes():
    """Thirty notes over twelve years, each citing up to four earlier ones: every line clear."""
    nodes = [node(f"p{i}", 2000 + i % 12, 0 if i == 29 else 1, f"Paper number {i} " + "wide " * (i % 4))
             for i in range(30)]
    edges = [GraphEdge(f"p{i}", f"p{j}", ("builds-on", "related", "background", "dataset")[(i + j) % 4])
             for i in range(30) for j in range(i) if (i * 7 + j * 3) % 5 == 0 and nodes[j].year <= nodes[i].year]
    source = diagram_source(GraphView("t", nodes, edges, len(nodes), len(edges)), SiteUrls(), "papers/p29.md")
    assert len(edges) > 30
    assert_well_drawn(source, len(edges))
