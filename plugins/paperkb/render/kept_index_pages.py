"""The index pages a full build made (home, statistics, insights, tags, facet indexes), kept for
the next full build over the same notes.

Making them walks every note several times (a table row per note per facet value, every
insight): ~0.2 s at 2,000 short notes, ~0.5 s at 2,000 long ones, more at 10,000. A rebuild
with no note edited makes exactly the same pages, so a full build keeps them beside the other
caches under a digest of everything they are made from: every published note as parsed (all
but its body text, whose insights, links and sections are parsed apart), how many notes cite
each, the drafts' and other pages' names ([[links]] in insights resolve to them), the projects,
where the site map puts each page, the site's name and home text, whether insights may skip
Markdown, and paperkb's code. Any change of those makes the whole set stale. The file is
compressed JSON, signed like every cache file (core/cache_file.py): one someone edited or
planted is not used. Like parsed notes (core/note_cache.py), only projects of some size keep
them: a few dozen notes make their index pages in milliseconds, and get no cache folder."""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import pickle
from pathlib import Path

from ..core.cache_file import read_keyed_json, write_keyed_json
from ..core.library import Library
from ..core.model import Note
from ..core.note_cache import keeps_on_disk
from .diagram_plans import code_fingerprint
from .index_pages import GeneratedPage
from .site_map import SiteMap

KEPT_FILE = "index-pages.json.z"
_CONTEXT = "index-pages"
_FORMAT = 1


# A note as parsed, all but its body text (one C call a note: the digest walks every note)
_note_state = operator.attrgetter(*(f.name for f in dataclasses.fields(Note) if f.name != "body"))


def index_digest(library: Library, site: SiteMap, *, site_name: str, home_intro: str, plain: bool) -> str:
    """A digest of everything the index pages of ``library`` are made from (see the module)."""
    notes = [_note_state(n) for n in sorted(library.notes.values(), key=lambda n: n.key)]
    cited_by = sorted((key, len(edges)) for key, edges in library.in_edges.items())
    names = (sorted((n.key, n.src_uri) for n in library.drafts.values()), sorted(library.pages.items()),
             sorted(library.projects), dataclasses.astuple(library.spellings))
    where = (site.home, site.statistics, site.insights, site.tags, site.explore, site.projects, site.bibliography,
             site.frontier, site.facet_pages, site.graph_pages, site.urls.use_directory_urls, sorted(site.urls.moved.items()))
    inputs = (_FORMAT, notes, cited_by, names, where, site_name, home_intro, plain, code_fingerprint())
    return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


class KeptIndexPages:
    """The kept pages in ``directory`` (None: nothing kept)."""

    min_notes: int | None = None  # None: the note cache's threshold

    def __init__(self, directory: Path | None) -> None:
        self.path = directory / KEPT_FILE if directory else None

    def wanted(self, library: Library) -> bool:
        return self.path is not None and keeps_on_disk(len(library.notes), self.min_notes)

    def get(self, digest: str) -> list[GeneratedPage] | None:
        """The pages kept under ``digest``; None when there are none (or not this user's)."""
        kept = read_keyed_json(self.path, _CONTEXT, digest) if self.path else None
        if kept is None:
            return None
        try:
            return [GeneratedPage(str(p["src_uri"]), str(p["title"]), str(p["markdown"]), bool(p["searchable"]),
                                  tuple(str(h) for h in p["hide"])) for p in kept["pages"]]
        except (TypeError, KeyError, AttributeError):
            return None

    def put(self, digest: str, pages: list[GeneratedPage]) -> None:
        if self.path is not None:  # (compressed: table rows repeat their markup, ~2.4 KB a note, a tenth packed)
            write_keyed_json(self.path, _CONTEXT, digest, {"pages": [
                {"src_uri": p.src_uri, "title": p.title, "markdown": p.markdown, "searchable": p.searchable,
                 "hide": list(p.hide)} for p in pages]})
