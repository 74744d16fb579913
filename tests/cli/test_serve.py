"""`paperkb serve`: a note saved while the server runs shows up without a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml

from paperkb.core.loader import NoteCache, load_library

from ..conftest import note, write_tree
from ..process_tree import command_line, diagram_workers, has_proc, kill_all, marked, marker_env, wait_until


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


def _linked_notes(count: int) -> dict[str, str]:
    """Notes each citing up to three earlier ones: ``count`` uncached diagrams, drawn by workers."""
    notes = {}
    for i in range(count):
        cites = [f"paper{j}" for j in (i - 1, i - 2, i // 2) if 0 <= j < i]
        notes[f"papers/paper{i}.md"] = note(f"Paper number {i}", year=2000 + i % 25, fields=["LLM"], cites=cites)
    return notes


@pytest.mark.skipif(not has_proc() or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (one diagram worker)")
@pytest.mark.parametrize("stop", ["SIGTERM to serve", "Ctrl-C to its process group"])
def test_a_stopped_serve_shuts_its_diagram_workers_down(tmp_path, stop):
    """SIGTERM (`kill`, systemd, `docker stop`) ended serve without its shut-down: the diagram
    workers were never shut down (multiprocessing's pool, used then, warned of "leaked semaphore objects") and the
    temporary mkdocs.yml and site were left. Stopped either way, serve shuts down as on Ctrl-C, no
    warning or traceback, no process of it left, its temporary folders gone."""
    write_tree(tmp_path / "notes", _linked_notes(60))
    (tmp_path / "tmp").mkdir()
    env, mark = marker_env(XDG_CACHE_HOME=str(tmp_path / "cache-home"), TMPDIR=str(tmp_path / "tmp"))
    port = free_port()
    errors = tmp_path / "serve.err"
    with errors.open("w") as stderr:
        server = subprocess.Popen([sys.executable, "-m", "paperkb", "serve", "notes", "-a", f"127.0.0.1:{port}"],
                                  cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                  start_new_session=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/", "Total Count: 60", seconds=240)
        assert wait_until(lambda: diagram_workers(mark), 60), "serve started no diagram workers"
        assert any((tmp_path / "tmp").iterdir())  # serve's mkdocs.yml and site are there while it runs
        if stop == "SIGTERM to serve":
            server.send_signal(signal.SIGTERM)
        else:
            os.killpg(server.pid, signal.SIGINT)
        assert server.wait(timeout=120) == 0
        assert wait_until(lambda: not marked(mark), 60), [command_line(p) for p in marked(mark)]
    finally:
        if server.poll() is None:
            server.kill()
        kill_all(marked(mark))
    log = errors.read_text()
    assert "Shutting down..." in log
    assert "leaked" not in log and "Traceback" not in log and "Error" not in log, log
    assert not list((tmp_path / "tmp").iterdir())
