"""The Explore page and the compact site data it is drawn from (render/site_data.py)."""

from __future__ import annotations

import json
import re

from paperkb.render.site_data import SITE_DATA_URI

from ..conftest import note, pagefind_pages

HOSTILE = '<img src=x onerror=alert(1)> & "quotes" </script>'


def _notes() -> dict[str, str]:
    return {
        "papers/a.md": note(HOSTILE, key="a", year=2021, fields=["Vision", "LLM"], venue="CVPR", type="survey",
                            level="skim", tags=["t1"], datasets=["ImageNet"], metrics=["FID"],
                            authors=["Ann One", "Bo Two", "Cy Three"], problem="Why <b>deep</b> nets\u2028generalise.",
                            cites=["b"]),
        "papers/b.md": note("Paper B", key="b", year=2019, fields=["Vision"], venue="ICML", level="deep"),
        "papers/c.md": note("No year", key="c"),
        "papers/secret.md": note("Hidden draft", key="secret", draft=True, problem="zanzibarword"),
    }


def test_site_data_is_compact_escaped_and_complete(site_builder):
    site = site_builder(_notes())
    assert site.ok, site.messages
    raw = (site.site_dir / SITE_DATA_URI).read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw and "\u2028" not in raw  # safe in a <script> too
    data = json.loads(raw)
    assert data["version"] == 1
    by_key = {n["key"]: n for n in data["notes"]}
    assert set(by_key) == {"a", "b", "c"} and "zanzibarword" not in raw
    a = by_key["a"]
    facets = data["facets"]
    assert a["title"] == HOSTILE and a["url"] == "papers/a/" and a["year"] == 2021
    assert a["authors"] == "Ann One et al." and a["cites"] == 1 and "cited_by" not in a
    assert [facets["field"][i] for i in a["field"]] == ["Vision", "LLM"]
    assert facets["venue"][a["venue"]] == "CVPR" and facets["type"][a["type"]] == "Survey"
    assert facets["level"][a["level"]] == "Skim" and facets["dataset"][a["dataset"][0]] == "ImageNet"
    assert a["problem"].startswith("Why <b>deep</b> nets")
    assert by_key["b"]["cited_by"] == 1
    assert "year" not in by_key["c"] and "venue" not in by_key["c"]
    assert [n["key"] for n in data["notes"]] == ["a", "b", "c"]  # newest first


def test_explore_page_is_a_static_table_in_the_nav(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    html = site.html("explore/")
    table = re.search(r'<table data-pkb-table="explore">.*?</table>', html, re.S).group(0)
    assert table.count("<tr data-pkb-key=") == 3
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34; &lt;/script&gt;" in table
    assert '<a href="../papers/b/">Paper B</a>' in table
    assert 'data-src="../assets/paperkb/notes.json"' in html
    assert re.search(r'<th data-col="year" data-sort="year">Year</th>', table)
    assert re.search(r'href="explore/"[^>]*>\s*(<span[^>]*>\s*)?Explore', site.html(""))
    assert "explore.js" in html
    # The page repeats every note: search lands on the notes, not here.
    indexed = pagefind_pages(site.site_dir)
    assert "papers/a/" in indexed and "explore/" not in indexed


def test_the_explorer_layout_a_worker_never_started_is_laid_out_by_the_build(tmp_path):
    """At the end of a build the explorer needs its layout: a worker that never got to it (niced,
    on a busy machine, behind its diagrams) gives it up and the build lays it out itself."""
    import threading
    from concurrent.futures import Future

    from paperkb.core.loader import load_library
    from paperkb.mkdocs_plugin.citation_display import CitationDisplay
    from paperkb.render.graph_data import graph_structure
    from paperkb.render.graph_layout import sfdp_positions

    from ..conftest import write_tree

    write_tree(tmp_path / "notes", {f"papers/{k}.md": note(k.upper(), year=2020, cites=cites)
                                    for k, cites in {"a": [], "b": ["a"], "c": ["a", "b"]}.items()})
    display = CitationDisplay()
    display.structure = graph_structure(load_library(tmp_path / "notes"))
    queued = Future()  # still in the worker's queue
    display.positions = queued
    found: list = []
    laying_out = threading.Thread(target=lambda: found.append(display._layout()), daemon=True)
    laying_out.start()
    laying_out.join(timeout=60)
    assert found and queued.cancelled(), "the build waited for a layout no worker had started"
    positions = found[0]
    assert positions == sfdp_positions(len(display.structure.keys), display.structure.pairs)


def test_the_explorers_structure_holds_citations_as_index_arrays(tmp_path):
    """Held from planning to the end of a build: each citation is two node indexes in arrays and
    a role, given back as (citing, cited, role) in order; in-text links yield to a cites entry."""
    from array import array

    from paperkb.core.loader import load_library
    from paperkb.render.graph_data import IN_TEXT_ROLE, graph_structure

    from ..conftest import write_tree

    write_tree(tmp_path / "notes", {
        "papers/a.md": note("A", year=2020),
        "papers/b.md": note("B", year=2021, cites=[{"key": "a", "role": "baseline"}]),
        "papers/c.md": note("C", year=2022, cites=["b"], body="See [[a]] for the idea.\n"),
    })
    structure = graph_structure(load_library(tmp_path / "notes"))
    assert structure.keys == ["a", "b", "c"]
    assert isinstance(structure.citing, array) and isinstance(structure.cited, array)
    edges = list(structure.edges)
    assert edges[0] == (1, 0, "baseline") and (2, 0, IN_TEXT_ROLE) in edges and edges[-1][:2] == (2, 1)
    assert structure.pairs == [(a, b) for a, b, _role in edges]
    assert structure == graph_structure(load_library(tmp_path / "notes"))  # (`serve` compares them)
