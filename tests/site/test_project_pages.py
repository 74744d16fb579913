"""A built site shows research projects: the project page (groups, diagram, comparison of peers,
insights, saved queries), the Projects index, and the projects on a note's page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from ..conftest import build_site, note
from ..render.test_graph_display import node_links, section, svgs

XSS = "<script>alert(1)</script>"

NOTES = {
    "papers/ddpm.md": note("Denoising Diffusion Probabilistic Models", year=2020, venue="NeurIPS", relation="upstream",
                           authors=["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"], fields=["Gen"], type="application",
                           problem="Diffusion samples were poor.", method="Predict the noise with a U-Net.",
                           datasets=["CIFAR-10"], metrics=["FID"], insights=["Noise prediction is the trick."]),
    "papers/ldm.md": note("Latent Diffusion", year=2022, venue="CVPR", relation="peer", fields=["Gen"],
                          datasets=["ImageNet", "COCO"], metrics=["FID", "IS"],
                          results="FID 3.6 on ImageNet at a fraction of the compute.",
                          cites=[{"key": "ddpm", "role": "builds-on"}]),
    "papers/vdm.md": note("Video Diffusion", year=2022, venue="NeurIPS", relation="peer", fields=["Video"],
                          datasets=["UCF101"], metrics=["FVD"], results="Best FVD on UCF101.",
                          cites=[{"key": "ddpm", "role": "builds-on"}, {"key": "cfg", "role": "builds-on"}]),
    "papers/cfg.md": note("Classifier-Free Guidance", year=2021, relation="upstream", fields=["Gen"],
                          cites=[{"key": "ddpm", "role": "builds-on"}]),
    # not in the project, but it cites two of its papers: the diagram shows what connects them
    "papers/survey.md": note("A Survey of Diffusion", year=2023, fields=["Gen"], cites=["ldm", "vdm"]),
    "papers/gan.md": note("GANs", year=2014, fields=["Gen"]),
    "papers/secret.md": note("Secret draft zqxj", year=2023, draft=True),
}

PROJECT = f"""\
---
project: true
title: "Fast video & {XSS}"
status: writing
question: Can video diffusion run in **four** steps, as [[ldm]] did for images?
papers:
  - {{key: vdm, note: "The baseline to beat."}}
  - ldm
  - ddpm
  - {{key: cfg, relation: upstream, note: "Guidance <img src=x onerror=alert(2)> & more"}}
  - gan
  - secret
  - {{key: unread2024, relation: peer, note: "Read this next."}}
queries:
  - {{title: Everything citing DDPM, descendants: ddpm, columns: [year, title]}}
tags: [video]
---

# Fast video & <script>alert(1)</script>

## Idea

Distil the sampler of [[vdm]].

## Log

- 2024-05-06: teacher trained
"""


def group(html: str, heading_id: str) -> str:
    """The HTML from the h3 with ``heading_id`` to the next heading."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h", start + 10)
    return html[start:end]


UNREAD_BIB = ("@inproceedings{unread2024,\n  title = {Consistency Models for Video},\n  author = {Doe, Jane},\n"
              "  booktitle = {ICML},\n  year = {2024},\n}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("projects-site")
    built = build_site(root, {
        **NOTES,
        "projects/fast-video.md": PROJECT,
        "refs.bib": UNREAD_BIB,
        "projects/old.md": "---\nproject: true\ntitle: Old idea\nstatus: done\npapers: [gan]\nupdated: 2020-01-01\n---\n",
        "projects/hidden.md": "---\nproject: true\ntitle: Hidden project qwv\ndraft: true\npapers: [ldm]\n---\n",
        "projects/broken.md": "---\nproject: true\ntitle: Broken project\nstatus: someday\n---\n",
    })
    assert built.ok, built.messages
    return built


def test_project_page_groups_its_papers_into_compact_cards(site):
    page = site.html("projects/fast-video/")
    assert '<h1 class="pkb-project__title">Fast video &amp; &lt;script&gt;alert(1)&lt;/script&gt;</h1>' in page
    assert "<script>alert(1)</script>" not in page
    assert page.count("<h1") == 1  # the body's repeated title is dropped, the theme adds none
    assert "pkb-badge--status-writing" in page and "6 papers" in page and "last change 2024-05-06" in page
    assert re.search(r'<div class="admonition question">.*<strong>four</strong>.*href="\.\./\.\./papers/ldm/"', page,
                     re.S)
    groups = {heading: re.findall(r'data-pkb-key="([^"]+)"', group(page, anchor))
              for heading, anchor in (("Peers", "peers"), ("Upstream", "upstream"), ("Other", "other"))}
    assert groups == {"Peers": ["ldm", "vdm"], "Upstream": ["ddpm", "cfg"], "Other": ["gan"]}
    peers = group(page, "peers")
    assert '<p class="pkb-compact__why">The baseline to beat.</p>' in peers
    assert '<a href="../../papers/vdm/">Video Diffusion</a>' in peers
    assert 'Ho et al. · NeurIPS 2020' in group(page, "upstream")
    assert "Guidance &lt;img src=x onerror=alert(2)&gt; &amp; more" in group(page, "upstream")
    assert "<img src=x" not in page
    assert "zqxj" not in site.all_text()  # a draft note listed by a project appears nowhere
    unread = group(page, "not-read-yet")  # a paper only a .bib entry describes
    assert "Consistency models for video" in unread and "Read this next." in unread  # the bib_style formats it
    assert re.search(r'href="\.\./\.\./bibliography/#[^"]*unread2024[^"]*"', unread), unread
    body = page.index('id="idea"')
    assert body < page.index('id="papers"') < page.index('id="citation-graph"') < page.index('id="comparison-of-peers"')


def test_project_diagram_shows_its_papers_and_what_connects_them(site):
    page = site.html("projects/fast-video/")
    (svg,) = svgs(section(page, "citation-graph"))
    links = node_links(svg)
    assert set(links) == {f"../../papers/{k}/" for k in ("ddpm", "ldm", "vdm", "cfg", "gan", "survey")}
    far = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if "pkb-node--far" in g.get("class", "")]
    assert [g.find("{http://www.w3.org/2000/svg}title").text for g in far] == ["A Survey of Diffusion (2023)"]
    assert "Pale: 1 note outside the project" in section(page, "citation-graph")
    ET.fromstring(ET.tostring(svg))  # well-formed with the hostile title around


def test_comparison_table_lists_the_peers_by_year(site):
    table = section(site.html("projects/fast-video/"), "comparison-of-peers")
    assert re.findall(r"<th>([^<]+)</th>", table) == ["Title", "Year", "Venue", "Datasets", "Metrics", "Results"]
    rows = re.findall(r'<tr data-pkb-key="([^"]+)">(.*?)</tr>', table, re.S)
    assert [key for key, _ in rows] == ["ldm", "vdm"]
    cells = [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)]
    assert cells == ["Latent Diffusion", "2022", "CVPR", "ImageNet, COCO", "FID, IS",
                     "FID 3.6 on ImageNet at a fraction of the compute."]


def test_insights_and_saved_queries_of_the_project(site):
    page = site.html("projects/fast-video/")
    assert "Noise prediction is the trick." in section(page, "insights-from-these-papers")
    saved = section(page, "saved-queries")
    assert "Everything citing DDPM" in saved
    assert re.findall(r'<tr data-pkb-key="([^"]+)"', saved) == ["survey", "ldm", "vdm", "cfg"]


def test_projects_index_lists_status_papers_and_last_change(site):
    index = site.html("projects/")
    rows = re.findall(r'<tr data-pkb-project="([^"]+)">(.*?)</tr>', index, re.S)
    assert [key for key, _ in rows] == ["fast-video", "old"]  # the latest change first; drafts and broken left out
    cells = [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)]
    assert cells[1:4] == ["Writing", "6", "2024-05-06"]
    assert '<a href="fast-video/">' in rows[0][1]
    assert "Hidden project qwv" not in site.all_text()
    assert not (site.site_dir / "projects/broken").exists()
    assert any("notes/projects/broken.md:4: 'status' is 'someday'" in m for m in site.messages)
    home = site.html("")
    assert re.search(r'href="projects/"[^>]*>\s*Projects', home)  # in the navigation
    assert '· <a href="projects/">Projects</a>' in home  # and in the home page's "Browse by" line
    assert 'href="projects/fast-video/"' not in home  # the pages themselves are not


def test_a_note_page_lists_the_projects_that_use_it(site):
    ldm = section(site.html("papers/ldm/"), "projects")
    assert '<a href="../../projects/fast-video/">Fast video &amp; &lt;script&gt;' in ldm
    assert "(a peer)" in ldm and "pkb-badge--status-writing" in ldm
    assert "Old idea" not in ldm
    gan = section(site.html("papers/gan/"), "projects")
    assert "Old idea" in gan and "Fast video" in gan
    assert 'id="projects"' not in site.html("papers/survey/")


def test_without_diagrams_and_with_a_pages_folder(tmp_path):
    """graph: false leaves the diagram out (nothing else); the index goes under pages_dir; a
    project outside projects/ links from where it is."""
    built = build_site(tmp_path, {**NOTES, "refs.bib": UNREAD_BIB,
                                  "work/thesis.md": PROJECT.replace("status: writing", "status: idea")},
                       plugins=["tags", {"paperkb": {"graph": False, "pages_dir": "kb"}}], strict=True)
    assert built.ok, built.warnings()
    page = built.html("work/thesis/")
    assert 'id="peers"' in page and 'id="comparison-of-peers"' in page and 'id="citation-graph"' not in page
    assert '<a href="../../kb/projects/">all projects</a>' in page
    index = built.html("kb/projects/")
    assert '<a href="../../work/thesis/">' in index and "pkb-badge--status-idea" in index
