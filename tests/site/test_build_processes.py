"""A build killed with `kill -9` leaves no diagram worker processes behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import note, write_tree


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
def test_kill_9_of_a_build_leaves_no_diagram_workers(tmp_path):
    notes = {}
    for i in range(160):  # 160 uncached diagrams: laid out in worker processes
        cites = [f"paper{j}" for j in (i - 1, i - 2, i // 2) if 0 <= j < i]
        notes[f"papers/paper{i}.md"] = note(f"Paper number {i}", year=2000 + i % 25, fields=["LLM"], cites=cites)
    write_tree(tmp_path / "notes", notes)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    build = subprocess.Popen([sys.executable, "-m", "paperkb", "build", "notes"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and build.poll() is None:
            workers = children_of(build.pid)
            if len(workers) >= 2:  # the fork server and at least one worker it forked
                break
            time.sleep(0.02)
        assert len(workers) >= 2, "the build finished before it started diagram workers"
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in workers):
            time.sleep(0.1)
        assert not [p for p in workers if alive(p)], "worker processes outlived the killed build"
    finally:
        if build.poll() is None:
            build.kill()
        for pid in workers:  # never leave one behind, even when the test fails
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc").is_dir() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
def test_helper_processes_yield_the_cpu_to_the_build(tmp_path):
    """The build renders every page itself: its diagram workers and the search documents'
    process run niced, so the build keeps a core while they share the other."""
    notes = {}
    for i in range(160):  # 160 uncached diagrams: laid out in worker processes
        cites = [f"paper{j}" for j in (i - 1, i - 2, i // 2) if 0 <= j < i]
        notes[f"papers/paper{i}.md"] = note(f"Paper number {i}", year=2000 + i % 25, fields=["LLM"], cites=cites)
    write_tree(tmp_path / "notes", notes)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    build = subprocess.Popen([sys.executable, "-m", "paperkb", "build", "notes"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, tuple[str, int]] = {}  # pid -> (command, highest niceness seen)
    own = niceness(build.pid)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and build.poll() is None:
            for pid in children_of(build.pid):
                nice = niceness(pid)
                if nice is not None:
                    cmd = command(pid) or seen.get(pid, ("", nice))[0]
                    seen[pid] = (cmd, max(nice, seen.get(pid, ("", nice))[1]))
            time.sleep(0.01)
        assert build.wait(timeout=60) == 0
    finally:
        if build.poll() is None:
            build.kill()
    assert own is not None
    documents = [nice for cmd, nice in seen.values() if "search_document_process" in cmd]
    workers = [nice for pid, (cmd, nice) in seen.items() if "forkserver" in cmd and nice > own]
    assert documents and all(nice >= min(own + 10, 19) for nice in documents), seen
    assert workers, f"no diagram worker ran niced: {seen}"
