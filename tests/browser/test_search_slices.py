"""Search over an index in slices, in headless Chromium: a site built with ``search_slice_size: 5``
has several Pagefind bundles, merged in the browser into one search (words from every slice,
counts over all of them, filter-only lists newest first across slices)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator

import pytest

from ..conftest import build_site, note, pagefind_slices
from .conftest import LocalServer, _open_reader, _QuietHandler

WORDS = ["quetzal", "marimba", "obsidian", "tundra", "zephyr", "lagoon", "citadel", "fjord", "savanna", "glacier",
         "bayou", "mesa", "atoll", "canyon", "delta", "steppe", "taiga", "geyser", "oasis", "reef", "moraine",
         "caldera"]


def _year(i: int) -> int:
    return 2000 + (i * 7) % 12  # years scattered over the slices


@pytest.fixture(scope="module")
def sliced_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sliced-search")
    files = {}
    for i, word in enumerate(WORDS):
        files[f"papers/p{i:02d}.md"] = note(
            f"Paper {word.title()}", key=f"p{i:02d}", year=_year(i), fields=["RL" if i % 2 else "Vision"],
            venue="ICML", problem=f"A sharedterm problem about {word}.",
            body=f"## Notes\n\nOnly this note says {word}word.\n")
    files["papers/secret.md"] = note("Hidden draft", key="secret", draft=True, problem="zanzibarword sharedterm.")
    site = build_site(root, files, plugins=["search", "tags", {"paperkb": {"search_slice_size": 5}}])
    assert site.ok, site.messages
    assert len(pagefind_slices(site.site_dir)) >= 5
    return site.site_dir


@pytest.fixture(scope="module")
def sliced_url(sliced_site) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(sliced_site))
    server = LocalServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def reader(browser, sliced_url):
    yield from _open_reader(browser, sliced_url, "light")


def _titles(reader) -> list[str]:
    return reader.page.locator(".md-search-result__item h1").all_inner_texts()


def _years(reader) -> list[int]:
    facts = reader.page.locator(".md-search-result__item .pkb-search-facts").all_inner_texts()
    return [int(re.search(r"\b(\d{4})\b", text).group(1)) for text in facts]


def _scroll_until(page, count: int) -> None:
    """Scroll the results as a reader does until ``count`` are shown (material draws the first ten,
    then four more each time the end of the list comes into view)."""
    for _ in range(100):
        if page.locator(".md-search-result__item").count() == count:
            return
        page.locator(".md-search-result__item").first.hover()
        page.mouse.wheel(0, -3000)  # (material draws more when the end comes into view again)
        page.wait_for_timeout(100)
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(100)
    assert page.locator(".md-search-result__item").count() == count


def test_words_of_every_slice_are_found(reader):
    reader.open()
    for i in (0, 7, 13, len(WORDS) - 1):  # notes in the first, middle and last slices
        box = reader.page.locator("input.md-search__input")
        box.fill("")
        reader.search(f"{WORDS[i]}word")
        reader.page.wait_for_function(
            "(title) => [...document.querySelectorAll('.md-search-result__item h1')].some(e => e.innerText === title)",
            arg=f"Paper {WORDS[i].title()}", timeout=10_000)
        assert _titles(reader)[0] == f"Paper {WORDS[i].title()}"
    assert reader.errors == [] and reader.remote_requests == []


def test_a_word_in_every_note_counts_all_slices_and_no_draft(reader):
    reader.open()
    reader.search("sharedterm")
    page = reader.page
    page.wait_for_function("() => /of 22 matching/.test(document.querySelector('.md-search-result__meta').innerText)",
                           timeout=10_000)
    assert len(_titles(reader)) == 10 and "Hidden draft" not in _titles(reader)
    page.locator("[data-pkb-search-filters] summary").click()
    # Each field's count in the menu is this search's count over all slices.
    options = page.locator("select[data-facet=field] option").all_inner_texts()
    assert "RL (11)" in options and "Vision (11)" in options
    page.locator(".pkb-search-more").click()
    page.locator(".pkb-search-more").click()
    _scroll_until(page, 22)
    assert len(set(_titles(reader))) == 22
    box = page.locator("input.md-search__input")
    box.fill("zanzibarword")
    box.press("End")
    page.wait_for_timeout(800)
    assert "Hidden draft" not in page.locator(".md-search-result").inner_text()
    assert reader.errors == []


def test_a_filter_alone_lists_notes_newest_first_across_slices(reader):
    reader.open()
    page = reader.page
    page.locator("input.md-search__input").click()
    page.locator("[data-pkb-search-filters] summary").click()
    page.locator("select[data-facet=field]").select_option(value="RL")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item h1').length === 10",
                           timeout=10_000)
    page.locator(".pkb-search-more").click()
    _scroll_until(page, 11)
    years = _years(reader)
    expected = sorted((_year(i) for i in range(len(WORDS)) if i % 2), reverse=True)
    assert years == expected  # every RL note, newest first, though the slices hold them mixed
    # The year menu counts the RL notes of each year, over all slices.
    options = page.locator("select[data-facet=year] option:not([disabled])").all_inner_texts()
    assert [o for o in options if "(" in o] == [f"{y} ({expected.count(y)})" for y in sorted(set(expected), reverse=True)]
    assert reader.errors == []


def _filter_chunks(requests: list[str]) -> list[str]:
    return [url for url in requests if re.search(r"/pagefind/\d+/filter/", url)]


def test_opening_the_filters_fetches_every_slices_year_chunk_before_a_year_is_chosen(reader):
    """Each slice keeps its own filter chunks, and a year chosen waited for all of them (one
    request per slice) before it searched: every slice's year chunk is fetched when the panel
    opens, so choosing a year fetches no filter chunk."""
    requests: list[str] = []
    reader.page.context.on("request", lambda request: requests.append(request.url))
    reader.open()
    page = reader.page
    reader.search("sharedterm")
    assert _filter_chunks(requests) == []  # a search with no filter loads none
    page.locator("[data-pkb-search-filters] summary").click()
    for _ in range(100):  # until the slices fetched their chunks (and no more come for half a second)
        fetched = len(set(_filter_chunks(requests)))
        page.wait_for_timeout(500)
        if fetched and fetched == len(set(_filter_chunks(requests))):
            break
    before = set(_filter_chunks(requests))
    assert len({re.search(r"/pagefind/(\d+)/", url).group(1) for url in before}) >= 2  # the slices with years
    year = str(_year(3))
    page.locator("select[data-facet=year]").select_option(value=year)
    page.wait_for_function("(year) => { const items = [...document.querySelectorAll('.md-search-result__item "
                           ".pkb-search-facts')]; return items.length && items.every(e => e.innerText.includes(year)); }",
                           arg=year, timeout=10_000)
    expected = sum(1 for i in range(len(WORDS)) if str(_year(i)) == year)
    assert len(_titles(reader)) == expected
    assert set(_filter_chunks(requests)) == before  # nothing more to fetch for the year
    assert reader.errors == []


def test_a_year_alone_lists_that_years_notes_of_every_slice(reader):
    """A filter-only search for one year answers from its one search (it searched the year twice),
    and fetches no index chunk: Pagefind's script fetched every chunk of every slice for it (10 MB
    at 10,000 notes; core/pagefind_script.py)."""
    requests: list[str] = []
    reader.page.context.on("request", lambda request: requests.append(request.url))
    reader.open()
    page = reader.page
    page.locator("input.md-search__input").click()
    page.locator("[data-pkb-search-filters] summary").click()
    year = _year(1)
    page.locator("select[data-facet=year]").select_option(value=str(year))
    expected = sorted(f"Paper {WORDS[i].title()}" for i in range(len(WORDS)) if _year(i) == year)
    page.wait_for_function("(n) => document.querySelectorAll('.md-search-result__item h1').length === n",
                           arg=len(expected), timeout=10_000)
    assert sorted(_titles(reader)) == expected and set(_years(reader)) == {year}
    assert _filter_chunks(requests) and not [url for url in requests if re.search(r"/pagefind/\d+/index/", url)]
    assert reader.errors == []
