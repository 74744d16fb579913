"""Parsed notes kept between parses: in memory across `mkdocs serve` rebuilds, and on disk
across builds, so a build after an edit parses only the notes that changed.

Parsing (YAML with line marks, the body's links and insights) is the largest part of loading
a knowledge base: about a second at 2000 notes. A record is reused only for the same bytes
(a hash of the file, not its time and size, which two quick saves can share), the same place
in the site and the same parser: the file on disk names the Python and PyYAML versions, the
year (years in the future are errors) and the size and time of every module of paperkb's core,
so an upgrade or an edit of the parser makes it stale rather than wrong. With a published page
the record keeps its front-matter as MkDocs reads it (page_source.py), so MkDocs need not parse
the YAML again.

The file is a pickle, which would run code if someone else wrote it (a cloned repository may
ship its .paperkb-cache): it is signed with a key kept in the user's own cache folder, and a
file whose signature does not match is never unpickled."""

from __future__ import annotations

import datetime
import hashlib
import pickle
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from collections.abc import Iterable
from pathlib import Path

import yaml

from .bib.reader import BibFileCache
from .cache_file import code_stamps, read_signed_cache_file, write_signed_cache_file
from .frontmatter_source import FrontMatter
from .model import Note
from .note_parser import UnpublishedPage, parse_page
from .page_source import PageSource, page_source
from .problems import Problem, ProblemLog
from .projects import Project
from .worker_share import WorkerRun, share_with_worker

CORE_DIR = Path(__file__).resolve().parent
DISK_MIN_NOTES = 200  # fewer parse in a fraction of a second: no cache folder for small projects
PARSE_SHARE_MIN = 200  # fewer files to parse: a worker would not pay (share_parsing)
PARSE_CHUNK = 50  # files a worker job parses (~50 ms)


def keeps_on_disk(count: int, minimum: int | None = None) -> bool:
    """Whether a site of ``count`` notes or pages keeps a cache on disk; ``minimum`` None is
    DISK_MIN_NOTES, read now (a class copying it at import would keep a test's value)."""
    return count >= (DISK_MIN_NOTES if minimum is None else minimum)


@dataclass
class _Parsed:
    digest: bytes  # sha1 of the file's bytes when parsed
    src_uri: str
    shown_as: str
    note: Note | None
    problems: list[Problem]
    project: Project | None = None  # a research project page (then ``note`` is None)
    unpublished_page: bool = False  # another page, marked draft: true or publish: false
    page_source: PageSource | None = None  # a published page's front-matter as MkDocs reads it


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def parse_bytes(path: Path, src_uri: str, shown_as: str, raw: bytes, digest: bytes) -> _Parsed:
    """The record of a file of these bytes (``digest``: their sha1)."""
    log = ProblemLog(shown_as)
    front_matter: list[FrontMatter] = []  # the loader's reading, which MkDocs' may reuse
    page = parse_page(path, src_uri, log, raw=raw, front_matter_to=front_matter.append)
    unpublished = isinstance(page, UnpublishedPage)
    note = page if isinstance(page, Note) else None
    project = page if isinstance(page, Project) else None
    source = page_source(raw, *front_matter) if note is not None or project is not None else None
    return _Parsed(digest, src_uri, shown_as, note, log.problems, project, unpublished, source)


def parse_in_worker(files: list[tuple[Path, str, str]]) -> list[_Parsed | None]:
    """Worker job: the record of each ``(path, src_uri, shown_as)``; None for a file it cannot read."""
    records: list[_Parsed | None] = []
    for path, src_uri, shown_as in files:
        try:
            raw = path.read_bytes()
        except OSError:
            records.append(None)  # (the build reads it again, and reports it)
            continue
        records.append(parse_bytes(path, src_uri, shown_as, raw, hashlib.sha1(raw).digest()))
    return records


def parser_loaded() -> None:
    """Worker job: nothing to do; taking it loaded this module, and with it the parser."""


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """What the parsed records depend on besides the notes: the interpreter, the YAML reader
    and the parser's code."""
    return repr((sys.version_info[:2], yaml.__version__, _version("python-frontmatter"), datetime.date.today().year,
                 code_stamps(CORE_DIR)))


def _take(paths: set[str], path: str) -> bool:
    """Whether ``path`` was in ``paths`` (it is not any more)."""
    if path in paths:
        paths.discard(path)
        return True
    return False


@dataclass
class NoteCache:
    """Parsed files keyed by path and a hash of their bytes: only what changed is parsed again."""

    entries: dict[str, _Parsed] = field(default_factory=dict)
    bib: BibFileCache = field(default_factory=BibFileCache)
    hits: int = 0
    misses: int = 0
    _seen: set[str] = field(default_factory=set)
    # Files a watcher saw no change of since they were parsed (`serve`): their record is taken
    # without reading them again (at 10,000 notes, reading and hashing every file takes a while).
    unchanged: frozenset[str] = frozenset()
    # Files ``share_parsing`` had parsed (here or by the worker) moments before the loader asks
    # for them: their record is taken once without reading and hashing the file again (~0.1 s
    # at 10,000 notes, while the worker waits for the library to be loaded).
    _just_parsed: set[str] = field(default_factory=set)

    def parse(self, path: Path, src_uri: str, shown_as: str) -> _Parsed:
        cached = self.entries.get(str(path))
        if cached is not None and (str(path) in self.unchanged or _take(self._just_parsed, str(path))) \
                and (cached.src_uri, cached.shown_as) == (src_uri, shown_as):
            self._seen.add(str(path))
            self.hits += 1
            return cached
        raw = path.read_bytes()  # hashed and parsed: an edit in between cannot mix the two
        digest = hashlib.sha1(raw).digest()
        self._seen.add(str(path))
        if cached is not None and (cached.digest, cached.src_uri, cached.shown_as) == (digest, src_uri, shown_as):
            self.hits += 1
            return cached
        self.misses += 1
        parsed = self.entries[str(path)] = parse_bytes(path, src_uri, shown_as, raw, digest)
        return parsed

    def share_parsing(self, files: list[tuple[Path, str, str]], worker: WorkerRun) -> None:
        """A first build: parse the ``(path, src_uri, shown_as)`` files the cache does not hold
        with a worker process (worker_share.py), this process taking the last ones; ``parse``
        then finds them parsed (when their bytes are still the same). ~1 ms a note: 10 s at
        10,000 notes, while the worker, there for the diagrams, would wait for them."""
        # (records the last loader pass left untaken, when it was cut short, are stale by now)
        self._just_parsed = set()
        todo = [item for item in files if str(item[0]) not in self.entries]
        if len(todo) < PARSE_SHARE_MIN:
            return

        def take(chunk: list[tuple[Path, str, str]], records: list[_Parsed | None]) -> None:
            for (path, _src_uri, _shown_as), record in zip(chunk, records):
                if record is not None:
                    self.entries[str(path)] = record
                    self._just_parsed.add(str(path))
                    self.misses += 1  # (parsed in this build: the cache file is written again)

        def here(chunk: list[tuple[Path, str, str]]) -> None:
            for item in chunk:
                self.parse(*item)
                self._just_parsed.add(str(item[0]))

        share_with_worker(todo, PARSE_CHUNK, lambda chunk: worker(parse_in_worker, chunk), here, take)

    def warm_worker(self, paths: Iterable[str], worker: WorkerRun) -> None:
        """A first build with enough of ``paths`` (files that may be notes) not held to share
        their parsing: the worker process starts now and loads the parser, while this process
        sorts out the files (~0.5 s at 10,000 notes: links, exclusions, display paths), not
        when ``share_parsing`` offers it the first chunk (~0.2 s of start-up, then imports)."""
        if sum(1 for path in paths if path not in self.entries) >= PARSE_SHARE_MIN:
            worker(parser_loaded)

    def load(self, file: Path) -> None:
        """Take the records ``save`` wrote to ``file``, unless another parser wrote them.
        A missing or unreadable file only means parsing everything."""
        payload = read_signed_cache_file(file, "notes")
        if payload is None:
            return  # missing, or not written by this user's paperkb: never unpickled
        try:
            data = pickle.loads(payload)
            if data.get("parser") == parser_fingerprint():
                self.entries = {**data["entries"], **self.entries}
        except Exception:  # noqa: BLE001 - a cache that cannot be read is no error
            pass

    def will_write(self, file: Path) -> bool:
        """Whether ``save(file)`` would write the records now: something changed since the last
        save (a file parsed, or one gone), or there is no file yet and the project is large enough
        to gain from one. A build that will not write them may let go of what only the file needs
        (the records' page sources, once handed to MkDocs: mkdocs_plugin/page_source.py)."""
        if file.exists():
            return self.misses > 0 or bool(set(self.entries) - self._seen)
        return keeps_on_disk(len(self.entries.keys() & self._seen))

    def forget(self) -> None:
        """Let go of the records in memory (the next ``parse`` or ``load`` starts afresh)."""
        self.entries, self._seen, self.misses, self.hits = {}, set(), 0, 0
        self._just_parsed = set()

    def save(self, file: Path) -> None:
        """Write the records of the files parsed since the last save (the ones of deleted
        files are dropped) when ``will_write`` says so; atomic, and a failure only costs speed."""
        write = self.will_write(file)
        seen, self._seen, self.misses, self.hits = self._seen, set(), 0, 0
        for path in set(self.entries) - seen:
            del self.entries[path]
        if not write:
            return
        payload = pickle.dumps({"parser": parser_fingerprint(), "entries": self.entries}, protocol=pickle.HIGHEST_PROTOCOL)
        write_signed_cache_file(file, payload, "notes")  # without a key of the user's, nothing is kept
