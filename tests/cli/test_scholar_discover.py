"""`paperkb discover`: intersecting citation lists on the local Semantic Scholar stand-in."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from paperkb.cli import main
from paperkb.core.scholar.store import ScholarStore

from ..conftest import write_tree
from ..scholar_fake import (GAUSSIANS, INSTANT, MIPNERF, MIPSPLAT, NERF, PLENOX, ZIPNERF, fake_id, radiance_notes,
                            scholar, waits)  # noqa: F401 (fixtures)


@pytest.fixture
def notes(tmp_path):
    write_tree(tmp_path / "notes", radiance_notes())
    return tmp_path / "notes"


def discover_json(notes, capsys, *args) -> list[dict]:
    assert main(["discover", "--notes", str(notes), "-q", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_citing_all_seeds_intersects_their_citation_lists(scholar, notes, capsys):
    found = discover_json(notes, capsys, "--citing", "nerf,mipnerf")
    assert [f["paperId"] for f in found] == [GAUSSIANS, MIPSPLAT, ZIPNERF]  # by citations, then year
    first = found[0]
    assert {"paperId", "title", "year", "venue", "citationCount", "externalIds", "seeds", "note"} <= set(first)
    assert first["note"] == "gaussians" and first["seeds"] == ["nerf", "mipnerf"]
    assert next(f for f in found if f["paperId"] == MIPSPLAT)["note"] is None
    assert first["externalIds"]["ArXiv"] == "2308.04079"


def test_any_ranks_by_how_many_seeds(scholar, notes, capsys):
    found = discover_json(notes, capsys, "--citing", "nerf,mipnerf", "--any")
    assert [len(f["seeds"]) for f in found] == sorted((len(f["seeds"]) for f in found), reverse=True)
    assert PLENOX in [f["paperId"] for f in found]  # cites NeRF only
    assert found[-1]["seeds"] == ["nerf"]


def test_cited_by_every_seed(scholar, notes, capsys):
    found = discover_json(notes, capsys, "--cited-by", "gaussians,zipnerf")
    assert {f["paperId"] for f in found} == {NERF, MIPNERF, INSTANT}


def test_seeds_by_doi_arxiv_and_paper_id(scholar, notes, capsys):
    found = discover_json(notes, capsys, "--citing", "arxiv:2003.08934,doi:10.1109/ICCV48922.2021.00580")
    assert {f["paperId"] for f in found} == {GAUSSIANS, MIPSPLAT, ZIPNERF}
    found = discover_json(notes, capsys, "--cited-by", GAUSSIANS)
    assert {f["paperId"] for f in found} == {NERF, MIPNERF, INSTANT, PLENOX}


def test_filters_year_venue_keyword_and_citations(scholar, notes, capsys):
    def ids(*args):
        return {f["paperId"] for f in discover_json(notes, capsys, "--citing", "nerf", *args)}

    assert ids("--since", "2023") == {GAUSSIANS, ZIPNERF, MIPSPLAT}
    assert ids("--until", "2022") == {MIPNERF, PLENOX}
    assert ids("--venue", "computer vision") == {MIPNERF, ZIPNERF, MIPSPLAT, PLENOX}
    assert ids("--venue", "VISION AND PATTERN", "--venue", "graphics") == {MIPSPLAT, PLENOX, GAUSSIANS}
    assert ids("--keyword", "anti-aliasing") == {MIPNERF, ZIPNERF, MIPSPLAT}  # title or abstract
    assert ids("--keyword", "SMOOTHING filter") == {MIPSPLAT}  # abstract only, any case
    assert ids("--keyword", "anti", "--keyword", "grid") == {ZIPNERF}  # all keywords must match
    assert ids("--min-citations", "1") == {MIPNERF, GAUSSIANS, PLENOX}  # inclusive
    assert len(ids("--limit", "2")) == 2


def test_keys_table_and_bib_formats(scholar, notes, capsys):
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf,mipnerf", "--format", "keys"]) == 0
    assert capsys.readouterr().out.split() == [GAUSSIANS, MIPSPLAT, ZIPNERF]
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf,mipnerf"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["note", "year", "cited"]
    assert any(line.startswith("✓ gaussians") for line in table)
    assert any("Mip-Splatting" in line and not line.startswith("✓") for line in table)
    assert table[-1] == "(citing all of nerf, mipnerf: 3 papers)"
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf,mipnerf", "--format", "bib"]) == 0
    entries = bibtexparser.parse_string(capsys.readouterr().out).entries
    assert [e.key for e in entries] == ["kerbl20233d", "yu2024mipsplatting", "barron2023zipnerf"]


def test_queue_appends_papers_without_a_note_once(scholar, notes, capsys):
    queue = notes / "to-read.bib"
    queue.write_text("% my reading queue\n@misc{mine, title = {Plenoxels: Radiance Fields without Neural Networks}}\n",
                     encoding="utf-8")
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf", "--queue", "--format", "keys"]) == 0
    text = queue.read_text(encoding="utf-8")
    assert text.startswith("% my reading queue\n@misc{mine,")  # appended, never rewritten
    keys = [e.key for e in bibtexparser.parse_string(text).entries]
    assert keys == ["mine", "yu2024mipsplatting"]  # notes' papers and Plenoxels (already there) are skipped
    entry = bibtexparser.parse_string(text).entries[1]
    assert entry["title"] == "{Mip-Splatting}: Alias-free {3D} Gaussian Splatting" and entry["eprint"] == "2311.16493"
    assert "queued 1 paper" in capsys.readouterr().err
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf", "--queue", "--format", "keys"]) == 0
    assert queue.read_text(encoding="utf-8") == text  # no duplicates on a second run
    # The queue is a .bib in the notes folder: the To-read page and `import bib` see it.
    assert main(["check", str(notes)]) == 0


def test_dismissed_papers_are_never_shown_again(scholar, notes, capsys):
    assert main(["discover", "--notes", str(notes), "--dismiss", MIPSPLAT, "arxiv:2304.06706"]) == 0
    found = discover_json(notes, capsys, "--citing", "nerf,mipnerf")
    assert [f["paperId"] for f in found] == [GAUSSIANS]
    assert main(["discover", "--notes", str(notes), "--dismiss", MIPSPLAT]) == 0  # twice: written once
    lines = (notes / ".paperkb" / "dismissed.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith("arxiv:2304.06706") or lines[1].startswith(ZIPNERF)


def test_discover_fills_the_enrich_store_and_second_run_asks_nothing(scholar, notes, capsys):
    discover_json(notes, capsys, "--citing", "nerf,mipnerf")
    store = ScholarStore.load(notes)
    assert store.paper_of("nerf") == NERF and store.citations[NERF]["complete"]
    count = len(scholar.requests)
    discover_json(notes, capsys, "--citing", "nerf,mipnerf", "--since", "2024")
    assert len(scholar.requests) == count


def test_two_seeds_with_many_citations_take_few_requests(scholar, notes, capsys):
    both = []
    for n in range(2500):
        pid = scholar.add_paper(fake_id(f"wide-{n}"), f"Radiance follow-up {n}", year=2020 + n % 5)
        scholar.cite(pid, NERF)
        if n % 2:
            scholar.cite(pid, GAUSSIANS)
            both.append(pid)
    found = discover_json(notes, capsys, "--citing", "nerf,gaussians")
    assert len(found) == len(both) + 1  # and Mip-Splatting
    pages = [q["limit"] for _m, p, q in scholar.requests if p.endswith("/citations")]
    assert pages == ["1000"] * 3 + ["1000"] * 2  # NeRF: 2500+ citations, 3DGS: 1250+
    assert scholar.count("/paper/batch") == 1  # both key papers resolved in one batch
    assert len(scholar.requests) == 5 + 1


def test_unknown_seed_is_a_clear_error(scholar, notes, capsys):
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerff"]) == 2
    assert "'nerff' is neither a note key nor a paper id" in capsys.readouterr().err
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "doi:10.1/none"]) == 1
    assert "'doi:10.1/none' is not found on Semantic Scholar" in capsys.readouterr().err
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "idea"]) == 1
    assert "note 'idea' is not found on Semantic Scholar (tried: doi, title)" in capsys.readouterr().err


def test_progress_on_stderr_unless_quiet(scholar, notes, capsys):
    assert main(["discover", "--notes", str(notes), "--citing", "nerf", "--format", "keys"]) == 0
    captured = capsys.readouterr()
    assert "citations" in captured.err and len(captured.out.split()) == 5


def test_terminal_output_carries_no_escape_sequences(scholar, notes, capsys):
    pid = scholar.add_paper(fake_id("ansi"), "Innocent\x1b[2J\x1b]0;owned\x07 Title", year=2024, venue="V\x1b[31m")
    scholar.cite(pid, NERF)
    assert main(["discover", "--notes", str(notes), "-q", "--citing", "nerf"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Innocent[2J]0;owned Title" in out
