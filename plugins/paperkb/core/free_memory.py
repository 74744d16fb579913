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
