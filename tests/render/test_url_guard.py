"""Links that would run code are made inert in finished HTML (render/url_guard.py)."""

from __future__ import annotations

import random

import pytest

from paperkb.render.url_guard import InertTexts, _find, is_inert, neutralize_around, neutralize_script_urls

# Written the ways a browser still reads as a script address: any case, a space before or after
# "=", unquoted, encoded colons, tabs inside the scheme, prefixed attribute names.
HOSTILE = [
    '<a href="javascript:alert(1)">x</a>',
    "<a HREF='JaVaScRiPt:alert(1)'>x</a>",
    '<a href = "javascript:alert(1)">x</a>',
    '<a href\t=\n"javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="javascript&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<form><button formaction="vbscript:msgbox(1)">x</button></form>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<iframe srcdoc="javascript:alert(1)"></iframe>',
]

HARMLESS = [
    '<a href="https://example.org/a:b">x</a>',
    '<a href = "http://example.org">x</a>',
    '<a href="mailto:me@example.org">x</a>',
    '<a href="../papers/x/">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<p title="Benchmark: javascript: a talk">x</p>',
    '<pre><code>x = "javascript:alert(1)"</code></pre>',
    '<span style="color: red">x</span>',
]


@pytest.mark.parametrize("page", HOSTILE)
def test_a_script_address_loses_its_attribute_however_it_is_written(page):
    inert = neutralize_script_urls(page)
    assert "alert(1)" not in inert and "msgbox(1)" not in inert
    assert ">x<" in inert or inert.startswith("<iframe")  # the link's text stays


@pytest.mark.parametrize("page", HARMLESS)
def test_usual_addresses_and_text_that_only_looks_like_one_stay_as_written(page):
    assert neutralize_script_urls(page) == page


def test_the_part_already_checked_is_not_changed_but_the_rest_is():
    content = "<p>" + "safe text " * 40 + "</p>"
    page = f'<a href="javascript:alert(1)">top</a>{content}<a href = "vbscript:x">end</a>'
    inert = neutralize_around(page, content)
    assert content in inert and "javascript:" not in inert and "vbscript:" not in inert


def _page(title: str, nav: str, content: str, footer: str, *, material: bool = False) -> str:
    topic = (f'<div class="md-header__topic" data-md-component="header-topic"><span>{title}</span></div>'
             if material else title)  # (where mkdocs-material writes the title in its header)
    return (f"<html><head><title>{title}</title>{nav}</head><body><header>{topic}{nav}</header>"
            f'<nav>{nav}</nav><div class="md-content">{content}<footer>{footer}</footer></body></html>')


@pytest.mark.parametrize("material", [False, True])
def test_the_template_parts_pages_share_are_remembered_yet_every_page_is_checked(material):
    known = InertTexts()
    content = "<p>" + "safe text " * 40 + "</p>"
    nav = '<a href="../a/">a</a>' * 30
    clean = _page("A", nav, content, "<p>footer</p>", material=material)
    assert neutralize_around(clean, content, known) is clean
    assert neutralize_around(clean, content, known) is clean  # (the shared parts from memory)
    for hostile in HOSTILE[:9]:
        for page in (_page(hostile, nav, content, "<p>footer</p>", material=material),  # title: head, header
                     _page("A", nav + hostile, content, "<p>footer</p>", material=material),  # the shared parts
                     _page("A", nav, content, hostile, material=material)):  # in the footer
            inert = neutralize_around(page, content, known)
            assert inert == neutralize_around(page, content) == neutralize_script_urls(page)
            assert "alert(1)" not in inert and content in inert


def test_whether_text_is_inert_is_the_same_split_before_a_tag():
    pieces = ["<a ", "href", "=", " ", '"', "'", "javascript", ":", "&#58;", "https", "x", ">", "<", "\n",
              "</header>", "data", "src", "<iframe "]
    rng = random.Random(11)
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(24)))
        cut = text.find("<", rng.randrange(len(text) + 1))
        if cut >= 0:
            assert is_inert(text) == (is_inert(text[:cut]) and is_inert(text[cut:])), text
        assert InertTexts().inert(text) == is_inert(text), text


@pytest.mark.parametrize("part", ["x" * 300, "ab" * 200, "x" * 63 + "y" * 300])
def test_finding_a_long_part_is_str_find(part):
    for html in (part, "x" * 70 + part, "x" * 64 + "y" + part + "z", "nothing here", ("x" * 63 + "y") * 6 + part):
        assert _find(html, part) == html.find(part)
