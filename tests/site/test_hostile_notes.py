"""Notes folders nobody here wrote: thesis-length venues, one-string tags, symlinks, YAML bombs."""

from __future__ import annotations

import os
import sys
import subprocess
import time

import pytest

from ..conftest import note, write_tree
from ..cli.test_serve import free_port, wait_for

# A real thesis .bib has a `journal` that is its acknowledgement sentence.
ACKNOWLEDGEMENT = (
    "We thank the anonymous reviewers for their helpful comments, and the National Science Foundation, "
    "the Alfred P. Sloan Foundation and the Office of Naval Research for their support; the views expressed "
    "here are those of the authors and do not necessarily reflect those of the sponsors or of our employers, "
    "and all remaining errors are ours alone"
)

# Nine levels of nine aliases in an unknown key: 9^9 values once expanded (1 KB on disk).
BILLION_LAUGHS = "lol0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n" + "".join(
    f"lol{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]\n"
    for i in range(1, 10))


def test_long_venue_and_field_get_bounded_unique_pages(site_builder):
    long_field = "Acknowledgements " + ACKNOWLEDGEMENT
    site = site_builder({
        "papers/a2019.md": note("Thesis chapter", year=2019, venue=ACKNOWLEDGEMENT, fields=[long_field]),
        # Same first 60 characters, different ending: a different page.
        "papers/b2020.md": note("Other chapter", year=2020, venue=ACKNOWLEDGEMENT + " (revised)"),
        "papers/c2021.md": note("长标题", year=2021, venue="会议" * 200),
    })
    assert site.ok, site.messages
    venue_pages = sorted(p for p in (site.site_dir / "venues").iterdir() if p.name != "index.html")
    assert len(venue_pages) == 3
    assert all(len(p.name.encode()) < 200 for p in venue_pages)
    field_pages = [p for p in (site.site_dir / "fields").iterdir() if p.is_dir()]
    assert len(field_pages) == 1 and len(field_pages[0].name) <= 60
    # Each page lists its own note, and the card links there.
    a = site.html("papers/a2019/")
    venue_dirs = {p.name: (p / "index.html").read_text(encoding="utf-8") for p in venue_pages}
    assert sum("Thesis chapter" in html for html in venue_dirs.values()) == 1
    assert sum("Other chapter" in html for html in venue_dirs.values()) == 1
    linked = next(name for name, html in venue_dirs.items() if "Thesis chapter" in html)
    assert f"venues/{linked}/" in a


def test_value_named_index_never_replaces_the_overview_page(site_builder):
    site = site_builder({
        "papers/a2020.md": note("Indexing paper", year=2020, fields=["index", "LLM"], venue="INDEX"),
        "papers/b2021.md": note("Other", year=2021, fields=["README"]),
    })
    assert site.ok, site.messages
    overview = site.html("fields/")
    assert "Fields" in overview and "llm" in overview  # the overview lists every field ...
    index_field = site.html("fields/index-2/")
    assert "Indexing paper" in index_field  # ... and the field 'index' has its own page
    assert "Indexing paper" in site.html("venues/index-2/")
    assert "Other" in site.html("fields/readme-2/")
    assert "Indexing paper" in site.html("graph/index-2/")
    assert "Citation graph" in site.html("graph/") or "graph" in site.html("graph/")


@pytest.mark.parametrize("strict", [False, True])
def test_tags_written_as_one_string(site_builder, strict):
    site = site_builder({
        "papers/a2020.md": "---\ntitle: Vim paper\nyear: 2020\ntags: vim\n---\nBody.\n",
        "about.md": "---\ntags: vim, dev-tools\n---\n# About\n\nText.\n",
        "tools.md": "---\ntags: [editor, {bad: 1}]\n---\n# Tools\n",
    }, strict=strict)
    if strict:  # the mapping among tools.md's tags is a warning
        assert not site.ok
        return
    assert site.ok, site.messages
    assert any("tools.md:2: 'tags' items must be strings" in m for m in site.warnings()), site.messages
    tags = site.html("tags/")
    for tag in ("vim", "dev-tools", "editor"):
        assert f'id="tag:{tag}"' in tags, tag
    assert "About" in tags and "Vim paper" in tags


def test_symlinks_dangling_looping_and_outside(tmp_path, site_builder):
    outside = tmp_path / "secrets"
    write_tree(outside, {"id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n", "leak.md": "# Leak\n"})
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/a2020.md": note("Kept paper", year=2020), "shared/b.md": "# Shared page\n"})
    os.symlink(outside, notes / "keys")
    os.symlink(outside / "leak.md", notes / "leak.md")
    os.symlink("nowhere.md", notes / "dangling.md")
    os.symlink("loop2.md", notes / "loop1.md")
    os.symlink("loop1.md", notes / "loop2.md")
    os.symlink(".", notes / "self")  # a folder that contains its own link
    os.symlink("shared", notes / "alias")  # inside the notes folder: followed
    site = site_builder({})
    assert site.ok, site.messages
    warnings = "\n".join(site.warnings())
    assert "notes/keys:1: symbolic link to" in warnings and "leads outside the notes folder" in warnings
    assert "notes/leak.md:1:" in warnings
    assert "notes/dangling.md:1: symbolic link to 'nowhere.md' points to nothing" in warnings
    assert "notes/loop1.md:1:" in warnings and "loop" in warnings
    assert "notes/self:1:" in warnings
    assert warnings.count("notes/keys:") == 1  # once per link, not per file behind it
    assert "Kept paper" in site.html("papers/a2020/")
    assert "Shared page" in site.html("alias/b/")
    assert not (site.site_dir / "keys").exists() and not (site.site_dir / "self").exists()
    assert "secret" not in site.all_text() and "Leak" not in site.all_text()
    assert not site_builder({}, strict=True).ok


def test_symlinks_outside_followed_when_allowed(tmp_path, site_builder):
    outside = tmp_path / "shared-notes"
    write_tree(outside, {"c2021.md": note("Shared note", year=2021)})
    write_tree(tmp_path / "notes", {"papers/a2020.md": note("Kept", year=2020)})
    os.symlink(outside, tmp_path / "notes" / "shared")
    site = site_builder({}, plugins=["tags", {"paperkb": {"follow_symlinks_outside": True}}])
    assert site.ok and not site.warnings(), site.messages
    assert "Shared note" in site.html("shared/c2021/")


def test_check_names_links_it_skips(tmp_path):
    from ..cli.test_cli import run_cli

    write_tree(tmp_path / "notes", {"papers/a2020.md": note("A", year=2020)})
    os.symlink("/etc", tmp_path / "notes" / "etc")
    os.symlink("gone.bib", tmp_path / "notes" / "refs.bib")
    result = run_cli("check", "notes", cwd=tmp_path)
    assert "notes/etc:1: warning: symbolic link to '/etc' leads outside" in result.stdout, result.stdout
    assert "notes/refs.bib:1: warning: symbolic link to 'gone.bib' points to nothing" in result.stdout


def test_billion_laughs_is_refused_at_its_key(site_builder, tmp_path):
    bomb = "---\ntitle: Bomb\nyear: 2020\n" + BILLION_LAUGHS + "---\nBody.\n"
    # The anchors' own keys stay under the bound; `tags` repeats them past it.
    tag_bomb = ("---\ntitle: Tag bomb\nyear: 2020\n" + "".join(BILLION_LAUGHS.splitlines(True)[:3])
                + "tags: [" + ", ".join(["*a2"] * 9) + "]\n---\n")
    start = time.monotonic()
    site = site_builder({"papers/bomb.md": bomb, "papers/tagbomb.md": tag_bomb, "papers/ok2020.md": note("Fine", year=2020),
                         # a few aliases, as people use them, are fine
                         "papers/alias2021.md": "---\ntitle: Aliased\nyear: 2021\nbase: &b {lr: 0.1}\nrun: *b\n---\n"})
    assert time.monotonic() - start < 60
    errors = [m for m in site.messages if "billion laughs" in m]
    assert any("notes/papers/bomb.md:7: 'lol3' repeats YAML anchors" in m for m in errors), site.messages
    assert len([m for m in errors if "tagbomb.md" in m]) == 1
    assert any("tagbomb.md:7: 'tags' repeats YAML anchors" in m for m in errors), errors
    assert "Fine" in site.html("papers/ok2020/")
    assert "lr: 0.1" in site.html("papers/alias2021/")
    assert not (site.site_dir / "papers" / "bomb").exists()


def test_billion_laughs_check_fails_and_serve_recovers(tmp_path):
    from ..cli.test_cli import run_cli

    notes = tmp_path / "notes"
    write_tree(notes, {"papers/first2020.md": note("First paper", year=2020)})
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "paperkb", "serve", str(notes), "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, "Total Count: 1")
        write_tree(notes, {"papers/bomb.md": "---\ntitle: Bomb\n" + BILLION_LAUGHS + "---\n"})
        write_tree(notes, {"papers/second2021.md": note("Second paper", year=2021)})
        wait_for(base + "papers/second2021/", "Second paper")  # the server still answers
        (notes / "papers" / "bomb.md").unlink()
        write_tree(notes, {"papers/third2022.md": note("Third paper", year=2022)})
        wait_for(base + "papers/third2022/", "Third paper")
    finally:
        server.terminate()
        server.wait(timeout=20)
    write_tree(notes, {"papers/bomb.md": "---\ntitle: Bomb\n" + BILLION_LAUGHS + "---\n"})
    result = run_cli("check", "notes", cwd=tmp_path)
    assert result.returncode == 1
    assert "notes/papers/bomb.md:6: error: 'lol3' repeats YAML anchors" in result.stdout, result.stdout


def test_unknown_key_card_value_is_bounded(site_builder):
    huge = "---\ntitle: Big extra\nyear: 2020\nmatrix: [" + ", ".join(str(i) for i in range(5000)) + "]\n" \
           "deep: [[[[[[[[1]]]]]]]]\n---\n"
    site = site_builder({"papers/big2020.md": huge})
    assert site.ok, site.messages
    html = site.html("papers/big2020/")
    assert "99, …" in html and "4999" not in html
    assert "…" in html.split("deep")[1][:300]


def test_a_note_of_one_huge_line_builds(site_builder):
    """A 2 MB note on one line (a pasted PDF, a minified table): the regex that finds a body's
    leading title backtracked quadratically on it, and the build ran for minutes."""
    huge = "word " * 400_000
    start = time.monotonic()
    site = site_builder({"papers/huge2020.md": note("Huge", huge, year=2020),
                         "papers/setext2020.md": note("Setext", "Setext title\n===\n\nBody text.\n", year=2020)})
    assert time.monotonic() - start < 60  # a hang guard: the quadratic match took minutes
    assert site.ok, site.messages
    assert site.html("papers/huge2020/").count("word word") > 1000
    assert "<h2" in site.html("papers/setext2020/") and "Setext title" in site.html("papers/setext2020/")


@pytest.mark.parametrize("value, line, what", [("\"Nul\x00 title\"", 2, "a NUL byte"),
                                               ("\"bell \x07\"", 2, "the control character U+0007")])
def test_control_characters_in_front_matter_are_named_at_their_line(site_builder, value, line, what):
    site = site_builder({"papers/ctl2020.md": f"---\ntitle: {value}\nyear: 2020\n---\nBody.\n",
                         "papers/ok2020.md": note("Fine", year=2020)})
    assert any(f"notes/papers/ctl2020.md:{line}: YAML error: {what} cannot stand in a front-matter" in m
               for m in site.messages), site.messages
    assert "Fine" in site.html("papers/ok2020/")
