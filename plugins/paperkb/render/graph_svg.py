"""DOT -> SVG in-process with pygraphviz, made fit to inline, cached on disk by content hash.

- Layout runs inside Python through the Graphviz library bundled in the pygraphviz wheels:
  no `dot` program, no process per diagram.
- The finished (post-processed) SVG is cached under ``cache_dir`` by the sha256 of the DOT
  source, the inline label and the Graphviz / post-processing versions, so an unchanged
  diagram is never laid out twice, across builds and `mkdocs serve` rebuilds.
- A build with many uncached diagrams lays them out in a small process pool while MkDocs
  renders Markdown in the main process; results are picked up when a page needs them.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from contextlib import contextmanager, nullcontext
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..core.cache_file import read_signed_cache_file, write_signed_cache_file
from ..core.user_key import keyed_digest, signing_key
from .graph_dot import BACKSLASH_STAND_IN

# Bump when inline_svg changes what it writes: old cache entries then stop matching.
POSTPROCESS_VERSION = "5"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG = f"{{{SVG_NS}}}"
_XLINK_TITLE = f"{{{XLINK_NS}}}title"
_XML = "{http://www.w3.org/XML/1998/namespace}"
_PT = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Fewer uncached diagrams than this are drawn in-process: starting workers would cost more.
POOL_THRESHOLD = 24


class GraphRenderError(RuntimeError):
    pass


def graphviz_version() -> str:
    import pygraphviz

    return f"graphviz {pygraphviz.__graphviz_version__} / pygraphviz {pygraphviz.__version__}"


def cache_key(dot: str, label: str, version: str) -> str:
    """The name of a diagram's SVG: a digest of its DOT source under this user's key, so an SVG
    file that came with someone else's cache folder never stands for one of this build's."""
    return keyed_digest(version, POSTPROCESS_VERSION, label, dot)


# -- layout and post-processing (also run in worker processes) ---------------------------------
_context = None


def graphviz_context():
    """One Graphviz context per process (its first text measurement muted, see below)."""
    global _context
    from pygraphviz import graphviz as gv

    if _context is None:
        _context = gv.gvContextWithBuiltins()
        _warm_up_quietly(_context)
    return _context


def layout_svg(dot: str) -> str:
    """Graphviz's SVG for ``dot`` (``dot`` layout), from one Graphviz context per process."""
    import pygraphviz

    graphviz_context()  # muted warm-up before the first text measurement
    try:
        graph = pygraphviz.AGraph(string=dot)
    except Exception as exc:  # pygraphviz raises DotError / ValueError with Graphviz's message
        raise GraphRenderError(f"Graphviz could not read the diagram: {exc}") from exc
    return run_graphviz(graph, b"dot", b"svg", subject="the diagram", output="SVG")


def run_graphviz(graph, engine: bytes, output_format: bytes, *, subject: str, output: str, quiet: bool = False) -> str:
    """Lay ``graph`` (a pygraphviz AGraph) out with ``engine`` and write it as ``output_format``,
    in this process's Graphviz context; ``quiet`` mutes the notices Graphviz prints meanwhile."""
    from pygraphviz import graphviz as gv

    context = graphviz_context()
    with muted_stderr() if quiet else nullcontext():
        failed = gv.gvLayout(context, graph.handle, engine) != 0
    if failed:
        raise GraphRenderError(f"Graphviz could not lay out {subject}")
    try:
        err, data = gv.gvRenderData(context, graph.handle, output_format)
        if err:
            raise GraphRenderError(f"Graphviz could not write {output}: {err}")
    finally:
        gv.gvFreeLayout(context, graph.handle)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


@contextmanager
def muted_stderr():
    """C-level stderr sent to /dev/null for a moment: Graphviz prints notices there that are
    noise for the user (see _warm_up_quietly, sfdp's overlap notice in graph_layout.py)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _warm_up_quietly(context) -> None:
    """Lay out one tiny graph with the C stderr muted. The first text measurement loads the
    fontconfig bundled in the wheel, which warns about every newer syntax in the system's font
    configuration ("unknown element reset-dirs"): noise for the user, harmless for the layout."""
    import pygraphviz
    from pygraphviz import graphviz as gv

    with muted_stderr():
        graph = pygraphviz.AGraph(string='digraph { a [label="a"]; }')
        if gv.gvLayout(context, graph.handle, b"dot") == 0:
            gv.gvFreeLayout(context, graph.handle)


def _register_namespaces() -> None:
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)


def inline_svg(raw_svg: str, label: str) -> str:
    """Graphviz SVG made fit to inline in an HTML page, and about half as large.

    Drops the XML prolog, doctype and comments; scales down to the column width (never above
    its natural size; the page's zoom control enlarges it); gives it ``role="img"`` and an ``aria-label``; removes element ids
    (several diagrams may share a page); turns each node's ``<title>`` into its tooltip (the
    title, not a node id) and each edge's into its role; draws node boxes as ``<rect>``
    instead of 20-point paths; leaves fonts to the stylesheet; restores backslashes."""
    _register_namespaces()
    try:
        root = ET.fromstring(raw_svg.encode("utf-8"))
    except ET.ParseError as exc:
        raise GraphRenderError(f"Graphviz wrote SVG that does not parse: {exc}") from exc
    width = _PT.match(root.get("width", ""))
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("width", "100%")
    if width:
        # Shrinks to fit the column (nothing clipped, the year axis in view); the zoom control
        # of paperkb-graph.js enlarges it from there, and the canvas then scrolls.
        natural = float(width.group(1))
        root.set("style", f"max-width:{natural:g}pt;height:auto")
        root.set("data-pkb-width", f"{natural:g}")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "pkb-graph__svg")
    for element in list(root.iter()):
        element.attrib.pop("id", None)
        tag = element.tag
        if tag == f"{_SVG}g":
            classes = element.get("class", "").split()
            if classes[:1] == ["node"]:
                _compact_node(element)
            elif classes[:1] == ["edge"]:
                _compact_edge(element, classes)
            elif classes[:1] == ["graph"]:
                title = element.find(f"{_SVG}title")
                if title is not None:
                    title.text = label
        elif tag == f"{_SVG}text":
            for name in ("font-family", f"{_XML}space"):
                element.attrib.pop(name, None)
        if tag != f"{_SVG}text":  # text keeps its spaces
            if element.text is not None and not element.text.strip():
                element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    svg = ET.tostring(root, encoding="unicode")
    return svg.replace(BACKSLASH_STAND_IN, "\\")


def _compact_node(group: ET.Element) -> None:
    """A note: its title becomes the tooltip; its rounded box a ``rect``."""
    title = group.find(f"{_SVG}title")
    if title is not None and title.text and "pkb-node" in group.get("class", ""):
        group.set("data-pkb-key", title.text)
    for parent in list(group.iter()):
        for child in list(parent):
            if child.tag == f"{_SVG}a" and child.get(_XLINK_TITLE):
                if title is not None:
                    title.text = child.get(_XLINK_TITLE)
                del child.attrib[_XLINK_TITLE]  # the <title> says it once
            elif child.tag == f"{_SVG}path" and "pkb-node" in group.get("class", ""):
                parent[list(parent).index(child)] = _box(child)


def _box(path: ET.Element) -> ET.Element:
    numbers = [float(n) for n in _NUMBER.findall(path.get("d", ""))]
    xs, ys = numbers[0::2], numbers[1::2]
    rect = ET.Element(f"{_SVG}rect", {
        "x": f"{min(xs):.1f}", "y": f"{min(ys):.1f}",
        "width": f"{max(xs) - min(xs):.1f}", "height": f"{max(ys) - min(ys):.1f}", "rx": "4",
    })
    for name in ("fill", "stroke", "stroke-width"):
        if path.get(name) is not None:
            rect.set(name, path.get(name))
    return rect


def _compact_edge(group: ET.Element, classes: list[str]) -> None:
    """A citation: its ``<title>`` names the role ("builds on"), not the two node ids."""
    title = group.find(f"{_SVG}title")
    if title is not None and title.text and ">" in title.text:
        # DOT draws "A cites B" as "B -> A" (see graph_dot.py); keys hold no ">".
        cited, citing = title.text.split(">", 1)
        group.set("data-pkb-from", citing)
        group.set("data-pkb-to", cited[:-1] if cited.endswith("-") else cited)
    role = next((c[len("pkb-role--"):] for c in classes if c.startswith("pkb-role--")), None)
    if title is not None and role:
        title.text = role.replace("-", " ")


def render_svg(dot: str, label: str) -> str:
    return inline_svg(layout_svg(dot), label)


# -- disk cache ----------------------------------------------------------------------------------
class SvgDiskCache:
    """Finished SVGs as ``<dir>/<key[:2]>/<key>.svg``, written atomically (temp file + rename)
    and signed with their key: an SVG someone edited (a planted ``<script>``) is drawn again."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.svg"

    def get(self, key: str) -> str | None:
        data = read_signed_cache_file(self.path(key), key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:  # missing, unreadable or not signed by this user: drawn again
            return None

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, svg: str) -> bool:
        """Store ``svg``; a cache folder that cannot be written only costs the next build time."""
        return write_signed_cache_file(self.path(key), svg.encode("utf-8"), key)


def _render_and_store(dot: str, label: str, cache_dir: str | None, key: str) -> str | None:
    """Worker job: lay out, post-process, store. The SVG goes back to the build only when it could
    not be stored: workers run ahead of the pages, and finished SVGs waiting in the build's memory
    for their page would add up to ~35 KB a note (the page reads it from the disk cache instead)."""
    svg = render_svg(dot, label)
    if cache_dir and SvgDiskCache(cache_dir).put(key, svg):
        return None
    return svg


# -- the renderer a build uses -------------------------------------------------------------------
@dataclass
class RenderStats:
    requested: int = 0  # diagrams asked for
    rendered: int = 0  # laid out by Graphviz (the rest came from memory or disk)
    disk_hits: int = 0
    memory_hits: int = 0


class GraphRenderer:
    """Hands out SVGs for DOT sources: ``submit`` early, ``svg`` when the page is written.

    ``submit`` answers from memory or disk at once and queues the rest; ``start`` sends the
    queue to worker processes when it is long enough; ``svg`` waits for (or draws) one diagram.
    Kept across `mkdocs serve` rebuilds: SVGs of the last build stay in memory."""

    def __init__(self, cache_dir: Path | str | None, workers: int | None = None) -> None:
        # No user key: cache names anyone could compute, so no disk cache (see core/user_key.py).
        self.disk = SvgDiskCache(cache_dir) if cache_dir and signing_key() else None
        # One core stays with MkDocs, which renders pages meanwhile (it is the longer task);
        # on one core everything is drawn in-process.
        self.workers = workers if workers is not None else _available_cpus() - 1
        self.stats = RenderStats()
        self._version: str | None = None
        self._memory: dict[str, str] = {}
        self._previous: dict[str, str] = {}
        self._queued: dict[str, tuple[str, str]] = {}
        self._on_disk: dict[str, tuple[bytes, str]] = {}  # cached on disk, read when a page needs it
        self._futures: dict[str, tuple[Future, str, str]] = {}
        self._released: set[str] = set()
        self._failed: dict[str, GraphRenderError] = {}
        self._pool: ProcessPoolExecutor | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = graphviz_version()
        return self._version

    def begin_build(self) -> None:
        """Start a build: forget SVGs no page used in the last build, reset the counters."""
        self._previous, self._memory = self._memory, {}
        self._released, self._failed, self._on_disk = set(), {}, {}
        self.stats = RenderStats()

    def submit(self, dot: str, label: str) -> str:
        """Ask for the SVG of ``dot``; returns its key for ``svg``."""
        key = cache_key(dot, label, self.version)
        self.stats.requested += 1
        if key in self._memory or key in self._queued or key in self._futures or key in self._on_disk:
            self.stats.memory_hits += 1
            return key
        if key in self._previous:
            self._memory[key] = self._previous.pop(key)
            self.stats.memory_hits += 1
            return key
        if self.disk is not None and self.disk.has(key):
            # Read when its page is written, not now: ~35 KB a diagram would otherwise wait in
            # memory for the whole build (~350 MB at 10,000 notes). The DOT stays, compressed
            # (~1 KB), in case the file turns out unusable (not signed by this user) by then.
            self._on_disk[key] = (zlib.compress(dot.encode("utf-8"), 1), label)
            self.stats.disk_hits += 1
        else:
            self._queued[key] = (dot, label)
        return key

    def start(self) -> None:
        """Lay out what is queued in worker processes, if that pays; else ``svg`` draws on demand."""
        if len(self._queued) < POOL_THRESHOLD or self.workers < 1:
            return
        pool = self._ensure_pool()
        cache_dir = str(self.disk.directory) if self.disk else None
        for key, (dot, label) in self._queued.items():
            self._futures[key] = (pool.submit(_render_and_store, dot, label, cache_dir, key), dot, label)
        self.stats.rendered += len(self._queued)
        self._queued.clear()

    def svg(self, key: str) -> str:
        """The finished SVG for ``key`` (raises GraphRenderError when Graphviz fails, for every
        page that shows that diagram)."""
        found = self._memory.get(key)
        if found is not None:
            return found
        if key in self._failed:
            raise self._failed[key]
        try:
            svg = self._finish(key)
        except GraphRenderError as exc:
            self._failed[key] = exc
            raise
        self._memory[key] = svg
        return svg

    def _finish(self, key: str) -> str:
        """The SVG of a key not in memory: from its worker, drawn here, or read back."""
        job = self._futures.pop(key, None)
        if job is not None:
            future, dot, label = job
            if future.cancel():  # no worker has started it: draw it here rather than wait
                svg = self._render_here(key, dot, label)
            else:
                try:
                    svg = future.result()
                except BrokenExecutor:  # a worker died (killed, out of memory): draw it here
                    svg = self._render_here(key, dot, label)
                if svg is None:  # the worker stored it: read back (drawn here if it is unusable now)
                    svg = (self.disk.get(key) if self.disk is not None else None) or self._render_here(key, dot, label)
        elif key in self._queued:
            dot, label = self._queued.pop(key)
            svg = self._render_here(key, dot, label)
            self.stats.rendered += 1
        elif key in self._on_disk:
            packed, label = self._on_disk.pop(key)
            svg = self.disk.get(key) if self.disk is not None else None
            if svg is None:  # gone or not signed by this user since the build began: draw it again
                svg = self._render_here(key, zlib.decompress(packed).decode("utf-8"), label)
                self.stats.rendered += 1
        elif key in self._released and self.disk and (svg := self.disk.get(key)) is not None:
            pass  # asked for again after ``release``: read back from the disk cache
        else:
            raise KeyError(key)
        return svg

    def release(self, key: str) -> None:
        """Drop a finished SVG from memory when the disk cache holds it (a one-off build need
        not keep ~40 KB per note page until the end: ~400 MB at 10,000 notes)."""
        if self.disk is not None and key in self._memory and self.disk.has(key):
            del self._memory[key]
            self._released.add(key)

    def _render_here(self, key: str, dot: str, label: str) -> str:
        svg = render_svg(dot, label)
        if self.disk:
            self.disk.put(key, svg)
        return svg

    def run(self, job, *args) -> Future | None:
        """Run ``job(*args)`` in a worker process (a long layout overlapping the page rendering);
        None when there are no workers: the caller runs it itself."""
        if self.workers < 1:
            return None
        try:
            return self._ensure_pool().submit(job, *args)
        except (BrokenExecutor, RuntimeError, OSError):
            return None

    def close(self) -> None:
        for future, _dot, _label in self._futures.values():
            future.cancel()
        self._futures.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_worker_context(),
                                             initializer=watch_parent, initargs=(os.getpid(),))
        return self._pool


PARENT_POLL_SECONDS = 0.5


def watch_parent(build_pid: int) -> None:
    """Worker start-up: exit as soon as the build that started this worker is gone.

    A worker waits on a queue whose write end it holds itself, so a build killed with
    ``kill -9`` (no shutdown, no atexit) would leave it running for good, reparented and holding
    the build's log open. Linux ends it with its parent (the fork server, which itself exits when
    the build's end of its pipe closes); everywhere a thread checks that the build still runs."""
    _die_with_parent()
    parent = os.getppid()  # the fork server (or the build itself, with "spawn")

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent or not _running(build_pid):
                os._exit(1)

    threading.Thread(target=watch, name="paperkb-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # the watching thread still ends the worker


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of someone else's: the pid was reused, or we may not signal it
    return True


def _worker_context() -> multiprocessing.context.BaseContext:
    """How workers start. "forkserver": forked from a small clean server process, so neither
    the threads of `mkdocs serve` (unsafe to fork) nor the user's main script (which "spawn"
    runs again in every worker, breaking scripts without a ``__main__`` guard) come along."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
