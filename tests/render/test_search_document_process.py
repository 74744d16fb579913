"""Search documents made by a child process (render/search_document_process.py)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from paperkb.core.search_document_store import DocumentStore
from paperkb.render.search_document import search_document
from paperkb.core.pipe_size import PIPE_SIZE
from paperkb.render.search_document_process import DocumentProcess, DocumentProcessFailed


def _parts(title: str, content: str) -> dict:
    return dict(title=title, content_html=content, language="en", filters={"kind": ["Note"]},
                meta={"year": "2018"}, sort={"year": "2018"})


def _process(tmp_path) -> DocumentProcess:
    process = DocumentProcess()
    process.output = tmp_path / "site" / "pagefind"
    process.documents_folder = tmp_path / "documents"
    return process


def test_the_child_stores_the_same_documents_the_build_would(tmp_path):
    process = _process(tmp_path)
    first, second = "papers/sac/index.html", "index.html"
    process.put("papers/sac/", 0, first, "m1",
                **_parts("Soft Actor-Critic", "<p>无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。</p>"))
    process.put("", 0, second, "m2", **_parts("Home <b>", "<p>Reading notes &amp; more</p>"))
    finished = process.finish()
    made = finished.documents
    assert finished.error is None and [(r.number, r.pages) for r in finished.slices] == [(0, 2)]
    assert [(name, made_from) for name, made_from, _, _ in made] == [(first, "m1"), (second, "m2")]
    store = DocumentStore(tmp_path / "documents")
    stored = store.get(first)
    assert made[0][2:] == (hashlib.sha1(stored).hexdigest(), len(stored))  # the digest and size the manifest keeps
    written = stored.decode("utf-8")
    assert written == search_document(**_parts("Soft Actor-Critic", "<p>无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。</p>"))
    assert "样本 效率" in written and "原因" in written  # jieba's words and sub-words, in the child
    assert "Home &lt;b&gt;" in store.get(second).decode("utf-8")
    assert [p.suffix for p in (tmp_path / "documents").iterdir()] == [".pack"]  # one pack, no file per document
    assert process.finish().documents == []  # nothing left to wait for: no error, no new process


def test_a_child_told_every_page_is_in_indexes_and_ends_on_its_own(tmp_path):
    """``end`` (every page rendered) lets the child index its last slice and exit while the
    build writes its pages; ``finish`` then only collects; a page after ``end`` is an error."""
    process = _process(tmp_path)
    page = "papers/sac/index.html"
    process.put("papers/sac/", 0, page, "m1", **_parts("Soft Actor-Critic", "<p>entropy bonus</p>"))
    child = process._child
    assert process.running()  # (the build lets diagrams wait for the worker meanwhile)
    process.end()
    assert child is not None and child.wait(timeout=120) == 0  # (no finish yet)
    assert not process.running()
    assert (tmp_path / "site" / "pagefind" / "0" / "pagefind-entry.json").is_file()
    with pytest.raises(DocumentProcessFailed, match="after"):
        process.put("late/", 0, "late/index.html", "m2", **_parts("Late", "<p>late</p>"))
    finished = process.finish()
    assert [(r.number, r.pages) for r in finished.slices] == [(0, 1)] and [d[0] for d in finished.documents] == [page]


def test_a_child_that_fails_is_reported_and_a_stopped_one_leaves_no_process(tmp_path):
    process = _process(tmp_path)
    process.put("a/", 0, "a/index.html", "m", title="A")  # not a document's parts: the child fails on it
    with pytest.raises(DocumentProcessFailed):
        process.finish()
    stopped = _process(tmp_path)
    stopped.put("b/", 0, "b/index.html", "m", **_parts("B", "<p>b</p>"))
    child = stopped._child
    stopped.close()
    assert child is not None and child.poll() is not None


@pytest.mark.parametrize("store", ["", "documents"])
def test_the_child_indexes_each_slice_once_its_pages_are_in(tmp_path, store):
    """Slices come one after the other: each is indexed when the next begins, the last at the
    end; a page for a slice already written (a page rendered twice) writes that slice again,
    its other documents read back from the store (or held in memory without one)."""
    import io
    import json

    from paperkb.render import search_document_process

    output = tmp_path / "site" / "pagefind"
    jobs = []
    for i, number in enumerate([0, 0, 1, 1, 0, 2]):
        jobs.append({"url": f"p{i}/", "slice": number, "name": f"p{i}/index.html", "made_from": f"m{i}",
                     **_parts(f"Page {i}", f"<p>word{i}</p>")})
    made = tmp_path / "made.jsonl"
    lines = "".join(json.dumps(job) + "\n" for job in jobs)
    store = str(tmp_path / store) if store else ""
    assert search_document_process.main(str(made), str(output), "en", "", store, stream=io.StringIO(lines)) == 1  # no "end": stopped
    records = [json.loads(line) for line in made.read_text(encoding="utf-8").splitlines()]
    assert [r["slice"] for r in records if isinstance(r, dict)] == [0, 1]  # slice 2 was not whole yet
    assert not (output / "2").exists()
    ended = search_document_process.main(str(made), str(output), "en", "", store, stream=io.StringIO(lines + '{"end": true}\n'))
    assert ended == 0
    records = [json.loads(line) for line in made.read_text(encoding="utf-8").splitlines()]
    indexed = [(r["slice"], r["pages"]) for r in records if isinstance(r, dict)]
    assert indexed == [(0, 2), (1, 2), (0, 3), (2, 1)]  # slice 0 again with its late page
    assert len(list((output / "0" / "fragment").glob("*.pf_fragment"))) == 3


def test_a_slice_whose_pages_are_the_last_builds_is_copied_and_a_changed_or_tampered_one_indexed_again(tmp_path):
    """With a folder for kept slices, a slice of the same pages and documents is copied from
    the last build (byte for byte what Pagefind wrote); a changed document, or a kept file
    that is not what its signed manifest says, sends the slice to Pagefind again."""
    import io
    import json

    from paperkb.render import search_document_process

    kept = tmp_path / "kept"

    def build(name: str, words: list[str]) -> tuple[list[tuple[int, bool]], dict[str, bytes]]:
        jobs = [{"url": f"p{i}/", "slice": i // 2, "name": f"p{i}/index.html",
                 "made_from": f"m{i}-{word}", **_parts(f"Page {i}", f"<p>{word}</p>")} for i, word in enumerate(words)]
        made, output = tmp_path / f"{name}.jsonl", tmp_path / name / "pagefind"
        lines = "".join(json.dumps(job) + "\n" for job in jobs) + '{"end": true}\n'
        assert search_document_process.main(str(made), str(output), "en", str(kept), str(tmp_path / "documents"),
                                            stream=io.StringIO(lines)) == 0
        records = [json.loads(line) for line in made.read_text(encoding="utf-8").splitlines()]
        files = {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
        return [(r["slice"], r["kept"]) for r in records if isinstance(r, dict)], files

    words = ["alpha", "bravo", "charlie", "delta"]
    first, first_files = build("first", words)
    assert first == [(0, False), (1, False)]
    again, again_files = build("again", words)
    assert again == [(0, True), (1, True)] and again_files == first_files and len(first_files) > 10

    changed, changed_files = build("changed", ["alpha", "bravo", "charlie", "echo"])
    assert changed == [(0, True), (1, False)]
    assert {n: b for n, b in changed_files.items() if n.startswith("0/")} == {
        n: b for n, b in first_files.items() if n.startswith("0/")}
    assert {n for n in changed_files if n.startswith("1/fragment/")} != {n for n in first_files if n.startswith("1/fragment/")}

    fragment = next((kept / "0" / "fragment").iterdir())
    fragment.write_bytes(b"<script>planted</script>")
    tampered, tampered_files = build("tampered", ["alpha", "bravo", "charlie", "echo"])
    assert tampered == [(0, False), (1, True)]  # slice 0 indexed again, and kept again
    assert tampered_files == changed_files
    assert b"planted" not in b"".join(tampered_files.values())
    assert build("after", ["alpha", "bravo", "charlie", "echo"])[0] == [(0, True), (1, True)]
    assert build("fewer", ["alpha", "bravo"])[0] == [(0, True)]
    assert sorted(p.name for p in kept.iterdir()) == ["0", "0.json"]  # slice 1 is gone: so is its bundle


def test_the_child_gives_its_free_heap_back_before_each_slice_is_indexed(tmp_path, monkeypatch):
    """The last slices are indexed while the build is at its largest: what making the documents
    freed goes back to the system first, each time, not when the child ends."""
    import io
    import json

    from paperkb.render import search_document_process

    events: list[str] = []
    monkeypatch.setattr(search_document_process, "give_back_free_memory", lambda: events.append("trim"))
    monkeypatch.setattr(search_document_process, "one_heap", lambda: events.append("one heap"))
    monkeypatch.setattr(search_document_process, "map_large_blocks", lambda: events.append("large blocks apart"))
    write_slice = search_document_process.write_slice

    def indexed(language, output, number, documents):
        events.append(f"slice {number}")
        return write_slice(language, output, number, documents)

    monkeypatch.setattr(search_document_process, "write_slice", indexed)
    jobs = [{"url": f"p{i}/", "slice": number, "name": f"p{i}/index.html",
             "made_from": f"m{i}", **_parts(f"Page {i}", f"<p>词语 word{i}</p>")} for i, number in enumerate([0, 0, 1])]
    lines = "".join(json.dumps(job) + "\n" for job in jobs) + '{"end": true}\n'
    output = tmp_path / "site" / "pagefind"
    assert search_document_process.main(str(tmp_path / "made.jsonl"), str(output), "en", stream=io.StringIO(lines)) == 0
    assert events == ["one heap", "large blocks apart", "trim", "slice 0", "trim", "slice 1"]
    assert len(list((output / "0" / "fragment").glob("*.pf_fragment"))) == 2


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_the_pipe_to_the_child_holds_many_pages_so_the_build_does_not_wait_on_it(tmp_path):
    import fcntl

    if int(open("/proc/sys/fs/pipe-max-size").read()) < PIPE_SIZE:
        pytest.skip("this system's pipes are limited below PIPE_SIZE")
    process = _process(tmp_path)
    process.put("", 0, "index.html", "m1", **_parts("Home", "<p>Reading notes</p>"))
    try:
        assert process._child is not None and process._child.stdin is not None
        assert fcntl.fcntl(process._child.stdin.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_SIZE
    finally:
        process.finish()


def test_job_lines_wait_packed_while_the_child_is_busy():
    """Lines the build sent wait in the child packed (the build renders pages faster than the
    niced child makes documents: ~14 MB of waiting text at 10,000 short notes, unpacked)."""
    from paperkb.core.packed_text import unpack
    from paperkb.render.search_document_process import _lines

    line = json.dumps({"url": "papers/x/", "content_html": "<p>注意力机制 attention</p>" * 40}, ensure_ascii=False) + "\n"
    waiting = _lines(io.StringIO(line * 3))
    held = [waiting.get(timeout=10) for _ in range(4)]
    assert held[3] is None
    assert all(isinstance(item, bytes) and len(item) < len(line.encode("utf-8")) / 3 for item in held[:3])
    assert [unpack(item) for item in held[:3]] == [line] * 3
