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
