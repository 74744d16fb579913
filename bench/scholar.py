#!/usr/bin/env python
"""Semantic Scholar benchmark, against the local stand-in of the Graph API (tests/scholar_fake.py).

    bench/scholar.py [--notes 500] [--citing 10000] [--seed-citations 10000] [--json]

Prints three figures (issue 10):

  enrich      requests `paperkb enrich` makes on N notes whose papers have 0-1,800 citations each
              (goal: at most two per note plus the batches), and how many a second run makes (goal: 0)
  discover    requests `paperkb discover --citing A,B` makes for two seeds with 10,000 citations each
              (goal: at most 25; pages of 1000)
  frontier    time to compute and render the Frontier page from the store of the enrich run
              (>= 10,000 stored papers; goal: under 1 s; median of 5), and the time to read the store

No network: everything runs against a local server on a free port.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from pytest_httpserver import HTTPServer  # noqa: E402

from paperkb.cli import main  # noqa: E402
from paperkb.core.loader import load_library  # noqa: E402
from paperkb.core.scholar.frontier import compute_frontier  # noqa: E402
from paperkb.core.scholar.store import ScholarStore, read_dismissed  # noqa: E402
from paperkb.core.urls import SiteUrls  # noqa: E402
from paperkb.render.frontier_page import FrontierPage  # noqa: E402
from paperkb.render.site_map import SiteMap  # noqa: E402
from tests.scholar_fake import FakeScholar, fake_id  # noqa: E402

WORDS = ("radiance field gaussian splatting neural rendering view synthesis anti-aliasing mesh depth "
         "diffusion transformer scaling language model retrieval sparse dense grid hash").split()


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS).title() for _ in range(6)) + f" {n}"


def _run(*argv: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(list(argv))


def bench_enrich(server: HTTPServer, notes_count: int, pool: int, seed: int = 1, max_citations: int = 2000) -> dict:
    rng = random.Random(seed)
    fake = FakeScholar(server)
    os.environ["PAPERKB_S2_API"] = fake.url
    notes_ids = []
    for n in range(notes_count):
        pid = fake.add_paper(fake_id(f"note-{n}"), _title(rng, n), year=2015 + n % 10, venue="CVPR",
                             authors=["A. Author", "B. Author"], arxiv=f"2{n % 10}01.{n:05d}",
                             abstract="A short abstract about " + " ".join(rng.sample(WORDS, 8)) + ".")
        notes_ids.append(pid)
    others = [fake.add_paper(fake_id(f"other-{n}"), _title(rng, 100000 + n), year=2010 + n % 16,
                             venue=rng.choice(["NeurIPS", "ICCV", "arXiv.org", ""]), authors=["C. Writer"],
                             abstract="Abstract " + " ".join(rng.sample(WORDS, 10)), date=f"{2010 + n % 16}-0{1 + n % 9}-15")
              for n in range(pool)]
    # References: each note cites ~25 older notes or other papers (and one reference S2 could not match).
    for i, pid in enumerate(notes_ids):
        for target in rng.sample(notes_ids[:i] or notes_ids[:1], min(5, i or 1)):
            if target != pid:
                fake.cite(pid, target, intents=[rng.choice(["methodology", "background", "result"])])
        for target in rng.sample(others, 20):
            fake.cite(pid, target)
        fake.cite(pid, None, title="An unmatched reference")
    # Citations: a skewed number of citing papers per note (most under 1000, a few up to 1,800).
    for pid in notes_ids:
        for citing in rng.sample(others, min(pool, int(rng.paretovariate(1.2) * 60) % 1800)):
            fake.cite(citing, pid, intents=["background"])
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        (notes / "papers").mkdir(parents=True)
        for n in range(notes_count):
            (notes / "papers" / f"n{n}.md").write_text(
                f"---\ntitle: \"{fake.papers[notes_ids[n]]['title']}\"\narxiv: \"2{n % 10}01.{n:05d}\"\n---\n",
                encoding="utf-8")
        start = time.perf_counter()
        assert _run("enrich", "--notes", str(notes), "-q", "--max-citations", str(max_citations)) == 0
        seconds = time.perf_counter() - start
        first = len(fake.requests)
        batches = fake.count("/paper/batch")
        over_1000 = sum(1 for pid in notes_ids if min(len(fake.citations[pid]), max_citations) > 1000)
        assert _run("enrich", "--notes", str(notes), "-q", "--max-citations", str(max_citations)) == 0
        second = len(fake.requests) - first
        store = ScholarStore.load(notes)
        frontier = bench_frontier(notes, store)
    server.clear()
    return {"notes": notes_count, "requests": first, "batches": batches, "per_note": (first - batches) / notes_count,
            "notes_over_1000_citations": over_1000, "second_run_requests": second, "seconds": seconds,
            "stored_papers": len(store.papers), **frontier}


def bench_frontier(notes: Path, store: ScholarStore, repeat: int = 5) -> dict:
    library = load_library(notes)
    reads = []
    for _ in range(3):
        start = time.perf_counter()
        ScholarStore.load(notes)
        reads.append(time.perf_counter() - start)
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        site = SiteMap(SiteUrls(True))
        site.frontier = "frontier/index.md"
        frontier = compute_frontier(library, store, read_dismissed(notes))
        FrontierPage(library, site).page(frontier)
        times.append(time.perf_counter() - start)
        rows = len(frontier.citing) + len(frontier.cited)
    return {"frontier_seconds": statistics.median(times), "frontier_rows": rows,
            "store_read_seconds": statistics.median(reads)}


def bench_discover(server: HTTPServer, per_seed: int, overlap: int) -> dict:
    fake = FakeScholar(server)
    os.environ["PAPERKB_S2_API"] = fake.url
    a = fake.add_paper(fake_id("seed-a"), "Seed Paper A", year=2020, arxiv="2003.00001")
    b = fake.add_paper(fake_id("seed-b"), "Seed Paper B", year=2021, doi="10.1/seed-b")
    for n in range(2 * per_seed - overlap):
        pid = fake.add_paper(fake_id(f"c-{n}"), f"Citing paper {n}", year=2020 + n % 6, venue="CVPR",
                             authors=["D. Citer"], abstract="About radiance fields.")
        if n < per_seed:
            fake.cite(pid, a)
        if n >= per_seed - overlap:
            fake.cite(pid, b)
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        (notes / "a.md").write_text("---\ntitle: Seed Paper A\narxiv: \"2003.00001\"\n---\n", encoding="utf-8")
        start = time.perf_counter()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["discover", "--notes", str(notes), "-q", "--citing", "a,doi:10.1/seed-b",
                         "--format", "keys"]) == 0
        seconds = time.perf_counter() - start
        found = len(out.getvalue().split())
    server.clear()
    return {"seed_citations": per_seed, "requests": len(fake.requests), "found": found, "seconds": seconds,
            "pages": fake.count("/citations")}


def main_cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--citing", type=int, default=10000, help="papers that are no notes (the store's bulk)")
    parser.add_argument("--seed-citations", type=int, default=10000)
    parser.add_argument("--max-citations", type=int, default=2000, help="enrich's --max-citations (default 2000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.pop("S2_API_KEY", None)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        enrich = bench_enrich(server, args.notes, args.citing, max_citations=args.max_citations)
        discover = bench_discover(server, args.seed_citations, overlap=args.seed_citations // 3)
    finally:
        server.stop()
    goal_enrich = 2 * enrich["notes"] + enrich["batches"]
    print(f"enrich: {enrich['notes']} notes -> {enrich['requests']} requests ({enrich['batches']} batches, "
          f"{enrich['per_note']:.2f} per note; {enrich['notes_over_1000_citations']} notes keep over 1000 "
          f"citations and need a second page of them); goal <= {goal_enrich}: "
          f"{'met' if enrich['requests'] <= goal_enrich else 'MISSED'}; {enrich['seconds']:.1f} s")
    print(f"enrich again: {enrich['second_run_requests']} requests (goal 0)")
    print(f"discover: 2 seeds x {discover['seed_citations']} citations -> {discover['requests']} requests "
          f"({discover['pages']} pages of 1000); {discover['found']} papers cite both; goal <= 25: "
          f"{'met' if discover['requests'] <= 25 else 'MISSED'}; {discover['seconds']:.1f} s")
    print(f"frontier: {enrich['stored_papers']} stored papers -> {enrich['frontier_rows']} rows in "
          f"{enrich['frontier_seconds'] * 1000:.0f} ms (median of 5; goal < 1 s: "
          f"{'met' if enrich['frontier_seconds'] < 1 else 'MISSED'}); reading the store "
          f"{enrich['store_read_seconds'] * 1000:.0f} ms")
    if args.json:
        print(json.dumps({"enrich": enrich, "discover": discover}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
