"""A note's Markdown and front-matter handed to MkDocs as the loader found them, instead of MkDocs
parsing the YAML again (core/page_source.py says what is kept and why).

At on_pre_page, right before MkDocs reads the page, the page's ``read_source`` is replaced for
that one call: for a file whose bytes are still those the note cache parsed (their hash), it sets
``page.markdown`` and ``page.meta`` as MkDocs' own reading would; for any other (changed since,
or a page the cache does not know) MkDocs reads it. When another plugin supplies pages' text
(on_page_read_source), MkDocs reads every page as usual. The values come as a PackedDict, a
dict that a full build keeps pickled while nothing reads it (page_memory.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.note_cache import NoteCache
from ..core.packed_dict import PackedDict


def hand_over_source(page: Page, config: MkDocsConfig, cache: NoteCache, *, keep: bool) -> None:
    """Let ``page`` read its source from ``cache`` when it holds it; ``keep=False`` lets the kept
    values go once read: only for a build that does not write the cache's file afterwards (a
    build writing it would leave the next build no page source to hand over)."""
    path = page.file.abs_src_path
    entry = cache.entries.get(str(Path(path))) if path else None
    if (entry is None or entry.page_source is None or type(page).read_source is not Page.read_source
            or config.plugins.events["page_read_source"]):
        return

    def read_source(config: MkDocsConfig) -> None:
        del page.read_source  # one read: the page is a plain Page again
        source = entry.page_source
        if not keep:
            entry.page_source = None
        try:
            raw = Path(path).read_bytes()
        except OSError:
            raw = None
        if source is None or raw is None or hashlib.sha1(raw).digest() != entry.digest:
            page.read_source(config)
            return
        page.markdown, meta = source.read(raw)
        # (waits pickled between MkDocs' rounds, page_memory.py: in the bytes the cache keeps,
        # while the values are the same)
        page.meta = PackedDict(meta, pickled=source.meta)

    page.read_source = read_source  # type: ignore[method-assign]
