"""Which processes a command started, found through /proc, even after they lost their parent.

A test gives the command's environment a marker of its own (``marker_env``): every process the
command starts inherits it (the diagram workers, the search documents' process, Pagefind), so the test still finds them once a killed parent left
them to init, which a walk down from the parent's pid would not."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

MARKER_NAME = "PAPERKB_TEST_PROCESS_MARK"
WORKER_CODE = "paperkb.core.worker_processes"  # in the command line of a diagram worker


def has_proc() -> bool:
    return Path("/proc").is_dir()


def marker_env(**extra: str) -> tuple[dict[str, str], str]:
    """os.environ with a fresh marker (and ``extra``), and the marker."""
    mark = uuid.uuid4().hex
    return {**os.environ, **extra, MARKER_NAME: mark}, mark


def marked(mark: str) -> set[int]:
    """Live processes (not zombies) whose environment holds ``mark``."""
    needle = f"{MARKER_NAME}={mark}".encode()
    found = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in environ.read_bytes().split(b"\0") and alive(int(environ.parent.name)):
                found.add(int(environ.parent.name))
        except (OSError, ValueError):
            continue  # gone meanwhile, or another user's
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def diagram_workers(mark: str) -> set[int]:
    """The diagram worker processes among the processes marked ``mark``."""
    return {pid for pid in marked(mark) if WORKER_CODE in command_line(pid)}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float, step: float = 0.05) -> bool:
    """Poll ``condition()`` until it holds or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while not (held := condition()) and time.monotonic() < deadline:
        time.sleep(step)
    return bool(held)


def kill_all(pids) -> None:
    """Never leave a process of the test behind, even when it fails."""
    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, 9)
            except OSError:
                pass
