#!/usr/bin/env python
"""Interactive graph benchmark: frames per second while panning the explorer, in headless Chromium.

    bench/graph_fps.py [N] [--seed S] [--repeat K] [--seconds T] [--json]

Writes N synthetic notes (synth.py, default 10,000), loads them with paperkb's loader, lays the
citation graph out the way a build does (sfdp through pygraphviz, timed), writes the explorer's
graph.json and a page holding the explorer (paperkb.css, paperkb-graph.js and the vendored
sigma.js / graphology), serves it on 127.0.0.1 and opens it in Debian's Chromium (the same
flags as the browser tests: software WebGL, no GPU). It then drags the graph with pointer events, one
move per animation frame for T seconds (default 3), and counts the frames the page got; K runs (default 3), median reported.
Target of issue 12: >= 30 frames per second at 10,000 notes.

A graph of 1,500 notes or more pans by moving the drawn picture and is drawn again when the
drag ends (paperkb-graph.js, bitmapPan): software WebGL here needs about a second to draw
10,000 notes, so redrawing while dragging would give about one frame a second.

What is measured is the explorer itself: the page is not wrapped in the mkdocs-material
theme, which adds nothing to the frames drawn while panning.
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
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

from paperkb.core.loader import load_library  # noqa: E402
from paperkb.core.urls import SiteUrls  # noqa: E402
from paperkb.render.graph_data import graph_json, graph_structure  # noqa: E402
from paperkb.render.graph_layout import sfdp_positions  # noqa: E402
from paperkb.render.site_map import SiteMap  # noqa: E402

ASSETS = Path(__file__).resolve().parent.parent / "plugins" / "paperkb" / "assets"
TARGET_FPS = 30.0
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="assets/paperkb.css"><title>graph fps</title>
<style>body{margin:0;font-family:sans-serif}.md-typeset{padding:8px}</style></head>
<body><div class="md-typeset"><div class="pkb-explorer" data-pkb-explorer data-src="graph.json" data-root="./" hidden></div></div>
<script src="assets/paperkb-graph.js"></script></body></html>
"""
# Drag the graph as a reader does: pointer down on the stage, a pointer move every animation
# frame for T seconds (back and forth over ~300 px), pointer up. Frames are the animation frames
# the page got during the drag (each shows the graph under the pointer); redraws are sigma's.
DRAG = """async (seconds) => {
  const view = window.paperkbExplorer.view, r = view.renderer;
  while (r.getCamera().isAnimated()) await new Promise(ok => setTimeout(ok, 100));
  const target = r.getContainer().querySelector('canvas.sigma-mouse');
  const box = target.getBoundingClientRect();
  const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
  const fire = (type, x, y) => (type === 'pointerdown' ? target : window).dispatchEvent(new PointerEvent(type,
    {clientX: x, clientY: y, bubbles: true, pointerId: 1, pointerType: 'mouse', isPrimary: true, button: 0,
     buttons: type === 'pointerup' ? 0 : 1}));
  const before = r.getCamera().getState();
  let redraws = 0; r.on('afterRender', () => redraws++);
  return await new Promise(done => {
    let frames = 0;
    fire('pointerdown', cx, cy);
    const began = performance.now();
    function tick() {
      const t = (performance.now() - began) / 1000;
      if (t >= seconds) {
        fire('pointerup', cx, cy);
        const after = r.getCamera().getState();
        done([frames, t, redraws, after.x !== before.x || after.y !== before.y]);
        return;
      }
      frames++;
      fire('pointermove', cx + 150 * Math.sin(t * 2.1), cy + 80 * Math.cos(t * 1.7));
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  });
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def prepare(root: Path, n: int, seed: int) -> dict:
    notes = root / "notes"
    synth.write_notes(notes / "papers", n, seed)
    started = time.perf_counter()
    library = load_library(notes)
    loaded = time.perf_counter()
    structure = graph_structure(library)
    positions = sfdp_positions(len(structure.keys), structure.pairs)
    laid_out = time.perf_counter()
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    for name in ("paperkb.css", "paperkb-graph.js"):
        shutil.copy(ASSETS / name, site / "assets" / name)
    for name in ("sigma", "graphology"):
        shutil.copytree(ASSETS / name, site / "assets" / name)
    data = graph_json(library, SiteMap.for_library(library, SiteUrls(True)), structure, positions)
    (site / "graph.json").write_text(data, encoding="utf-8")
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    return {"notes": len(library), "citations": len(structure.edges), "load_s": loaded - started,
            "layout_s": laid_out - loaded, "json_bytes": len(data.encode("utf-8")), "site": site}


def measure(site: Path, repeat: int, seconds: float) -> tuple[list[float], float, float]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        sys.exit("bench/graph_fps.py: Chromium is not installed (Debian: apt-get install chromium)")
    results, load_times, redraw_rates = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable,
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("[data-pkb-explorer][data-pkb-ready]", timeout=120_000)
                page.wait_for_timeout(500)  # the opening camera glide
                load_times.append(time.perf_counter() - started)
                page.mouse.move(5, 5)  # no hover highlight during the drag
                page.wait_for_timeout(1000)
                frames, elapsed, redraws, moved = page.evaluate(DRAG, seconds)
                if not moved:
                    sys.exit("bench/graph_fps.py: the drag did not move the camera")
                redraw_rates.append(redraws / elapsed)
                results.append(frames / elapsed)
                page.close()
        finally:
            browser.close()
            server.shutdown()
    return results, statistics.median(load_times), statistics.median(redraw_rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/graph_fps.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="number of notes (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, metavar="K")
    parser.add_argument("--seconds", type=float, default=3.0, metavar="T")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paperkb-graph-fps-") as tmp:
        info = prepare(Path(tmp), args.n, args.seed)
        fps, load, redraws = measure(info.pop("site"), args.repeat, args.seconds)
    median = statistics.median(fps)
    print(f"notes {info['notes']}, citations {info['citations']}")
    print(f"sfdp layout {info['layout_s']:.1f} s (load {info['load_s']:.1f} s), graph.json {info['json_bytes'] / 1e6:.2f} MB")
    print(f"explorer ready in {load:.1f} s (median)")
    print(f"panning: {' '.join(f'{f:.1f}' for f in fps)} fps; median {median:.1f} fps "
          f"({'meets' if median >= TARGET_FPS else 'misses'} the {TARGET_FPS:.0f} fps target); "
          f"sigma redraws during the drag: {redraws:.1f}/s")
    if args.json:
        print(json.dumps({**info, "fps": fps, "median_fps": median, "ready_s": load, "redraws_per_s": redraws}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
