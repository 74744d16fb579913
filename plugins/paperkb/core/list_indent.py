"""Nested lists written the way Typora, Obsidian, VS Code and Prettier write them, made into
the lists Python-Markdown reads.

Those editors (and CommonMark) nest an item under another when it is indented to the parent's
text: two spaces under ``- A``, three under ``1. A``. Python-Markdown nests only at four
spaces, so ``- A`` / ``  - B`` shows B as A's sibling and a second paragraph indented by two
drops out of the list. Here every line that belongs to a list item is re-indented to
Python-Markdown's four spaces per level; lines inside a fenced block of an item move with the
fence. Lists already nested by four spaces come out unchanged, and so does everything outside
lists (indented code blocks, block quotes, lazy continuation lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(r"^(?P<indent>[ ]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ ]{1,4}(?=\S)|[ ]*$)")
_FENCE = re.compile(r"^[ ]*(?P<fence>`{3,}|~{3,})")
_NEEDS_LOOK = re.compile(r"^[ ]{1,3}\S|^\t", re.M)  # a line indented by less than Python-Markdown's step
STEP = 4  # Python-Markdown's tab_length
MAX_DEPTH = 24  # deeper items stay at this level: Python-Markdown recurses per level (1,000 levels crash it)


_TOO_DEEP = re.compile(r"^[ ]{%d,}(?:[-*+]|\d{1,9}[.)])[ ]" % (MAX_DEPTH * STEP + 1), re.M)


@dataclass
class _Item:
    content: int  # the column the item's text starts at, as written
    target: int  # the column its marker goes to for Python-Markdown


def normalise_list_indent(markdown: str) -> str:
    """``markdown`` with its list items nested by four spaces (see the module docstring)."""
    if not _NEEDS_LOOK.search(markdown) and not _TOO_DEEP.search(markdown):
        return markdown  # nothing nested below four spaces, or too deep: no list needs a change
    out: list[str] = []
    stack: list[_Item] = []  # the open items, outermost first
    fence: str | None = None  # the fence of an open fenced block
    fence_shift = 0  # how far that block's lines move (with its list item)
    previous_blank = True
    loose_text = False  # the line before is a paragraph that began after a blank line inside an item
    for raw in markdown.split("\n"):
        line = _spaces_for_tabs(raw)
        if fence is not None:
            out.append(_shift(line, fence_shift) if fence_shift else raw)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
                loose_text = bool(stack)  # an item right after the block would join it as text
            continue
        if not line.strip():
            out.append(raw)
            previous_blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = _ITEM.match(line)
        shift = 0
        if item and (stack or indent < STEP):
            while stack and indent < stack[-1].content:
                stack.pop()
            target = min(stack[-1].target + STEP, MAX_DEPTH * STEP) if stack else 0
            gap = item.group("gap")
            stack.append(_Item(content=indent + len(item.group("marker")) + max(len(gap), 1), target=target))
            shift = target - indent
            if loose_text:  # Python-Markdown would read the item as more of that paragraph
                out.append("")
            loose_text = False
        elif stack:
            if previous_blank or line.lstrip(" ").startswith((">", "#", "|")):
                while stack and indent < stack[-1].content:
                    stack.pop()
            if stack and indent >= stack[-1].content:  # the text of the innermost item it is indented to
                shift = stack[-1].target + STEP - stack[-1].content
                loose_text = loose_text or previous_blank
            else:  # a lazy continuation line of a paragraph (as written), or the list has ended
                loose_text = loose_text and not previous_blank
        out.append(_shift(line, shift) if shift else raw)
        opening = _FENCE.match(line)
        if opening:
            fence, fence_shift = opening.group("fence"), shift
        previous_blank = False
    return "\n".join(out)


def _spaces_for_tabs(line: str) -> str:
    body = line.lstrip(" \t")
    return line[:len(line) - len(body)].expandtabs(STEP) + body


def _shift(line: str, by: int) -> str:
    """``line`` moved right by ``by`` columns (left, as far as its indentation allows)."""
    if by >= 0:
        return " " * by + line
    indent = len(line) - len(line.lstrip(" "))
    return line[min(indent, -by):]
