"""The example site at a phone's width (390 px), light and dark: pages with wide content (a
project's comparison table, the Projects index, a note whose formulas are long) keep the page
itself as wide as the screen; wide parts scroll inside their own box, and formulas in table
cells are typeset, not shown as ``$...$``."""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer

import pytest

from ..conftest import build_site, note
from .conftest import LocalServer, _QuietHandler

PHONE = {"width": 390, "height": 844}
# the width the document may scroll to beyond the viewport (scroll bars, rounding)
SLACK = 1


@pytest.fixture(params=["light", "dark"])
def phone(request, browser, base_url):
    context = browser.new_context(viewport=PHONE, color_scheme=request.param)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def open_(path: str):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        page.wait_for_function("document.querySelectorAll('.arithmatex:not([data-pkb-math])').length === 0")
        return page

    yield open_
    context.close()
    assert errors == []


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


@pytest.mark.parametrize("path", ["projects/few-step-latent-video/", "projects/", "papers/mildenhall2020nerf/", ""])
def test_no_page_is_wider_than_a_phone(phone, path):
    page = phone(path)
    scroll, client = _page_width(page)
    assert scroll <= client + SLACK, f"{path or 'home'}: the page scrolls sideways ({scroll} px > {client} px)"


def test_project_comparison_fits_the_phone_and_typesets_its_formulas_in_place(phone):
    page = phone("projects/few-step-latent-video/")
    wrap = page.locator("h2#comparison-of-peers ~ div.pkb-table").first
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + SLACK
    results = wrap.locator('tr[data-pkb-key="rombach2022ldm"] td').last
    formula = results.locator(".katex").first  # "With $f$ between 4 and 16"
    assert formula.count() == 1 and "$" not in results.inner_text()
    # the formula stays in the sentence: in the cell's text, not a grid item of its own that lands
    # in the label column of a phone's card (or beside the text in a table)
    prose = results.locator(".pkb-cell__prose")
    assert prose.count() == 1
    text, math = prose.bounding_box(), formula.bounding_box()
    assert text["x"] <= math["x"] and math["x"] + math["width"] <= text["x"] + text["width"] + SLACK
    assert math["y"] < text["y"] + 30  # on the first line, beside "With"


def test_projects_index_gives_the_question_a_readable_measure(phone):
    page = phone("projects/")
    question = page.locator('table[data-pkb-table="projects"] tbody tr td').last
    assert question.bounding_box()["width"] >= 150  # not a word per line
    # like a notes table on a phone, each project is a card: the question is read without scrolling
    wrap = page.locator('div.pkb-table:has(table[data-pkb-table="projects"])').first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    box = question.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + SLACK
    # the values line up (the title cell's larger font once pushed its value right)
    title = page.locator('table[data-pkb-table="projects"] td.pkb-cell--title a').bounding_box()
    papers = page.locator('table[data-pkb-table="projects"] td.pkb-count')
    start = papers.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td); "
                            "return r.getBoundingClientRect().left; }")
    assert abs(title["x"] - start) <= 1.5


def test_an_inline_formula_wider_than_the_column_gets_a_line_that_scrolls(phone):
    page = phone("papers/mildenhall2020nerf/")
    wide = page.locator('span.arithmatex[data-tex^="\\\\gamma(p)"]')
    assert wide.get_attribute("class").split().count("pkb-math--wide") == 1
    column = page.locator("article.md-content__inner").bounding_box()
    formula = wide.bounding_box()
    assert formula["x"] + formula["width"] <= column["x"] + column["width"] + SLACK
    assert wide.evaluate("el => el.scrollWidth > el.clientWidth")  # its overflow scrolls inside it
    # a short formula stays inline, in its sentence
    assert page.locator('span.arithmatex.pkb-math--wide[data-tex="L=10"]').count() == 0
    assert page.locator('span.arithmatex[data-tex="L=10"]').count() == 1
    # on a wide screen the same formula fits its line again
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("!document.querySelector('span.arithmatex.pkb-math--wide')", timeout=5_000)



def test_project_comparison_on_a_desktop_gives_the_lists_room(reader):
    reader.open("projects/few-step-latent-video/")
    row = reader.page.locator('h2#comparison-of-peers ~ div.pkb-table tr[data-pkb-key="rombach2022ldm"]').first
    cells = row.locator("td")
    datasets, metrics = cells.nth(3).bounding_box(), cells.nth(4).bounding_box()
    # eight datasets: about two a line, not one word per line (they had ~75 px beside a 28% title)
    assert datasets["width"] >= 100 and metrics["width"] >= 80
    assert row.bounding_box()["height"] < 260


LONG_TITLE = "Supercalifragilisticexpialidociouslylongunbrokenidentifier_for_a_model_v2_final: a study"
LONG_URL = "https://example.org/a/very/long/path/that/does/not/break/anywhere/at/all/in/the/middle"


def test_long_unbroken_words_wrap_inside_a_phones_table_cards(browser, tmp_path):
    """Real notes hold model names and URLs with no break in them: in a field's notes table, shown
    as cards on a phone, they wrap inside the card instead of running off its edge."""
    built = build_site(tmp_path, {
        "papers/long.md": note(LONG_TITLE, year=2021, fields=["Vision"], problem=f"See {LONG_URL} for the data."),
        "papers/short.md": note("A short one", year=2020, fields=["Vision"], problem="Short."),
    })
    assert built.ok, built.messages
    server = LocalServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built.site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/fields/vision/")
        page.wait_for_load_state("load")
        row = page.locator('tr[data-pkb-key="long"]')
        card = row.bounding_box()
        assert card["x"] + card["width"] <= PHONE["width"] + SLACK
        for cell in (row.locator("td.pkb-cell--title a"), row.locator("td.pkb-cell--problem")):
            box = cell.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el); "
                                "const b = r.getBoundingClientRect(); return [b.left, b.right]; }")
            assert box[1] <= card["x"] + card["width"] + SLACK, f"{box} runs off the card {card}"
    finally:
        context.close()
        server.shutdown()
        server.server_close()
