"""A diagram's SVG, byte for byte: what the worker draws from a diagram's source must not change
when its drawing is made faster (layout read back differently, sizes measured once, cache
writes). The sources are real ones of synthetic sites (skim and deep) and of the example site,
chosen to cover every line style, arrowhead, chain points, citations within one column and one
that runs backwards in time; each with the SHA-256 of the SVG paperkb drew for it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from paperkb.render.graph_dot import layout_dot
from paperkb.render.graph_svg import render_svg
from paperkb.render.graphviz_lib import _graphviz, place

DIAGRAMS = json.loads((Path(__file__).parent / "fixtures" / "diagram_sources.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda d: f"{len(d['source'])}-chars")
def test_a_diagrams_svg_is_the_same_bytes_as_before(diagram):
    svg = render_svg(diagram["source"], diagram["label"])
    assert hashlib.sha256(svg.encode("utf-8")).hexdigest() == diagram["svg_sha256"]


def test_positions_read_from_graphvizs_records_are_those_attach_attrs_writes():
    graphviz = _graphviz()
    assert graphviz.read_records  # the bundled Graphviz passed the probe: the fast path is taken
    for diagram in DIAGRAMS:
        dot = layout_dot(json.loads(diagram["source"]))
        assert graphviz.place(dot, graphviz._records_agree)
        from_records, from_text = graphviz.place(dot, graphviz._from_records), graphviz.place(dot, graphviz._from_text)
        assert from_records == from_text
        assert any(x != round(x) for x, _y in from_text.nodes.values())  # (rounding is exercised)
    assert place(dot) == from_text


def test_records_out_of_the_memory_view_are_read_as_text_instead(monkeypatch):
    """Where the layout records lie beyond the view graphviz_lib reads them through (a 32-bit
    process), the probe says so and positions are read as attach_attrs writes them."""
    from paperkb.render import graphviz_lib

    dot = layout_dot(json.loads(DIAGRAMS[0]["source"]))
    expected = place(dot)
    monkeypatch.setattr(graphviz_lib, "_MEMORY", memoryview(bytearray(64)))
    graphviz = graphviz_lib._Graphviz()
    assert not graphviz.read_records
    assert graphviz.place(dot) == expected
