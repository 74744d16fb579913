"""The README's Semantic Scholar workflow runs as written on a copy of the example site, against a
local stand-in of the API that knows the example's papers and the papers citing them."""

from __future__ import annotations

import bibtexparser

from paperkb.core.loader import load_library
from paperkb.core.scholar.store import ScholarStore

from ..scholar_fake import FakeScholar, fake_id, waits  # noqa: F401 (fixture)
from .test_readme_examples import block_with, example_copy, run_block  # noqa: F401 (fixture)


def test_the_survey_workflow_runs_as_written(example_copy, httpserver, monkeypatch, waits, tmp_path):
    fake = FakeScholar(httpserver)
    monkeypatch.setenv("PAPERKB_S2_API", fake.url)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    library = load_library(example_copy / "notes")
    for note in library:
        fake.add_paper(fake_id(note.key), note.title, year=note.year, venue=note.venue or "",
                       authors=note.authors, arxiv=note.arxiv, doi=note.doi)
    for note in library:
        for edge in library.cites(note.key):
            fake.cite(fake_id(note.key), fake_id(edge.target), intents=["methodology"])
    for n in range(12):  # papers citing both key papers; half of them about anti-aliasing, since 2024
        pid = fake.add_paper(fake_id(f"follow-{n}"), f"{'Anti-Aliasing' if n % 2 else 'Faster'} Splats {n}",
                             year=2023 + n % 3, venue="CVPR", authors=[f"Ada Lovelace{n}"], citations=5 + 3 * n,
                             abstract="Radiance fields rendered with anti-aliasing." if n % 2 else "Speed.")
        fake.cite(pid, fake_id("mildenhall2020nerf"))
        fake.cite(pid, fake_id("kerbl2023gaussian"))

    lines = [line for line in block_with("paperkb discover --citing").splitlines() if line.startswith("paperkb")]
    assert len(lines) >= 6
    results = run_block(lines, example_copy, tmp_path / "home")
    for line, result in zip(lines, results):
        assert result.returncode == 0, (line, result.stderr)
    intersect = results[1].stdout
    assert intersect.count("Splats") == 12 and intersect.rstrip().endswith("12 papers)")
    wanted = {f"Anti-Aliasing Splats {n}" for n in range(12) if n % 2 and 2023 + n % 3 >= 2024 and 5 + 3 * n >= 10}
    assert {line.split("  ")[-2].strip() for line in results[2].stdout.splitlines() if "Splats" in line} == wanted
    queue = bibtexparser.parse_file(str(example_copy / "notes" / "to-read.bib"))
    assert {e["title"].replace("{", "").replace("}", "") for e in queue.entries} == wanted
    store = ScholarStore.load(example_copy / "notes")
    new_notes = [k for k in load_library(example_copy / "notes").notes if k.startswith("lovelace")]
    assert len(new_notes) == len(wanted) and all(store.paper_of(k) for k in new_notes)
