"""`paperkb enrich`: resolve every published note to its paper and store its metadata, references
and citations (at most ``max_citations``, newest first). Notes are never written."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..library import Library
from .fetch import Fetcher, Unresolved

DEFAULT_MAX_CITATIONS = 2000


@dataclass
class EnrichSummary:
    resolved: dict[str, str] = field(default_factory=dict)  # note key -> paperId
    unresolved: list[Unresolved] = field(default_factory=list)
    papers_fetched: int = 0
    requests: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{len(self.resolved)} notes resolved, {len(self.unresolved)} unresolved; "
                f"{self.papers_fetched} papers fetched; {self.requests} requests; {self.seconds:.1f} s")


def enrich(library: Library, fetcher: Fetcher, *, max_citations: int = DEFAULT_MAX_CITATIONS,
           progress: Callable[[str, int], Callable[[int], None]] | None = None,
           summary: EnrichSummary | None = None) -> EnrichSummary:
    """Fill ``fetcher.store`` for the library's published notes (drafts are never looked up).

    ``progress(label, total)`` returns a function advancing a bar by n; ``summary`` is filled as
    the run goes, so a caller that is interrupted still reports what was done."""
    start = time.monotonic()
    summary = summary if summary is not None else EnrichSummary()
    first_requests = fetcher.client.requests
    notes = sorted(library, key=lambda n: n.key)
    bar = progress("resolving notes", len(notes)) if progress else (lambda n: None)
    try:
        summary.resolved, summary.unresolved = fetcher.resolve(notes, bar)
        papers = sorted(set(summary.resolved.values()))
        bar = progress("references and citations", len(papers)) if progress else (lambda n: None)
        for pid in papers:
            fetcher.ensure_links(pid, "references")
            fetcher.ensure_links(pid, "citations", limit=max_citations)
            bar(1)
    finally:
        summary.papers_fetched = len(fetcher.papers_written)
        summary.requests = fetcher.client.requests - first_requests
        summary.seconds = time.monotonic() - start
    return summary
