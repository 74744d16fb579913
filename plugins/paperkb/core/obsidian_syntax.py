"""Obsidian's Markdown that Python-Markdown reads otherwise, made into what Obsidian shows.

- ``%% comments %%`` are dropped (body_scan.strip_obsidian_comments): Obsidian shows them only
  while editing.
- A block ID at the end of a paragraph or item (``An important claim. ^claim-1``) becomes an
  anchor there, so ``[[note#^claim-1]]`` lands on it; one on a line of its own is dropped.
- ``#tag`` at the start of a line is an Obsidian tag, not a heading (Python-Markdown would
  make ``#paper #nlp`` a level-1 heading: CommonMark, Obsidian and VS Code need a space).

Code is left as written; every line keeps its number."""

from __future__ import annotations

import re

from .body_scan import heading_anchor, iter_prose_lines, strip_obsidian_comments

_BLOCK_ID = r"\^(?P<id>[A-Za-z0-9][A-Za-z0-9-]*)"
_TRAILING_BLOCK_ID = re.compile(rf"(?<=\S)[ \t]+{_BLOCK_ID}[ \t]*$")
_LONE_BLOCK_ID = re.compile(rf"^[ \t]*{_BLOCK_ID}[ \t]*$")
_TAG_AT_START = re.compile(r"^(?P<indent>[ \t]{0,3})#(?=[^\s#])")
_FRAGMENT_BLOCK_ID = re.compile(rf"^{_BLOCK_ID}$")
_MAYBE = re.compile(rf"^[ \t]{{0,3}}#[^\s#]|(?:^|[ \t]){_BLOCK_ID}[ \t]*$", re.M)  # a quick look first


def block_or_heading_anchor(fragment: str) -> str:
    """The anchor a link's ``#fragment`` names: a block (``^claim-1``) or a heading by its text."""
    return fragment if _FRAGMENT_BLOCK_ID.match(fragment) else heading_anchor(fragment)


def block_anchor(block_id: str) -> str:
    return f'<a id="^{block_id}"></a>'  # (the id is letters, digits and dashes: nothing to escape)


def obsidian_to_markdown(text: str) -> str:
    """``text`` with Obsidian's comments, block IDs and line-leading tags as Obsidian shows them."""
    text = strip_obsidian_comments(text)
    if not _MAYBE.search(text):
        return text
    lines = text.split("\n")
    for index, line in iter_prose_lines(text):  # (inline code blanked: the same columns as ``lines``)
        original = lines[index]
        if "^" in line:
            if _LONE_BLOCK_ID.match(line):
                lines[index] = ""
                continue
            trailing = _TRAILING_BLOCK_ID.search(line)
            if trailing:
                original = original[:trailing.start()] + " " + block_anchor(trailing.group("id"))
        if "#" in line and _TAG_AT_START.match(line):
            original = _TAG_AT_START.sub(r"\g<indent>\\#", original, count=1)
        lines[index] = original
    return "\n".join(lines)
