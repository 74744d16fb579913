"""core/worker_processes.py: jobs run in plain child processes of the caller; results, errors,
a worker that dies, shut-down."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import BrokenExecutor, CancelledError
from pathlib import Path

import pytest

from paperkb.core import worker_processes
from paperkb.core.worker_processes import WorkerProcesses, keep_until_other_jobs, run_job

from ..process_tree import alive, command_line


def test_jobs_run_in_a_plain_child_process_and_their_results_and_errors_come_back():
    pool = WorkerProcesses(1)
    try:
        (worker,) = pool.pids
        # a child of this process itself (no fork server between), running the worker module
        assert pool.submit(os.getppid).result(60) == os.getpid()
        assert pool.submit(os.getpid).result(60) == worker
        assert "paperkb.core.worker_processes" in command_line(worker)
        assert pool.submit(pow, 2, 100).result(60) == 2 ** 100
        with pytest.raises(ValueError, match="invalid literal"):
            pool.submit(int, "not a number").result(60)
        # what a job prints goes to standard error, not into the results that follow it
        assert pool.submit(print, "printed by a job").result(60) is None
        assert pool.submit(os.write, 1, b"written to fd 1\n").result(60) == 16
        assert pool.submit(sorted, [3, 1, 2]).result(60) == [1, 2, 3]
    finally:
        pool.shutdown()
    assert not alive(worker)


def test_shutdown_cancels_the_jobs_no_worker_started_and_finishes_the_others():
    pool = WorkerProcesses(1)
    (worker,) = pool.pids
    futures = [pool.submit(time.sleep, 0.3) for _ in range(6)]
    assert futures[0].result(60) is None  # (the first is done: the next ones are in the worker's pipe)
    pool.shutdown()
    assert not alive(worker)
    assert all(f.done() for f in futures)
    assert futures[1].result() is None  # sent before the shut-down: finished
    cancelled = [f for f in futures if f.cancelled()]
    assert cancelled, "every job ran although the pool was shut down"
    with pytest.raises(CancelledError):
        cancelled[0].result()
    with pytest.raises(RuntimeError):
        pool.submit(pow, 2, 2)


def test_a_worker_killed_during_its_job_fails_its_jobs_and_later_ones_instead_of_hanging():
    pool = WorkerProcesses(1)
    try:
        (worker,) = pool.pids
        assert pool.submit(pow, 3, 3).result(60) == 27  # (started and answering)
        long = pool.submit(time.sleep, 60)
        waiting = pool.submit(pow, 2, 2)
        queued = [pool.submit(pow, 2, 3) for _ in range(3)]  # (beyond what its pipe holds)
        os.kill(worker, signal.SIGKILL)
        for future in [long, waiting, *queued]:
            with pytest.raises(BrokenExecutor):
                future.result(60)
        with pytest.raises(BrokenExecutor):
            pool.submit(pow, 2, 4).result(60)
    finally:
        pool.shutdown()


def test_the_initializer_runs_in_each_worker_and_a_handed_down_descriptor_stays_open(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.write_bytes(b"")
    fd = os.open(shared, os.O_WRONLY | os.O_APPEND)
    try:
        pool = WorkerProcesses(2, os.write, (fd, b"started\n"), pass_fds=(fd,))
        try:
            assert set(pool.submit(os.getppid).result(60) for _ in range(4)) == {os.getpid()}
            assert pool.submit(os.write, fd, b"job\n").result(60) == 4
        finally:
            pool.shutdown()
    finally:
        os.close(fd)
    assert sorted(shared.read_text().splitlines()) == ["job", "started", "started"]


class Counted:
    """An argument that counts how often it is pickled (in this process: the pool's feeding thread)."""

    pickled = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __reduce__(self):
        Counted.pickled += 1
        return int, (self.value,)


def test_a_job_is_pickled_when_a_worker_takes_it_not_while_it_waits():
    """A queue of pickled jobs held every argument twice (the caller keeps its own, e.g. the
    diagram workers' packed sources): the jobs beyond what a worker's pipe holds stay unpickled.
    A job that does not pickle fails alone."""
    pool = WorkerProcesses(1)
    try:
        assert pool.submit(pow, 3, 3).result(60) == 27  # (started and answering)
        Counted.pickled = 0
        long = pool.submit(time.sleep, 1.0)
        waiting = [pool.submit(abs, Counted(-n)) for n in range(20)]
        time.sleep(0.3)  # (the worker sleeps: only what its pipe holds was taken)
        assert Counted.pickled <= 2, f"{Counted.pickled} waiting jobs pickled before a worker took them"
        unpicklable = pool.submit(abs, lambda: None)
        after = pool.submit(pow, 2, 5)
        assert long.result(60) is None
        assert [f.result(60) for f in waiting] == list(range(20))
        assert Counted.pickled == 20
        with pytest.raises(Exception, match="pickle"):
            unpicklable.result(60)
        assert after.result(60) == 32
    finally:
        pool.shutdown()


def test_what_a_kind_of_job_keeps_is_let_go_when_the_worker_turns_to_another_kind(monkeypatch):
    """A run of reference chunks keeps the names it read for the next chunk; the first job of
    another kind (a diagram batch) lets them go first, once."""
    monkeypatch.setattr(worker_processes, "_kept_for", {})
    released: list[str] = []

    def chunk(n: int) -> int:
        keep_until_other_jobs(chunk, lambda: released.append(f"after {n}"))
        return n

    assert [run_job(chunk, (1,)), run_job(chunk, (2,))] == [1, 2]
    assert released == []  # the same kind of job: kept
    assert run_job(sorted, ([2, 1],)) == [1, 2]
    assert released == ["after 2"]  # (the last chunk's release, before the other job ran)
    run_job(sorted, ([],))
    assert released == ["after 2"]  # once


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_a_workers_pipes_hold_a_whole_large_result_so_it_need_not_wait_for_the_reader():
    import fcntl

    from paperkb.core.pipe_size import PIPE_SIZE

    if int(open("/proc/sys/fs/pipe-max-size").read()) < PIPE_SIZE:
        pytest.skip("this system's pipes are limited below PIPE_SIZE")
    pool = WorkerProcesses(1)
    try:
        (worker,) = pool._workers
        for stream in (worker.process.stdin, worker.process.stdout):
            assert fcntl.fcntl(stream.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_SIZE
        # results larger than the default 64 KB pipe still come back whole, in order
        big = [pool.submit(bytes, 300_000 + n) for n in range(3)]
        assert [len(f.result(60)) for f in big] == [300_000, 300_001, 300_002]
    finally:
        pool.shutdown()
