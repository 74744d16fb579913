"""Diagram workers run at a lower CPU priority than the build itself.

A build's critical path is its own process: MkDocs renders and writes every page there, and
the build ends when it has. The diagram workers lay diagrams out beside it, with time to spare
(at 2,000 skim notes the worker's ~13 s of CPU against the build's ~23 s), but when they, the
search documents' process and a Pagefind indexer are runnable at once the kernel shares the two
cores evenly and the build runs at two thirds of its speed. Niced, a worker takes what the build
leaves. A diagram a worker has not reached when its page is written is drawn by the build
(diagram_workers.py), so a starved worker never stalls a page. The search documents' process
keeps the build's priority: the build waits for its last slice at the end, and niced on a busy
machine that wait grew from seconds to over a minute (2,000 deep notes, load ~25)."""

from __future__ import annotations

import os

# Added to the helper's niceness: at 10 a helper gets ~10% of a core the build also wants.
HELPER_NICENESS = 10


def lower_priority(increment: int = HELPER_NICENESS) -> None:
    """Make the calling process (and what it starts from now on) yield the CPU to the build;
    nothing happens where the system has no niceness or refuses."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):  # not POSIX, or not permitted
        pass
