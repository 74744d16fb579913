"""The part of a page's Markdown that ``![[page#Heading]]`` or ``![[page#^block-id]]`` names:
a heading's section or one block, found outside code as Obsidian finds them.

A page is scanned once (``Outline``) however many of its sections other pages embed: a page
embedding hundreds of sections of a long page costs one scan of it, not hundreds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .body_scan import heading_anchor, iter_prose_lines

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|#|\||<)")  # lines a setext underline cannot follow
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s")
_FRAGMENT_BLOCK = re.compile(r"^\^([A-Za-z0-9][A-Za-z0-9-]*)$")


@dataclass(frozen=True)
class Heading:
    index: int  # 0-based line of the heading's text (its underline follows a setext heading)
    level: int
    text: str
    last_index: int  # its last line (the underline of a setext heading)


@dataclass
class Outline:
    """A page's Markdown scanned once: its lines, its lines outside code, its headings."""

    markdown: str
    lines: list[str] = field(init=False)
    prose: list[tuple[int, str]] = field(init=False)  # (index, line) outside code, as iter_prose_lines
    headings: list[Heading] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.markdown.split("\n")
        self.prose = list(iter_prose_lines(self.markdown))
        self.headings = _headings(self.lines, self.prose)


def headings(markdown: str) -> list[Heading]:
    """The ATX (``## Method``) and setext (``Method`` / ``------``) headings outside code."""
    return Outline(markdown).headings


def _headings(written: list[str], prose: list[tuple[int, str]]) -> list[Heading]:
    found: list[Heading] = []
    previous: tuple[int, str] | None = None  # the prose line before, when it may be a paragraph's
    for index, _prose in prose:
        line = written[index]  # as written: the prose scan blanks inline code (`Box<T>`)
        atx = _ATX.match(line)
        if atx:
            found.append(Heading(index, len(atx.group(1)), (atx.group(2) or "").strip(), index))
            previous = None
            continue
        setext = _SETEXT.match(line)
        if setext and previous is not None and previous[0] == index - 1:
            found.append(Heading(previous[0], 1 if setext.group(1)[0] == "=" else 2, previous[1].strip(), index))
            previous = None
            continue
        previous = (index, line) if line.strip() and not _NOT_PARAGRAPH.match(line) else None
    return found


def _same_heading(text: str, wanted: str) -> bool:
    folded = " ".join(text.split()).casefold()
    return folded == " ".join(wanted.split()).casefold() or heading_anchor(text) == heading_anchor(wanted)


def heading_section(page: str | Outline, fragment: str) -> str | None:
    """The lines under the heading ``fragment`` names (its text, or Obsidian's path of headings
    ``Method#Losses``: the last one counts) up to the next heading of its level or above; None
    when the page has no such heading."""
    wanted = [part for part in fragment.split("#") if part.strip()]
    if not wanted:
        return None
    outline = page if isinstance(page, Outline) else Outline(page)
    found = outline.headings
    for position, heading in enumerate(found):
        if _same_heading(heading.text, wanted[-1]):
            end = next((h.index for h in found[position + 1:] if h.level <= heading.level), None)
            return "\n".join(outline.lines[heading.last_index + 1:end]).strip("\n")
    return None


def block(page: str | Outline, fragment: str) -> str | None:
    """The block ``^block-id`` marks: the paragraph (or list item) that ends with it, or the
    block above a line holding only the ID; None when no block has it."""
    match = _FRAGMENT_BLOCK.match(fragment.strip())
    if match is None:
        return None
    marker = re.compile(rf"(?:^|[ \t])\^{re.escape(match.group(1))}[ \t]*$")
    outline = page if isinstance(page, Outline) else Outline(page)
    lines = outline.lines
    for index, line in outline.prose:
        if "^" not in line or not marker.search(line):
            continue
        lone = not line.strip().lstrip("^").replace(match.group(1), "", 1).strip()
        last = index - 1 if lone else index
        while lone and last >= 0 and not lines[last].strip():
            last -= 1  # the block above the ID's own line (a table, a list, a quote)
        if last < 0:
            return None
        item = _LIST_ITEM.match(lines[last])
        if item is not None and not lone:  # one item of a list, without its marker's indentation
            text = lines[last][len(item.group(1)):]
        else:
            first = last
            while first > 0 and lines[first - 1].strip():
                first -= 1
            text = "\n".join(lines[first:last + 1])
        return marker.sub("", text.rstrip()) if not lone else text
    return None


def is_block_fragment(fragment: str) -> bool:
    return bool(_FRAGMENT_BLOCK.match(fragment.strip()))


_TAG_LINE = re.compile(r"^[ \t]*(?:#[^\s#]\S*[ \t]*)+$")  # `#actor-model #concurrency`: Obsidian tags, no heading


def without_leading_title(markdown: str) -> str:
    """``markdown`` without its level-1 heading when it opens the text (after blank lines and
    lines of tags only): the embed's caption names the page."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if not line.strip() or _TAG_LINE.match(line):
            continue
        atx = _ATX.match(line)
        if atx and len(atx.group(1)) == 1:
            return "\n".join(lines[:index] + lines[index + 1:]).strip("\n")
        break
    return markdown
