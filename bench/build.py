#!/usr/bin/env python
"""Build benchmark: paperkb against plain mkdocs-material on N synthetic notes.

    bench/build.py N [--shape deep|skim] [--out DIR] [--seed S] [--repeat K] [--json] [--check] [--timeline]
                   [--profile cold|warm]

Writes a synthetic knowledge base of N notes (see synth.py; ``--shape skim`` for short notes:
five citations and about ten one-line bullets, ~1 KB each), then builds it, each build in its
own fresh process, in this order per repetition:

  floor         plain mkdocs-material (search plugin, paperkb's theme and Markdown extensions),
                the same note files with the notes out of the nav
  paperkb-cold  paperkb's default configuration with an empty diagram cache
  paperkb-warm  the same again, the diagram cache kept from the cold build

and prints wall time, CPU time, peak RSS, output size and file count with each build's ratio
to the floor, then the targets of issue 11, defined at N=10000 for both note shapes: paperkb
within 1.6x the floor's wall time cold and 1.3x warm, the peak memory of all its processes within
2x the floor's. Exit status is 0 unless --check is given and a target is missed (or a build fails).
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from measure import Measurement, median, run_build  # noqa: E402
from sites import Layout, write_projects  # noqa: E402
from synth import SHAPES, write_notes  # noqa: E402

TARGET_N = 10000
DEFAULT_N = 2000  # quick enough to iterate on; the targets are defined at TARGET_N
SVG_REF = re.compile(r'([^/"\'\s]+\.svg)\b')  # the file name of an .svg a page references
GRAPHVIZ_NODE = re.compile(r'<g\b[^>]*\bclass="node[\s"]')  # a node group in Graphviz's SVG output
BUILDS = ("floor", "paperkb-cold", "paperkb-warm")


@dataclass(frozen=True)
class Target:
    issue: int
    build: str
    metric: str  # "wall": wall time; "memory": peak RSS of all the build's processes together
    limit: float
    label: str


TARGETS = (
    Target(11, "paperkb-cold", "wall", 1.6, "paperkb cold / floor wall time <= 1.6"),
    Target(11, "paperkb-warm", "wall", 1.3, "paperkb warm / floor wall time <= 1.3"),
    Target(11, "paperkb-cold", "memory", 2.0, "paperkb cold / floor peak memory (all processes) <= 2.0"),
    Target(11, "paperkb-warm", "memory", 2.0, "paperkb warm / floor peak memory (all processes) <= 2.0"),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=DEFAULT_N,
                        help=f"number of notes (default {DEFAULT_N}; the targets are defined at {TARGET_N})")
    parser.add_argument("--out", type=Path, help="work folder to keep (default: a temporary folder, removed)")
    parser.add_argument("--shape", choices=SHAPES, default="deep",
                        help="note shape: deep (full front-matter, a few hundred words) or skim (~1 KB); default deep")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic notes (default 1)")
    parser.add_argument("--repeat", type=int, default=1, metavar="K", help="report the median of K runs")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed or a build fails")
    parser.add_argument("--timeline", action="store_true",
                        help="print which of paperkb's processes used the CPU and held memory when, per build (timeline.py)")
    parser.add_argument("--profile", choices=("cold", "warm"),
                        help="afterwards, profile a paperkb build in-process with cProfile and print where time goes")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("N and --repeat must be at least 1")
    return args


def prepare(root: Path, n: int, seed: int, shape: str = "deep") -> Layout:
    notes_dir = root / "notes"
    if notes_dir.exists():
        shutil.rmtree(notes_dir)
    write_notes(notes_dir, n, seed, shape)
    return write_projects(root, notes_dir, site_name=f"Benchmark: {n} synthetic notes")


def clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def cache_files(cache_dir: Path) -> int:
    return sum(1 for p in cache_dir.rglob("*") if p.is_file()) if cache_dir.exists() else 0


def run_all(layout: Layout, repeat: int, log: callable, timeline: bool = False) -> tuple[dict[str, Measurement], dict]:
    runs: dict[str, list[Measurement]] = {b: [] for b in BUILDS}
    cache = {"option": layout.cache_option, "dir": str(layout.cache_root), "after_cold": 0, "added_by_warm": 0}
    logs = layout.root / "logs"
    logs.mkdir(exist_ok=True)
    for i in range(repeat):
        suffix = f"-{i + 1}" if repeat > 1 else ""
        for build in BUILDS:
            project = layout.floor if build == "floor" else layout.paperkb
            if build == "paperkb-cold":
                clear(layout.cache_root)
                clear(layout.cache_dir)
            before = cache_files(layout.cache_root)
            site_dir = layout.root / "site" / build
            clear(site_dir)
            log(f"  {build}{suffix} ...")
            result = run_build(project.config_file, site_dir, logs / f"{build}{suffix}.log",
                               timeline=timeline and build != "floor")
            runs[build].append(result)
            log(f" {result.wall_s:.1f} s\n")
            if build == "paperkb-cold":
                cache["after_cold"] = cache_files(layout.cache_root)
            elif build == "paperkb-warm":
                cache["added_by_warm"] = max(cache["added_by_warm"], cache_files(layout.cache_root) - before)
    return {b: median(r) for b, r in runs.items()}, cache


def diagram_coverage(site_dir: Path, notes_dir: Path) -> dict:
    """How many note pages show a Graphviz diagram (inline SVG, or an .svg file they reference)."""
    graphviz_svgs = {p.name for p in site_dir.rglob("*.svg") if GRAPHVIZ_NODE.search(p.read_text(errors="replace"))}
    pages = with_diagram = 0
    for note in (notes_dir / "papers").glob("*.md"):
        page = site_dir / "papers" / note.stem / "index.html"
        if not page.is_file():
            continue
        pages += 1
        html = page.read_text(encoding="utf-8", errors="replace")
        if GRAPHVIZ_NODE.search(html) or graphviz_svgs & set(SVG_REF.findall(html)):
            with_diagram += 1
    return {"note_pages": pages, "with_diagram": with_diagram, "graphviz_svg_files": len(graphviz_svgs)}


def print_table(results: dict[str, Measurement], out=sys.stdout) -> None:
    floor = results["floor"]
    header = (f"{'build':<14} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12} {'all procs MB':>13} {'output MB':>10} "
              f"{'files':>7} {'x floor':>8} {'cpu x floor':>12}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for build, m in results.items():
        print(f"{build:<14} {m.wall_s:>8.2f} {m.cpu_s:>8.2f} {m.peak_rss_mb:>12.1f} {m.tree_rss_mb:>13.1f} {m.output_mb:>10.1f} "
              f"{m.files:>7d} {m.wall_s / floor.wall_s:>8.2f} {m.cpu_s / floor.cpu_s:>12.2f}", file=out)
    for build, m in results.items():
        if len(m.at_peak) > 1:
            print(f"{build} at its peak of all processes: "
                  + ", ".join(f"{kind} {mb:.0f}" for kind, mb in m.at_peak) + " MB", file=out)
    print("peak RSS: the build's largest process; all procs: its processes together (diagram workers included).\n"
          "x floor: wall-time ratio, what the targets use; cpu x floor: CPU-time ratio (workers included), "
          "less sensitive to a busy machine.", file=out)


def evaluate_targets(results: dict[str, Measurement], n: int) -> list[dict]:
    def figure(m: Measurement, metric: str) -> float:
        return m.wall_s if metric == "wall" else m.tree_rss_mb

    out = []
    for t in TARGETS:
        ratio = figure(results[t.build], t.metric) / figure(results["floor"], t.metric)
        out.append({"issue": t.issue, "build": t.build, "metric": t.metric, "target": t.label, "ratio": round(ratio, 3),
                    "limit": t.limit, "ok": ratio <= t.limit, "at_target_n": n == TARGET_N})
    return out


def profile_build(layout: Layout, mode: str, top: int = 25) -> dict:
    """One paperkb build in this process under cProfile: where the time goes."""
    import cProfile
    import io
    import logging
    import os
    import pstats

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if mode == "cold":
        clear(layout.cache_root)
        clear(layout.cache_dir)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    site_dir = layout.root / "site" / f"profile-{mode}"
    clear(site_dir)
    cwd = Path.cwd()
    os.chdir(layout.root)
    profiler = cProfile.Profile()
    try:
        start = time.perf_counter()
        profiler.enable()
        config = load_config(config_file=str(layout.paperkb.config_file), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        profiler.disable()
        total = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    prof_file = layout.root / f"paperkb-{mode}.prof"
    profiler.dump_stats(str(prof_file))
    stats = pstats.Stats(profiler)
    by_function = stats.stats  # type: ignore[attr-defined]

    def share(seconds: float) -> str:
        return f"{seconds:7.2f} s {100 * seconds / total:5.1f}%"

    # Plugin events: cumulative time of every plugin's on_* method.
    events = []
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in by_function.items():
        if name.startswith("on_") and ("/plugins/" in filename or "paperkb" in filename):
            where = Path(filename)
            events.append((cumulative, f"{where.parent.name}/{where.name}:{name}"))
    events.sort(reverse=True)
    # paperkb's own functions (package code), by cumulative and by own time.
    ours = [(key, value) for key, value in by_function.items() if "/paperkb/" in key[0]]
    ours_cum = sorted(ours, key=lambda kv: kv[1][3], reverse=True)[:top]
    ours_own = sorted(ours, key=lambda kv: kv[1][2], reverse=True)[:top]
    own_total = sum(v[2] for _k, v in ours)

    def label(key: tuple) -> str:
        filename, line, name = key
        path = filename.split("/paperkb/", 1)[-1] if "/paperkb/" in filename else Path(filename).name
        return f"{path}:{line}({name})"

    lines = [f"\nProfile of one paperkb build ({mode} diagram cache), in-process under cProfile: "
             f"{total:.2f} s total (profiling overhead included); stats in {prof_file}"]
    lines.append("\nPlugin events (cumulative, all plugins):")
    lines += [f"  {share(c)}  {name}" for c, name in events if c >= 0.005 * total][:top]
    lines.append(f"\npaperkb code, own time: {share(own_total)}")
    lines.append("\npaperkb functions by cumulative time:")
    lines += [f"  {share(v[3])}  {v[1]:>8} calls  {label(k)}" for k, v in ours_cum]
    lines.append("\npaperkb functions by own time:")
    lines += [f"  {share(v[2])}  {v[1]:>8} calls  {label(k)}" for k, v in ours_own]
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    lines.append("\nWhole build by cumulative time (top entries):")
    lines.append(buffer.getvalue().split("\n", 4)[-1].rstrip())
    print("\n".join(lines))
    return {"mode": mode, "total_s": total, "prof_file": str(prof_file),
            "events": [{"event": n, "seconds": c} for c, n in events[:top]],
            "paperkb_own_s": own_total}


def environment() -> dict:
    from importlib.metadata import version

    import os
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
            "mkdocs": version("mkdocs"), "mkdocs-material": version("mkdocs-material"),
            "paperkb": version("paperkb")}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log = lambda text: print(text, end="", file=sys.stderr, flush=True)  # noqa: E731
    tmp = None
    if args.out:
        root = args.out.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="paperkb-bench-")
        root = Path(tmp.name)
    try:
        log(f"Writing {args.n} synthetic {args.shape} notes (seed {args.seed}) to {root / 'notes'} ...")
        start = time.perf_counter()
        layout = prepare(root, args.n, args.seed, args.shape)
        log(f" {time.perf_counter() - start:.1f} s\n")
        if layout.cache_option is None:
            log("  note: the paperkb plugin has no `cache_dir` option: only its default cache folder "
                f"{layout.cache_root.name} is cleared for the cold build\n")
        results, cache = run_all(layout, args.repeat, log, args.timeline)
        coverage = diagram_coverage(root / "site" / "paperkb-warm", layout.notes_dir)

        print(f"\npaperkb build benchmark: {args.n} {args.shape} notes, seed {args.seed}, "
              f"median of {args.repeat} run(s), each build in a fresh process")
        env = environment()
        print(f"python {env['python']}, mkdocs {env['mkdocs']}, mkdocs-material {env['mkdocs-material']}, "
              f"{env['cpus']} CPUs\n")
        print_table(results)
        failed = [b for b, m in results.items() if m.returncode != 0]
        print()
        print(f"diagrams: {coverage['with_diagram']} of {coverage['note_pages']} note pages show a Graphviz diagram; "
              f"caches ({layout.cache_root.name}/): {cache['after_cold']} files after the cold "
              f"build, {cache['added_by_warm']} added by the warm build")
        for build, m in results.items():
            if m.warnings:
                print(f"{build}: {len(m.warnings)} warning(s), first: {m.warnings[0]}")
        for build in failed:
            print(f"{build}: BUILD FAILED (exit {results[build].returncode}); see {root / 'logs'}")

        for build, m in results.items():
            if m.timeline:
                print(f"\n{build}: CPU by process (sampled every 50 ms; last run)\n{m.timeline}")

        targets = evaluate_targets(results, args.n)
        print()
        for t in targets:
            where = "" if t["at_target_n"] else f"  (target defined at N={TARGET_N})"
            print(f"{'PASS' if t['ok'] else 'FAIL'}  issue {t['issue']}: {t['target']}: {t['ratio']:.2f}{where}")

        profile = profile_build(layout, args.profile) if args.profile else None
        if args.json:
            print(json.dumps({
                "n": args.n, "shape": args.shape, "seed": args.seed, "repeat": args.repeat, "environment": env,
                "builds": {b: m.as_dict() for b, m in results.items()},
                "ratios": {b: round(m.wall_s / results["floor"].wall_s, 3) for b, m in results.items()},
                "targets": targets, "diagram_cache": cache, "diagrams": coverage, "profile": profile,
                "work_dir": str(root) if args.out else None,
            }, indent=2))
        if args.check and (failed or not all(t["ok"] for t in targets)):
            return 1
        return 0
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
