"""Notes' Markdown and front-matter handed to MkDocs as the note cache holds them
(mkdocs_plugin/page_source.py): MkDocs parses no note's YAML again, every page is the same as when
MkDocs reads it, and a note whose bytes changed since it was parsed is read again."""

from __future__ import annotations

import textwrap

from mkdocs.structure import pages as mkdocs_pages

from paperkb.core import note_cache
from paperkb.mkdocs_plugin import plugin as plugin_module

from ..conftest import assert_same_pages, build_site, example_notes, note


def _files() -> dict[str, str]:
    return {
        "papers/a.md": note("Paper A", "Body of A with [[b]].\n", key="a", year=2020, tags=["vision"],
                            hide=["toc"], cites=["b"], problem="Why $x$?"),
        "papers/b.md": note("Paper B", "Key: value\nOther: thing\n\nA body that starts like metadata.\n",
                            key="b", year=2019, search={"boost": 2}),
        "about.md": "---\ntitle: About us\n---\n\n# About\n\nWho writes.\n",
        "plain.md": "# Plain\n\nNo front-matter.\n",
    }



def test_notes_are_not_parsed_again_and_pages_are_the_same(tmp_path, monkeypatch):
    read: list[str] = []
    get_data = mkdocs_pages.meta.get_data

    def counting(source: str):
        read.append(source[:40])
        return get_data(source)

    with monkeypatch.context() as patch:
        patch.setattr(mkdocs_pages.meta, "get_data", counting)
        handed = build_site(tmp_path / "handed", _files())
    assert handed.ok, handed.messages
    # The notes' YAML (and that of pages the loader read: about.md) is not parsed again; pages it
    # did not read (generated ones, a page with no front-matter) MkDocs reads.
    assert not any("Paper A" in s or "Paper B" in s or "About us" in s for s in read), read
    assert any(s.startswith("# Plain") for s in read) and any("title: Fields" in s for s in read)
    with monkeypatch.context() as patch:
        patch.setattr(plugin_module, "hand_over_source", lambda *args, **kwargs: None)
        alone = build_site(tmp_path / "alone", _files())
    assert alone.ok, alone.messages
    assert_same_pages(handed, alone)
    assert "Body of A" in handed.html("papers/a/") and 'data-md-type="toc" hidden' in handed.html("papers/a/")


HOOK = textwrap.dedent('''
    from pathlib import Path

    def on_pre_page(page, config, files):
        if page.file.src_uri == "papers/a.md":  # saved after the library loaded, before MkDocs reads it
            path = Path(page.file.abs_src_path)
            path.write_text(path.read_text(encoding="utf-8").replace("Body of A", "Edited body of A"),
                            encoding="utf-8")
        return page
''')


def test_a_note_saved_after_it_was_parsed_shows_what_was_saved(tmp_path):
    hook = tmp_path / "edit_hook.py"
    hook.write_text(HOOK, encoding="utf-8")
    site = build_site(tmp_path, _files(), config={"hooks": [str(hook)]})
    assert site.ok, site.messages
    page = site.html("papers/a/")
    assert "Edited body of A" in page


def test_the_example_site_is_the_same_as_when_mkdocs_reads_every_page(tmp_path, monkeypatch):
    files = example_notes()
    handed = build_site(tmp_path / "handed", files)
    with monkeypatch.context() as patch:
        patch.setattr(plugin_module, "hand_over_source", lambda *args, **kwargs: None)
        alone = build_site(tmp_path / "alone", files)
    assert_same_pages(handed, alone, at_least=40)


def test_builds_after_the_first_hand_over_the_front_matter_too(tmp_path, monkeypatch):
    """The first build writes the note cache at its end; the next builds hand its front-matter
    to MkDocs from there (a build that wrote the records without it left them none), also
    after an edit, which writes the cache again."""
    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)  # (a cache file for these few notes too)
    get_data = mkdocs_pages.meta.get_data
    files = _files()
    for build in ("first", "warm", "after an edit", "warm again"):
        if build == "after an edit":
            files["papers/b.md"] = files["papers/b.md"].replace("A body", "An edited body")
        read: list[str] = []
        with monkeypatch.context() as patch:
            patch.setattr(mkdocs_pages.meta, "get_data", lambda source: read.append(source[:40]) or get_data(source))
            site = build_site(tmp_path, files)
        assert site.ok, site.messages
        assert (tmp_path / ".paperkb-cache" / "notes" / "parsed.pickle").is_file()
        assert not any("Paper A" in s or "Paper B" in s or "About us" in s for s in read), (build, read)
        assert any(s.startswith("# Plain") for s in read), build
    assert "An edited body" in site.html("papers/b/") and "Body of A" in site.html("papers/a/")
