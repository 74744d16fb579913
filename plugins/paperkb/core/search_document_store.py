"""Where the search documents of a site's pages are kept: signed records in a few pack files
(core/record_packs.py), by document name, not a file each.

A file per document cost the search documents' process most of its CPU in the kernel: at 10,000
short notes 10,000 folders and files made, each probed first and read back to be indexed (41,000
``openat`` and 10,000 ``mkdir`` calls, ~200-300 µs each while MkDocs wrote the site beside it:
18-19 s of system time against ~2.8 s of its own work). Appended to a pack, a document costs one
``write``. Records are signed under the user's key, so a document planted or edited in the
cache is not taken (``get`` answers None and the page's document is made again). Where no record
can be written (no user key, a folder that cannot be written) documents are held in memory for
as long as this store lives.

Each put appends: a document made again leaves its older record behind. ``compact`` rewrites the
packs with the live documents alone when the dead records outweigh them."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .record_packs import RecordPacks

COMPACT_MIN_BYTES = 1 << 20  # packs this small are never rewritten
RECORD_OVERHEAD = 100  # a record's bytes beside its document's: its head and the document's name


class DocumentStore:
    """Search documents by name in the packs of ``folder``; in memory alone when ``folder`` is None."""

    def __init__(self, folder: Path | None) -> None:
        self._packs = RecordPacks(folder) if folder is not None else None
        self._held: dict[str, bytes] = {}  # documents no record could be written for

    def put(self, name: str, data: bytes) -> None:
        if self._packs is not None and self._packs.put(name, data):
            self._held.pop(name, None)
        else:
            self._held[name] = data

    def get(self, name: str) -> bytes | None:
        """The document last put under ``name``; None when there is none, or its record's
        signature does not hold."""
        held = self._held.get(name)
        if held is not None or self._packs is None:
            return held
        return self._packs.get(name)

    def forget(self, name: str) -> None:
        """The page is gone: its document is not held any more (a record stays until ``compact``)."""
        self._held.pop(name, None)

    def compact(self, live: Collection[str], live_bytes: int) -> None:
        """Rewrite the packs with the documents of ``live`` alone (``live_bytes`` of them) when
        the records of documents replaced or gone take more room than they do. Only the holder
        of the folder calls it (core/pagefind_bundle.py's lock), when no other process writes there."""
        if self._packs is None:
            return
        total = self._packs.size()
        if total >= COMPACT_MIN_BYTES and total > 2 * (live_bytes + RECORD_OVERHEAD * len(live)):
            self._packs.keep_only(live)

    def close(self) -> None:
        if self._packs is not None:
            self._packs.close()
