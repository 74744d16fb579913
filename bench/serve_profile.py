#!/usr/bin/env python
"""Where one `serve` update's time goes, in-process (steadier than bench/serve.py's wall times).

    python bench/serve_profile.py 2000                      # every edit kind once: plan and update times
    python bench/serve_profile.py 2000 --kinds body,year --profile plan   # cProfile of the plan step
    python bench/serve_profile.py 2000 --profile update --top 40         # cProfile of the whole update

Writes the notes of bench/serve.py (same edits), builds them as `paperkb serve` does (in this
process), then applies each edit and runs the serve engine's update on the paths it touched, as
the file watcher reports them. Prints, per edit kind, the CPU time of the first round's
planning (``plugin.plan``: what the edited pages read), of the second round's planning
(``plugin.plan_listings``: the pages listing many notes) and of the whole update (both rounds
of rendering, search index); the update's steps give the first round's CPU ("CPU").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import edits, prepare  # noqa: E402


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/serve_profile.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--kinds", help="comma-separated edit kinds (default: all of bench/serve.py's)")
    parser.add_argument("--profile", choices=("plan", "update"), help="print cProfile's top functions")
    parser.add_argument("--parts", action="store_true",
                        help="CPU time of each feature's start in each round's plan (first round, listings)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="work folder to keep (default: temporary)")
    args = parser.parse_args(argv)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    root = args.out or Path(tempfile.mkdtemp(prefix="paperkb-serve-profile-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        shutil.rmtree(root / "notes", ignore_errors=True)  # (a kept folder: its caches stay)
        notes_dir, plan = prepare(root, args.n, args.seed)
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        from paperkb.mkdocs_plugin.serve import IncrementalServe

        os.chdir(root)
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        config.plugins.on_startup(command="serve", dirty=False)
        started = time.monotonic()
        build(config)
        print(f"{args.n} notes: first build {time.monotonic() - started:.1f} s", file=sys.stderr)
        plugin = config.plugins["paperkb"]

        class Server:  # what IncrementalServe uses of MkDocs' LiveReloadServer
            builder = None
            _watched_paths: dict = {}

        full_builds = []
        engine = IncrementalServe(plugin, Server(), lambda: full_builds.append(1))
        engine._saved_meanwhile = lambda: False
        real_plan = plugin.plan
        plan_cpu: list[float] = []
        profiler = cProfile.Profile()

        def timed_plan(*a, **kw):
            t = time.process_time()
            if args.profile == "plan":
                profiler.enable()
            try:
                return real_plan(*a, **kw)
            finally:
                if args.profile == "plan":
                    profiler.disable()
                plan_cpu.append(time.process_time() - t)

        plugin.plan = timed_plan
        real_listings = plugin.plan_listings
        listings_cpu: list[float] = []
        round_of = ["plan"]  # (which round's plan --parts is timing)

        def timed_listings(*a, **kw):
            t = time.process_time()
            round_of[0] = "listings"
            try:
                return real_listings(*a, **kw)
            finally:
                round_of[0] = "plan"
                listings_cpu.append(time.process_time() - t)

        plugin.plan_listings = timed_listings
        import gc

        gc_time = [0.0, 0.0]  # (total seconds, start of the running collection)

        def on_gc(phase, info):
            if phase == "start":
                gc_time[1] = time.perf_counter()
            else:
                gc_time[0] += time.perf_counter() - gc_time[1]

        gc.callbacks.append(on_gc)
        parts: dict[tuple[str, str], float] = {}  # (round, part) -> CPU seconds

        def timed(name, fn):
            def wrapper(*a, **kw):
                t = time.process_time()
                try:
                    return fn(*a, **kw)
                finally:
                    part = (round_of[0], name)
                    parts[part] = parts.get(part, 0.0) + time.process_time() - t
            return wrapper

        import paperkb.mkdocs_plugin.plugin as plugin_module
        from paperkb.mkdocs_plugin.feature import Feature
        plugin_module.load_library = timed("load", plugin_module.load_library)
        for feature in plugin.features:
            if type(feature).start is not Feature.start:
                feature.start = timed(type(feature).__name__, feature.start)
        wanted = set(args.kinds.split(",")) if args.kinds else None
        print(f"{'edit':14} {'plan cpu':>9} {'listings cpu':>13} {'update cpu':>11} {'wall':>6}  steps")
        for edit in edits(notes_dir, plan, 1):
            before = _snapshot(notes_dir)
            edit.apply()
            after = _snapshot(notes_dir)
            changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            if wanted is not None and edit.kind not in wanted:
                engine._changes = changed  # (applied all the same, unmeasured: later edits build on it)
                engine.build()
                continue
            engine._changes = changed
            engine.foreground.hold()  # (as serve's watcher does on a save: background indexing steps aside)
            plan_cpu.clear()
            listings_cpu.clear()
            parts.clear()
            gc_time[0] = 0.0
            builds = len(full_builds)
            wall, cpu = time.monotonic(), time.process_time()
            if args.profile == "update":
                profiler.enable()
            engine.build()
            if args.profile == "update":
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            full = " (FULL BUILD)" if len(full_builds) > builds else ""
            print(f"{edit.kind:14} {sum(plan_cpu):9.3f} {sum(listings_cpu):13.3f} {cpu:11.3f} {wall:6.2f}  {engine.steps}, "
                  f"gc {gc_time[0]:.2f}{full}", flush=True)
            if args.parts:
                for round_name in ("plan", "listings"):
                    took = sorted(((k, v) for (r, k), v in parts.items() if r == round_name and v >= 0.005),
                                  key=lambda kv: -kv[1])
                    print(f"    {round_name}: " + ", ".join(f"{k} {v:.3f}" for k, v in took), flush=True)
        plugin.search.wait()
        config.plugins.on_shutdown()
        if args.profile:
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(args.top)
            print(buffer.getvalue())
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(args.top)
            print(buffer.getvalue())
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
