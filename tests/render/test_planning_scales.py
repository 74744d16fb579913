"""Planning a site costs the same per note at any size: no step scans every note for each note.

Timings cannot tell that on a shared machine, so this counts calls: planning a knowledge base
of N and of 2N notes (citations by preferential attachment, so much-cited notes grow with N, as
in a real literature), every paperkb function is called as often per note in both, within a
margin. A per-page scan of all notes, a cited-by list rebuilt for every citer or a sort per page
would double its calls per note."""

from __future__ import annotations

import cProfile
import pstats
import random
from pathlib import Path

from paperkb.core.bib.formatting import ReferenceFormatter
from paperkb.core.bib.references import References
from paperkb.core.loader import load_library
from paperkb.core.note_cache import NoteCache
from paperkb.core.urls import SiteUrls
from paperkb.render.graph_dot import GraphViews, diagram_source
from paperkb.render.index_pages import IndexPages
from paperkb.render.site_map import SiteMap

from ..conftest import note, write_tree

FIELDS = ["LLM", "Vision", "Speech"]
TAGS = ["transformer", "diffusion", "rl", "retrieval", "benchmark", "efficiency"]


def _notes(count: int) -> dict[str, str]:
    rng = random.Random(7)
    keys: list[str] = []
    cited: list[str] = []  # every citation's target once: drawing from it is preferential attachment
    files = {}
    for i in range(count):
        key = f"p{i:04d}"
        cites = sorted({rng.choice(cited) if cited and rng.random() < 0.7 else rng.choice(keys)
                        for _ in range(5)} if keys else set())
        cited += cites + [key]
        keys.append(key)
        files[f"papers/{key}.md"] = note(
            f"Paper {i} on {rng.choice(TAGS)}", body=f"- point {i}\n- [想法] idea {i}\n", year=2000 + i % 25,
            venue=rng.choice(["NeurIPS", "ICML", "CVPR"]), authors=[f"Author {i % 97}", f"Writer {i % 89}"],
            fields=[rng.choice(FIELDS)], tags=rng.sample(TAGS, 2), cites=cites)
    return files


def _calls_per_note(tmp_path: Path, count: int) -> dict[str, float]:
    notes_dir = tmp_path / f"notes{count}"
    write_tree(notes_dir, _notes(count))
    profiler = cProfile.Profile()
    profiler.enable()
    library = load_library(notes_dir, project_root=tmp_path, cache=NoteCache())
    site = SiteMap.for_library(library, SiteUrls(True), graphs=True)
    views = GraphViews(library)
    for key, item in library.notes.items():
        view = views.local(key, 30)
        if len(view.nodes) > 2:
            diagram_source(view, site.urls, item.src_uri)
    IndexPages(library, site).all_pages()
    ReferenceFormatter("plain").format_all([reference.entry for reference in References(library)])
    profiler.disable()
    assert len(library) == count and not library.errors
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return {f"{Path(file).name}:{line}({name})": calls / count
            for (file, line, name), (_primitive, calls, *_rest) in stats.items() if "/paperkb/" in file}


def test_every_planning_step_is_called_as_often_per_note_at_twice_the_notes(tmp_path):
    small, large = _calls_per_note(tmp_path, 150), _calls_per_note(tmp_path, 300)
    grown = {name: (small.get(name, 0.0), per_note) for name, per_note in large.items()
             if per_note > 1.3 * small.get(name, 0.0) + 0.05}
    assert not grown, f"calls per note at 150 and at 300 notes: {grown}"
    # (the count covers the real work: parsing, diagrams, index pages and references all ran)
    assert all(any(step in name for name in large) for step in
               ("parse_front_matter", "local", "diagram_source", "facet_page", "_format"))
