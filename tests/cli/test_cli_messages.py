"""Mistakes a newcomer makes, each one line that says what to do (issue 13)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from paperkb.core.loader import load_library

from ..conftest import write_tree
from .test_cli import run_cli


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` made read-only for this process: by its mode, or (for root, whom modes do not
    stop) by the immutable attribute; skips the test where neither is possible."""
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("")
            probe.unlink()
            immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        except OSError:
            pass
        try:
            (folder / ".probe").write_text("")
            (folder / ".probe").unlink()
            pytest.skip("no way to make a folder read-only here")
        except OSError:
            pass
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


def test_new_and_import_into_a_read_only_folder_is_one_line(tmp_path):
    write_tree(tmp_path, {"notes/papers/a.md": "---\ntitle: A\n---\n",
                          "refs.bib": "@misc{b2020, title = {B}, year = {2020}}\n"})
    papers = tmp_path / "notes" / "papers"
    with read_only(papers):
        result = run_cli("new", "Attention Is All You Need", "--notes", "notes", cwd=tmp_path)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("paperkb new: cannot write ")
        assert "attention-is-all-you-need.md" in result.stderr and "read-only" in result.stderr
        result = run_cli("import", "bib", "refs.bib", "--notes", "notes", cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("paperkb import: cannot write ") and "b2020.md" in result.stderr


def test_a_utf16_note_is_named_as_utf16(tmp_path):
    text = "---\ntitle: 注意力\nyear: 2017\n---\nBody.\n"
    write_tree(tmp_path, {
        "notes/papers/bom.md": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
        "notes/papers/plain.md": text.encode("utf-16-be"),
        "notes/papers/latin.md": "---\ntitle: Café\n---\n".encode("latin-1"),
    })
    library = load_library(tmp_path / "notes")
    messages = sorted(f"{p.path}:{p.line}: {p.message}" for p in library.problems)
    assert messages == [
        "notes/papers/bom.md:1: file is UTF-16 LE, not UTF-8; save it as UTF-8",
        "notes/papers/latin.md:2: file is not valid UTF-8 (byte 0xe9 at offset 14); save it as UTF-8",
        "notes/papers/plain.md:1: file is UTF-16 BE, not UTF-8; save it as UTF-8",
    ]
    # A UTF-16 .bib is read (with a warning naming the encoding), not taken for Latin-1.
    (tmp_path / "notes" / "refs.bib").write_bytes("@misc{x2020, title = {Größe}}\n".encode("utf-16"))
    library = load_library(tmp_path / "notes")
    assert library.bibliography.get("x2020").title == "Größe"
    assert any("refs.bib:1: warning: file is UTF-16 LE, not UTF-8" in str(p) for p in library.problems)
