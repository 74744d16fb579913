"""Escaping for every place a note value can land: HTML, Markdown text, URLs."""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup, escape

from ..core.urls import safe_url

__all__ = ["Markup", "escape", "html", "md_text", "safe_url", "neutralize_html", "one_line", "html_join"]

# Characters that carry meaning in Markdown or its extensions (math, tables, tilde, caret...) or in
# HTML. Numeric entities neutralise them whatever extensions a site enables; backslash escapes
# only work for the characters python-markdown itself knows.
_MD_OR_HTML_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$^=:<>&\"']")
_CODE_OR_MATH = re.compile(r"(`+).+?\1|\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
_ANGLED_DESTINATION = re.compile(r"\]\(\s*<([^<>\n]*)>")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def html(template: str, *args: object) -> Markup:
    """``Markup(template).format(*args)`` for positional ``{}`` fields, each argument escaped unless
    it is Markup already, at the speed of ``str.format`` (Markup.format runs a Python-level
    formatter per field, which showed in every note's card, legend and table row)."""
    return Markup(template.format(*map(escape, args)))


def md_text(text: str) -> str:
    """Plain text made safe to drop into Markdown: no markup, no raw HTML."""
    return _MD_OR_HTML_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", str(text))


def neutralize_html(markdown: str) -> str:
    """Markdown from a front-matter value with raw HTML tags turned into text.

    Code spans and ``$math$`` are left alone so that ``a<b`` inside them still renders; a link's
    ``](<destination with spaces>)`` is percent-encoded (``](c%20d.md)``), which links the same
    without a ``<`` that could open a tag where the brackets are no link after all."""
    markdown = _ANGLED_DESTINATION.sub(lambda m: "](" + quote(m.group(1), safe="/#:?=&%.-_~+@!$,;*'"), markdown)
    out, last = [], 0
    for match in _CODE_OR_MATH.finditer(markdown):
        out.append(_TAG_START.sub("&lt;", markdown[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_TAG_START.sub("&lt;", markdown[last:]))
    return "".join(out)


def one_line(markdown: str | None, limit: int = 160) -> str:
    """First line of a Markdown value as plain text, shortened for table cells."""
    if not markdown:
        return ""
    text = " ".join(markdown.split())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> their text
    text = re.sub(r"[*_`]{1,3}", "", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def html_join(parts, separator: str = ", ") -> Markup:
    return Markup(escape(separator)).join(parts)
