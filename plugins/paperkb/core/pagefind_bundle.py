"""Pagefind's search bundle made from documents kept in a folder, one per page.

Pagefind's Python API drives the ``pagefind`` binary (shipped inside the ``pagefind[extended]``
package) as a service. Its client reads one reply per 0.1 s, so a page at a time would cost
minutes at 10,000 pages: the documents go to a folder instead and the service indexes the
folder in one call. The folder outlives a build, so ``mkdocs serve`` replaces only the
documents of the pages it rebuilt (``put`` / ``remove``) and re-indexes (``write``).

With a cache folder (``keep_in``) the documents stay there between builds: a build rewrites
only the documents that changed and removes those of pages that are gone. Files are what a
build costs most on some disks (removing 2,000 of them took 4-13 s here, against ~0.5 s to
write them); a document on disk is used only when it holds exactly the bytes the build made,
so nothing read from the cache reaches the index unchecked. Making a document (jieba's words of
every Chinese sentence) costs too: a signed manifest names, per document, a digest of what it was
made from and of its bytes, so a page whose inputs are the same (``reuse``) keeps its document
once the file is found to hold those bytes. A second build of the same project at the same time
(a lock says so) works in a temporary folder instead."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
import threading
from pathlib import Path

from .cache_file import read_signed_cache_file, write_signed_cache_file

# What the search page needs from Pagefind's output; its own UIs are not shipped.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class PagefindUnavailable(RuntimeError):
    """The pagefind package or its binary is missing, or the binary failed."""


class PagefindBundle:
    def __init__(self, language: str = "en", keep_in: Path | None = None) -> None:
        self.language = language
        self.keep_in = keep_in
        self._lock = _lock_folder(keep_in) if keep_in is not None else None
        if self._lock is not None:
            self.folder = keep_in
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="paperkb-search-"))
        self.urls: set[str] = set()
        self._unconfirmed: set[Path] = set()  # documents on disk no page of this build has put yet
        # document path (relative) -> (digest of what it was made from, digest of its bytes)
        self._made_from: dict[str, tuple[str, str]] = {}

    @property
    def _manifest(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def kept(self) -> bool:
        """The documents stay in a cache folder after ``close``."""
        return self._lock is not None

    def _path(self, url: str) -> Path:
        """Where the document of the page at site URL ``url`` goes; Pagefind turns the path back
        into the URL (``papers/x/index.html`` -> ``/papers/x/``)."""
        clean = posixpath.normpath("/" + url).lstrip("/")
        if clean in ("", "."):
            return self.folder / "index.html"
        if url.endswith("/"):
            return self.folder / clean / "index.html"
        return self.folder / (clean if clean.endswith(".html") else clean + "/index.html")

    def begin(self) -> None:
        """A full build starts: every document on disk waits for its page to put it again;
        those no page puts are removed before indexing (``write``)."""
        self.urls = set()
        self._unconfirmed = set(self.folder.rglob("*.html"))
        self._made_from = {}
        if self.kept:
            try:
                data = json.loads(read_signed_cache_file(self._manifest, "search documents") or b"{}")
                self._made_from = {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}
            except (ValueError, TypeError, IndexError, AttributeError):  # unreadable: documents are made again
                self._made_from = {}

    def reuse(self, url: str, made_from: str) -> bool:
        """Keep the document of ``url`` if it was made from ``made_from`` (a digest of the
        page's text and facets) and its file still holds the bytes it was written with."""
        path = self._path(url)
        known = self._made_from.get(self._name(path))
        if known is None or known[0] != made_from:
            return False
        try:
            if hashlib.sha1(path.read_bytes()).hexdigest() != known[1]:
                return False
        except OSError:
            return False
        self._unconfirmed.discard(path)
        self.urls.add(url)
        return True

    def put(self, url: str, document: str, made_from: str | None = None) -> None:
        path = self.adopt(url)
        written = write_document(path, document)
        if made_from is not None:
            self.made(path, made_from, written)

    def adopt(self, url: str) -> Path:
        """Where the document of ``url`` goes, also when another process writes it (render/
        search_document_process.py: ``made`` records it then); the page has a document now."""
        path = self._path(url)
        self._unconfirmed.discard(path)
        self.urls.add(url)
        self._made_from.pop(self._name(path), None)
        return path

    def made(self, path: Path, made_from: str, digest: str) -> None:
        """The document at ``path`` was made from ``made_from`` and its bytes have ``digest``."""
        self._made_from[self._name(path)] = (made_from, digest)

    def snapshot(self) -> "PagefindBundle":
        """A copy of the documents as they are now (hard links: instant, and untouched by
        later ``put``), to index in the background while pages go on changing."""
        copy = PagefindBundle(self.language)
        copy.urls = set(self.urls)
        for folder, _dirs, names in os.walk(self.folder):
            pages = [name for name in names if name.endswith(".html")]
            if not pages:
                continue
            target = copy.folder / os.path.relpath(folder, self.folder)
            target.mkdir(parents=True, exist_ok=True)
            for name in pages:
                try:
                    try:
                        os.link(os.path.join(folder, name), target / name)
                    except OSError:
                        shutil.copyfile(os.path.join(folder, name), target / name)
                except FileNotFoundError:  # removed meanwhile (`serve` goes on while this runs)
                    pass
        return copy

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def remove(self, url: str) -> None:
        path = self._path(url)
        path.unlink(missing_ok=True)
        self._made_from.pop(self._name(path), None)
        self.urls.discard(url)

    def _drop_unconfirmed(self) -> None:
        for path in self._unconfirmed:
            path.unlink(missing_ok=True)
            self._made_from.pop(self._name(path), None)
        self._unconfirmed = set()
        if self.kept:
            write_signed_cache_file(self._manifest, json.dumps(self._made_from, sort_keys=True).encode("utf-8"),
                                    "search documents")

    def write(self, output: Path) -> int:
        """Index every document and write the bundle into ``output`` (replaced whole); the number
        of pages indexed."""
        try:
            from pagefind.index import IndexConfig, PagefindIndex
            from pagefind.service import get_executable
        except ImportError as exc:  # pragma: no cover - a dependency of paperkb
            raise PagefindUnavailable(f"the pagefind package is not installed ({exc})") from exc
        if get_executable() is None:
            raise PagefindUnavailable("no pagefind binary (pip install 'pagefind[extended]')")
        self._drop_unconfirmed()  # pages of an earlier build that this one did not make
        staging = output.with_name(output.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)

        async def run() -> int:
            config = IndexConfig(force_language=self.language, output_path=str(staging))
            async with PagefindIndex(config=config) as index:
                result = await index.add_directory(str(self.folder))
            return int(result.get("page_count", 0))

        try:
            pages = _run_async(run)
        except Exception as exc:  # the service reports its failures as plain exceptions
            shutil.rmtree(staging, ignore_errors=True)
            raise PagefindUnavailable(f"pagefind failed: {exc}") from exc
        for name in _UNUSED:
            (staging / name).unlink(missing_ok=True)
        shutil.rmtree(output, ignore_errors=True)
        staging.rename(output)
        return pages

    def close(self) -> None:
        if self._lock is not None:  # the documents stay for the next build
            self._lock.close()
            self._lock = None
            return
        shutil.rmtree(self.folder, ignore_errors=True)


def write_document(path: Path, document: str) -> str:
    """Write one document (unless the file holds it already); the SHA-1 of its bytes."""
    data = document.encode("utf-8")
    try:
        if path.read_bytes() == data:  # the same document as last time: no file written
            return hashlib.sha1(data).hexdigest()
    except OSError:  # no document yet
        path.parent.mkdir(parents=True, exist_ok=True)
    # A new file, not the old one rewritten: a snapshot (hard links) keeps the old text.
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
    return hashlib.sha1(data).hexdigest()


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


def _run_async(make_coroutine):
    """Run a coroutine to its end from synchronous code, also when this thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
