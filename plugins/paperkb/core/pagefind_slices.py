"""A site's search index cut into slices: a Pagefind bundle per slice of pages, one indexer at a time.

Pagefind's indexer holds every page it indexes in memory until it writes the bundle (~280 KB a
long note, ~94 KB a short one): a whole site of 10,000 notes at once took 2.8 GB. A slice holds
at most ``slice_size`` pages; ``write_slice`` feeds a slice's pages to one Pagefind process,
which writes its bundle and ends before the next slice starts, so the indexer's memory stays
that of one slice. The browser loads the slices as one search (Pagefind's ``mergeIndex``: the search
worker, assets/search-worker.js): results are merged by score and filter counts added up.

On the site::

    pagefind/paperkb-slices.json   {"slices": ["0", "1", ...]}: the bundles to load, the first one primary
    pagefind/0/                    a whole Pagefind bundle (pagefind.js, its WASM, index, fragments)
    pagefind/1/ ...

Which page goes into which slice is decided by core/pagefind_bundle.py (a new page joins the
last slice while it has room), so a slice keeps its pages from one `serve` update to the next
and an update indexes again only the slices it changed."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .foreground import IDLE, Foreground
from .pagefind_script import mend_filter_only_search
from .pagefind_service import PagefindService

SLICE_SIZE = 1000  # pages per slice: an indexer of ~300 MB for long notes (~95 MB short ones); 10 slices at 10,000
SLICES_FILE = "paperkb-slices.json"
# What the search page needs from Pagefind's output; its own UIs are not shipped.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_SLICE_NAME = re.compile(r"^\d+$")


def page_address(url: str) -> str:
    """The address Pagefind gives a page's results: the site path of its MkDocs URL."""
    return "/" + url.lstrip("/")


@dataclass(frozen=True)
class SliceResult:
    number: int
    pages: int  # pages in its bundle
    failed: list[str]  # Pagefind's message for each page it refused


def write_slice(language: str, output: Path, number: int, pages: Iterable[tuple[str, str]],
                foreground: Foreground = IDLE) -> SliceResult:
    """Index ``pages`` (MkDocs URL, search document) with one Pagefind process and write their
    bundle into ``output/<number>`` (the site's ``pagefind`` folder), replacing the slice's old one.
    ``foreground``: `serve`'s updates, which the indexing steps aside for (core/foreground.py)."""
    staging = output / f"{number}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    service = PagefindService(language, foreground)
    try:
        for url, html in pages:
            foreground.wait_turn()
            service.add(page_address(url), html)
        foreground.wait_turn()
        count = service.write(staging, leave_out=_UNUSED)
        mend_filter_only_search(staging)  # (no index chunks for a search with filters and no words)
    except BaseException:
        service.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = output / str(number)
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return SliceResult(number, count, service.failed)


def write_slices_file(output: Path, slices: list[int]) -> None:
    """Name the bundles the browser loads (``slices``, in order) and remove the folders of
    slices that are no longer there (pages deleted while serving, an earlier `--dirty` build)."""
    output.mkdir(parents=True, exist_ok=True)
    names = [str(n) for n in sorted(slices)]
    for folder in output.iterdir():
        if folder.is_dir() and _SLICE_NAME.match(folder.name.removesuffix(".tmp")) and (
                folder.name not in names):
            shutil.rmtree(folder, ignore_errors=True)
    part = output / (SLICES_FILE + ".part")  # (`serve`: a reader loading meanwhile gets the old list or the new)
    part.write_text(json.dumps({"slices": names}), encoding="utf-8")
    os.replace(part, output / SLICES_FILE)
