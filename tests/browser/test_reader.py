"""The example site as a reader sees it, in headless Chromium (screenshots in tests/artifacts/)."""

from __future__ import annotations

import re

import pytest


NOTE = "papers/vaswani2017attention/"
NOTE_TITLE = "Attention Is All You Need"
BLOG_POSTS = ["From DDPM to Latent Diffusion: a reading path", "从 DQN 到 RLHF：深度强化学习的一条阅读路线",
              "Scaling laws in three papers"]
DRAFT_POST = "Draft: notes on state-space models"


def _offline_and_clean(reader) -> None:
    assert reader.remote_requests == [], "the page asked another host (a CDN?)"
    assert reader.errors == []


def test_home_shows_the_statistics(reader):
    reader.open()
    total = reader.page.locator("article").get_by_text(re.compile(r"Total\s*Count"))
    assert total.first.is_visible()
    text = reader.page.locator("article").inner_text()
    assert re.search(r"Total\s*Count:\s*\d+\s*papers", text)
    assert reader.page.locator("article table").count() >= 3  # by field, year, type, ...
    reader.screenshot("home")
    _offline_and_clean(reader)


def test_field_page_lists_its_notes(reader):
    reader.open("fields/llm/")
    links = reader.page.locator("article table a")
    titles = links.all_inner_texts()
    assert NOTE_TITLE in titles and "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding" in titles
    assert "Deep Residual Learning for Image Recognition" not in titles  # a Vision note
    reader.screenshot("field-llm")
    links.filter(has_text=NOTE_TITLE).first.click()
    reader.page.wait_for_url(re.compile(re.escape(NOTE) + "$"))
    _offline_and_clean(reader)


def test_note_page_shows_card_rendered_math_and_diagram(reader):
    reader.open(NOTE)
    page = reader.page
    card = page.locator(".pkb-card").first
    assert card.is_visible()
    assert NOTE_TITLE in card.inner_text() and "NeurIPS" in card.inner_text()
    # Math: KaTeX typeset every arithmatex element; no TeX source is left in the text.
    page.wait_for_selector(".arithmatex .katex")
    assert page.locator(".arithmatex").count() == page.locator(".arithmatex[data-pkb-math]").count() > 5
    assert page.locator(".katex-display").count() >= 1
    article = page.locator("article").inner_text()
    assert "$$" not in article and "\\(" not in article and "\\frac" not in article
    assert page.locator(".katex-error").count() == 0
    # KaTeX's own fonts are loaded from the site.
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
    reader.screenshot("note-light")
    # The citation diagram is an inline SVG on the page.
    diagram = page.locator("article svg a").first
    if not diagram.count():
        pytest.fail("no citation diagram (inline <svg> with links) on the note page")
    diagram.scroll_into_view_if_needed()
    reader.screenshot("note-diagram-light")
    _offline_and_clean(reader)


def test_clicking_a_node_in_the_diagram_opens_that_note(reader):
    reader.open(NOTE)
    node = reader.page.locator('article svg a[*|href*="he2016resnet"]').first
    node.scroll_into_view_if_needed()
    node.click()
    reader.page.wait_for_url(re.compile(r"papers/he2016resnet/$"))
    assert "Deep Residual Learning for Image Recognition" in reader.page.locator(".pkb-card").first.inner_text()
    _offline_and_clean(reader)


@pytest.mark.parametrize("query, expected", [
    ("误差", "Deep Residual Learning for Image Recognition"),   # a two-character word in a long sentence
    ("原因", "Soft Actor-Critic"),                             # inside the longer word 根本原因
    ("sinusoidal", NOTE_TITLE),
    ("shortcuts", "Deep Residual Learning for Image Recognition"),  # that note only says "shortcut"
])
def test_search_finds_chinese_and_english_words(reader, query, expected):
    reader.open()
    items = reader.search(query)
    titles = items.locator("h1").all_inner_texts()
    assert any(expected in t for t in titles), titles
    reader.screenshot(f"search-{query}")
    _offline_and_clean(reader)


def test_blog_index_lists_the_posts_and_no_draft(reader):
    reader.open("blog/")
    titles = reader.page.locator("article.md-post h2").all_inner_texts()
    assert sorted(titles) == sorted(BLOG_POSTS)
    assert DRAFT_POST not in reader.page.content()
    sidebar = reader.page.locator(".md-sidebar--primary").inner_text()
    assert "Archive" in sidebar and "Categories" in sidebar
    reader.screenshot("blog-index")
    reader.page.get_by_role("link", name=BLOG_POSTS[0]).first.click()
    reader.page.wait_for_url(re.compile(r"blog/2024/03/02/"))
    embed = reader.page.locator(".pkb-embed .pkb-card").first
    assert embed.is_visible()
    embed.locator("a").first.click()  # the embedded card links to its note
    reader.page.wait_for_url(re.compile(r"papers/ho2020ddpm/$"))
    _offline_and_clean(reader)


def _scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_dark_mode_toggle_switches_the_palette(reader):
    reader.open(NOTE)
    page = reader.page
    assert _scheme(page) == "default"
    light_bg = page.evaluate("getComputedStyle(document.querySelector('.pkb-card')).backgroundColor")
    page.locator("label[title='Switch to dark mode']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark_bg = page.evaluate("getComputedStyle(document.querySelector('.pkb-card')).backgroundColor")
    assert dark_bg != light_bg  # the card follows the palette
    reader.screenshot("note-dark")
    page.locator("article svg:has(a)").first.scroll_into_view_if_needed()
    reader.screenshot("note-diagram-dark")
    page.locator("label[title='Switch to light mode']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    _offline_and_clean(reader)


def test_system_dark_preference_starts_dark(dark_reader):
    dark_reader.open("blog/")
    assert _scheme(dark_reader.page) == "slate"
    dark_reader.screenshot("blog-index-dark")
    _offline_and_clean(dark_reader)
