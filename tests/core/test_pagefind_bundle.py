"""The search documents of a site's pages: kept in a cache folder between builds, by one process
at a time, as signed records in pack files (core/search_document_store.py), not a file each."""

from __future__ import annotations

import os

import pytest

from paperkb.core import search_document_store
from paperkb.core.pagefind_bundle import PagefindBundle
from paperkb.core.record_packs import RecordPacks
from paperkb.core.search_document_store import DocumentStore


def test_a_second_process_on_the_same_cache_folder_works_in_a_temporary_one(tmp_path):
    folder = tmp_path / "search" / "en"
    first = PagefindBundle("en", keep_in=folder)
    first.begin()
    first.put("papers/x/", "<html><body><p>x</p></body></html>")
    assert first.kept and first.store.get("papers/x/index.html") == b"<html><body><p>x</p></body></html>"
    assert not list(folder.rglob("*.html"))  # no file per document: records in a pack
    second = PagefindBundle("en", keep_in=folder)  # (another build of the same project, e.g. `serve`)
    try:
        assert not second.kept and second.folder != folder
        second.begin()
        assert second.store.get("papers/x/index.html") is None  # none of the first one's documents
    finally:
        second.close()
    assert not second.folder.exists()  # a temporary folder goes with its bundle
    first.close()
    assert [key for key, *_ in RecordPacks(folder / "documents").entries()] == ["papers/x/index.html"]  # it stays
    third = PagefindBundle("en", keep_in=folder)  # the lock went with the first bundle
    assert third.kept
    third.begin()
    third.put("papers/y/", "<html><body><p>y</p></body></html>", "made-from-y")
    # x was not put by this build (nor listed in a manifest): only y is indexed and kept.
    third.settle()
    [result] = third.index(tmp_path / "site" / "pagefind", third.take_changed())
    assert (result.number, result.pages) == (0, 1)
    third.close()
    fourth = PagefindBundle("en", keep_in=folder)
    fourth.begin()
    assert fourth.reuse("papers/y/", "made-from-y") and not fourth.reuse("papers/x/", "made-from-y")
    fourth.close()


def test_an_earlier_file_per_document_is_removed_and_a_planted_record_not_taken(tmp_path):
    """A cache folder of an earlier paperkb (a file per document, in folders per page) is
    cleared by the next full build; a document edited in its pack is not reused."""
    folder = tmp_path / "search" / "en"
    (folder / "papers" / "old").mkdir(parents=True)
    (folder / "papers" / "old" / "index.html").write_text("<p>old</p>", encoding="utf-8")
    bundle = PagefindBundle("en", keep_in=folder)
    bundle.begin()
    assert sorted(p.name for p in folder.iterdir()) == [".lock"]
    bundle.put("papers/x/", "<p>quokka</p>", "m")
    bundle.settle()
    bundle.close()
    [pack] = (folder / "documents").iterdir()
    pack.write_bytes(pack.read_bytes().replace(b"quokka", b"wombat"))  # same length, forged
    again = PagefindBundle("en", keep_in=folder)
    again.begin()
    assert not again.reuse("papers/x/", "m")  # (its page's document is made again)
    assert list(again.documents(["papers/x/"])) == []
    again.close()


def test_the_store_holds_documents_in_memory_where_no_record_can_be_written(tmp_path, monkeypatch):
    store = DocumentStore(None)
    store.put("a/index.html", b"<p>a</p>")
    assert store.get("a/index.html") == b"<p>a</p>"
    monkeypatch.setattr("paperkb.core.record_packs.signature", lambda payload: None)  # no user key
    kept = DocumentStore(tmp_path / "documents")
    kept.put("b/index.html", b"<p>b</p>")
    assert kept.get("b/index.html") == b"<p>b</p>" and not list((tmp_path / "documents").glob("*.pack"))
    kept.forget("b/index.html")
    assert kept.get("b/index.html") is None


def test_packs_mostly_of_replaced_documents_are_rewritten_with_the_live_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(search_document_store, "COMPACT_MIN_BYTES", 1000)
    folder = tmp_path / "documents"
    store = DocumentStore(folder)
    for round_ in range(4):  # each document made again three times: three of four records are dead
        for i in range(20):
            store.put(f"p{i}/index.html", f"<p>{round_} {'x' * 100}</p>".encode())
    live = [f"p{i}/index.html" for i in range(10)]  # half the pages are gone
    before = sum(os.path.getsize(p) for p in folder.iterdir())
    store.compact(live, sum(len(store.get(name)) for name in live))
    after = sum(os.path.getsize(p) for p in folder.iterdir())
    assert after < before / 6
    assert all(store.get(name) == f"<p>3 {'x' * 100}</p>".encode() for name in live)
    assert store.get("p15/index.html") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]  # nothing left beside it
    store.compact(live, sum(len(store.get(name)) for name in live))  # live ones alone: not rewritten
    assert sum(os.path.getsize(p) for p in folder.iterdir()) == after
    store.put("p0/index.html", b"<p>new</p>")  # still written after the rewrite
    assert DocumentStore(folder).get("p0/index.html") == b"<p>new</p>"


@pytest.mark.parametrize("live_bytes", [0, 10**9])
def test_small_or_mostly_live_packs_are_left_alone(tmp_path, live_bytes):
    folder = tmp_path / "documents"
    store = DocumentStore(folder)
    for i in range(3):
        store.put("p/index.html", b"<p>%d</p>" % i)
    sizes = [os.path.getsize(p) for p in folder.iterdir()]
    store.compact(["p/index.html"], live_bytes)
    assert [os.path.getsize(p) for p in folder.iterdir()] == sizes


def test_a_long_non_ascii_page_name_is_kept_and_read_back(tmp_path):
    """Document names are page paths: Chinese titles, long ones (beyond the 128 bytes a record's
    head is first read with) and a second build reading them from the packs."""
    folder = tmp_path / "search" / "zh"
    url = "papers/" + "注意力机制就是你所需要的一切" * 8 + "/"
    bundle = PagefindBundle("zh", keep_in=folder)
    bundle.begin()
    bundle.put(url, "<p>注意力</p>", "m")
    bundle.put("papers/x/", "<p>x</p>", "mx")
    bundle.settle()
    bundle.close()
    again = PagefindBundle("zh", keep_in=folder)
    again.begin()
    assert len(again.document_name(url).encode("utf-8")) > 128
    assert again.reuse(url, "m") and again.reuse("papers/x/", "mx")
    assert dict(again.documents([url, "papers/x/"])) == {url: "<p>注意力</p>", "papers/x/": "<p>x</p>"}
    again.close()
