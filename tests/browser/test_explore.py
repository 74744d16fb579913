"""The Explore page in headless Chromium: one table of every note that filters and sorts
(screenshots in tests/artifacts/)."""

from __future__ import annotations

import json

import pytest

from .conftest import ARTIFACTS


def _column(page, col: str) -> list[str]:
    return page.locator(f"table[data-pkb-table=explore] tbody td[data-col={col}]").all_inner_texts()


def _total(example_site) -> int:
    return len(json.loads((example_site / "assets" / "paperkb" / "notes.json").read_text(encoding="utf-8"))["notes"])


def test_without_javascript_the_page_is_a_real_table(browser, base_url, example_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "explore/")
        rows = page.locator("table[data-pkb-table=explore] tbody tr")
        assert rows.count() == _total(example_site) == 44
        assert page.locator("table[data-pkb-table=explore] a", has_text="Attention Is All You Need").count() == 1
    finally:
        context.close()


def test_explore_filters_by_text_and_facet_and_sorts(reader, example_site):
    reader.open()
    reader.page.locator(".md-tabs__link, .md-nav__link", has_text="Explore").first.click()
    page = reader.page
    page.wait_for_url("**/explore/")
    page.locator(".pkb-explore--live").wait_for()
    assert page.locator(".pkb-explore__status").inner_text() == f"{_total(example_site)} notes"
    # Free text (title, authors, problem, key) and a facet together.
    page.locator(".pkb-explore input[name=q]").fill("diffusion")
    diffusion = page.locator("table[data-pkb-table=explore] tbody tr").count()
    assert 3 <= diffusion < 44
    page.locator(".pkb-explore select[data-facet=field]").select_option("Video")
    fields = _column(page, "field")
    assert fields and all("Video" in f for f in fields) and len(fields) < diffusion
    assert "field=Video" in page.url and "q=diffusion" in page.url  # the view can be shared
    # Sorting: year ascending, then the most cited first.
    page.locator(".pkb-explore input[name=q]").fill("")
    page.locator(".pkb-explore select[data-facet=field]").select_option("")
    page.locator("th[data-sort=year] button").click()
    page.locator("th[data-sort=year] button").click()
    years = [int(y) for y in _column(page, "year") if y]
    assert years == sorted(years) and page.locator("th[data-sort=year]").get_attribute("aria-sort") == "ascending"
    page.locator("th[data-sort=cited_by] button").click()
    cited = [int(c) for c in _column(page, "cited_by")]
    assert cited == sorted(cited, reverse=True) and cited[0] > 0
    page.locator("th[data-sort=title] button").click()
    titles = _column(page, "title")
    assert titles[0].lower() <= titles[1].lower() <= titles[-1].lower()
    # A shared address opens the same view.
    page.goto(page.url.split("?")[0] + "?level=Deep+read&sort=year-desc")
    page.locator(".pkb-explore--live").wait_for()
    assert all(level == "Deep read" for level in _column(page, "level"))
    years = [int(y) for y in _column(page, "year") if y]
    assert years == sorted(years, reverse=True)
    assert reader.remote_requests == [] and reader.errors == []


@pytest.mark.parametrize("width, scheme", [(1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")])
def test_explore_screenshots(browser, base_url, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base_url + "explore/?field=Vision")
        page.locator(".pkb-explore--live").wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"explore-{width}-{scheme}.png"), full_page=width < 600)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1  # nothing wider than the screen on a phone
    finally:
        context.close()
