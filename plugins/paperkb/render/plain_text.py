"""Front-matter text that Markdown would only escape, rendered as HTML without Markdown.

Most problem / method / results / insight values are a sentence or two of plain prose, maybe
with a ``[[key]]`` wikilink. Python-Markdown renders such text as itself, escaped, yet parses
every byte of it several times over (raw-HTML scan, block parser, inline patterns, table of
contents): at 2000 notes that was the largest share of the build time paperkb adds. This module
recognises such text and writes the same HTML directly; anything else (emphasis, code, math,
links, lists, HTML, footnotes, citations) still goes through Markdown.

The shortcut is only taken when every Markdown extension of the site leaves plain prose alone
(``text_neutral``): ``smarty`` or ``pymdownx.smartsymbols`` would turn ``--`` and ``(c)``
into symbols, ``nl2br`` line ends into ``<br>``, abbreviations into ``<abbr>``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..core.body_scan import WIKILINK
from ..core.library import Library
from ..core.urls import SiteUrls
from .escape import Markup, escape, html

# Anything Markdown or a common extension might give a meaning to: escapes, code, emphasis,
# links and images, raw HTML and entities, math, headings, tables, tildes and carets (pymdownx
# tilde/caret/mark/keys), emoji shortcodes, critic marks, mentions, bare URLs (magiclink), tabs
# (Markdown expands them), and block syntax at the start of a line (lists, quotes, definitions,
# setext underlines, details and blocks fences, indented code).
_MARKUP = re.compile(
    r"[\\`*_\[\]<>&$#|~^!{}@\t]|==|\+\+|:\w+:|https?://|www\.|ftp\.|"
    r"^[ ]*(?:[-+*>:]|\d+[.)])(?:[ ]|$)|^[ ]*[=-]+[ ]*$|^[ ]*(?:\?\?\?|///)|^ {4}",
    re.MULTILINE,
)

# Extensions known to render plain prose as itself (by their Markdown extension names).
TEXT_NEUTRAL_EXTENSIONS = frozenset({
    "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "meta",
    "sane_lists", "tables", "toc", "codehilite", "legacy_attrs", "legacy_em", "wikilinks",
    "material.extensions.emoji",
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.blocks.admonition", "pymdownx.blocks.details",
    "pymdownx.blocks.html", "pymdownx.blocks.tab", "pymdownx.caret", "pymdownx.critic",
    "pymdownx.details", "pymdownx.emoji", "pymdownx.escapeall", "pymdownx.highlight",
    "pymdownx.inlinehilite", "pymdownx.keys", "pymdownx.magiclink", "pymdownx.mark",
    "pymdownx.progressbar", "pymdownx.saneheaders", "pymdownx.striphtml", "pymdownx.superfences",
    "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
})


def _extension_name(extension: object) -> str:
    if isinstance(extension, str):
        return extension.removeprefix("markdown.extensions.")
    cls = type(extension)
    module = cls.__module__.removeprefix("markdown.extensions.")
    return module


def text_neutral(extensions: Iterable[object], configs: Mapping[str, Mapping] | None = None) -> bool:
    """True when no configured Markdown extension changes how plain prose renders.

    ``abbr`` counts as neutral here: its definitions live in a page, and callers check the page
    (see ``defines_abbreviations``); ``pymdownx.snippets`` is neutral unless it appends files to
    every page (a site-wide abbreviation glossary is the usual reason to)."""
    configs = configs or {}
    for extension in extensions:
        name = _extension_name(extension)
        if name == "abbr":
            continue
        if name == "pymdownx.snippets":
            options = configs.get("pymdownx.snippets") or {}
            if options.get("auto_append"):
                return False
            continue
        if name not in TEXT_NEUTRAL_EXTENSIONS:
            return False
    return True


_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[", re.MULTILINE)


def defines_abbreviations(markdown: str) -> bool:
    """A page that defines ``*[ABBR]: ...`` changes how its plain words render (``abbr``)."""
    return "*[" in markdown and bool(_ABBREVIATION.search(markdown))


class PlainText:
    """Renders plain front-matter prose, with its wikilinks, as finished HTML."""

    def __init__(self, library: Library, urls: SiteUrls, *, enabled: bool = True) -> None:
        self.library = library
        self.urls = urls
        self.enabled = enabled

    def paragraph(self, text: str, here: str) -> Markup | None:
        """``<p>text</p>`` when Markdown would render ``text`` as a single plain paragraph."""
        inner = self.inline(text, here)
        return None if inner is None else html("<p>{}</p>", inner)

    def items(self, texts: list[str], here: str) -> Markup | None:
        """A ``<ul>`` of one-line items, or None when one of them needs Markdown."""
        rendered = [self.inline(" ".join(text.split()), here) for text in texts]
        if any(item is None for item in rendered):
            return None
        return html("<ul>\n{}\n</ul>", Markup("\n").join(html("<li>{}</li>", i) for i in rendered))

    def inline(self, text: str, here: str) -> Markup | None:
        """The escaped text with ``[[key]]`` / ``[[key|label]]`` as links, or None when it needs Markdown."""
        if not self.enabled:
            return None
        text = text.strip()
        if not text or "\n\n" in text or "  \n" in text:  # paragraphs and hard breaks: Markdown's job
            return None
        if "[[" not in text:
            return None if _MARKUP.search(text) else escape(text)
        parts: list[Markup] = []
        last = 0
        for match in WIKILINK.finditer(text):
            between = text[last:match.start()]
            if match.group(1) or match.group(3) is not None or _MARKUP.search(between):
                # an embed, a link to a heading (MkDocs writes that URL), or markup around the links
                return None
            parts += [escape(between), self._wikilink(match, here)]
            last = match.end()
        rest = text[last:]
        if _MARKUP.search(rest):
            return None
        parts.append(escape(rest))
        return Markup("").join(parts)

    def link_targets(self, texts: Iterable[str]) -> tuple:
        """What the ``[[links]]`` in ``texts`` show of other notes (their file and title), for
        keeping HTML made from the texts while none of that changes."""
        found = []
        for text in texts:
            if "[[" in text:
                for match in WIKILINK.finditer(text):
                    note = self.library.note_named(match.group(2).strip())
                    found.append((match.group(2), note.src_uri, note.title) if note is not None else (match.group(2),))
        return tuple(found)

    def _wikilink(self, match: re.Match[str], here: str) -> Markup:
        """What render/wikilinks.py writes as Markdown, as HTML: a link titled with the note's
        title (or the label), or the bare label when there is no such note (its page warns)."""
        key, label = match.group(2).strip(), match.group(4)
        note = self.library.note_named(key)
        label = label.strip() if label else None
        if note is None:
            return escape(label if label else key)
        href = self.urls.href(here, note.src_uri)
        return html('<a href="{}">{}</a>', href, label if label is not None else note.title)
