"""Search in headless Chromium: Pagefind answers through mkdocs-material's search box, the
panel filters by facets (screenshots in tests/artifacts/)."""

from __future__ import annotations

import re

import pytest

from .conftest import SEARCH_TIMEOUT_MS, wait_for_answer

RESNET = "Deep Residual Learning for Image Recognition"
DQN = "Human-level control through deep reinforcement learning"
RL_POST = "从 DQN 到 RLHF：深度强化学习的一条阅读路线"
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _titles(reader) -> list[str]:
    return reader.page.locator(".md-search-result__item h1").all_inner_texts()


def _choose(reader, facet: str, value: str | None) -> None:
    panel = reader.page.locator("[data-pkb-search-filters]")
    if not panel.locator("details").get_attribute("open") is not None:
        panel.locator("summary").click()
    select = panel.locator(f"select[data-facet={facet}]")
    option = select.locator("option", has_text=re.compile(rf"^{re.escape(value)} \(\d+\)$")) if value else None
    select.select_option(value=value or "")
    assert option is None or option.count() == 1


def _wait_for_titles(reader, check) -> list[str]:
    reader.page.wait_for_function(
        "([check]) => { const t = [...document.querySelectorAll('.md-search-result__item h1')].map(e => e.innerText);"
        " return t.length > 0 && new Function('t', check)(t); }", arg=[check], timeout=SEARCH_TIMEOUT_MS)
    return _titles(reader)


def _clean(reader) -> None:
    assert reader.remote_requests == [] and reader.errors == []


def test_chinese_word_in_a_sentence_then_a_field_filter(reader):
    reader.open()
    reader.search("误差")  # a two-character word inside long Chinese sentences
    titles = _titles(reader)
    assert RESNET in titles and DQN in titles
    text = reader.page.locator(".md-search-result").inner_text()
    assert not ZERO_WIDTH.search(text) and "Missing" not in text
    assert "误差" in reader.page.locator(".md-search-result__item mark").all_inner_texts()
    assert "上升" in text and " 上 升" not in text  # spaces between Chinese words are taken out again
    _choose(reader, "field", "Vision")
    titles = _wait_for_titles(reader, "return !t.some(x => x.includes('Human-level'))")
    assert RESNET in titles and DQN not in titles
    assert "Field: Vision" in reader.page.locator(".pkb-search-filters__active").inner_text()
    reader.screenshot("search-chinese-filtered")
    _clean(reader)


def test_english_word_form_then_a_kind_filter(reader):
    reader.open()
    reader.search("reinforcement")
    assert DQN in _titles(reader) and RL_POST in _titles(reader)
    assert RL_POST.replace(" ", "") not in _titles(reader)  # the post's own spaces stay; none added
    _choose(reader, "kind", "Post")
    titles = _wait_for_titles(reader, "return !t.some(x => x.includes('Human-level'))")
    assert titles == [RL_POST] or RL_POST in titles and DQN not in titles
    reader.page.locator(".pkb-search-chip").click()  # removing the filter brings notes back
    titles = _wait_for_titles(reader, "return t.some(x => x.includes('Human-level'))")
    assert DQN in titles
    _clean(reader)


def test_stemmed_english_and_a_sub_word_of_a_chinese_compound(reader):
    reader.open()
    assert RESNET in _titles(reader) if reader.search("shortcuts") else False  # the note says "shortcut"
    reader.page.locator("input.md-search__input").fill("")
    items = reader.search("原因")  # inside the longer word 根本原因
    assert any("Soft Actor-Critic" in t for t in items.locator("h1").all_inner_texts())
    _clean(reader)


def test_keyboard_shortcut_opens_search_and_enter_opens_the_first_hit(reader):
    reader.open("papers/vaswani2017attention/")
    page = reader.page
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("residual", delay=20)  # material reads the box on keyup
    wait_for_answer(page, "residual")  # (not an answer to "resid", typed on the way)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=SEARCH_TIMEOUT_MS)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"papers/he2016resnet/\?h=residual"))
    _clean(reader)


@pytest.mark.parametrize("width, scheme", [(1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")])
def test_search_panel_screenshots(browser, base_url, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 860}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base_url)
        page.wait_for_load_state("load")
        page.keyboard.press("/")  # material's shortcut opens the search on every width
        box = page.locator("input.md-search__input")
        box.fill("diffusion")
        box.press("End")
        wait_for_answer(page, "diffusion")
        page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=SEARCH_TIMEOUT_MS)
        page.locator("[data-pkb-search-filters] summary").click()
        page.locator("select[data-facet=year]").wait_for(state="visible")
        from .conftest import ARTIFACTS
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-panel-{width}-{scheme}.png"))
        # The panel stays inside the viewport on a phone.
        box_right = page.evaluate("document.querySelector('[data-pkb-search-filters]').getBoundingClientRect().right")
        assert box_right <= width + 1
    finally:
        context.close()


def test_a_failed_index_load_is_named_and_the_next_query_loads_it_again(reader):
    """A request of Pagefind's that fails (a dropped connection on a loaded machine or a flaky
    network) fails that search, marked as such, and no longer every later search of the page."""
    failed: list[str] = []
    network_down = [True]

    def drop_while_down(route) -> None:
        if network_down[0]:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    reader.page.route("**/pagefind/**/pagefind.js", drop_while_down)
    reader.open()
    page = reader.page
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("residual")
    box.press("End")
    page.wait_for_function("document.querySelector('[data-md-component=search-result][data-pkb-answered=residual]')"
                           "?.hasAttribute('data-pkb-failed')", timeout=SEARCH_TIMEOUT_MS)
    assert failed and page.locator(".md-search-result__item").count() == 0
    network_down[0] = False
    items = reader.search("residual network")  # the next query loads Pagefind again
    assert RESNET in items.locator("h1").all_inner_texts()
    assert reader.remote_requests == []
