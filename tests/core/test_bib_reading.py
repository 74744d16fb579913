"""Reading .bib files: LaTeX decoding, completing notes, conflicts, broken files, BibTeX out."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from paperkb.core.bib.references import References
from paperkb.core.bib.writer import entry_type_for, note_entry, write_bibtex, write_each
from paperkb.core.loader import load_library
from paperkb.core.problems import Severity

from ..conftest import note, write_tree

BIB = r"""% test bibliography
@article{muller2020accents,
  title   = {{GPT} Models for J{\"o}rg \& Friends -- a Study},
  author  = {M{\"u}ller, J{\"o}rg and van der Berg, Anna and others},
  journal = {Journal of Testing},
  year    = {2020},
  pages   = {1--10},
  doi     = {10.1000/xyz123},
  url     = {https://example.org/paper},
}

@misc{preprint2023,
  title         = {A Preprint},
  author        = {Doe, Jane},
  year          = {2023},
  eprint        = {2301.00001},
  archivePrefix = {arXiv},
  file          = {/Users/me/Zotero/storage/ABCD/preprint.pdf},
}
"""


def load(tmp_path: Path, files: dict[str, str | bytes], **kwargs):
    write_tree(tmp_path / "notes", files)
    return load_library(tmp_path / "notes", project_root=tmp_path, **kwargs)


def messages(library) -> list[str]:
    return [f"{p.path}:{p.line}: {p.severity.value}: {p.message}" for p in library.problems]


def test_latex_becomes_unicode_for_display(tmp_path):
    library = load(tmp_path, {"references.bib": BIB})
    entry = library.bibliography.get("muller2020accents")
    assert entry.title == "GPT Models for Jörg & Friends – a Study"
    assert entry.authors == ["Jörg Müller", "Anna van der Berg", "et al."]
    assert entry.year == 2020 and entry.venue == "Journal of Testing" and entry.doi == "10.1000/xyz123"
    assert library.bibliography.get("preprint2023").arxiv == "2301.00001"
    assert library.problems == []


def test_a_note_is_completed_from_its_entry_and_its_own_values_win(tmp_path):
    library = load(tmp_path, {
        "references.bib": BIB,
        # No title at all: the entry supplies it (and everything else the note leaves out).
        "papers/muller2020accents.md": "---\nlevel: skim\ntype: analysis\n---\nBody\n",
        "papers/preprint2023.md": note("A Preprint", venue="ICLR", authors=["J. Doe"]),
    })
    assert messages(library) == []
    muller = library.get("muller2020accents")
    assert muller.title == "GPT Models for Jörg & Friends – a Study"
    assert muller.authors == ["Jörg Müller", "Anna van der Berg", "et al."]
    assert (muller.year, muller.venue, muller.doi) == (2020, "Journal of Testing", "10.1000/xyz123")
    assert muller.links == {"paper": "https://example.org/paper"}
    assert muller.type == "analysis"
    preprint = library.get("preprint2023")
    assert preprint.venue == "ICLR" and preprint.authors == ["J. Doe"]  # front-matter wins
    assert preprint.year == 2023 and preprint.arxiv == "2301.00001"  # missing: from the entry


def test_completing_never_changes_the_cached_note(tmp_path):
    from paperkb.core.loader import NoteCache

    cache = NoteCache()
    files = {"references.bib": BIB, "papers/preprint2023.md": note("A Preprint")}
    first = load(tmp_path, files, cache=cache)
    assert first.get("preprint2023").year == 2023
    # A different size, so the change is seen even within one tick of the file system's clock.
    (tmp_path / "notes/references.bib").write_text(BIB.replace("{2023}", "{2019}, note = {v2}"), encoding="utf-8")
    second = load_library(tmp_path / "notes", project_root=tmp_path, cache=cache)
    assert second.get("preprint2023").year == 2019  # not the value merged into the first build
    assert cache.entries[str(tmp_path / "notes/papers/preprint2023.md")].note.year is None


def test_title_and_year_conflicts_name_both_places(tmp_path):
    library = load(tmp_path, {
        "references.bib": BIB,
        "papers/muller2020accents.md": note("Something Else Entirely", year=2021),
        "papers/preprint2023.md": note("a preprint"),  # same title up to case: no warning
    })
    assert messages(library) == [
        "notes/papers/muller2020accents.md:2: warning: title 'Something Else Entirely' differs from "
        "notes/references.bib:3 'GPT Models for Jörg & Friends – a Study' (BibTeX entry 'muller2020accents'); "
        "the note's value is used",
        "notes/papers/muller2020accents.md:3: warning: year '2021' differs from notes/references.bib:6 '2020' "
        "(BibTeX entry 'muller2020accents'); the note's value is used",
    ]
    assert library.get("muller2020accents").title == "Something Else Entirely"


def test_broken_bib_is_reported_with_file_and_line_and_valid_entries_are_used(tmp_path):
    broken = (
        "@article{good1, title = {Good One}, year = 2001}\n"  # line 1
        "\n"
        "@article{broken,\n"  # line 3
        "  title = {Never closed,\n"
        "  year = {2002}\n"
        "\n"
        "@misc{good2, title = {Good Two}, year = {2003}}\n"  # line 7
        "@misc{good2, title = {Second good2}}\n"  # line 8
    )
    library = load(tmp_path, {"refs/broken.bib": broken})
    assert sorted(library.bibliography.entries) == ["good1", "good2"]
    assert library.bibliography.get("good2").title == "Good Two"
    errors = [p for p in library.problems if p.severity is Severity.ERROR]
    assert [(p.path, p.line) for p in errors] == [("notes/refs/broken.bib", 3)]
    assert "broken BibTeX entry, skipped" in errors[0].message
    assert "notes/refs/broken.bib:8: warning: duplicate BibTeX key 'good2' (first defined on line 7)" in messages(library)[1]


def test_same_key_in_two_files_keeps_the_first(tmp_path):
    library = load(tmp_path, {
        "a.bib": "@misc{same, title = {From A}}\n",
        "b.bib": "\n\n@misc{same, title = {From B}}\n",
    })
    assert library.bibliography.get("same").title == "From A"
    assert messages(library) == [
        "notes/b.bib:3: warning: duplicate BibTeX key 'same': already defined at notes/a.bib:1; this entry is ignored"]


def test_a_note_without_title_and_without_entry_is_titled_by_its_file_name(tmp_path):
    library = load(tmp_path, {"references.bib": BIB, "papers/orphan.md": "---\nlevel: skim\n---\n"})
    assert library.notes["orphan"].title == "orphan"
    assert messages(library) == []


def test_non_utf8_bib_is_read_with_a_warning(tmp_path):
    raw = "@misc{latin, title = {Caf\u00e9}}\n".encode("latin-1")
    library = load(tmp_path, {"old.bib": raw})
    assert library.bibliography.get("latin").title == "Café"
    (problem,) = library.problems
    assert problem.severity is Severity.WARNING and "not valid UTF-8" in problem.message


def test_generated_entries_pick_a_sensible_type(tmp_path):
    library = load(tmp_path, {
        "papers/a.md": note("A", venue="Nature", year=2015, authors=["Ann Lee"]),
        "papers/b.md": note("B", venue="NeurIPS", year=2020),
        "papers/c.md": note("C", venue="Proceedings of the 2019 Conference of NAACL", year=2019),
        "papers/d.md": note("D", arxiv="2203.15556", links={"paper": "https://arxiv.org/abs/2203.15556"}),
        "papers/e.md": note("E", venue="arXiv", arxiv="2001.08361"),
    })
    kinds = {key: entry_type_for(n) for key, n in library.notes.items()}
    assert kinds == {"a": "article", "b": "inproceedings", "c": "inproceedings", "d": "misc", "e": "misc"}
    d = note_entry(library.get("d"))
    assert (d.raw("eprint"), d.raw("archiveprefix"), d.raw("url")) == ("2203.15556", "arXiv", None)
    assert note_entry(library.get("a")).raw("journal") == "Nature"


def test_generated_bibtex_escapes_specials_and_protects_capitals(tmp_path):
    library = load(tmp_path, {"papers/x.md": note(
        "GPT-4 & ImageNet: 50% of {all} cases_x", authors=["John Smith, Jr.", "Jörg Müller"], year=2023,
        links={"paper": "javascript:alert(1)"})})
    entry = note_entry(library.get("x"))
    assert entry.raw("title") == r"{GPT-4} \& {ImageNet}: 50\% of \{all\} cases\_x"
    assert entry.raw("author") == "Smith, Jr., John and Jörg Müller"
    assert entry.raw("url") is None  # a javascript: link is no reference URL
    assert entry.title == "GPT-4 & ImageNet: 50% of {all} cases_x"  # decodes back to the note's text
    assert entry.authors == ["John Smith, Jr.", "Jörg Müller"]


def test_all_bib_keeps_latex_as_written_drops_private_fields_and_reparses_to_the_same_entries(tmp_path):
    library = load(tmp_path, {
        "references.bib": BIB,
        "papers/preprint2023.md": note("A Preprint"),
        "papers/mine.md": note("My Own Note", year=2022, venue="CVPR", authors=["Ann Lee"]),
        "papers/secret.md": note("Secret Draft", draft=True),
    })
    text = References(library).all_bib()
    assert r"{{GPT} Models for J{\"o}rg \& Friends -- a Study}" in text  # as written, not decoded
    assert "Zotero/storage" not in text and "file =" not in text
    assert "secret" not in text.lower()
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == []
    assert [e.key for e in parsed.entries] == ["mine", "muller2020accents", "preprint2023"]
    original = {e.key: e for e in bibtexparser.parse_string(BIB).entries}
    for entry in parsed.entries:
        if entry.key in original:
            want = {f.key.lower(): f.value for f in original[entry.key].fields if f.key != "file"}
            assert {f.key: f.value for f in entry.fields} == want
    mine = next(e for e in parsed.entries if e.key == "mine")
    assert mine.entry_type == "inproceedings" and mine["booktitle"] == "CVPR" and mine["author"] == "Ann Lee"


def test_draft_key_is_left_out_even_when_a_bib_entry_has_it(tmp_path):
    library = load(tmp_path, {
        "references.bib": BIB,
        "papers/preprint2023.md": note("A Preprint", draft=True),
    })
    references = References(library)
    assert "preprint2023" not in references
    assert "preprint2023" not in references.all_bib()
    assert [r.key for r in references.to_read()] == ["muller2020accents"]


def test_pybtex_fast_path_decodes_exactly_like_latexcodec(monkeypatch):
    import random

    from paperkb.core.bib import formatting

    rng = random.Random(7)
    alphabet = "abcXYZ éüø中文 .,;:!?&#_^()[]<>/=+*@|-0123456789'\"\t\n{}\\~$%`"
    checked = braced = 0
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        try:
            expected = formatting._decode_latex(formatting.richtext.Text, text)
        except Exception as pybtex_error:  # unbalanced braces: pybtex raises, and so must the fast path
            assert formatting._LATEX_SYNTAX.search(text)
            with pytest.raises(type(pybtex_error)):
                formatting._from_latex(formatting.richtext.Text, text)
            continue
        assert formatting._from_latex(formatting.richtext.Text, text) == expected, repr(text)
        checked += not formatting._LATEX_SYNTAX.search(text)
        braced += bool(formatting._LATEX_SYNTAX.search(text)) and not formatting._LATEX_BEYOND_BRACES.search(text)
    assert checked > 5000  # the fast path was really taken
    # ... and the braces-only one (no codec), on text with braces and on real titles
    plain = "".join(c for c in alphabet if c not in "\\~$%`'\"\t\n{}")

    def braced_text(depth: int = 0) -> str:  # words, some in (nested) braces, now and then one brace alone
        pieces = []
        for _ in range(rng.randint(1, 4)):
            word = "".join(rng.choice(plain) for _ in range(rng.randint(0, 4)))
            roll = rng.random()
            pieces.append("{" + (braced_text(depth + 1) if depth < 2 and roll < 0.3 else word) + "}" if roll < 0.6
                          else rng.choice("{}") if roll < 0.65 else word)
        return "".join(pieces)
    for _ in range(20000):
        text = braced_text()
        if "{" not in text and "}" not in text or formatting._LATEX_BEYOND_BRACES.search(text):
            continue
        try:
            expected = formatting._decode_latex(formatting.richtext.Text, text)
        except Exception as pybtex_error:
            with pytest.raises(type(pybtex_error)):
                formatting._from_latex(formatting.richtext.Text, text)
            continue
        assert formatting._from_latex(formatting.richtext.Text, text) == expected, repr(text)
        braced += 1
    for title in ("{BERT}: Pre-training of Deep Bidirectional Transformers", "{{GPT}} Models {at} {Scale}",
                  "{Multi-Scale} Representations for {3D} {Point} Clouds", "Learning {{\\'E}}tudes"):
        expected = formatting._decode_latex(formatting.richtext.Text, title)
        assert formatting._from_latex(formatting.richtext.Text, title) == expected
        assert str(expected.render_as("text")) == title.replace("{", "").replace("}", "").replace("\\'E", "É")
    assert braced > 5000
    expected = formatting._decode_latex(formatting.richtext.Text, "{BERT} for {NLP}")

    def no_codec(cls, latex):
        raise AssertionError(f"latexcodec decoded {latex!r}")
    monkeypatch.setattr(formatting, "_decode_latex", no_codec)
    assert formatting._from_latex(formatting.richtext.Text, "{BERT} for {NLP}") == expected  # without the codec


def _rich_parts(rng, depth: int = 0) -> list:
    """Random parts for pybtex's rich-text constructors: strings (empty ones too), symbols and
    nested Text, Tag, HRef, Protected and String objects, often of the same kind side by side."""
    from pybtex.richtext import HRef, Protected, String, Symbol, Tag, Text

    parts = []
    for _ in range(rng.randint(0, 5)):
        kind = rng.choice(["str", "str", "empty", "String", "Symbol", "Text", "Tag", "Tag", "HRef", "Protected"]
                          if depth < 3 else ["str", "empty", "String", "Symbol"])
        words = rng.choice(["", "a", "b c", " ", "Ünï", "x.", "&<"])
        if kind == "str":
            parts.append(words)
        elif kind == "empty":
            parts.append(rng.choice(["", Text(), String(""), Tag("em")]))
        elif kind == "String":
            parts.append(String(words))
        elif kind == "Symbol":
            parts.append(Symbol(rng.choice(["nbsp", "ndash", "newblock"])))
        elif kind == "Text":
            parts.append(Text(*_rich_parts(rng, depth + 1)))
        elif kind == "Tag":
            parts.append(Tag(rng.choice(["em", "strong"]), *_rich_parts(rng, depth + 1)))
        elif kind == "HRef":
            parts.append(HRef(rng.choice(["https://a.example", "https://b.example"]), *_rich_parts(rng, depth + 1)))
        else:
            parts.append(Protected(*_rich_parts(rng, depth + 1)))
    return parts


def test_pybtex_rich_text_is_built_the_same_by_the_faster_constructor():
    """core/bib/fast_richtext.py replaces the constructor of pybtex's rich-text objects: every
    kind of part (strings, empty parts, nested Text, tags, links, protected text, symbols)
    gives the same parts, merged the same way, the same length and rendering as pybtex's own
    constructor; a part that is not text fails the same way."""
    import pickle
    import random

    from pybtex.backends.html import Backend as HtmlBackend
    from pybtex.richtext import Tag, Text

    from paperkb.core.bib import fast_richtext

    rng = random.Random(11)
    html = HtmlBackend()
    cases = [_rich_parts(rng) for _ in range(3000)]
    try:
        fast_richtext.uninstall()
        # (pickled: the objects in a case are built again under each constructor)
        frozen = [pickle.dumps(parts) for parts in cases]
        expected = [(repr(made), len(made), made.render(html)) for made in
                    (kind(*pickle.loads(parts)) for parts in frozen for kind in (Text, lambda *p: Tag("em", *p)))]
        with pytest.raises(TypeError) as pybtex_error:
            Text("a", 3)
        fast_richtext.install()
        got = [(repr(made), len(made), made.render(html)) for made in
               (kind(*pickle.loads(parts)) for parts in frozen for kind in (Text, lambda *p: Tag("em", *p)))]
        with pytest.raises(TypeError) as fast_error:
            Text("a", 3)
    finally:
        fast_richtext.install()
    assert got == expected
    assert str(fast_error.value) == str(pybtex_error.value)
    assert sum(1 for r, _n, _h in expected if "Tag('em', " in r and r.count("Tag('em'") == 1) > 100  # merged runs seen
    assert Text("a", Text("b", Tag("em", "c")), Tag("em", "d"), "").parts == Text("ab", Tag("em", "cd")).parts


BOOKS = r"""
@book{book1, title = {The {TeX}book}, author = {Knuth, Donald E.}, publisher = {Addison-Wesley}, year = {1984},
  address = {Reading, MA}, volume = {A}, series = {Computers and Typesetting}, edition = {Second}}
@book{book2, title = {Edited Volume}, editor = {Smith, A. and Jones, B.}, publisher = {Springer}, year = {2001}}
@incollection{coll1, title = {A Chapter}, author = {Doe, Jane}, booktitle = {Collected Works}, editor = {Roe, R.},
  publisher = {MIT Press}, pages = {10--20}, year = {1999}, chapter = {3}}
@inproceedings{conf1, title = {Attention Is All You Need}, author = {Vaswani, Ashish and Shazeer, Noam and others},
  booktitle = {NeurIPS}, year = {2017}, pages = {5998--6008}, url = {https://arxiv.org/abs/1706.03762}, month = jun}
@phdthesis{thesis1, title = {Deep Things}, author = {O'Neil, Cathy}, school = {Harvard}, year = {2010}}
@mastersthesis{thesis2, title = {Shallow Things}, author = {Ng, A.}, school = {Stanford}, year = {2005}}
@techreport{tr1, title = {A Report}, author = {Lee, K.}, institution = {RAND}, number = {42}, year = {1960}}
@misc{misc1, title = {An {arXiv} Preprint}, author = {Zhang, Wei and Li, Na}, year = {2023}, eprint = {2301.00001},
  doi = {10.48550/arXiv.2301.00001}, note = {Preprint}}
@manual{man1, title = {Manual}, organization = {ACME}, year = {2020}}
@unpublished{unp1, title = {Draft}, author = {Poe, E. A.}, note = {In preparation}}
@proceedings{proc1, title = {Proceedings of Things}, editor = {Editor, Ed}, year = {2018}, publisher = {ACM}}
@inbook{inb1, title = {Book Title}, author = {Writer, W.}, chapter = {7}, pages = {1--9}, publisher = {Wiley}, year = {2011}}
@article{art2, title = {No Journal}, author = {Nobody, N.}, year = {2000}}
"""


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
def test_references_formatted_with_the_faster_rich_text_are_pybtex_s_own(tmp_path, style):
    """Whole references of every entry type in every style: the same HTML, text, order and
    labels with pybtex's rich-text constructor and with fast_richtext's."""
    from paperkb.core.bib import fast_richtext
    from paperkb.core.bib.formatting import ReferenceFormatter

    entries = list(load(tmp_path, {"refs.bib": BIB + BOOKS}).bibliography)
    assert len(entries) == 15
    try:
        fast_richtext.uninstall()
        expected = ReferenceFormatter(style).format_all(entries)
    finally:
        fast_richtext.install()
    got = ReferenceFormatter(style).format_all(entries)
    assert list(got) == list(expected) and got == expected
    assert "<em>" in str(got["book1"].html) and "Vaswani" in got["conf1"].text


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
def test_references_formatted_with_the_faster_template_nodes_are_pybtex_s_own(tmp_path, style):
    """Whole references of every entry type in every style: the same with pybtex's template
    nodes and with fast_templates'; and a node called or indexed gives the same node."""
    from pybtex.style.template import Node

    from paperkb.core.bib import fast_templates
    from paperkb.core.bib.formatting import ReferenceFormatter

    entries = list(load(tmp_path, {"refs.bib": BIB + BOOKS}).bibliography)
    base = Node("join", print)(sep=", ")["a"]
    try:
        fast_templates.uninstall()
        expected = ReferenceFormatter(style).format_all(entries)
        expected_nodes = [vars(n) for n in (base("x", last=1), base["b"], base[["b", "c"]], base[("d",)], base())]
    finally:
        fast_templates.install()
    got = ReferenceFormatter(style).format_all(entries)
    got_nodes = [vars(n) for n in (base("x", last=1), base["b"], base[["b", "c"]], base[("d",)], base())]
    assert list(got) == list(expected) and got == expected
    assert got_nodes == expected_nodes and got_nodes[0]["kwargs"] == {"sep": ", ", "last": 1}
    assert base.args == [] and base.children == ["a"] and base.kwargs == {"sep": ", "}  # (copies, never shared)


RECURRING_NAMES = r"""
@article{rec1, title = {One}, author = {Knuth, Donald E. and de la Vall{\'e}e Poussin, Charles Louis and Ford, Jr., Henry},
  journal = {J}, year = {2000}}
@book{rec2, title = {Two}, editor = {Knuth, Donald E. and Ford, Jr., Henry}, publisher = {P}, year = {2001}}
@inproceedings{rec3, title = {Three}, author = {Charles Louis de la Vall{\'e}e Poussin and Knuth, Donald E.},
  booktitle = {B}, year = {2002}}
@book{rec5, title = {Five}, editor = {Knuth, Donald E.}, publisher = {P}, year = {2004}}
@proceedings{rec6, title = {Six}, organization = {ACM}, year = {2005}}
@misc{rec4, title = {Four}, author = {{Barnes and Noble, Inc.} and Knuth, Donald E. and others}, year = {2003}}
"""


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
def test_references_with_names_read_and_formatted_once_are_pybtex_s_own(tmp_path, style, monkeypatch):
    """core/bib/fast_names.py: names that recur across entries (as authors, as editors, written
    both ways round, with von and Jr parts) are read into one Person and formatted once, and
    every reference, order and label is what pybtex's own reading and formatting give."""
    from pybtex.database import Person

    from paperkb.core.bib import fast_names, fast_templates, formatting
    from paperkb.core.bib.formatting import ReferenceFormatter

    entries = list(load(tmp_path, {"refs.bib": BIB + BOOKS + RECURRING_NAMES}).bibliography)
    with monkeypatch.context() as pybtex_own:
        pybtex_own.setattr(fast_names, "install", lambda style: None)
        pybtex_own.setattr(fast_templates, "keep_templates", lambda style: None)
        pybtex_own.setattr(fast_names, "person", lambda name, read: Person(read(name)))
        pybtex_formatter = ReferenceFormatter(style)
        expected = pybtex_formatter.format_all(entries)
    assert not isinstance(pybtex_formatter.style.format_name, fast_names.FormattedNames)
    formatter = ReferenceFormatter(style)
    assert isinstance(formatter.style.format_name, fast_names.FormattedNames)
    assert isinstance(formatter.style.get_book_template, fast_templates.KeptTemplates)  # (templates kept too)
    fast_names.install(formatter.style)  # (idempotent: not wrapped twice)
    assert not isinstance(formatter.style.format_name._format_name, fast_names.FormattedNames)
    got = formatter.format_all(entries)
    again = ReferenceFormatter(style).format_all(entries)  # (the names known already)
    assert list(got) == list(expected) and got == expected and again == expected
    assert "Donald&nbsp;E. Knuth" in str(got["rec3"].html) and "Henry Ford, Jr." in got["rec2"].text
    models = [formatting._pybtex_entry(e) for e in entries if e.key in ("rec1", "rec3")]
    assert models[0].persons["author"][0] is models[1].persons["author"][1]  # one Person for Knuth
    assert formatter.style.format_name._texts == {}  # let go once the references are formatted
    fast_names.forget()
    rec1 = next(e for e in entries if e.key == "rec1")
    assert formatting._pybtex_entry(rec1).persons["author"][0] is not models[0].persons["author"][0]


def test_the_name_caches_start_again_when_full():
    from pybtex.database import Person

    from paperkb.core.bib.fast_names import FormattedNames, NameCache

    names = NameCache(limit=2)
    first = names.person("Knuth, Donald", str)
    assert names.person("Knuth, Donald", str) is first
    names.person("Doe, Jane", str)
    names.person("Roe, Richard", str)  # the third: the cache starts again
    assert names.person("Knuth, Donald", str) is not first
    calls = []
    formatted = FormattedNames(lambda person, abbr: calls.append(person) or _PlainName(person), limit=2)
    knuth = Person("Knuth, Donald")
    assert str(formatted(knuth)) == str(formatted(knuth)) == "Donald Knuth" and len(calls) == 1
    formatted(knuth, True)  # abbreviated: its own text
    formatted(Person("Doe, Jane"))
    assert len(formatted._texts) == 1 and len(calls) == 3


class _PlainName:
    def __init__(self, person) -> None:
        self.person = person

    def format(self):
        from pybtex.style.names.plain import NameStyle

        return NameStyle().format(self.person).format()


def test_formatted_references_are_cached_on_disk(tmp_path, monkeypatch):
    from paperkb.core.bib import formatting
    from paperkb.core.bib.formatting import ReferenceFormatter

    library = load(tmp_path, {"references.bib": BIB})
    entries = list(library.bibliography)
    small = ReferenceFormatter("alpha", cache_dir=tmp_path / "cache")
    small.format_all(entries)
    small.save()
    assert not (tmp_path / "cache").exists()  # two references: not worth a file
    monkeypatch.setattr(formatting, "DISK_CACHE_MIN_ENTRIES", 2)
    first = ReferenceFormatter("alpha", cache_dir=tmp_path / "cache")
    formatted = first.format_all(entries)
    first.save()
    assert (tmp_path / "cache/references-alpha.json").is_file()
    assert formatted["muller2020accents"].label.endswith("+20")
    second = ReferenceFormatter("alpha", cache_dir=tmp_path / "cache")
    second.style.format_entry = None  # pybtex must not be needed for a cached entry...
    second.style.sort = None  # ...nor to order and label a set of entries formatted before
    assert second.format_all(entries) == formatted
    changed = [entries[0], type(entries[1])(entries[1].key, "misc", entries[1].fields[:1], entries[1].source)]
    third = ReferenceFormatter("alpha", cache_dir=tmp_path / "cache")
    assert third.format_all(changed)["preprint2023"].text == "A preprint."  # changed entry: formatted anew


def test_biblatex_entries_from_better_bibtex_are_understood(tmp_path):
    from paperkb.core.bib.formatting import ReferenceFormatter

    library = load(tmp_path, {"zotero.bib": (
        "@article{bbt2021, title = {A Biblatex Entry}, author = {Lee, Ann},\n"
        "  journaltitle = {Journal of Stuff}, date = {2021-05-03}}\n"
        "@online{web2020, title = {A Web Page}, url = {https://example.org}, urldate = {2020-01-01}, date = {2020}}\n")})
    bbt = library.bibliography.get("bbt2021")
    assert (bbt.year, bbt.venue) == (2021, "Journal of Stuff")
    formatted = ReferenceFormatter("plain").format_all(list(library.bibliography))
    assert formatted["bbt2021"].text == "Ann Lee. A biblatex entry. Journal of Stuff, 2021."
    assert formatted["web2020"].text.startswith("A web page. 2020. URL: https://example.org")


def test_spacing_accents_of_zotero_go_on_their_letter():
    from paperkb.core.bib.latex import latex_to_text

    written = r"Huba{\textasciicaron}cek, Ond{\textasciicaron}rej and Z{\textasciicaron}elezny, Filip"
    assert latex_to_text(written) == "Hubaček, Ondřej and Železny, Filip"


@pytest.mark.parametrize("written, for_pybtex", [
    (r"methodology\hyphen independent", "methodology-independent"),  # a control word eats the space
    (r"\mkbibquote{Intention} und", "``Intention'' und"),
    (r"\emph{in vivo} \textit{\mkbibquote{q}}", "{in vivo} {``q''}"),
    (r"a\slash b, \"{o} \c{c} {GPT}", r'a/b, \"{o} \c{c} {GPT}'),  # accents and braces: pybtex reads them
    (r"\emph", ""),
    (r"\textless{}script\textgreater{} a\textless{}b", "<script> a<b"),  # paperkb's own "<" (pybtex escapes it)
    # Zotero: an accent that PDF metadata had beside its letter; \url outside the url field
    (r"Huba{\textasciicaron}cek, S{\textasciicaron}ourek", r"Huba\v{c}ek, \v{S}ourek"),
    (r"x\textasciicaron{} y", "xˇ y"),
    (r"\url{https://homotopytypetheory.org/book}", "{https://homotopytypetheory.org/book}"),
])
def test_biblatex_commands_become_latex_pybtex_reads(written, for_pybtex):
    from paperkb.core.bib.latex import biblatex_for_pybtex

    assert biblatex_for_pybtex(written) == for_pybtex


def _numbered_entries(tmp_path, count: int, title_tail: str = "") -> list:
    """``count`` articles k000, k001 ... (years and journals repeating), read from a .bib file."""
    bib = "".join(f"@article{{k{i:03d}, title = {{Paper {i}{title_tail}}}, author = {{Lee, Ann and M\\\"uller, Jo}},"
                  f" journal = {{J. {i % 7}}}, year = {{{2000 + i % 20}}}}}\n" for i in range(count))
    return list(load(tmp_path, {"many.bib": bib}).bibliography)


def test_a_worker_formats_a_share_of_many_new_references_the_same_way(tmp_path, monkeypatch):
    """A first build offers its references to a diagram worker (another process: the entries
    travel pickled) in chunks, to be sorted and formatted, and does the chunks the worker has
    not started meanwhile, from the last one back; every reference is put into pybtex's model
    once, in one process or the other, and the result (order, labels, text) is what one
    process makes alone. A worker that fails only means doing its share here."""
    import time
    from concurrent.futures import ProcessPoolExecutor

    from paperkb.core.bib import formatting
    from paperkb.core.bib.formatting import ReferenceFormatter

    entries = _numbered_entries(tmp_path, 30, " on {LaTeX} \\& more")
    alone = ReferenceFormatter("alpha").format_all(entries)
    monkeypatch.setattr(formatting, "SHARE_MIN_ENTRIES", 10)
    monkeypatch.setattr(formatting, "SHARE_CHUNK", 3)
    offered = []
    with ProcessPoolExecutor(1) as pool:
        def worker(job, *args):
            future = pool.submit(job, *args)
            offered.append((args[1], future))
            return future
        here = ReferenceFormatter("alpha")
        formatted_here: list[str] = []
        format_entry = here.style.format_entry

        def slowly(label, entry):  # this process is the slower one: the worker gets its chunks
            formatted_here.append(entry.key)
            time.sleep(0.02)
            return format_entry(label, entry)
        here.style.format_entry = slowly
        shared = here.format_all(entries, worker=worker)
    by_worker = [entry.key for items, future in offered if not future.cancelled() for entry in items]
    assert len(offered) == 10  # every chunk offered
    assert by_worker and formatted_here  # both formatted some ...
    assert sorted(by_worker + formatted_here) == sorted(e.key for e in entries)  # ... and each reference once
    assert formatted_here[0] in {entry.key for entry in offered[-1][0]}  # from the last chunk back
    assert shared == alone and "Müller" in shared["k001"].text
    assert list(shared) == list(alone)  # the same order: the worker's sorting keys are the build's

    def failing(job, *args):
        from concurrent.futures import Future
        future = Future()
        future.set_exception(RuntimeError("worker died"))
        return future
    assert ReferenceFormatter("alpha").format_all(entries, worker=failing) == alone
    assert ReferenceFormatter("alpha").format_all(entries, worker=lambda job, *args: None) == alone


def test_a_worker_loads_a_style_once_for_all_its_chunks(tmp_path, monkeypatch):
    """A worker keeps its formatter of a style from one chunk to the next (loading the style's
    plugins takes longer than formatting a chunk), not the references it formatted: each chunk
    comes out as a formatter made for it alone makes it."""
    from paperkb.core.bib import formatting

    entries = _numbered_entries(tmp_path, 8, " on {LaTeX}")
    monkeypatch.setattr(formatting, "_worker_formatters", {})
    made = []
    real = formatting.ReferenceFormatter

    class Counted(real):
        def __init__(self, style="plain", cache_dir=None):
            made.append(style)
            super().__init__(style, cache_dir)
    monkeypatch.setattr(formatting, "ReferenceFormatter", Counted)
    first, second = formatting.prepare_in_worker("alpha", entries[:4]), formatting.prepare_in_worker("alpha", entries[4:])
    assert made == ["alpha"]
    alone = real("alpha")
    expected = [(key, str(ref.html), ref.text) for key, ref in ((r.key, r) for _s, r in map(alone._prepare, entries))]
    assert [(key, html, text) for _sort, key, html, text in first + second] == expected
    assert formatting._worker_formatters["alpha"]._cache == {}  # the build keeps the references, not the worker
    formatting.prepare_in_worker("plain", entries[:1])
    assert made == ["alpha", "plain"]


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("style", ["plain", "alpha", "unsrt"])
def test_a_new_reference_is_put_into_pybtex_s_model_once_to_be_sorted_and_formatted(tmp_path, monkeypatch, style, shared):
    """A first build sorts and formats every reference (~0.15 ms to put an entry into pybtex's
    model, each time): the entry made for its sorting key is the one formatted; what comes out
    is what formatting each entry on its own gives. ``shared``: offered to a worker that never
    starts a chunk, so this process takes every chunk back (sorting key and format together)."""
    from concurrent.futures import Future

    from paperkb.core.bib import formatting
    from paperkb.core.bib.formatting import ReferenceFormatter

    monkeypatch.setattr(formatting, "SHARE_MIN_ENTRIES", 5)
    monkeypatch.setattr(formatting, "SHARE_CHUNK", 4)
    offered: list[Future] = []

    def idle_worker(job, *args):
        offered.append(Future())  # pending: cancelled when the build takes it back
        return offered[-1]

    entries = _numbered_entries(tmp_path, 12, " on {LaTeX}")
    made: list[str] = []
    model = formatting._pybtex_entry

    def counted(entry, entry_type=None):
        made.append(entry.key)
        return model(entry, entry_type)
    monkeypatch.setattr(formatting, "_pybtex_entry", counted)
    formatted = ReferenceFormatter(style).format_all(entries, worker=idle_worker if shared else None)
    labels_made = len(entries) if style == "alpha" else 0  # (alpha's labels read the entries once more)
    assert len(made) == len(entries) + labels_made
    assert len(offered) == (3 if shared else 0) and all(f.cancelled() for f in offered)
    assert list(formatted) == list(ReferenceFormatter(style).format_all(entries))  # the same order
    one_by_one = ReferenceFormatter(style)
    assert all(formatted[e.key].html == one_by_one.format_one(e, formatted[e.key].label).html for e in entries)
    assert "Müller" in formatted["k001"].text


def test_entries_written_together_are_each_written_as_alone(tmp_path):
    """write_each (all.bib's entries, which the Cite blocks show too): each entry's text is the
    one it gets written alone, also when a value holds the mark the joint text is cut at."""
    library = load(tmp_path, {
        "references.bib": BIB + "@misc{odd2021,\n  title = {Odd \x00 value},\n  note = {a\n\x00b},\n}\n",
        "papers/preprint2023.md": note("A Preprint"),
        "papers/mine.md": note("My Own Note", year=2022, venue="CVPR", authors=["Ann Lee"]),
    })
    references = References(library)
    entries = [r.entry for r in references]
    assert len(entries) == 4
    for chosen in (entries, [e for e in entries if e.key != "odd2021"], entries[:1], []):
        texts = write_each(chosen)
        assert texts == [write_bibtex([e]) for e in chosen]
        assert "\n".join(texts) == write_bibtex(chosen)
    texts = references.entry_texts()
    assert list(texts) == [r.key for r in references] and texts["mine"].startswith("@inproceedings{mine,")
    assert references.all_bib(texts=texts) == references.all_bib()


def test_references_offered_ahead_are_taken_back_when_they_are_formatted(tmp_path, monkeypatch):
    """A first build offers its references to the worker as soon as the library is loaded
    (``offer``), and plans other features meanwhile; ``format_all`` then offers nothing twice,
    does the chunks the worker has not started and gives what one process gives alone."""
    from concurrent.futures import Future, ProcessPoolExecutor

    from paperkb.core.bib import formatting
    from paperkb.core.bib.formatting import ReferenceFormatter

    entries = _numbered_entries(tmp_path, 30)
    alone = ReferenceFormatter("plain").format_all(entries)
    monkeypatch.setattr(formatting, "SHARE_MIN_ENTRIES", 10)
    monkeypatch.setattr(formatting, "SHARE_CHUNK", 4)
    offered: list[Future] = []
    with ProcessPoolExecutor(1) as pool:
        def worker(job, *args):
            offered.append(pool.submit(job, *args))
            return offered[-1]
        formatter = ReferenceFormatter("plain")
        formatter.offer(entries, worker)
        assert len(offered) == 8  # every entry offered, in chunks of 4
        offered[-1].result()  # (the worker got through them all, FIFO)
        shared = formatter.format_all(entries, worker=worker)
    assert len(offered) == 8  # nothing offered twice
    assert shared == alone and list(shared) == list(alone)
    idle = ReferenceFormatter("plain")
    idle.offer(entries, lambda job, *args: Future())  # a worker that never starts: all done here
    assert idle.format_all(entries, worker=lambda job, *args: None) == alone
