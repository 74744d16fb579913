"""Parsed notes cached on disk: a rebuild parses only what changed, and never serves stale notes."""

from __future__ import annotations

import os
from pathlib import Path

from paperkb.core import note_cache, user_key
from paperkb.core.loader import NoteCache, load_library

from ..conftest import build_site, note, write_tree


def _library(tmp_path, cache):
    return load_library(tmp_path / "notes", project_root=tmp_path, cache=cache)


def test_cache_round_trip_parses_only_changed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020), "papers/b.md": note("B", year=2021),
                                    "papers/c.md": note("C", year=2022)})
    file = tmp_path / ".paperkb-cache" / "notes" / "parsed.pickle"
    first = NoteCache()
    _library(tmp_path, first)
    first.save(file)
    assert file.is_file()

    (tmp_path / "notes/papers/b.md").write_text(note("B edited", year=2021), encoding="utf-8")
    os.utime(tmp_path / "notes/papers/b.md", ns=(1, 1))  # a new stamp even on a coarse clock
    (tmp_path / "notes/papers/c.md").unlink()
    second = NoteCache()
    second.load(file)
    library = _library(tmp_path, second)
    assert (second.hits, second.misses) == (1, 1)
    assert {n.key: n.title for n in library} == {"a": "A", "b": "B edited"}
    second.save(file)

    third = NoteCache()
    third.load(file)
    assert set(third.entries) == {str(tmp_path / "notes/papers/a.md"), str(tmp_path / "notes/papers/b.md")}


def test_a_cache_from_another_parser_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    file = tmp_path / "parsed.pickle"
    cache = NoteCache()
    _library(tmp_path, cache)
    cache.save(file)
    monkeypatch.setattr(note_cache, "parser_fingerprint", lambda: "a newer paperkb")
    fresh = NoteCache()
    fresh.load(file)
    assert fresh.entries == {}
    file.write_bytes(b"not a pickle")
    fresh.load(file)  # unreadable: parse everything, no error
    assert fresh.entries == {}


def test_small_projects_get_no_cache_file(tmp_path):
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    cache = NoteCache()
    _library(tmp_path, cache)
    cache.save(tmp_path / "parsed.pickle")
    assert not (tmp_path / "parsed.pickle").exists()


def test_site_rebuild_parses_only_the_edited_note_and_shows_the_edit(tmp_path, monkeypatch):
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    files = {"papers/a.md": note("First title", year=2020), "papers/b.md": note("Other", year=2021, cites=["a"])}
    built = build_site(tmp_path, files, plugins=["paperkb"])
    assert "First title" in built.html("papers/a/")
    assert (tmp_path / ".paperkb-cache/notes/parsed.pickle").is_file()

    parsed: list[str] = []
    real_parse = note_cache.parse_page
    monkeypatch.setattr(note_cache, "parse_page", lambda path, *a, **k: parsed.append(path.name) or real_parse(path, *a, **k))
    rebuilt = build_site(tmp_path, {"papers/a.md": note("Second title", year=2020)}, plugins=["paperkb"])
    assert parsed == ["a.md"]
    assert "Second title" in rebuilt.html("papers/a/") and "Second title" in rebuilt.html("papers/b/")


def test_no_disk_caches_when_cache_dir_is_empty(tmp_path, monkeypatch):
    from paperkb.core.bib import formatting

    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    monkeypatch.setattr(formatting, "DISK_CACHE_MIN_ENTRIES", 1)
    files = {"papers/a.md": note("A", year=2020), "papers/b.md": note("B", year=2021, cites=["a"])}
    built = build_site(tmp_path, files, plugins=[{"paperkb": {"cache_dir": ""}}])
    assert built.ok and "Cited by" in built.html("papers/a/")
    assert not (tmp_path / ".paperkb-cache").exists()


def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path):
    path = tmp_path / "notes/papers/a.md"
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020, level="skim")})
    stat = path.stat()
    cache = NoteCache()
    assert _library(tmp_path, cache).notes["a"].level == "skim"
    path.write_text(note("A", year=2020, level="deep"), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
    assert path.stat().st_size == stat.st_size
    assert _library(tmp_path, cache).notes["a"].level == "deep"


def test_a_moved_docs_folder_is_parsed_anew(tmp_path):
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    cache = NoteCache()
    _library(tmp_path, cache)
    moved = load_library(tmp_path / "notes" / "papers", project_root=tmp_path, cache=cache)
    assert moved.notes["a"].src_uri == "a.md" and cache.misses == 2


def test_a_cache_file_not_signed_by_this_user_is_never_unpickled(tmp_path, monkeypatch):
    import pickle

    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    file = tmp_path / "parsed.pickle"
    file.write_bytes(b"\0" * 32 + pickle.dumps({"parser": note_cache.parser_fingerprint(), "entries": Payload()}))
    NoteCache().load(file)
    assert not marker.exists()
    # A file this user's paperkb signed is read back.
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    cache = NoteCache()
    _library(tmp_path, cache)
    cache.save(file)
    again = NoteCache()
    again.load(file)
    assert list(again.entries) == [str(tmp_path / "notes/papers/a.md")]


def test_a_signing_key_others_could_write_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    key_file = tmp_path / "home-cache" / "paperkb" / "cache-key"
    cache = NoteCache()
    _library(tmp_path, cache)
    cache.save(tmp_path / "signed.pickle")  # creates a private key
    assert key_file.is_file() and key_file.stat().st_mode & 0o077 == 0
    key_file.chmod(0o644)  # now anyone could have read (or, with the folder, replaced) it
    user_key._key_at.cache_clear()  # as in a new build process
    again = NoteCache()
    again.load(tmp_path / "signed.pickle")
    assert again.entries == {}
    again.save(tmp_path / "other.pickle")
    assert not (tmp_path / "other.pickle").exists()


def test_no_usable_cache_home_means_no_disk_cache_and_no_error(tmp_path, monkeypatch):
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/inside/the/checkout")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    write_tree(tmp_path / "notes", {"papers/a.md": note("A", year=2020)})
    cache = NoteCache()
    _library(tmp_path, cache)
    cache.save(tmp_path / "parsed.pickle")
    assert not (tmp_path / "parsed.pickle").exists() and not (tmp_path / "relative").exists()
    cache.load(tmp_path / "parsed.pickle")
