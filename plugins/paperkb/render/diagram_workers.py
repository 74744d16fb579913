"""Worker processes that lay diagrams out while MkDocs renders pages (used by graph_renderer.py).

A build hands its new diagrams to the workers in batches, in the order its pages will ask for
them. Every diagram has a *claim*, one byte in memory shared with the workers: whoever takes it
first draws it, the worker going down its batch or the build when a page needs the diagram
before a worker got there; the other skips it. So the build never queues behind the workers,
waits at most for the one diagram a worker is drawing, and no diagram is drawn twice. Workers
store what they draw in the disk cache and send back only what they could not store: finished
SVGs waiting in the build's memory for their page would add up to ~35 KB a note.

Batches, not one job per diagram: the pool's feeder thread runs in the build process and needs
its interpreter lock to send each job, which MkDocs rendering pages holds nearly all the time;
with a job per diagram the worker sat idle between jobs and the build drew most diagrams itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass

from ..core.helper_priority import lower_priority
from .graph_svg import GraphRenderError, SvgDiskCache, render_svg, unpack_source

# A diagram's claim: not taken yet, being drawn by a worker, stored by the worker in the disk
# cache, sent back with the batch's result (no usable disk cache, or Graphviz failed: the
# build draws it again to report the error), taken by the build.
PENDING, DRAWING, STORED, SENT, BUILD = range(5)
# Claims live in a ring of this many bytes: a slot is used again only ~65,000 diagrams later.
# Should an old batch still run then, the worst case is a diagram drawn twice: everything is
# looked up by its cache key, never by its slot.
CLAIM_SLOTS = 1 << 16
PARENT_POLL_SECONDS = 0.5
WAIT_SECONDS = 0.001  # between looks at a claim a worker holds (a diagram takes a few ms)
# The build waits this long at most for the diagram a worker is drawing, then draws it too: a
# worker runs niced (core/helper_priority.py), and on a busy machine its few milliseconds of
# layout may take far longer to come round than drawing it here.
PATIENCE_SECONDS = 0.05


@dataclass
class Claims:
    """The claim bytes, shared by the build and its workers, and the lock that guards them."""

    lock: object
    states: object  # multiprocessing RawArray of unsigned bytes

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


_claims: Claims | None = None  # in a worker: set when it starts


def _start_worker(build_pid: int, claims: Claims) -> None:
    global _claims
    _claims = claims
    lower_priority()  # the build renders pages meanwhile: it keeps its core (core/helper_priority.py)
    # Ctrl-C reaches every process of the terminal's group: the build (or serve) shuts its pool
    # down; a worker interrupted in the middle would print a traceback and break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(build_pid)


def draw_batch(items: list[tuple[int, str, bytes, str]], cache_dir: str | None) -> dict[str, str]:
    """Worker job: for each ``(slot, key, packed source, label)`` still unclaimed, lay it out,
    write its SVG and store it. Returns the SVGs it could not store, by key."""
    assert _claims is not None, "draw_batch runs in a worker started by DiagramWorkers"
    disk = SvgDiskCache(cache_dir) if cache_dir else None
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
        context = _worker_context()
        self.claims = Claims(context.Lock(), context.RawArray("B", CLAIM_SLOTS))
        self._next_slot = 0
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                         initargs=(os.getpid(), self.claims))

    def send(self, items: list[tuple[str, bytes, str]], cache_dir: str | None, batch_size: int) -> dict[str, Batched]:
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

    def collect(self, key: str, job: Batched) -> tuple[int, str | None]:
        """Where a diagram sent to the workers is, once a worker is done with it: STORED (in the
        disk cache), SENT (with its SVG, or None when Graphviz failed) or BUILD (no worker had
        started it, one died drawing it, or it is still drawing it after ``PATIENCE_SECONDS``:
        the build draws it now). Waits only while a worker is drawing this very diagram."""
        found = self.claims.take(job.slot, BUILD)
        give_up = time.monotonic() + PATIENCE_SECONDS
        while found == DRAWING:
            if job.future.done() and self.claims.get(job.slot) == DRAWING:
                return BUILD, None  # the worker died halfway (its batch failed)
            if time.monotonic() > give_up:
                return BUILD, None  # (the worker stores it too, under the same key: the same file)
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

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def watch_parent(build_pid: int) -> None:
    """Worker start-up: exit as soon as the build that started this worker is gone.

    A worker waits on a queue whose write end it holds itself, so a build killed with
    ``kill -9`` (no shutdown, no atexit) would leave it running for good, reparented and holding
    the build's log open. Linux ends it with its parent (the fork server, which itself exits when
    the build's end of its pipe closes); everywhere a thread checks that the build still runs."""
    _die_with_parent()
    parent = os.getppid()  # the fork server (or the build itself, with "spawn")

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent or not _running(build_pid):
                os._exit(1)

    threading.Thread(target=watch, name="paperkb-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # the watching thread still ends the worker


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of someone else's: the pid was reused, or we may not signal it
    return True


def _worker_context() -> multiprocessing.context.BaseContext:
    """How workers start. "forkserver": forked from a small clean server process, so neither
    the threads of `mkdocs serve` (unsafe to fork) nor the user's main script (which "spawn"
    runs again in every worker, breaking scripts without a ``__main__`` guard) come along."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
