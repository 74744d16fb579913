"""Search documents made and indexed by a separate process, while MkDocs renders the pages.

Cutting Chinese text into words (render/search_document.py) loads jieba's dictionary: about
60 MB in the process that holds it, for the rest of its life. A full build hands each page's
document parts to a child process instead (one JSON line each, through a pipe), or only the
name of the document kept from the last build; the child makes the documents, stores them
(core/search_document_store.py), lists each one's digest in a file, and indexes them slice by
slice from memory (core/pagefind_slices.py):
as soon as the pages of a slice are all in, one Pagefind process indexes it and writes its
bundle while the build renders the next pages. The build process never loads jieba, the child
and its indexer work on the second core while MkDocs renders, and only one indexer lives at a
time. A thread reads the pipe all along, so the build never waits while a slice is indexed.
With a folder for kept slices (core/pagefind_slices.KeptSlices), a slice whose pages and
documents are those of the last build is copied from there instead of being indexed again.

``mkdocs serve`` keeps making documents in its own process (serve.py re-renders a few pages at a
time, and a process at every edit would cost more than the dictionary)."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..core import chinese_words
from ..core.free_memory import give_back_free_memory, map_large_blocks, one_heap
from ..core.helper_priority import SEARCH_NICENESS, lower_priority
from ..core.packed_text import pack, unpack
from ..core.pagefind_service import PagefindUnavailable
from ..core.pagefind_slices import KeptSlices, SliceResult, write_slice
from ..core.pipe_size import widen_pipe
from ..core.search_document_store import DocumentStore
from .search_document import search_document


class DocumentProcessFailed(RuntimeError):
    """The child process could not make every document."""


@dataclass
class Finished:
    """What the child did: each new document's name, what it was made from, the digest of its
    bytes and their number; the slices it indexed; why it could not index them, if so."""

    documents: list[tuple[str, str, str, int]] = field(default_factory=list)
    slices: list[SliceResult] = field(default_factory=list)
    error: str | None = None


class DocumentProcess:
    """The child process making search documents and indexing them; started by the first page."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._made: Path | None = None  # where the child lists (path, made_from, digest) of each document
        self.output: Path | None = None  # the site's search folder: slices' bundles go there
        self.language = "en"
        self.kept_slices: Path | None = None  # where slices' bundles are kept for the next build
        self.documents_folder: Path | None = None  # the document store's (None: nothing is kept)

    def put(self, url: str, slice_number: int, name: str, made_from: str, **parts: Any) -> None:
        """Have the document of ``parts`` (``search_document``'s arguments) stored as ``name``
        and indexed in its slice as the page at ``url``."""
        self._send({"url": url, "slice": slice_number, "name": name, "made_from": made_from, **parts})

    def keep(self, url: str, slice_number: int, name: str) -> None:
        """Have the document stored as ``name`` (kept from the last build) indexed in its slice."""
        self._send({"url": url, "slice": slice_number, "name": name})

    def _send(self, job: dict[str, Any]) -> None:
        if self._child is None:
            if self.output is None:
                raise DocumentProcessFailed("no folder for the search index was given")
            handle, name = tempfile.mkstemp(prefix="paperkb-documents-", suffix=".jsonl")
            os.close(handle)
            self._made = Path(name)
            kept = str(self.kept_slices) if self.kept_slices is not None else ""
            store = str(self.documents_folder) if self.documents_folder is not None else ""
            self._child = subprocess.Popen([sys.executable, "-m", __name__, name, str(self.output), self.language, kept,
                                            store],
                                           stdin=subprocess.PIPE, text=True, encoding="utf-8")
            widen_pipe(self._child.stdin)
        assert self._child.stdin is not None
        if self._child.stdin.closed:
            raise DocumentProcessFailed("a page was rendered after the search documents' process was told every page was in")
        try:
            self._child.stdin.write(json.dumps(job, ensure_ascii=False) + "\n")
        except (BrokenPipeError, OSError) as exc:
            raise DocumentProcessFailed(f"the search documents' process ended early ({exc})") from exc

    def running(self) -> bool:
        """Whether the child still makes documents or indexes them (it ends after its last slice)."""
        return self._child is not None and self._child.poll() is None

    def end(self) -> None:
        """Every page is in: the child indexes its last slice and ends while the build goes on
        (``finish`` collects what it did). Its memory (jieba's dictionary, the last indexer)
        is gone before the build writes its pages, when the build process is at its largest."""
        child = self._child
        if child is None or child.stdin is None or child.stdin.closed:
            return
        try:
            child.stdin.write(json.dumps({"end": True}) + "\n")
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def finish(self) -> Finished:
        """Wait until every document is written and every slice indexed (the process ends);
        raises if a document was not written."""
        self.end()
        child, made, self._child, self._made = self._child, self._made, None, None
        if child is None or made is None:
            return Finished()
        try:
            if child.wait() != 0:
                raise DocumentProcessFailed(f"the search documents' process failed (exit {child.returncode})")
            finished = Finished()
            for line in made.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if isinstance(record, list):
                    finished.documents.append((record[0], record[1], record[2], int(record[3])))
                elif record.get("error"):
                    finished.error = record["error"]
                else:
                    finished.slices.append(SliceResult(record["slice"], record["pages"], record["failed"],
                                                       kept=bool(record.get("kept"))))
            return finished
        finally:
            made.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop the process without waiting for its documents (a failed or interrupted build)."""
        child, made, self._child, self._made = self._child, self._made, None, None
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        if made is not None:
            made.unlink(missing_ok=True)


def _lines(stream: IO[str]) -> "queue.SimpleQueue[bytes | None]":
    """The lines of ``stream`` as they come, read by a thread (None at its end), each packed
    (core/packed_text.py): the build renders pages faster than this niced process makes their
    documents, so lines wait here, ~14 MB of text at 10,000 short notes while the build is at
    its largest; packed, they hold a third of that for ~20 µs a line."""
    lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def read() -> None:
        for line in stream:
            lines.put(pack(line))
        lines.put(None)

    threading.Thread(target=read, name="paperkb-document-jobs", daemon=True).start()
    return lines


def main(made_file: str, output: str, language: str, kept_folder: str = "", documents_folder: str = "",
         stream: IO[str] = sys.stdin) -> int:
    """Make, store and index the documents the build sends; 1 if it stops without saying it ended.
    ``kept_folder``: where slices' bundles are kept between builds; ``documents_folder``: the
    document store's ("": none, documents are held in memory)."""
    one_heap()  # (before the reading thread starts)
    lower_priority(SEARCH_NICENESS)  # the build keeps its core (core/helper_priority.py); Pagefind inherits it
    map_large_blocks()  # (a slice's bundle comes back from Pagefind as megabytes of text, once)
    lines = _lines(stream)
    kept = KeptSlices(Path(kept_folder), language) if kept_folder else None
    store = DocumentStore(Path(documents_folder) if documents_folder else None)
    # slice -> its pages (url -> document's name), in order
    pages: dict[int, dict[str, str]] = {}
    # the documents made here that wait for their slice to be indexed, by name (not read back)
    waiting: dict[str, str] = {}
    # the SHA-256 of each document made here, by name, for its slice's key (not read back for
    # it); a slice's are let go once it is indexed
    made_digests: dict[str, bytes] = {}
    written: set[int] = set()
    again: set[int] = set()  # slices that got a page after their bundle was written
    current: int | None = None
    failure: list[str] = []  # once Pagefind failed, documents are still made but nothing is indexed
    with open(made_file, "w", encoding="utf-8") as made:
        def index(number: int) -> None:
            written.add(number)
            if failure:
                return
            members = list(pages[number].items())
            # What making the documents freed goes back to the system while Pagefind indexes:
            # the last slices are indexed as the build is at its largest (~10 MB at 2,000 notes).
            give_back_free_memory()
            documents = ((url, _document(name, waiting, store)) for url, name in members)
            try:
                key = kept.key(members, store.get, made_digests) if kept is not None else None
                result = kept.restore(number, key, Path(output)) if key is not None else None
                if result is None:
                    result = write_slice(language, Path(output), number, documents)
                    if key is not None:
                        kept.keep(number, key, Path(output), result)
            except (PagefindUnavailable, OSError) as exc:
                failure.append(f"the search index was not written: {exc}")
                made.write(json.dumps({"error": failure[0]}) + "\n")
                return
            made.write(json.dumps({"slice": number, "pages": result.pages, "failed": result.failed,
                                   "kept": result.kept}) + "\n")
            for _url, name in members:
                made_digests.pop(name, None)
                waiting.pop(name, None)

        while (line := lines.get()) is not None:
            job = json.loads(unpack(line))
            if job.get("end"):
                chinese_words.forget()  # (every document is made: the trim before indexing returns it)
                for number in sorted({current} - {None} | again):
                    index(number)
                if kept is not None and not failure:
                    kept.prune(written)
                return 0
            url, number, name = job.pop("url"), int(job.pop("slice")), job.pop("name")
            if "made_from" in job:
                made_from = job.pop("made_from")
                document = search_document(**job)
                data = document.encode("utf-8")
                store.put(name, data)
                waiting[name] = document
                made.write(json.dumps([name, made_from, hashlib.sha1(data).hexdigest(), len(data)]) + "\n")
                if kept is not None:
                    made_digests[name] = hashlib.sha256(data).digest()
            if current is not None and number != current and current not in written:
                index(current)  # the pages of a slice come one after the other: this one is whole
            if number in written:
                again.add(number)
            pages.setdefault(number, {})[url] = name
            current = number
    return 1


def _document(name: str, waiting: dict[str, str], store: DocumentStore) -> str:
    """The document ``name``: made here and waiting, else from the store (kept from the last
    build, or made here for a slice indexed before)."""
    document = waiting.get(name)
    if document is not None:
        return document
    data = store.get(name)
    if data is None:  # (gone or not signed by this user since the build asked for it)
        raise OSError(f"the search document {name} could not be read")
    return data.decode("utf-8")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
