"""A page that is one tight list of plain items is written as Python-Markdown writes it, with
every extension paperkb configures and the text-neutral ones a site may add
(render/plain_list.py); anything else is left to Markdown."""

from __future__ import annotations

import random

import markdown
import pytest

from paperkb.default_config import MARKDOWN_EXTENSIONS
from paperkb.render.plain_list import plain_list_html
from paperkb.render.plain_text import text_neutral

EXTRA = ["sane_lists", "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret", "pymdownx.keys",
         "pymdownx.magiclink", "pymdownx.critic", "pymdownx.tabbed", "pymdownx.emoji", "meta", "def_list"]

PLAIN = [
    "- one\n- two\n",
    "\n\n- Cost: about 3x cheaper than the baseline.\n- CLIP score on CIFAR-10: 67.5 (+5.9).\n\n",
    "- 代码开源，复现难度不大。\n- 消融：去掉 the replay buffer 后 BLEU 下降 0.7。",
    "- \ue000pkbabc123x1\ue001 Check whether the gain survives more seeds.\n- Compared against \ue000pkbabc123x2\ue001.",
    "- \"quoted\" and 'single' and (parentheses) and 100% and a/b; c? d. e, f",
    "- x",
    "- J&F on MSR-VTT: 28.5 (+3.1).\n- Speed & memory & accuracy.",
    "- a&amp b &12 c &",
]
NOT_PLAIN = [
    "", "Text.", "- one\n\n- two", "- one\n  continued", "* star\n* list", "+ plus", "1. ordered",
    "- 1. nested", "- 2) nested", "- - nested", "- > quote", "- # heading", "- *em*", "- _em_", "- `code`",
    "- [link](x)", "- [ ] task", "- a &amp; b", "- &#169; x;", "- a < b", "- a > b", "- ==mark==", "- ~~del~~", "- ^sup^",
    "- $x$", "- \\(x\\)", "- :smile:", "- https://example.org", "- www.example.org",
    "- {++add++}", "- ++ctrl+alt++", "- a | b", "- ??? note", "- !!! note", "- /// tab", "- === tab",
    "- trailing  ", "-  two spaces", "- tab\there", "- a\x02b", "- ---", "- =", "- : defined",
    "*[HTML]: Hyper\n- HTML", "- one\nText after", "- one\n    code", "- one\n\n[^1]: note",
    "- a<!-- c -->", "- a\\b", "- #tag",
]


@pytest.fixture(scope="module")
def converters() -> list[markdown.Markdown]:
    extensions, configs = [], {}
    for entry in MARKDOWN_EXTENSIONS:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            extensions.append(name)
            configs[name] = options
        else:
            extensions.append(entry)
    assert text_neutral(extensions, configs) and text_neutral(extensions + EXTRA, configs)
    return [markdown.Markdown(extensions=extensions, extension_configs=configs),
            markdown.Markdown(extensions=extensions + EXTRA, extension_configs=configs)]


def _markdown(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_list_is_written_as_markdown_writes_it(text, converters):
    for md, mentions in zip(converters, (False, True)):
        html = plain_list_html(text, mentions=mentions)
        assert html is not None and html.startswith("<ul>\n<li>")
        assert html == _markdown(md, text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_else_is_left_to_markdown(text):
    assert plain_list_html(text) is None and plain_list_html(text, mentions=False) is None


def test_an_at_sign_is_plain_without_magiclink(converters):
    text = "- R@1: 41.0\n- write to me@example.org"
    assert plain_list_html(text, mentions=True) is None
    assert plain_list_html(text, mentions=False) == _markdown(converters[0], text)


def test_random_items_are_written_as_markdown_writes_them_or_left_to_it(converters):
    """Items made of words and every character Markdown or an extension may read: each list
    the shortcut writes is Markdown's, and plain word lists are taken."""
    rng = random.Random(7)
    pieces = ["word", "词", " ", " ", "x", "1.", "2)", "-", "*", "_", "`", "[", "]", "(", ")", "<", ">", "&",
              "$", "#", "|", "~", "^", "!", "{", "}", "@", ":", "=", "+", "?", "/", "\\", "\t", ".", ",", "'", '"',
              "%", "\ue000", "http://", "www.", ";", "amp", "#169", "&amp;"]
    taken = 0
    for _ in range(5000):
        items = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 4))]
        text = "\n".join(f"- {item}" for item in items) + "\n"
        for md, mentions in zip(converters, (False, True)):  # (the second has magiclink)
            html = plain_list_html(text, mentions=mentions)
            if html is not None:
                taken += 1
                assert html == _markdown(md, text), text
    assert taken > 200
