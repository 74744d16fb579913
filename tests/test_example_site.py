"""The example knowledge base in notes/ is real, varied, and builds cleanly with --strict."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from paperkb.core.loader import load_library
from paperkb.core.model import LEVELS, PAPER_TYPES

from .conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "notes", project_root=REPO)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("example-site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO, capture_output=True, text=True)
    return result, out


def test_example_notes_are_valid_and_varied(library):
    assert library.errors == []
    notes = list(library)
    assert len(notes) >= 30
    assert len({f for n in notes for f in n.fields}) >= 5
    assert set(PAPER_TYPES) <= {n.type for n in notes}
    assert set(LEVELS) <= {n.level for n in notes}
    assert sum(len(library.cites(n.key)) for n in notes) >= 60
    languages = Counter("zh" if len(CJK.findall(n.body)) > 200 else "en" for n in notes)
    assert languages["zh"] >= 5 and languages["en"] >= 10
    assert sum(bool(n.insights) for n in notes) >= 20
    assert library.drafts, "the example shows a draft note (that must stay out of the site)"


def test_example_site_builds_strict(built, library):
    result, out = built
    assert result.returncode == 0, result.stderr[-3000:]
    for note in library:
        assert (out / note.src_uri[:-3] / "index.html").is_file(), note.src_uri
    for draft in library.drafts.values():
        assert not (out / draft.src_uri[:-3]).exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"<strong>Total Count: {len(library)}</strong>" in home
