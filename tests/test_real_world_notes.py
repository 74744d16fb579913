"""Notes written by other tools, in the shapes they really have (issue 13): an Obsidian vault."""

from __future__ import annotations

import shutil
from pathlib import Path

from paperkb.core.loader import load_library

from .conftest import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _vault(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    shutil.copytree(FIXTURES / "obsidian_vault", notes)
    return notes


def test_obsidian_vault_titles_links_and_markdown_files(tmp_path):
    notes = _vault(tmp_path)
    library = load_library(notes)
    attention = library.get("2017-attention-is-all-you-need")
    seq2seq = library.get("2014-sequence-to-sequence-learning")  # a .markdown file is a note too
    bahdanau = library.get("neural-machine-translation-by-jointly-learning-to-align-and-translate")
    assert attention is not None and seq2seq is not None and bahdanau is not None
    # No `title`: the first `# heading`, else the file name (Obsidian's convention).
    assert attention.title == "Attention Is All You Need"
    assert seq2seq.title == "Sequence to Sequence Learning with Neural Networks"
    assert bahdanau.title == "Neural Machine Translation by Jointly Learning to Align and Translate"
    # Extension-less relative links are citation edges (the one inside code is not).
    assert [e.target for e in library.cites(attention.key)] == [seq2seq.key]
    assert [e.target for e in library.cites(bahdanau.key)] == [seq2seq.key]
    # [[page]] to a plain page is a link, not an unknown citation.
    assert [str(p) for p in library.problems] == []


def test_obsidian_vault_builds_strict_with_working_links(tmp_path):
    _vault(tmp_path)
    site = build_site(tmp_path, {}, strict=True)
    assert site.ok, site.messages
    page = site.html("Papers/2017-attention-is-all-you-need/")
    assert '<a href="../2014-sequence-to-sequence-learning/">Seq2seq</a>' in page
    assert '<a href="../2014-sequence-to-sequence-learning/#method">the seq2seq paper</a>' in page
    assert '<a href="../../how%20I%20read%20papers/">how I read papers</a>' in page
    assert '<a href="../../Reading%20index/">the index</a>' in page
    assert "unknown citation" not in "\n".join(site.messages)
    index = site.html("Reading index/")
    assert '<a href="../Papers/2017-attention-is-all-you-need/">Attention</a>' in index
    seq2seq = site.html("Papers/2014-sequence-to-sequence-learning/")
    assert "<h1" in seq2seq and "Sequence to Sequence Learning with Neural Networks" in seq2seq
