"""The diagrams of a build: which come from memory or the disk cache, which are laid out, where.

``submit`` answers from memory or the disk cache at once and queues the rest; queued diagrams
go to worker processes (diagram_workers.py) in batches as soon as there are enough of them, so
the workers start while the build still plans; ``svg`` hands a page its diagram when the page is
written. A diagram no worker has started by then is drawn by the build itself (never queued
behind the others). Kept across `mkdocs serve` rebuilds: SVGs of the last build stay in memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..core.packed_text import PackedPart
from ..core.user_key import signing_key
from .diagram_workers import BUILD, SENT, STORED, Batched, DiagramWorkers, available_cpus
from .graph_svg import (GraphRenderError, SvgDiskCache, cache_key, graphviz_version, pack_source, pack_sources,
                        render_svg, unpack_source)

# Fewer uncached diagrams than this are drawn in-process: starting workers would cost more.
POOL_THRESHOLD = 24
# Diagrams per worker job (see diagram_workers.py: the build sends one job per batch).
BATCH_SIZE = 48
# Seconds the build waits for a worker to say Graphviz's version (its first job, a few
# milliseconds once it runs) before it loads Graphviz to ask it itself.
VERSION_WAIT_S = 30.0

Redo = Callable[[], tuple[str, str]]  # gives a diagram's source and label again


@dataclass
class RenderStats:
    requested: int = 0  # diagrams asked for
    rendered: int = 0  # laid out by Graphviz (the rest came from memory or disk)
    disk_hits: int = 0
    memory_hits: int = 0
    drawn_here: int = 0  # of those laid out, how many the build drew itself (a page needed it first)
    waited_s: float = 0.0  # time the build spent waiting for a worker to finish a diagram


class GraphRenderer:
    """Hands out SVGs for diagram sources: ``submit`` early, ``svg`` when the page is written."""

    def __init__(self, cache_dir: Path | str | None, workers: int | None = None) -> None:
        # No user key: cache names anyone could compute, so no disk cache (see core/user_key.py).
        self.disk = SvgDiskCache(cache_dir) if cache_dir and signing_key() else None
        # One core stays with MkDocs, which renders pages meanwhile (it is the longer task);
        # on one core everything is drawn in-process.
        self.workers = workers if workers is not None else available_cpus() - 1
        self.stats = RenderStats()
        # Whether the build may draw a diagram sent to the workers itself (DiagramWorkers.collect):
        # its first drawing loads Graphviz's libraries into the build process (~9 MB), so the
        # plugin says no while other helpers are at their largest.
        self.draw_here: Callable[[], bool] = lambda: True
        self._version: str | None = None
        self._version_asked: Future | None = None  # a worker's answer (``version``)
        self._memory: dict[str, str] = {}
        self._previous: dict[str, str] = {}
        # Sources wait packed (graph_svg.pack_sources, a batch at a time: the keys in
        # ``_unpacked`` hold their text until their batch is full): (source, label, the
        # caller's ``redo`` or None) to be laid out ...
        self._queued: dict[str, tuple[str | PackedPart, str, Redo | None]] = {}
        self._unpacked: list[str] = []
        # ... cached on disk, read when a page needs it; each with what gives its source and
        # label should the file turn out unusable by then ...
        self._on_disk: dict[str, Redo] = {}
        # ... with the workers: (batch, what gives its source and label, the caller's lighter
        # ``redo`` or None). Until a worker stored its SVG, the diagram may still be drawn here
        # (often, when a page needs it first): the packed source stays. Once stored, only the
        # unusual file gone bad needs it: the caller's ``redo`` replaces the packed source
        # (``_stored``, in the thread that reads the workers' results; hence the lock).
        self._sent: dict[str, tuple[Batched, Redo, Redo | None]] = {}
        self._sent_lock = threading.Lock()
        self._released: set[str] = set()
        self._failed: dict[str, GraphRenderError] = {}
        self._pool: DiagramWorkers | None = None
        self._sending = False  # this build's queue goes to the workers as it fills
        self._last_jobs_sent = False  # the workers end once they are done (``no_more_jobs``)

    @property
    def version(self) -> str:
        """Graphviz's and pygraphviz's versions, part of every diagram's cache key. Asked of the
        workers when they run: the build process then never loads Graphviz's libraries itself
        (pygraphviz's wheel maps ~36, ~12 MB of the build's memory, beside it at its largest)."""
        if self._version is None:
            asked, self._version_asked = self._version_asked, None
            if asked is not None:
                try:
                    self._version = asked.result(timeout=VERSION_WAIT_S)
                except Exception:  # noqa: BLE001 - a worker that broke or is starved: asked here
                    asked.cancel()
            if self._version is None:
                self._version = graphviz_version()
        return self._version

    def begin_build(self) -> None:
        """Start a build: forget SVGs no page used in the last build, reset the counters."""
        self._previous, self._memory = self._memory, {}
        if self.disk is not None:  # (`serve`: what the last build's workers stored)
            self.disk.refresh()
        self._released, self._failed, self._on_disk = set(), {}, {}
        self.stats = RenderStats()
        self._sending = False
        self._last_jobs_sent = False

    def submit(self, source: str, label: str, redo: Redo | None = None) -> str:
        """Ask for the SVG of ``source`` (graph_dot.diagram_source); returns its key for ``svg``.
        ``redo``, when given, makes the same source and label again, keeping less in memory than
        the packed source (~1.4 KB) until the page is written: used should a stored SVG turn out
        unusable (it must give this very source for as long as the key is asked for)."""
        key = cache_key(source, label, self.version)
        # A cached SVG is read when its page is written, not now: ~35 KB a diagram would
        # otherwise wait in memory for the whole build (~350 MB at 10,000 notes). The source
        # stays, packed, in case the file turns out unusable (not signed by this user) by then.
        if self._reuse(key, lambda: redo or partial(_unpack, pack_source(source), label)):
            return key
        self.stats.requested += 1
        self._queued[key] = (source, label, redo)
        self._unpacked.append(key)
        if len(self._unpacked) >= BATCH_SIZE:
            self._pack_queued()
        if len(self._queued) >= BATCH_SIZE:  # workers pay off: they start now, while the rest is planned
            self._send()
        return key

    def adopt(self, key: str, redo: Callable[[], tuple[str, str]]) -> bool:
        """Take the key of a diagram an earlier build planned (render/diagram_plans.py), when its
        SVG is in memory or the disk cache; ``redo`` gives its source and label should the file
        turn out unusable. False when it is in neither: the caller plans it again."""
        return self._reuse(key, lambda: redo)

    def _reuse(self, key: str, redo: Callable[[], Callable[[], tuple[str, str]]]) -> bool:
        """Count a request for ``key`` when its SVG is in memory, planned already or on disk
        (then ``redo()`` is kept, to draw it should the file be unusable); False otherwise."""
        if key in self._memory or key in self._queued or key in self._sent or key in self._on_disk:
            self.stats.memory_hits += 1
        elif key in self._previous:
            self._memory[key] = self._previous.pop(key)
            self.stats.memory_hits += 1
        elif self.disk is not None and self.disk.has(key):
            self._on_disk[key] = redo()
            self.stats.disk_hits += 1
        else:
            return False
        self.stats.requested += 1
        return True

    def start(self) -> None:
        """Every diagram is planned: what is still queued goes to the workers, if that pays;
        else ``svg`` draws on demand."""
        if self._sending or len(self._queued) >= POOL_THRESHOLD:
            self._send()
        self._sending = False

    def _pack_queued(self) -> None:
        """The queued sources not packed yet, packed together."""
        keys, self._unpacked = self._unpacked, []
        if keys:
            for key, packed in zip(keys, pack_sources([self._queued[key][0] for key in keys])):
                _source, label, redo = self._queued[key]
                self._queued[key] = (packed, label, redo)

    def _send(self) -> None:
        if not self._queued or self._last_jobs_sent or (pool := self._workers()) is None:
            return  # (after ``no_more_jobs`` what is queued is drawn here, page by page)
        self._pack_queued()
        self._sending = True
        items = [(key, packed, label) for key, (packed, label, _redo) in self._queued.items()]
        cache_dir = str(self.disk.directory) if self.disk else None
        batches: dict[Future, list[str]] = {}
        sent = pool.send(items, cache_dir, BATCH_SIZE)  # (not under the lock: ``_stored`` may wait on the pool's)
        with self._sent_lock:
            for key, batched in sent.items():
                packed, label, redo = self._queued[key]
                self._sent[key] = (batched, partial(_unpack, packed, label), redo)
                if redo is not None:
                    batches.setdefault(batched.future, []).append(key)
        self.stats.rendered += len(items)
        self._queued.clear()
        for future, keys in batches.items():
            future.add_done_callback(partial(self._stored, keys))

    def _stored(self, keys: list[str], _future: Future) -> None:
        """A batch is done: its diagrams a worker stored keep only the caller's ``redo``."""
        pool = self._pool
        if pool is None:
            return
        with self._sent_lock:
            for key in keys:
                sent = self._sent.get(key)
                if sent is not None and sent[2] is not None and pool.claims.get(sent[0].slot) == STORED:
                    self._sent[key] = (sent[0], sent[2], None)

    def svg(self, key: str) -> str:
        """The finished SVG for ``key`` (raises GraphRenderError when Graphviz fails, for every
        page that shows that diagram)."""
        found = self._memory.get(key)
        if found is not None:
            return found
        if key in self._failed:
            raise self._failed[key]
        try:
            svg = self._finish(key)
        except GraphRenderError as exc:
            self._failed[key] = exc
            raise
        self._memory[key] = svg
        return svg

    def _finish(self, key: str) -> str:
        """The SVG of a key not in memory: from a worker, drawn here, or read back."""
        with self._sent_lock:
            sent = self._sent.pop(key, None)
        if sent is not None:
            batched, redo, _lighter = sent
            assert self._pool is not None
            began = time.perf_counter()
            state, svg = self._pool.collect(key, batched, self.draw_here)
            self.stats.waited_s += time.perf_counter() - began
            if state == STORED and self.disk is not None:
                svg = self.disk.get(key)
            if svg is None:  # no worker had started it, or its result is unusable: drawn here
                if state not in (STORED, SENT):
                    self.stats.drawn_here += 1
                svg = self._render_here(key, *self._redone(key, redo))
        elif key in self._queued:
            packed, label, _redo = self._queued.pop(key)
            if isinstance(packed, str):  # (not packed yet)
                self._unpacked.remove(key)
            svg = self._render_here(key, packed if isinstance(packed, str) else unpack_source(packed), label)
            self.stats.rendered += 1
            self.stats.drawn_here += 1
        elif key in self._on_disk:
            redo = self._on_disk.pop(key)
            svg = self.disk.get(key) if self.disk is not None else None
            if svg is None:  # gone or not signed by this user since the build began: draw it again
                svg = self._render_here(key, *self._redone(key, redo))
                self.stats.rendered += 1
                self.stats.drawn_here += 1
        elif key in self._released and self.disk and (svg := self.disk.get(key)) is not None:
            pass  # asked for again after ``release``: read back from the disk cache
        else:
            raise KeyError(key)
        return svg

    def release(self, key: str) -> None:
        """Drop a finished SVG from memory when the disk cache holds it (a one-off build need
        not keep ~40 KB per note page until the end: ~400 MB at 10,000 notes)."""
        if self.disk is not None and key in self._memory and self.disk.has(key):
            del self._memory[key]
            self._released.add(key)

    def _redone(self, key: str, redo: Redo) -> tuple[str, str]:
        """The source and label ``redo`` makes again, when they are still those of ``key`` (a
        caller's ``redo`` makes them from the notes as they are now): never another diagram's
        SVG stored under this key."""
        source, label = redo()
        if cache_key(source, label, self.version) != key:
            raise GraphRenderError("the diagram's notes changed while it was drawn: build again")
        return source, label

    def _render_here(self, key: str, source: str, label: str) -> str:
        svg = render_svg(source, label)
        if self.disk:
            self.disk.put(key, svg)
        return svg

    def run(self, job, *args) -> Future | None:
        """Run ``job(*args)`` in a worker process (a long layout overlapping the page rendering);
        None when there are no workers: the caller runs it itself."""
        pool = self._workers() if not self._last_jobs_sent else None
        return pool.run(job, *args) if pool is not None else None

    def no_more_jobs(self) -> None:
        """A build that planned everything it gives the workers: they end as soon as they are
        done with it, not when the build ends. Their ~40-50 MB each would otherwise wait idle
        beside the build at its largest, the end of MkDocs' render round, and through the
        writing of the pages. Jobs asked for afterwards (``run``) are the caller's to run."""
        self._last_jobs_sent = True
        if self._pool is not None:
            self._pool.end_when_done()

    def _workers(self) -> DiagramWorkers | None:
        """The worker processes, started first if need be; None without workers (one core, or
        they could not start: everything is drawn here then)."""
        if self._pool is None and self.workers >= 1:
            try:
                self._pool = DiagramWorkers(self.workers)
            except (OSError, ImportError):  # (no fcntl: not POSIX)
                self.workers = 0
            else:  # its first job: the first diagram's cache key comes later in the build
                if self._version is None:
                    self._version_asked = self._pool.run(graphviz_version)
        return self._pool

    def close(self) -> None:
        with self._sent_lock:
            sent, self._sent = list(self._sent.values()), {}
        for batched, _redo, _lighter in sent:
            batched.future.cancel()
            if self._pool is not None:  # a batch under way skips what is left of it
                self._pool.claims.take(batched.slot, BUILD)
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._version_asked = None  # (its worker is gone)


def _unpack(packed: bytes | PackedPart, label: str) -> tuple[str, str]:
    return unpack_source(packed), label
