"""Scan a note body: insight bullets and links to other notes, skipping code."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from .model import BodyLink, Insight

_INSIGHT_BULLET = re.compile(r"^\s{0,12}(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(\[(?:想法|idea)\])\s*(.*)$", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Not followed by "(": `[[1]](url)` / `[[code]](url)` in reading lists is a Markdown link labelled "[1]".
WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]+?)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\](?!\()")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]+\.md)(?:#[^)\s]*)?>?(?:\s+\"[^\"]*\")?\s*\)")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")


def iter_prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line index, line) for lines outside fenced code blocks, inline code blanked."""
    fence: str | None = None
    for index, line in enumerate(text.splitlines()):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            continue
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            continue
        yield index, _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def map_prose(text: str, transform: Callable[[str, int], str]) -> str:
    """Apply ``transform(line, index)`` to every line outside fenced code, keeping code untouched.

    Inline code spans are protected by placeholders so transforms never rewrite them."""
    lines = text.split("\n")
    prose = dict(iter_prose_lines(text))
    for index, original in enumerate(lines):
        if index not in prose or "[" not in original:
            continue
        spans: list[str] = []

        def protect(match: re.Match[str]) -> str:
            spans.append(match.group(0))
            return f"\x00{len(spans) - 1}\x00"

        protected = _INLINE_CODE.sub(protect, original)
        changed = transform(protected, index)
        lines[index] = re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], changed)
    return "\n".join(lines)


_BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s|^\s*(?:#|>|```|~~~|\|)")


def find_insights(body: str, body_line: int) -> list[Insight]:
    """``[想法]`` / ``[idea]`` bullets, each with the lines that continue its paragraph."""
    insights = []
    lines = body.splitlines()
    for index, line in iter_prose_lines(body):
        match = _INSIGHT_BULLET.match(line)
        if match and match.group(2).strip():
            text = lines[index]
            parts = [text[text.find(match.group(1)) + len(match.group(1)):].strip()]
            following = index + 1
            while following < len(lines) and lines[following].strip() and not _BLOCK_START.match(lines[following]):
                parts.append(lines[following].strip())
                following += 1
            insights.append(Insight(" ".join(parts), body_line + index, in_body=True))
    return insights


def find_wikilinks(text: str, line: int) -> list[BodyLink]:
    """Wikilinks in a front-matter Markdown value, all reported at the value's ``line``."""
    return [BodyLink(m.group(2).strip(), line, is_wikilink=True) for _, prose in iter_prose_lines(text)
            for m in WIKILINK.finditer(prose)]


def find_links(body: str, body_line: int, src_uri: str) -> list[BodyLink]:
    """Wikilinks (by key) and relative Markdown links to ``.md`` files (as docs-relative paths)."""
    links: list[BodyLink] = []
    base = posixpath.dirname(src_uri)
    for index, line in iter_prose_lines(body):
        if "[" not in line:
            continue
        for match in WIKILINK.finditer(line):
            links.append(BodyLink(match.group(2).strip(), body_line + index, is_wikilink=True))
        for match in _MD_LINK.finditer(line):
            target = unquote(match.group(2))
            if "://" in target or target.startswith("/"):
                continue
            links.append(BodyLink(posixpath.normpath(posixpath.join(base, target)), body_line + index, is_wikilink=False))
    return links


def unlink_targets(markdown: str, src_uri: str, hidden: set[str]) -> str:
    """Relative Markdown links to the pages in ``hidden`` (drafts) turned into their plain text:
    a draft appears nowhere, not even as a link, and its absence is no broken-link warning."""
    base = posixpath.dirname(src_uri)

    def replace(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base, unquote(match.group(2))))
        return match.group(1) if target in hidden else match.group(0)

    return map_prose(markdown, lambda line, _index: _MD_LINK.sub(replace, line))
