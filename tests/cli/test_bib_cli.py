"""`paperkb import bib` and `paperkb export bib`, and the bib -> notes -> all.bib round trip."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from paperkb.cli import main
from paperkb.core.bib.entry import BibEntry, BibField
from paperkb.core.loader import load_library

from ..conftest import note, write_tree

ZOTERO = r"""@article{mnih2015dqn,
  title = {Human-level control through deep reinforcement learning},
  author = {Mnih, Volodymyr and Kavukcuoglu, Koray and Silver, David},
  journal = {Nature},
  volume = {518},
  pages = {529--533},
  year = {2015},
  doi = {10.1038/nature14236},
  file = {/home/me/Zotero/storage/X/mnih.pdf},
}

@inproceedings{devlin2019bert,
  title = {{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding},
  author = {Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
  booktitle = {Proceedings of the 2019 Conference of the North {A}merican Chapter of the ACL},
  year = {2019},
  url = {https://aclanthology.org/N19-1423},
}

@misc{gu2023mamba,
  title = {Mamba: Linear-Time Sequence Modeling with Selective State Spaces},
  author = {Gu, Albert and Dao, Tri},
  year = {2023},
  eprint = {2312.00752},
  archivePrefix = {arXiv},
}

@article{muller2021umlaut,
  title = {{\"U}ber Gr{\"o}{\ss}e \& {GPT} -- Eine Studie},
  author = {M{\"u}ller, J{\"o}rg and Garc{\'\i}a, Mar{\'\i}a},
  journal = {Zeitschrift f{\"u}r Tests},
  year = {2021},
}

@misc{bad/key,
  title = {A key with a slash},
}
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """A project with notes for two of the entries (one under another file name) and a Zotero export outside it."""
    write_tree(tmp_path, {
        "notes/papers/mnih2015dqn.md": note("My DQN notes", "My own words.\n", year=2015, level="deep"),
        "notes/papers/bert-notes.md": note("BERT", key="devlin2019bert", draft=True),
        "zotero.bib": ZOTERO,
    })
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_import_creates_missing_notes_and_never_touches_existing_ones(project, capsys):
    notes = project / "notes"
    before = snapshot(notes)
    code, out, _err = run(capsys, "import", "bib", str(project / "zotero.bib"), "--notes", str(notes))
    assert code == 0
    after = snapshot(notes)
    for path, content in before.items():
        assert after[path] == content  # byte for byte
    assert sorted(set(after) - set(before)) == ["papers/gu2023mamba.md", "papers/muller2021umlaut.md", "zotero.bib"]
    assert "created 2 notes, skipped 3" in out
    assert "skipped: bad/key: the key is not usable as a note key" in out
    assert "skipped: mnih2015dqn: a note has this key: notes/papers/mnih2015dqn.md" in out
    assert "skipped: devlin2019bert: a note has this key: notes/papers/bert-notes.md" in out
    library = load_library(notes, project_root=project, bib_files=[])
    assert library.problems == []
    umlaut = library.get("muller2021umlaut")
    assert umlaut.title == "Über Größe & GPT – Eine Studie"
    assert umlaut.authors == ["Jörg Müller", "María García"]
    assert (umlaut.year, umlaut.venue, umlaut.level, umlaut.type) == (2021, "Zeitschrift für Tests", "skim", None)
    mamba = library.get("gu2023mamba")
    assert mamba.arxiv == "2312.00752" and mamba.venue is None
    # Importing again creates nothing.
    code, out, _err = run(capsys, "import", "bib", str(project / "zotero.bib"), "--notes", str(notes))
    assert "created 0 notes, skipped 5" in out and snapshot(notes) == after


def test_import_dry_run_writes_nothing(project, capsys):
    notes = project / "notes"
    before = snapshot(notes)
    code, out, _err = run(capsys, "import", "bib", str(project / "zotero.bib"), "--notes", str(notes), "--dry-run")
    assert code == 0 and snapshot(notes) == before
    assert "would create: notes/papers/gu2023mamba.md (gu2023mamba)" in out
    assert "dry run: nothing was written" in out


def test_import_into_another_folder_and_report_broken_entries(project, capsys):
    broken = ZOTERO + "\n@article{broken2020,\n  title = {Unclosed,\n\n@misc{late2024, title = {Late}, year = {2024}}\n"
    (project / "broken.bib").write_text(broken, encoding="utf-8")
    line = broken[:broken.index("@article{broken2020")].count("\n") + 1
    out_dir = project / "notes" / "queue"
    code, _out, err = run(capsys, "import", "bib", str(project / "broken.bib"), "--notes", str(project / "notes"),
                          "--out", str(out_dir))
    assert sorted(p.name for p in out_dir.iterdir()) == ["gu2023mamba.md", "late2024.md", "muller2021umlaut.md"]
    assert f"broken.bib:{line}: error: broken BibTeX entry, skipped" in err
    assert code == 1


def test_round_trip_bib_to_notes_to_all_bib(project, capsys):
    """Import the entries as notes, then export: re-parsing all.bib gives the same entries."""
    notes = project / "notes"
    for path in list(notes.rglob("*.md")):
        path.unlink()
    bib = ZOTERO[:ZOTERO.index("@misc{bad/key")]
    (project / "clean.bib").write_text(bib, encoding="utf-8")
    run(capsys, "import", "bib", str(project / "clean.bib"), "--notes", str(notes))
    code, out, _err = run(capsys, "export", "bib", "--notes", str(notes))
    assert code == 0
    exported = bibtexparser.parse_string(out)
    assert not exported.failed_blocks
    original = bibtexparser.parse_string(bib)

    def view(block) -> dict:
        entry = BibEntry(block.key, block.entry_type.lower(),
                         tuple(BibField(f.key.lower(), f.value) for f in block.fields))
        return {"type": entry.entry_type, "title": entry.title, "authors": entry.authors, "year": entry.year,
                "venue": entry.venue, "doi": entry.doi, "arxiv": entry.arxiv, "url": entry.url}

    assert sorted(e.key for e in exported.entries) == sorted(e.key for e in original.entries)
    by_key = {e.key: view(e) for e in exported.entries}
    for block in original.entries:
        assert by_key[block.key] == view(block), block.key


def test_export_uses_bib_entries_as_written_and_leaves_drafts_out(project, capsys):
    (project / "notes" / "refs.bib").write_text(ZOTERO, encoding="utf-8")
    out_file = project / "out" / "all.bib"
    code, _out, err = run(capsys, "export", "bib", "--notes", str(project / "notes"), "-o", str(out_file))
    text = out_file.read_text(encoding="utf-8")
    parsed = bibtexparser.parse_string(text)
    assert [e.key for e in parsed.entries] == ["bad/key", "gu2023mamba", "mnih2015dqn", "muller2021umlaut"]  # no draft
    assert r"{{\"U}ber Gr{\"o}{\ss}e \& {GPT} -- Eine Studie}" in text
    assert "Zotero/storage" not in text
    assert "all.bib: 4 entries" in err
    # paperkb replaces its own file, not somebody else's.
    code, _out, _err = run(capsys, "export", "bib", "--notes", str(project / "notes"), "-o", str(out_file))
    assert code in (0, 1) and out_file.read_text(encoding="utf-8") == text
    mine = project / "mine.bib"
    mine.write_text("% my hand-written file\n", encoding="utf-8")
    code, _out, err = run(capsys, "export", "bib", "--notes", str(project / "notes"), "-o", str(mine))
    assert code == 1 and "not replacing it" in err and mine.read_text(encoding="utf-8") == "% my hand-written file\n"


THESIS = Path(__file__).resolve().parent / "fixtures" / "thesis.bib"


def test_import_then_export_of_a_thesis_bib_loses_nothing(tmp_path, capsys):
    """The notes hold what a card shows; the source entries are kept as written in the notes
    folder, so `export bib` gives back every field (types, pages, publisher, macros, crossref)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    code, out, _err = run(capsys, "import", "bib", str(THESIS), "--notes", str(notes))
    assert code == 0 and "created 8 notes" in out
    kept = notes / "thesis.bib"
    # Zotero's `noauthor_[2005.14165]_nodate` and biblatex's `hinton/dropout` can be no note's key:
    # their entries are kept too, as bibliography entries.
    assert "notes/thesis.bib keeps 10 source entries as written" in out.replace(str(tmp_path) + "/", "")
    assert "2 entries without a note (noauthor_[2005.14165]_nodate, hinton/dropout) are kept as bibliography entries" in out
    assert "kept: the new notes hold title, authors, year, venue, doi, arxiv, url" in out
    code, exported_text, _err = run(capsys, "export", "bib", "--notes", str(notes))
    assert code == 0
    exported = {e.key: e for e in bibtexparser.parse_string(exported_text).entries}
    original = {e.key: e for e in bibtexparser.parse_string(THESIS.read_text(encoding="utf-8")).entries}
    assert exported.keys() == original.keys()
    for key, block in original.items():
        assert exported[key].entry_type == block.entry_type, key  # no @article became @misc
        assert {f.key.lower(): f.value for f in exported[key].fields} == \
            {f.key.lower(): f.value for f in block.fields}, key
    # A second import creates nothing and keeps the kept file as it is.
    before = kept.read_bytes()
    code, out, _err = run(capsys, "import", "bib", str(THESIS), "--notes", str(notes))
    assert "created 0 notes" in out and kept.read_bytes() == before


def test_biblatex_crossref_subtitle_and_latex_commands(tmp_path):
    write_tree(tmp_path, {"notes/thesis.bib": THESIS.read_text(encoding="utf-8")})
    library = load_library(tmp_path / "notes", project_root=tmp_path)
    assert library.problems == []
    bib = library.bibliography
    hog = bib.get("dalal2005hog")  # the child gets its parent's year, booktitle, editor, publisher
    assert hog.year == 2005
    assert hog.venue == "IEEE Computer Society Conference on Computer Vision and Pattern Recognition"
    assert hog.text("booksubtitle") == "CVPR 2005"
    assert hog.text("editor") == "Schmid, Cordelia and Soatto, Stefano and Tomasi, Carlo"
    assert hog.text("publisher") == "IEEE" and hog.text("title") == "Histograms of Oriented Gradients for Human Detection"
    efficient = bib.get("lecun1998efficient")
    assert efficient.year == 1998 and efficient.venue == "Neural Networks"
    assert efficient.title == "Efficient BackProp: the O(n^2) cost of naive second-order methods"  # \^{} kept
    assert bib.get("lecun1998tricks").title == "Neural Networks: Tricks of the Trade"  # @collection keeps subtitle
    assert bib.get("lowe2004sift").title == "Distinctive Image Features from Scale-Invariant Keypoints"  # \hyphen
    assert bib.get("felzenszwalb2010dpm").venue == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    texbook = bib.get("knuth:ct:a")  # a volume of a multi-volume work: the work's title is its maintitle
    assert texbook.text("maintitle") == "Computers & Typesetting" and texbook.text("booktitle") is None
    assert texbook.year == 1984 and texbook.authors == ["Donald E. Knuth"] and texbook.title == "The TeXbook"
    # Inherited fields show in references, but all.bib writes the child as written.
    from paperkb.core.bib.references import References
    all_bib = {e.key: e for e in bibtexparser.parse_string(References(library).all_bib()).entries}
    assert "booktitle" not in all_bib["dalal2005hog"].fields_dict
    assert all_bib["dalal2005hog"].fields_dict["crossref"].value == "cvpr2005"
