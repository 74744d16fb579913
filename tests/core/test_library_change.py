"""What an edit changed for other pages (core/library_diff.py ``LibraryChange``): after a .bib
edit, the notes its entries complete are compared, and only those whose entry changed count as
changed; the other notes are not compared at all (`serve` at 10,000 notes)."""

from __future__ import annotations

from paperkb.core.library_diff import LibraryChange
from paperkb.core.loader import NoteCache, load_library

from ..conftest import note, write_tree

BIB = """@article{smith2020,
  title = {Sparse Probes},
  author = {Smith, Ann},
  journal = {JMLR},
  year = {2020},
}

@inproceedings{other2021,
  title = {A Paper Without a Note},
  author = {Other, Bo},
  booktitle = {ICML},
  year = {2021},
}
"""


def _load(root, cache):
    return load_library(root, files=[(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.md"))],
                        cache=cache)


def _site(tmp_path):
    root = tmp_path / "notes"
    write_tree(root, {"papers/smith2020.md": "---\nkey: smith2020\n---\n\nRead it.\n",  # title, venue... from the .bib
                      "papers/jones2022.md": note("Dense Probes", "", key="jones2022", year=2022,
                                                  cites=["smith2020", "other2021"]),
                      "refs.bib": BIB})
    return root


def test_a_bib_edit_changes_the_note_its_entry_completes(tmp_path):
    root = _site(tmp_path)
    cache = NoteCache()
    before = _load(root, cache)
    assert before.notes["smith2020"].venue == "JMLR"  # completed from the .bib
    (root / "refs.bib").write_text(BIB.replace("JMLR", "TMLR"), encoding="utf-8")
    after = _load(root, cache)
    change = LibraryChange.between(before, after, set(), bib_edited=True)
    assert change.shown == {"smith2020"} and not change.same_notes


def test_a_bib_edit_of_an_entry_without_a_note_changes_no_note(tmp_path):
    root = _site(tmp_path)
    cache = NoteCache()
    before = _load(root, cache)
    (root / "refs.bib").write_text(BIB.replace("A Paper Without a Note", "Still Without a Note"), encoding="utf-8")
    after = _load(root, cache)
    change = LibraryChange.between(before, after, set(), bib_edited=True)
    assert change.shown == set() and change.same_notes
    assert LibraryChange.between(before, after, set()).same_notes


def test_a_year_edit_that_turns_a_citation_into_a_mention_changes_the_links(tmp_path):
    """A link to a later paper is a mention, not a citation: the same written link moves from
    one to the other when a year changes, and the graph (citations only) must be drawn again."""
    root = tmp_path / "notes"
    write_tree(root, {"papers/old.md": note("Old Paper", "", key="old", year=2015),
                      "papers/new.md": note("New Paper", "Builds on [[old]].\n", key="new", year=2020)})
    cache = NoteCache()
    before = _load(root, cache)
    assert [e.target for e in before.cites("new")] == ["old"]
    (root / "papers/old.md").write_text(note("Old Paper", "", key="old", year=2023), encoding="utf-8")
    after = _load(root, cache)
    assert after.cites("new") == [] and [e.target for e in after.mentions_out["new"]] == ["old"]
    change = LibraryChange.between(before, after, {"old"})
    assert change.relinked == {"new"} and not change.same_links and not change.same_graph
