"""The interactive citation graph, note previews and notes tables, in headless Chromium.

Screenshots of every page these touch, at desktop and phone width, light and dark, go to
tests/artifacts/ (explore-*.png)."""

from __future__ import annotations

import re

import pytest

from .conftest import _open_reader

NOTE = "papers/ho2020ddpm/"


def _clean(reader) -> None:
    assert reader.remote_requests == [], "the page asked another host (a CDN?)"
    assert [e for e in reader.errors if "GL Driver" not in e] == []


def _explorer(page) -> None:
    page.wait_for_selector("[data-pkb-explorer][data-pkb-ready]", timeout=20_000)


def test_explorer_loads_laid_out_filters_and_opens_a_note_on_click(reader):
    reader.open("graph/")
    page = reader.page
    _explorer(page)
    total = page.evaluate("window.paperkbExplorer.view.graph.order")
    assert total >= 40 and page.locator(".pkb-static-graph").is_hidden()  # the static diagram stays for no-JS/print
    assert page.get_attribute("[data-pkb-explorer]", "data-shown") == str(total)
    # Laid out at build time: positions come with the data, spread over a plane.
    spread = page.evaluate("""(() => { const g = window.paperkbExplorer.view.graph;
        const xs = g.mapNodes((n, a) => a.x), ys = g.mapNodes((n, a) => a.y);
        return [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)]; })()""")
    assert spread[0] > 0 and spread[1] > 0
    # Filter by field: only that field's notes remain.
    page.select_option(".pkb-explorer__field", label="Reinforcement Learning")
    shown = int(page.get_attribute("[data-pkb-explorer]", "data-shown"))
    assert 0 < shown < total
    assert "of %d notes" % total in page.inner_text(".pkb-explorer__status")
    # A year range narrows it further; clearing the field widens it again.
    page.fill(".pkb-explorer__from", "2018")
    page.dispatch_event(".pkb-explorer__from", "change")
    assert int(page.get_attribute("[data-pkb-explorer]", "data-shown")) < shown
    page.select_option(".pkb-explorer__type", index=0)
    # Find a note by its title, then click its dot: the note opens.
    page.fill(".pkb-explorer__search", "Soft Actor")
    page.locator(".pkb-explorer__matches li").first.click()
    page.wait_for_timeout(700)  # the camera glides to the note
    position = page.evaluate("""(() => { const v = window.paperkbExplorer.view;
        const d = v.renderer.getNodeDisplayData('haarnoja2018sac');
        const p = v.renderer.framedGraphToViewport(d);
        const box = v.renderer.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; })()""")
    assert page.locator(".pkb-graph-tip").inner_text().startswith("Soft Actor-Critic")
    reader.screenshot("explore-graph-desktop-light")
    page.mouse.move(position[0], position[1])
    page.mouse.click(position[0], position[1])
    page.wait_for_url(re.compile(r"papers/haarnoja2018sac/$"))
    assert "Soft Actor-Critic" in page.locator(".pkb-card").first.inner_text()
    _clean(reader)


def test_hovering_a_node_highlights_its_neighbours_and_shows_its_year_and_venue(reader):
    reader.open("graph/")
    page = reader.page
    _explorer(page)
    page.evaluate("window.paperkbExplorer.view.setFocus('ho2020ddpm'); window.paperkbExplorer.view.showTip('ho2020ddpm')")
    tip = page.locator(".pkb-graph-tip").inner_text()
    assert "Denoising Diffusion Probabilistic Models" in tip and "2020 · NeurIPS" in tip
    dimmed = page.evaluate("""(() => { const v = window.paperkbExplorer.view; const r = v.renderer;
        const near = v.graph.neighbors('ho2020ddpm');
        const far = v.graph.filterNodes(n => n !== 'ho2020ddpm' && !near.includes(n));
        return [r.getNodeDisplayData(near[0]).color !== v.colours.dim,
                far.every(n => r.getNodeDisplayData(n).color === v.colours.dim)]; })()""")
    assert dimmed == [True, True]
    _clean(reader)


def test_field_graph_opens_on_its_field(reader):
    reader.open("graph/llm/")
    page = reader.page
    _explorer(page)
    assert page.input_value(".pkb-explorer__field") != "-1"
    shown, total = page.evaluate("[+document.querySelector('[data-pkb-explorer]').dataset.shown,"
                                 " window.paperkbExplorer.view.graph.order]")
    assert 0 < shown < total
    _clean(reader)


def test_note_diagram_fits_its_column_zooms_and_turns_interactive(reader):
    reader.open(NOTE)
    page = reader.page
    figure = page.locator("figure.pkb-graph--note")
    figure.scroll_into_view_if_needed()
    canvas = figure.locator(".pkb-graph__canvas")
    # Fits: nothing clipped, no sideways scrolling; the year axis is in view.
    assert canvas.evaluate("c => c.scrollWidth <= c.clientWidth + 1")
    years = figure.locator(".pkb-year text")
    box = canvas.bounding_box()
    for i in range(years.count()):
        year = years.nth(i).bounding_box()
        assert box["x"] <= year["x"] and year["x"] + year["width"] <= box["x"] + box["width"] + 1
    reader.screenshot("explore-note-diagram-fit")
    # Zoom in: the diagram grows, the canvas scrolls and keeps the note in the middle.
    figure.get_by_role("button", name="Zoom in").click()
    figure.get_by_role("button", name="Zoom in").click()
    assert canvas.evaluate("c => c.scrollWidth > c.clientWidth")
    focus = figure.locator(".pkb-node--focus").bounding_box()
    middle = focus["x"] + focus["width"] / 2
    assert box["x"] < middle < box["x"] + box["width"]
    figure.get_by_role("button", name="Fit the diagram to the column").click()
    assert canvas.evaluate("c => c.scrollWidth <= c.clientWidth + 1")
    # The toggle: an interactive local graph with the diagram's notes and citations.
    figure.get_by_role("button", name="Interactive").click()
    page.wait_for_selector(".pkb-graph__stage[data-pkb-ready]")
    counts = page.evaluate("""(() => { const v = document.querySelector('.pkb-graph__stage').paperkbView;
        return [v.graph.order, v.graph.size]; })()""")
    assert counts[0] == figure.locator("g.pkb-node").count() and counts[1] > 0
    assert canvas.is_hidden()
    reader.screenshot("explore-note-local-graph")
    figure.get_by_role("button", name="Diagram").click()
    assert canvas.is_visible()
    _clean(reader)


def test_hovering_a_note_link_or_a_table_row_shows_a_preview(reader):
    reader.open(NOTE)
    page = reader.page
    link = page.locator("#cites ~ .pkb-cites a, .pkb-cites a").filter(has_text="Generative Adversarial Nets").first
    assert (link.get_attribute("title") or "").startswith("Generative Adversarial Nets (2014")
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator(".pkb-preview")
    preview.wait_for(state="visible")
    text = preview.inner_text()
    assert "Generative Adversarial Nets" in text and "Goodfellow" in text and "Problem." in text
    reader.screenshot("explore-preview-cites")
    # A wikilink in the body.
    page.mouse.move(0, 0)
    body_link = page.locator("article .admonition a", has_text="Classifier-Free Diffusion Guidance").first
    body_link.scroll_into_view_if_needed()
    body_link.hover()
    page.wait_for_function("document.querySelector('.pkb-preview:not([hidden]) .pkb-card[data-pkb-key=\"ho2022cfg\"]')")
    # A row of an index table (anywhere on the row, not only its link).
    reader.open("fields/generative-models/")
    row = page.locator("tr[data-pkb-key='ho2020ddpm'] td").last
    row.hover()
    page.wait_for_function("document.querySelector('.pkb-preview:not([hidden]) .pkb-card[data-pkb-key=\"ho2020ddpm\"]')")
    reader.screenshot("explore-preview-row")
    _clean(reader)


def test_notes_table_sorts_and_filters(reader):
    reader.open("fields/generative-models/")
    page = reader.page
    table = page.locator('table[data-pkb-table="notes"]')

    def column(index: int) -> list[str]:
        return table.locator(f"tbody tr:not([hidden]) td:nth-child({index})").all_inner_texts()

    years = [int(y) for y in column(1)]
    assert years == sorted(years, reverse=True)  # as built: newest first
    table.get_by_role("button", name="Year").click()
    assert [int(y) for y in column(1)] == sorted(years)
    table.get_by_role("button", name="Title").click()
    titles = column(2)
    assert titles == sorted(titles, key=str.casefold) and titles != column(2)[::-1]
    table.get_by_role("button", name="Title").click()
    assert column(2) == titles[::-1]
    assert table.locator("th[aria-sort='descending']").count() == 1
    page.fill(".pkb-table-filter input", "latent")
    assert all("atent" in t for t in table.locator("tbody tr:not([hidden])").all_inner_texts())
    assert 0 < len(column(1)) < len(years)
    reader.screenshot("explore-table-sorted")
    _clean(reader)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_width_tables_are_cards_and_graphs_fit(browser, base_url, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(base_url + "fields/generative-models/")
        row = page.locator('table[data-pkb-table="notes"] tbody tr').first
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        cells = row.locator("td")
        labels = [cells.nth(i).evaluate("c => getComputedStyle(c, '::before').content") for i in range(cells.count())]
        assert labels == ['"Year"', '"Title"', '"Type"', '"Venue"', '"Level"', '"Problem"']
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sideways
        page.screenshot(path=str(_artifact(f"explore-table-phone-{scheme}")))
        page.goto(base_url + "graph/")
        _explorer(page)
        stage = page.locator(".pkb-explorer__stage").bounding_box()
        assert stage["width"] <= 390 and stage["height"] > 250
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # A tap on a note shows it (title and a link to open it) rather than leaving the page.
        page.wait_for_function("!window.paperkbExplorer.view.renderer.getCamera().isAnimated()")
        x, y = page.evaluate("""(() => { const v = window.paperkbExplorer.view;
            const p = v.renderer.framedGraphToViewport(v.renderer.getNodeDisplayData('vaswani2017attention'));
            const box = v.renderer.getContainer().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; })()""")
        page.touchscreen.tap(x, y)
        page.wait_for_function("document.querySelector('.pkb-graph-tip:not([hidden])')")
        tip = page.locator(".pkb-graph-tip").inner_text()
        assert "Attention Is All You Need" in tip and "Open note" in tip
        assert page.url.endswith("/graph/")
        page.screenshot(path=str(_artifact(f"explore-graph-phone-{scheme}")))
        page.goto(base_url + NOTE)
        figure = page.locator("figure.pkb-graph--note")
        figure.scroll_into_view_if_needed()
        assert figure.locator(".pkb-graph__canvas").evaluate("c => c.scrollWidth <= c.clientWidth + 1")
        page.screenshot(path=str(_artifact(f"explore-note-phone-{scheme}")))
    finally:
        context.close()


@pytest.mark.parametrize("path, name", [("graph/", "graph"), ("fields/generative-models/", "field"), (NOTE, "note")])
def test_desktop_dark_screenshots(browser, base_url, path, name):
    for reader in _open_reader(browser, base_url, "dark"):
        reader.open(path)
        if name == "graph":
            _explorer(reader.page)
        reader.screenshot(f"explore-{name}-desktop-dark")
        _clean(reader)


def _artifact(name: str):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_hovering_an_at_key_citation_shows_the_cited_note(reader):
    reader.open("blog/")
    page = reader.page
    page.locator("article a", has_text="From DDPM to Latent Diffusion").first.click()
    page.wait_for_load_state("load")
    citation = page.locator(".pkb-cite a", has_text="Ho et al").first
    assert "(2020, NeurIPS)" in citation.get_attribute("title")
    citation.scroll_into_view_if_needed()
    citation.hover()
    page.wait_for_function("document.querySelector('.pkb-preview:not([hidden]) .pkb-card[data-pkb-key=\"ho2020ddpm\"]')")
    assert "Problem." in page.locator(".pkb-preview").inner_text()
    assert citation.get_attribute("title") is None  # the browser's own tooltip does not cover the preview
    reader.screenshot("explore-preview-citation")
    _clean(reader)
