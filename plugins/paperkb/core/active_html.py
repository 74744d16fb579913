"""HTML from someone else made inert: what may run (``<script>``, ``on*=`` handlers, ``<iframe>``,
``javascript:`` addresses) goes, what only shows (``<p align="center"><img width=200>``) stays.

One safelist, applied by nh3 (the Python binding of Ammonia, a maintained HTML5 sanitiser), to
two things: the raw HTML tags of an imported README or blog post, each tag nh3 would change
escaped into text with its line named (core of `paperkb import`), and, with the plugin's
``sanitize_html`` option, every page's rendered HTML (a collection written by several people).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from .body_scan import iter_prose_lines

# What Markdown, its extensions (tables, footnotes, admonitions, tabbed sets, task lists, math,
# code highlighting, attribute lists) and READMEs' presentational HTML produce.
# Inline SVG may draw (a legend's line, a badge), never script, link or animate.
SVG_DRAWING = {"svg", "g", "line", "rect", "circle", "ellipse", "path", "polygon", "polyline", "text", "tspan",
               "title", "desc"}
SAFE_TAGS = frozenset(nh3.ALLOWED_TAGS | SVG_DRAWING | {
    "input", "label", "picture", "source", "video", "audio", "track", "font", "big", "center", "section",
    "main", "article", "tfoot",
})
_SVG_ATTRIBUTES = {"viewBox", "viewbox", "preserveAspectRatio", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
                   "rx", "ry", "d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
                   "stroke-linejoin", "opacity", "fill-opacity", "stroke-opacity", "transform", "text-anchor",
                   "font-size", "font-weight", "xmlns"}
_EVERYWHERE = {"class", "id", "title", "lang", "dir", "role", "align", "valign", "width", "height", "hidden", "style",
               "tabindex"}
SAFE_ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": {"href", "hreflang", "name", "target", "rel", "download"},
    "img": {"src", "alt", "loading", "srcset", "sizes", "border"},
    "source": {"src", "srcset", "media", "type", "sizes"},
    "video": {"src", "poster", "controls", "muted", "loop", "playsinline", "preload"},
    "audio": {"src", "controls", "muted", "loop", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "input": {"type", "checked", "disabled", "name", "value"},
    "label": {"for"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers", "bgcolor"},
    "th": {"colspan", "rowspan", "headers", "scope", "bgcolor"},
    "table": {"border", "cellpadding", "cellspacing", "summary", "bgcolor"},
    "col": {"span"}, "colgroup": {"span"},
    "details": {"open"},
    "time": {"datetime"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "blockquote": {"cite"}, "q": {"cite"},
    "font": {"color", "size", "face"},
    "abbr": {"title"},
    **{tag: _SVG_ATTRIBUTES for tag in SVG_DRAWING},
}
_STYLE_PROPERTIES = {
    "color", "background-color", "text-align", "vertical-align", "font-size", "font-weight", "font-style",
    "font-family", "text-decoration", "width", "height", "max-width", "max-height", "min-width", "margin",
    "margin-left", "margin-right", "margin-top", "margin-bottom", "padding", "padding-left", "padding-right",
    "padding-top", "padding-bottom", "border", "border-radius", "display", "float", "white-space",
}
_OPTIONS = dict(
    tags=set(SAFE_TAGS), attributes={k: set(v) for k, v in SAFE_ATTRIBUTES.items()},
    generic_attribute_prefixes={"data-", "aria-"}, clean_content_tags={"script", "style"},
    filter_style_properties=_STYLE_PROPERTIES, link_rel=None, strip_comments=False,
    url_schemes={"http", "https", "mailto", "ftp", "tel"},
)


def sanitize_html(html: str) -> str:
    """``html`` as nh3 leaves it under the safelist: scripts, handlers, frames and script
    addresses gone; comments kept (paperkb's own markers are comments)."""
    return nh3.clean(html, **_OPTIONS)


# A tag as it may stand in Markdown: its attributes quoted or not, over several lines (not an
# autolink: <https://...>, <me@example.org>).
_TAG = re.compile(r"""<(/?)([A-Za-z][\w-]*)(?=[\s/>])((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
# Elements that run or load code, or take over the page, whatever their attributes. Other tags
# nh3 does not know (a README's <your-token>) only show nothing: left for the writer to see.
RUNNING_ELEMENTS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "meta", "link",
    "style", "math", "template", "noscript", "portal", "xmp", "plaintext", "button", "textarea", "select",
})
_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href"}


class _FirstTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if self.tag is None:
            self.tag = (tag, {name for name, _ in attrs})

    handle_startendtag = handle_starttag


def _start_tag(html: str) -> tuple[str, set[str]] | None:
    parser = _FirstTag()
    parser.feed(html)
    parser.close()
    return parser.tag


def what_runs(tag: str) -> str | None:
    """Why one tag as written (``<img src=x onerror=...>``) is not safe to show, or None: the
    element or the attributes nh3 takes away."""
    match = _TAG.fullmatch(tag)
    if match is None:
        return None
    name = match.group(2).lower()
    if name in RUNNING_ELEMENTS:
        return f"</{name}>" if match.group(1) else f"<{name}>"
    if match.group(1) or name not in SAFE_TAGS:
        return None
    before, after = _start_tag(tag), _start_tag(sanitize_html(tag))
    if before is None:
        return None
    dropped = before[1] - (after[1] if after is not None and after[0] == before[0] else set())
    running = sorted(a for a in dropped if a.startswith("on") or a in _URL_ATTRIBUTES)
    return f"<{name} {' '.join(running)}>" if running else None


def _masked(text: str) -> str:
    """``text`` with everything that is not prose (code, comments) blanked, offsets kept."""
    lines = text.split("\n")
    masked = [" " * len(line) for line in lines]
    for index, line in iter_prose_lines(text):
        if index < len(masked) and len(line) == len(lines[index]):
            masked[index] = line
    return "\n".join(masked)


def neutralize_active_html(markdown: str, first_line: int = 1) -> tuple[str, list[tuple[int, str]]]:
    """``markdown`` with each raw HTML tag that could run code escaped into text, and the
    (line, what) of each; code spans and blocks are left as written."""
    if "<" not in markdown:
        return markdown, []
    masked = _masked(markdown)
    found: list[tuple[int, str]] = []
    out, last = [], 0
    for match in _TAG.finditer(masked):
        active = what_runs(markdown[match.start():match.end()])
        if active is None:
            continue
        if not active.startswith("</"):  # a closing tag is escaped with its opening one's warning
            found.append((first_line + markdown.count("\n", 0, match.start()), active))
        out.append(markdown[last:match.start()])
        out.append("&lt;" + markdown[match.start() + 1:match.end()])
        last = match.end()
    out.append(markdown[last:])
    return "".join(out), found


def active_html_message(what: str) -> str:
    return (f"active HTML {what} (it could run code on the site); escaped: it shows as text "
            "(keep it only if you trust it, by editing the imported file)")
