#!/usr/bin/env python
"""Where the build process's memory goes: one build in this process, its RSS after every plugin event.

    bench/memory.py N [--shape deep|skim] [--out DIR] [--warm] [--floor] [--trace] [--top K]

Writes N synthetic notes (like build.py; ``--out DIR`` keeps and reuses them), then runs one
paperkb build (``--floor``: the plain mkdocs-material floor) in this process and prints the
RSS after each MkDocs event (the first and last page of the per-page events, so the growth
over the page rounds shows), the largest RSS seen and, with ``--trace``, tracemalloc's top
allocation sites at the build process's peak moment (on_env: every page rendered, none
written) and how much each holds per note. ``--warm`` builds twice and measures the second
(the caches of the first kept). Only the build process is measured: bench/build.py gives all
processes together; tracemalloc slows the build ~2-3x and sees Python's allocations only."""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from build import clear, prepare  # noqa: E402
from measure import _rss  # noqa: E402

PER_PAGE = {"on_pre_page", "on_page_read_source", "on_page_markdown", "on_page_content", "on_page_context",
            "on_post_page"}


class EventMemory:
    """RSS after each plugin event: every event once, per-page events at their first and last call."""

    def __init__(self, trace_at: str | None, top: int, notes: int) -> None:
        self.rows: list[tuple[str, float, float]] = []  # (event, RSS MB, traced MB)
        self.calls: dict[str, int] = {}
        self.trace_at, self.top, self.notes = trace_at, top, notes
        self.peak = 0.0
        self.snapshot: tracemalloc.Snapshot | None = None
        self._last_page_row: dict[str, int] = {}

    def after(self, event: str) -> None:
        rss = _rss(os.getpid()) / 2**20
        self.peak = max(self.peak, rss)
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else 0.0
        count = self.calls[event] = self.calls.get(event, 0) + 1
        if event in PER_PAGE:
            label = f"{event} (page {count})"
            if count <= 2:
                self._last_page_row[event] = len(self.rows)
                self.rows.append((label, rss, traced))
            else:  # the row of its last call so far
                self.rows[self._last_page_row[event]] = (label, rss, traced)
        else:
            self.rows.append((event, rss, traced))
        if event == self.trace_at and self.snapshot is None and tracemalloc.is_tracing():
            self.snapshot = tracemalloc.take_snapshot()

    def report(self) -> None:
        print(f"{'after event':<36} {'RSS MB':>8} {'traced MB':>10}")
        for label, rss, traced in self.rows:
            print(f"{label:<36} {rss:>8.1f} {traced:>10.1f}")
        print(f"largest RSS seen after an event: {self.peak:.1f} MB; "
              f"kernel's peak RSS (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
        if self.snapshot is None:
            return
        snapshot = self.snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        stats = snapshot.statistics("lineno")
        total = sum(s.size for s in stats)
        print(f"\ntracemalloc at {self.trace_at}: {total / 2**20:.1f} MB traced, "
              f"{total / self.notes / 1024:.1f} KB a note; top sites:")
        for stat in stats[:self.top]:
            frame = stat.traceback[0]
            where = _short(frame.filename)
            print(f"  {stat.size / 2**20:8.1f} MB {stat.size / self.notes:8.0f} B/note {stat.count:>9} blocks  "
                  f"{where}:{frame.lineno}")
        print("\nby file:")
        for stat in snapshot.statistics("filename")[:self.top]:
            print(f"  {stat.size / 2**20:8.1f} MB {stat.size / self.notes:8.0f} B/note  {_short(stat.traceback[0].filename)}")


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/plugins/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def build_once(config_file: Path, site_dir: Path, memory: EventMemory | None) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection

    from mkdocs.structure.files import Files

    original, copy_static = PluginCollection.run_event, Files.copy_static_files

    def run_event(self, name, item=None, **kwargs):
        result = original(self, name, item, **kwargs)
        if memory is not None:
            memory.after(f"on_{name}")
        return result

    def copy_static_files(self, *args, **kwargs):  # (between on_env and the first template)
        result = copy_static(self, *args, **kwargs)
        if memory is not None:
            memory.after("copy_static_files")
        return result

    PluginCollection.run_event, Files.copy_static_files = run_event, copy_static_files
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        PluginCollection.run_event, Files.copy_static_files = original, copy_static


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/memory.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--shape", choices=("deep", "skim"), default="deep")
    parser.add_argument("--out", type=Path, help="work folder to keep; notes already there are reused")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warm", action="store_true", help="measure a second build, the first one's caches kept")
    parser.add_argument("--floor", action="store_true", help="build the mkdocs-material floor instead")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top sites at the peak (on_env)")
    parser.add_argument("--trace-at", default="on_env", help="the event after which to take the snapshot")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    import tempfile

    root = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="paperkb-memory-"))
    root.mkdir(parents=True, exist_ok=True)
    notes = root / "notes"
    if notes.is_dir() and len(list((notes / "papers").glob("*.md"))) == args.n:
        from sites import write_projects
        layout = write_projects(root, notes, site_name=f"Benchmark: {args.n} synthetic notes")
    else:
        layout = prepare(root, args.n, args.seed, args.shape)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    project = layout.floor if args.floor else layout.paperkb
    site_dir = root / "site" / ("memory-floor" if args.floor else "memory")
    os.chdir(root)
    if not args.floor and not args.warm:
        clear(layout.cache_root)
        clear(layout.cache_dir)
    if args.warm:  # the caches of a first build, made in a process of its own
        clear(site_dir)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project.config_file),
                        "-d", str(site_dir)], check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    clear(site_dir)
    memory = EventMemory(args.trace_at if args.trace else None, args.top, args.n)
    if args.trace:
        tracemalloc.start(1)
    start = time.process_time()
    build_once(project.config_file, site_dir, memory)
    print(f"{'floor' if args.floor else 'paperkb ' + ('warm' if args.warm else 'cold')}, {args.n} {args.shape} notes, "
          f"CPU {time.process_time() - start:.1f} s (build process){' under tracemalloc' if args.trace else ''}\n")
    memory.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
