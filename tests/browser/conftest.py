"""Browser fixtures: build the example site once, serve it on 127.0.0.1, drive Debian's Chromium.

Playwright for Python drives the system ``chromium`` through ``executable_path`` (no
``playwright install``, no downloaded browser). Tests skip, saying why, only when Chromium
is missing or cannot start. Every request to a host other than the local server is blocked
and recorded, so a page that needs the network (a CDN, a web font) fails its test."""

from __future__ import annotations

import functools
import logging
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SEARCH_TIMEOUT_MS = 60_000  # the answer to a query (on a quiet machine: under a second)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The repository's example site (mkdocs.yml + notes/), built once into a temporary folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tmp_path_factory.mktemp("example-site")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert (site_dir / "index.html").is_file()
    return site_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class LocalServer(ThreadingHTTPServer):
    """The site's server. socketserver listens with a backlog of 5: a page's burst of requests
    (Chromium opens six connections at once, Pagefind fetches its index and ten fragments) can
    fill it while this process waits for the CPU, and a connection the kernel drops is tried
    again only after 1 s, 3 s, 7 s: a search then outlasts any wait under load."""

    request_queue_size = 128
    daemon_threads = True


@pytest.fixture(scope="session")
def base_url(example_site) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(example_site))
    server = LocalServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; ./dev test does it)")
    manager = sync_api.sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
        manager.stop()
        pytest.skip(f"Chromium ({executable}) cannot start: {str(exc).splitlines()[0]}")
    yield browser
    browser.close()
    manager.stop()


@dataclass
class Reader:
    """A browser tab with what went wrong on it: console errors and blocked remote requests."""

    page: object
    base_url: str
    errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def search(self, query: str):
        """Type ``query`` into material's search box and return the result items, once the
        list answers this query (the panel marks it): Pagefind loads its index and fragments
        first, which takes a while on a loaded machine, so the wait is for the answer, not a time."""
        page = self.page
        box = page.locator("input.md-search__input")
        box.click()
        box.fill(query)
        box.press("End")  # material reads the query on keyup; fill() alone sends none
        wait_for_answer(page, query)
        items = page.locator(".md-search-result__item")
        items.first.wait_for(state="visible", timeout=SEARCH_TIMEOUT_MS)
        return items


def wait_for_answer(page, query: str) -> None:
    """Until the search list answers ``query`` (search-panel.js marks the query it answers), and
    that answer is no failure (a request of Pagefind's that failed)."""
    page.wait_for_function(
        "(query) => document.querySelector('[data-md-component=search-result]')"
        "?.getAttribute('data-pkb-answered') === query", arg=query, timeout=SEARCH_TIMEOUT_MS)
    assert page.locator("[data-md-component=search-result][data-pkb-failed]").count() == 0, \
        f"the search for {query!r} failed"


def _open_reader(browser, base_url: str, color_scheme: str) -> Iterator[Reader]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
    page = context.new_page()
    reader = Reader(page, base_url)
    local = urlsplit(base_url).netloc

    def route(route) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            reader.remote_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: reader.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: reader.errors.append(str(exc)))
    try:
        yield reader
    finally:
        context.close()


@pytest.fixture
def reader(browser, base_url) -> Iterator[Reader]:
    yield from _open_reader(browser, base_url, "light")


@pytest.fixture
def dark_reader(browser, base_url) -> Iterator[Reader]:
    yield from _open_reader(browser, base_url, "dark")
