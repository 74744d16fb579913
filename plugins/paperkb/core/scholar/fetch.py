"""Fetching into the store: resolve notes to papers, papers' metadata, citations and references.

Shared by ``paperkb enrich`` and ``paperkb discover``. Nothing already in the store and younger
than ``max_age`` days is asked for again (unless ``refresh``); what a run fetched is in the store
as soon as it arrives, so an interrupted run keeps it (the caller saves the store)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import Note
from .client import PAGE_SIZE, ScholarClient
from .ids import PaperRef, normalised_title, paper_refs
from .store import ScholarStore, is_fresh, link_record, now_stamp

DEFAULT_MAX_AGE = 7.0  # days
SAVE_EVERY = 5.0  # seconds between saves of the store during a long run


@dataclass
class Unresolved:
    note: Note
    tried: list[str]

    def message(self) -> str:
        line = self.note.line_of("title") if "title" in self.note.key_lines else 1
        return f"{self.note.display_path}:{line}: not found on Semantic Scholar (tried: {', '.join(self.tried)})"


@dataclass
class Fetcher:
    store: ScholarStore
    client: ScholarClient
    max_age: float = DEFAULT_MAX_AGE
    refresh: bool = False
    page_size: int = PAGE_SIZE
    on_items: Callable[[int], None] | None = None  # told how many citations / references each page brought
    papers_written: set[str] = field(default_factory=set)
    answers: dict[str, str | None] = field(default_factory=dict)  # api id -> paperId (None: unknown), this run
    _last_save: float = field(default_factory=time.monotonic)

    def fresh(self, stamp: object) -> bool:
        return not self.refresh and is_fresh(stamp, self.max_age)

    def checkpoint(self, force: bool = False) -> None:
        """Save the store now and then, so a run stopped by force loses little."""
        if force or time.monotonic() - self._last_save >= SAVE_EVERY:
            self.store.save()
            self._last_save = time.monotonic()

    def _add(self, raw: dict, stamp: str) -> str | None:
        pid = self.store.add_paper(raw, stamp)
        if pid:
            self.papers_written.add(pid)
        return pid

    # -- papers by id ----------------------------------------------------------------------------
    def fetch_papers(self, api_ids: Iterable[str]) -> dict[str, str | None]:
        """api id -> paperId (None: unknown to Semantic Scholar), batched 500 at a time."""
        ids = list(dict.fromkeys(api_ids))
        found: dict[str, str | None] = {}
        for chunk, papers in self.client.papers(ids):
            stamp = now_stamp()
            for api_id, raw in zip(chunk, papers):
                found[api_id] = self.answers[api_id] = self._add(raw, stamp) if raw else None
            self.checkpoint()
        return found

    def find_stored(self, ref: PaperRef) -> str | None:
        """A stored paper that ``ref`` names (no request)."""
        return self.store.find(ref)

    # -- notes -> papers -------------------------------------------------------------------------
    def resolve(self, notes: list[Note], on_step: Callable[[int], None] | None = None, *,
                also: Iterable[str] = ()) -> tuple[dict[str, str], list[Unresolved]]:
        """Resolve each note (s2, doi, arxiv, links, then exact title), refreshing stale metadata;
        the api ids ``also`` go into the first batch too (their answers land in ``answers``)."""
        also = list(also)
        step = on_step or (lambda n: None)
        resolved: dict[str, str] = {}
        unresolved: list[Unresolved] = []
        pending: dict[str, tuple[Note, list[PaperRef]]] = {}
        stale: set[str] = set()
        for note in notes:
            refs = paper_refs(note)
            tokens = [r.token for r in refs]
            known = self.store.notes.get(note.key)
            if known and known.get("by") in tokens and isinstance(known.get("paperId"), str) and not self.refresh:
                pid = known["paperId"]
                resolved[note.key] = pid
                if not self.fresh((self.store.papers.get(pid) or {}).get("fetched")):
                    stale.add(pid)
                continue
            missed = self.store.unresolved.get(note.key)
            if missed and missed.get("by") == tokens and self.fresh(missed.get("checked")):
                unresolved.append(Unresolved(note, list(missed.get("tried") or [])))
                step(1)
                continue
            pending[note.key] = (note, refs)

        tried: dict[str, list[str]] = {key: [] for key in pending}
        # Rounds of batches: each note's first id, then (for those not found) its next one.
        queue = {key: [r for r in refs if r.kind != "title"] for key, (_n, refs) in pending.items()}
        first_round = True
        while queue or (first_round and (stale or also)):
            asks: dict[str, PaperRef] = {}
            for key, refs in list(queue.items()):
                if not refs:
                    del queue[key]
                    continue
                ref = refs.pop(0)
                tried[key].append(ref.kind)
                stored = self.find_stored(ref) if not self.refresh else None
                if stored and self.fresh(self.store.papers[stored].get("fetched")):
                    self._resolved(pending[key][0], stored, ref, resolved)
                    del queue[key]
                else:
                    asks[key] = ref
            ids = [ref.api_id for ref in asks.values()] + (sorted(stale) + also if first_round else [])
            first_round = False
            if not ids:
                continue
            found = self.fetch_papers(ids)
            for key, ref in asks.items():
                pid = found.get(ref.api_id)
                if pid:
                    self._resolved(pending[key][0], pid, ref, resolved)
                    queue.pop(key, None)
            step(0)

        for key, (note, refs) in pending.items():
            if key in resolved:
                step(1)
                continue
            title = next((r for r in refs if r.kind == "title"), None)
            if title is not None:
                tried[key].append("title")
                match = self.client.match_title(title.api_id)
                if match and normalised_title(str(match.get("title") or "")) == normalised_title(title.api_id):
                    pid = self._add(match, now_stamp())
                    if pid:
                        self._resolved(note, pid, title, resolved)
                        step(1)
                        self.checkpoint()
                        continue
            tokens = [r.token for r in refs]
            self.store.notes.pop(key, None)
            self.store.unresolved[key] = {"tried": tried[key], "by": tokens, "checked": now_stamp()}
            unresolved.append(Unresolved(note, tried[key]))
            step(1)
        return resolved, unresolved

    def _resolved(self, note: Note, pid: str, ref: PaperRef, resolved: dict[str, str]) -> None:
        resolved[note.key] = pid
        self.store.notes[note.key] = {"paperId": pid, "by": ref.token, "checked": now_stamp()}
        self.store.unresolved.pop(note.key, None)

    # -- citations and references ----------------------------------------------------------------
    def ensure_links(self, pid: str, direction: str, limit: int | None = None) -> bool:
        """Fetch a paper's ``references`` (all) or ``citations`` (at most ``limit``, newest first)
        unless the store has them fresh; True when a request was made."""
        table = self.store.citations if direction == "citations" else self.store.references
        entry = table.get(pid)
        start, items, unlinked = 0, [], 0
        if entry and self.fresh(entry.get("fetched")):
            have = entry.get("items") or []
            if entry.get("complete") or (limit is not None and len(have) >= limit):
                return False
            if isinstance(entry.get("next"), int):  # an interrupted run: go on where it stopped
                start, items, unlinked = entry["next"], list(have), int(entry.get("unlinked") or 0)
        paper = self.store.papers.get(pid) or {}
        count = paper.get("citationCount" if direction == "citations" else "referenceCount")
        stamp = now_stamp()
        if count == 0 and self.fresh(paper.get("fetched")):  # nothing to ask for
            self.store.set_links(table, pid, [], fetched=stamp, complete=True)
            return False
        side = "citingPaper" if direction == "citations" else "citedPaper"
        pages = 0
        for page in self.client.links(pid, direction, limit=limit, start=start, page_size=self.page_size):
            pages += 1
            stamp = now_stamp()
            for item in page.items:
                paper_raw = item.get(side)
                linked = self._add(paper_raw, stamp) if isinstance(paper_raw, dict) else None
                if linked is None:
                    unlinked += 1  # "paperId": null: a reference Semantic Scholar could not match
                    continue
                items.append(link_record(item, linked))
            if self.on_items:
                self.on_items(len(page.items))
            # What arrived so far is kept even if a later page fails.
            self.store.set_links(table, pid, items, fetched=stamp, complete=page.next_offset is None,
                                 unlinked=unlinked, next_offset=page.next_offset,
                                 newest_first=direction == "citations")
            self.checkpoint()
        return pages > 0


