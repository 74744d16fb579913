"""A full build keeps each page's Markdown conversion for the next (mkdocs_plugin/kept_conversions.py):
a warm build converts no unchanged page and writes the same site byte for byte; an edit converts
only what it changed; anything else a conversion depends on (an extension's option, the set of
files, paperkb's code) makes every page convert again; a damaged or planted file is never used;
and the warnings a conversion gave are given again, so --strict fails a warm build as a cold one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.structure.pages import Page

from paperkb.default_config import default_config
from paperkb.mkdocs_plugin import kept_conversions
from paperkb.mkdocs_plugin.shared_markdown import SharedMarkdown

from ..conftest import build_site, example_notes, html_pages, note


@pytest.fixture(autouse=True)
def keep_for_few_pages(monkeypatch):
    """These tests' few pages are kept as a large site's are (200 pages or more)."""
    monkeypatch.setattr(kept_conversions.KeptConversions, "min_pages", 1)


def kept_file(root: Path) -> Path:
    return root / ".paperkb-cache" / "pages" / kept_conversions.KEPT_FILE


@pytest.fixture
def converted(monkeypatch) -> list[str]:
    """The src path of every page Python-Markdown converts, in order (through the kept
    instance, or a new one as MkDocs makes)."""
    pages: list[str] = []
    convert, render = SharedMarkdown._convert, Page.render

    def counting(md, page, config, files) -> None:
        pages.append(page.file.src_uri)
        convert(md, page, config, files)

    def counting_render(page, config, files) -> None:
        pages.append(page.file.src_uri)
        render(page, config, files)

    monkeypatch.setattr(SharedMarkdown, "_convert", staticmethod(counting))
    monkeypatch.setattr(Page, "render", counting_render)
    return pages


def notes() -> dict[str, str]:
    return {
        "index.md": "# Reading notes\n\nSee [the ViT note](papers/vit.md#method).\n",
        "papers/vit.md": note("An Image is Worth 16x16 Words", "## Method\n\nPatches as tokens, see [[resnet]].\n\n"
                              "| a | b |\n| - | - |\n| 1 | $x^2$ |\n", key="vit", year=2021, cites=["resnet"],
                              tags=["vision"]),
        "papers/resnet.md": note("Deep Residual Learning", "## Idea\n\nResiduals ease optimisation.[^1]\n\n"
                                 "[^1]: He et al.\n", key="resnet", year=2016),
        "papers/bert.md": note("BERT", "Masked language modelling, like [the ViT note](vit.md).\n", key="bert",
                               year=2019),
        "queries.md": "# Recent\n\n```paperkb-query\nsince: 2019\ncolumns: [year, title]\n```\n",
    }


def _pages(site) -> dict[str, str]:
    assert site.ok, site.messages
    return html_pages(site.site_dir)


def test_a_warm_build_converts_no_page_and_writes_the_same_site(tmp_path, converted):
    files = example_notes()
    cold = _pages(build_site(tmp_path, files))
    cold_count = len(converted)
    assert cold_count >= 40 and kept_file(tmp_path).is_file()
    converted.clear()
    warm = _pages(build_site(tmp_path, files))
    # only pages with query blocks (answered from the notes, so never kept) are converted
    assert sorted(converted) == sorted(src for src, text in files.items() if b"```paperkb-query" in text)
    assert len(converted) < cold_count / 10
    assert warm.keys() == cold.keys()
    for uri, html in cold.items():
        assert warm[uri] == html, uri


def test_an_edit_converts_only_the_page_it_changed(tmp_path, converted):
    files = notes()
    _pages(build_site(tmp_path, files))
    assert {"papers/vit.md", "papers/resnet.md", "papers/bert.md", "queries.md"} <= set(converted)
    converted.clear()
    files["papers/resnet.md"] = files["papers/resnet.md"].replace("ease optimisation", "make depth trainable")
    files["papers/bert.md"] = files["papers/bert.md"].replace("title: BERT", "title: 'BERT: Pre-training'")
    edited = build_site(tmp_path, files)
    # the edited body converts again, and a query block (answered from the notes) every build;
    # a title shows in a note's card, held out of Markdown (pages that list it in their
    # Markdown, the bibliography and graph pages, convert again)
    assert {"papers/resnet.md", "queries.md"} <= set(converted)
    assert not {"papers/vit.md", "papers/bert.md", "index.md"} & set(converted), converted
    assert len(converted) <= 4, converted
    assert "make depth trainable" in edited.html("papers/resnet/")
    assert "BERT: Pre-training" in edited.html("queries/") and "BERT: Pre-training" in edited.html("papers/bert/")

    fresh = tmp_path / "fresh"
    shutil.copytree(tmp_path / "notes", fresh / "notes")
    cold = build_site(fresh, {})
    assert _pages(cold) == _pages(edited)


@pytest.mark.parametrize("change", ["extension option", "paperkb's code"])
def test_what_every_conversion_depends_on_makes_every_page_convert_again(tmp_path, converted, monkeypatch, change):
    files = notes()
    _pages(build_site(tmp_path, files))
    everything = len(converted)
    converted.clear()
    config = None
    if change == "extension option":
        extensions = default_config(tmp_path / "notes", tmp_path / "site")["markdown_extensions"]
        config = {"markdown_extensions": [{"toc": {"permalink": "#"}} if e == {"toc": {"permalink": True}} else e
                                          for e in extensions]}
    else:
        monkeypatch.setattr(kept_conversions, "_versions", lambda: "paperkb 99")
    again = build_site(tmp_path, files, config=config)
    assert again.ok, again.messages
    assert len(converted) >= everything
    if change == "extension option":
        assert 'class="headerlink" href="#method"' in again.html("papers/vit/")
        assert "¶" not in again.html("papers/vit/")


def test_a_note_added_or_deleted_converts_again_the_pages_whose_links_it_changes(tmp_path, converted):
    files = notes()
    files["papers/bert.md"] = files["papers/bert.md"].replace("vit.md)", "vit.md), then [GPT-3](gpt.md).")
    first = build_site(tmp_path, files)
    assert [w for w in first.warnings() if "'gpt.md'" in w], first.warnings()
    converted.clear()
    files["papers/gpt.md"] = note("GPT-3", "Few-shot, unlike [BERT](bert.md).\n", key="gpt3", year=2020)
    added = build_site(tmp_path, files)
    assert added.ok and not [w for w in added.warnings() if "gpt.md" in w], added.warnings()
    assert {"papers/bert.md", "papers/gpt.md"} <= set(converted)
    assert not {"papers/vit.md", "papers/resnet.md", "index.md"} & set(converted), converted
    assert 'href="../gpt/"' in added.html("papers/bert/")

    converted.clear()
    del files["papers/gpt.md"]
    (tmp_path / "notes" / "papers" / "gpt.md").unlink()
    deleted = build_site(tmp_path, files)
    assert "papers/bert.md" in converted and "papers/vit.md" not in converted
    assert [w for w in deleted.warnings() if "'gpt.md'" in w] == [w for w in first.warnings() if "'gpt.md'" in w]

    fresh = tmp_path / "fresh"
    shutil.copytree(tmp_path / "notes", fresh / "notes")
    assert _pages(build_site(fresh, {})) == _pages(deleted)


def test_a_damaged_or_planted_file_is_not_used(tmp_path, converted, monkeypatch):
    files = notes()
    first = _pages(build_site(tmp_path, files))
    file = kept_file(tmp_path)
    data = bytearray(file.read_bytes())
    everything = len(converted)

    data[len(data) // 3] ^= 0xFF  # one entry's bytes rot: that page converts again
    file.write_bytes(bytes(data))
    converted.clear()
    assert _pages(build_site(tmp_path, files)) == first
    assert 1 <= len(converted) < everything

    for damage in (lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"\0" * 5000 + b[-2000:]):
        file.write_bytes(damage(file.read_bytes()))  # truncated, emptied, index kept but entries planted
        converted.clear()
        site = build_site(tmp_path, files)
        assert _pages(site) == first and site.warnings() == []
        assert len(converted) >= 1

    # planted: a file of the right shape, signed with another user's key
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
        assert _pages(build_site(tmp_path, files)) == first
    assert kept_file(tmp_path).is_file() and (tmp_path / "another-user" / "paperkb" / "cache-key").is_file()
    converted.clear()
    assert _pages(build_site(tmp_path, files)) == first
    assert len(converted) == everything


def test_a_warm_build_warns_as_the_cold_one_and_strict_fails_both(tmp_path, converted):
    files = notes()
    files["papers/bert.md"] = files["papers/bert.md"].replace("vit.md)", "vit.md)\n\nSee also [the table](tabel.md).")
    cold = build_site(tmp_path, files)
    assert cold.ok
    missing = [w for w in cold.warnings() if "tabel.md" in w]
    assert len(missing) == 1 and "papers/bert.md:" in missing[0], cold.warnings()
    converted.clear()
    warm = build_site(tmp_path, files)
    assert "papers/bert.md" not in converted  # taken as kept: the warning is the kept one, replayed
    assert warm.warnings() == cold.warnings()

    assert not build_site(tmp_path, files, strict=True).ok
    assert "papers/bert.md" not in converted
    converted.clear()
    strict_again = build_site(tmp_path, files, strict=True)
    assert not strict_again.ok and "papers/bert.md" not in converted
    assert any("tabel.md" in w for w in strict_again.warnings())


def test_an_anchor_link_checked_by_mkdocs_is_checked_in_a_warm_build_too(tmp_path, converted):
    files = notes()
    config = {"validation": {"anchors": "warn"}}
    files["index.md"] = files["index.md"].replace("#method", "#methods")
    cold = build_site(tmp_path, files, config=config)
    warned = [w for w in cold.warnings() if "#methods" in w]
    assert warned, cold.warnings()
    converted.clear()
    warm = build_site(tmp_path, files, config=config)
    assert "index.md" not in converted
    assert [w for w in warm.warnings() if "#methods" in w] == warned


def test_a_site_with_an_extension_that_reads_other_files_keeps_no_conversion(tmp_path, converted):
    """pymdownx.snippets includes other files into a page: its conversion is not the page's alone."""
    files = notes()
    files["papers/vit.md"] = files["papers/vit.md"].replace("Patches as tokens", '--8<-- "shared.txt"\n\nPatches')
    files["shared.txt"] = "Snippet, first version.\n"
    extensions = default_config(tmp_path / "notes", tmp_path / "site")["markdown_extensions"]
    config = {"markdown_extensions": [*extensions, {"pymdownx.snippets": {"base_path": [str(tmp_path / "notes")]}}]}
    first = build_site(tmp_path, files, config=config)
    assert "Snippet, first version." in first.html("papers/vit/")
    files["shared.txt"] = "Snippet, second version.\n"
    converted.clear()
    second = build_site(tmp_path, files, config=config)
    assert "Snippet, second version." in second.html("papers/vit/")
    assert "papers/vit.md" in converted and "papers/bert.md" in converted
    assert not kept_file(tmp_path).exists()


def test_a_small_site_keeps_no_conversion(tmp_path, converted, monkeypatch):
    monkeypatch.setattr(kept_conversions.KeptConversions, "min_pages", 200)
    files = notes()
    _pages(build_site(tmp_path, files))
    converted.clear()
    _pages(build_site(tmp_path, files))
    assert "papers/vit.md" in converted and not kept_file(tmp_path).exists()
