"""The search documents of a site's pages, kept in a folder (core/search_document_store.py: signed
records in a few pack files), and the slice of the search index each page belongs to.

Pagefind indexes the documents slice by slice (core/pagefind_slices.py). A page keeps its slice
while it exists; a new page joins the last slice while it has room, else it opens a new one, so
a full build fills the slices in the order the pages are rendered, and a `serve` update
(``put`` / ``remove``) marks only the slices it changed to be indexed again (``take_changed``).

With a cache folder (``keep_in``) the documents stay there between builds: a build writes
only the documents that changed and forgets those of pages that are gone. A document on disk is
used only when it holds exactly the bytes the build made, so nothing read from the cache reaches
the index unchecked. Making a document (jieba's words of every Chinese sentence) costs: a signed
manifest names, per document, a digest of what it was made from and of its bytes, so a page
whose inputs are the same (``reuse``) keeps its document once its record is found to hold those
bytes. A second build of the same project at the same time (a lock says so) works in a temporary
folder instead."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .cache_file import read_signed_cache_file, write_signed_cache_file
from .foreground import IDLE, Foreground
from .pagefind_slices import SLICE_SIZE, SLICE_TEXT, SliceResult, page_weight, write_slice
from .search_document_store import DocumentStore

DOCUMENTS = "documents"  # the store's folder in the bundle's
_OWN_ENTRIES = {DOCUMENTS, "manifest.json", ".lock"}


class PagefindBundle:
    def __init__(self, language: str = "en", keep_in: Path | None = None, slice_size: int = SLICE_SIZE,
                 slice_text: int = SLICE_TEXT) -> None:
        self.language = language
        self.keep_in = keep_in
        self.slice_size = max(1, slice_size)
        self.slice_text = slice_text
        self._lock = _lock_folder(keep_in) if keep_in is not None else None
        if self._lock is not None:
            self.folder = keep_in
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="paperkb-search-"))
        self.store = DocumentStore(self.documents_folder)
        self.urls: set[str] = set()
        self._unconfirmed: set[str] = set()  # documents kept from before that no page of this build has put yet
        # page URL -> its document's name in the folder (a Path of its own each, kept for every
        # page to the end of a build, was ~0.4 KB a page: the path is joined when asked for)
        self._names: dict[str, str] = {}
        # document name -> (digest of what it was made from, digest of its bytes, their number)
        self._made_from: dict[str, tuple[str, str, int]] = {}
        # The slice of each page, in the order pages joined; slices whose bundle is out of date.
        # (`serve` indexes in a background thread while the next update puts documents.)
        self._slice_lock = threading.Lock()
        self._slice_of: dict[str, int] = {}
        self._slice_pages: dict[int, int] = {}
        self._slice_weight: dict[int, int] = {}  # the text its pages brought when they joined
        self._page_weight: dict[str, int] = {}
        self._changed: set[int] = set()

    @property
    def _manifest(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def documents_folder(self) -> Path:
        """Where the store's packs are (the search documents' process writes there too)."""
        return self.folder / DOCUMENTS

    @property
    def kept(self) -> bool:
        """The documents stay in a cache folder after ``close``."""
        return self._lock is not None

    def document_name(self, url: str) -> str:
        """The name of the document of the page at site URL ``url`` (``papers/x/index.html``),
        worked out once per page (every build asks for each page's several times)."""
        name = self._names.get(url)
        if name is None:
            clean = posixpath.normpath("/" + url).lstrip("/")
            if clean in ("", "."):
                name = "index.html"
            elif url.endswith("/"):
                name = clean + "/index.html"
            else:
                name = clean if clean.endswith(".html") else clean + "/index.html"
            self._names[url] = name
        return name

    def begin(self) -> None:
        """A full build starts: every document kept from before waits for its page to put it
        again; those no page puts are forgotten when the build is over (``settle``)."""
        self.urls = set()
        self._made_from = {}
        self._remove_documents_as_files()
        with self._slice_lock:
            self._slice_of, self._slice_pages, self._changed = {}, {}, set()
            self._slice_weight, self._page_weight = {}, {}
        if self.kept:
            try:
                data = json.loads(read_signed_cache_file(self._manifest, "search documents") or b"{}")
                self._made_from = {str(k): (str(v[0]), str(v[1]), int(v[2]) if len(v) > 2 else 0)
                                   for k, v in data.items()}
            except (ValueError, TypeError, IndexError, AttributeError):  # unreadable: documents are made again
                self._made_from = {}
        self._unconfirmed = set(self._made_from)

    def _remove_documents_as_files(self) -> None:
        """Remove what an earlier paperkb kept here: a file per document, in folders per page."""
        try:
            entries = [entry for entry in os.scandir(self.folder) if entry.name not in _OWN_ENTRIES]
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass

    def reuse(self, url: str, made_from: str, html_length: int = 0) -> bool:
        """Keep the document of ``url`` if it was made from ``made_from`` (a digest of the
        page's text and facets) and its record still holds the bytes it was made with.
        ``html_length``: the page's HTML, which the document is made from (its slice's share)."""
        name = self.document_name(url)
        known = self._made_from.get(name)
        if known is None or known[0] != made_from:
            return False
        data = self.store.get(name)
        if data is None or hashlib.sha1(data).hexdigest() != known[1]:
            return False
        self._unconfirmed.discard(name)
        self.urls.add(url)
        self.slice_of(url, html_length)
        return True

    def put(self, url: str, document: str, made_from: str | None = None, html_length: int = 0) -> None:
        name = self.document_name(url)
        before = self._made_from.get(name)
        self.adopt(url, changed=False, html_length=html_length)
        data = document.encode("utf-8")
        written = hashlib.sha1(data).hexdigest()
        # (the same document as last time, its record intact: none written)
        if before is None or before[1] != written or self.store.get(name) != data:
            self.store.put(name, data)
        if made_from is not None:
            self.made(name, made_from, written, len(data))
        if before is None or before[1] != written:  # (the same bytes: its slice's bundle holds them)
            self._page_changed(url)

    def adopt(self, url: str, *, changed: bool = True, html_length: int = 0) -> str:
        """The name of the document of ``url``, also when another process writes it (render/
        search_document_process.py: ``made`` records it then); the page has a document now."""
        name = self.document_name(url)
        self._unconfirmed.discard(name)
        self.urls.add(url)
        self._made_from.pop(name, None)
        self.slice_of(url, html_length)
        if changed:
            self._page_changed(url)
        return name

    # -- slices ------------------------------------------------------------------------------------
    def slice_of(self, url: str, html_length: int = 0) -> int:
        """The slice of the page at ``url``: its own, or the last one while it has room for one
        more page of ``html_length`` characters of HTML (a new slice when it is full: pages or
        text, pagefind_slices.SLICE_TEXT); a page that joins a slice changes it."""
        with self._slice_lock:
            number = self._slice_of.get(url)
            if number is None:
                number = max(self._slice_pages, default=0)
                weight = page_weight(html_length)
                pages = self._slice_pages.get(number, 0)
                if pages >= self.slice_size or pages and self._slice_weight.get(number, 0) + weight > self.slice_text:
                    number += 1
                self._slice_of[url] = number
                self._slice_pages[number] = self._slice_pages.get(number, 0) + 1
                self._slice_weight[number] = self._slice_weight.get(number, 0) + weight
                self._page_weight[url] = weight
                self._changed.add(number)
            return number

    def _page_changed(self, url: str) -> None:
        with self._slice_lock:
            if url in self._slice_of:
                self._changed.add(self._slice_of[url])

    @property
    def slices(self) -> list[int]:
        """The slices that hold pages, in order."""
        with self._slice_lock:
            return sorted(n for n, count in self._slice_pages.items() if count)

    def take_changed(self) -> dict[int, list[str]]:
        """The slices changed since the last call, each with its pages in the order they joined
        (an empty list: the slice has none left); they count as indexed from now on."""
        with self._slice_lock:
            changed, self._changed = self._changed, set()
            members: dict[int, list[str]] = {n: [] for n in changed}
            for url, number in self._slice_of.items():
                if number in members:
                    members[number].append(url)
            return members

    def index_again(self, slices: set[int]) -> None:
        """Index these slices again next time (their indexing failed)."""
        with self._slice_lock:
            self._changed |= slices

    def documents(self, urls: list[str]) -> Iterator[tuple[str, str]]:
        """(url, document) of each page that has one now."""
        for url in urls:
            data = self.store.get(self.document_name(url))
            if data is not None:  # (None: removed meanwhile, as `serve` goes on while this runs)
                yield url, data.decode("utf-8")

    def index(self, output: Path, slices: dict[int, list[str]], foreground: Foreground = IDLE) -> list[SliceResult]:
        """Write the bundle of each of ``slices`` (``take_changed``) into ``output``, one slice
        after the other; a slice with no pages left keeps no bundle. ``foreground``: what the
        indexing steps aside for (`serve`'s updates)."""
        results = []
        for number, urls in sorted(slices.items()):
            if urls:
                results.append(write_slice(self.language, output, number, self.documents(urls), foreground))
            else:
                shutil.rmtree(output / str(number), ignore_errors=True)
        return results

    def made(self, name: str, made_from: str, digest: str, size: int) -> None:
        """The document ``name`` was made from ``made_from``; its ``size`` bytes have ``digest``."""
        self._made_from[name] = (made_from, digest, size)

    def remove(self, url: str) -> None:
        name = self.document_name(url)
        self.store.forget(name)
        self._made_from.pop(name, None)
        self.urls.discard(url)
        with self._slice_lock:
            number = self._slice_of.pop(url, None)
            if number is not None:
                self._slice_pages[number] -= 1
                self._slice_weight[number] -= self._page_weight.pop(url, 0)
                self._changed.add(number)

    def settle(self) -> None:
        """A full build is over: the documents of pages it did not make go, and the manifest of
        the others is saved (a kept folder) with the packs rewritten when mostly dead records."""
        for name in self._unconfirmed:
            self.store.forget(name)
            self._made_from.pop(name, None)
        self._unconfirmed = set()
        if self.kept:
            write_signed_cache_file(self._manifest, json.dumps(self._made_from, sort_keys=True).encode("utf-8"),
                                    "search documents")
            self.store.compact(self._made_from.keys(), sum(known[2] for known in self._made_from.values()))

    def close(self) -> None:
        self.store.close()
        if self._lock is not None:  # the documents stay for the next build
            self._lock.close()
            self._lock = None
            return
        shutil.rmtree(self.folder, ignore_errors=True)


def _lock_folder(folder: Path):
    """An open lock file that holds ``folder`` for this process; None when another process
    holds it (or locks are not available here)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: every build gets a temporary folder
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / ".lock", "a+b")
    except OSError:
        return None
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return None
    return lock
