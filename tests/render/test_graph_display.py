"""The citation display: Cites / Cited by lists, note diagrams (inline Graphviz SVG), graph pages,
the SVG disk cache, escaping of hostile titles, drafts nowhere."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import time
import zlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from paperkb.core.cache_file import read_signed_cache_file
from paperkb.core.urls import SiteUrls, relative_url
from paperkb.render.graph_dot import (
    GraphEdge, GraphNode, GraphView, GraphViews, diagram_source, layout_dot, wrap_label,
)
from paperkb.render.graph_html import aria_label
from paperkb.render.graph_renderer import GraphRenderer
from paperkb.render.graph_svg import (GraphRenderError, SvgDiskCache, cache_key, graphviz_version, pack_source,
                                       render_svg, unpack_source)

from ..conftest import build_site, diagram_cache_records, drop_diagram, note, spoil_diagram

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
HOSTILE = 'A "quoted" <b>&{x}\\n\n<script>alert(1)</script> \\N \\G &amp; end'
HOSTILE_SHOWN = 'A "quoted" <b>&{x}\\n <script>alert(1)</script> \\N \\G &amp; end'


def kb() -> dict[str, str]:
    """A small knowledge base with a known graph (arrows: cites)."""
    return {
        "index.md": "# Home\n",
        "papers/attn.md": note("Attention Is All You Need", year=2017, fields=["LLM"]),
        "papers/resnet.md": note("Deep Residual Learning", year=2016, fields=["Vision"]),
        "papers/imagenet.md": note("ImageNet", year=2009, fields=["Vision"], type="dataset"),
        "papers/fid.md": note("FID: GANs Trained by a Two Time-Scale Update Rule", year=2017, fields=["Generative"]),
        "papers/bert.md": note(
            "BERT", "Uses [[attn]].\n", year=2019, fields=["LLM"],
            cites=[{"key": "attn", "role": "builds-on"}, "secret"]),
        "papers/gpt3.md": note(
            "Language Models are Few-Shot Learners", year=2020, fields=["LLM"],
            cites=[{"key": "attn", "role": "builds-on"}, {"key": "bert", "role": "baseline"}]),
        "papers/vit.md": note(
            "An Image is Worth 16x16 Words", "Compared in [the ResNet note](resnet.md).\n", year=2021,
            fields=["Vision"],
            cites=[{"key": "attn", "role": "builds-on"}, {"key": "imagenet", "role": "dataset"},
                   {"key": "hostile", "role": "background"}]),
        "papers/ddpm.md": note(
            "Denoising Diffusion Probabilistic Models", year=2020, fields=["Generative"],
            cites=[{"key": "fid", "role": "metric"}, "resnet"]),
        "papers/hostile.md": note(HOSTILE, year=2022, fields=["LLM"], cites=["attn"]),
        "papers/secret.md": note("Secret Draft Paper", year=2023, fields=["LLM"], draft=True, cites=["attn", "bert"]),
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("graph"), kb())


# -- helpers ---------------------------------------------------------------------------------------
def page_path(site, url: str) -> Path:
    return site.site_dir / url / "index.html" if url.endswith("/") or url == "" else site.site_dir / url


def section(html: str, heading_id: str) -> str:
    """The HTML from the heading with ``heading_id`` to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start + 10)
    return html[start:end if end != -1 else len(html)]


def tiny(i: int, title: str = "A") -> str:
    """The source of a small diagram (two notes, one citation), different for each ``i``."""
    nodes = [GraphNode(f"a{i}", title, 2020, None, f"papers/a{i}.md", 0),
             GraphNode(f"b{i}", f"B {i}", 2021, None, f"papers/b{i}.md", 1)]
    return diagram_source(GraphView("t", nodes, [GraphEdge(f"b{i}", f"a{i}", "related")], 2, 1), SiteUrls(), f"papers/a{i}.md")


BROKEN = "not a diagram"


def svgs(html: str) -> list[ET.Element]:
    """Every inline diagram of the page, parsed as XML (fails if one does not parse)."""
    return [ET.fromstring(m.group(0)) for m in re.finditer(r"<svg [^>]*class=\"pkb-graph__svg\".*?</svg>", html, re.S)]


def resolves(site, page_url: str, href: str) -> Path | None:
    """The built file a relative link of the page at ``page_url`` leads to, if it exists."""
    base = page_url if page_url.endswith("/") or page_url == "" else posixpath.dirname(page_url) + "/"
    target = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
    path = site.site_dir / target
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def node_links(svg: ET.Element) -> dict[str, str]:
    """href -> tooltip of every linked node."""
    links = {}
    for group in svg.iter(f"{SVG}g"):
        if "pkb-node" in group.get("class", "").split():
            anchor = next(group.iter(f"{SVG}a"))
            links[anchor.get(XLINK_HREF)] = group.find(f"{SVG}title").text
    return links


# -- Cites / Cited by ------------------------------------------------------------------------------
def test_cites_grouped_by_role_in_role_order_with_year_and_title(site):
    html = site.html("papers/gpt3/")
    cites = section(html, "cites")
    builds, baseline = cites.index("Builds on"), cites.index("Baseline")
    assert builds < baseline  # ROLES order: background, related, builds-on, baseline, dataset, metric
    assert re.search(r'<a href="\.\./attn/" title="Attention Is All You Need \(2017\)">Attention Is All You Need</a> <span class="pkb-cites__meta">\(2017\)',
                     cites[builds:baseline])
    assert '<a href="../bert/" title="BERT (2019)">BERT</a>' in cites[baseline:]
    assert "(2019)" in cites[baseline:]
    assert "No note of this collection cites this one yet." in section(html, "cited-by")


def test_cited_by_groups_citing_notes_by_the_role_they_gave(site):
    cited_by = section(site.html("papers/attn/"), "cited-by")
    groups = dict(re.findall(r'pkb-role--([\w-]+)">.*?</p>\s*<ul class="pkb-cites__list">(.*?)</ul>', cited_by, re.S))
    assert set(groups) == {"related", "builds-on"}
    assert all(t in groups["builds-on"] for t in ("BERT", "Language Models are Few-Shot Learners", "16x16"))
    assert "&lt;b&gt;" in groups["related"]  # the hostile note, escaped
    assert list(groups) == ["related", "builds-on"]


def test_body_links_are_edges_and_every_list_link_resolves(site):
    # BERT links [[attn]] (also a `cites` entry: one edge, in its role); ViT links resnet.md in its
    # body only: a group of its own after the roles, in both lists.
    groups = re.compile(r'pkb-role--([\w-]+)">(.*?)<span.*?<ul class="pkb-cites__list">(.*?)</ul>', re.S)
    vit = groups.findall(section(site.html("papers/vit/"), "cites"))
    assert [(role, label.strip()) for role, label, _ in vit][-1] == ("in-text", "Linked in the text")
    assert "Deep Residual Learning" in vit[-1][2] and "Deep Residual Learning" not in "".join(g[2] for g in vit[:-1])
    resnet = groups.findall(section(site.html("papers/resnet/"), "cited-by"))
    assert [(role, label.strip()) for role, label, _ in resnet] == [
        ("related", "Related"), ("in-text", "Linking to it in their text")]
    assert "16x16" in resnet[1][2] and "Denoising" in resnet[0][2]
    bert = groups.findall(section(site.html("papers/bert/"), "cites"))
    assert [role for role, _, _ in bert] == ["builds-on"]
    for key in ("attn", "bert", "gpt3", "vit", "ddpm", "hostile", "resnet"):
        url = f"papers/{key}/"
        for part in ("cites", "cited-by"):
            for href in re.findall(r'href="([^"]+)"', section(site.html(url), part)):
                if not href.startswith("#"):
                    assert resolves(site, url, href), (url, href)


# -- note diagrams ---------------------------------------------------------------------------------
def test_note_diagram_links_every_neighbour_to_a_built_page(site):
    neighbours = {
        "attn": {"bert", "gpt3", "vit", "hostile"},
        "vit": {"attn", "imagenet", "hostile", "resnet"},
        "ddpm": {"fid", "resnet"},
    }
    for key, expected in neighbours.items():
        url = f"papers/{key}/"
        (svg,) = svgs(site.html(url))
        links = node_links(svg)
        targets = {}
        for href in links:
            built = resolves(site, url, href)
            assert built is not None, f"{url}: diagram link {href} leads nowhere"
            targets[built.parent.name] = href
        assert expected | {key} <= set(targets), (key, sorted(targets))
        node_anchors = [a for g in svg.iter(f"{SVG}g") if "pkb-node" in g.get("class", "") for a in g.iter(f"{SVG}a")]
        assert node_anchors and all(a.get("target") == "_top" for a in node_anchors)


def test_diagram_is_inline_accessible_svg_without_prolog_or_ids(site):
    html = site.html("papers/attn/")
    figure = html[html.index('<figure class="pkb-graph'):html.index("</figure>")]
    assert "<?xml" not in figure and "<!DOCTYPE" not in figure and "<!--" not in figure
    (svg,) = svgs(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-label").startswith("Citation diagram of Attention Is All You Need:")
    assert svg.get("width") == "100%" and "max-width" in svg.get("style") and svg.get("height") is None
    assert not [e for e in svg.iter() if e.get("id")]
    assert "data-search-exclude" in figure


def test_hostile_title_is_escaped_in_lists_dot_and_svg(site):
    for url in ("papers/hostile/", "papers/attn/", "papers/vit/"):
        html = site.html(url)
        assert "<script>alert" not in html and "<b>&" not in html
        for svg in svgs(html):
            assert not list(svg.iter(f"{SVG}script"))
            tooltips = set(node_links(svg).values())
            assert f"{HOSTILE_SHOWN} (2022)" in tooltips, tooltips
            label = " ".join(t.text or "" for g in svg.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None
                             and g.find(f"{SVG}title").text.startswith("A \"quoted\"") for t in g.iter(f"{SVG}text"))
            assert label.startswith('A "quoted" <b>&{x}\\n'), label  # literal backslash-n, not a line break
    # Escaped as text in the hostile note's own page (card title and lists).
    assert "A &#34;quoted&#34; &lt;b&gt;&amp;{x}" in site.html("papers/hostile/") or \
        "A &quot;quoted&quot; &lt;b&gt;&amp;{x}" in site.html("papers/hostile/")


def test_note_text_never_reaches_graphviz_and_is_escaped_in_the_svg():
    import json

    node = GraphNode('k"1', HOSTILE, 2020, None, "papers/k1.md", 0)
    other = GraphNode("k2", "Other <i>", 2021, None, "papers/k2.md", 1)
    source = diagram_source(GraphView("t", [node, other], [GraphEdge("k2", 'k"1', "related")], 2, 1),
                            SiteUrls(), "papers/k1.md")
    dot = layout_dot(json.loads(source))
    # Graphviz sees numbered boxes of a measured size, no title, key or link of a note.
    assert 'label=""' in dot and not any(text in dot for text in ("quoted", "script", "\\N", "Other", "k1", "k2", "<", "&"))
    raw = render_svg(source, 'label with "quotes" & <tags>')
    assert "<script" not in raw and "<b>" not in raw and "<i>" not in raw
    svg = ET.fromstring(raw)
    assert svg.get("aria-label") == 'label with "quotes" & <tags>'
    assert set(node_links(svg).values()) == {f"{HOSTILE_SHOWN} (2020)", "Other <i> (2021)"}
    keys = {g.get("data-pkb-key") for g in svg.iter(f"{SVG}g") if "pkb-node" in g.get("class", "")}
    ends = {(g.get("data-pkb-from"), g.get("data-pkb-to")) for g in svg.iter(f"{SVG}g") if "pkb-edge" in g.get("class", "")}
    assert keys == {'k"1', "k2"} and ends == {("k2", 'k"1')}
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Other <i>" in texts and any(t.startswith('A "quoted" <b>&{x}\\n') for t in texts)


def test_control_characters_and_huge_titles_still_draw(tmp_path):
    """Characters XML cannot hold are dropped; a tooltip is cut before Graphviz's string limit."""
    control = "Ctl \x01\x08\x1b\x00 char\ufffe"
    huge = "word " * 5000
    nodes = [GraphNode("k1", control, 2020, None, "papers/k1.md", 0),
             GraphNode("k2", huge, 2021, None, "papers/k2.md", 0)]
    source = diagram_source(GraphView("k1", nodes, [GraphEdge("k2", "k1", "related")], 2, 0), SiteUrls(), "papers/k1.md")
    svg = ET.fromstring(render_svg(source, aria_label(GraphView("k1", nodes, [], 2, 0), control)))
    tooltips = sorted(node_links(svg).values(), key=len)
    assert tooltips[0] == "Ctl char (2020)"
    assert tooltips[1].endswith("… (2021)") and len(tooltips[1]) < 400
    assert svg.get("aria-label").startswith("Citation diagram of Ctl char:")


def test_drafts_are_never_graph_nodes(site):
    text = site.all_text()
    assert "Secret Draft Paper" not in text
    for key in ("attn", "bert"):
        for svg in svgs(site.html(f"papers/{key}/")):
            assert not any("secret" in href for href in node_links(svg))
    assert not (site.site_dir / "papers" / "secret").exists()
    assert not site.warnings() or not any("secret" in w for w in site.warnings())


def test_role_styles_and_legend(site):
    html = site.html("papers/vit/")
    (svg,) = svgs(html)
    edges = {}
    for group in svg.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "pkb-edge" in classes:
            role = next(c for c in classes if c.startswith("pkb-role--"))[len("pkb-role--"):]
            edges.setdefault(role, next(group.iter(f"{SVG}path")))
    assert {"builds-on", "dataset", "background", "related"} <= set(edges)
    assert edges["builds-on"].get("stroke-dasharray") is None
    assert edges["related"].get("stroke-dasharray")  # dashed
    assert edges["background"].get("stroke-dasharray")  # dotted
    legend = html[html.index('<figcaption class="pkb-legend">'):html.index("</figcaption>")]
    assert re.findall(r'data-role="([\w-]+)"', legend) == ["background", "related", "builds-on", "dataset"]
    assert "Vision" in legend and "LLM" in legend
    # ViT's link to the ResNet note is in its text, not its cites list: drawn pale, and said so.
    mentions = [g for g in svg.iter(f"{SVG}g") if "pkb-edge--mention" in g.get("class", "").split()]
    assert len(mentions) == 1 and "pkb-role--related" in mentions[0].get("class")
    assert "pale: a link in the note&#39;s text" in legend or "pale: a link in the note's text" in legend
    baseline = svgs(site.html("papers/gpt3/"))[0]
    widths = [float(p.get("stroke-width", "1")) for g in baseline.iter(f"{SVG}g")
              if "pkb-role--baseline" in g.get("class", "") for p in g.iter(f"{SVG}path")]
    assert widths and min(widths) >= 2


def test_field_colours_css_is_generated_and_linked(site):
    css = (site.site_dir / "assets" / "paperkb" / "graph-fields.css").read_text()
    # the most common field first; the interactive graphs' stronger tone of the same hue beside it
    assert ".pkb-field--llm { --pkb-fill: var(--pkb-c0); --pkb-strong: var(--pkb-g0); }" in css
    assert "graph-fields.css" in site.html("papers/attn/")
    assert "pkb-field--vision" in site.html("papers/vit/")


def test_diagram_layout_runs_left_to_right_by_year():
    nodes = [GraphNode("old", "Old", 2010, None, "papers/old.md", 1),
             GraphNode("new", "New", 2020, None, "papers/new.md", 0)]
    import json

    source = diagram_source(GraphView("t", nodes, [GraphEdge("new", "old", "builds-on")], 2, 1), SiteUrls(), "papers/new.md")
    dot = layout_dot(json.loads(source))
    assert "rankdir=LR" in dot and "rank=same" in dot
    svg = ET.fromstring(render_svg(source, "x"))
    xs = {}
    for group in svg.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        text = group.find(f".//{SVG}text")
        if title is not None and text is not None and "node" in group.get("class", ""):
            xs[title.text] = float(text.get("x"))
    assert xs["Old (2010)"] < xs["New (2020)"]


# -- disk cache ------------------------------------------------------------------------------------
def cache_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Each cached SVG's key and where its record is: a record written again moves."""
    return diagram_cache_records(root / ".paperkb-cache" / "graphs")


def diagram_key(site, url: str) -> str:
    """What identifies a page's diagram: its SVG (the cache file names never reach the site)."""
    return re.search(r'<div class="pkb-graph__canvas">(.*?)</div>', site.html(url), re.S).group(1)


def test_disk_cache_second_build_renders_nothing_and_a_change_renders_only_affected(tmp_path):
    files = kb()
    first = build_site(tmp_path, files)
    state1 = cache_state(tmp_path)
    keys1 = {k: diagram_key(first, f"papers/{k}/") for k in ("attn", "ddpm", "fid", "resnet", "gpt3", "vit", "imagenet")}
    assert len(state1) >= 9  # 8 note diagrams (imagenet included) + graph pages
    assert all(k.startswith("<svg") for k in keys1.values())
    assert not any(key in first.all_text() for key in state1)  # cache names stay private

    second = build_site(tmp_path, files)
    assert cache_state(tmp_path) == state1  # nothing laid out again, nothing rewritten
    assert second.html("papers/attn/") == first.html("papers/attn/")

    files["papers/ddpm.md"] = files["papers/ddpm.md"].replace("Denoising Diffusion", "Denoising  Diffusion (v2)")
    third = build_site(tmp_path, files)
    state3 = cache_state(tmp_path)
    new = set(state3) - set(state1)
    assert {k: v for k, v in state3.items() if k in state1} == state1  # old entries untouched
    keys3 = {k: diagram_key(third, f"papers/{k}/") for k in keys1}
    changed = {k for k in keys1 if keys1[k] != keys3[k]}
    # ddpm and the notes whose diagrams show it: fid and resnet (neighbours), vit (via resnet).
    assert changed == {"ddpm", "fid", "resnet", "vit"}
    # New files: those four note diagrams, the site graph and the Generative field graph
    # (the Vision graph does not contain ddpm).
    assert len(new) == 6, sorted(new)


def test_a_rebuild_over_the_same_citation_graph_takes_the_last_builds_diagram_plans(tmp_path, monkeypatch):
    files = kb()
    first = build_site(tmp_path, files)
    plan_file = tmp_path / ".paperkb-cache" / "graphs" / "plans" / "note-diagrams.json.z"
    assert plan_file.is_file()
    keys = ("attn", "ddpm", "fid", "resnet", "gpt3", "vit", "imagenet", "bert")
    shown = {k: diagram_key(first, f"papers/{k}/") for k in keys}
    planned: list[str] = []
    local = GraphViews.local
    monkeypatch.setattr(GraphViews, "local", lambda self, key, *a, **kw: planned.append(key) or local(self, key, *a, **kw))

    files["papers/attn.md"] += "\nA sentence more: the text changed, the citation graph did not.\n"
    second = build_site(tmp_path, files)
    assert second.ok and planned == []  # every note diagram's plan taken from the first build
    assert {k: diagram_key(second, f"papers/{k}/") for k in keys} == shown
    assert second.html("papers/gpt3/") == first.html("papers/gpt3/")

    kept = json.loads(zlib.decompress(read_signed_cache_file(plan_file, "diagram-plans")))
    # Figures are kept as numbered pieces, each written once: the legend entries figures share.
    numbers = [at for plan in kept["plans"].values() if plan is not None for at in plan[1]]
    assert sorted(set(numbers)) == list(range(len(kept["pieces"]))) and len(kept["pieces"]) < len(numbers)
    svg_key = kept["plans"]["papers/ddpm.md"][0]
    drop_diagram(tmp_path / ".paperkb-cache" / "graphs", svg_key)  # a cleaned cache
    third = build_site(tmp_path, files)
    assert planned == ["ddpm"]  # planned (and drawn) again, alone
    assert diagram_key(third, "papers/ddpm/") == shown["ddpm"]

    planned.clear()
    files["papers/fid.md"] = files["papers/fid.md"].replace("FID:", "FID (v2):")  # a title other diagrams show
    fourth = build_site(tmp_path, files)
    assert set(planned) >= set(keys)  # the citation graph changed: every diagram planned again
    assert "FID (v2)" in diagram_key(fourth, "papers/ddpm/")


def test_renderer_pool_lays_out_in_workers_and_caches(tmp_path):
    renderer = GraphRenderer(tmp_path / "cache", workers=2)
    dots = [tiny(i) for i in range(30)]
    try:
        keys = [renderer.submit(d, f"diagram {i}") for i, d in enumerate(dots)]
        renderer.start()
        svgs_ = [renderer.svg(k) for k in keys]
    finally:
        renderer.close()
    assert renderer.stats.rendered == 30
    assert all(ET.fromstring(s).get("aria-label") == f"diagram {i}" for i, s in enumerate(svgs_))
    disk = SvgDiskCache(tmp_path / "cache")
    assert all(disk.get(k) == s for k, s in zip(keys, svgs_))
    assert keys[0] == cache_key(dots[0], "diagram 0", graphviz_version())

    again = GraphRenderer(tmp_path / "cache", workers=2)
    keys2 = [again.submit(d, f"diagram {i}") for i, d in enumerate(dots)]
    again.start()
    assert [again.svg(k) for k in keys2] == svgs_
    assert again.stats.rendered == 0 and again.stats.disk_hits == 30
    again.close()
    assert not list((tmp_path / "cache").rglob(".tmp-*"))  # atomic writes leave no temp files


def test_with_workers_the_build_process_never_loads_graphviz_for_the_cache_keys(tmp_path):
    """Graphviz's version (in every diagram's cache key) comes from a worker: the build process
    keeps pygraphviz's ~36 libraries out of its memory. A fresh interpreter, as a build's."""
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from paperkb.render.graph_renderer import GraphRenderer\n"
        f"renderer = GraphRenderer({str(tmp_path / 'cache')!r}, workers=1)\n"
        "assert renderer.run(os.getpid).result(timeout=60) != os.getpid()\n"
        "print(renderer.version)\n"
        "print('pygraphviz' in sys.modules)\n"
        "renderer.close()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    version, loaded = done.stdout.splitlines()
    assert version == graphviz_version() and loaded == "False"


def test_a_worker_draws_only_unclaimed_diagrams_and_sends_back_only_what_it_could_not_store(tmp_path, monkeypatch):
    import multiprocessing

    from paperkb.render import diagram_workers
    from paperkb.render.diagram_workers import BUILD, PENDING, SENT, STORED, Claims, draw_batch

    claims = Claims(multiprocessing.Lock(), multiprocessing.RawArray("B", 8))
    monkeypatch.setattr(diagram_workers, "_claims", claims)
    dots = [tiny(i) for i in range(3)] + [BROKEN]
    items = [(i, f"{i}" * 64, pack_source(dot), f"d{i}") for i, dot in enumerate(dots)]  # sources travel packed
    claims.set(1, BUILD)  # the build took this one: a page needed it before the worker got there
    cache = SvgDiskCache(tmp_path / "cache")
    assert draw_batch(items, str(tmp_path / "cache")) == {}  # stored: the page reads it from disk
    assert [claims.get(i) for i in range(4)] == [STORED, BUILD, STORED, SENT]  # the broken one: the build reports it
    assert cache.get(items[0][1]) == render_svg(dots[0], "d0") and cache.get(items[1][1]) is None
    for i in range(4):
        claims.set(i, PENDING)
    assert draw_batch(items[:1], None) == {items[0][1]: render_svg(dots[0], "d0")}  # no cache: sent back
    assert claims.get(0) == SENT


def test_queued_sources_wait_packed_a_batch_together(tmp_path):
    """Sources queued without workers are packed a batch at a time (one stream per BATCH_SIZE),
    the last ones as they are until their batch fills; each is drawn from what it was."""
    from paperkb.core.packed_text import PackedPart
    from paperkb.render.graph_renderer import BATCH_SIZE

    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    renderer.begin_build()
    dots = [tiny(i) for i in range(BATCH_SIZE + 3)]
    keys = [renderer.submit(d, f"d{i}") for i, d in enumerate(dots)]
    held = [renderer._queued[k][0] for k in keys]
    assert all(isinstance(p, PackedPart) for p in held[:BATCH_SIZE])
    assert len({id(p.stream) for p in held[:BATCH_SIZE]}) == 1
    assert held[BATCH_SIZE:] == dots[BATCH_SIZE:]  # (not a full batch yet)
    for i in (BATCH_SIZE + 1, 3, 0, BATCH_SIZE + 2):
        assert renderer.svg(keys[i]) == render_svg(dots[i], f"d{i}")
    assert renderer._unpacked == [keys[BATCH_SIZE]]


def test_renderer_keeps_the_last_build_in_memory_for_serve(tmp_path):
    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    dot = tiny(0)
    renderer.begin_build()
    first = renderer.svg(renderer.submit(dot, "one"))
    assert renderer.stats.rendered == 1
    (tmp_path / "cache").rename(tmp_path / "elsewhere")  # a rebuild must not need the disk
    renderer.begin_build()
    assert renderer.svg(renderer.submit(dot, "one")) == first
    assert renderer.stats.memory_hits == 1 and renderer.stats.rendered == 0
    renderer.begin_build()
    renderer.begin_build()  # a build that did not use it: forgotten
    renderer.svg(renderer.submit(dot, "one"))
    assert renderer.stats.rendered == 1


def test_a_cached_svg_is_read_when_its_page_needs_it_not_when_planned(tmp_path):
    dots = [tiny(i) for i in range(3)]
    first = GraphRenderer(tmp_path / "cache", workers=0)
    drawn = [first.svg(first.submit(d, f"d{i}")) for i, d in enumerate(dots)]
    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    renderer.begin_build()
    keys = [renderer.submit(d, f"d{i}") for i, d in enumerate(dots)]
    assert renderer.stats.disk_hits == 3 and not renderer._memory  # planned, nothing read yet
    assert renderer.svg(keys[0]) == drawn[0]
    renderer.release(keys[0])
    assert not renderer._memory
    # A file that changed after planning (not signed by this user) is drawn again, never used.
    spoil_diagram(tmp_path / "cache", keys[1])
    assert renderer.svg(keys[1]) == drawn[1] and renderer.stats.rendered == 1
    drop_diagram(tmp_path / "cache", keys[2])  # gone since planning: drawn again too
    assert renderer.svg(keys[2]) == drawn[2] and renderer.stats.rendered == 2


def test_a_released_svg_leaves_memory_and_comes_back_from_disk(tmp_path):
    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    key = renderer.submit(tiny(0), "one")
    drawn = renderer.svg(key)
    renderer.release(key)
    assert key not in renderer._memory
    assert renderer.svg(key) == drawn and renderer.stats.rendered == 1  # read back, not drawn again
    drawn_again = renderer.svg(key)
    shutil.rmtree(tmp_path / "cache")  # the disk copy is gone (a cleaned cache): the SVG must stay in memory
    renderer.release(key)
    assert renderer.svg(key) == drawn_again
    memory_only = GraphRenderer(None, workers=0)
    key = memory_only.submit(tiny(1), "two")
    memory_only.svg(key)
    memory_only.release(key)  # nothing on disk to come back from: it stays
    assert key in memory_only._memory


def test_a_diagram_that_fails_fails_on_every_page_and_an_unwritable_cache_is_no_error(tmp_path):
    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    key = renderer.submit(BROKEN, "broken")
    for _ in range(2):
        with pytest.raises(GraphRenderError):
            renderer.svg(key)
    (tmp_path / "readonly").write_text("a file where the cache folder should be", encoding="utf-8")
    blocked = GraphRenderer(tmp_path / "readonly", workers=0)
    assert "<svg" in blocked.svg(blocked.submit(tiny(0), "fine"))


def test_renderer_draws_in_process_what_no_worker_started_and_nothing_twice(tmp_path):
    from paperkb.render.diagram_workers import BUILD, STORED

    renderer = GraphRenderer(tmp_path / "cache", workers=1)
    dots = [tiny(i) for i in range(120)]
    try:
        keys = [renderer.submit(d, str(i)) for i, d in enumerate(dots)]
        assert renderer._sent  # the first batches left while the rest was still being planned
        renderer.start()
        last_first = [renderer.svg(k) for k in reversed(keys)]
        # Each diagram has one owner: the worker stored it, or the build took and drew it.
        slots = [renderer._pool.claims.get(s) for s in range(len(dots))]
    finally:
        renderer.close()
    assert [ET.fromstring(s).get("aria-label") for s in last_first] == [str(i) for i in reversed(range(120))]
    assert len(diagram_cache_records(tmp_path / "cache")) == 120
    assert set(slots) <= {STORED, BUILD}
    assert slots.count(BUILD) == renderer.stats.drawn_here > 0  # asked for last-first: the build drew some
    assert renderer.stats.rendered == 120


# -- graph pages -----------------------------------------------------------------------------------
def test_graph_pages_exist_are_linked_and_cut_big_graphs(tmp_path):
    built = build_site(tmp_path, kb(), plugins=["tags", {"paperkb": {"graph_max_nodes": 3}}])
    home = built.html("")
    assert re.search(r'href="graph/"[^>]*>\s*Graph', home)  # in the nav
    page = built.html("graph/")
    assert "Showing the 3 most-cited of 9 notes" in page
    assert "Left out: 6 notes and 9 citations" in page
    assert re.search(r'href="\.\./fields/"', page)
    (svg,) = svgs(page)
    assert len(node_links(svg)) == 3
    assert any(r.endswith("attn/") for r in node_links(svg))  # the most cited note stays
    for href in node_links(svg):
        assert resolves(built, "graph/", href)
    # Per field: LLM has attn, bert, gpt3, hostile -> cut to 3 with the field index linked.
    llm = built.html("graph/llm/")
    assert "Showing the 3 most-cited of 4 notes" in llm and 'href="../../fields/llm/"' in llm
    generative = built.html("graph/generative/")
    assert "most-cited" not in generative and len(node_links(svgs(generative)[0])) == 2
    # The field's index page links to its graph, the site graph lists every field graph.
    assert 'href="../../graph/vision/"' in built.html("fields/vision/")
    for slug in ("llm", "vision", "generative"):
        assert f'href="{slug}/"' in page
    # The field list is a styled count table; graph pages give the diagram the whole width.
    assert re.search(r'<table data-pkb-table="counts">.*href="llm/">LLM</a></td><td class="pkb-count">4</td>',
                     page, re.S)
    for html in (page, llm):
        assert re.search(r'class="md-sidebar md-sidebar--primary"[^>]*\bhidden', html)
        assert re.search(r'class="md-sidebar md-sidebar--secondary"[^>]*\bhidden', html)


def test_diagrams_fit_the_column_and_carry_what_the_interactive_view_reads(site):
    (svg,) = svgs(site.html("papers/attn/"))
    style = dict(part.split(":") for part in svg.get("style").split(";"))
    natural = float(style["max-width"][:-2])
    # Scaled down to the column (no min-width: nothing is clipped); the zoom control enlarges it.
    assert svg.get("width") == "100%" and natural > 100 and "min-width" not in style
    assert float(svg.get("data-pkb-width")) == natural
    # Node keys and citation ends, for the interactive local graph that reads the SVG.
    keys = {g.get("data-pkb-key") for g in svg.iter(f"{SVG}g") if "pkb-node" in g.get("class", "")}
    assert "attn" in keys and None not in keys
    ends = {(g.get("data-pkb-from"), g.get("data-pkb-to")) for g in svg.iter(f"{SVG}g")
            if "pkb-edge" in g.get("class", "")}
    assert ("bert", "attn") in ends and all(a in keys and b in keys for a, b in ends)


def test_graph_off_keeps_lists_and_drops_diagrams(tmp_path):
    built = build_site(tmp_path, kb(), plugins=["tags", {"paperkb": {"graph": False}}])
    html = built.html("papers/attn/")
    assert 'id="cited-by"' in html and "BERT" in section(html, "cited-by")
    assert "pkb-graph" not in html and not (built.site_dir / "graph").exists()
    assert not (tmp_path / ".paperkb-cache").exists()


def test_local_diagram_is_capped(tmp_path):
    files = {"papers/hub.md": note("Hub", year=2010, fields=["X"])}
    for i in range(12):
        files[f"papers/c{i:02d}.md"] = note(f"Citer {i}", year=2011 + i, fields=["X"], cites=["hub"])
    built = build_site(tmp_path, files, plugins=["tags", {"paperkb": {"local_graph_max_nodes": 5}}])
    html = built.html("papers/hub/")
    (svg,) = svgs(html)
    assert len(node_links(svg)) == 5
    assert "Showing the 4 most-cited of 12 linked notes" in html
    assert html.count("<li>") >= 12  # the lists still name every citing note


def test_links_resolve_without_directory_urls(tmp_path):
    built = build_site(tmp_path, kb(), config={"use_directory_urls": False})
    for url in ("papers/attn.html", "graph/index.html", "graph/llm.html"):
        html = (built.site_dir / url).read_text()
        for svg in svgs(html):
            for href in node_links(svg):
                assert resolves(built, url, href), (url, href)
        for href in re.findall(r'<li><a href="([^"]+)"', html):
            assert resolves(built, url, href), (url, href)


def test_label_wrapping_counts_wide_characters():
    assert wrap_label("注意力机制就是你所需要的一切以及更多的东西和内容", width=10, max_lines=2) == ["注意力机制", "就是你所…"]
    assert wrap_label("short title") == ["short title"]
    assert relative_url("papers/a/", "papers/b/") == "../b/"
    assert relative_url("", "graph/") == "graph/"
    assert relative_url("graph/index.html", "papers/a.html") == "../papers/a.html"


def test_self_citations_are_no_edges_anywhere(tmp_path):
    from paperkb.core.loader import load_library
    from paperkb.core.query import Query, evaluate

    files = {"papers/me.md": note("Self Citing", "I build on [[me]] and [my own page](me.md).\n", year=2020,
                                  cites=["me", "other"]),
             "papers/other.md": note("Other", year=2019, cites=["third"]),
             "papers/third.md": note("Third", year=2018)}
    built = build_site(tmp_path, files)
    assert built.ok and not built.warnings(), built.warnings()
    html = built.html("papers/me/")
    assert "Self Citing" not in section(html, "cites") and "Self Citing" not in section(html, "cited-by")
    assert "No note of this collection cites this one yet." in section(html, "cited-by")
    (svg,) = svgs(html)
    edges = {(g.get("data-pkb-from"), g.get("data-pkb-to")) for g in svg.iter(f"{SVG}g")
             if "pkb-edge" in g.get("class", "").split()}
    assert edges == {("me", "other"), ("other", "third")}  # no loop
    assert set(node_links(svg)) == {"./", "../other/", "../third/"}
    library = load_library(tmp_path / "notes", project_root=tmp_path)
    assert library.cited_by_count("me") == 0 and [e.target for e in library.cites("me")] == ["other"]
    assert [n.key for n in evaluate(library, Query.from_mapping({"descendants": "me"})).notes] == []


def test_a_note_linked_to_one_note_and_nothing_further_gets_its_lists_but_no_diagram(tmp_path):
    """Two notes and one arrow say nothing the Cites / Cited by lists do not: no diagram, no
    layout. One more note anywhere in the neighbourhood and the diagram is back."""
    files = {"papers/a.md": note("Alone Together", year=2021, cites=["b"]),
             "papers/b.md": note("Bare Pair", year=2019),
             "papers/c.md": note("Cited Twice", year=2018),
             "papers/d.md": note("Double Citer", year=2022, cites=["c", "e"]),
             "papers/e.md": note("Else", year=2020)}
    built = build_site(tmp_path, files)
    assert built.ok and not built.warnings(), built.warnings()
    for url, listed in (("papers/a/", ("cites", "Bare Pair")), ("papers/b/", ("cited-by", "Alone Together"))):
        html = built.html(url)
        assert listed[1] in section(html, listed[0])
        assert not svgs(html) and 'id="citation-graph"' not in html
    assert 'id="citation-graph"' in built.html("papers/d/")
    (svg,) = svgs(built.html("papers/d/"))  # two neighbours: a diagram
    assert set(node_links(svg)) == {"./", "../c/", "../e/"}
    (svg,) = svgs(built.html("papers/c/"))  # one neighbour, which links on to another note
    assert set(node_links(svg)) == {"./", "../d/", "../e/"}


def test_cache_file_names_are_keyed_to_this_user(tmp_path, monkeypatch):
    """A cache folder from elsewhere (a cloned repository) cannot plant a diagram: names are an
    HMAC under the user's own key, and without a key nothing is kept on disk."""
    import hashlib

    from paperkb.core import user_key
    from paperkb.render import graph_renderer, graph_svg

    import hmac

    dot, version = tiny(0), graphviz_version()
    plain = hashlib.sha256()
    for part in (version, graph_svg.SVG_VERSION, "l", dot):
        plain.update(part.encode() + b"\0")
    planted = SvgDiskCache(tmp_path / "cache")
    planted.put(plain.hexdigest(), "<svg><script>alert(1)</script></svg>")
    renderer = GraphRenderer(tmp_path / "cache", workers=0)
    key = renderer.submit(dot, "l")
    assert key != plain.hexdigest() and "<script>" not in renderer.svg(key)
    # the name is HMAC-SHA256 under the user's key of the same parts (each followed by a NUL):
    # diagrams a build cached before keep their names
    keyed = hmac.new(user_key.signing_key(), digestmod=hashlib.sha256)
    for part in (version, graph_svg.SVG_VERSION, "l", dot):
        keyed.update(part.encode() + b"\0")
    assert key == keyed.hexdigest()
    assert user_key.signature(b"svg") == hmac.new(user_key.signing_key(), b"svg", hashlib.sha256).digest()
    monkeypatch.setattr(graph_renderer, "signing_key", lambda: None)
    assert GraphRenderer(tmp_path / "cache", workers=0).disk is None
    assert user_key.signing_key() is not None  # the tests' private cache home has one


# -- the interactive explorer's data ---------------------------------------------------------------
def test_explorer_json_holds_every_published_note_laid_out_and_escaped(site):
    import json

    raw = (site.site_dir / "assets" / "paperkb" / "graph.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw.replace("\\u0026", "")  # safe where a browser sniffs HTML
    data = json.loads(raw)
    nodes = {n[0]: n for n in data["nodes"]}
    assert set(nodes) == {"attn", "resnet", "imagenet", "fid", "bert", "gpt3", "vit", "ddpm", "hostile"}  # no draft
    assert nodes["hostile"][1] == " ".join(HOSTILE.split())  # the title as written, one line
    key, title, year, venue, fields, paper_type, url, cited_by, x, y = nodes["bert"]
    assert (year, url, cited_by) == (2019, "papers/bert/", 1)  # gpt3 cites bert
    assert [data["fields"][i] for i in fields] == ["LLM"] and paper_type == -1  # no type given
    assert nodes["imagenet"][5] == data["types"].index("dataset")
    # Colours follow the diagrams' palette: the most common field first.
    assert data["fields"][0] == "LLM" and data["colours"][0] == 0
    # Edges: citing -> cited with their role; a cites entry and a link to the same note are one edge.
    keys = [n[0] for n in data["nodes"]]
    edges = {(keys[a], keys[b]): data["roles"][r] for a, b, r in data["edges"]}
    assert edges[("bert", "attn")] == "builds-on" and edges[("vit", "imagenet")] == "dataset"
    assert edges[("vit", "resnet")] == "in-text"  # only linked from the text
    assert not any("secret" in pair for pair in edges)
    # Laid out at build time: distinct positions.
    assert len({(n[8], n[9]) for n in data["nodes"]}) == len(nodes)
    # The graph pages mount the explorer on that file, the field page preset to its field.
    page = site.html("graph/")
    assert re.search(r'<div class="pkb-explorer" data-pkb-explorer data-src="\.\./assets/paperkb/graph\.json" '
                     r'data-root="\.\./" hidden', page)
    assert 'data-field="LLM"' in site.html("graph/llm/")
    assert '<div class="pkb-static-graph">' in page  # the static diagram stays (no JavaScript, print)


def test_sfdp_layout_is_the_same_whichever_layout_a_process_ran_before():
    """sfdp keeps state between layouts in a process: without the warm-up layout a process's
    first layout of a graph differed from its later ones (the worker's cold build against serve)."""
    import subprocess
    import sys

    from paperkb.render.graph_layout import sfdp_positions

    edges = [(i, (i * 7 + 3) % 120) for i in range(120)] + [(i, (i * 13 + 5) % 120) for i in range(0, 120, 2)]
    script = ("import json, sys; from paperkb.render.graph_layout import sfdp_positions; "
              "print(json.dumps(sfdp_positions(120, json.loads(sys.argv[1]))))")
    fresh = subprocess.run([sys.executable, "-c", script, json.dumps(edges)], capture_output=True, text=True,
                           check=True, timeout=120)
    first = [tuple(p) for p in json.loads(fresh.stdout)]  # a process's first sfdp layout
    sfdp_positions(5, [(0, 1), (1, 2), (3, 4)])  # another graph laid out in this process first
    assert sfdp_positions(120, edges) == first
    assert sfdp_positions(120, edges) == first


def test_sfdp_layout_is_cached_by_structure_and_signed(tmp_path):
    from paperkb.render.graph_layout import LayoutCache, sfdp_positions, structure_digest

    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    positions = sfdp_positions(5, edges)
    assert len(positions) == 5 and len(set(positions)) == 5
    assert sfdp_positions(0, []) == [] and sfdp_positions(1, []) == [(0.0, 0.0)]
    cache = LayoutCache(tmp_path)
    digest = structure_digest(["a", "b", "c", "d", "e"], edges)
    assert digest != structure_digest(["a", "b", "c", "d", "e"], edges[:-1])
    cache.put(digest, positions)
    assert cache.get(digest, 5) == positions
    assert cache.get(digest, 6) is None  # a different graph size never takes it
    (path,) = tmp_path.glob("*.json")
    data = path.read_bytes()
    edited = data[:-3] + (b"8]]" if data.endswith(b"9]]") else b"9]]")
    assert edited != data
    path.write_bytes(edited)  # an edited file is not used
    assert cache.get(digest, 5) is None


def test_closing_the_renderer_stops_the_workers_batches_at_once(tmp_path):
    """A build that ends early (an error, Ctrl-C) does not wait for the workers to finish the
    diagrams they were sent: what no worker has started is left undrawn."""
    renderer = GraphRenderer(tmp_path / "cache", workers=1)
    dots = [tiny(i) for i in range(400)]
    for i, dot in enumerate(dots):
        renderer.submit(dot, str(i))
    renderer.start()
    renderer.close()
    assert len(diagram_cache_records(tmp_path / "cache")) < 24  # not even half of the batch under way


def test_boxes_fit_their_text_and_arrowheads_touch_the_cited_note():
    """Boxes are sized by Helvetica's widths (the font paperkb.css draws them in), text sits
    inside its box, and each arrow's tip is on the cited note's box: Graphviz's coordinates
    (y upwards, drawn in a flipped group) and the boxes' agree."""
    from paperkb.render.text_metrics import text_width

    nodes = [GraphNode("wide", "WWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMMM", 2010, None, "papers/wide.md", 1),
             GraphNode("cjk", "注意力机制就是你所需要的一切", 2015, "视觉", "papers/cjk.md", 1),
             GraphNode("thin", "iiii", 2016, None, "papers/thin.md", 1),
             GraphNode("focus", "The focus note, drawn bold", 2020, None, "papers/focus.md", 0)]
    edges = [GraphEdge("focus", "wide", "builds-on"), GraphEdge("focus", "cjk", "related"),
             GraphEdge("thin", "wide", "baseline"), GraphEdge("focus", "thin", "background")]
    svg = ET.fromstring(render_svg(diagram_source(GraphView("t", nodes, edges, 4, 4), SiteUrls(), "papers/focus.md"), "x"))
    boxes = {}
    for group in svg.iter(f"{SVG}g"):
        if "pkb-node" not in group.get("class", "").split():
            continue
        rect = next(group.iter(f"{SVG}rect"))
        x, y, w, h = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
        boxes[group.get("data-pkb-key")] = (x, y, w, h)
        for text in group.iter(f"{SVG}text"):
            size = float(text.get("font-size"))
            assert w >= text_width(text.text, size) + 14, (text.text, w)
            assert y < float(text.get("y")) < y + h and x < float(text.get("x")) < x + w
    assert boxes["cjk"][2] > text_width("注意力机制", 10) > 45  # wide characters take a full em
    assert boxes["thin"][2] == 54  # the minimum width
    (flip,) = [g for g in svg.iter(f"{SVG}g") if g.get("transform")]
    a, b, c, d, dx, top = (float(v) for v in flip.get("transform")[len("matrix("):-1].split())
    assert (a, b, c, d, dx) == (1, 0, 0, -1, 4)
    edge_groups = [g for g in flip.iter(f"{SVG}g") if "pkb-edge" in g.get("class", "").split()]
    assert len(edge_groups) == 4
    for group in edge_groups:
        polygon = group.find(f"{SVG}polygon")
        tip_x, tip_y = (float(v) for v in polygon.get("points").split()[1].split(","))
        tip_x, tip_y = tip_x + dx, top - tip_y
        x, y, w, h = boxes[group.get("data-pkb-to")]
        inside = x - 1.5 <= tip_x <= x + w + 1.5 and y - 1.5 <= tip_y <= y + h + 1.5
        on_edge = min(abs(tip_x - x), abs(tip_x - x - w), abs(tip_y - y), abs(tip_y - y - h)) <= 1.5
        assert inside and on_edge, (group.get("data-pkb-to"), tip_x, tip_y, (x, y, w, h))


def test_a_local_view_adds_the_best_connected_second_hop_notes_first(tmp_path):
    """A note with few neighbours gets notes one hop further, up to half the cap: those linked
    to most of its neighbours first, then the most cited; the rest are left out."""
    from paperkb.core.loader import load_library
    from ..conftest import write_tree

    # focus cites a and b; x is linked to both, y and z to one each, z cited by w and v as well
    # (more cited than y); a third hop (far) never shows.
    files = {
        "papers/focus.md": note("Focus", year=2020, cites=["a", "b"]),
        "papers/a.md": note("A", year=2018),
        "papers/b.md": note("B", year=2018, cites=["z"]),
        "papers/x.md": note("X", year=2019, cites=["a", "b"]),
        "papers/y.md": note("Y", year=2019, cites=["a"]),
        "papers/z.md": note("Z", year=2017),
        "papers/w.md": note("W", year=2019, cites=["z"]),
        "papers/v.md": note("V", year=2019, cites=["z"]),
        "papers/far.md": note("Far", year=2021, cites=["x"]),
    }
    write_tree(tmp_path / "notes", files)
    views = GraphViews(load_library(tmp_path / "notes"))
    rings = {n.key: n.ring for n in views.local("focus", max_nodes=10).nodes}  # half the cap: 5 notes
    assert rings == {"focus": 0, "a": 1, "b": 1, "x": 2, "z": 2}
    rings = {n.key: n.ring for n in views.local("focus", max_nodes=12).nodes}  # 6 notes: y comes next
    assert rings == {"focus": 0, "a": 1, "b": 1, "x": 2, "z": 2, "y": 2}


def test_the_build_draws_a_diagram_itself_when_a_worker_is_slow_to_finish_it(monkeypatch):
    """A page whose diagram a worker is drawing waits for it a moment; a worker that takes much
    longer (niced, on a busy machine) leaves it to the build, which draws it rather than wait."""
    import multiprocessing
    import threading
    import time
    from concurrent.futures import Future

    from paperkb.render import diagram_workers
    from paperkb.render.diagram_workers import BUILD, DRAWING, PENDING, STORED, Batched, Claims, DiagramWorkers

    workers = DiagramWorkers.__new__(DiagramWorkers)  # the claims alone: no process is needed
    workers.claims = Claims(multiprocessing.Lock(), multiprocessing.RawArray("B", 4))
    running = Future()
    running.set_running_or_notify_cancel()  # a worker's batch still under way

    def collect(slot: int, draw_here=lambda: True) -> tuple:
        found: list[tuple] = []
        waiting = threading.Thread(target=lambda: found.append(workers.collect("k", Batched(running, slot), draw_here)),
                                   daemon=True)
        waiting.start()
        waiting.join(timeout=10)
        assert found, "the build still waits for the worker"
        return found[0]

    workers.claims.set(0, DRAWING)
    began = time.monotonic()
    assert collect(0) == (BUILD, None)
    assert time.monotonic() - began >= diagram_workers.PATIENCE_SECONDS
    assert workers.claims.get(0) == DRAWING  # the worker still finishes (and stores) it
    # The pages caught up with the worker: the next diagram is the build's, the worker skips it
    # and draws the one after, so the two draw side by side instead of the pages waiting.
    assert workers.claims.get(1) == BUILD
    workers.claims.set(2, PENDING)
    workers.claims.set(3, PENDING)
    assert collect(2) == (BUILD, None)  # not under way: the build takes it...
    assert workers.claims.get(3) == PENDING  # ...and leaves the next to the worker
    # Not while the plugin says no (the search helpers still run: Graphviz would load into the
    # build at the peak of all processes): the next diagram stays the worker's.
    monkeypatch.setattr(diagram_workers, "HELPERS_PATIENCE_SECONDS", 0.2)
    workers.claims.set(2, DRAWING)
    assert collect(2, draw_here=lambda: False) == (BUILD, None)
    assert workers.claims.get(3) == PENDING
    # Nor does it take a diagram no worker has reached: it waits for the worker to draw it...
    def store_soon(slot: int) -> None:
        time.sleep(0.05)
        workers.claims.set(slot, STORED)
    threading.Thread(target=store_soon, args=(3,)).start()
    assert collect(3, draw_here=lambda: False) == (STORED, None)
    # ...until the worker is too late, or the build may draw again: then it takes it.
    workers.claims.set(0, PENDING)
    assert collect(0, draw_here=lambda: False) == (BUILD, None)
    assert workers.claims.get(0) == BUILD
    answers = iter([False, True])
    workers.claims.set(1, PENDING)
    began = time.monotonic()
    assert collect(1, draw_here=lambda: next(answers, True)) == (BUILD, None)
    assert workers.claims.get(1) == BUILD and time.monotonic() - began < 0.15

    def finish_soon() -> None:  # a worker that finishes within the build's patience: waited for
        time.sleep(0.01)
        workers.claims.set(1, STORED)
    monkeypatch.setattr(diagram_workers, "PATIENCE_SECONDS", 5.0)
    workers.claims.set(1, DRAWING)
    threading.Thread(target=finish_soon).start()
    assert collect(1) == (STORED, None)


def test_a_diagram_a_worker_stored_keeps_only_the_callers_redo_until_its_page_needs_it(tmp_path):
    """A cold build holds each diagram until its page is written: once a worker stored the SVG,
    the packed source gives way to the caller's lighter ``redo``, used only should the file go
    bad; a redo that no longer makes the key's source never stores another diagram under it."""
    from concurrent.futures import wait

    dots = [tiny(i) for i in range(30)]
    made: list[int] = []

    def redo_of(i: int, source: str):
        return lambda: (made.append(i), (source, f"d{i}"))[1]

    renderer = GraphRenderer(tmp_path / "cache", workers=2)
    try:
        redos = [redo_of(i, d if i != 2 else tiny(99)) for i, d in enumerate(dots)]
        keys = [renderer.submit(d, f"d{i}", redos[i]) for i, d in enumerate(dots)]
        broken = renderer.submit(BROKEN, "broken", redo_of(-1, BROKEN))
        renderer.start()
        wait({batched.future for batched, _redo, _lighter in renderer._sent.values()}, timeout=120)
        time.sleep(0.2)  # (the batches' callbacks run right after their futures are done)
        held = renderer._sent
        assert all(held[k][1] is redos[i] and held[k][2] is None for i, k in enumerate(keys)), \
            "a stored diagram still holds its packed source"
        assert unpack_source(held[broken][1].args[0]) == BROKEN  # (Graphviz failed: drawn again here to report it)
        disk = SvgDiskCache(tmp_path / "cache")
        expected = [render_svg(d, f"d{i}") for i, d in enumerate(dots)]
        assert renderer.svg(keys[0]) == expected[0] and made == []  # (read from disk: redo not needed)
        for i in (1, 2):  # a stored SVG gone bad since: drawn again from what redo makes
            spoil_diagram(tmp_path / "cache", keys[i])
        assert renderer.svg(keys[1]) == expected[1] and made == [1]
        with pytest.raises(GraphRenderError, match="changed"):
            renderer.svg(keys[2])  # (its redo makes another diagram now)
        assert disk.get(keys[2]) is None
        with pytest.raises(GraphRenderError):
            renderer.svg(broken)
        assert [renderer.svg(k) for k in keys[3:]] == expected[3:]
    finally:
        renderer.close()


def test_workers_told_there_are_no_more_jobs_end_once_done_and_their_diagrams_stay_at_hand(tmp_path):
    """A build that gave the workers everything (on_files) lets them end when they are done, not
    when it ends: their memory is gone before the build's peak. What they drew is still found
    (their claims stay), and a job asked for afterwards is the caller's to run."""
    from paperkb.render.graph_layout import layout_and_store

    renderer = GraphRenderer(tmp_path / "cache", workers=1)
    dots = [tiny(i) for i in range(60)]
    try:
        keys = [renderer.submit(d, f"diagram {i}") for i, d in enumerate(dots)]
        renderer.start()
        layout = renderer.run(layout_and_store, 3, [(0, 1), (1, 2)], None, "digest")
        assert layout is not None
        processes = [worker.process for worker in renderer._pool._pool._workers]
        renderer.no_more_jobs()
        for process in processes:
            process.wait(timeout=60)  # (it would wait for ``close`` without the word)
        assert [p.returncode for p in processes] == [0]
        assert len(layout.result(timeout=5)) == 3  # the jobs queued before the word were all run
        assert renderer.run(layout_and_store, 3, [(0, 1)], None, "other") is None
        svgs_ = [renderer.svg(k) for k in keys]
    finally:
        renderer.close()
    assert [ET.fromstring(s).get("aria-label") for s in svgs_] == [f"diagram {i}" for i in range(60)]
    assert renderer.stats.drawn_here == 0  # every one the worker's, read back from the disk cache
    assert len(diagram_cache_records(tmp_path / "cache")) == 60
