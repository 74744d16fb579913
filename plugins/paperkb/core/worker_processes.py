"""A small pool of helper processes: plain child processes fed pickled jobs through pipes.

Each worker is ``python -m paperkb.core.worker_processes``, started with ``subprocess``: a child
of the process that starts the pool and nothing else. multiprocessing's pools need more processes
beside the workers to start them safely from a threaded process such as `mkdocs serve`: a fork
server and a resource tracker (~25 MB together, alive as long as the build). A job is a
module-level function with its arguments, pickled as a worker takes it (not when it is submitted:
the caller often keeps the arguments too, and a queue of pickled copies held them twice); the worker runs the jobs it gets one after
the other and sends each result (or exception) back. Two jobs wait in a worker's pipe at most,
so the worker finds its next job at once and a job goes to whichever worker is free first.

A worker ends when its input closes: the pool is shut down, or the process that started it is
gone (even killed with ``kill -9``: the kernel closes its end of the pipe). A thread also checks
that the starting process still runs, for a worker in the middle of a long job."""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Future, InvalidStateError
from typing import IO, Any

from .pipe_size import widen_pipe

_LENGTH = struct.Struct("<Q")
AHEAD = 2  # jobs sent to a worker before its first result is back
PARENT_POLL_SECONDS = 0.5
# What a kind of job keeps from one job to the next (``keep_until_other_jobs``), let go when the
# worker turns to another kind: by job function.
_kept_for: dict[Callable[..., Any], Callable[[], None]] = {}


def keep_until_other_jobs(job: Callable[..., Any], release: Callable[[], None]) -> None:
    """In a worker: ``release()`` runs once the worker turns from ``job`` to another kind of
    job. A run of chunks of one kind of work (the references a build shares) keeps what helps
    the next chunk, and lets it go before the work that follows (the diagrams) needs the memory."""
    _kept_for[job] = release


class WorkerProcesses:
    """``count`` worker processes; ``initializer(*initargs)`` runs in each as it starts."""

    def __init__(self, count: int, initializer: Callable[..., None] | None = None, initargs: Sequence[Any] = (),
                 pass_fds: Sequence[int] = ()) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple] | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        start = pickle.dumps((initializer, tuple(initargs)), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            for _ in range(count):
                self._workers.append(_Worker(self._jobs, start, tuple(pass_fds), self._worker_ended))
        except BaseException:
            self.shutdown()
            raise

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._workers]

    def submit(self, job: Callable[..., Any], *args: Any) -> Future:
        """Run ``job(*args)`` in a worker; its future fails with BrokenExecutor when no worker
        is left to run it."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker processes were shut down")
            if not any(worker.alive for worker in self._workers):
                future.set_exception(BrokenExecutor("the worker processes ended"))
                return future
            self._jobs.put((future, job, args))
        return future

    def _worker_ended(self) -> None:
        """A worker ended: when none is left, the jobs waiting for one fail."""
        with self._lock:
            if not any(worker.alive for worker in self._workers):
                for future in self._waiting():
                    _fail(future, "the worker processes ended")

    def _waiting(self) -> list[Future]:
        """Take the jobs no worker has taken yet off the queue (the ends of feeding stay)."""
        taken, ends = [], 0
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is None:
                ends += 1
            else:
                taken.append(item[0])
        for _ in range(ends):
            self._jobs.put(None)
        return taken

    def end_when_done(self) -> None:
        """Take no more jobs: each worker ends once it has done the jobs submitted so far (its
        memory goes then, not when the pool is shut down). ``submit`` raises afterwards."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._end_workers()

    def shutdown(self) -> None:
        """Cancel the jobs no worker has started, let each worker finish the ones it has, and
        wait for every worker to end."""
        with self._lock:
            ending = not self._closed  # (else end_when_done told them already)
            self._closed = True
            for future in self._waiting():
                future.cancel()
        if ending:
            self._end_workers()
        for worker in self._workers:
            worker.join()

    def _end_workers(self) -> None:
        """One end marker per worker, behind every job queued: each worker's feeding thread
        takes one last and closes its pipe, and the worker ends."""
        for _ in self._workers:
            self._jobs.put(None)


class _Worker:
    """One worker process and, in this process, the threads that feed it and read its results."""

    def __init__(self, jobs: queue.SimpleQueue, start: bytes, pass_fds: tuple[int, ...],
                 ended: Callable[[], None]) -> None:
        self._ended = ended
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid())], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, pass_fds=pass_fds)
        # A result waits whole in its pipe: the worker goes on to its next job instead of
        # waiting for the build's reader thread, which needs the GIL for each part it reads
        # (pipe_size.py): with the build's main thread busy in Python, a worker parsing notes
        # had been blocked ~17-27 ms after each 50-note job of ~17 ms. The job pipe likewise
        # takes a whole batch of diagrams.
        widen_pipe(self.process.stdout)
        widen_pipe(self.process.stdin)
        self.alive = True
        self._jobs = jobs
        self._room = threading.Semaphore(AHEAD)
        self._sent: queue.SimpleQueue[Future] = queue.SimpleQueue()  # in the order the worker runs them
        _write(self.process.stdin, start)
        self._feeder = threading.Thread(target=self._feed, name="paperkb-worker-feed", daemon=True)
        self._reader = threading.Thread(target=self._read, name="paperkb-worker-results", daemon=True)
        self._feeder.start()
        self._reader.start()

    def _feed(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while True:
                self._room.acquire()
                item = self._jobs.get()
                if item is None or not self.alive:
                    if item is not None:
                        self._jobs.put(item)  # (for a worker still running, if any: else it fails)
                        self._ended()
                    break
                future, job, args = item
                if not future.set_running_or_notify_cancel():
                    self._room.release()
                    continue
                try:
                    message = pickle.dumps((job, args), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # noqa: BLE001 (a job that does not pickle fails alone)
                    future.set_exception(exc)
                    self._room.release()
                    continue
                del item, job, args  # (the worker has them now: only the caller keeps its copy)
                self._sent.put(future)
                try:
                    _write(stdin, message)
                except OSError:
                    _fail(future, "a worker process ended")  # (the reader may have failed it already)
                    break
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while (message := _read(stdout)) is not None:
                future = self._sent.get()
                self._room.release()
                try:
                    ok, value = pickle.loads(message)
                except Exception as exc:  # noqa: BLE001 (a result this process cannot unpickle)
                    ok, value = False, exc
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        finally:
            self.alive = False
            self.process.wait()
            while True:
                try:
                    _fail(self._sent.get_nowait(), "a worker process ended during its job")
                except queue.Empty:
                    break
            self._room.release()  # (lets the feeder see that the worker is gone)
            self._ended()

    def join(self) -> None:
        self._feeder.join()
        self._reader.join()


def _fail(future: Future, why: str) -> None:
    if not future.done():
        try:
            future.set_exception(BrokenExecutor(why))
        except InvalidStateError:  # (set meanwhile by another thread)
            pass


def _write(stream: IO[bytes] | None, message: bytes) -> None:
    assert stream is not None
    stream.write(_LENGTH.pack(len(message)) + message)
    stream.flush()


def _read(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    message = stream.read(length)
    return message if len(message) == length else None


def _watch_parent(parent: int) -> None:
    """End this worker as soon as the process that started it is gone, even mid-job."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="paperkb-parent-watch", daemon=True).start()


def run_job(job: Callable[..., Any], args: Sequence[Any]) -> Any:
    """``job(*args)`` in a worker, once what other kinds of job kept is let go."""
    for kept in [kept for kept in _kept_for if kept is not job]:
        _kept_for.pop(kept)()
    return job(*args)


def main(parent: int) -> int:
    """A worker: run each job read from stdin, write its result to stdout, until stdin closes."""
    # Ctrl-C reaches every process of the terminal's group: the parent shuts the pool down; a
    # worker interrupted in the middle would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(parent)
    # The results go out on a descriptor of their own: whatever a job or a C library prints to
    # standard output goes to standard error instead, not into the results.
    sys.stdout.flush()
    jobs, results = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    start = _read(jobs)
    if start is None:
        return 0
    initializer, initargs = pickle.loads(start)
    if initializer is not None:
        initializer(*initargs)
    while (message := _read(jobs)) is not None:
        try:
            job, args = pickle.loads(message)
            result: tuple[bool, Any] = (True, run_job(job, args))
        except BaseException as exc:  # noqa: BLE001 (sent back to the caller's future)
            result = (False, exc)
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 (an exception or result that does not pickle)
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        try:
            _write(results, data)
        except OSError:
            return 0  # the parent is gone
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
