"""Pagefind's browser script, mended where it costs a large site its filter-only searches.

Pagefind 1.5 answers a search with filters and no words (``search(null, {filters})``: the search
panel's filter chosen with an empty box) by asking its WASM which index chunks the empty term
needs, and an empty term matches every chunk: at 10,000 notes each such search fetched the whole
index, 575 chunks and 10 MB over the 11 slices, 8.5 s on a loaded machine, though a filter-only
search reads only the filter chunks and the pages' metadata. Pagefind fixed this after 1.5.2
(pagefind/pagefind#1317, "Don't request index chunks for an empty search term"); until a release
with the fix is out, each slice's script is given the same change when its bundle is written:
no index chunks for a filter-only search. A script without the line (a later Pagefind) is left
as it is."""

from __future__ import annotations

from pathlib import Path

SCRIPTS = ("pagefind.js", "pagefind-worker.js")  # the search in the page's thread and in Pagefind's worker
_ASKS_EVERY_CHUNK = "let index_resp=this.backend.request_indexes(ptr,term);"
_FILTER_ONLY = "let filter_only=term===null;"  # (what the mended line reads: set just before it)
_ASKS_NONE_WHEN_FILTER_ONLY = 'let index_resp=filter_only&&!term?"[]":this.backend.request_indexes(ptr,term);'


def mend_filter_only_search(bundle: Path) -> list[str]:
    """Give the scripts of the Pagefind bundle in ``bundle`` the fix; the names of those changed."""
    mended = []
    for name in SCRIPTS:
        path = bundle / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        if text.count(_ASKS_EVERY_CHUNK) == 1 and _FILTER_ONLY in text:
            path.write_text(text.replace(_ASKS_EVERY_CHUNK, _ASKS_NONE_WHEN_FILTER_ONLY), encoding="utf-8")
            mended.append(name)
    return mended
