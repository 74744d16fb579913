"""The folder of search documents: kept in a cache folder between builds by one process at a time."""

from __future__ import annotations

from paperkb.core.pagefind_bundle import PagefindBundle


def test_a_second_process_on_the_same_cache_folder_works_in_a_temporary_one(tmp_path):
    folder = tmp_path / "search" / "en"
    first = PagefindBundle("en", keep_in=folder)
    first.begin()
    first.put("papers/x/", "<html><body><p>x</p></body></html>")
    assert first.kept and (folder / "papers" / "x" / "index.html").read_text() == "<html><body><p>x</p></body></html>"
    second = PagefindBundle("en", keep_in=folder)  # (another build of the same project, e.g. `serve`)
    try:
        assert not second.kept and second.folder != folder
        second.begin()
        assert not list(second.folder.rglob("*.html"))  # none of the first one's documents
    finally:
        second.close()
    assert not second.folder.exists()  # a temporary folder goes with its bundle
    first.close()
    assert (folder / "papers" / "x" / "index.html").is_file()  # the kept folder stays
    third = PagefindBundle("en", keep_in=folder)  # the lock went with the first bundle
    assert third.kept
    third.begin()
    third.put("papers/y/", "<html><body><p>y</p></body></html>")
    # x was not put by this build: its document goes when the build is over.
    third.settle()
    assert not (folder / "papers" / "x" / "index.html").exists()
    [result] = third.index(tmp_path / "site" / "pagefind", third.take_changed())
    assert (result.number, result.pages) == (0, 1)
    third.close()


def test_a_document_written_in_place_is_the_one_renamed_into_place(tmp_path):
    """The documents' process writes in place (nothing reads a document while it writes it):
    the same bytes and digest as a document renamed into place, and no file left beside it."""
    import hashlib

    from paperkb.core.pagefind_bundle import write_document

    renamed, in_place = tmp_path / "a" / "x" / "index.html", tmp_path / "b" / "x" / "index.html"
    document = "<html><body><p>文档 text</p></body></html>"
    digest = write_document(renamed, document)
    assert write_document(in_place, document, read_meanwhile=False) == digest
    assert in_place.read_bytes() == renamed.read_bytes() == document.encode("utf-8")
    assert digest == hashlib.sha1(document.encode("utf-8")).hexdigest()
    assert write_document(in_place, "<p>shorter</p>", read_meanwhile=False) != digest
    assert in_place.read_text(encoding="utf-8") == "<p>shorter</p>"
    assert sorted(p.name for p in in_place.parent.iterdir()) == ["index.html"]
