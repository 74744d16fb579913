"""The Frontier page and a Semantic Scholar card in Chromium: the BibTeX copy button, the folded abstract."""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer

import pytest

from paperkb.cli import main

from ..conftest import build_site, write_tree
from ..scholar_fake import MIPSPLAT, radiance_notes, scholar, waits  # noqa: F401 (fixtures)
from .conftest import LocalServer, _open_reader, _QuietHandler


@pytest.fixture
def frontier_reader(browser, tmp_path, scholar):
    write_tree(tmp_path / "notes", radiance_notes())
    assert main(["enrich", "--notes", str(tmp_path / "notes"), "-q"]) == 0
    built = build_site(tmp_path, {})
    assert built.ok
    server = LocalServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built.site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield from _open_reader(browser, f"http://127.0.0.1:{server.server_address[1]}/", "light")
    finally:
        server.shutdown()
        server.server_close()


def test_frontier_bibtex_has_a_copy_button_and_the_nav_links_it(frontier_reader):
    reader = frontier_reader
    reader.open("frontier/")
    page = reader.page
    row = page.locator(f'tr[data-pkb-paper="{MIPSPLAT}"]')
    code = row.locator("details.pkb-frontier__bib pre code")
    assert not code.is_visible()  # folded
    row.locator("details.pkb-frontier__bib summary").click()
    assert code.is_visible() and "yu2024mipsplatting" in code.inner_text()
    # mkdocs-material's copy button (md-code__button since 9.7, md-clipboard before), copying the entry
    button = row.locator('button[data-md-type="copy"], button.md-clipboard')
    button.first.wait_for(state="attached", timeout=5_000)
    assert button.count() == 1
    target = button.get_attribute("data-clipboard-target")
    assert "yu2024mipsplatting" in page.locator(target).inner_text()
    assert page.locator("nav.md-nav a", has_text="Frontier").count() >= 1
    reader.screenshot("frontier")
    assert reader.errors == [] and reader.remote_requests == []


def test_card_abstract_opens_on_click(frontier_reader):
    reader = frontier_reader
    reader.open("papers/gaussians/")
    abstract = reader.page.locator(".pkb-card details.pkb-abstract")
    text = abstract.locator("p")
    assert not text.is_visible()
    abstract.locator("summary").click()
    assert text.is_visible() and "novel-view synthesis" in text.inner_text()
    assert reader.page.locator(".pkb-card a.pkb-link--s2").get_attribute("href").startswith(
        "https://www.semanticscholar.org/paper/")


def test_frontier_rows_are_cards_on_a_phone(frontier_reader):
    reader = frontier_reader
    reader.page.set_viewport_size({"width": 390, "height": 844})
    reader.open("frontier/")
    page = reader.page
    row = page.locator(f'tr[data-pkb-paper="{MIPSPLAT}"]')
    assert row.locator("td").first.evaluate("td => getComputedStyle(td).display") == "grid"
    labels = row.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert '"Title"' in labels and '"Your notes"' in labels
    # each cell is a label and one value: the BibTeX disclosure and the notes' commas stay in the value column
    columns = row.locator("td").evaluate_all(
        "tds => tds.filter(td => getComputedStyle(td).display === 'grid').map(td => td.children.length)")
    assert columns and all(n <= 1 for n in columns), columns  # text alone, or one element
    for scroll, client in page.locator('table[data-pkb-table="frontier"]').evaluate_all(
            "ts => ts.map(t => [t.parentElement.scrollWidth, t.parentElement.clientWidth])"):
        assert scroll <= client + 1, f"a Frontier table scrolls sideways on a phone ({scroll} px > {client} px)"
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1] + 1
    assert not page.locator('table[data-pkb-table="frontier"] thead').first.is_visible()  # the labels say it
    reader.screenshot("frontier-phone")
