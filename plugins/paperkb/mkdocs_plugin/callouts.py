"""Obsidian callouts (``> [!note] Title``, foldable ``> [!tip]-``) as mkdocs-material admonitions.

mkdocs-callouts does the conversion (types, aliases, titles, folding, nesting, code fences);
paperkb applies it in its own text pass so it reaches every page, including the front-matter
sections it injects into notes, without another plugin to order in mkdocs.yml."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs_callouts.utils import CalloutParser

from ..core.body_scan import iter_prose_lines

from .config import PaperKBConfig
from .feature import Feature, PageRender

_MAYBE_CALLOUT = re.compile(r"^[ \t]*(?:> ?)+ *\[!", re.MULTILINE)
_INTERRUPTS = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S|^ {0,3}#{1,6}[ \t]")  # a list item, a heading


def convert_callouts(markdown: str) -> str:
    if not _MAYBE_CALLOUT.search(markdown):
        return markdown
    return CalloutParser(convert_aliases=True, breakless_lists=True).parse(_apart_from_text_around(markdown))


def _apart_from_text_around(markdown: str) -> str:
    """``markdown`` with a blank line between a callout and the text right above it (a list
    item it is indented under, as Obsidian nests it), and between its end and a list item or
    heading right under it: the admonition it becomes starts a block only after a blank line
    (else it reads as more of that text), and the item after it would join its last paragraph."""
    lines = markdown.split("\n")
    prose = [index for index, _ in iter_prose_lines(markdown)]
    gaps: list[int] = []  # the lines a blank line goes before
    for index in prose:
        if not _MAYBE_CALLOUT.match(lines[index]):
            continue
        if index and lines[index - 1].strip() and not lines[index - 1].lstrip().startswith(">"):
            gaps.append(index)
        end = index
        while end + 1 < len(lines) and lines[end + 1].lstrip().startswith(">"):
            end += 1
        if end + 1 < len(lines) and _INTERRUPTS.match(lines[end + 1]):
            gaps.append(end + 1)
    for index in sorted(set(gaps), reverse=True):
        lines.insert(index, "")
    return "\n".join(lines) if gaps else markdown


class Callouts(Feature):
    def __init__(self) -> None:
        self.enabled = True

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = options.callouts

    def after_prose(self, page: PageRender, markdown: str) -> str:
        return convert_callouts(markdown) if self.enabled and "[!" in markdown else markdown
