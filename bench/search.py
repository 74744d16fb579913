"""Search benchmark: what a reader's first query costs on a site of N synthetic notes.

Builds N notes (bench/synth.py) with paperkb's default configuration (diagrams off: they are
not part of search), serves the site on 127.0.0.1 from a server that counts the bytes it sends,
and drives headless Chromium (Debian's `chromium`): open the home page, click the search box,
type a query, wait for the first result. Printed per query: the bytes searching fetched (from
the page's load on: material's script fetches its index then) and the milliseconds from the
last keystroke to the first result shown;
then the same with a facet filter chosen. Targets (issue 12, at 10,000 notes): first query
<= 1 MB transferred, results <= 500 ms after typing.

--floor also builds the same notes with `search_engine: material` (mkdocs-material's lunr
index, the engine paperkb replaced) and measures its first query the same way.

    .venv/bin/python bench/search.py 10000 [--floor] [--json] [--slice-size N] [--out DIR [--reuse]] [--repeat K]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from synth import write_notes  # noqa: E402

from paperkb.default_config import default_config  # noqa: E402

ASSETS = Path(__file__).resolve().parent.parent / "plugins" / "paperkb" / "assets"
TARGET_BYTES = 1_000_000
TARGET_MS = 500
# A Chinese word inside long sentences (in most synthetic notes), and two English words.
QUERIES = ("进展", "transformer", "diffusion")


class CountingHandler(SimpleHTTPRequestHandler):
    sent: dict[str, int] = defaultdict(int)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        type(self).sent[self.path.split("?")[0]] += len(data)
        outputfile.write(data)


def build(notes_dir: Path, site_dir: Path, engine: str, slice_size: int | None = None) -> float:
    from paperkb.cli.site import build_once

    config = default_config(notes_dir, site_dir, site_name="search bench")
    options = {"graph": False, "search_engine": engine, **({"search_slice_size": slice_size} if slice_size else {})}
    config["plugins"] = [p if p != "paperkb" and not (isinstance(p, dict) and "paperkb" in p) else
                         {"paperkb": {**(p.get("paperkb", {}) if isinstance(p, dict) else {}), **options}}
                         for p in config["plugins"]]
    config_file = notes_dir.parent / f"mkdocs-{engine}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    build_once(str(config_file), strict=False)
    return time.perf_counter() - start


def serve(site_dir: Path):
    handler = type("Handler", (CountingHandler,), {"sent": defaultdict(int)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


MEASURE_JS = """([selector]) => new Promise((resolve) => {
  const start = window.__pkbLastKey;
  setTimeout(() => resolve(-1), 30000);  // no result in 30 s
  const found = () => document.querySelector(selector);
  if (found()) return resolve(performance.now() - start);
  const observer = new MutationObserver(() => {
    if (found()) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
})"""


# What searching fetches, from the page's load on: material's index (which its script fetches
# on load) and worker, paperkb's worker and Pagefind's files.
SEARCH_PATHS = ("/search/", "/pagefind/", "/assets/paperkb/search-", "/assets/javascripts/workers/",
                "/assets/javascripts/lunr/")


def search_bytes(handler) -> int:
    return sum(size for path, size in handler.sent.items() if path.startswith(SEARCH_PATHS))


def measure_query(browser, url: str, handler, query: str, *, filter_year: bool = False) -> dict:
    """One reader with an empty cache: open the home page, click the search box, type ``query``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        handler.sent.clear()
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # material fetches its index and starts the worker on load
        return _query(page, handler, query, filter_year)
    finally:
        context.close()


def _query(page, handler, query: str, filter_year: bool) -> dict:
    page.evaluate("window.addEventListener('keyup', () => { window.__pkbLastKey = performance.now(); }, true)")
    box = page.locator("input.md-search__input")
    box.click()
    for char in query:  # keyup per character, as a reader types (material reads the box on keyup)
        if char.isascii():
            page.keyboard.press(char)
        else:
            page.keyboard.insert_text(char)
            page.keyboard.press("End")
        page.wait_for_timeout(40)
    first = page.locator(".md-search-result__item").first
    ms = page.evaluate(MEASURE_JS, [".md-search-result__item"])
    if ms < 0:
        return {"query": query, "ms": float("nan"), "bytes": search_bytes(handler), "results": "none in 30 s",
                "requests": len(handler.sent)}
    first.wait_for(state="visible", timeout=30_000)
    result = {"query": query, "ms": round(ms, 1), "bytes": search_bytes(handler),
              "results": page.locator(".md-search-result__meta").inner_text().strip(),
              "requests": len(handler.sent)}
    if filter_year and page.locator("[data-pkb-search-filters] summary").count():
        page.locator("[data-pkb-search-filters] summary").click()
        select = page.locator("select[data-facet=year]")
        value = select.locator("option:not([disabled])").nth(1).get_attribute("value")
        handler.sent.clear()
        page.evaluate("window.__pkbLastKey = performance.now(); window.__pkbMeta ="
                      " document.querySelector('.md-search-result__meta').textContent")
        select.select_option(value)
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent !== window.__pkbMeta",
                               timeout=30_000)
        result["filter_ms"] = round(page.evaluate("performance.now() - window.__pkbLastKey"), 1)
        result["filter_bytes"] = search_bytes(handler)
        result["filtered_results"] = page.locator(".md-search-result__meta").inner_text().strip()
    return result


def run_browser(site_dir: Path, queries, *, filters: bool) -> list[dict]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("bench/search.py needs Debian's chromium")
    server, handler = serve(site_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            results = [measure_query(browser, url, handler, query, filter_year=filters) for query in queries]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(prog="bench/search.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="number of notes (default 10000)")
    parser.add_argument("--floor", action="store_true", help="also measure mkdocs-material's own search")
    parser.add_argument("--out", type=Path, help="work folder to keep (default: temporary, removed)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--slice-size", type=int, help="pages per slice of Pagefind's index (default: paperkb's)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --out: measure the site built there before, with paperkb's current browser "
                             "scripts copied into it (to compare changes of the scripts on the same index)")
    parser.add_argument("--repeat", type=int, default=1, help="readers per query (each with an empty cache)")
    args = parser.parse_args(argv)

    root = args.out or Path(tempfile.mkdtemp(prefix="paperkb-search-bench-"))
    report: dict = {"n": args.n}
    try:
        notes = root / "notes"
        if not (notes / "papers").is_dir():
            write_notes(notes, args.n, seed=1)
        engines = ["pagefind"] + (["material"] if args.floor else [])
        for engine in engines:
            site = root / f"site-{engine}"
            if args.reuse and (site / "index.html").is_file():
                seconds = float("nan")
                for script in ("search-worker.js", "search-panel.js"):
                    shutil.copyfile(ASSETS / script, site / "assets" / "paperkb" / script)
            else:
                seconds = build(notes, site, engine, args.slice_size)
            index = site / ("pagefind" if engine == "pagefind" else "search")
            runs = run_browser(site, QUERIES * args.repeat, filters=engine == "pagefind")
            report[engine] = {"build_s": round(seconds, 1), "index_bytes": tree_bytes(index), "queries": runs}
            slices = ""
            if (index / "paperkb-slices.json").is_file():
                count = len(json.loads((index / "paperkb-slices.json").read_text(encoding="utf-8"))["slices"])
                report[engine]["slices"] = count
                slices = f" in {count} slice(s)"
            print(f"\n{engine}: {args.n} notes, build {seconds:.1f} s, index on disk {tree_bytes(index) / 1e6:.1f} MB{slices}")
            print(f"  {'query':<14}{'first query':>14}{'results after':>15}  results")
            for r in runs:
                print(f"  {r['query']:<14}{r['bytes'] / 1e3:>11.0f} kB{r['ms']:>12.0f} ms  {r['results']}")
                if "filter_ms" in r:
                    print(f"  {'+ year filter':<14}{r['filter_bytes'] / 1e3:>11.0f} kB{r['filter_ms']:>12.0f} ms"
                          f"  {r['filtered_results']}")
        runs = report["pagefind"]["queries"]
        worst_bytes = max(r["bytes"] for r in runs)
        median_ms = statistics.median(r["ms"] for r in runs)
        print(f"\nPagefind: largest first-query transfer {worst_bytes / 1e6:.2f} MB (target <= {TARGET_BYTES / 1e6:.0f} MB), "
              f"median results after {median_ms:.0f} ms, worst {max(r['ms'] for r in runs):.0f} ms "
              f"(target <= {TARGET_MS} ms)")
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
