"""A page's front-matter as MkDocs reads it, kept with the parsed note (core/page_source.py): for
every file it keeps something for, exactly what MkDocs' own reading gives."""

from __future__ import annotations

import datetime

import pytest
from mkdocs.utils import meta as mkdocs_meta

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
