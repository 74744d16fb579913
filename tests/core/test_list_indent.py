"""Lists nested the way Typora, Obsidian and Prettier nest them reach Python-Markdown nested."""

from __future__ import annotations

import re
import textwrap

import markdown
import pytest

from paperkb.core.list_indent import normalise_list_indent

EXTENSIONS = ["sane_lists", "pymdownx.superfences", "tables"]


def html(text: str) -> str:
    return markdown.markdown(normalise_list_indent(textwrap.dedent(text)), extensions=EXTENSIONS)


def shape(text: str) -> str:
    """The list structure of the HTML: tags only, text dropped."""
    return "".join(re.findall(r"</?(?:ul|ol|li|p|pre)>", html(text).replace("<li>\n", "<li>")))


def test_two_space_bullets_nest():
    out = html("""\
        - Problem
          - long videos
          - small data
        - Method
        """)
    assert re.search(r"<li>Problem<ul>\s*<li>long videos</li>\s*<li>small data</li>\s*</ul>\s*</li>", out), out
    assert "<li>Method</li>" in out


def test_three_levels_and_numbered_parents():
    out = html("""\
        1. First
           - sub
             - subsub
        2. Second
        """)
    assert re.search(r"<ol>\s*<li>First<ul>\s*<li>sub<ul>\s*<li>subsub</li>", out), out
    assert re.search(r"</ul>\s*</li>\s*<li>Second</li>\s*</ol>", out), out


def test_a_second_paragraph_stays_in_its_item_and_the_next_item_stays_an_item():
    out = html("""\
        - A

          More about A.
        - B
        """)
    assert re.search(r"<li>\s*<p>A</p>\s*<p>More about A\.</p>\s*</li>\s*<li>\s*<p>B</p>\s*</li>", out), out


def test_fenced_code_inside_an_item_moves_with_it_and_keeps_its_own_indentation():
    out = html("""\
        - Code:

          ```python
          def f():
              return 1
          ```
        - After
        """)
    assert '<span class="nf">f</span>' in out
    assert '\n    <span class="k">return</span>' in out, out  # the body's own four spaces kept
    assert re.search(r"</div>\s*</li>\s*<li>\s*(?:<p>)?After", out), out


def test_a_numbered_list_after_a_bulleted_one_is_its_own_list():
    out = html("""\
        - a
        - b

        1. one
        2. two
        """)
    assert re.search(r"</ul>\s*<ol>", out), out


@pytest.mark.parametrize("text", [
    "- A\n    - B\n        - C\n- D\n",  # four spaces a level already
    "Text\n\n    indented code\n    - not a list\n",  # an indented code block
    "```\n- a\n  - b\n```\n",  # a list inside a fenced block is code
    "> - quoted\n>   - nested\n",  # block quotes are left as written
    "- A\nlazy continuation\n- B\n",
])
def test_what_needs_no_change_is_left_as_written(text):
    assert normalise_list_indent(text) == text


def test_tabs_count_as_four_columns():
    out = html("- A\n\t- B\n")
    assert re.search(r"<li>A<ul>\s*<li>B</li>", out), out


def test_sibling_at_less_than_the_text_column_is_not_nested():
    assert shape("- A\n  - B\n - C\n") == "<ul><li><ul><li></li></ul></li><li></li></ul>"


@pytest.mark.parametrize("step", ["  ", "    "])
def test_a_thousand_levels_are_capped_and_every_item_kept(step):
    """Python-Markdown recurses per level (1,000 levels raise RecursionError): deeper items stay
    at the deepest level allowed, none is lost."""
    text = "".join(f"{step * i}- item {i}\n" for i in range(1000))
    out = markdown.markdown(normalise_list_indent(text), extensions=EXTENSIONS)
    assert out.count("<ul>") == 25
    assert all(f"item {i}<" in out or f"item {i}\n" in out for i in range(1000))
