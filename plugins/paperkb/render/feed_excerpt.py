"""A blog post's excerpt as a feed reader needs it: rendered HTML with absolute links.

mkdocs-rss-plugin otherwise converts the post's Markdown above ``<!-- more -->`` on its own,
without MkDocs' link rewriting: links to notes stay ``../../papers/x.md`` (or the Markdown that
``[[key]]`` became), which no feed reader can follow."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from .escape import xml_text

EXCERPT_MARK = re.compile(r"<!--\s*more\s*-->", re.I)
_FIRST_PARAGRAPH = re.compile(r"<p\b.*?</p>", re.S)
_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.S)
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_URL_ATTRIBUTE = re.compile(r'(?<![\w-])(href|src)="([^"]*)"')  # not data-href
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def feed_excerpt(page_html: str, page_url: str) -> str | None:
    """The post's HTML above ``<!-- more -->`` (else its first paragraph), without the title
    heading the feed item has already, every relative link made absolute against ``page_url``."""
    mark = EXCERPT_MARK.search(page_html)
    if mark:
        excerpt = page_html[:mark.start()]
    else:
        first = _FIRST_PARAGRAPH.search(page_html)
        excerpt = first.group(0) if first else ""
    excerpt = _PERMALINK.sub("", _LEADING_H1.sub("", excerpt)).strip()
    if not excerpt:
        return None

    def absolute(match: re.Match[str]) -> str:
        url = match.group(2)
        return match.group(0) if _ABSOLUTE.match(url) else f'{match.group(1)}="{urljoin(page_url, url)}"'

    return xml_text(_closed(_URL_ATTRIBUTE.sub(absolute, excerpt)))


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class _OpenTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]


def _closed(fragment: str) -> str:
    """``fragment`` with the elements it leaves open closed: ``<!-- more -->`` inside an
    admonition cuts the page in the middle of a <div>."""
    parser = _OpenTags()
    parser.feed(fragment)
    parser.close()
    return fragment + "".join(f"</{tag}>" for tag in reversed(parser.stack))
