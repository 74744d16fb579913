"""Cache files are authenticated: one edited on disk (a planted <script>) is never published,
and cache file names never appear in the site."""

from __future__ import annotations

import json
from pathlib import Path

from paperkb.render.graph_svg import SvgDiskCache

from ..conftest import build_site, diagram_cache_records, note, spoil_diagram

PLANTED = '<script>alert("planted")</script>'


def notes_with_diagrams() -> dict[str, str]:
    return {
        "papers/vaswani2017attention.md": note("Attention Is All You Need", year=2017, fields=["LLM"]),
        "papers/devlin2019bert.md": note("BERT", year=2019, fields=["LLM"], cites=["vaswani2017attention"]),
        "papers/brown2020gpt3.md": note("Language Models are Few-Shot Learners", year=2020, fields=["LLM"],
                                        cites=["vaswani2017attention", "devlin2019bert"]),
    }


def test_tampered_diagram_cache_is_drawn_again(tmp_path):
    first = build_site(tmp_path, notes_with_diagrams())
    assert first.ok, first.messages
    cache = tmp_path / ".paperkb-cache" / "graphs"
    cached = diagram_cache_records(cache)
    assert cached
    planted = PLANTED.encode()
    for key, (pack, at, length) in cached.items():  # same key, content changed behind the signature's back
        record = Path(pack).read_bytes()[at:at + length]
        assert record.endswith(b"</svg>")
        spoil_diagram(cache, key, record[-len(planted) - 6:-6], planted)  # (a record keeps its length)
        assert planted in Path(pack).read_bytes()[at:at + length]
    second = build_site(tmp_path, notes_with_diagrams())
    assert second.ok, second.messages
    text = second.all_text()
    assert PLANTED not in text and "pkb-graph__svg" in second.html("papers/devlin2019bert/")
    again = diagram_cache_records(cache)
    assert again.keys() == cached.keys() and all(again[k] != cached[k] for k in cached)  # stored again, signed
    disk = SvgDiskCache(cache)
    assert all(PLANTED not in disk.get(key) for key in cached)
    for key in cached:  # nor does a cache key reach any page
        assert key not in text


def test_tampered_reference_cache_is_formatted_again(tmp_path):
    entries = "\n".join(
        f"@article{{author{i}2020study,\n  title = {{Study number {i} of attention}},\n"
        f"  author = {{Author{i}, Ann and Writer, Bob}},\n  journal = {{Journal of Tests}},\n  year = {{2020}}\n}}\n"
        for i in range(210))
    files = {**notes_with_diagrams(), "refs.bib": entries}
    first = build_site(tmp_path, files)
    assert first.ok, first.messages
    cache = tmp_path / ".paperkb-cache" / "references" / "references-plain.json"
    signed = cache.read_bytes()
    data = json.loads(signed[32:].decode("utf-8"))
    for digest, (key, label, html, text) in data["entries"].items():
        data["entries"][digest] = [key, label, html + PLANTED, text]
    cache.write_bytes(signed[:32] + json.dumps(data).encode("utf-8"))
    second = build_site(tmp_path, files)
    assert second.ok, second.messages
    assert PLANTED not in second.all_text()
    assert "Study number 7 of attention" in second.all_text()
