"""Where Pagefind searches (the default) or nothing does, a note's card replaces its search twin as soon as every
plugin had the page's HTML (NoteLayout.search_has_read), not in the written page: the card is
never packed, search still reads the twin, and every page is byte for byte what the late swap
(mkdocs-material's search, sanitize_html) writes."""

from __future__ import annotations

from paperkb.mkdocs_plugin import note_layout
from paperkb.mkdocs_plugin.pagefind_search import PagefindSearch
from paperkb.mkdocs_plugin.plugin import PaperKBPlugin

from ..conftest import build_site, built_files, note

NOTES = {
    "papers/resnet.md": note("Deep Residual Learning", "Residual [[vit2021]] learning.\n", key="resnet2016",
                             year=2016, venue="CVPR", authors=["K. He"], tags=["vision"], fields=["CV"],
                             problem="Deep nets are hard to train.", links={"code": "https://example.org/r"}),
    "papers/vit.md": note("An Image is Worth 16x16 Words", "## Method\n\nPatches.\n", key="vit2021", year=2021,
                          cites=["resnet2016"], method="Patches as *tokens*."),
    "papers/mlp.md": note("MLP-Mixer", "", key="mixer2021", year=2021, type="survey", level="skim"),
}


def _build(root, monkeypatch, *, late: bool):
    packed: list[str] = []
    searched: dict[str, str] = {}
    pack, page_rendered, on_config = note_layout.pack, PagefindSearch.page_rendered, PaperKBPlugin.on_config

    def counting_pack(text: str) -> bytes:
        packed.append(text)
        return pack(text)

    def recording(self, page, note_, html=None):
        searched[page.url] = page.content if html is None else html
        return page_rendered(self, page, note_, html)

    def configured(self, config):
        result = on_config(self, config)
        if late:  # as mkdocs-material's search or sanitize_html have it
            self.layout.twin_read_later = True
        return result

    with monkeypatch.context() as patch:
        patch.setattr(note_layout, "pack", counting_pack)
        patch.setattr(PagefindSearch, "page_rendered", recording)
        patch.setattr(PaperKBPlugin, "on_config", configured)
        site = build_site(root, NOTES, plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    return site, packed, searched


def test_the_card_replaces_its_twin_before_the_theme_where_pagefind_searches(tmp_path, monkeypatch):
    early, early_packed, early_searched = _build(tmp_path / "early", monkeypatch, late=False)
    late, late_packed, late_searched = _build(tmp_path / "late", monkeypatch, late=True)
    assert early_packed == []  # the card never waits packed
    assert len(late_packed) == len(NOTES) and all('class="pkb-card"' in card for card in late_packed)
    # Search read the same HTML, the twin in place of the card, in both builds
    assert early_searched == late_searched
    for url in ("papers/resnet/", "papers/vit/", "papers/mlp/"):
        assert "<!--pkb-card-" in early_searched[url] and 'class="pkb-card"' not in early_searched[url]
    early_files, late_files = built_files(early.site_dir), built_files(late.site_dir)
    assert early_files.keys() == late_files.keys()
    assert [name for name in early_files if early_files[name] != late_files[name]] == []
    page = early.html("papers/resnet/")
    assert page.count('class="pkb-card"') == 1 and "<!--pkb-card-" not in page


def test_material_search_reads_the_twin_and_the_written_page_has_the_card(tmp_path, monkeypatch):
    packed: list[str] = []
    pack = note_layout.pack
    monkeypatch.setattr(note_layout, "pack", lambda text: packed.append(text) or pack(text))
    site = build_site(tmp_path, NOTES, plugins=["search", "tags", {"paperkb": {"search_engine": "material"}}])
    assert site.ok, site.messages
    assert len(packed) == len(NOTES)  # the cards waited for material's indexing, at on_page_context
    page = site.html("papers/resnet/")
    assert page.count('class="pkb-card"') == 1 and "<!--pkb-card-" not in page
    index = (site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Deep Residual Learning" in index and "pkb-card" not in index
