"""Background work that steps aside while something more urgent runs.

`mkdocs serve` indexes the search in the background after an edit (Pagefind: seconds of CPU
per slice of 1,000 pages, a child process plus a thread feeding it). When the next save comes,
the user wants that edit shown first: the update holds the ``Foreground`` while it runs; the
background job waits at its next step (``wait_turn``: between pages it feeds), and the child
processes it registered (``running``) are stopped (SIGSTOP) until the update is done and go on
where they were (SIGCONT). Nothing is lost or done twice, and on two cores the update no
longer shares them with an indexer. Where signals cannot stop a process (Windows) only the
feeding thread waits.

Whoever needs the background work finished (``lifted``: a full build waiting for the index)
lets it run even while the foreground is held, so the two never wait on each other."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_CAN_STOP = hasattr(signal, "SIGSTOP") and hasattr(signal, "SIGCONT")


class Foreground:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._lifted = 0  # callers waiting for the background work to finish
        self._processes: set[subprocess.Popen] = set()
        self._stopped: set[subprocess.Popen] = set()

    @property
    def held(self) -> bool:
        with self._cond:
            return self._held

    def hold(self) -> None:
        """Urgent work begins (idempotent): background steps wait, registered processes stop."""
        with self._cond:
            self._held = True
            self._apply()

    def release(self) -> None:
        """The urgent work is done (idempotent): the background goes on where it was."""
        with self._cond:
            self._held = False
            self._apply()
            self._cond.notify_all()

    @contextmanager
    def lifted(self) -> Iterator[None]:
        """Let the background run while the caller waits for it, held or not."""
        with self._cond:
            self._lifted += 1
            self._apply()
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._lifted -= 1
                self._apply()

    def wait_turn(self) -> None:
        """Called by background work between its steps: returns once nothing urgent runs."""
        with self._cond:
            self._cond.wait_for(self._may_run)

    def adopt(self, process: subprocess.Popen) -> None:
        """``process`` is background work: stopped while the foreground is held."""
        with self._cond:
            self._processes.add(process)
            self._apply()

    def let_go(self, process: subprocess.Popen) -> None:
        """``process`` is ending: it runs (continued if it was stopped) and is no longer managed."""
        with self._cond:
            self._processes.discard(process)
            if process in self._stopped:
                self._stopped.discard(process)
                _signal(process, "SIGCONT")

    def _may_run(self) -> bool:
        return not self._held or self._lifted > 0

    def _apply(self) -> None:
        """Stop or continue the registered processes to match the state (the lock is held)."""
        if not _CAN_STOP:
            return
        if self._may_run():
            for process in list(self._stopped):
                _signal(process, "SIGCONT")
            self._stopped.clear()
        else:
            for process in self._processes - self._stopped:
                if _signal(process, "SIGSTOP"):
                    self._stopped.add(process)


def _signal(process: subprocess.Popen, name: str) -> bool:
    if process.poll() is not None:
        return False
    try:
        os.kill(process.pid, getattr(signal, name))
    except OSError:  # (ended meanwhile)
        return False
    return True


IDLE = Foreground()  # a foreground never held: background work runs straight through
