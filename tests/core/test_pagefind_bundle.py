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
