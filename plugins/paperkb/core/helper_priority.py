"""Helper processes of a build run at a lower CPU priority than the build itself.

A build's critical path is its own process: MkDocs renders and writes every page there, and
the build ends when it has. Diagram workers, the search documents' process and its Pagefind
indexers work beside it and have time to spare (on 2 cores their CPU adds up to less than the
build's), but when three of them are runnable at once the kernel shares the two cores evenly
and the build runs at two thirds of its speed. Niced, they take what the build leaves: the
build keeps a core, they share the other. A diagram a worker has not reached when its page is
written is drawn by the build (diagram_workers.py), so a starved worker never stalls a page."""

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
