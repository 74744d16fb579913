"""How long a saved edit takes to show in `paperkb serve`, beside the full build time.

    python bench/serve.py 2000            # N synthetic notes (bench/synth.py), a blog post, a .bib
    python bench/serve.py 10000 --edits 5 --json

Starts `paperkb serve` on the notes, then makes each kind of edit several times (a note's body;
its title, year, field and tags; adding and removing a `cites` entry; a new, a deleted and a
renamed note; a .bib entry; a blog post's body) and measures, for each, the time from the save
until the served page shows it (the server answers a request only once the update is done, and
tells the browser to reload at that moment). Prints the median per kind beside the time of a
full `paperkb build` of the same notes (warm caches), measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_notes  # noqa: E402

TARGETS = {2000: 1.0, 10000: 2.0}  # seconds, issue 11
BIB = """@article{serve2020probe,
  title = {Probing Served Sites},
  author = {Writer, Ada and Reader, Bo},
  journal = {Journal of Quick Feedback},
  year = {2020},
}
"""
POST = """---
date: 2024-01-15
categories: [Reading notes]
---

# What I read this month

A few papers worth a second look [@serve2020probe].

<!-- more -->

The rest of the post: {marker}
"""


@dataclass
class Edit:
    kind: str
    apply: Callable[[], None]
    url: str  # path below the site root
    shows: Callable[[str | None], bool]  # the page's HTML (None: not found) shows the edit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def prepare(root: Path, n: int, seed: int) -> tuple[Path, list]:
    from paperkb.default_config import default_config

    notes_dir = root / "notes"
    plan = write_notes(notes_dir, n, seed)
    (notes_dir / "refs.bib").write_text(BIB, encoding="utf-8")
    posts = notes_dir / "blog" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (notes_dir / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (posts / "2024-01-15-month.md").write_text(POST.replace("{marker}", "start"), encoding="utf-8")
    config = default_config(notes_dir, root / "site", site_name="serve benchmark")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return notes_dir, plan


def edits(notes_dir: Path, plan: list, rounds: int) -> list[Edit]:
    """``rounds`` edits of each kind, each with the page that must show it."""
    papers = notes_dir / "papers"
    keys = [n.key for n in plan]
    out: list[Edit] = []

    def note_text(key: str) -> str:
        return (papers / f"{key}.md").read_text(encoding="utf-8")

    def set_front(key: str, **changes) -> None:
        text = note_text(key)
        _, front, body = text.split("---\n", 2)
        data = yaml.safe_load(front)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (papers / f"{key}.md").write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")

    def front(key: str) -> dict:
        return yaml.safe_load(note_text(key).split("---\n", 2)[1])

    for r in range(rounds):
        a, b = keys[-1 - 7 * r], keys[3 + 5 * r]  # a later note and an earlier one it may cite
        url_a, url_b = f"papers/{a}/", f"papers/{b}/"
        body = f"Serve probe body {r}"
        out.append(Edit("body", lambda a=a, body=body: (papers / f"{a}.md").write_text(
            note_text(a) + f"\n\n{body}\n", encoding="utf-8"), url_a, lambda h, body=body: bool(h) and body in h))
        title = f"Serve probe title {r}"
        out.append(Edit("title", lambda a=a, t=title: set_front(a, title=t), url_a,
                        lambda h, t=title: bool(h) and t in h))
        year = 1950 + r
        out.append(Edit("year", lambda a=a, y=year: set_front(a, year=y), f"years/{year}/",
                        lambda h, a=a: bool(h) and f"papers/{a}/" in h))
        field = f"Probe Field {r}"
        out.append(Edit("field", lambda a=a, f=field: set_front(a, fields=[f], field=None),
                        f"fields/probe-field-{r}/", lambda h, a=a: bool(h) and f"papers/{a}/" in h))
        tag = f"probe-tag-{r}"
        out.append(Edit("tags", lambda a=a, t=tag: set_front(a, tags=[*front(a).get("tags", []), t]),
                        url_a, lambda h, t=tag: bool(h) and t in h))
        out.append(Edit("cites+", lambda a=a, b=b: set_front(a, cites=[*front(a).get("cites", []), {"key": b, "role": "baseline"}]),
                        url_b, lambda h, a=a: bool(h) and f"../{a}/" in h))
        out.append(Edit("cites-", lambda a=a, b=b: set_front(a, cites=[c for c in front(a).get("cites", [])
                                                                       if (c.get("key") if isinstance(c, dict) else c) != b]),
                        url_b, lambda h, a=a: bool(h) and f"../{a}/" not in h))
        new = f"probe-new-{r}"
        out.append(Edit("new note", lambda new=new, r=r: (papers / f"{new}.md").write_text(
            f"---\ntitle: New probe note {r}\nyear: 2024\nfields: [LLM]\n---\n\nFresh.\n", encoding="utf-8"),
            f"papers/{new}/", lambda h, r=r: bool(h) and f"New probe note {r}" in h))
        out.append(Edit("deleted note", lambda new=new: (papers / f"{new}.md").unlink(),
                        f"papers/{new}/", lambda h: h is None or "404" in h[:2000] and "New probe" not in h))
        c = keys[len(keys) // 2 + r]  # (from the middle: never a note that a later round's edits name)
        renamed = f"{c}-renamed"
        out.append(Edit("renamed note", lambda c=c, renamed=renamed: (papers / f"{c}.md").rename(papers / f"{renamed}.md"),
                        f"papers/{renamed}/", lambda h: bool(h) and "pkb-card" in h))
        bib_title = f"Probing Served Sites, Edition {r}"
        out.append(Edit(".bib", lambda t=bib_title: (notes_dir / "refs.bib").write_text(  # the post cites it
            BIB.replace("Probing Served Sites", t), encoding="utf-8"), "blog/2024/01/15/what-i-read-this-month/",
            lambda h, t=bib_title: bool(h) and t.lower() in h.lower()))  # the style sets titles in sentence case
        marker = f"post-probe-{r}"
        post = notes_dir / "blog" / "posts" / "2024-01-15-month.md"
        out.append(Edit("blog post", lambda m=marker, post=post: post.write_text(POST.replace("{marker}", m), encoding="utf-8"),
                        "blog/2024/01/15/what-i-read-this-month/", lambda h, m=marker: bool(h) and m in h))
    return out


def full_build_seconds(root: Path) -> float:
    out = Path(tempfile.mkdtemp(prefix="paperkb-bench-site-"))
    try:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "paperkb", "build", "-q", "-d", str(out)], cwd=root, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measure(root: Path, notes_dir: Path, plan: list, rounds: int, log) -> tuple[dict[str, list[float]], float]:
    port = free_port()
    log_file = open(root / "serve.log", "w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "paperkb", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=root, stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    times: dict[str, list[float]] = {}
    try:
        started = time.monotonic()
        while fetch(base) is None:
            if server.poll() is not None:
                raise SystemExit(f"serve stopped; see {root / 'serve.log'}")
            time.sleep(0.2)
        startup = time.monotonic() - started
        log(f"serving after {startup:.1f} s")
        time.sleep(1.0)
        for edit in edits(notes_dir, plan, rounds):
            edit.apply()
            saved = time.monotonic()
            while True:
                if edit.shows(fetch(base + edit.url)):
                    break
                if time.monotonic() - saved > 300:
                    raise SystemExit(f"{edit.kind}: never showed at {edit.url}; see {root / 'serve.log'}")
                time.sleep(0.01)
            took = time.monotonic() - saved
            times.setdefault(edit.kind, []).append(took)
            log(f"{edit.kind:13} {took:6.2f} s  {edit.url}")
            time.sleep(0.3)  # the editor's next save comes later
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    return times, startup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="number of notes (default 2000)")
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="work folder to keep (default: a temporary folder, removed)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)

    root = args.out or Path(tempfile.mkdtemp(prefix="paperkb-serve-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        notes_dir, plan = prepare(root, args.n, args.seed)
        log(f"{args.n} notes in {notes_dir}")
        full = full_build_seconds(root)  # also fills the caches a serve starts from
        log(f"full build {full:.1f} s")
        times, startup = measure(root, notes_dir, plan, args.edits, log)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    target = TARGETS.get(args.n)
    print(f"paperkb serve, {args.n} notes: median seconds from save to the served page showing it "
          f"({args.edits} edits each; full build {full:.1f} s; serve ready after {startup:.1f} s)")
    print(f"{'edit':14} {'median':>7} {'max':>7}  vs full build")
    for kind, values in times.items():
        median = statistics.median(values)
        verdict = "" if target is None else ("  ok" if median <= target else f"  over the {target:.0f} s target")
        print(f"{kind:14} {median:7.2f} {max(values):7.2f}  {full / median:6.0f}x faster{verdict}")
    if args.json:
        print(json.dumps({"n": args.n, "full_build_s": full, "serve_ready_s": startup,
                          "median_s": {k: statistics.median(v) for k, v in times.items()},
                          "all_s": times}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
