"""Research project pages (project: true): parsing, checks with path:line, groups, last change."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from paperkb.core.loader import load_library
from paperkb.core.paper_groups import group_papers
from paperkb.core.problems import Severity
from paperkb.core.projects import grouped_papers

from ..conftest import note, write_tree

NOTES = {
    "papers/ddpm.md": note("DDPM", year=2020, relation="upstream", fields=["Gen"],
                           insights=["Noise prediction is the trick."]),
    "papers/ldm.md": note("LDM", year=2022, relation="peer", fields=["Gen", "Vision"],
                          cites=[{"key": "ddpm", "role": "builds-on"}]),
    "papers/vdm.md": note("VDM", year=2022, relation="peer", fields=["Video"],
                          cites=[{"key": "ddpm", "role": "builds-on"}, {"key": "ldm", "role": "baseline"}]),
    "papers/fid.md": note("FID", year=2017, fields=["Gen"]),
    "papers/hidden.md": note("Hidden draft", year=2023, draft=True),
}

PROJECT = """\
---
project: true
title: "Fast video"
status: experiments
question: Can video diffusion run in four steps?
papers:
  - vdm
  - {key: ldm, note: "the latent space"}
  - {key: ddpm, relation: peer}
  - fid
  - hidden
queries:
  - {title: Recent, since: 2021}
updated: 2024-03-01
---

## Log

- 2024-05-06: first teacher run
- 2023-01-02: idea
"""


def load(tmp_path: Path, files: dict[str, str]):
    write_tree(tmp_path / "notes", {**NOTES, **files})
    return load_library(tmp_path / "notes", project_root=tmp_path)


def messages(library) -> list[str]:
    return [f"{p.path}:{p.line}: {p.severity.value}: {p.message}" for p in library.problems]


def test_a_project_page_is_parsed_and_is_no_note(tmp_path):
    library = load(tmp_path, {"projects/fast-video.md": PROJECT})
    assert messages(library) == []
    assert "fast-video" not in library.notes and set(library.projects) == {"fast-video"}
    project = library.projects["fast-video"]
    assert (project.title, project.status, project.question) == ("Fast video", "experiments",
                                                                  "Can video diffusion run in four steps?")
    assert [p.key for p in project.papers] == ["vdm", "ldm", "ddpm", "fid", "hidden"]
    assert project.papers[1].why == "the latent space" and project.papers[2].relation == "peer"
    assert project.queries[0].title == "Recent" and project.queries[0].query.since == 2021
    # the newest of `updated` and the dated log lines
    assert project.last_change() == dt.date(2024, 5, 6)
    assert library.projects_by_src_uri["projects/fast-video.md"] is project


def test_papers_are_grouped_by_the_project_relation_else_the_notes_own(tmp_path):
    library = load(tmp_path, {"projects/fast-video.md": PROJECT})
    groups = grouped_papers(library.projects["fast-video"], library.notes)
    assert list(groups) == ["peer", None]  # ddpm is a peer here although its note says upstream
    assert [n.key for _p, n in groups["peer"]] == ["ddpm", "ldm", "vdm"]  # oldest first; the draft is left out
    assert [n.key for _p, n in groups[None]] == ["fid"]
    assert [(p.key, e.why) for p, e in library.projects_of("ldm")] == [("fast-video", "the latent space")]
    assert library.projects_of("hidden") == [] and library.projects_of("ghost") == []


def test_problems_name_file_and_line(tmp_path):
    warned = PROJECT.replace("  - fid\n", "  - fid\n  - ldn\n  - vdm\n")
    warned = warned.replace("updated: 2024-03-01", "updated: 2024-03-01\nstauts: done")
    library = load(tmp_path, {"projects/fast-video.md": warned,
                              "projects/bad.md": PROJECT.replace("status: experiments", "status: running")})
    found = messages(library)
    assert "notes/projects/bad.md:4: error: 'status' is 'running'; allowed values: idea, exploring, experiments, " \
           "writing, done" in found
    assert "notes/projects/fast-video.md:11: warning: unknown paper 'ldn' (no note or .bib entry has this key) (did you mean 'ldm'?)" \
           in found
    assert "notes/projects/fast-video.md:12: warning: paper 'vdm' is listed twice (first on line 7); the first entry " \
           "counts" in found
    assert any(m.startswith("notes/projects/fast-video.md:17: warning: unknown key 'stauts' in a project page "
                            "(did you mean 'status'?)") for m in found)
    # warnings keep the project; an error leaves it out, as a note with an error is
    assert set(library.projects) == {"fast-video"}


def test_bad_relation_and_duplicate_keys(tmp_path):
    library = load(tmp_path, {
        "projects/a.md": PROJECT.replace("relation: peer", "relation: rival"),
        "projects/b.md": "---\nproject: true\ntitle: B\nkey: shared\n---\n",
        "projects/c.md": "---\nproject: true\ntitle: C\nkey: shared\ntitle: again\n---\n",
        "projects/d.md": "---\nproject: true\ntitle: D\nkey: shared\n---\n",
    })
    found = messages(library)
    assert "notes/projects/a.md:9: error: paper relation is 'rival'; allowed values: peer, upstream" in found
    assert "notes/projects/c.md:5: error: duplicate key 'title' in the front-matter (first set on line 3)" in found
    assert "notes/projects/d.md:4: error: duplicate project key 'shared': already used by notes/projects/b.md" in found
    assert set(library.projects) == {"shared"} and library.projects["shared"].title == "B"


def test_project_needs_a_title_and_papers_a_list(tmp_path):
    library = load(tmp_path, {"projects/x.md": "---\nproject: true\npapers: ldm\n---\n"})
    found = messages(library)
    assert "notes/projects/x.md:1: error: missing required key 'title'" in found
    assert any(m.startswith("notes/projects/x.md:3: error: 'papers' must be a list") for m in found)


def test_project_text_in_a_note_stays_a_field_and_draft_projects_are_kept_apart(tmp_path):
    library = load(tmp_path, {
        "papers/withfield.md": note("Some paper", year=2021, project="my thesis"),
        "projects/later.md": "---\nproject: true\ntitle: Later\ndraft: true\npapers: [ldm]\n---\n",
    })
    assert library.notes["withfield"].extra == {"project": "my thesis"}
    assert library.projects == {} and set(library.project_drafts) == {"later"}
    assert library.projects_of("ldm") == []


def test_last_change_falls_back_to_the_file_time(tmp_path):
    library = load(tmp_path, {"projects/p.md": "---\nproject: true\ntitle: P\n---\nNo dates here.\n"})
    path = tmp_path / "notes/projects/p.md"
    stamp = dt.datetime(2021, 6, 1, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
    assert library.projects["p"].last_change() == dt.date(2021, 6, 1)


def test_groups_for_drafts_by_field_role_and_relation(tmp_path):
    library = load(tmp_path, {"projects/fast-video.md": PROJECT})
    notes = [library.notes[k] for k in ("vdm", "ldm", "ddpm", "fid")]
    by_relation = group_papers(notes, "relation", library, library.projects["fast-video"])
    assert [(label, [n.key for n in members]) for label, members in by_relation] == [
        ("Peers", ["ddpm", "ldm", "vdm"]), ("Other", ["fid"])]
    by_field = group_papers(notes, "field", library)
    assert [(label, [n.key for n in members]) for label, members in by_field] == [
        ("Gen", ["fid", "ddpm", "ldm"]), ("Video", ["vdm"])]
    by_role = group_papers(notes, "role", library)  # how the other chosen papers cite each one
    assert [(label, [n.key for n in members]) for label, members in by_role] == [
        ("Builds on", ["ddpm"]), ("Baseline", ["ldm"]), ("Other", ["fid", "vdm"])]
    assert all(p.severity is not Severity.ERROR for p in library.problems)


def test_hostile_shapes_are_reported_not_crashed_on(tmp_path):
    shapes = {
        "projects/a.md": "---\nproject: true\ntitle: A\npapers:\n  - {key: [ldm]}\n  - 42\n  - {relation: peer}\n"
                         "  - {key: ldm, note: {x: 1}}\n  - {key: '../etc', relation: peer}\n---\n",
        "projects/b.md": "---\nproject: true\ntitle: B\nqueries: [descendants]\nupdated: soon\nstatus: [idea]\n---\n",
        "projects/c.md": "---\nproject: true\ntitle: C\nqueries:\n  - {since: next year}\n  - {colour: red}\n"
                         "draft: maybe\n---\n",
        "projects/d.md": "---\nproject: true\ntitle: [not, a, string]\n---\n",
        "projects/e.md": "---\r\nproject: true\r\ntitle: E\r\npapers: [ldm]\r\n---\r\nBody\r\n- 2024-13-40: no such day\r\n",
    }
    library = load(tmp_path, shapes)
    found = messages(library)
    for expected in (
        "notes/projects/a.md:5: error: paper entry needs a 'key' string",
        "notes/projects/a.md:6: error: 'papers' items must be keys or {key, relation, note} mappings, got int 42",
        "notes/projects/a.md:7: error: paper entry needs a 'key' string",
        "notes/projects/a.md:8: error: a paper's 'note' must be a string, got a mapping",
        "notes/projects/a.md:9: error: paper key '../etc' is not a safe slug",
        "notes/projects/b.md:4: error: a query must be a mapping of query keys, got str 'descendants'",
        "notes/projects/b.md:5: error: 'updated' must be a date such as 2024-05-02, got str 'soon'",
        "notes/projects/b.md:6: error: 'status' must be a string, got a list",
        "notes/projects/c.md:7: error: 'draft' must be true or false, got str 'maybe'; the page is not published",
        "notes/projects/d.md:3: error: 'title' must be a string, got a list",
    ):
        assert expected in found, (expected, found)
    assert any(m.startswith("notes/projects/c.md:5: warning: query left out:") for m in found)
    assert any(m.startswith("notes/projects/c.md:6: warning: query left out:") for m in found)
    assert set(library.projects) == {"e"}  # the others have errors
    assert library.projects["e"].logged is None and [p.key for p in library.projects["e"].papers] == ["ldm"]


def test_a_paper_only_the_bib_describes_is_not_read_yet_and_no_warning(tmp_path):
    from paperkb.core.projects import reference_note, unread_papers

    library = load(tmp_path, {
        "refs.bib": "@article{later2025,\n  title = {A Paper to Read},\n  author = {Roe, Rita},\n"
                    "  journal = {JMLR},\n  year = {2025},\n}\n",
        "projects/p.md": "---\nproject: true\ntitle: P\npapers: [ldm, later2025, nowhere]\n---\n",
    })
    assert [m for m in messages(library) if "later2025" in m] == []
    assert any("unknown paper 'nowhere' (no note or .bib entry has this key)" in m for m in messages(library))
    project = library.projects["p"]
    (paper, entry), = unread_papers(project, library.notes, library.drafts, library.bibliography)
    assert paper.key == entry.key == "later2025"
    as_note = reference_note(entry)
    assert (as_note.title, as_note.year, as_note.venue, as_note.authors) == ("A Paper to Read", 2025, "JMLR", ["Rita Roe"])
    assert library.projects_of("later2025") == []  # no note page to list it on
