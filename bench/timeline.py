"""Which process of a build used the CPU and held memory when: a per-process timeline sampled from /proc (Linux).

A build is several processes: the build itself (MkDocs and paperkb), the diagram workers (its
children: core/worker_processes.py), the search documents' child and the Pagefind indexers it
starts one slice at a time. ``ProcessTimeline`` samples the CPU time (user + system) of every
process under the build every ``interval`` seconds, names each by its kind, and ``report`` prints
each kind's CPU seconds with when it ran, then the build cut into time steps: how much of a core
each kind used in each step, so the critical path and an idle second core show at a glance, and
the memory each kind held at the step's largest sum of all processes, so which peaks coincide
(the figure the memory target reads: measure.TreeMemory) shows too.
A process's last few milliseconds before it ends fall between samples: the totals are a little
below what the kernel reports when the build is reaped (measure.py's CPU time)."""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

_TICK = os.sysconf("SC_CLK_TCK")
RENAME_SECONDS = 2.0
KINDS = ("build", "diagram worker", "documents", "pagefind", "fork server", "resource tracker", "other")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, last CPU) of a process, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after "pid (comm)": state ppid ... utime(14) stime(15) ... processor(39), counted from 1
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, int(fields[36])


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    """The pids of ``pid``'s children (none when it is gone, or the kernel has no children file)."""
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(k) for k in f.read().split())
    except OSError:
        pass
    return kids


_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss(pid: int) -> int:
    """Resident bytes of ``pid`` (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def counted(sample: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The ``(pid, parent pid, RSS)`` of a sample whose memory counts: not a child that has not
    run its own program yet (the build starting the documents' process, that one starting
    Pagefind): it still shows its parent's command line and memory, which it shares (vfork), and
    would count that memory twice. A diagram worker shows its fork server's command line for
    good, with memory of its own."""
    if len(sample) < 2:
        return sample
    commands = {pid: _command(pid) for pid, _parent, _rss in sample}
    return [(pid, parent, size) for pid, parent, size in sample
            if not (parent in commands and commands[pid] == commands[parent] and "forkserver" not in commands[pid])]


def process_kind(command: str, parent_kind: str | None) -> str:
    """What a process under the build is, from its command line (``_command``) and its parent's
    kind (a diagram worker of paperkb before 2026-12 showed the command line of the fork server
    that forked it: the fork server and resource tracker are still named, for comparisons)."""
    if "pagefind" in os.path.basename(command.split(" ", 1)[0]):
        return "pagefind"
    if "search_document_process" in command:
        return "documents"
    if "paperkb.core.worker_processes" in command:
        return "diagram worker"
    if "forkserver" in command:
        return "diagram worker" if parent_kind == "fork server" else "fork server"
    if "resource_tracker" in command:
        return "resource tracker"
    return "other"


@dataclass
class Process:
    pid: int
    kind: str
    command: str
    first: float  # seconds since the build started, when first seen
    last: float = 0.0
    cpu: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)  # (time, CPU seconds so far)


class ProcessTimeline(threading.Thread):
    """Samples every process under ``root_pid`` until ``stop``."""

    def __init__(self, root_pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root_pid, self.interval = root_pid, interval
        self.processes: dict[int, Process] = {}
        self.start_time = time.perf_counter()
        self.end_time = self.start_time
        # (time, (pid, RSS) of each process whose memory counts) at every sample: the processes'
        # memory at one moment, named by kind when reported (a young process is renamed)
        self.memory: list[tuple[float, list[tuple[int, int]]]] = []
        self._done = threading.Event()

    def _kind(self, pid: int, command: str, parent_kind: str | None) -> str:
        return "build" if pid == self.root_pid else process_kind(command, parent_kind)

    def run(self) -> None:
        while not self._done.is_set():
            now = time.perf_counter() - self.start_time
            pending: list[tuple[int, str | None, int]] = [(self.root_pid, None, 0)]
            sample: list[tuple[int, int, int]] = []  # (pid, parent pid, RSS)
            while pending:
                pid, parent_kind, parent = pending.pop()
                stat = _stat(pid)
                if stat is None:
                    continue
                sample.append((pid, parent, rss(pid)))
                process = self.processes.get(pid)
                if process is None:
                    process = self.processes[pid] = Process(pid, "other", "", now)
                # A new process shows its parent's command until it runs its own (exec): named
                # again while it is young.
                if process.kind == "other" or now - process.first < RENAME_SECONDS:
                    process.command = _command(pid)
                    process.kind = self._kind(pid, process.command, parent_kind)
                process.last, process.cpu = now, stat[1]
                process.samples.append((now, stat[1]))
                pending.extend((kid, process.kind, pid) for kid in children(pid))
            self.memory.append((now, [(pid, size) for pid, _parent, size in counted(sample)]))
            self._done.wait(self.interval)
        self.end_time = time.perf_counter()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def report(self, steps: int = 30) -> str:
        """Each kind's CPU and when it ran; then per time step the share of a core each used and
        the memory each held at the step's largest sum of all processes."""
        total_s = max(self.end_time - self.start_time, 1e-9)
        by_kind: dict[str, list[Process]] = defaultdict(list)
        for process in self.processes.values():
            by_kind[process.kind].append(process)
        kinds = [k for k in KINDS if k in by_kind] + sorted(set(by_kind) - set(KINDS))  # (any kind named since)
        lines = [f"{'process kind':<15} {'count':>5} {'CPU s':>7} {'first s':>8} {'last s':>7}"]
        for kind in kinds:
            group = by_kind[kind]
            lines.append(f"{kind:<15} {len(group):>5} {sum(p.cpu for p in group):>7.2f} "
                         f"{min(p.first for p in group):>8.1f} {max(p.last for p in group):>7.1f}")
        for process in by_kind.get("other", []):
            lines.append(f"  other: {process.cpu:.2f} s, {process.command[:100]}")
        lines.append(f"{'all':<15} {len(self.processes):>5} {sum(p.cpu for p in self.processes.values()):>7.2f}"
                     f" {'':>8} {total_s:>7.1f}")
        step = total_s / steps
        used = {kind: [0.0] * steps for kind in kinds}
        for process in self.processes.values():
            before = 0.0  # a process first seen was started since the last sample
            for t, cpu in process.samples:
                used[process.kind][min(int(t / step), steps - 1)] += cpu - before
                before = cpu
        lines.append(f"\nshare of a core per {step:.1f} s step (2 cores = 2.00):")
        lines.append(f"{'from s':>7} " + " ".join(f"{k[:10]:>10}" for k in kinds) + f" {'sum':>6}")
        for i in range(steps):
            shares = [used[k][i] / step for k in kinds]
            lines.append(f"{i * step:>7.1f} " + " ".join(f"{s:>10.2f}" for s in shares) + f" {sum(shares):>6.2f}")
        lines.extend(self._memory_report(kinds, step, steps))
        return "\n".join(lines)

    def _memory_report(self, kinds: list[str], step: float, steps: int) -> list[str]:
        """Per time step, the MB each kind held at the step's largest sum (the moment that
        counts for peak memory), the largest step marked."""
        at_top: list[dict[str, float] | None] = [None] * steps
        for t, sizes in self.memory:
            held: dict[str, float] = defaultdict(float)
            for pid, size in sizes:
                held[self.processes[pid].kind] += size / 2**20
            i = min(int(t / step), steps - 1)
            if at_top[i] is None or sum(held.values()) > sum(at_top[i].values()):
                at_top[i] = held
        sums = [sum(held.values()) if held else 0.0 for held in at_top]
        top = max(range(steps), key=sums.__getitem__)
        lines = [f"\nMB each held at the step's largest sum of all processes ({step:.1f} s steps; * the peak):",
                 f"{'from s':>7} " + " ".join(f"{k[:10]:>10}" for k in kinds) + f" {'sum':>6}"]
        for i, held in enumerate(at_top):
            held = held or {}
            lines.append(f"{i * step:>7.1f} " + " ".join(f"{held.get(k, 0.0):>10.0f}" for k in kinds)
                         + f" {sums[i]:>6.0f}" + (" *" if i == top else ""))
        return lines
