"""``$$ … $$`` display math written the way Typora and Obsidian users write it, made into the
blocks pymdownx.arithmatex reads.

Those editors render a ``$$`` block wherever it stands: right under a line of text or an image,
or indented under a list item by the item's own indentation (two or three spaces, or a tab), or
inside a block quote (``> $$``). Python-Markdown
sees a block only after a blank line, and list content only at four spaces, so such formulas
would show as ``$$ … $$`` text. Each one gets the blank lines around it and, inside a list
item, the item's content indentation (Python-Markdown nests lists by four spaces: an item
indented by two is a first-level item). In a block quote, the quote's text is treated the same
way. Code blocks and inline code are left alone.

A ``$$x$$`` that shares its line with text (``such that $$\\forall n$$.``) is display math to
Obsidian and inline math to kramdown; arithmatex reads ``$$`` only as a block, so it would show
as ``$`` signs around an inline formula. Notes get it in display style inside the line
(``$\\displaystyle x$``), imported Jekyll posts as kramdown meant it (``$x$``)."""

from __future__ import annotations

import re

from .body_scan import iter_prose_lines

_LIST_ITEM = re.compile(r"^(?P<indent>[ ]*)(?:[-*+]|\d+[.)])[ \t]+\S")
_QUOTE = re.compile(r"^(?P<lead>[ \t]*)> ?")  # (indented: a quote in a list item; code is no prose)
_ITEM_OPENING_MATH = re.compile(r"^(?P<marker>(?P<indent>[ ]*)(?:[-*+]|\d+[.)])[ \t]+)\$\$")  # `1. $$` (Typora)
_MAX_BLOCK_LINES = 200  # a `$$` never closed is text, not the start of a formula eating the page
_TAB_WIDTH = 4  # Python-Markdown's tab_length
# `$$ x $$` with text before or after it on its line (arithmatex wants no space inside `$...$`)
_DOLLARS_IN_TEXT = re.compile(r"(?<![\\$])\$\$[ \t]*(?=[^\s$])(.+?)(?<=\S)(?<!\\)[ \t]*\$\$(?!\$)")


def _spaces_for_tabs(line: str) -> str:
    """``line`` with the tabs of its indentation as the spaces Python-Markdown counts them."""
    body = line.lstrip(" \t")
    return line[:len(line) - len(body)].expandtabs(_TAB_WIDTH) + body


def _closing_line(lines: list[str], start: int) -> int | None:
    """Index of the line that closes the ``$$`` block opened on ``lines[start]``."""
    first = lines[start].strip()
    if len(first) > 4 and first.endswith("$$"):
        return start  # $$ x^2 $$ on one line
    gaps = False
    for index in range(start + 1, min(len(lines), start + _MAX_BLOCK_LINES)):
        text = lines[index].strip()
        if not text:
            if first != "$$":
                return None  # a `$$` inside text, not a block: this `$$` is text
            gaps = True  # Typora renders a formula with blank lines in it (a matrix's spacer row)
            continue
        if text.endswith("$$"):
            return index if not gaps or text == "$$" else None
    return None


def _item_content_column(lines: list[str], before: int, indent: int) -> int | None:
    """The content column (the marker's nesting level, by four spaces, plus 4) of the list item that a block indented by
    ``indent`` belongs to: the nearest item above it, in the same run of lines, indented less."""
    for index in range(before - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            return None
        match = _LIST_ITEM.match(_spaces_for_tabs(line))  # a callout's body is indented by a tab
        if match and len(match.group("indent")) < indent:
            return len(match.group("indent")) // _TAB_WIDTH * _TAB_WIDTH + _TAB_WIDTH
    return None


def _needs_work(lines: list[str]) -> bool:
    """Whether a `$$` block opens right under text, indented, or is followed by text (a quick
    pass that ignores code: a `$$` in code only costs the full scan)."""
    in_block = False
    for index, line in enumerate(lines):
        text = line.strip()
        if not in_block and _ITEM_OPENING_MATH.match(line):
            return True
        if not in_block and text.startswith("$$"):
            if line[0] in " \t" or (index and lines[index - 1].strip()):
                return True
            in_block = not (len(text) > 4 and text.endswith("$$"))
            if not in_block and index + 1 < len(lines) and lines[index + 1].strip():
                return True
        elif in_block and text.endswith("$$"):
            in_block = False
            if index + 1 < len(lines) and lines[index + 1].strip():
                return True
    return False


def dollars_in_text(markdown: str, *, display: bool) -> tuple[str, int]:
    """``markdown`` with each ``$$x$$`` that shares its line with text as ``$x$`` (``display``:
    ``$\\displaystyle x$``), outside code; returns it and how many there were. A formula alone on
    its line is a display block and stays."""
    lines = markdown.split("\n")
    count = 0
    for index, prose in iter_prose_lines(markdown):
        if "$$" not in prose:
            continue
        matches = list(_DOLLARS_IN_TEXT.finditer(prose))  # prose has code spans blanked, same offsets
        if not matches or len(matches) == 1 and not prose[:matches[0].start()].strip(" \t>") \
                and not prose[matches[0].end():].strip():
            continue
        written = lines[index]
        for match in reversed(matches):
            tex = written[match.start(1):match.end(1)]
            written = written[:match.start()] + ("$\\displaystyle " if display else "$") + tex + "$" \
                + written[match.end():]
            count += 1
        lines[index] = written
    return "\n".join(lines), count


def normalise_display_math(markdown: str) -> str:
    """``markdown`` with every ``$$`` display block standing as a block arithmatex reads."""
    if "$$" not in markdown:
        return markdown
    markdown, _ = dollars_in_text(markdown, display=True)
    if ">" in markdown:
        markdown = _within_quotes(markdown)
    lines = markdown.split("\n")
    if not _needs_work(lines):
        return markdown  # every formula already stands as a block: no prose scan
    prose = {index for index, _ in iter_prose_lines(markdown)}
    out: list[str] = []
    index = 0
    while index < len(lines):
        written = lines[index]
        item = _ITEM_OPENING_MATH.match(written) if index in prose else None
        if item is not None:
            end = _closing_line([*lines[:index], written[len(item.group("marker")):], *lines[index + 1:]], index)
            if end is not None and end > index:
                # a formula that is the item's text: its other lines go to the item's content column
                column = len(item.group("indent")) // _TAB_WIDTH * _TAB_WIDTH + _TAB_WIDTH
                out.append(written)
                out += [" " * column + b.strip() for b in lines[index + 1:end + 1] if b.strip()]
                if end + 1 < len(lines) and lines[end + 1].strip() and not _LIST_ITEM.match(lines[end + 1]):
                    out.append("")
                index = end + 1
                continue
        line = _spaces_for_tabs(written)  # Obsidian and Typora indent with tabs
        stripped = line.lstrip(" ")
        end = _closing_line(lines, index) if index in prose and stripped.startswith("$$") else None
        if end is None:
            out.append(written)
            index += 1
            continue
        # blank lines would end the block for Python-Markdown (in TeX they are no part of a formula)
        block = [line] + [_spaces_for_tabs(b) for b in lines[index + 1:end + 1] if b.strip()]
        indent = len(line) - len(stripped)
        column = _item_content_column(lines, index, indent) if indent else None
        if column is None and 0 < indent < _TAB_WIDTH:
            column = 0  # indented text outside a list: arithmatex reads a block from its first column
        if column is not None and column != indent:
            block = [" " * column + b[min(indent, len(b) - len(b.lstrip(" "))):] for b in block]
        if out and out[-1].strip():
            out.append("")
        out += block
        if end + 1 < len(lines) and lines[end + 1].strip():
            out.append("")
        index = end + 1
    return "\n".join(out)


def _within_quotes(markdown: str) -> str:
    """``markdown`` with the text of each block quote (outside code) normalised as Markdown of its
    own: Obsidian renders a ``> $$`` block right under ``> text`` in a quote, too, and in a quote
    indented under a list item (a callout nested in the item)."""
    lines = markdown.split("\n")
    if not any(_QUOTE.match(line) and "$$" in line for line in lines):
        return markdown
    prose = {index for index, _ in iter_prose_lines(markdown)}
    out: list[str] = []
    index = 0
    while index < len(lines):
        quote = _QUOTE.match(lines[index]) if index in prose else None
        lead = _quote_lead(quote.group("lead")) if quote else None
        end = index
        while end < len(lines) and end in prose and (q := _QUOTE.match(lines[end])) and _quote_lead(q.group("lead")) == lead:
            end += 1
        if end == index:
            out.append(lines[index])
            index += 1
            continue
        run = lines[index:end]
        inner = [line[_QUOTE.match(line).end():] for line in run]
        normalised = normalise_display_math("\n".join(inner)).split("\n")
        if index and _QUOTE.match(lines[index - 1]) and normalised[0].lstrip().startswith("$$"):
            normalised.insert(0, "")  # a formula right under a code block of the quote (its fence ends the run)
        out += run if normalised == inner else [f"{lead}> {line}" if line else f"{lead}>" for line in normalised]
        index = end
    return "\n".join(out)


def _quote_lead(indent: str) -> str:
    """What goes before a quote's ``>``: nothing for a quote of the page (up to three spaces, as
    ``>`` and `` >`` lines of one callout mix), the indentation of a quote nested in a list item."""
    return indent if len(indent.expandtabs(_TAB_WIDTH)) >= _TAB_WIDTH else ""
