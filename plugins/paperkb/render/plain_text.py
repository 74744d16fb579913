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


def markup_free(text: str) -> bool:
    """Nothing in ``text`` that Markdown or a common extension might read (``_MARKUP``)."""
    return _MARKUP.search(text) is None


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


def makes_bare_links(extensions: list) -> bool:
    """Whether the site's Markdown extensions make links of bare URLs, addresses and ``@name``
    mentions (pymdownx.magiclink): then an ``@`` or a URL in prose needs Markdown."""
    return "pymdownx.magiclink" in extensions


_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[", re.MULTILINE)


def defines_abbreviations(markdown: str) -> bool:
    """A page that defines ``*[ABBR]: ...`` changes how its plain words render (``abbr``)."""
    return "*[" in markdown and bool(_ABBREVIATION.search(markdown))


# Inline holds (``inline_hold_lines``): what a page may not contain at all, what a paragraph may
# not contain besides the [[links]] and [idea] marks that are held, and its lines' openings that
# make it something other than prose (headings, admonitions, blocks, setext underlines).
# (Markdown leaves its placeholders' numbers in an image's alt text and in attribute lists' values
# where they hold entities, code or links: numbers that change with every held link before them.)
_PAGE_UNSURE = re.compile(r"^[ \t>]*<|!\[[^\]\n]*[&`<\\\[]|\{[^}\n]*[&`<\\\[]", re.MULTILINE)
# Display math's delimiters (arithmatex's, and Typora's ``$$`` blocks with blank lines inside: display_math.py)
_MATH_DELIMITER = re.compile(r"\$\$|\\begin\{|\\end\{|\\\[|\\\]")
_IDEA_MARK = re.compile(r"^(\s{0,12}(?:[-*+]|\d+[.)])\s+)\[(?:想法|idea)\]", re.IGNORECASE)  # (insight_marks.py)
_PARAGRAPH_UNSURE = re.compile(r"[\[\]<>\\$`{}]")
_BARE_LINKS = re.compile(r"@|://|www\.")  # what pymdownx.magiclink makes links of

_LINE_UNSURE = re.compile(r"^[ \t>]*(?:#|!!!|\?\?\?|///|:::)|^[ ]{0,3}(?:=+|-+)[ \t]*$")
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")  # a code span as Markdown reads it (within a line)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")


def inline_hold_lines(markdown: str, *, bare_links: bool = False) -> frozenset[int]:
    """The (0-based) lines of ``markdown`` where finished inline HTML may stand in Markdown's
    place for a ``[[link]]`` or an ``[idea]`` mark: lines of plain paragraphs, list items and
    quotes whose only brackets are those, so that Markdown would write the link or the badge as
    it stands (no heading, code, raw HTML, math, escape, attribute list or nested link; with
    ``bare_links`` (magiclink), no "@" or URL either; no line of display math). Markdown reads
    inline markup across the lines of a paragraph or list item, so each is judged whole. Empty
    when the page defines abbreviations or holds raw HTML blocks, unpaired math delimiters, or
    markup in an image's alt text or an attribute list anywhere."""
    if defines_abbreviations(markdown) or _PAGE_UNSURE.search(markdown):
        return frozenset()
    lines = markdown.split("\n")
    maths = _display_math_lines(lines) if "$$" in markdown or "\\" in markdown else set()
    if maths is None:
        return frozenset()
    held: list[int] = []
    start = 0
    for end, line in enumerate([*lines, ""]):
        if line and not line.isspace():
            continue
        if end > start and not _indented(lines[start]):  # (indented code, or a loose list's text: not sure which)
            for first, last in _units(lines, start, end):
                if _plain(lines[first:last], bare_links) and not (maths and maths.intersection(range(first, last))):
                    held.extend(range(first, last))
        start = end + 1
    return frozenset(held)


def _display_math_lines(lines: list[str]) -> set[int] | None:
    """Every line from a display formula's opening delimiter to its closing one (a ``$$``
    block may hold blank lines), or None when the delimiters do not pair up."""
    found: set[int] = set()
    dollars = False
    depth = 0  # \\begin{..} / \\[ open, not yet closed
    for index, line in enumerate(lines):
        inside = dollars or depth > 0
        if "$" not in line and "\\" not in line:
            if inside:
                found.add(index)
            continue
        for delimiter in _MATH_DELIMITER.findall(_INLINE_CODE.sub(" ", line) if "`" in line else line):
            if delimiter == "$$":
                dollars = not dollars
            else:
                depth += 1 if delimiter in ("\\begin{", "\\[") else -1
            inside = True
        if inside or dollars or depth > 0:
            found.add(index)
    return None if dollars or depth != 0 else found


def _indented(line: str) -> bool:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" ")) >= 4


def _units(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """The runs of lines Markdown reads inline markup across: a list's items (each with the
    lines that continue it), or the whole block (a paragraph, which a list cannot interrupt)."""
    if not _LIST_ITEM.match(lines[start]):
        return [(start, end)]
    firsts = [i for i in range(start, end) if _LIST_ITEM.match(lines[i])]
    return list(zip(firsts, firsts[1:] + [end]))


def _plain(lines: list[str], bare_links: bool) -> bool:
    for line in lines:
        if _LINE_UNSURE.match(line):
            return False
        if bare_links and _BARE_LINKS.search(line):
            return False
        if _PARAGRAPH_UNSURE.search(line) is None:  # (most lines: nothing to take out first)
            continue
        rest = WIKILINK.sub(" ", _INLINE_CODE.sub(" ", _IDEA_MARK.sub(r"\1", _QUOTE_MARKS.sub("", line))))
        if _PARAGRAPH_UNSURE.search(rest):
            return False
    return True


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
