"""Background work stepping aside for `serve`'s updates (core/foreground.py): a real child
process is stopped while the foreground is held and goes on where it was afterwards; a
background thread waits between its steps; a real Pagefind indexer finishes only once released."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest

from paperkb.core.foreground import Foreground
from paperkb.core.pagefind_slices import write_slice

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="processes are stopped with SIGSTOP")

COUNTER = "import sys, time\ni = 0\nwhile True:\n    i += 1\n    open(sys.argv[1], 'w').write(str(i))\n    time.sleep(0.01)\n"


def _count(path) -> int:
    deadline = time.monotonic() + 30  # (a loaded machine starts Python slowly)
    while time.monotonic() < deadline:
        try:
            return int(path.read_text())
        except (OSError, ValueError):  # not written yet, or caught between truncation and write
            time.sleep(0.01)
    raise AssertionError("the counter never wrote")


def _advances(path) -> bool:
    """The counter moves on within 10 s."""
    before = _count(path)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _count(path) > before:
            return True
        time.sleep(0.02)
    return False


def _stands_still(path) -> bool:
    time.sleep(0.1)  # (a write under way when it stopped lands first)
    before = _count(path)
    time.sleep(0.5)
    return _count(path) == before


def test_a_held_foreground_stops_a_background_process_until_released(tmp_path):
    counter = tmp_path / "count"
    process = subprocess.Popen([sys.executable, "-c", COUNTER, str(counter)])
    foreground = Foreground()
    try:
        foreground.adopt(process)
        assert _advances(counter)
        foreground.hold()
        assert _stands_still(counter)
        foreground.release()
        assert _advances(counter)
        foreground.hold()
        with foreground.lifted():  # someone waits for the background work: it runs
            assert _advances(counter)
        assert _stands_still(counter)
        foreground.let_go(process)  # a process that ends is continued, so that it can
        assert _advances(counter)
    finally:
        foreground.release()
        process.kill()
        process.wait()


def test_background_steps_wait_while_the_foreground_is_held():
    foreground = Foreground()
    steps: list[int] = []

    def work() -> None:
        for i in range(3):
            foreground.wait_turn()
            steps.append(i)

    foreground.hold()
    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.2)
    assert steps == [] and thread.is_alive()
    foreground.release()
    thread.join(5)
    assert steps == [0, 1, 2]


def test_a_pagefind_slice_is_indexed_only_once_the_update_is_done(tmp_path):
    pages = [(f"papers/p{i}/", "<html><body><main data-pagefind-body><h1>P</h1>"
              f"<p>word{i}</p></main></body></html>") for i in range(40)]
    foreground = Foreground()
    foreground.hold()  # an update runs
    results = []
    thread = threading.Thread(target=lambda: results.append(
        write_slice("en", tmp_path / "pagefind", 0, iter(pages), foreground)))
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive() and not (tmp_path / "pagefind" / "0").exists()
    foreground.release()
    thread.join(60)
    assert results and results[0].pages == 40
    assert (tmp_path / "pagefind" / "0" / "pagefind-entry.json").is_file()
