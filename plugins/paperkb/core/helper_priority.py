"""Helper processes (diagram workers, the search documents' process) run at a lower CPU priority than the build.

A build's critical path is its own process: MkDocs renders and writes every page there, and
the build ends when it has. The diagram workers lay diagrams out beside it, with time to spare
(at 2,000 skim notes the worker's ~13 s of CPU against the build's ~23 s), but when they, the
search documents' process and a Pagefind indexer are runnable at once the kernel shares the two
cores evenly and the build runs at two thirds of its speed. Niced, a worker takes what the build
leaves. A diagram a worker has not reached when its page is written is drawn by the build
(diagram_workers.py), so a starved worker never stalls a page.

The search documents' process and its Pagefind indexer are niced a little (SEARCH_NICENESS):
when both are runnable beside the build, even weights made the kernel share the two cores
three ways and the build ran at ~0.8 of a core for most of a cold build (10,000 skim notes);
at niceness 3 the two weigh about one build together, so the kernel balances them on the
other core. Not more: the build waits for their last slice at the end, and at niceness 10 on
a busy machine that wait grew from seconds to over a minute (2,000 deep notes, load ~25);
at 3 they keep half a normal process's share of a busy machine."""

from __future__ import annotations

import os

# Added to the helper's niceness: at 10 a helper gets ~10% of a core the build also wants.
HELPER_NICENESS = 10
# The search documents' process (and the Pagefind it starts): weight ~526 each against the build's 1024.
SEARCH_NICENESS = 3


def lower_priority(increment: int = HELPER_NICENESS) -> None:
    """Make the calling process (and what it starts from now on) yield the CPU to the build;
    nothing happens where the system has no niceness or refuses."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):  # not POSIX, or not permitted
        pass
