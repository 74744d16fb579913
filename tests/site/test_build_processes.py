"""A build killed with `kill -9` leaves no diagram worker processes (nor any other) behind; the
build's helper processes yield the CPU to it; a script that builds without a ``__main__`` guard
gets diagram workers like any other build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperkb.core.helper_priority import HELPER_NICENESS, SEARCH_NICENESS

from ..conftest import note, write_tree
from ..process_tree import (WORKER_CODE, command_line, diagram_workers, has_proc, kill_all, marked, marker_env,
                            wait_until)


def start_build(tmp_path: Path, command: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    """`paperkb build` (or ``command``) of 160 notes with uncached diagrams (laid out in worker
    processes), its processes marked (tests/process_tree.py): the build and the marker."""
    notes = {}
    for i in range(160):
        cites = [f"paper{j}" for j in (i - 1, i - 2, i // 2) if 0 <= j < i]
        notes[f"papers/paper{i}.md"] = note(f"Paper number {i}", year=2000 + i % 25, fields=["LLM"], cites=cites)
    write_tree(tmp_path / "notes", notes)
    env, mark = marker_env(XDG_CACHE_HOME=str(tmp_path / "cache-home"))
    build = subprocess.Popen(command or [sys.executable, "-m", "paperkb", "build", "notes"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=(tmp_path / "build.err").open("wb"))
    return build, mark


def niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def run_watched(build: subprocess.Popen, mark: str, seconds: float = 300) -> dict[int, tuple[str, int]]:
    """Until ``build`` ends (successfully: asserted), each of its processes' command line and
    highest niceness seen; no process of it is left afterwards, whatever happened."""
    seen: dict[int, tuple[str, int]] = {}
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and build.poll() is None:
            for pid in marked(mark) - {build.pid}:
                nice, cmd = niceness(pid), command_line(pid)
                if nice is not None and cmd:  # (a process that just started runs its parent's command)
                    seen[pid] = (cmd, max(nice, seen.get(pid, (cmd, nice))[1]))
            time.sleep(0.01)
        assert build.wait(timeout=60) == 0
    finally:
        if build.poll() is None:
            build.kill()
        kill_all(marked(mark))
    return seen


@pytest.mark.skipif(not has_proc() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
def test_kill_9_of_a_build_leaves_no_diagram_workers(tmp_path):
    """The build is killed once a diagram worker runs; every worker and every other process of
    the build end soon after, where a worker would otherwise wait for jobs for good.

    This once failed under load, when the workers came from multiprocessing's fork server (a
    fork server still starting was taken for a worker). The processes are found by an
    environment marker they inherit (tests/process_tree.py), also after the build's death left
    them to init; the build is killed only once a worker runs; and the deadline is for a loaded
    machine, the property being that they end, not how fast."""
    build, mark = start_build(tmp_path)
    try:
        started = wait_until(lambda: build.poll() is not None or diagram_workers(mark), 300, step=0.01)
        workers = diagram_workers(mark)
        assert started and build.poll() is None and workers, "the build finished before it started diagram workers"
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=60)
        assert wait_until(lambda: not diagram_workers(mark), 120), \
            f"diagram workers outlived the killed build: {diagram_workers(mark)} (first seen: {workers})"
        assert wait_until(lambda: not marked(mark), 120), \
            f"processes outlived the killed build: {[command_line(p) for p in marked(mark)]}"
    finally:
        if build.poll() is None:
            build.kill()
        kill_all(marked(mark))


@pytest.mark.skipif(not has_proc() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
def test_helper_processes_yield_the_cpu_to_the_build(tmp_path):
    """The build renders every page itself: its diagram workers run niced, so the build keeps a
    core while they work on the other; the search documents' process, whose last slice the
    build waits for at its end, is niced only a little (core/helper_priority.py)."""
    build, mark = start_build(tmp_path)
    own = niceness(build.pid)
    seen = run_watched(build, mark)
    assert own is not None
    helper, search = min(own + HELPER_NICENESS, 19), min(own + SEARCH_NICENESS, 19)
    documents = [nice for cmd, nice in seen.values() if "search_document_process" in cmd]
    workers = [nice for cmd, nice in seen.values() if WORKER_CODE in cmd and nice >= helper]
    assert documents and all(nice == search for nice in documents), seen
    assert workers, f"no diagram worker ran niced: {seen}"


@pytest.mark.skipif(not has_proc() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
def test_a_script_without_a_main_guard_builds_with_diagram_workers(tmp_path):
    """A user's script that builds with paperkb and has no ``if __name__ == "__main__"`` guard:
    multiprocessing's fork server ran such a script again to start the workers, which failed
    there with a traceback ("start a new process before the current process has finished its
    bootstrapping phase") and left every diagram to the build. Workers run paperkb's own module
    only: they start, draw, and nothing is printed."""
    script = tmp_path / "make_site.py"
    script.write_text("from paperkb.cli import main\nmain(['build', 'notes'])\n", encoding="utf-8")
    build, mark = start_build(tmp_path, [sys.executable, str(script)])
    seen = run_watched(build, mark)
    errors = (tmp_path / "build.err").read_text(errors="replace")
    assert "Traceback" not in errors and "bootstrapping" not in errors, errors
    assert any(WORKER_CODE in cmd for cmd, _nice in seen.values()), f"no diagram worker ran: {seen}"
    assert list(tmp_path.glob("*/papers/paper159/index.html")), "the script wrote no site"
