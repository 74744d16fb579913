"""Parsed notes cached on disk: a rebuild parses only what changed, and never serves stale notes."""

from __future__ import annotations

import os
import pickle
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


def _comparable(library) -> tuple:
    notes = sorted((n.key, n.title, n.year, n.display_path, n.body_line, tuple(c.key for c in n.cites),
                    tuple(sorted(n.key_lines.items()))) for n in library)
    problems = [(p.path, p.line, p.severity, p.message) for p in library.problems]
    edges = sorted((e.source, e.target, e.role) for key in library.notes for e in library.cites(key))
    return notes, problems, edges


def test_a_worker_parses_a_share_of_many_new_notes_the_same_way(tmp_path, monkeypatch):
    """A first build offers the notes to parse to the diagrams' worker (another process: the
    records travel pickled) in chunks, and parses the chunks the worker has not started meanwhile,
    from the last one back: every note is parsed once, and the library, its problems with their
    lines and MkDocs' front-matter are what parsing alone gives. A worker that fails, or none,
    only means parsing here."""
    import time
    from concurrent.futures import Future, ProcessPoolExecutor

    files = {f"papers/n{i:02d}.md": note(f"Note {i}", year=2000 + i, cites=[f"n{i - 1:02d}", f"n{i - 2:02d}"])
             for i in range(2, 30)}
    files["papers/bad.md"] = "---\ntitle: Bad\nyear: twenty\n---\nBody.\n"
    files["papers/broken.md"] = "---\ntitle: [unclosed\n---\nBody.\n"
    files["papers/dup.md"] = note("Duplicate", key="n05")
    write_tree(tmp_path / "notes", files)
    alone = _library(tmp_path, NoteCache())
    assert alone.problems and len(alone) >= 25

    monkeypatch.setattr(note_cache, "PARSE_SHARE_MIN", 10)
    monkeypatch.setattr(note_cache, "PARSE_CHUNK", 3)
    parsed_here: list[str] = []
    real_parse_bytes = note_cache.parse_bytes

    def slowly(path, *args):  # this process is the slower one: the worker gets its chunks
        parsed_here.append(path.name)
        time.sleep(0.02)
        return real_parse_bytes(path, *args)
    monkeypatch.setattr(note_cache, "parse_bytes", slowly)
    offered = []
    candidates = sorted((p, p.relative_to(tmp_path / "notes").as_posix()) for p in (tmp_path / "notes").rglob("*.md"))
    with ProcessPoolExecutor(1) as pool:
        def worker(job, *args):
            future = pool.submit(job, *args)
            offered.append((args[0], future))
            return future
        cache = NoteCache()
        shared = load_library(tmp_path / "notes", files=candidates, project_root=tmp_path, cache=cache, worker=worker)
    by_worker = [path.name for items, future in offered if not future.cancelled() for path, _src, _shown in items]
    assert len(offered) == 11  # every chunk of the 31 files offered
    assert by_worker and parsed_here  # both parsed some ...
    assert sorted(by_worker + parsed_here) == sorted(p.name for p, _src in candidates)  # ... and each file once
    assert parsed_here[0] in {path.name for path, _src, _shown in offered[-1][0]}  # from the last chunk back
    assert _comparable(shared) == _comparable(alone)
    assert any("year" in p.message and p.line == 3 for p in shared.problems if p.path.endswith("bad.md"))
    for path, _src in candidates:  # the worker's records keep MkDocs' reading too
        entry = cache.entries[str(path)]
        if entry.note is not None:
            assert entry.page_source is not None and entry.page_source.read(path.read_bytes())[1]["title"] == entry.note.title

    def failing(job, *args):
        future = Future()
        future.set_exception(RuntimeError("worker died"))
        return future
    monkeypatch.setattr(note_cache, "parse_bytes", real_parse_bytes)
    for broken in (failing, lambda job, *args: None):
        library = load_library(tmp_path / "notes", files=candidates, project_root=tmp_path, cache=NoteCache(),
                               worker=broken)
        assert _comparable(library) == _comparable(alone)


def test_the_loader_takes_what_share_parsing_just_parsed_without_reading_the_files_again(tmp_path, monkeypatch):
    """The records share_parsing made (here or in the worker) are taken once by the loader's pass
    without reading and hashing each file again; any later parse reads the file as usual."""
    from concurrent.futures import Future

    files = {f"papers/n{i:02d}.md": note(f"Note {i}", year=2000 + i) for i in range(12)}
    write_tree(tmp_path / "notes", files)
    monkeypatch.setattr(note_cache, "PARSE_SHARE_MIN", 10)
    monkeypatch.setattr(note_cache, "PARSE_CHUNK", 5)
    candidates = sorted((p, p.relative_to(tmp_path / "notes").as_posix()) for p in (tmp_path / "notes").rglob("*.md"))
    reads: list[str] = []
    real_read_bytes = Path.read_bytes

    def counted(path):
        reads.append(path.name)
        return real_read_bytes(path)
    monkeypatch.setattr(Path, "read_bytes", counted)
    cache = NoteCache()
    # a worker that never starts its chunks: this process parses every one of them
    library = load_library(tmp_path / "notes", files=candidates, project_root=tmp_path, cache=cache,
                           worker=lambda job, *args: Future())
    assert len(library) == 12
    assert sorted(reads) == sorted(p.name for p, _src in candidates)  # each file read once, by share_parsing
    assert cache.hits == 12 and cache.misses == 12
    reads.clear()
    first = candidates[0][0]
    first.write_text(note("Edited", year=1999), encoding="utf-8")
    from paperkb.core.problems import display_path

    edited = cache.parse(first, candidates[0][1], display_path(first, tmp_path))
    assert edited.note is not None and edited.note.title == "Edited"  # read again: the edit is seen
    assert reads == [first.name]


def test_notes_from_the_cache_share_the_strings_they_repeat(tmp_path, monkeypatch):
    """A build holds every note to its end: a value many notes repeat (a tag, a venue, a role, a
    cited key, a front-matter key name) is one string object, also for records read back from
    the cache (a pickle shares strings only within itself), and a record has no ``__dict__``."""
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)
    write_tree(tmp_path / "notes", {
        "papers/a.md": note("A", key="alpha", year=2020, venue="NeurIPS", tags=["gnn"], fields=["Graph Learning"]),
        "papers/b.md": note("B", key="beta", year=2021, venue="NeurIPS", tags=["gnn"], fields=["Graph Learning"],
                            cites=[{"key": "alpha", "role": "baseline"}], body="See [[alpha]].\n"),
        "papers/c.md": note("C", key="gamma", year=2022, venue="NeurIPS", tags=["gnn"],
                            cites=[{"key": "alpha", "role": "baseline"}]),
    })
    file = tmp_path / "parsed.pickle"
    first = NoteCache()
    _library(tmp_path, first)
    first.save(file)
    for cache in (first, NoteCache(), "one pickle each"):
        if cache == "one pickle each":  # (as a worker's chunks of parsed notes come back)
            notes = {key: pickle.loads(pickle.dumps(n)) for key, n in notes.items()}
        else:
            cache.load(file)
            notes = {n.key: n for n in _library(tmp_path, cache)}
        a, b, c = notes["alpha"], notes["beta"], notes["gamma"]
        assert a.venue is b.venue is c.venue and a.tags[0] is b.tags[0] is c.tags[0] and a.fields[0] is b.fields[0]
        assert b.cites[0].key is c.cites[0].key is a.key is b.body_links[0].target
        assert b.cites[0].role is c.cites[0].role
        assert next(k for k in a.key_lines if k == "venue") is next(k for k in c.key_lines if k == "venue")
        assert not hasattr(a, "__dict__") and not hasattr(b.cites[0], "__dict__")
    assert notes["beta"].cites[0].role == "baseline" and notes["beta"].body_links[0].target == "alpha"


def test_a_loader_pass_cut_short_leaves_no_record_to_be_taken_unread_by_the_next_load(tmp_path, monkeypatch):
    """share_parsing's records are taken unread only by the loader's pass right after it: when
    that pass stops early (a listed file vanished), a note edited before the next load (`serve`'s
    rebuild, too few new files to share) is read again, not taken as it was parsed before."""
    from concurrent.futures import Future

    notes = tmp_path / "notes"
    write_tree(notes, {"papers/n00.md": note("Note 0", year=2000)})
    cache = NoteCache()
    vanished = notes / "papers/n00.md"
    cache.parse(vanished, "papers/n00.md", "notes/papers/n00.md")  # in the cache: not shared out again
    write_tree(notes, {f"papers/n{i:02d}.md": note(f"Note {i}", year=2000 + i) for i in range(1, 13)})
    monkeypatch.setattr(note_cache, "PARSE_SHARE_MIN", 10)
    monkeypatch.setattr(note_cache, "PARSE_CHUNK", 5)
    candidates = sorted((p, p.relative_to(notes).as_posix()) for p in notes.rglob("*.md"))
    vanished.unlink()  # listed, then gone before the loader reads it
    try:
        load_library(notes, files=candidates, project_root=tmp_path, cache=cache, worker=lambda job, *args: Future())
    except FileNotFoundError:
        pass
    edited = notes / "papers/n05.md"
    edited.write_text(note("Edited", year=1999), encoding="utf-8")
    library = load_library(notes, files=candidates[1:], project_root=tmp_path, cache=cache,
                           worker=lambda job, *args: Future())
    assert {n.title for n in library if n.src_uri == "papers/n05.md"} == {"Edited"}


def test_a_first_build_with_many_notes_to_parse_starts_the_worker_before_offering_them(monkeypatch):
    """warm_worker hands the worker a job that loads the parser when enough of the files are not
    held (the worker process starts then), and nothing otherwise: a build whose notes are all
    cached, or a small one, starts no worker for parsing."""
    monkeypatch.setattr(note_cache, "PARSE_SHARE_MIN", 3)
    asked: list[tuple] = []

    def worker(job, *args):
        asked.append((job, args))
        return None
    cache = NoteCache()
    cache.entries = {"/notes/a.md": None, "/notes/b.md": None}  # (held records)
    cache.warm_worker(["/notes/a.md", "/notes/b.md", "/notes/c.md", "/notes/d.md"], worker)
    assert asked == []  # two to parse
    cache.warm_worker(["/notes/a.md", "/notes/c.md", "/notes/d.md", "/notes/e.md"], worker)
    assert asked == [(note_cache.parser_loaded, ())]  # three
    assert note_cache.parser_loaded() is None


def test_notes_loaded_sees_the_notes_and_bib_entries_before_the_citations_are_found(tmp_path):
    """load_library's ``notes_loaded`` (a first build offers its references to the worker there)
    gets the library once, with its notes completed from the .bib file, before build_edges: the
    citations come after it, into the same library."""
    files = {f"papers/n{i}.md": note(f"Note {i}", year=2000 + i, cites=[f"n{i - 1}"] if i else []) for i in range(4)}
    files["refs.bib"] = "@article{n2, title={Note 2}, journal={Journal of Tests}, year={2002}}\n"
    write_tree(tmp_path / "notes", files)
    seen: list[tuple] = []

    def loaded(library):
        seen.append((library, sorted(library.notes), library.notes["n2"].venue, len(library.bibliography),
                     sum(len(library.cites(k)) for k in library.notes)))
    library = load_library(tmp_path / "notes", project_root=tmp_path, notes_loaded=loaded)
    assert len(seen) == 1
    same, keys, venue, bib_entries, citations = seen[0]
    assert same is library and keys == ["n0", "n1", "n2", "n3"]
    assert venue == "Journal of Tests" and bib_entries == 1  # completed from refs.bib already
    assert citations == 0 and sum(len(library.cites(k)) for k in library.notes) == 3  # edges made afterwards
