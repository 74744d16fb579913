"""Python's cyclic garbage collector during a full build: what planning makes lives to the end.

Loading and planning a build (on_files) make a few hundred thousand objects that stay until the
site is written (the library, the site map, every feature's plans) and next to no garbage; each
full collection walked them all again (at 2,000 notes six of them cost ~0.9 s of CPU, more the
more notes). A full build therefore plans with the collector paused and then freezes what it made
(``gc.freeze``: later collections skip it), until the build ends. `serve` freezes what it holds
after each update instead (``QuietHeap``): its libraries are replaced after every edit, and what
older updates left is collected now and then.

At the interpreter's exit everything is frozen too (``leave_heap_at_exit``): Python's shutdown
otherwise collects the whole heap once more and frees it object by object: after a warm build
of 2,000 short notes 0.8 s of its ~12 s of CPU (0.04 s now), at 10,000 notes 3.3 s of its wall
time, all after its last line."""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived(enabled: bool) -> Iterator[None]:
    """Run the block with the collector paused, then freeze what exists (``enabled`` only)."""
    if not enabled:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


_EXIT_HOOK_INSTALLED = False


def leave_heap_at_exit() -> None:
    """At the interpreter's exit, freeze every object: the shutdown's last collections then
    skip them, and what sits in reference cycles is not taken apart (the system takes the
    memory back with the process). Nothing else about the exit changes: the exit status (a
    --strict build's failure included) is fixed before, the atexit handlers registered earlier
    (logging's flush, multiprocessing's clean-up, ``weakref.finalize``) run after this one,
    standard streams are flushed as usual. Only ``__del__`` of objects left in cycles does not
    run, which Python never promises at exit. Installed once per process; a process that
    runs several builds (tests) is untouched until it ends."""
    global _EXIT_HOOK_INSTALLED
    if not _EXIT_HOOK_INSTALLED:
        _EXIT_HOOK_INSTALLED = True
        atexit.register(gc.freeze)


def build_ended() -> None:
    """What was frozen may be collected again (several builds in one process, e.g. tests)."""
    gc.unfreeze()


class QuietHeap:
    """Keeps Python's cycle collector off the site that serve holds in memory.

    A served site of 2,000 notes is millions of objects (pages, the library, rendered HTML);
    the collector's full passes walked them all, often during an update (0.3-1 s each). After a
    build and after each update the surviving objects are frozen (``gc.freeze``: the collector
    skips them), so its passes see only what the next update makes. What older updates left in
    reference cycles is collected every ``COLLECT_EVERY`` updates, once the update is done."""

    COLLECT_EVERY = 25

    def __init__(self) -> None:
        self.updates = 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """An update runs with the collector off: its young objects (a library, the plans) would
        start collections on the way to the page being shown (0.1-0.5 s an update at 2,000
        notes); what they leave in cycles waits for the next ``settle`` that collects."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()

    def settle(self, *, full: bool = False) -> None:
        self.updates += 1
        if full or self.updates % self.COLLECT_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
