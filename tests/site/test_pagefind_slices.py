"""The search index in slices: a site built with a small ``search_slice_size`` has several Pagefind
bundles, every page in exactly one, drafts in none, the filter counts of all of them together equal
to the site's, and their indexers ran one after another, never two at once."""

from __future__ import annotations

import json
import stat
from collections import Counter
from pathlib import Path

import pytest

from ..conftest import note, pagefind_pages, pagefind_slices

SLICE_SIZE = 7
WORDS = ["quetzal", "marimba", "obsidian", "tundra", "zephyr", "lagoon", "citadel", "fjord", "savanna", "glacier",
         "bayou", "mesa", "atoll", "canyon", "delta", "steppe", "taiga", "geyser", "oasis", "reef"]


def _notes() -> dict[str, str]:
    files = {}
    for i, word in enumerate(WORDS):
        files[f"papers/p{i:02d}.md"] = note(
            f"Paper {i}", key=f"p{i:02d}", year=2000 + i % 6, fields=["RL" if i % 3 else "Vision"],
            type="analysis", tags=[f"t{i % 4}"], problem=f"The {word}{i} problem.",
            body=f"## Notes\n\nThis note alone says {word}word.\n")
    files["papers/secret.md"] = note("Hidden draft", key="secret", draft=True, problem="zanzibarword only here.")
    files["about.md"] = "# About\n\nThis site collects reading notes.\n"
    return files


@pytest.fixture
def indexer_log(tmp_path, monkeypatch) -> Path:
    """Each Pagefind process's start and end, written by a wrapper around the real binary."""
    from paperkb.core.pagefind_service import pagefind_executable

    real = pagefind_executable()
    log = tmp_path / "indexers.log"
    wrapper = tmp_path / "pagefind-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "start $(date +%s%N)" >> "{log}"\n"{real}" "$@"\nstatus=$?\n'
                       f'echo "end $(date +%s%N)" >> "{log}"\nexit $status\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    return log


def test_a_sliced_index_holds_every_page_once_and_counts_like_the_site(site_builder, indexer_log):
    site = site_builder(_notes(), plugins=["search", "tags", {"paperkb": {"search_slice_size": SLICE_SIZE}}])
    assert site.ok, site.messages
    slices = pagefind_slices(site.site_dir)
    pages = pagefind_pages(site.site_dir)  # (fails on a page found in two slices)
    assert len(slices) >= 4 and list(slices) == [str(n) for n in range(len(slices))]
    assert len(pages) > 3 * SLICE_SIZE
    for name, folder in slices.items():  # whole bundles, none bigger than a slice
        fragments = list((folder / "fragment").glob("*.pf_fragment"))
        assert 0 < len(fragments) <= SLICE_SIZE, name
        assert (folder / "pagefind-entry.json").is_file() and (folder / "pagefind.js").is_file()
        assert not list(folder.glob("pagefind-ui.*"))
    # Every note is found by its own word, and the notes are spread over the slices.
    for i, word in enumerate(WORDS):
        assert f"{word}word" in pages[f"papers/p{i:02d}/"]["content"]
    assert "about/" in pages
    # Drafts are in no slice, nor anywhere else in the output.
    assert "papers/secret/" not in pages and "zanzibarword" not in site.all_text()
    assert not any("zanzibarword" in path.read_bytes().decode("latin-1") for path in site.site_dir.rglob("*.pf_*"))
    # The browser adds up the slices' filter counts: they equal the counts of the whole site.
    counted: dict[str, Counter] = {}
    for page in pages.values():
        for name, values in page["filters"].items():
            counted.setdefault(name, Counter()).update(values)
    site_counts = json.loads((site.site_dir / "pagefind" / "paperkb-filters.json").read_text(encoding="utf-8"))
    assert {name: dict(c) for name, c in counted.items()} == site_counts
    assert site_counts["kind"]["Note"] == len(WORDS) and sum(site_counts["year"].values()) == len(WORDS)
    # One indexer per slice, each ended before the next one started.
    events = [line.split() for line in indexer_log.read_text(encoding="utf-8").splitlines()]
    assert len(events) == 2 * len(slices)
    events.sort(key=lambda event: int(event[1]))
    assert [kind for kind, _ in events] == ["start", "end"] * len(slices)


def test_a_second_build_with_fewer_pages_leaves_no_slice_behind(site_builder, tmp_path):
    plugins = ["search", "tags", {"paperkb": {"search_slice_size": SLICE_SIZE}}]
    files = _notes()
    site = site_builder(files, plugins=plugins)
    before = pagefind_slices(site.site_dir)
    for i in range(10, len(WORDS)):
        (tmp_path / "notes" / "papers" / f"p{i:02d}.md").unlink()
        del files[f"papers/p{i:02d}.md"]
    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    after = pagefind_slices(site.site_dir)
    assert len(after) < len(before)
    assert sorted(p.name for p in (site.site_dir / "pagefind").iterdir() if p.is_dir()) == sorted(after)
    pages = pagefind_pages(site.site_dir)
    assert "papers/p09/" in pages and "papers/p10/" not in pages


def test_a_warm_build_copies_the_slices_whose_pages_did_not_change(site_builder, tmp_path, indexer_log):
    """A second build of the same notes starts no indexer: every slice is copied from the cache,
    the same bytes as Pagefind wrote; after a note's body changes, its slice is indexed again
    (and finds the new word), the others are copied."""
    plugins = ["search", "tags", {"paperkb": {"search_slice_size": SLICE_SIZE}}]
    files = _notes()

    def bundles(site) -> dict[str, bytes]:
        folder = site.site_dir / "pagefind"
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    def starts() -> int:
        return indexer_log.read_text(encoding="utf-8").count("start")

    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    first, count = bundles(site), len(pagefind_slices(site.site_dir))
    assert starts() == count >= 4
    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    assert starts() == count  # no indexer ran
    assert bundles(site) == first
    assert any(f"({count} kept from the last build)" in m for m in site.messages), site.messages

    files["papers/p19.md"] = files["papers/p19.md"].replace("reefword", "narwhalword")
    (tmp_path / "notes" / "papers" / "p19.md").write_text(files["papers/p19.md"], encoding="utf-8")
    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    assert count < starts() < 2 * count  # the edited note's slice, not every slice
    pages = pagefind_pages(site.site_dir)
    assert "narwhalword" in pages["papers/p19/"]["content"] and "reefword" not in str(pages)


def test_a_slice_file_edited_in_the_built_site_never_comes_back_from_the_cache(site_builder, indexer_log):
    """The cache keeps each slice's bundle as hard links to the site's files: a site file edited
    in place afterwards (a deploy step, a user) edits the kept one too. The next build notices
    (each kept file's digest) and indexes that slice again: its search is Pagefind's, as before."""
    plugins = ["search", "tags", {"paperkb": {"search_slice_size": SLICE_SIZE}}]
    files = _notes()
    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    count, pages = len(pagefind_slices(site.site_dir)), pagefind_pages(site.site_dir)
    entry = site.site_dir / "pagefind" / "0" / "pagefind-entry.json"
    size = entry.stat().st_size
    with open(entry, "r+b") as handle:  # in place: the same file, not a new one
        handle.write(b"{}" + b" " * (size - 2))
    site = site_builder(files, plugins=plugins)
    assert site.ok, site.messages
    assert indexer_log.read_text(encoding="utf-8").count("start") == count + 1  # slice 0 again, the rest kept
    assert json.loads(entry.read_bytes())["languages"]["en"]["page_count"] == SLICE_SIZE
    assert pagefind_pages(site.site_dir) == pages and "quetzalword" in pages["papers/p00/"]["content"]
