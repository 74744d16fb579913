"""How a build process ends: its interpreter leaves the heap as it is (collector.leave_heap_at_exit,
the last 5% of a warm build's time otherwise), and nothing else about the exit changes: the exit
status (a --strict failure, an exception), the flushed log, `paperkb build`'s own clean-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from ..conftest import note, write_tree

# Runs MkDocs' or paperkb's command line as `python -m` would, with an atexit handler registered
# first, so that it runs last, after paperkb's: it reports how many objects were frozen then.
PROBE = """
import atexit, gc, os, runpy, sys
atexit.register(lambda: os.write(2, f"\\nPROBE frozen at exit: {gc.get_freeze_count()}\\n"
                                    f"PROBE rss loaded: {'mkdocs_rss_plugin' in sys.modules}\\n".encode()))
module = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""

NOTES = {
    "index.md": "# Notes\n",
    "papers/attention.md": note("Attention Is All You Need", "The Transformer.\n", year=2017, cites=["bert"]),
    "papers/bert.md": note("BERT", "Pre-training.\n", year=2018),
}


def run(tmp_path: Path, module: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home"), "NO_MKDOCS_2_WARNING": "1",
                   **(env or {})}
    return subprocess.run([sys.executable, "-c", PROBE, module, *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=600)


def frozen_at_exit(result: subprocess.CompletedProcess) -> int:
    lines = [line for line in result.stderr.splitlines() if line.startswith("PROBE frozen at exit: ")]
    assert lines, f"the probe's atexit handler did not run:\n{result.stderr}"
    return int(lines[-1].rsplit(" ", 1)[1])


def project(tmp_path: Path, files: dict[str, str], hooks: list[str] | None = None) -> Path:
    from paperkb.default_config import default_config

    write_tree(tmp_path / "notes", files)
    cfg = default_config(tmp_path / "notes", tmp_path / "site", site_name="Exit test")
    cfg["plugins"] = ["tags", "paperkb"]
    if hooks:
        cfg["hooks"] = hooks
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def test_a_build_exits_with_its_heap_frozen_and_its_log_flushed(tmp_path):
    config_file = project(tmp_path, NOTES)
    result = run(tmp_path, "mkdocs", "build", "-f", str(config_file))
    assert result.returncode == 0, result.stderr
    assert "Documentation built in" in result.stderr  # the log's last line reached the pipe
    assert "Transformer" in (tmp_path / "site" / "papers" / "attention" / "index.html").read_text(encoding="utf-8")
    # paperkb's handler ran before the probe's: the shutdown's collections skip every object.
    assert frozen_at_exit(result) > 10_000
    # A site without feeds does not pay for importing mkdocs-rss-plugin (mkdocs_plugin/feeds.py);
    # with feeds, tests/site/test_blog.py checks them in a build of its own process.
    assert "PROBE rss loaded: False" in result.stderr


def test_a_build_without_paperkb_leaves_the_exit_alone(tmp_path):
    config_file = project(tmp_path, NOTES)
    cfg = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    cfg["plugins"] = ["search"]
    config_file.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    result = run(tmp_path, "mkdocs", "build", "-f", str(config_file))
    assert result.returncode == 0, result.stderr
    assert frozen_at_exit(result) == 0


def test_a_strict_build_with_a_warning_still_exits_1(tmp_path):
    files = {**NOTES, "about.md": "# About\n\nSee [the missing page](missing.md).\n"}
    config_file = project(tmp_path, files)
    result = run(tmp_path, "mkdocs", "build", "--strict", "-f", str(config_file))
    assert result.returncode == 1, result.stderr
    assert "missing.md" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout  # (MkDocs prints it to stdout, flushed)
    assert frozen_at_exit(result) > 10_000
    assert not (tmp_path / "site" / "index.html").exists()  # a failed build publishes nothing
    # Without --strict the same notes build, and exit 0.
    assert run(tmp_path, "mkdocs", "build", "-f", str(config_file)).returncode == 0


def test_an_exception_in_a_build_still_exits_non_zero_and_keeps_the_previous_site(tmp_path):
    config_file = project(tmp_path, NOTES)
    assert run(tmp_path, "mkdocs", "build", "-f", str(config_file)).returncode == 0
    (tmp_path / "failing_hook.py").write_text(
        "def on_post_build(config):\n    raise RuntimeError('the hook broke on purpose')\n", encoding="utf-8")
    config_file = project(tmp_path, NOTES, hooks=["failing_hook.py"])
    result = run(tmp_path, "mkdocs", "build", "-f", str(config_file))
    assert result.returncode != 0
    assert "RuntimeError: the hook broke on purpose" in result.stderr
    assert frozen_at_exit(result) > 10_000
    assert "Transformer" in (tmp_path / "site" / "papers" / "attention" / "index.html").read_text(encoding="utf-8")


def test_paperkb_build_still_cleans_up_and_reports(tmp_path):
    """`paperkb build NOTES -d SITE` of a bare folder writes a temporary mkdocs.yml and removes it
    when the build is done; --strict's failure is its exit status 1."""
    write_tree(tmp_path / "notes", NOTES)
    temp = tmp_path / "temp"
    temp.mkdir()
    result = run(tmp_path, "paperkb", "build", "notes", "-d", "out", env={"TMPDIR": str(temp)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "papers" / "bert" / "index.html").is_file()
    assert frozen_at_exit(result) > 10_000
    assert not [p.name for p in temp.iterdir() if p.name.startswith("paperkb-")]  # the temporary config went

    write_tree(tmp_path / "notes", {"about.md": "# About\n\n[gone](gone.md)\n"})
    result = run(tmp_path, "paperkb", "build", "notes", "-d", "out", "--strict", env={"TMPDIR": str(temp)})
    assert result.returncode == 1, result.stderr
    assert "gone.md" in result.stderr
    assert not [p.name for p in temp.iterdir() if p.name.startswith("paperkb-")]
