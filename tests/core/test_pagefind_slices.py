"""Pagefind driven page by page (core/pagefind_service.py) and the slices of a site's documents
(core/pagefind_bundle.py): which slice a page joins, and which slices an edit makes stale."""

from __future__ import annotations

import gzip
import json

from paperkb.core.pagefind_bundle import PagefindBundle
from paperkb.core.pagefind_script import mend_filter_only_search
from paperkb.core.pagefind_service import PagefindService
from paperkb.core.pagefind_slices import write_slice, write_slices_file


def _document(title: str, text: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>'
            f"<body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>")


def _urls(folder) -> set[str]:
    found = set()
    for path in (folder / "fragment").glob("*.pf_fragment"):
        found.add(json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])["url"])
    return found


def test_pages_stream_into_one_bundle_and_a_refused_page_is_reported(tmp_path):
    pages = [(f"papers/p{i}/", _document(f"P{i}", f"word{i} text")) for i in range(30)]
    result = write_slice("en", tmp_path / "pagefind", 3, pages)
    assert (result.number, result.pages, result.failed) == (3, 30, [])
    assert _urls(tmp_path / "pagefind" / "3") == {f"/papers/p{i}/" for i in range(30)}
    assert not (tmp_path / "pagefind" / "3.tmp").exists()
    service = PagefindService("en")  # a request Pagefind refuses (no such index) among good ones
    service.add("/a/", _document("A", "alpha"))
    service._send({"type": "AddFile", "index_id": 99, "url": "/b/", "file_path": None, "file_contents": "x"})
    service.add("/c/", _document("C", "gamma"))
    assert service.write(tmp_path / "out") == 2 and len(service.failed) == 1
    assert _urls(tmp_path / "out") == {"/a/", "/c/"}
    assert service._process.poll() is not None  # the indexer is gone, its memory with it


def test_replies_are_read_whole_however_the_pipe_cuts_them():
    """Pagefind's replies (base64 of JSON, each followed by a comma) come in pieces of any size:
    a bundle's reply over many reads, several small replies in one; each is read whole, once."""
    import base64
    import io
    import threading

    replies = [{"message_id": 1, "payload": {"type": "NewIndex", "index_id": 0}},
               {"message_id": 2, "payload": {"type": "GetFiles", "files": [{"path": "a", "content": "x" * 200_000}]}},
               {"message_id": 3, "payload": {"type": "AddFile"}}, {"message_id": 4, "payload": {"type": "AddFile"}}]
    data = b"".join(base64.b64encode(json.dumps(r).encode()) + b"," for r in replies)

    class Pieces(io.RawIOBase):  # reads of 1 byte, then of 7, 64 KB, 3 ... bytes
        def __init__(self) -> None:
            self.at, self.sizes = 0, [1, 7, 1 << 16, 3, 5000]

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            size = min(len(buffer), self.sizes[self.at % 5] if self.at < 40 else len(buffer), len(data) - self.at)
            buffer[:size] = data[self.at:self.at + size]
            self.at += size
            return size

    service = PagefindService.__new__(PagefindService)
    service._replies, service._ended, service._cond = {}, False, threading.Condition()
    service._process = type("P", (), {"stdout": io.BufferedReader(Pieces(), buffer_size=1 << 16)})()
    service._read()
    assert service._ended and service._replies == {r["message_id"]: r["payload"] for r in replies}


def test_a_slices_script_fetches_no_index_chunk_for_a_search_with_filters_alone(tmp_path):
    """Pagefind 1.5.2's script asks for every index chunk when a search has no words (the empty
    term matches them all): each slice's script is mended as Pagefind's later fix does."""
    write_slice("en", tmp_path / "pagefind", 0, [("papers/a/", _document("A", "alpha"))])
    for name in ("pagefind.js", "pagefind-worker.js"):
        script = (tmp_path / "pagefind" / "0" / name).read_text(encoding="utf-8")
        assert 'let index_resp=filter_only&&!term?"[]":this.backend.request_indexes(ptr,term);' in script, name
        assert "let index_resp=this.backend.request_indexes(ptr,term);" not in script
    assert mend_filter_only_search(tmp_path / "pagefind" / "0") == []  # mended once; a fixed Pagefind is left alone


def test_pages_fill_slices_in_order_and_edits_mark_only_their_slice(tmp_path):
    bundle = PagefindBundle("en", slice_size=3)
    try:
        bundle.begin()
        for i in range(7):
            bundle.put(f"p{i}/", _document(f"P{i}", f"text {i}"), made_from=f"m{i}")
        assert [bundle.slice_of(f"p{i}/") for i in range(7)] == [0, 0, 0, 1, 1, 1, 2]
        assert bundle.take_changed() == {0: ["p0/", "p1/", "p2/"], 1: ["p3/", "p4/", "p5/"], 2: ["p6/"]}
        bundle.put("p4/", _document("P4", "text 4"), made_from="m4")  # the same document: no slice changed
        assert bundle.take_changed() == {}
        bundle.put("p4/", _document("P4", "new text"), made_from="m4b")
        bundle.remove("p0/")
        bundle.put("p7/", _document("P7", "new page"))  # joins the last slice, which has room
        assert bundle.take_changed() == {0: ["p1/", "p2/"], 1: ["p3/", "p4/", "p5/"], 2: ["p6/", "p7/"]}
        for i in (8, 9):  # the last slice is full at 3: a new one opens
            bundle.put(f"p{i}/", _document(f"P{i}", "more"))
        assert bundle.take_changed() == {2: ["p6/", "p7/", "p8/"], 3: ["p9/"]}
        bundle.remove("p9/")
        assert bundle.take_changed() == {3: []} and bundle.slices == [0, 1, 2]
        output = tmp_path / "pagefind"
        results = bundle.index(output, {0: ["p1/", "p2/"], 2: ["p6/", "p7/", "p8/"], 3: []})
        assert [(r.number, r.pages) for r in results] == [(0, 2), (2, 3)]
        (output / "3").mkdir()  # a slice of an earlier build
        write_slices_file(output, bundle.slices)
        assert json.loads((output / "paperkb-slices.json").read_text()) == {"slices": ["0", "1", "2"]}
        assert not (output / "3").exists() and (output / "0").is_dir()
    finally:
        bundle.close()


def test_a_slice_holds_a_bounded_amount_of_text_as_well_as_of_pages(tmp_path):
    """Pagefind's memory grows with the text it indexes: long pages make shorter slices (a page
    counts its HTML's length and PAGE_TEXT_OVERHEAD), short pages fill a slice up to slice_size,
    and a page longer than a whole slice's text still gets one of its own."""
    from paperkb.core.pagefind_slices import PAGE_TEXT_OVERHEAD

    bundle = PagefindBundle("en", slice_size=4, slice_text=10 * PAGE_TEXT_OVERHEAD)
    try:
        bundle.begin()
        lengths = [100, 100, 100, 100, 100,  # short: four to a slice (slice_size)
                   3000, 3000, 3000,  # long: two fit in 10,000 (4,000 each)
                   50_000,  # longer than a slice's text: alone
                   100]
        for i, length in enumerate(lengths):
            bundle.put(f"p{i}/", _document(f"P{i}", "x"), made_from=f"m{i}", html_length=length)
        assert [bundle.slice_of(f"p{i}/") for i in range(len(lengths))] == [0, 0, 0, 0, 1, 1, 1, 2, 3, 4]
        bundle.remove("p5/")  # its text leaves slice 1 with it; new pages still join the last slice
        bundle.put("p10/", _document("P10", "x"), html_length=100)
        assert bundle.slice_of("p10/") == 4
    finally:
        bundle.close()


def test_a_slice_lists_the_digest_of_every_file_of_its_bundle_as_written(tmp_path):
    """What a kept slice's manifest lists (KeptSlices.keep) comes from the bytes as written, the
    mended scripts' included, not from reading the bundle back."""
    import hashlib

    result = write_slice("en", tmp_path / "pagefind", 0, [(f"p{i}/", _document(f"P{i}", f"word{i}")) for i in range(3)])
    bundle = tmp_path / "pagefind" / "0"
    on_disk = {p.relative_to(bundle).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in bundle.rglob("*") if p.is_file()}
    assert result.files == on_disk and "pagefind.js" in on_disk and len(on_disk) > 5


def test_a_slices_key_takes_the_digest_of_a_document_made_here_for_its_bytes(tmp_path):
    import hashlib

    from paperkb.core.pagefind_slices import KeptSlices

    kept = KeptSlices(tmp_path / "kept", "en")
    documents = {"a/index.html": b"<p>alpha</p>", "b/index.html": b"<p>bravo</p>"}
    pages = [("a/", "a/index.html"), ("b/", "b/index.html")]
    read = kept.key(pages, documents.get)
    made = {"b/index.html": hashlib.sha256(b"<p>bravo</p>").digest()}
    del documents["b/index.html"]  # (not read: its digest is known)
    assert read is not None and kept.key(pages, documents.get, made) == read
    assert kept.key(pages, documents.get) is None  # unknown and gone: no key
    assert kept.key(pages, documents.get, {"b/index.html": hashlib.sha256(b"<p>other</p>").digest()}) != read
