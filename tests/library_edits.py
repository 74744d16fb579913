"""A small library of notes linked every way (cites, [[links]] by key, file name and alias,
Markdown links, [@key], a later note mentioned, a cycle once a note comes, a .bib entry, a
draft, a plain page) and one edit of each kind `serve` sees, for tests of what is loaded or
planned again after an edit."""

from __future__ import annotations

from pathlib import Path

from .conftest import note

EDITS = ["body", "body link", "title", "year", "aliases", "cites+", "cites-", "new note", "deleted note",
         "renamed note", "draft", ".bib"]

BIB = """@article{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish},
  journal = {NeurIPS},
  year = {2017},
}
"""


def notes() -> dict[str, str]:
    return {
        "papers/bahdanau2015.md": note("Neural Machine Translation by Jointly Learning to Align and Translate",
                                       "Attention over encoder states; later used by [[devlin2019]].\n\n"
                                       "- [idea] Alignment is soft search, as in [[devlin2019]].\n",
                                       key="bahdanau2015", year=2015, fields=["NLP"]),
        "papers/devlin2019.md": note("BERT", "Builds on [the Transformer](../papers/radford2018.md) and "
                                     "[[Neural Machine Translation by Jointly Learning to Align and Translate]].\n",
                                     key="devlin2019", year=2019, fields=["NLP"], aliases=["BERT paper"],
                                     cites=["vaswani2017attention", {"key": "radford2018", "role": "baseline"}]),
        "papers/radford2018.md": note("Improving Language Understanding by Generative Pre-Training",
                                      "Compare [[BERT paper]], [[missing-note]] and [[devlin2091]].\n",
                                      key="radford2018", year=2018, fields=["NLP"], cites=["bahdanau2015"]),
        "papers/raffel2020.md": note("T5", "Text to text, after [@devlin2019].\n\n- [idea] Every task as text.\n", key="raffel2020", year=2020,
                                     fields=["NLP"], cites=["devlin2019", "radford2018", "nobody2000"]),
        "papers/cycle.md": note("A note citing T5", "", key="cycle", year=2021, cites=["raffel2020"]),
        "papers/draft.md": note("Draft", "", key="draftnote", year=2021, draft=True),
        "about.md": "# About\n\nSee [[devlin2019]].\n",
        "refs.bib": BIB,
    }


def edit(root: Path, kind: str) -> None:
    papers = root / "papers"
    if kind == "body":
        (papers / "raffel2020.md").write_text(notes()["papers/raffel2020.md"] + "\nMore words.\n", encoding="utf-8")
    elif kind == "body link":
        (papers / "cycle.md").write_text(note("A note citing T5", "See [[bahdanau2015]].\n", key="cycle", year=2021,
                                              cites=["raffel2020"]), encoding="utf-8")
    elif kind == "title":  # (a [[link]] finds a note by key, file name or alias, never by title)
        text = notes()["papers/bahdanau2015.md"].replace("title: Neural Machine", "title: Neural Machines")
        (papers / "bahdanau2015.md").write_text(text, encoding="utf-8")
    elif kind == "year":  # devlin2019 now older than radford2018: radford's [[BERT paper]] a citation, no mention
        text = notes()["papers/devlin2019.md"].replace("year: 2019", "year: 2017")
        (papers / "devlin2019.md").write_text(text, encoding="utf-8")
    elif kind == "aliases":
        text = notes()["papers/devlin2019.md"].replace("BERT paper", "Bidirectional encoders")
        (papers / "devlin2019.md").write_text(text, encoding="utf-8")
    elif kind == "cites+":
        (papers / "cycle.md").write_text(note("A note citing T5", "", key="cycle", year=2021,
                                              cites=["raffel2020", "bahdanau2015"]), encoding="utf-8")
    elif kind == "cites-":
        (papers / "raffel2020.md").write_text(note("T5", "Text to text.\n", key="raffel2020", year=2020,
                                                   fields=["NLP"], cites=["radford2018"]), encoding="utf-8")
    elif kind == "new note":  # answers [[missing-note]], and closes a cycle
        (papers / "missing-note.md").write_text(note("Missing no more", "", key="missing-note", year=2017,
                                                     cites=["cycle"]), encoding="utf-8")
    elif kind == "deleted note":
        (papers / "radford2018.md").unlink()
    elif kind == "renamed note":  # the Markdown link to it now points nowhere; its typo's warning moves
        (papers / "radford2018.md").rename(papers / "gpt1.md")
    elif kind == "draft":
        text = notes()["papers/draft.md"].replace("draft: true", "draft: false")
        (papers / "draft.md").write_text(text, encoding="utf-8")
    elif kind == ".bib":
        (root / "refs.bib").write_text(BIB.replace("vaswani2017attention", "vaswani2017"), encoding="utf-8")
    else:
        raise AssertionError(kind)


def markdown_files(root: Path) -> list[tuple[Path, str]]:
    """(path, src_uri) of the notes folder's Markdown files, as MkDocs lists them to the loader."""
    return [(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.md"))]
