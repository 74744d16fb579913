"""`serve` loads the library again after every edit, resolving only the changed notes' links
(core/library.py ``EdgeMemo``): after each kind of edit, the library it loads has exactly the
edges, mentions, .bib citations, cycles and problems a fresh load finds."""

from __future__ import annotations

import pytest

from paperkb.core.library import EdgeMemo
from paperkb.core.loader import NoteCache, load_library

from ..conftest import note, write_tree
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


def _counting_resolutions(monkeypatch) -> list[str]:
    import paperkb.core.library as library_module

    resolved: list[str] = []
    real = library_module._note_links
    monkeypatch.setattr(library_module, "_note_links", lambda lib, n: resolved.append(n.key) or real(lib, n))
    return resolved


def _vault() -> dict[str, str]:
    """Obsidian-style: a note names a paper by its title before a note of that file name exists."""
    return {
        "papers/bahdanau2015.md": note("Neural Machine Translation", "Later: [[Attention Is All You Need]].\n",
                                       key="bahdanau2015", year=2015),
        "papers/sutskever2014.md": note("Sequence to Sequence Learning", "Followed by [[bahdanau2015]] "
                                        "and [[Attention Is All Yu Need]].\n", key="sutskever2014", year=2014),
        **{f"papers/other{i}.md": note(f"Other paper {i}", f"See [[bahdanau2015]] and [@sutskever2014].\n",
                                       key=f"other{i}", year=2016, cites=["sutskever2014"]) for i in range(5)},
        "papers/other5.md": note("Other paper 5", "As in [[seq2seq]].\n", key="other5", year=2016),
    }


def test_a_new_or_deleted_note_resolves_again_only_the_notes_that_name_it(tmp_path, monkeypatch):
    root = tmp_path / "notes"
    write_tree(root, _vault())
    cache, memo = NoteCache(), EdgeMemo()
    before = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert "bahdanau2015" not in before.mentions_out and len(before.notes) == 8
    resolved = _counting_resolutions(monkeypatch)

    # A note whose file name is the title bahdanau2015 links to; sutskever2014's typo of it now
    # names it (a close name); the six others name neither and keep what they resolved.
    (root / "papers" / "Attention Is All You Need.md").write_text(
        note("Attention Is All You Need", "Self-attention only.\n", key="vaswani2017", year=2017), encoding="utf-8")
    added = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert sorted(resolved) == ["bahdanau2015", "sutskever2014", "vaswani2017"]
    assert [(e.source, e.target) for e in added.mentions_out["bahdanau2015"]] == [("bahdanau2015", "vaswani2017")]
    assert any("did you mean 'Attention Is All You Need'" in p.message for p in added.problems)
    assert added.out_edges["other0"][0] is before.out_edges["other0"][0]  # (kept, not made again)
    assert _links(added) == _links(load_library(root, files=_files(root)))

    resolved.clear()
    (root / "papers" / "Attention Is All You Need.md").unlink()
    removed = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert sorted(resolved) == ["bahdanau2015", "sutskever2014"]
    assert "bahdanau2015" not in removed.mentions_out and "vaswani2017" not in removed.mentions_in
    assert _links(removed) == _links(load_library(root, files=_files(root)))


def test_a_renamed_note_resolves_again_only_the_notes_linking_to_its_old_or_new_name(tmp_path, monkeypatch):
    root = tmp_path / "notes"
    write_tree(root, _vault())
    cache, memo = NoteCache(), EdgeMemo()
    before = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert "other5" not in before.out_edges or not before.out_edges["other5"]
    resolved = _counting_resolutions(monkeypatch)
    (root / "papers" / "sutskever2014.md").rename(root / "papers" / "seq2seq.md")  # (its key stays)
    again = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    # other5's [[seq2seq]] finds it by its new file name; the notes citing it by key link as before.
    assert sorted(resolved) == ["other5", "sutskever2014"]
    assert [e.target for e in again.out_edges["other5"]] == ["sutskever2014"]
    assert again.out_edges["other0"] is not None and again.in_edges["sutskever2014"]
    assert _links(again) == _links(load_library(root, files=_files(root)))


@pytest.mark.parametrize("kind", ["new note", "deleted note"])
def test_a_note_that_comes_uncited_or_goes_from_no_cycle_leaves_the_cycles_as_they_were(tmp_path, monkeypatch, kind):
    import paperkb.core.library as library_module

    root = tmp_path / "notes"
    write_tree(root, {**_vault(), "papers/loop1.md": note("Loop one", "", key="loop1", year=2016, cites=["loop2"]),
                      "papers/loop2.md": note("Loop two", "", key="loop2", year=2016, cites=["loop1"])})
    cache, memo = NoteCache(), EdgeMemo()
    before = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert before.cycles == [["loop1", "loop2"]]
    calls: list[int] = []
    real = library_module.find_cycles
    monkeypatch.setattr(library_module, "find_cycles", lambda lib: calls.append(1) or real(lib))
    if kind == "new note":  # it cites a note of the cycle; nothing cites it
        (root / "papers" / "later.md").write_text(note("Later", "", key="later", year=2020, cites=["loop1"]),
                                                  encoding="utf-8")
    else:  # other0 cites sutskever2014, which no cycle holds
        (root / "papers" / "other0.md").unlink()
    again = load_library(root, files=_files(root), cache=cache, edge_memo=memo)
    assert calls == []
    assert again.cycles == load_library(root, files=_files(root)).cycles == [["loop1", "loop2"]]

    calls.clear()
    (root / "papers" / "loop2.md").unlink()  # a note of the cycle goes: searched again, none left
    assert load_library(root, files=_files(root), cache=cache, edge_memo=memo).cycles == [] and calls == [1]
