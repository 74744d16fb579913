"""Writing a cache file: whole, in a folder made on demand, never over another's temporary file."""

from __future__ import annotations

import os

from paperkb.core import cache_file
from paperkb.core.cache_file import read_signed_cache_file, write_cache_file, write_signed_cache_file


def test_a_cache_file_is_written_whole_in_a_folder_made_for_it_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "ab" / "abcdef.svg"
    assert write_cache_file(path, b"<svg/>" * 10000)
    assert path.read_bytes() == b"<svg/>" * 10000
    assert write_cache_file(path, b"again")  # (replaced)
    assert path.read_bytes() == b"again"
    assert os.listdir(path.parent) == ["abcdef.svg"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)  # private, as mkstemp made them


def test_a_temporary_name_already_taken_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_file, "_temporaries", iter([7, 8]))
    taken = tmp_path / f".tmp-{os.getpid()}-7.svg"
    taken.write_bytes(b"someone else's")
    assert write_cache_file(tmp_path / "x.svg", b"mine")
    assert (tmp_path / "x.svg").read_bytes() == b"mine" and taken.read_bytes() == b"someone else's"
    assert sorted(os.listdir(tmp_path)) == [taken.name, "x.svg"]


def test_an_unwritable_folder_is_no_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    assert not write_cache_file(blocker / "sub" / "x.svg", b"data")
    assert not write_signed_cache_file(blocker / "x.svg", b"data", "key")


def test_a_signed_file_reads_back_only_under_its_context(tmp_path):
    path = tmp_path / "k" / "key.svg"
    assert write_signed_cache_file(path, b"<svg/>", "key")
    assert read_signed_cache_file(path, "key") == b"<svg/>"
    assert read_signed_cache_file(path, "other") is None
