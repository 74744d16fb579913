"""`serve` loads the library again after every edit, resolving only the changed notes' links
(core/library.py ``EdgeMemo``): after each kind of edit, the library it loads has exactly the
edges, mentions, .bib citations, cycles and problems a fresh load finds."""

from __future__ import annotations

import pytest

from paperkb.core.library import EdgeMemo
from paperkb.core.loader import NoteCache, load_library

from ..conftest import write_tree
from ..library_edits import EDITS, edit, markdown_files as _files, notes


def _links(library) -> dict:
    return {"out": library.out_edges, "in": library.in_edges, "mentions out": library.mentions_out,
            "mentions in": library.mentions_in, "bib": library.bib_cites, "cycles": library.cycles,
            "problems": library.problems}


@pytest.mark.parametrize("kind", EDITS)
def test_a_library_loaded_again_after_an_edit_links_as_a_fresh_load(tmp_path, kind):
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache, memo = NoteCache(), EdgeMemo()
    before = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert before.out_edges and before.mentions_out and before.bib_cites  # the fixture has each kind of link

    edit(root, kind)
    again = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    fresh = load_library(root, files=_files(root))
    assert _links(again) == _links(fresh)
    assert _links(again) != _links(before) or kind in ("body", "title")


def test_unchanged_notes_keep_their_edges_and_only_the_edited_one_is_resolved_again(tmp_path, monkeypatch):
    import paperkb.core.library as library_module

    root = tmp_path / "notes"
    write_tree(root, notes())
    cache, memo = NoteCache(), EdgeMemo()
    before = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    resolved: list[str] = []
    real = library_module._note_links
    monkeypatch.setattr(library_module, "_note_links", lambda lib, n: resolved.append(n.key) or real(lib, n))
    edit(root, "cites+")
    again = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert resolved == ["cycle"]
    assert again.out_edges["devlin2019"][0] is before.out_edges["devlin2019"][0]


@pytest.mark.parametrize("kind, searched", [("body", False), ("title", False), ("cites+", True), ("new note", True)])
def test_cycles_are_searched_again_only_when_a_citation_changed(tmp_path, monkeypatch, kind, searched):
    import paperkb.core.library as library_module

    root = tmp_path / "notes"
    write_tree(root, notes())
    cache, memo = NoteCache(), EdgeMemo()
    load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    calls: list[int] = []
    real = library_module.find_cycles
    monkeypatch.setattr(library_module, "find_cycles", lambda lib: calls.append(1) or real(lib))
    edit(root, kind)
    again = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert bool(calls) == searched
    assert again.cycles == load_library(root, files=_files(root)).cycles
