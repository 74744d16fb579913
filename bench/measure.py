"""Run one `mkdocs build` in a fresh process and measure it: wall and CPU time, peak memory,
what it wrote. Each build gets its own interpreter, so imports, caches held in memory and
the peak RSS belong to that build alone (read from `os.wait4` for exactly that child)."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_LOG_LINE = re.compile(r"^(WARNING|ERROR)\b")


@dataclass
class Measurement:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    output_mb: float
    files: int
    returncode: int
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["warnings"] = len(self.warnings)
        return data


def tree_size(root: Path) -> tuple[int, int]:
    """(bytes, file count) of everything under ``root``."""
    total = count = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            total += os.lstat(os.path.join(dirpath, name)).st_size
            count += 1
    return total, count


def run_build(config_file: Path, site_dir: Path, log_file: Path) -> Measurement:
    """`python -m mkdocs build` for ``config_file`` in a child process; the site goes to ``site_dir``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config_file),
               "--site-dir", str(site_dir)]
    with open(log_file, "wb") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=config_file.parent, stdout=log, stderr=subprocess.STDOUT, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    size, files = tree_size(site_dir) if site_dir.exists() else (0, 0)
    text = log_file.read_text(encoding="utf-8", errors="replace")
    return Measurement(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        output_mb=size / 2**20,
        files=files,
        returncode=child.returncode,
        warnings=[line for line in text.splitlines() if _LOG_LINE.match(line)],
    )


def median(runs: list[Measurement]) -> Measurement:
    """Each figure's median over repeated runs (output figures and log come from the last run)."""
    last = runs[-1]
    return Measurement(
        wall_s=statistics.median(r.wall_s for r in runs),
        cpu_s=statistics.median(r.cpu_s for r in runs),
        peak_rss_mb=statistics.median(r.peak_rss_mb for r in runs),
        output_mb=last.output_mb,
        files=last.files,
        returncode=max(r.returncode for r in runs),
        warnings=last.warnings,
    )
