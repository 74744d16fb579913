"""A page's front-matter as MkDocs reads it, kept with the parsed note (core/page_source.py): for
every file it keeps something for, exactly what MkDocs' own reading gives."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from mkdocs.utils import meta as mkdocs_meta

from paperkb.core import page_source as page_source_module
from paperkb.core.frontmatter_source import FrontMatterError, parse_front_matter
from paperkb.core.note_cache import NoteCache
from paperkb.core.page_source import MKDOCS_YAML_BLOCK, page_source


def test_the_front_matter_block_is_found_as_mkdocs_finds_it():
    assert MKDOCS_YAML_BLOCK.pattern == mkdocs_meta.YAML_RE.pattern
    assert MKDOCS_YAML_BLOCK.flags == mkdocs_meta.YAML_RE.flags


FILES = {
    "plain": "---\ntitle: A\nyear: 2020\n---\n\nBody text.\n",
    "no blank line": "---\ntitle: A\n---\nBody right under.\n",
    "many blank lines": "---\ntitle: A\n---\n\n\n\n# Heading\n\ntext\n",
    "pandoc end": "---\ntitle: A\n...\nBody after a pandoc end line.\n",
    "trailing spaces": "---  \ntitle: A\n---\t\nBody.\n",
    "byte order mark": "\ufeff---\ntitle: A\n---\nBody.\n",
    "values": ("---\ntitle: 'Q: a colon'\ndate: 2021-03-04\nwhen: 2021-03-04 10:00:00+02:00\ntags: [a, b]\n"
               "links: {paper: https://x.org}\nshared: &s [1, 2]\nagain: *s\nempty:\n---\nText with --- inside.\n"),
    "body starting like metadata": "---\ntitle: A\n---\nKey: value\nOther: thing\n\ntext\n",
    "unicode": "---\ntitle: 注意力\n---\n中文正文。\n",
    "nothing after": "---\ntitle: A\n---\n",
}


@pytest.mark.parametrize("name", FILES)
def test_what_is_kept_is_what_mkdocs_reads(name):
    raw = FILES[name].encode("utf-8")
    source = page_source(raw)
    assert source is not None
    markdown, meta = source.read(raw)
    expected_markdown, expected_meta = mkdocs_meta.get_data(raw.decode("utf-8-sig"))
    assert (markdown, meta) == (expected_markdown, expected_meta)
    assert [type(v) for v in meta.values()] == [type(v) for v in expected_meta.values()]
    if name == "values":
        assert meta["date"] == datetime.date(2021, 3, 4) and meta["again"] == [1, 2]
    # Each read gives new objects: plugins change page.meta.
    assert source.read(raw)[1] is not meta


@pytest.mark.parametrize("text", [
    "---\n---\nNo mapping: MkDocs keeps the text whole.\n",
    "---\n- a list\n---\nBody.\n",
    "---\ntitle: [unclosed\n---\nBody.\n",
    "---\r\ntitle: A\r\n---\r\nWindows line ends.\r\n",
    "No front-matter.\n",
    "\n---\ntitle: A\n---\nBlank line first.\n",
    "----\ntitle: A\n----\nFour dashes.\n",
    "---\ntitle: A\n---",
])
def test_files_mkdocs_reads_otherwise_are_left_to_it(text):
    assert page_source(text.encode("utf-8")) is None


def test_bytes_that_are_no_utf8_are_left_to_mkdocs():
    assert page_source(b"---\ntitle: \xff\n---\nBody.\n") is None


# -- the loader's reading taken instead of a second parse ------------------------------------
@pytest.mark.parametrize("name", [n for n in FILES if n != "pandoc end"])
def test_the_loaders_values_are_taken_when_it_read_the_same_text(name, monkeypatch):
    raw = FILES[name].encode("utf-8")
    parsed = parse_front_matter(raw.decode("utf-8-sig"))
    yaml_loads = []
    real_load = page_source_module.yaml.load
    monkeypatch.setattr(page_source_module.yaml, "load", lambda *a, **k: yaml_loads.append(a) or real_load(*a, **k))
    source = page_source(raw, parsed)
    monkeypatch.undo()
    assert source is not None and yaml_loads == []  # no second parse of the same YAML
    markdown, meta = source.read(raw)
    assert (markdown, meta) == mkdocs_meta.get_data(raw.decode("utf-8-sig"))
    assert [type(v) for v in meta.values()] == [type(v) for v in parsed.data.values()]
    assert meta is not parsed.data and source.read(raw)[1] is not meta  # each read: new objects


@pytest.mark.parametrize("text", [
    "---\n\ntitle: A\n---\nA blank line under the opening line.\n",  # python-frontmatter's text starts otherwise
    "---\ntitle: A\n-----\nlinks: [x]\n---\nFive dashes end the loader's block, not MkDocs'.\n",
    "---\ntitle: A\n...\nmore: B\n---\nBody.\n",  # MkDocs stops at pandoc's '...', the loader reads on
])
def test_a_file_the_two_split_otherwise_gets_mkdocs_own_reading(text, monkeypatch):
    raw = text.encode("utf-8")
    try:
        parsed = parse_front_matter(text)
    except FrontMatterError:
        parsed = None
    expected_markdown, expected_meta = mkdocs_meta.get_data(text)
    yaml_loads = []
    real_load = page_source_module.yaml.load
    monkeypatch.setattr(page_source_module.yaml, "load", lambda *a, **k: yaml_loads.append(a) or real_load(*a, **k))
    source = page_source(raw, parsed)
    monkeypatch.undo()
    if source is None:
        assert expected_markdown == text  # MkDocs finds no mapping there either
    else:
        assert len(yaml_loads) == 1
        assert source.read(raw) == (expected_markdown, expected_meta)


def test_a_loader_reading_of_other_bytes_is_not_taken():
    """Values are taken only for the text they were read from, never because the keys look alike."""
    raw = b"---\ntitle: B\nyear: 2021\n---\nBody.\n"
    other = parse_front_matter("---\ntitle: A\nyear: 2020\n---\nBody.\n")
    source = page_source(raw, other)
    assert source is not None and source.read(raw)[1] == {"title": "B", "year": 2021}


def test_the_example_notes_are_read_once_and_as_mkdocs_reads_them(monkeypatch):
    """Every note and project of the example site: the note cache keeps what MkDocs' own reading
    gives, without parsing the YAML a second time."""
    notes_dir = Path(__file__).resolve().parents[2] / "notes"
    yaml_loads = []
    real_load = page_source_module.yaml.load
    monkeypatch.setattr(page_source_module.yaml, "load", lambda *a, **k: yaml_loads.append(a) or real_load(*a, **k))
    cache = NoteCache()
    parsed = {path: cache.parse(path, path.relative_to(notes_dir).as_posix(), path.name)
              for path in sorted(notes_dir.rglob("*.md"))}
    monkeypatch.undo()
    assert yaml_loads == []
    kept = [(path, p.page_source) for path, p in parsed.items() if p.page_source is not None]
    assert len(kept) >= 20
    for path, source in kept:
        raw = path.read_bytes()
        assert source.read(raw) == mkdocs_meta.get_data(raw.decode("utf-8-sig")), path


PLAIN_AND_NOT = [
    "\ntitle: A\nyear: 2020\nauthors:\n- X Y\n- Z\nlinks:\n  paper: https://a.b/c\ncites:\n- k1\n- key: k2\n  role: baseline\n",
    "\ndate: 2024-01-02\nwhen: 2024-01-02 10:00:00\nok: yes\nno: off\nn: ~\nf: 1.5e3\nhex: 0x1F\nsexa: 1:30\nempty:\n",
    "\nbase: &b {a: 1, b: [x, y]}\nother:\n  <<: *b\n  c: 3\n",  # (an alias: PyYAML's constructor)
    "\nd:\n  <<: {a: 1}\n  b: 2\n",  # a merge key without an alias
    "\n2020: year key\n? [a, b]\n: not hashable\n",
    "\nk: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\nbin: !!binary aGVsbG8=\ns: !!str 123\n",
    "\nk: !custom x\n",
    "\nk: 2024-13-45\n",
    "\ndup: 1\ndup: 2\nnested: {a: 1, a: 2}\n",
    "\n'quoted key': \"v\"\nlist: [1, 'two', {three: 3}]\n= : value key\n",
]


@pytest.mark.parametrize("yaml_text", PLAIN_AND_NOT)
def test_front_matter_values_are_pyyamls_own(yaml_text):
    """The front-matter's values made without PyYAML's constructor (frontmatter_source._construct)
    are equal to its, of the same types, or its error is raised."""
    import yaml

    try:
        expected = yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        with pytest.raises(FrontMatterError) as raised:
            parse_front_matter(f"---{yaml_text}---\nbody\n")
        assert str(getattr(exc, "problem", None) or exc).split("\n")[0] in raised.value.message
        return
    except ValueError as exc:  # (PyYAML's own, for a date that is no date: raised as it was)
        with pytest.raises(type(exc), match=str(exc)):
            parse_front_matter(f"---{yaml_text}---\nbody\n")
        return
    got = parse_front_matter(f"---{yaml_text}---\nbody\n").data
    assert got == expected and repr(got) == repr(expected)
