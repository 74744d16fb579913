"""`paperkb discover`: the graph search over Semantic Scholar's citation graph, from key papers.

``citing``: papers that cite every seed (with ``any_seed``: at least one, ranked by how many);
``cited_by``: papers that every seed cites. Then filters (year, venue, keyword, citations),
ranking and a limit. Seeds are note keys, ``doi:…``, ``arxiv:…``, ``CorpusId:N`` or paperIds.
Everything is read from, and fetched into, the same store as `paperkb enrich`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..library import Library
from .fetch import Fetcher
from .ids import seed_ref
from .note_index import NoteIndex
from .store import is_dismissed

DEFAULT_DISCOVER_CITATIONS = 10000


class SeedError(ValueError):
    """A seed that names no note and no paper (``usage``: the user's spelling is at fault)."""

    def __init__(self, message: str, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class DiscoverQuery:
    seeds: tuple[str, ...]
    citing: bool = True  # False: cited by the seeds
    any_seed: bool = False
    since: int | None = None
    until: int | None = None
    venues: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    min_citations: int | None = None
    limit: int | None = None


@dataclass
class Found:
    paper: dict
    seeds: list[str]  # the seeds (as given) it cites, or is cited by
    note: str | None  # the key of the note for this paper

    def as_json(self) -> dict:
        paper = self.paper
        return {
            "paperId": paper.get("paperId"), "title": paper.get("title"), "year": paper.get("year"),
            "venue": paper.get("venue") or None, "citationCount": paper.get("citationCount"),
            "influentialCitationCount": paper.get("influentialCitationCount"),
            "authors": paper.get("authors") or [], "externalIds": paper.get("externalIds") or {},
            "publicationDate": paper.get("publicationDate"), "abstract": paper.get("abstract"),
            "seeds": self.seeds, "note": self.note,
            "url": f"https://www.semanticscholar.org/paper/{paper.get('paperId')}",
        }


@dataclass
class DiscoverResult:
    found: list[Found]
    total: int  # before the limit
    seed_papers: dict[str, str] = field(default_factory=dict)  # seed as given -> paperId


def resolve_seeds(seeds: tuple[str, ...], library: Library, fetcher: Fetcher) -> dict[str, str]:
    """seed -> paperId: from the store, else notes resolved as `enrich` does and ids asked for,
    all in one batch."""
    found: dict[str, str] = {}
    asks: dict[str, str] = {}
    notes = {}
    for seed in seeds:
        note = library.get(seed)
        if note is not None:
            pid = fetcher.store.paper_of(seed)
            if pid is None:
                notes[seed] = note
            else:
                found[seed] = pid
            continue
        ref = seed_ref(seed)
        if ref is None:
            raise SeedError(f"'{seed}' is neither a note key nor a paper id "
                            "(doi:10.…, arxiv:2203.15556, CorpusId:N, a 40-character paperId)")
        stored = fetcher.find_stored(ref)
        if stored and fetcher.fresh(fetcher.store.papers[stored].get("fetched")):
            found[seed] = stored
        else:
            asks[seed] = ref.api_id
    if notes or asks:
        resolved, missing = fetcher.resolve(list(notes.values()), also=asks.values())
        for seed in notes:
            if seed not in resolved:
                tried = ", ".join(next((m.tried for m in missing if m.note.key == seed), [])) or "nothing"
                raise SeedError(f"note '{seed}' is not found on Semantic Scholar (tried: {tried}); "
                                "give its paper as doi:…, arxiv:… or a paperId", usage=False)
            found[seed] = resolved[seed]
        for seed, api_id in asks.items():
            pid = fetcher.answers.get(api_id)
            if not pid:
                raise SeedError(f"'{seed}' is not found on Semantic Scholar", usage=False)
            found[seed] = pid
    return {seed: found[seed] for seed in seeds}


def discover(query: DiscoverQuery, library: Library, fetcher: Fetcher, dismissed: set[str], *,
             max_citations: int | None = DEFAULT_DISCOVER_CITATIONS) -> DiscoverResult:
    store = fetcher.store
    seed_papers = resolve_seeds(query.seeds, library, fetcher)
    direction = "citations" if query.citing else "references"
    table = store.citations if query.citing else store.references
    linked: dict[str, list[str]] = {}
    for seed, pid in seed_papers.items():
        fetcher.ensure_links(pid, direction, limit=max_citations if query.citing else None)
        for item in store.link_ids(table, pid):
            seeds = linked.setdefault(item["paperId"], [])
            if seed not in seeds:
                seeds.append(seed)
    needed = 1 if query.any_seed else len(seed_papers)
    seed_ids = set(seed_papers.values())
    index = NoteIndex(library, store)
    venues = tuple(v.casefold() for v in query.venues)
    keywords = tuple(k.casefold() for k in query.keywords)
    found: list[Found] = []
    for pid, seeds in linked.items():
        if len(seeds) < needed or pid in seed_ids:
            continue
        paper = store.papers.get(pid)
        if paper is None or is_dismissed(paper, dismissed) or not _passes(paper, query, venues, keywords):
            continue
        found.append(Found(paper, seeds, index.note_of(paper)))
    found.sort(key=lambda f: (-len(f.seeds), -_int(f.paper.get("citationCount")), -_int(f.paper.get("year")),
                              str(f.paper.get("title") or "").casefold(), str(f.paper.get("paperId"))))
    total = len(found)
    if query.limit is not None:
        found = found[: query.limit]
    return DiscoverResult(found, total, seed_papers)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _passes(paper: dict, query: DiscoverQuery, venues: tuple[str, ...], keywords: tuple[str, ...]) -> bool:
    year = paper.get("year")
    if query.since is not None and not (isinstance(year, int) and year >= query.since):
        return False
    if query.until is not None and not (isinstance(year, int) and year <= query.until):
        return False
    if venues:
        venue = str(paper.get("venue") or "").casefold()
        if not any(v in venue for v in venues):
            return False
    if keywords:
        text = f"{paper.get('title') or ''}\n{paper.get('abstract') or ''}".casefold()
        if not all(k in text for k in keywords):
            return False
    if query.min_citations is not None and _int(paper.get("citationCount")) < query.min_citations:
        return False
    return True
