"""`$$` display blocks as Typora and Obsidian write them, made into blocks arithmatex reads."""

from __future__ import annotations

import pytest

from paperkb.core.display_math import normalise_display_math


@pytest.mark.parametrize("written, read", [
    ("Text\n$$\nx^2\n$$\nafter", "Text\n\n$$\nx^2\n$$\n\nafter"),          # under a line of text
    ("![fig](a.png)\n$$ y $$", "![fig](a.png)\n\n$$ y $$"),                 # under an image, one line
    ("- item\n  $$\n  x\n  $$\n- next", "- item\n\n    $$\n    x\n    $$\n\n- next"),  # list item, 2 spaces
    ("10. ten\n    $$\n    x\n    $$", "10. ten\n\n    $$\n    x\n    $$"),
    ("- item\n\t$$\n\tx\n\t$$\n- next", "- item\n\n    $$\n    x\n    $$\n\n- next"),  # tab (Obsidian)
    # an item indented by two is a first-level item to Python-Markdown: its content is at 4
    ("- a\n\n  - b\n    $$\n    x\n    $$\n    for k", "- a\n\n  - b\n\n    $$\n    x\n    $$\n\n    for k"),
    ("> Step 1.\n> $$\n> x\n> $$\n> Step 2.", "> Step 1.\n>\n> $$\n> x\n> $$\n>\n> Step 2."),  # in a quote
    ("text\n$$\na \\\\\n   \nb\n$$", "text\n\n$$\na \\\\\nb\n$$"),  # a blank spacer row inside (Typora)
    ("  Friis:\n  $$\n  P = 1\n  $$\n  more", "  Friis:\n\n$$\nP = 1\n$$\n\n  more"),  # indented text, no list
    ("1. $$\n   a = b\n   $$\n2. $$\n   c\n   $$", "1. $$\n    a = b\n    $$\n2. $$\n    c\n    $$"),  # the item's text
    # in a quote (a callout's body) as Obsidian vaults write them: two spaces after `>`, a
    # formula right under a code block of the quote, a quote indented under a list item
    (">  Text\n>  $$\n>  x\n>  $$", ">  Text\n>\n> $$\n> x\n> $$"),
    ("> ```py\n> a = 1\n> ```\n> $$\n> x\n> $$", "> ```py\n> a = 1\n> ```\n>\n> $$\n> x\n> $$"),
    ("- item\n    > Text\n    > $$\n    > x\n    > $$", "- item\n    > Text\n    >\n    > $$\n    > x\n    > $$"),
])
def test_blocks_get_blank_lines_and_list_indentation(written, read):
    assert normalise_display_math(written) == read


@pytest.mark.parametrize("text", [
    "para\n\n$$\nx\n$$\n\nmore",                 # already a block
    "```\ntext\n$$\nx\n$$\n```",                 # code
    "```\n\t$$\n\tx\n\t$$\n```",                 # code indented with tabs keeps its tabs
    "```\n> $$\n> x\n> $$\n```",                  # a quote in code
    "para\n\n    > $$\n    > x\n    > $$",      # an indented code block that looks like a quote
    "para\n$$\nx\n\ny $$",                        # blank line and no `$$` line closing: text
    "Price $$ 5 and\n\nnothing closes it",        # no closing `$$` before a blank line
    "inline $x$ only",
])
def test_other_text_is_left_alone(text):
    assert normalise_display_math(text) == text
