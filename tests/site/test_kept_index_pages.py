"""A full build keeps its index pages (home, statistics, insights, tags, facet indexes) for the
next one over the same notes (render/kept_index_pages.py): taken as they are when nothing they
are made from changed, made again after any edit that could change them, never taken from a
file someone edited."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from paperkb.render import index_pages
from paperkb.render.kept_index_pages import KEPT_FILE, KeptIndexPages

from ..conftest import assert_same_pages, build_site, note

PLUGINS = ["tags", {"paperkb": {"graph": False}}]  # (diagrams play no part in index pages)
PLANTED = '<script>alert("planted")</script>'


@pytest.fixture(autouse=True)
def keep_for_few_notes(monkeypatch):
    """These tests' few notes are kept as a large project's are (200 notes or more)."""
    monkeypatch.setattr(KeptIndexPages, "min_notes", 1)


def notes() -> dict[str, str]:
    return {
        "index.md": "# Reading notes\n",
        "papers/vaswani2017attention.md": note(
            "Attention Is All You Need", "The Transformer.\n", insights=["Attention alone is enough for translation."],
            year=2017, venue="NeurIPS", fields=["NLP"], tags=["transformer"], type="survey", level="deep"),
        "papers/devlin2019bert.md": note(
            "BERT", "Pre-training.\n", insights=["Masked pre-training beats [[vaswani2017attention]] on GLUE."],
            year=2019, venue="NAACL", fields=["NLP", "Pre-training"], cites=["vaswani2017attention"]),
        "papers/he2016resnet.md": note("Deep Residual Learning", year=2016, venue="CVPR", fields=["Vision"],
                                       tags=["cnn"]),
    }


def kept_file(root: Path) -> Path:
    return root / ".paperkb-cache" / "pages" / KEPT_FILE


def facet_html(site, folder: str, slug: str) -> str:
    return site.html(f"{folder}/{slug}/")


def test_a_rebuild_over_the_same_notes_takes_the_kept_pages(tmp_path, monkeypatch):
    first = build_site(tmp_path / "a", notes(), plugins=PLUGINS)
    assert first.ok, first.messages
    assert kept_file(tmp_path / "a").is_file()
    before = {p: (first.site_dir / p).read_text(encoding="utf-8") for p in
              ("index.html", "insights/index.html", "fields/nlp/index.html", "years/2019/index.html")}

    def not_again(*args, **kwargs):
        raise AssertionError("the index pages were made again")

    monkeypatch.setattr(index_pages.IndexPages, "all_pages", not_again)
    second = build_site(tmp_path / "a", notes(), plugins=PLUGINS)
    assert second.ok, second.messages
    for path, html in before.items():
        assert (second.site_dir / path).read_text(encoding="utf-8") == html, path
    assert "Masked pre-training beats" in before["insights/index.html"]
    assert "BERT" in before["fields/nlp/index.html"] and "Deep Residual" not in before["fields/nlp/index.html"]


EDITS = {
    "year": lambda n: {**n, "papers/he2016resnet.md": n["papers/he2016resnet.md"].replace("year: 2016", "year: 2015")},
    "title": lambda n: {**n, "papers/devlin2019bert.md": n["papers/devlin2019bert.md"].replace(
        "title: BERT", "title: 'BERT: Deep Bidirectional Transformers'")},
    "field": lambda n: {**n, "papers/he2016resnet.md": n["papers/he2016resnet.md"].replace("- Vision", "- NLP")},
    "insight": lambda n: {**n, "papers/vaswani2017attention.md": n["papers/vaswani2017attention.md"].replace(
        "enough for translation", "enough for parsing too")},
    "cites": lambda n: {**n, "papers/he2016resnet.md": note("Deep Residual Learning", year=2016, venue="CVPR",
                                                           fields=["Vision"], tags=["cnn"], cites=["devlin2019bert"])},
    "new note": lambda n: {**n, "papers/radford2019gpt2.md": note("GPT-2", year=2019, fields=["NLP"])},
    "renamed": lambda n: {**{k: v for k, v in n.items() if k != "papers/he2016resnet.md"},
                          "papers/resnet.md": n["papers/he2016resnet.md"]},
    "draft": lambda n: {**n, "papers/he2016resnet.md": note("Deep Residual Learning", year=2016, fields=["Vision"],
                                                           draft=True)},
}


@pytest.mark.parametrize("edit", EDITS)
def test_after_an_edit_the_index_pages_are_those_of_a_fresh_build(tmp_path, edit):
    kept = build_site(tmp_path / "kept", notes(), plugins=PLUGINS)
    assert kept.ok, kept.messages
    edited = EDITS[edit](notes())
    for gone in set(notes()) - set(edited):
        (tmp_path / "kept" / "notes" / gone).unlink()
    again = build_site(tmp_path / "kept", edited, plugins=PLUGINS)
    fresh = build_site(tmp_path / "fresh", edited, plugins=PLUGINS)
    assert_same_pages(again, fresh, at_least=10)


def test_an_edited_kept_file_is_not_used(tmp_path):
    first = build_site(tmp_path, notes(), plugins=PLUGINS)
    assert first.ok, first.messages
    path = kept_file(tmp_path)
    signed = path.read_bytes()
    data = json.loads(zlib.decompress(signed[32:]))
    for page in data["pages"]:
        page["markdown"] += f"\n\n{PLANTED}\n"
    path.write_bytes(signed[:32] + zlib.compress(json.dumps(data).encode("utf-8")))  # the old signature
    second = build_site(tmp_path, notes(), plugins=PLUGINS)
    assert second.ok, second.messages
    assert PLANTED not in second.all_text()
    assert "Masked pre-training beats" in second.html("insights/")
    assert PLANTED.encode() not in zlib.decompress(path.read_bytes()[32:])  # made again, signed again


def test_no_kept_pages_without_a_cache_folder(tmp_path):
    site = build_site(tmp_path, notes(), plugins=["tags", {"paperkb": {"graph": False, "cache_dir": ""}}])
    assert site.ok, site.messages
    assert not list(tmp_path.rglob(KEPT_FILE))
    assert "BERT" in site.html("fields/nlp/")


def test_a_small_project_keeps_no_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(KeptIndexPages, "min_notes", 4)  # one more than these notes
    site = build_site(tmp_path, notes(), plugins=PLUGINS)
    assert site.ok, site.messages
    assert not kept_file(tmp_path).exists() and "BERT" in site.html("fields/nlp/")
