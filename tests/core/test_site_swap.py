"""core/site_swap.py: a new build replaces the site in one step; a dropped one leaves it alone."""

from __future__ import annotations

import os
import stat

from paperkb.core.site_swap import SiteSwap, can_swap, remove_stale_builds


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_commit_replaces_the_site_and_keeps_its_hidden_entries(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", "old")
    write(site / "gone.html", "only in the old build")
    write(site / ".git" / "HEAD", "ref: refs/heads/gh-pages")  # MkDocs never deletes hidden entries
    site.chmod(0o755)
    swap = SiteSwap(site)
    building = swap.begin()
    assert building.parent == tmp_path and building.name.startswith(".site.building-")
    assert stat.S_IMODE(building.stat().st_mode) == 0o755
    write(building / "index.html", "new")
    assert (site / "index.html").read_text() == "old"  # untouched until the commit
    swap.commit()
    assert (site / "index.html").read_text() == "new"
    assert not (site / "gone.html").exists()
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left


def test_first_build_creates_the_site(tmp_path):
    swap = SiteSwap(tmp_path / "out" / "site")
    write(swap.begin() / "index.html", "new")
    swap.commit()
    assert (tmp_path / "out" / "site" / "index.html").read_text() == "new"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["site"]


def test_abort_leaves_the_site_as_it_was(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", "old")
    swap = SiteSwap(site)
    write(swap.begin() / "index.html", "half")
    swap.abort()
    assert (site / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_folder_of_a_killed_build_is_removed_by_the_next(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", "old")
    dead = tmp_path / ".site.building-999999999-abcd"  # no such process
    write(dead / "index.html", "half")
    mine = tmp_path / f".site.building-{os.getpid()}-beef"  # a build of this process: kept
    mine.mkdir()
    other = tmp_path / ".other.building-999999999-abcd"  # another site's: kept
    other.mkdir()
    remove_stale_builds(site)
    assert not dead.exists() and mine.exists() and other.exists()


def test_a_symlinked_site_is_built_in_place(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "real")
    assert not can_swap(tmp_path / "site")
    assert can_swap(tmp_path / "real")
    assert can_swap(tmp_path / "missing")
