"""render/graph_layout.py: the explorer's sfdp positions."""

from __future__ import annotations

import random

from paperkb.render import graph_layout, graphviz_lib


def test_sfdp_positions_read_from_layout_records_are_those_of_sfdp_s_plain_output(monkeypatch):
    """The positions come from Graphviz's layout records (no pygraphviz graph, no "plain" text
    to parse): the very numbers, signs and roundings the "plain" output gave, node by node."""
    rng = random.Random(5)
    count = 400
    edges = [(rng.randrange(count), rng.randrange(count)) for _ in range(3 * count)] + [(7, 7)]
    assert graphviz_lib._graphviz().read_records
    calls: list[bytes] = []
    read_points = graphviz_lib.node_points
    monkeypatch.setattr(graphviz_lib, "node_points", lambda dot, engine: calls.append(engine) or read_points(dot, engine))
    from_records = graph_layout.sfdp_positions(count, edges)
    assert calls == [b"sfdp", b"sfdp"]  # (the warm-up layout, then the graph's)
    monkeypatch.setattr(graphviz_lib, "node_points", lambda dot, engine: None)  # records not proved readable
    from_text = graph_layout.sfdp_positions(count, edges)
    assert repr(from_records) == repr(from_text)
    assert len({position for position in from_records}) > count * 0.9  # (laid out, not all at the origin)
    assert graph_layout.sfdp_positions(1, []) == [(0.0, 0.0)] and graph_layout.sfdp_positions(0, []) == []
