"""`paperkb serve`: a note saved while the server runs shows up without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

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


def test_a_port_in_use_is_one_line_suggesting_another(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/first2020.md": note("First paper", year=2020)})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "paperkb", "serve", str(notes), "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"paperkb serve: 127.0.0.1:{port} is already in use; serve on another port with -a 127.0.0.1:{port + 1}"]


def test_no_mkdocs_2_notice_in_paperkb_output(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/first2020.md": note("First paper", year=2020)})
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    done = subprocess.run([sys.executable, "-m", "paperkb", "build", str(notes)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "NO_MKDOCS_2_WARNING" not in done.stderr + done.stdout
    assert "end of life" not in done.stderr + done.stdout
    # The notice is mkdocs-material's, printed when its templates load: plain MkDocs shows it.
    from paperkb.default_config import default_config

    config = default_config(notes, tmp_path / "plain-site")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert "NO_MKDOCS_2_WARNING" in plain.stderr
