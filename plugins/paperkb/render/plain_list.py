"""A page whose whole Markdown is one tight list of plain one-line items, written as HTML
without Markdown.

A skim note's body is often just that: ten-odd bullets of prose (its links and badges already
held as markers: html_slots.py). Python-Markdown writes such a list as ``<ul>``, one ``<li>``
a line, the text as it stands, yet runs its whole pipeline over it (block parser, ~20 inline
patterns on every item, table of contents, raw-HTML scans): ~0.5 ms a note. Items are plain
when render/plain_text.py finds nothing Markdown or a common extension might read in them
(``markup_free``; so no ``&``, ``<`` or ``>`` to escape either); callers check that every
extension of the site leaves plain prose alone (``text_neutral``)."""

from __future__ import annotations

import re

from .plain_text import markup_free

_ITEM = "- "
# Control characters: Markdown's own placeholders are \x02 / \x03; carriage returns and the
# like are normalised by it.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_list_html(markdown: str) -> str | None:
    """Markdown's HTML for ``markdown`` when it is one tight list of ``- `` items of one plain
    line each (blank lines only before and after it), else None."""
    lines = markdown.strip("\n").split("\n")
    items: list[str] = []
    for line in lines:
        if not line.startswith(_ITEM):
            return None
        text = line[len(_ITEM):]
        if not text or text != text.strip() or not markup_free(text) or _CONTROL.search(text):
            return None
        items.append(text)
    return "<ul>\n" + "\n".join(f"<li>{text}</li>" for text in items) + "\n</ul>"
