"""`paperkb serve`: a note saved while the server runs shows up without a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from paperkb.core.loader import NoteCache, load_library

from ..conftest import note, write_tree


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        html = fetch(url)
        if html is not None and needle in html:
            return html
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never appeared at {url}")


def test_serve_picks_up_a_new_and_an_edited_note(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/first2020.md": note("First paper", year=2020, fields=["LLM"])})
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "paperkb", "serve", str(notes), "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, "Total Count: 1")
        write_tree(notes, {"papers/second2021.md": note("Second paper", year=2021, fields=["LLM"])})
        wait_for(base + "papers/second2021/", "Second paper")
        wait_for(base, "Total Count: 2")
        write_tree(notes, {"papers/first2020.md": note("First paper, renamed", year=2020, fields=["LLM"])})
        wait_for(base + "fields/llm/", "First paper, renamed")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_cache_reparses_only_changed_files(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"a.md": note("A", year=2020), "b.md": note("B", year=2021)})
    cache = NoteCache()
    load_library(notes, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    load_library(notes, cache=cache)
    assert (cache.hits, cache.misses) == (2, 2)
    write_tree(notes, {"b.md": note("B changed, longer title", year=2021)})
    library = load_library(notes, cache=cache)
    assert (cache.hits, cache.misses) == (3, 3)
    assert library.notes["b"].title == "B changed, longer title"
