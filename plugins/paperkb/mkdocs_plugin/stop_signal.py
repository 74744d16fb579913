"""`serve` stops on SIGTERM as it does on Ctrl-C, so its shut-down runs.

Python ends a process on SIGTERM at once: no ``finally``, no ``on_shutdown``, so the diagram
workers' pool (render/diagram_workers.py) was never shut down and multiprocessing's resource
tracker warned about "leaked semaphore objects", and MkDocs' temporary site folder (and
`paperkb serve`'s temporary mkdocs.yml) stayed behind. While `serve` runs, SIGTERM raises
KeyboardInterrupt in the main thread, which MkDocs' serve answers by shutting down ("Shutting
down...") and calling every plugin's ``on_shutdown``. A second SIGTERM ends the process at once."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable


def stop_on_sigterm() -> Callable[[], None]:
    """Make SIGTERM interrupt the main thread like Ctrl-C; returns what puts the old handler back.
    Leaves a handler someone else installed (an embedding program's) alone."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None

    def interrupt(signum, frame) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the next one ends the process at once
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)

    def restore() -> None:
        if signal.getsignal(signal.SIGTERM) is interrupt:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return restore
