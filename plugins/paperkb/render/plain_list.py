"""A page whose whole Markdown is one tight list of plain one-line items, written as HTML
without Markdown.

A skim note's body is often just that: ten-odd bullets of prose (its links and badges already
held as markers: html_slots.py). Python-Markdown writes such a list as ``<ul>``, one ``<li>``
a line, the text as it stands, yet runs its whole pipeline over it (block parser, ~20 inline
patterns on every item, table of contents, raw-HTML scans): ~0.5 ms a note. Items are plain
when render/plain_text.py finds nothing Markdown or a common extension might read in them
(``markup_free``; so no ``<`` or ``>`` to escape, and an ``&`` only where it cannot start an
entity); callers check that every extension of the site leaves plain prose alone (``text_neutral``)."""

from __future__ import annotations

import re

from .plain_text import markup_free

_ITEM = "- "
# Control characters: Markdown's own placeholders are \x02 / \x03; carriage returns and the
# like are normalised by it.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_list_html(markdown: str, *, mentions: bool = True) -> str | None:
    """Markdown's HTML for ``markdown`` when it is one tight list of ``- `` items of one plain
    line each (blank lines only before and after it), else None. ``mentions``: an extension
    (magiclink) makes links of ``@name`` and addresses, so an ``@`` needs Markdown."""
    lines = markdown.strip("\n").split("\n")
    items: list[str] = []
    for line in lines:
        if not line.startswith(_ITEM):
            return None
        text = line[len(_ITEM):]
        if not text or text != text.strip() or _CONTROL.search(text) or not markup_free(_probe(text, mentions)):
            return None
        items.append(text.replace("&", "&amp;"))
    return "<ul>\n" + "\n".join(f"<li>{text}</li>" for text in items) + "\n</ul>"


def _probe(text: str, mentions: bool) -> str:
    """``text`` with what Markdown writes as it stands blanked out for ``markup_free``: an ``&``
    where no ``;`` could end an entity (Markdown writes it ``&amp;``), an ``@`` without
    ``mentions`` (only magiclink reads it). A space in their place makes no markup that the
    character itself would not have been part of."""
    if "&" in text and ";" not in text:
        text = text.replace("&", " ")
    return text.replace("@", " ") if not mentions and "@" in text else text
