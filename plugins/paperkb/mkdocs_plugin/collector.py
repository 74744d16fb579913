"""Python's cyclic garbage collector during a full build: what planning makes lives to the end.

Loading and planning a build (on_files) make a few hundred thousand objects that stay until the
site is written (the library, the site map, every feature's plans) and next to no garbage; each
full collection walked them all again (at 2,000 notes six of them cost ~0.9 s of CPU, more the
more notes). A full build therefore plans with the collector paused and then freezes what it made
(``gc.freeze``: later collections skip it), until the build ends. `serve` keeps the default: its
libraries are replaced after every edit and must be collected."""

from __future__ import annotations

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


def build_ended() -> None:
    """What was frozen may be collected again (several builds in one process, e.g. tests)."""
    gc.unfreeze()
