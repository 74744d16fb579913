"""A build writes into a folder beside the site and swaps it in at the end (core/site_swap.py):
one killed or failed halfway leaves the previous site whole, with `mkdocs build` and `paperkb build`."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from paperkb.default_config import default_config

from ..conftest import note, write_tree

# A hook that kills the build (SIGKILL: no clean-up runs) once a few pages are written.
KILLER = """
import os, signal
written = 0
def on_post_page(output, page, config):
    global written
    written += 1
    if written == 3 and os.environ.get("KILL_THE_BUILD"):
        os.kill(os.getpid(), signal.SIGKILL)
    return output
"""


def notes(count: int, title: str) -> dict[str, str]:
    return {f"papers/p{i}.md": note(f"{title} {i}", year=2020, fields=["LLM"],
                                    cites=[f"p{i - 1}"] if i else None) for i in range(count)}


def mkdocs_build(root, *, kill: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(root / "cache-home")}
    if kill:
        env["KILL_THE_BUILD"] = "1"
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_a_killed_mkdocs_build_leaves_the_previous_site(tmp_path):
    write_tree(tmp_path / "notes", notes(8, "First"))
    (tmp_path / "killer.py").write_text(KILLER, encoding="utf-8")
    config = default_config(tmp_path / "notes", tmp_path / "site", site_name="Swap")
    config["hooks"] = [str(tmp_path / "killer.py")]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert mkdocs_build(tmp_path, kill=False).returncode == 0
    site = tmp_path / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert "First 5" in (site / "papers" / "p5" / "index.html").read_text(encoding="utf-8")

    write_tree(tmp_path / "notes", notes(8, "Second"))
    killed = mkdocs_build(tmp_path, kill=True)
    assert killed.returncode == -9  # killed while writing pages
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before  # every file of the previous site, unchanged
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.building-")]
    assert len(leftovers) == 1  # the killed build's half-written folder

    assert mkdocs_build(tmp_path, kill=False).returncode == 0
    assert "Second 5" in (site / "papers" / "p5" / "index.html").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.building-")]  # cleaned up


def test_a_strict_build_that_fails_keeps_the_previous_site(site_builder, tmp_path):
    first = site_builder(notes(3, "First"), strict=True)
    assert first.ok
    (tmp_path / "site" / ".nojekyll").write_text("", encoding="utf-8")  # hidden: MkDocs keeps it
    broken = {**notes(3, "Second"), "papers/p9.md": note("Cites nothing known", cites=["nobody2020"])}
    failed = site_builder(broken, strict=True)
    assert not failed.ok
    assert any("nobody2020" in m for m in failed.warnings())
    assert "First 1" in first.html("papers/p1/")  # the previous site, not the failed build's
    assert not (tmp_path / "site" / "papers" / "p9").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.building-")]

    fixed = site_builder({"papers/p9.md": note("Cites p1", cites=["p1"])}, strict=True)
    assert fixed.ok
    assert "Second 1" in fixed.html("papers/p1/") and "Cites p1" in fixed.html("papers/p9/")
    assert (tmp_path / "site" / ".nojekyll").exists()
