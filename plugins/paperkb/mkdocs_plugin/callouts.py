"""Obsidian callouts (``> [!note] Title``, foldable ``> [!tip]-``) as mkdocs-material admonitions.

mkdocs-callouts does the conversion (types, aliases, titles, folding, nesting, code fences);
paperkb applies it in its own text pass so it reaches every page, including the front-matter
sections it injects into notes, without another plugin to order in mkdocs.yml."""

from __future__ import annotations

import re

from mkdocs_callouts.utils import CalloutParser

_MAYBE_CALLOUT = re.compile(r"^[ \t]*(?:> ?)+ *\[!", re.MULTILINE)


def convert_callouts(markdown: str) -> str:
    if not _MAYBE_CALLOUT.search(markdown):
        return markdown
    return CalloutParser(convert_aliases=True, breakless_lists=True).parse(markdown)
