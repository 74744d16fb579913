"""Giving the C heap's free pages back to the system, after a step that used much memory once."""

from __future__ import annotations

import ctypes
import sys


def give_back_free_memory() -> None:
    """Return the free pages of the C heap to the system (glibc's malloc_trim); elsewhere nothing.
    glibc keeps memory freed below the top of its heap, so a process that built something large
    once (the pages of a build, a dictionary) stays that large without it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


# glibc's mallopt parameters: blocks at least this large get pages of their own (mmap); how
# many heaps (arenas) the threads of a process may use
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
LARGE_BLOCK = 32 * 1024


def map_large_blocks(threshold: int = LARGE_BLOCK) -> None:
    """Give blocks of ``threshold`` bytes or more pages of their own, returned to the system as
    soon as they are freed (glibc; elsewhere nothing). A full build makes and drops a few large
    strings per page (its HTML unpacked, the theme's output, a diagram's SVG, tens of KB each)
    while small long-lived pieces land between them: glibc's own threshold rises to the largest
    block freed so far (up to 32 MB), so they all came from the heap, which then grew with holes
    (at 5,000 short notes the build process gained ~23 MB while writing pages, with ~70 MB of
    its heap free). A page costs about one mmap this way."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, threshold)
    except (OSError, AttributeError):  # not glibc
        pass


class HeapTrim:
    """Gives the C heap's free pages back every ``every`` calls of ``tick``.

    A full build holds each page's HTML from its rendering until it is written (packed, a few KB
    each: glibc's heap, not Python's arenas), and makes and drops far larger text meanwhile (the
    page's Markdown, its HTML unpacked, the theme's output). The long-lived pieces land between
    the freed ones, so the heap keeps growing with free holes glibc never returns by itself
    (at 2,000 short notes ~20 MB of it free when every page is rendered). Trimming every few
    hundred pages returns whole free pages; a trim costs well under a millisecond."""

    def __init__(self, every: int = 200) -> None:
        self.every = every
        self._count = 0

    def tick(self) -> None:
        self._count += 1
        if self._count >= self.every:
            self._count = 0
            give_back_free_memory()


def one_heap() -> None:
    """Let every thread of this process allocate from one C heap (glibc; elsewhere nothing).
    glibc gives a thread that allocates while another does a heap of its own: what a reading
    thread takes in (lines of text, freed by the main thread) then leaves free pages in a second
    heap beside the first. For a helper process whose threads only hand work to each other."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):  # not glibc
        pass
