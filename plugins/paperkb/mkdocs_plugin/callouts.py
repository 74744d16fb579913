"""Obsidian callouts (``> [!note] Title``, foldable ``> [!tip]-``) as mkdocs-material admonitions.

mkdocs-callouts does the conversion (types, aliases, titles, folding, nesting, code fences);
paperkb applies it in its own text pass so it reaches every page, including the front-matter
sections it injects into notes, without another plugin to order in mkdocs.yml."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs_callouts.utils import CalloutParser

from .config import PaperKBConfig
from .feature import Feature, PageRender

_MAYBE_CALLOUT = re.compile(r"^[ \t]*(?:> ?)+ *\[!", re.MULTILINE)


def convert_callouts(markdown: str) -> str:
    if not _MAYBE_CALLOUT.search(markdown):
        return markdown
    return CalloutParser(convert_aliases=True, breakless_lists=True).parse(markdown)


class Callouts(Feature):
    def __init__(self) -> None:
        self.enabled = True

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = options.callouts

    def after_prose(self, page: PageRender, markdown: str) -> str:
        return convert_callouts(markdown) if self.enabled and "[!" in markdown else markdown
