"""`serve` keeps the bibliography, its pages and all.bib when an edit changed no reference
(core/bib/references.py ``same_references``): a tag or a citation leaves them, a title, a venue,
a new note or a draft made public does not."""

from __future__ import annotations

import pytest

from paperkb.core.bib.references import same_references
from paperkb.core.loader import NoteCache, load_library

from ..conftest import write_tree
from ..library_edits import edit, markdown_files, note, notes

T5 = dict(key="raffel2020", year=2020, fields=["NLP"], cites=["devlin2019", "radford2018", "nobody2000"])
BODY = "Text to text, after [@devlin2019].\n\n- [idea] Every task as text.\n"


@pytest.mark.parametrize("change, same", [
    (dict(tags=["text-to-text"]), True),
    (dict(cites=["devlin2019", "radford2018", "nobody2000", "bahdanau2015"]), True),
    (dict(title="T5, the text-to-text model"), False),
    (dict(venue="JMLR"), False),
    (dict(year=2019), False),
])
def test_an_edit_of_one_note_keeps_the_references_unless_one_of_them_changed(tmp_path, change, same):
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache = NoteCache()
    before = load_library(root, files=markdown_files(root), cache=cache)
    values = {**T5, **change}
    (root / "papers" / "raffel2020.md").write_text(note(values.pop("title", "T5"), BODY, **values), encoding="utf-8")
    after = load_library(root, files=markdown_files(root), cache=cache)
    assert same_references(before, after, {"raffel2020"}) is same


@pytest.mark.parametrize("kind", ["new note", "deleted note", "renamed note", "draft"])
def test_notes_that_come_or_go_change_the_references(tmp_path, kind):
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache = NoteCache()
    before = load_library(root, files=markdown_files(root), cache=cache)
    edit(root, kind)
    after = load_library(root, files=markdown_files(root), cache=cache)
    assert not same_references(before, after, set(before.notes) | set(after.notes))
