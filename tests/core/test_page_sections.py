"""The part of a page an embed names: a heading's section, a block, the text under the title."""

from __future__ import annotations

import pytest

from paperkb.core.page_sections import block, heading_section, headings, without_leading_title

PAGE = """\
# Rust

## Pointers

###   `Box<T>`

A pointer to the heap.

```rust
# not a heading
```

### `Rc<T>` counted

Shared. ^shared-claim

Method
------

Setext section.

- an item ^item-id
- another

A paragraph
over two lines.

^lone-id
"""


def test_headings_outside_code_with_their_text_as_written():
    assert [(h.level, h.text) for h in headings(PAGE)] == [
        (1, "Rust"), (2, "Pointers"), (3, "`Box<T>`"), (3, "`Rc<T>` counted"), (2, "Method")]


@pytest.mark.parametrize("fragment, starts, excludes", [
    ("`Box<T>`", "A pointer to the heap.", "Shared."),        # up to the next heading of its level
    ("Pointers", "###   `Box<T>`", "Setext section."),         # its sub-sections too, not the next `##`
    ("Rust#Pointers#`Rc<T>` counted", "Shared.", "A pointer"),  # Obsidian's path of headings
    ("method", "Setext section.", "Shared."),                  # by its text in any case; setext
])
def test_heading_sections(fragment, starts, excludes):
    section = heading_section(PAGE, fragment)
    assert section is not None and section.startswith(starts) and excludes not in section


def test_a_missing_heading_is_none():
    assert heading_section(PAGE, "Nowhere") is None and heading_section(PAGE, "not a heading") is None


@pytest.mark.parametrize("fragment, text", [
    ("^shared-claim", "Shared."),
    ("^item-id", "- an item"),
    ("^lone-id", "A paragraph\nover two lines."),
    ("^missing", None),
])
def test_blocks(fragment, text):
    assert block(PAGE, fragment) == text


@pytest.mark.parametrize("text, kept", [
    ("# Title\n\nBody.", "Body."),
    ("#tag-one #tag-two\n\n# Title\nBody.", "#tag-one #tag-two\n\nBody."),  # tags above the title stay
    ("Intro.\n\n# Title\n", "Intro.\n\n# Title\n"),  # a heading further down is the page's text
    ("## Section\nBody.", "## Section\nBody."),
])
def test_the_title_that_opens_a_page_gives_way_to_the_caption(text, kept):
    assert without_leading_title(text) == kept
