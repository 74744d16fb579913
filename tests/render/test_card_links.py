"""render/card.py: a card's facet links (venue, year, type, fields) are made once per linking
folder (SiteMap.facet_links) and are the links a fresh SiteMap gives, from any page."""

from __future__ import annotations

import re

from paperkb.core.loader import load_library
from paperkb.core.urls import SiteUrls
from paperkb.render.card import render_card
from paperkb.render.site_map import SiteMap

from ..conftest import note, write_tree

NOTES = {
    "papers/a.md": note("A", year=2020, venue="NeurIPS", fields=["Vision", "LLM"], type="survey"),
    "papers/b.md": note("B", year=2020, venue="NeurIPS", fields=["Vision"], type="survey"),
    "papers/deep/c.md": note("C", year=2020, venue="NeurIPS", fields=["LLM"], type="survey"),
    "d.md": note("D", year=2021, venue="ICML", fields=["Vision"]),
}


def test_facet_links_made_once_a_folder_are_those_of_a_fresh_site_map(tmp_path):
    write_tree(tmp_path, NOTES)
    library = load_library(tmp_path, files=[(tmp_path / src, src) for src in NOTES])
    assert len(library.notes) == len(NOTES), library.problems

    def fresh() -> SiteMap:
        return SiteMap.for_library(library, SiteUrls(True), prefix="pages/", graphs=True)

    site = fresh()
    places = [None, "index.md", "papers/deep/index.md", "pages/insights.md"]  # its own page, or embedded
    made = []
    for _round in range(2):  # (the second round from the links the first one made)
        for here in places:
            for each in library:
                assert render_card(each, site, here=here) == render_card(each, fresh(), here=here)
        made.append(len(site.facet_links))
    assert made[0] == made[1] > 0
    card = str(render_card(next(n for n in library if n.title == "C"), site))
    assert re.findall(r'href="([^"]*venues[^"]*)"', card) == ["../../../pages/venues/neurips/"]
