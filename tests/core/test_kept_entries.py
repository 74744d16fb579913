"""core/kept_entries.py: entries kept from one build to the next in one signed file, read one
at a time, written as they are made, only the ones a build used kept; a damaged file is a miss."""

from __future__ import annotations

import hashlib

from paperkb.core import kept_entries
from paperkb.core.kept_entries import KeptEntries

FINGERPRINT = hashlib.sha256(b"build").digest()


def key(name: str) -> bytes:
    return hashlib.blake2b(name.encode(), digest_size=16).digest()


def build(path, uses: list[str], makes: dict[str, bytes], fingerprint: bytes = FINGERPRINT) -> dict[str, bytes | None]:
    """One build: what it found for ``uses``; then it keeps ``makes``."""
    entries = KeptEntries(path, "test")
    entries.begin(fingerprint)
    found = {name: entries.get(key(name)) for name in uses}
    for name, data in makes.items():
        entries.put(key(name), data)
    entries.finish()
    return found


def test_entries_are_found_by_the_next_build_with_the_same_fingerprint(tmp_path):
    path = tmp_path / "kept.bin"
    build(path, [], {"a": b"alpha" * 100, "b": "β".encode() * 50})
    assert build(path, ["a", "b", "c"], {}) == {"a": b"alpha" * 100, "b": "β".encode() * 50, "c": None}
    assert build(path, ["a"], {}, fingerprint=hashlib.sha256(b"other").digest()) == {"a": None}


def test_only_what_a_build_used_or_made_is_kept_and_an_unchanged_file_is_not_written(tmp_path):
    path = tmp_path / "kept.bin"
    build(path, [], {"a": b"1", "b": b"2"})
    build(path, ["a"], {"c": b"3"})  # b unused: dropped
    assert build(path, ["a", "b", "c"], {}) == {"a": b"1", "b": None, "c": b"3"}
    before = path.stat()
    build(path, ["a", "c"], {})  # the same entries: the file stays as it is
    after = path.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_a_failed_build_keeps_nothing_and_leaves_the_file(tmp_path):
    path = tmp_path / "kept.bin"
    build(path, [], {"a": b"1"})
    entries = KeptEntries(path, "test")
    entries.begin(FINGERPRINT)
    entries.put(key("b"), b"2")
    entries.abandon()
    assert build(path, ["a", "b"], {}) == {"a": b"1", "b": None}
    assert [p.name for p in tmp_path.iterdir()] == ["kept.bin"]


def test_a_damaged_entry_is_a_miss_and_a_damaged_index_keeps_nothing(tmp_path):
    path = tmp_path / "kept.bin"
    build(path, [], {"a": b"first entry " * 20, "b": b"second entry " * 20})
    data = bytearray(path.read_bytes())
    data[5] ^= 0x01  # inside the first entry's bytes
    path.write_bytes(bytes(data))
    found = build(path, ["a", "b"], {})
    assert [v is None for v in found.values()].count(True) == 1
    for damaged in (b"", b"short", path.read_bytes()[:-1], path.read_bytes()[:40] + b"x" * 200):
        path.write_bytes(damaged)
        assert build(path, ["a", "b"], {}) == {"a": None, "b": None}


def test_another_context_or_no_user_key_reads_and_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "kept.bin"
    build(path, [], {"a": b"1"})
    other = KeptEntries(path, "another cache")
    other.begin(FINGERPRINT)
    assert other.get(key("a")) is None
    other.abandon()
    monkeypatch.setattr(kept_entries, "signature", lambda payload: None)
    assert build(tmp_path / "unsigned.bin", [], {"a": b"1"}) == {}
    assert not (tmp_path / "unsigned.bin").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
