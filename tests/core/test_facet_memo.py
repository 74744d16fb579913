"""`serve` loads the library again after every edit; the facets' spellings (one spelling per
field, venue, tag) are taken from the last load while no note's facet values changed
(core/facets.py ``FacetMemo``): the library equals a fresh load's after every kind of edit."""

from __future__ import annotations

import pytest

from paperkb.core.facets import FacetMemo
from paperkb.core.loader import NoteCache, load_library

from ..conftest import note, write_tree
from ..library_edits import EDITS, edit, markdown_files as _files, notes


@pytest.mark.parametrize("kind", EDITS)
def test_a_library_loaded_again_has_the_spellings_and_notes_of_a_fresh_load(tmp_path, kind):
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache, memo = NoteCache(), FacetMemo()
    load_library(root, files=_files(root), cache=cache, facet_memo=memo)
    edit(root, kind)
    again = load_library(root, files=_files(root), cache=cache, facet_memo=memo)
    fresh = load_library(root, files=_files(root))
    assert again.spellings == fresh.spellings
    assert again.notes == fresh.notes


def _vault(root, second_field: str) -> None:
    write_tree(root, {"a.md": note("A", "", key="a", fields=["LLM"], tags=["scaling"]),
                      "b.md": note("B", "", key="b", fields=["llm"]),
                      "c.md": note("C", "", key="c", fields=[second_field])})


def test_spellings_follow_an_edit_that_changes_the_most_used_spelling(tmp_path):
    root = tmp_path / "notes"
    _vault(root, "Vision")
    cache, memo = NoteCache(), FacetMemo()
    before = load_library(root, files=_files(root), cache=cache, facet_memo=memo)
    assert before.notes["b"].fields == ["LLM"]  # a tie: the spelling with capitals

    (root / "c.md").write_text(note("C", "Edited.\n", key="c", fields=["Vision"]), encoding="utf-8")
    body_edit = load_library(root, files=_files(root), cache=cache, facet_memo=memo)
    assert body_edit.spellings is before.spellings  # no facet value changed: the last spellings
    assert body_edit.notes["b"] is before.notes["b"]  # (a note unified as before is the same object)

    _vault(root, "llm")  # now "llm" is the most used spelling
    again = load_library(root, files=_files(root), cache=cache, facet_memo=memo)
    assert [again.notes[k].fields for k in "abc"] == [["llm"], ["llm"], ["llm"]]
    assert again.spellings == load_library(root, files=_files(root)).spellings
