"""Run one `mkdocs build` in a fresh process and measure it: wall and CPU time, peak memory,
what it wrote. Each build gets its own interpreter, so imports, caches held in memory and
the peak RSS belong to that build alone.

paperkb lays out diagrams in worker processes, and its search documents' process starts
Pagefind: grandchildren the benchmark does not reap itself (and older paperkb forked its workers
from multiprocessing's fork server). The benchmark makes itself a child subreaper (Linux prctl):
orphaned descendants are handed to it when the build ends, and their `os.wait4` usage is added, so CPU time covers every process of the build and
the peak RSS is that of its largest process. A sampler adds up the RSS of the whole process
tree every 50 ms for the memory of all processes together."""

from __future__ import annotations

import ctypes
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from timeline import ProcessTimeline, _command, children, counted, process_kind, rss as _rss

_LOG_LINE = re.compile(r"^(WARNING|ERROR)\b")


@dataclass
class Measurement:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # the largest single process (exact, from the kernel)
    tree_rss_mb: float  # the build's processes together (sampled every 50 ms)
    output_mb: float
    files: int
    returncode: int
    warnings: list[str] = field(default_factory=list)
    # At the sample where the processes together peaked: each one's RSS in MB, by what it is
    # ("build", "diagram worker", "documents", "pagefind", ...: timeline.process_kind), largest first.
    at_peak: list[tuple[str, float]] = field(default_factory=list)
    timeline: str = ""  # timeline.py's report, when asked for

    def as_dict(self) -> dict:
        data = asdict(self)
        data["warnings"] = len(self.warnings)
        del data["timeline"]
        return data


def tree_size(root: Path) -> tuple[int, int]:
    """(bytes, file count) of everything under ``root``."""
    total = count = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            total += os.lstat(os.path.join(dirpath, name)).st_size
            count += 1
    return total, count


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped; keeps the peak
    of the sum (the processes' memory at one moment, not the sum of each one's own peak) and
    what each process held at that moment."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.at_peak: list[tuple[str, float]] = []  # (kind, MB) of each process at the peak
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pending, total, sample = [(self.pid, 0)], 0, []
            while pending:
                pid, parent = pending.pop()
                rss = _rss(pid)
                sample.append((pid, parent, rss))
                pending.extend((child, pid) for child in children(pid))
            sample = counted(sample)
            total = sum(rss for _pid, _parent, rss in sample)
            if total > self.peak:
                self.peak, self.at_peak = total, self._kinds(sample)
            self._done.wait(self.interval)

    def _kinds(self, sample: list[tuple[int, int, int]]) -> list[tuple[str, float]]:
        kinds = {self.pid: "build"}
        for pid, parent, _rss in sample:  # (parents come before their children)
            kinds.setdefault(pid, process_kind(_command(pid), kinds.get(parent)))
        return sorted(((kinds[pid], rss / 2**20) for pid, _parent, rss in sample if rss), key=lambda kv: -kv[1])

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt the orphans of our children (Linux), so their resource usage can be collected."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(patience_s: float = 60.0) -> tuple[float, float, int]:
    """Wait for adopted descendants to end: (their CPU seconds, largest peak RSS KiB, count)."""
    cpu = maxrss = 0.0
    count = 0
    deadline = time.monotonic() + patience_s
    while True:
        try:
            pid, _status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:  # none left
            break
        if pid == 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
            continue
        cpu += usage.ru_utime + usage.ru_stime
        maxrss = max(maxrss, usage.ru_maxrss)
        count += 1
    return cpu, maxrss, count


def run_build(config_file: Path, site_dir: Path, log_file: Path, timeline: bool = False) -> Measurement:
    """`python -m mkdocs build` for ``config_file`` in a child process; the site goes to ``site_dir``.
    ``timeline``: also sample which of its processes used the CPU when (timeline.py)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config_file),
               "--site-dir", str(site_dir)]
    become_subreaper()
    with open(log_file, "wb") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=config_file.parent, stdout=log, stderr=subprocess.STDOUT, env=env)
        sampler = TreeMemory(child.pid)
        sampler.start()
        tracer = ProcessTimeline(child.pid) if timeline else None
        if tracer is not None:
            tracer.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if tracer is not None:
            tracer.stop()
        orphan_cpu, orphan_rss, _orphans = reap_orphans()
        tree_peak = sampler.stop()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    max_rss_kib = max(usage.ru_maxrss, orphan_rss)
    size, files = tree_size(site_dir) if site_dir.exists() else (0, 0)
    text = log_file.read_text(encoding="utf-8", errors="replace")
    return Measurement(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime + orphan_cpu,
        peak_rss_mb=max_rss_kib / 1024,  # Linux reports KiB
        tree_rss_mb=max(tree_peak / 2**20, max_rss_kib / 1024),
        at_peak=sampler.at_peak if tree_peak >= max_rss_kib * 1024 else [],
        output_mb=size / 2**20,
        files=files,
        returncode=child.returncode,
        warnings=[line for line in text.splitlines() if _LOG_LINE.match(line)],
        timeline=tracer.report() if tracer is not None else "",
    )


def median(runs: list[Measurement]) -> Measurement:
    """Each figure's median over repeated runs (output figures and log come from the last run)."""
    last = runs[-1]
    return Measurement(
        wall_s=statistics.median(r.wall_s for r in runs),
        cpu_s=statistics.median(r.cpu_s for r in runs),
        peak_rss_mb=statistics.median(r.peak_rss_mb for r in runs),
        tree_rss_mb=statistics.median(r.tree_rss_mb for r in runs),
        at_peak=last.at_peak,
        output_mb=last.output_mb,
        files=last.files,
        returncode=max(r.returncode for r in runs),
        warnings=last.warnings,
        timeline=last.timeline,
    )
