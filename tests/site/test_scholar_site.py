"""What a built site shows from the stored Semantic Scholar data: card, derived edges, Frontier.

The store is filled by a real `paperkb enrich` against the local stand-in; the build itself must
not make a single request."""

from __future__ import annotations

import json
import re

import pytest

from paperkb.cli import main

from ..conftest import build_site, note, write_tree
from ..scholar_fake import (GAUSSIANS, INSTANT, MIPNERF, MIPSPLAT, NERF, fake_id, radiance_notes, scholar,
                            waits)  # noqa: F401 (fixtures)

HOSTILE = fake_id("hostile")


@pytest.fixture
def enriched(tmp_path, scholar):
    # A paper whose every field is hostile cites two notes: it reaches the Frontier page.
    scholar.add_paper(HOSTILE, '<script>alert("t")</script> [[nerf]] [@nerf] {: onclick=x} $x$ \\N',
                      year=2025, venue='"><img src=x onerror=alert(1)>', authors=["Eve <b>Evil</b>"],
                      abstract="<iframe src=javascript:alert(2)></iframe>", doi='10.1/"><svg onload=alert(3)>')
    scholar.cite(HOSTILE, NERF)
    scholar.cite(HOSTILE, GAUSSIANS)
    write_tree(tmp_path / "notes", radiance_notes())
    assert main(["enrich", "--notes", str(tmp_path / "notes"), "-q"]) == 0
    return tmp_path


@pytest.fixture
def site(enriched, scholar):
    before = len(scholar.requests)
    built = build_site(enriched, {}, strict=False)
    assert built.ok, built.messages
    assert len(scholar.requests) == before  # a build never reaches the network
    return built


def test_card_shows_counts_date_link_and_folded_abstract_without_problem(site):
    page = site.html("papers/gaussians/")
    card = page[page.index('class="pkb-card"'):page.index("</div>", page.index('class="pkb-card"'))]
    assert re.search(r"<span class=\"pkb-scholar__count\">2</span> citations", card)  # Mip-Splatting, hostile
    assert re.search(r"\(fetched \d{4}-\d\d-\d\d\)", card)
    assert f'href="https://www.semanticscholar.org/paper/{GAUSSIANS}"' in card
    assert '<details class="pkb-abstract"><summary>Abstract (Semantic Scholar)</summary>' in card
    assert "revolutionized novel-view synthesis" in card
    mipnerf = site.html("papers/mipnerf/")
    assert "pkb-card__scholar" in mipnerf and "pkb-abstract" not in mipnerf  # it has a problem of its own


def test_derived_edges_are_listed_with_their_roles_and_a_mark(site):
    page = site.html("papers/gaussians/")
    cites = page[page.index('pkb-cites--out'):page.index("</div>", page.index('pkb-cites--out'))]
    # result -> baseline, background -> background; both marked as coming from Semantic Scholar.
    baseline = cites[cites.index("pkb-role--baseline"):]
    assert "Mip-NeRF" in baseline[:baseline.index("</ul>")]
    background = cites[cites.index("pkb-role--background"):]
    assert "NeRF: Representing" in background[:background.index("</ul>")]
    assert cites.count('class="pkb-cites__derived"') == 2
    cited_by = site.html("papers/nerf/")
    block = cited_by[cited_by.index('pkb-cites--in'):]
    block = block[:block.index("</div>")]
    assert "Mip-NeRF" in block and block.count("pkb-cites__derived") == 2  # gaussians, zipnerf; not mipnerf
    # Drawn distinctly in the diagram.
    assert "pkb-edge--derived" in page and "found by Semantic Scholar" in page


def test_frontier_page_lists_new_work_and_missing_foundations(site, enriched):
    page = site.html("frontier/")
    page = page[page.index('<h1 id="frontier">'):]  # the article, not the table of contents
    new_work, foundations = page.split('id="foundations-you-are-missing"', 1)
    assert "Mip-Splatting: Alias-free 3D Gaussian Splatting" in new_work
    row = new_work[new_work.index(f'data-pkb-paper="{MIPSPLAT}"'):]
    row = row[:row.index("</tr>")]
    assert 'href="https://arxiv.org/abs/2311.16493"' in row
    assert row.count('href="../papers/') == 3  # NeRF, Mip-NeRF and 3DGS, linked
    assert "yu2024mipsplatting" in row and '<div class="language-bibtex highlight"><pre>' in row
    assert "Instant Neural Graphics Primitives" in foundations and INSTANT in foundations
    assert "Plenoxels" not in page  # only one note cites it, and it cites one note
    assert "Attention is All you Need" not in page
    # Ranked by how many notes a paper connects: Mip-Splatting (3) before the hostile paper (2).
    assert new_work.index(MIPSPLAT) < new_work.index(HOSTILE)
    assert 'href="frontier/"' in site.html("") or "Frontier" in site.html("")


def test_api_values_are_escaped_where_they_land(site):
    page = site.html("frontier/")
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page or "&lt;script&gt;" in page
    assert "<b>Evil</b>" not in page
    row = page[page.index(f'data-pkb-paper="{HOSTILE}"'):]
    row = row[:row.index("</tr>")]
    assert "[[nerf]]" not in row and "&#91;&#91;nerf]]" in row  # no wikilink pass touched it
    assert 'href="https://doi.org/10.1/' in row and '"><svg' not in row
    assert '<td data-label="Venue">&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</td>' in row
    everything = site.all_text()
    for raw in ("<iframe src=javascript", "<img src=x", "<svg onload", '<script>alert("t")', "<b>Evil"):
        assert raw not in everything


def test_dismissed_papers_leave_the_frontier(enriched, scholar):
    assert main(["discover", "--notes", str(enriched / "notes"), "--dismiss", MIPSPLAT, "doi:10.1145/3528223.3530127"]) == 0
    dismissed = (enriched / "notes" / ".paperkb" / "dismissed.txt").read_text(encoding="utf-8")
    assert dismissed.startswith(f"{MIPSPLAT}  # Mip-Splatting")
    built = build_site(enriched, {})
    page = built.html("frontier/")
    assert MIPSPLAT not in page and INSTANT not in page and HOSTILE in page


def test_check_lists_derived_citations_as_notes(enriched, capsys):
    assert main(["check", str(enriched / "notes")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"notes/papers/gaussians\.md:\d+: note: Semantic Scholar: cites mipnerf, not in cites", out)
    assert "mipnerf.md" not in out.split("cites nerf, not in cites")[0].splitlines()[-1]  # mipnerf lists nerf
    assert out.rstrip().endswith("4 notes")


def test_query_counts_derived_edges_unless_told_not_to(enriched, capsys):
    notes = str(enriched / "notes")
    assert main(["query", "--notes", notes, "--cites-all", "nerf", "--format", "keys"]) == 0
    assert capsys.readouterr().out.split() == ["gaussians", "zipnerf", "mipnerf"]
    assert main(["query", "--notes", notes, "--cites-all", "nerf", "--no-derived", "--format", "keys"]) == 0
    assert capsys.readouterr().out.split() == ["mipnerf"]


def test_query_block_derived_false(enriched):
    block = "# Q\n\n```paperkb-query\ncites_all: nerf\nderived: false\ncolumns: [title]\n```\n\n" \
            "```paperkb-query\ncites_all: nerf\ncolumns: [title]\n```\n"
    built = build_site(enriched, {"q.md": block})
    page = built.html("q/")
    first, second = page.split("pkb-query", 2)[1:3] if page.count("pkb-query") >= 2 else (page, page)
    tables = re.findall(r"<table.*?</table>", page, re.DOTALL)
    assert len(tables) == 2
    assert "3D Gaussian" not in tables[0] and "Mip-NeRF" in tables[0]
    assert "3D Gaussian" in tables[1] and "Zip-NeRF" in tables[1]


def test_no_store_means_no_frontier_page(tmp_path):
    built = build_site(tmp_path, {"papers/a.md": note("A", year=2020)})
    assert not (built.site_dir / "frontier").exists()
    assert "pkb-card__scholar" not in built.html("papers/a/")
    assert "Frontier" not in json.dumps(built.html(""))


def test_queued_papers_reach_the_to_read_page(enriched, capsys):
    assert main(["discover", "--notes", str(enriched / "notes"), "-q", "--citing", "nerf,gaussians", "--queue",
                 "--format", "keys"]) == 0
    built = build_site(enriched, {})
    page = built.html("to-read/")
    assert "Mip-Splatting" in page and "yu2024mipsplatting" in page
    assert "bevilb2025scriptalerttscript" in page and "<script>alert" not in page and "<svg onload" not in page
