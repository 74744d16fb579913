"""Worker processes that lay diagrams out while MkDocs renders pages (used by graph_renderer.py).

A build hands its new diagrams to the workers in batches, in the order its pages will ask for
them. Every diagram has a *claim*, one byte in memory shared with the workers: whoever takes it
first draws it, the worker going down its batch or the build when a page needs the diagram
before a worker got there; the other skips it. So the build never queues behind the workers,
waits at most for the one diagram a worker is drawing, and no diagram is drawn twice. When it
does wait, the pages have caught up with the worker (pages are written faster than diagrams are
laid out), so it also claims the next diagram: from then on the build and the worker take turns
instead of the build idling while the worker sets the pace. Workers
store what they draw in the disk cache and send back only what they could not store: finished
SVGs waiting in the build's memory for their page would add up to ~35 KB a note.

Batches, not one job per diagram: the pool's feeder thread runs in the build process and needs
its interpreter lock to send each job, which MkDocs rendering pages holds nearly all the time;
with a job per diagram the worker sat idle between jobs and the build drew most diagrams itself.

The workers are plain child processes (core/worker_processes.py), not multiprocessing's pool,
whose fork server and resource tracker (~25 MB) lived as long as the build beside it and the
search indexer at their peak. The claims are bytes of an unlinked file both sides map, guarded
by a lock on that file.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass

from ..core.helper_priority import lower_priority
from ..core.packed_text import PackedPart
from ..core.worker_processes import WorkerProcesses
from .graph_svg import GraphRenderError, SvgDiskCache, render_svg, unpack_source

# A diagram's claim: not taken yet, being drawn by a worker, stored by the worker in the disk
# cache, sent back with the batch's result (no usable disk cache, or Graphviz failed: the
# build draws it again to report the error), taken by the build.
PENDING, DRAWING, STORED, SENT, BUILD = range(5)
# Claims live in a ring of this many bytes: a slot is used again only ~65,000 diagrams later.
# Should an old batch still run then, the worst case is a diagram drawn twice: everything is
# looked up by its cache key, never by its slot.
CLAIM_SLOTS = 1 << 16
WAIT_SECONDS = 0.001  # between looks at a claim a worker holds (a diagram takes a few ms)
# The build waits this long at most for the diagram a worker is drawing, then draws it too: a
# worker runs niced (core/helper_priority.py), and on a busy machine its few milliseconds of
# layout may take far longer to come round than drawing it here.
PATIENCE_SECONDS = 0.05
# How long the build waits for a worker to draw a diagram while it would rather not draw it
# itself (collect's ``draw_here``): the build's idle core goes to the worker meanwhile.
HELPERS_PATIENCE_SECONDS = 2.0


@dataclass
class Claims:
    """The claim bytes, shared by the build and its workers, and the lock that guards them."""

    lock: object
    states: object  # bytes both sides see (shared_claims), indexed by slot

    def take(self, slot: int, taker: int) -> int:
        """Claim ``slot`` for ``taker`` if it is still pending; returns the state found."""
        with self.lock:
            found = self.states[slot]
            if found == PENDING:
                self.states[slot] = taker
        return found

    def set(self, slot: int, state: int) -> None:
        with self.lock:
            self.states[slot] = state

    def get(self, slot: int) -> int:
        with self.lock:
            return self.states[slot]


class FileLock:
    """A lock between processes (a lock on a file they share, fcntl) and between the threads of
    this one (a file lock is the process's: its threads do not exclude each other by it)."""

    def __init__(self, fd: int) -> None:
        import fcntl

        self._fd, self._fcntl = fd, fcntl
        self._threads = threading.Lock()

    def __enter__(self) -> "FileLock":
        self._threads.acquire()
        try:
            self._fcntl.lockf(self._fd, self._fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._fcntl.lockf(self._fd, self._fcntl.LOCK_UN)
        finally:
            self._threads.release()


def shared_claims(fd: int | None = None) -> tuple[Claims, int]:
    """Claims in an unlinked file of CLAIM_SLOTS bytes, mapped shared, and the file's
    descriptor: a new file, or (in a worker) the one at ``fd`` the build handed down."""
    if fd is None:
        with tempfile.TemporaryFile(prefix="paperkb-claims-") as file:
            fd = os.dup(file.fileno())
        os.truncate(fd, CLAIM_SLOTS)
    return Claims(FileLock(fd), mmap.mmap(fd, CLAIM_SLOTS)), fd


_claims: Claims | None = None  # in a worker: set when it starts
# In a worker: its disk cache, kept from batch to batch: the pack it appends to stays taken.
_disks: dict[str, SvgDiskCache] = {}


def _start_worker(claims_fd: int) -> None:
    global _claims
    _claims, _fd = shared_claims(claims_fd)  # (both stay open for the worker's life)
    lower_priority()  # the build renders pages meanwhile: it keeps its core (core/helper_priority.py)


def draw_batch(items: list[tuple[int, str, bytes | PackedPart, str]], cache_dir: str | None) -> dict[str, str]:
    """Worker job: for each ``(slot, key, packed source, label)`` still unclaimed, lay it out,
    write its SVG and store it. Returns the SVGs it could not store, by key."""
    assert _claims is not None, "draw_batch runs in a worker started by DiagramWorkers"
    disk = (_disks.get(cache_dir) or _disks.setdefault(cache_dir, SvgDiskCache(cache_dir))) if cache_dir else None
    unstored: dict[str, str] = {}
    for slot, key, packed, label in items:
        if _claims.take(slot, DRAWING) != PENDING:
            continue  # the build drew it (a page needed it first)
        state = SENT
        try:
            svg = render_svg(unpack_source(packed), label)
            if disk is not None and disk.put(key, svg):
                state = STORED
            else:
                unstored[key] = svg
        except GraphRenderError:
            pass  # the build draws it again and reports the error with the page's name
        finally:
            _claims.set(slot, state)
    return unstored


@dataclass
class Batched:
    """Where one diagram went: its batch and its claim."""

    future: Future
    slot: int


class DiagramWorkers:
    """A pool of worker processes with the claims of the diagrams sent to them."""

    def __init__(self, workers: int) -> None:
        self.claims, self._fd = shared_claims()  # (the lock needs the descriptor open)
        self._next_slot = 0
        try:
            self._pool = WorkerProcesses(workers, _start_worker, (self._fd,), pass_fds=(self._fd,))
        except BaseException:
            os.close(self._fd)
            raise

    def send(self, items: list[tuple[str, bytes | PackedPart, str]], cache_dir: str | None,
             batch_size: int) -> dict[str, Batched]:
        """Queue ``(key, packed source, label)`` items for the workers, in this order, in batches."""
        sent: dict[str, Batched] = {}
        for start in range(0, len(items), batch_size):
            batch = []
            for key, packed, label in items[start:start + batch_size]:
                slot = self._next_slot
                self._next_slot = (slot + 1) % CLAIM_SLOTS
                self.claims.set(slot, PENDING)
                batch.append((slot, key, packed, label))
            future = self._pool.submit(draw_batch, batch, cache_dir)
            for slot, key, _packed, _label in batch:
                sent[key] = Batched(future, slot)
        return sent

    def collect(self, key: str, job: Batched, draw_here: Callable[[], bool] = lambda: True) -> tuple[int, str | None]:
        """Where a diagram sent to the workers is, once a worker is done with it: STORED (in the
        disk cache), SENT (with its SVG, or None when Graphviz failed) or BUILD (no worker had
        started it, one died drawing it, or it is still drawing it after ``PATIENCE_SECONDS``:
        the build draws it now). Waits only while a worker is drawing this very diagram.
        ``draw_here()`` false: the build would rather not draw now (its first diagram loads
        Graphviz into it, ~9 MB, and other helpers are at their largest), so it also waits for
        a worker to reach a diagram none has started, up to ``HELPERS_PATIENCE_SECONDS``."""
        may_draw = draw_here()
        found = self.claims.take(job.slot, BUILD) if may_draw else self.claims.get(job.slot)
        if found == DRAWING and may_draw:
            # The pages have caught up with the worker, which would now set their pace (a page
            # waiting for each diagram, the build's core half idle): the next diagram is the
            # build's, drawn while the worker draws the one after it.
            self.claims.take((job.slot + 1) % CLAIM_SLOTS, BUILD)
        give_up = time.monotonic() + (PATIENCE_SECONDS if may_draw else HELPERS_PATIENCE_SECONDS)
        while found == DRAWING or (found == PENDING and not may_draw):
            late = time.monotonic() > give_up
            if found == PENDING and (late or job.future.done() or (may_draw := draw_here())):
                found = self.claims.take(job.slot, BUILD)
                if found == PENDING:
                    return BUILD, None  # taken: the worker skips it
                continue
            if found == DRAWING and (late or (job.future.done() and self.claims.get(job.slot) == DRAWING)):
                # (late: the worker stores it too, under the same key: the same file; done: the
                # worker died halfway, its batch failed)
                return BUILD, None
            time.sleep(WAIT_SECONDS)
            found = self.claims.get(job.slot)
        if found == SENT:
            try:
                return SENT, job.future.result().get(key)
            except (BrokenExecutor, OSError):
                return BUILD, None
        return (STORED, None) if found == STORED else (BUILD, None)

    def run(self, job, *args) -> Future | None:
        try:
            return self._pool.submit(job, *args)
        except (BrokenExecutor, RuntimeError, OSError):
            return None

    def end_when_done(self) -> None:
        """The workers end once they have drawn every batch and run every job sent so far; the
        claims stay, so ``collect`` still tells where each diagram went."""
        self._pool.end_when_done()

    def close(self) -> None:
        self._pool.shutdown()
        os.close(self._fd)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
