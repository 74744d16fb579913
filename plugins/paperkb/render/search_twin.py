"""A compact stand-in for finished HTML that mkdocs-material's search indexer reads the same way.

material's search plugin parses every page's HTML (Python's HTMLParser, one callback per tag)
and keeps only its text and a few tags (``p``, ``li``, ``code``...) without their attributes.
A note's card is ~60 tags with classes and links for ~300 characters of text: at 2,000 notes,
parsing cards was about a second of a build. ``search_twin`` gives the text and kept tags the
indexer would take from such HTML, as HTML that makes it take exactly that; the page carries the
twin while search reads it, and the card replaces it in the finished page (note_layout.py).

It follows material's parser (material/plugins/search/plugin.py, ``Parser``) for the HTML paperkb
renders: text, ordinary elements, void elements. Anything else (comments, headings with ids, which
open index sections; excluded or whitespace-preserving elements; self-closing syntax) gets
``None``: the caller keeps the real HTML for search."""

from __future__ import annotations

import re
from html import escape, unescape

_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s[^<>]*)?)>|([^<]+)|(<)")
# What material's parser keeps (``Parser.keep``) and what it treats as void (``void``).
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
_UNSUPPORTED = frozenset({"pre", "script", "style", "object", "textarea", "title"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ID = re.compile(r"\bid\s*=")
_SEPARATOR = "<i></i>"  # an element the indexer drops: ends a text run


def search_twin(html: str) -> str | None:
    """HTML from which material's search indexer takes the same text as from ``html`` (which
    must start a section of the page, as a note's card does), or None where that is not sure."""
    pieces: list[str] = []  # what the parser appends to the section's text, in order
    open_tags: list[str] = []
    # (findall's tuples, a group that did not take part empty, cost less than a match object each)
    for closing, tag, attributes, text, stray in _TOKEN.findall(html):
        if stray:
            return None
        if text:
            data = unescape(text)
            if not data.isspace():
                # Quotes escaped too (the parser reads the same text): no attribute-like text
                # (`data-search-x="y"`) that material's clean-up after indexing would cut.
                pieces.append(escape(data.replace("\n", " ")))
            elif not pieces or not pieces[-1].isspace():
                pieces.append(" ")
            continue
        tag = tag.lower()
        if closing:
            if not open_tags or open_tags[-1] != tag:
                continue  # the parser ignores an end tag that does not close the innermost element
            open_tags.pop()
            if tag in _KEEP:
                start = pieces.index(f"<{tag}>")  # material looks for the first one, so do we
                if all(p.isspace() for p in pieces[start + 1:]):
                    del pieces[start:]  # an empty kept element is dropped
                else:
                    pieces.append(f"</{tag}>")
            continue
        if tag in _UNSUPPORTED or attributes.rstrip().endswith("/") or "data-search-" in attributes \
                or "linenodiv" in attributes or (tag in _HEADINGS and _ID.search(attributes)):
            return None
        if tag in _VOID:
            continue
        open_tags.append(tag)
        if tag in _KEEP:
            pieces.append(f"<{tag}>")
    if open_tags:
        return None
    # Text runs merge in the twin; only a trailing whitespace piece must stay one, because the
    # parser drops whitespace that follows whitespace (the text after the twin).
    if len(pieces) > 1 and pieces[-1].isspace() and not pieces[-2].startswith("<"):
        return "".join(pieces[:-1]) + _SEPARATOR + pieces[-1]
    return "".join(pieces)
