"""Pagefind's search bundle made from documents kept in a folder, one per page.

Pagefind's Python API drives the ``pagefind`` binary (shipped inside the ``pagefind[extended]``
package) as a service. Its client reads one reply per 0.1 s, so a page at a time would cost
minutes at 10,000 pages: the documents go to a folder instead and the service indexes the
folder in one call. The folder outlives a build, so ``mkdocs serve`` replaces only the
documents of the pages it rebuilt (``put`` / ``remove``) and re-indexes (``write``)."""

from __future__ import annotations

import asyncio
import os
import posixpath
import shutil
import tempfile
import threading
from pathlib import Path

# What the search page needs from Pagefind's output; its own UIs are not shipped.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class PagefindUnavailable(RuntimeError):
    """The pagefind package or its binary is missing, or the binary failed."""


class PagefindBundle:
    def __init__(self, language: str = "en") -> None:
        self.language = language
        self.folder = Path(tempfile.mkdtemp(prefix="paperkb-search-"))
        self.urls: set[str] = set()

    def _path(self, url: str) -> Path:
        """Where the document of the page at site URL ``url`` goes; Pagefind turns the path back
        into the URL (``papers/x/index.html`` -> ``/papers/x/``)."""
        clean = posixpath.normpath("/" + url).lstrip("/")
        if clean in ("", "."):
            return self.folder / "index.html"
        if url.endswith("/"):
            return self.folder / clean / "index.html"
        return self.folder / (clean if clean.endswith(".html") else clean + "/index.html")

    def put(self, url: str, document: str) -> None:
        path = self._path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A new file, not the old one rewritten: a snapshot (hard links) keeps the old text.
        part = path.with_name(path.name + ".part")
        part.write_text(document, encoding="utf-8")
        os.replace(part, path)
        self.urls.add(url)

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

    def remove(self, url: str) -> None:
        self._path(url).unlink(missing_ok=True)
        self.urls.discard(url)

    def clear(self) -> None:
        for url in list(self.urls):
            self.remove(url)

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
        shutil.rmtree(self.folder, ignore_errors=True)


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
