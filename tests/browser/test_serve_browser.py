"""`paperkb serve` in a browser: the network goes idle (scripts waiting for `networkidle` work)
and a saved note still reloads the page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from ..conftest import note, write_tree


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/first2020.md": note("First paper", "The first body.\n", year=2020, fields=["LLM"]),
                       "papers/second2021.md": note("Second paper", year=2021, fields=["LLM"], cites=["first2020"])})
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "paperkb", "serve", str(notes), "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base, timeout=5).read()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("paperkb serve did not start")
            time.sleep(0.3)
    yield base, notes
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_a_served_page_reaches_networkidle_and_still_reloads_on_save(browser, served):
    base, notes = served
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "papers/first2020/", wait_until="networkidle", timeout=20_000)
        assert "The first body." in page.content()
        time.sleep(2)  # the live-reload request is waiting now
        path = notes / "papers" / "first2020.md"
        path.write_text(path.read_text(encoding="utf-8").replace("The first body.", "A body saved while serving."),
                        encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('A body saved while serving.')", timeout=30_000)
        page.wait_for_load_state("networkidle", timeout=20_000)
    finally:
        context.close()
