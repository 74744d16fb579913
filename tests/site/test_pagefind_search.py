"""Search with Pagefind (the default engine): what each page's index entry holds, read back from
the bundle the build wrote; material's search box stays, its own index is not built."""

from __future__ import annotations

import json
import re

from paperkb.core.pagefind_bundle import PagefindBundle
from paperkb.core.record_packs import RecordPacks
from paperkb.mkdocs_plugin.pagefind_search import PagefindSearch

from ..conftest import note, pagefind_pages


def _notes() -> dict[str, str]:
    return {
        "papers/sac.md": note(
            "Soft Actor-Critic <b>off-policy</b>", key="sac", year=2018, fields=["RL"], venue="ICML",
            type="application", level="deep", tags=["entropy"], datasets=["MuJoCo"], metrics=["Return"],
            problem="无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。",
            method="Maximum entropy actor-critic trained off-policy with $\\alpha$ tuned.",
            body="## 实验\n\nBody text mentions exploration and the training schedule.\n"),
        "papers/a.md": note("Paper A", key="a", year=2020, fields=["Vision"], venue="R&D <Journal>",
                            problem="Residual shortcuts ease optimisation of deep nets."),
        "papers/secret.md": note("Hidden draft", key="secret", draft=True, problem="zanzibarword only in a draft."),
        "about.md": "# About\n\nThis site collects reading notes.\n",
    }


def test_note_entries_hold_text_chinese_words_and_every_facet(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    pages = pagefind_pages(site.site_dir)
    sac = pages["papers/sac/"]
    # Front-matter sections and body are indexed; Chinese is cut into jieba's words.
    assert "Maximum entropy actor-critic" in sac["content"] and "exploration" in sac["content"]
    assert "样本 效率" in sac["content"] and "根本原因" in sac["content"]
    assert "原因" in sac["meta"]["words"].split()  # the sub-word of 根本原因: searched, never shown
    # Facets are Pagefind filters, with the labels readers see.
    assert sac["filters"] == {
        "field": ["RL"], "year": ["2018"], "type": ["Application"], "level": ["Deep read"],
        "venue": ["ICML"], "tag": ["entropy"], "dataset": ["MuJoCo"], "metric": ["Return"], "kind": ["Note"],
    }
    assert sac["meta"]["title"] == "Soft Actor-Critic <b>off-policy</b>"  # text (the worker escapes it)
    assert sac["meta"]["year"] == "2018" and sac["meta"]["venue"] == "ICML"
    assert any(a["id"] == "实验" for a in sac["anchors"])  # sub-results under the note's headings
    # No permalink signs, formulas or zero-width spaces in what results show.
    assert "¶" not in sac["content"] and "alpha" not in sac["content"] and "\u200b" not in sac["content"]
    assert pages["about/"]["filters"] == {"kind": ["Page"]}
    # The panel's menus: every value with its number of pages, from a small file.
    values = json.loads((site.site_dir / "pagefind" / "paperkb-filters.json").read_text(encoding="utf-8"))
    assert values["field"] == {"RL": 1, "Vision": 1} and values["level"] == {"Deep read": 1}
    assert values["kind"]["Note"] == 2 and values["kind"]["Page"] >= 5 and "zanzibarword" not in json.dumps(values)
    # Drafts appear nowhere; index pages are found by title, not by the rows they list.
    assert "papers/secret/" not in pages
    assert "zanzibarword" not in json.dumps(pages, ensure_ascii=False)
    assert pages["venues/r-d-journal/"]["meta"]["title"] == "Venue: R&D <Journal>"  # escaped once, not twice
    vision = pages["fields/vision/"]
    assert "Vision" in vision["meta"]["title"] and "Residual shortcuts" not in vision["content"]


def test_material_keeps_its_search_box_but_builds_no_index(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    stub = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and stub["config"]["separator"]
    html = site.html("papers/a/")
    assert 'class="md-search"' in html and 'data-md-component="search-query"' in html
    # The panel script comes before the theme's config and bundle: it hands the theme its worker.
    panel = html.index('assets/paperkb/search-panel.js"')
    assert panel < html.index('<script id="__config"') < html.index("bundle.")
    assert html.count("search-panel.js") == 1
    assert (site.site_dir / "assets" / "paperkb" / "search-worker.js").is_file()
    slices = json.loads((site.site_dir / "pagefind" / "paperkb-slices.json").read_text(encoding="utf-8"))["slices"]
    assert slices == ["0"]  # a small site: one slice
    assert (site.site_dir / "pagefind" / "0" / "pagefind.js").is_file()
    assert not (site.site_dir / "pagefind" / "0" / "pagefind-ui.js").exists()  # Pagefind's own UI is not shipped
    assert "search-panel.js" in (site.site_dir / "404.html").read_text(encoding="utf-8")


def test_material_engine_is_an_option(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", {"paperkb": {"search_engine": "material"}}])
    assert site.ok, site.messages
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"].startswith("papers/sac/") for d in index["docs"])
    assert not (site.site_dir / "pagefind").exists()
    assert "search-panel.js" not in site.html("papers/a/")


def test_without_material_search_there_is_no_search(site_builder):
    site = site_builder(_notes(), plugins=["tags", "paperkb"])
    assert site.ok, site.messages
    assert not (site.site_dir / "pagefind").exists()
    assert not re.search(r"search-panel\.js", site.html("papers/a/"))


def test_documents_stay_in_the_cache_and_only_changed_ones_are_written(site_builder, tmp_path, monkeypatch):
    """A warm build writes only the search documents that changed; a page that is gone loses its
    document, and a document altered in its pack is replaced by the one the build made."""
    files = {**_notes(), "guide.md": "# Guide\n\nHow to read these notes.\n",
             "papers/kept.md": note("Kept paper", key="kept", year=2021, problem="Stays as it was.",
                                    body="- [idea] an insight\n- [[sac]] is related.\n")}
    site = site_builder(files, plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    folder = tmp_path / ".paperkb-cache" / "search" / "en"
    records = _records(folder)  # each document's records, in the order written
    assert {"papers/sac/index.html", "papers/a/index.html", "about/index.html"} <= records.keys()
    assert not list(folder.rglob("*.html"))  # no file per document: records in a pack

    (tmp_path / "notes" / "papers" / "a.md").unlink()
    [pack] = (folder / "documents").glob("*.pack")
    _key, _file, at, length = records["about/index.html"][-1]
    data = bytearray(pack.read_bytes())
    record = bytes(data[at:at + length])
    assert b"reading notes" in record
    data[at:at + length] = record.replace(b"reading notes", b"quokkawordxyz")  # same length: forged
    pack.write_bytes(bytes(data))
    changed = dict(files)
    del changed["papers/a.md"]
    changed["papers/sac.md"] = changed["papers/sac.md"].replace("exploration", "wombatword")
    made: list[str] = []  # URLs of the pages whose document is made (here, or by the documents' process)
    adopt = PagefindBundle.adopt
    monkeypatch.setattr(PagefindBundle, "adopt", lambda bundle, url, **how: made.append(url) or adopt(bundle, url, **how))
    site = site_builder(changed, plugins=["search", "tags", "paperkb"])
    assert site.ok, site.messages
    # Documents are made again only for pages whose text changed (or whose record was altered).
    assert "papers/kept/" not in made and "guide/" not in made and "about/" in made
    assert "papers/sac/" in made
    after = _records(folder)
    for same in ("guide/index.html", "papers/kept/index.html"):  # the same document: no record written again
        assert after[same] == records[same], same
    assert len(after["papers/sac/index.html"]) == len(records["papers/sac/index.html"]) + 1
    assert len(after["papers/a/index.html"]) == len(records["papers/a/index.html"])  # gone: nothing written
    pages = pagefind_pages(site.site_dir)
    assert "papers/a/" not in pages and "wombatword" in pages["papers/sac/"]["content"]
    assert "quokkaword" not in json.dumps(pages) and "reading notes" in pages["about/"]["content"]


def _records(folder) -> dict[str, list[tuple]]:
    """Each document's records in the packs of the bundle ``folder``, in the order written."""
    found: dict[str, list[tuple]] = {}
    for entry in RecordPacks(folder / "documents").entries():
        found.setdefault(entry[0], []).append(entry)
    return found


def _moved_as_before(html: str) -> str:
    """The panel script's move as paperkb made it before it looked only past the theme's config."""
    match = re.search(r'<script src="[^"]*assets/paperkb/search-panel\.js"></script>\n?', html)
    at = html.find('<script id="__config"')
    if match is None or at < 0 or match.start() < at:
        return html
    html = html[:match.start()] + html[match.end():]
    return html[:at] + match.group(0) + html[at:]


def test_the_panel_script_moves_as_before_wherever_the_page_names_it(site_builder):
    site = site_builder(_notes(), plugins=["search", "tags", "paperkb"])
    search = PagefindSearch()
    search.enabled = True
    tag = '<script src="../../assets/paperkb/search-panel.js"></script>\n'
    config = '<script id="__config" type="application/json">{}</script>\n<script src="bundle.js"></script>\n'
    pages = [
        f"<p>content</p>{config}{tag}",  # as the theme writes it
        f"<p>content</p>{config}",  # no panel script
        f"<p>{tag}</p>{config}{tag}",  # the content holds the tag too
        f"<p>see assets/paperkb/search-panel.js</p>{config}{tag}",  # and names the file
        f"{tag}{config}",  # already in place
        f"<p>content</p>{tag}",  # no theme config
    ]
    html = site.html("papers/a/")  # and a built page, its panel script put back where MkDocs wrote it
    written = re.search(r'<script src="[^"]*assets/paperkb/search-panel\.js"></script>\n?', html).group(0)
    unmoved = html.replace(written, "").replace("</body>", written + "</body>")
    assert search.place_panel_script(unmoved) == html
    for page in pages + [html, unmoved]:
        assert search.place_panel_script(page) == _moved_as_before(page), page
    assert search.place_panel_script(pages[0]).startswith(f"<p>content</p>{tag}<script id=")
