"""The Frontier: papers without a note that connect to at least two of your notes.

(a) *New work*: papers citing at least two notes' papers (from the stored citations);
(b) *Missing foundations*: papers cited by at least two notes' papers (from the stored references).
Ranked by how many notes they connect to, then citation count, then year. Dismissed papers
never appear. Linear in the stored citations and references."""

from __future__ import annotations

from dataclasses import dataclass

from ..library import Library
from .note_index import NoteIndex
from .store import ScholarStore, is_dismissed

MIN_NOTES = 2


@dataclass(frozen=True)
class FrontierRow:
    paper: dict
    notes: tuple[str, ...]  # keys of the notes it connects to, sorted

    @property
    def paper_id(self) -> str:
        return str(self.paper.get("paperId"))


@dataclass
class Frontier:
    citing: list[FrontierRow]  # new work on what you have read
    cited: list[FrontierRow]  # foundations you are missing

    def __bool__(self) -> bool:
        return bool(self.citing or self.cited)


def _rank(row: FrontierRow) -> tuple:
    paper = row.paper
    count = paper.get("citationCount")
    year = paper.get("year")
    return (-len(row.notes), -(count if isinstance(count, int) else 0), -(year if isinstance(year, int) else 0),
            str(paper.get("title") or "").casefold(), row.paper_id)


def compute_frontier(library: Library, store: ScholarStore, dismissed: set[str], *,
                     min_notes: int = MIN_NOTES) -> Frontier:
    index = NoteIndex(library, store)
    note_papers = index.by_paper
    sections = []
    for table in (store.citations, store.references):
        links: dict[str, set[str]] = {}
        for pid, key in note_papers.items():
            for item in store.link_ids(table, pid):
                other = item["paperId"]
                if other not in note_papers:
                    links.setdefault(other, set()).add(key)
        rows = []
        for other, keys in links.items():
            if len(keys) < min_notes:
                continue
            paper = store.papers.get(other)
            if paper is None or is_dismissed(paper, dismissed) or index.note_of(paper):
                continue
            rows.append(FrontierRow(paper, tuple(sorted(keys))))
        rows.sort(key=_rank)
        sections.append(rows)
    return Frontier(citing=sections[0], cited=sections[1])
