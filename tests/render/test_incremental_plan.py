"""`serve` plans the index and graph pages again only where an edit reached (render/index_pages.py
``IndexPlan``, render/graph_pages.py ``untouched_fields``): after each kind of edit, the pages it
plans are exactly those a fresh plan makes, and pages of untouched facet values are kept."""

from __future__ import annotations

import hashlib

import pytest

from paperkb.core.library_diff import LibraryChange
from paperkb.core.loader import NoteCache, load_library
from paperkb.core.note_memo import NoteMemo
from paperkb.core.urls import SiteUrls
from paperkb.render.graph_dot import GraphViews
from paperkb.render.graph_pages import GraphPages, untouched_fields
from paperkb.render.index_pages import IndexPages
from paperkb.render.site_map import SiteMap

from ..conftest import write_tree
from ..library_edits import EDITS, edit, markdown_files, note, notes


def _site(library) -> SiteMap:
    return SiteMap.for_library(library, SiteUrls(True), home="index.md", statistics="index.md", graphs=True)


def _submit(dot: str, label: str) -> str:
    return hashlib.sha256(f"{dot}\0{label}".encode()).hexdigest()[:16]


def _texts(pages) -> dict[str, str]:
    return {page.src_uri: page.source for page in pages}


@pytest.mark.parametrize("kind", EDITS)
def test_index_and_graph_pages_planned_again_after_an_edit_equal_a_fresh_plan(tmp_path, kind):
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache, memo = NoteCache(), NoteMemo()
    before = load_library(root, files=markdown_files(root), cache=cache)
    site = _site(before)
    indexes = IndexPages(before, site, memo=memo)
    first = indexes.all_pages()
    graphs = GraphPages(before, site, GraphViews(before), _submit)
    graphs.all_pages()

    edit(root, kind)
    after = load_library(root, files=markdown_files(root), cache=cache)
    change = LibraryChange.between(before, after, set(before.notes) | set(after.notes), bib_edited=True)
    touched = change.shown | change.relinked
    site = _site(after)
    again = IndexPages(after, site, memo=memo)
    planned = again.all_pages(kept=indexes.made.without(before, after, touched))
    graph_pages = GraphPages(after, site, GraphViews(after), _submit,
                             kept=untouched_fields(graphs.made, before, after, touched)).all_pages()

    assert _texts(planned) == _texts(IndexPages(after, site).all_pages())
    assert _texts(graph_pages) == _texts(GraphPages(after, site, GraphViews(after), _submit).all_pages())
    if kind == "body":  # no note's listed data changed: every facet page is the one planned before
        facet_pages = [(page, kept) for page, kept in zip(planned, first)
                       if page.src_uri.startswith(("fields/", "years/")) and not page.src_uri.endswith("/index.md")]
        assert facet_pages and all(page is kept for page, kept in facet_pages)


def _first_plan(tmp_path):
    """The example notes written and planned once: (folder, note cache, library, plan, pages by src)."""
    root = tmp_path / "notes"
    write_tree(root, notes())
    cache = NoteCache()
    before = load_library(root, files=markdown_files(root), cache=cache)
    indexes = IndexPages(before, _site(before))
    return root, cache, before, indexes, {page.src_uri: page for page in indexes.all_pages()}


def _replan(indexes: IndexPages, before, after, edited: set[str]) -> tuple[dict, IndexPages]:
    """The index pages planned again after ``edited`` changed (``indexes``: the last plan), by src."""
    change = LibraryChange.between(before, after, edited)
    again = IndexPages(after, _site(after))
    pages = again.all_pages(kept=indexes.made.without(before, after, change.shown | change.relinked))
    return {page.src_uri: page for page in pages}, again


def test_an_edit_keeps_the_pages_of_facet_values_its_note_never_had(tmp_path):
    root, cache, before, indexes, first = _first_plan(tmp_path)
    edit(root, "year")  # devlin2019: 2019 -> 2017
    after = load_library(root, files=markdown_files(root), cache=cache)
    planned, _ = _replan(indexes, before, after, {"devlin2019"})
    assert planned["years/2015.md"] is first["years/2015.md"]  # no note of 2015 changed
    # radford2018's [[BERT paper]] turned from a mention (of a later paper) into a citation
    assert planned["years/2018.md"] is not first["years/2018.md"]
    assert "years/2019.md" not in planned  # devlin2019 was its only note
    assert "devlin2019" in planned["years/2017.md"].markdown
    assert planned["insights.md"] is first["insights.md"]  # devlin2019 has no insights; its names are the same


def test_the_insights_page_is_kept_unless_an_entry_on_it_changed(tmp_path):
    """raffel2020 has an insight: a citation added to it leaves its entry on the insights page
    as it was (the page is kept, equal to a fresh one); a new title changes the entry."""
    root, cache, before, indexes, first = _first_plan(tmp_path)
    path = root / "papers" / "raffel2020.md"
    body = "Text to text, after [@devlin2019].\n\n- [idea] Every task as text.\n"
    cites = ["devlin2019", "radford2018", "nobody2000", "bahdanau2015"]
    path.write_text(note("T5", body, key="raffel2020", year=2020, fields=["NLP"], cites=cites), encoding="utf-8")
    after = load_library(root, files=markdown_files(root), cache=cache)
    assert any(e.target == "bahdanau2015" for e in after.cites("raffel2020"))
    planned, indexes = _replan(indexes, before, after, {"raffel2020"})
    assert planned["insights.md"] is first["insights.md"]
    fresh = {page.src_uri: page for page in IndexPages(after, _site(after)).all_pages()}
    assert planned["insights.md"].source == fresh["insights.md"].source

    path.write_text(note("T5, the text-to-text model", body, key="raffel2020", year=2020, fields=["NLP"], cites=cites),
                    encoding="utf-8")
    retitled = load_library(root, files=markdown_files(root), cache=cache)
    planned, _ = _replan(indexes, after, retitled, {"raffel2020"})
    assert planned["insights.md"] is not first["insights.md"]
    assert "T5, the text-to-text model" in planned["insights.md"].source
