"""Pages that are one tight list of plain items skip Markdown (shared_markdown.py,
render/plain_list.py): the site is byte for byte the one Markdown writes."""

from __future__ import annotations

from paperkb.mkdocs_plugin import shared_markdown

from ..conftest import build_site, built_files, note

BODIES = [
    "- Cost: about 3x cheaper than the baseline.\n- Compared against [[b2021]] on MS-COCO.\n",
    "- [idea] Check whether the gain survives more seeds.\n- [想法] 可以试试用在 graph transformers 上。\n",
    "- 和 [[a2020|the first one]] 思路接近，但更简单。\n- Trained with a margin ranking loss on LAION-5B.\n",
    "- *Not* plain: Markdown writes this one.\n- Second.\n",
    "- One item\n\nThen a paragraph.\n",
    "- J&F on MSR-VTT: 28.5 (+3.1), R@1 41.0.\n- Speed & memory.\n",
]


def _notes() -> dict[str, str]:
    files = {f"papers/n{i}.md": note(f"Note {i}", body, key=f"n{i}20{10 + i}", year=2010 + i)
             for i, body in enumerate(BODIES)}
    files["papers/a.md"] = note("First", "- Plain.\n", key="a2020", year=2020)
    files["papers/b.md"] = note("Second", "Not a list.\n", key="b2021", year=2021)
    files["plain.md"] = "- A user page\n- that is a plain list\n"
    return files


def test_plain_list_pages_are_the_pages_markdown_writes(tmp_path, monkeypatch):
    written: list[str] = []
    original = shared_markdown.plain_list_html

    def counted(text: str, **options: bool) -> str | None:
        html = original(text, **options)
        if html is not None:
            written.append(html)
        return html

    monkeypatch.setattr(shared_markdown, "plain_list_html", counted)
    fast = build_site(tmp_path / "fast", _notes())
    assert fast.ok, fast.messages
    assert len(written) == 6  # n0, n1, n2, n5, a and the user's page; not the emphasis, not the paragraph
    assert any('<span class="pkb-idea"' not in html and "\ue000" in html for html in written)  # (badges held)

    monkeypatch.setattr(shared_markdown, "plain_list_html", lambda text, **options: None)
    slow = build_site(tmp_path / "slow", _notes())
    assert slow.ok, slow.messages
    fast_files, slow_files = built_files(fast.site_dir), built_files(slow.site_dir)
    assert fast_files.keys() == slow_files.keys()
    different = [name for name in fast_files if fast_files[name] != slow_files[name]]
    assert not different, different
    assert '<span class="pkb-idea"' in fast.html("papers/n1/")
