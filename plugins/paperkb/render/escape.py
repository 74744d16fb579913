"""Escaping for every place a note value can land: HTML, Markdown text, URLs."""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup, escape

from ..core.urls import safe_url

__all__ = ["CODE_OR_MATH", "Markup", "escape", "escaped_str", "html", "md_text", "safe_url", "neutralize_html", "one_line", "one_line_html",
           "html_join", "xml_text", "script_json"]

# Characters that carry meaning in Markdown or its extensions (math, tables, tilde, caret...) or in
# HTML. Numeric entities neutralise them whatever extensions a site enables; backslash escapes
# only work for the characters python-markdown itself knows.
_MD_OR_HTML_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$^=:<>&\"']")
# What Markdown reads as a code span (a run of backticks, not escaped, closed by the same run
# within the paragraph) and what arithmatex reads as math ($$...$$, or $...$ with no space just
# inside either dollar and no digit after the closing one: "$5 or $6" is no math).
_NO_BLANK_LINE = r"(?:(?!\n[ \t]*\n).)"
CODE_OR_MATH = re.compile(
    rf"(?<![\\`])(`+){_NO_BLANK_LINE}+?(?<!`)\1(?!`)"
    rf"|(?<!\\)\$\${_NO_BLANK_LINE}+?\$\$"
    r"|(?<![\\$])\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d)", re.DOTALL)
_ANGLED_DESTINATION = re.compile(r"\]\(\s*<([^<>\n]*)>")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F):
# one in a title would make an SVG or a feed unparseable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Inside math, "<" is kept (a<b) unless it opens a whole tag with attributes or none (<img src=x>).
_TAG_IN_MATH = re.compile(r"<(?=[A-Za-z][\w-]*(?:\s[^<>]*)?/?>)")


try:  # MarkupSafe 3: the escaping ``escape`` does, without making a Markup of each value
    from markupsafe import _escape_inner as _escape_text
except ImportError:  # (older MarkupSafe)
    def _escape_text(text: str) -> str:
        return str(escape(text))


def escaped_str(value: object) -> str:
    """``str(escape(value))``, without the Markup object ``escape`` makes of every value."""
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_text(str(value))


def html(template: str, *args: object) -> Markup:
    """``Markup(template).format(*args)`` for positional ``{}`` fields, each argument escaped unless
    it is Markup already, at the speed of ``str.format`` (Markup.format runs a Python-level
    formatter per field, which showed in every note's card, legend and table row)."""
    return Markup(template.format(*map(escaped_str, args)))


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", text)


def md_text(text: str) -> str:
    """Plain text made safe to drop into Markdown: no markup, no raw HTML."""
    return _MD_OR_HTML_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", str(text))


def neutralize_html(markdown: str) -> str:
    """Markdown from a front-matter value with raw HTML tags turned into text.

    Code spans and ``$math$`` keep their ``<`` (``a<b`` still renders there; a whole tag inside
    math does not survive); ``{`` becomes an entity, so no ``{ onclick=... }`` attribute list
    reaches an element; a link's ``](<destination with spaces>)`` is percent-encoded
    (``](c%20d.md)``): it links the same without a ``<`` that could open a tag."""
    out, last = [], 0
    for match in CODE_OR_MATH.finditer(markdown):
        out.append(_neutralize_text(markdown[last:match.start()]))
        span = match.group(0)
        out.append(span if span.startswith("`") else _TAG_IN_MATH.sub("&lt;", span))
        last = match.end()
    out.append(_neutralize_text(markdown[last:]))
    return "".join(out)


def _neutralize_text(text: str) -> str:
    text = _ANGLED_DESTINATION.sub(lambda m: "](" + quote(m.group(1), safe="/#:?=&%.-_~+@!$,;*'"), text)
    return _TAG_START.sub("&lt;", text).replace("{", "&#123;")


def one_line(markdown: str | None, limit: int = 160) -> str:
    """First line of a Markdown value as plain text, shortened for table cells."""
    if not markdown:
        return ""
    text = _plain_inline(" ".join(markdown.split()))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain_inline(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> their text
    return re.sub(r"[*_`]{1,3}", "", text)


def one_line_html(markdown: str | None, limit: int = 160) -> Markup:
    """``one_line`` as HTML whose ``$math$`` stays math: each formula becomes the element
    arithmatex writes (``<span class="arithmatex">\\(...\\)</span>``), which the site's KaTeX
    typesets, instead of showing ``$\\tilde\\epsilon$`` in a table cell. Shortening never cuts
    inside a formula (a cut one would not typeset); the TeX keeps its ``_`` and ``*``."""
    if not markdown:
        return Markup("")
    text = " ".join(markdown.split())
    pieces: list[tuple[bool, str]] = []  # (is math, text)
    last = 0
    for match in CODE_OR_MATH.finditer(text):
        if match.group(0).startswith("`"):
            continue  # a code span stays text (its $ is no math)
        pieces += [(False, _plain_inline(text[last:match.start()])), (True, match.group(0).strip("$").strip())]
        last = match.end()
    pieces.append((False, _plain_inline(text[last:])))
    total = sum(len(piece) for _math, piece in pieces)
    out, used = [], 0
    for is_math, piece in pieces:
        if total > limit and used + len(piece) > limit - 1:
            if not is_math:
                out.append(escape(piece[: limit - 1 - used].rstrip()))
            out = [Markup("").join(out).rstrip(), Markup("…")]
            break
        out.append(html('<span class="arithmatex">\\({}\\)</span>', piece) if is_math else escape(piece))
        used += len(piece)
    return Markup("").join(out)


def html_join(parts, separator: str = ", ") -> Markup:
    """``Markup(separator).join(parts)``, each part and the separator escaped unless Markup, at
    the speed of ``str.join`` (Markup.join escapes each part through two Python-level calls and
    a Markup object; a note's card joins six lists)."""
    return Markup(escaped_str(separator).join(map(escaped_str, parts)))


_JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 ord("\u2028"): "\\u2028", ord("\u2029"): "\\u2029"}


def script_json(value: object) -> str:
    """Compact JSON that is safe inside a ``<script>`` element or a file a browser may sniff
    as HTML: no ``<``, ``>`` or ``&`` (``</script>`` cannot end it early) and no line separators
    that old JavaScript parsers break on; every JSON parser reads the same value back."""
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML)
