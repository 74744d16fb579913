"""Front-matter values mkdocs-material's templates and plugins read from ``page.meta``, made safe
before they do: tags as a list of escaped strings (the tags plugin stops the build on one string,
and the theme inserts tag names as HTML); the title as HTML text; with ``sanitize_html``, the
finished page's content."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from mkdocs.structure.pages import Page

from ..core.active_html import sanitize_html
from ..core.frontmatter_source import FrontMatterError, parse_front_matter
from ..core.tags import tag_list
from ..render.escape import escape
from .feature import Feature, PageRender
from .messages import log


_MARKUP = re.compile(r"<[A-Za-z/!?]")


def has_markup(text: str) -> bool:
    """Whether ``text`` holds what a browser would read as a tag."""
    return bool(_MARKUP.search(text))


def markup_message(what: str, value: str) -> str:
    shown = value if len(value) <= 60 else value[:59] + "…"
    return f"{what} holds HTML markup ({shown!r}); it is shown as text, not run"


def key_line(abs_src_path: str | None, key: str) -> int:
    """The line of ``key`` in a file's front-matter (1 when it cannot be told)."""
    if not abs_src_path:
        return 1
    try:
        text = Path(abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
        return parse_front_matter(text).key_lines.get(key, 1)
    except (OSError, FrontMatterError):
        return 1


def normalise_tags(page: Page, shown_as: str, tags: list[str] | None = None,
                   spelling: Callable[[str], str] | None = None) -> None:
    """``page.meta['tags']`` as escaped strings; ``tags``: the note's own, already read;
    ``spelling``: the one spelling of a tag the notes use."""
    if "tags" not in page.meta:
        return
    if tags is None:
        tags, problem = tag_list(page.meta["tags"])
        if problem:
            log.warning(f"{shown_as}:{key_line(page.file.abs_src_path, 'tags')}: {problem}")
        if spelling is not None:
            tags = list(dict.fromkeys(map(spelling, tags)))
        for tag in tags:
            if has_markup(tag):
                log.warning(f"{shown_as}:{key_line(page.file.abs_src_path, 'tags')}: {markup_message('a tag', tag)}")
    page.meta["tags"] = [str(escape(tag)) for tag in tags]


def keep_title_escaped(page: Page) -> None:
    """A title taken from the page's first heading is HTML text (``&lt;/title&gt;`` stays an
    entity), but mkdocs-material's ``<title>`` shows it through ``striptags``, which decodes the
    entities: a heading reading ``</title><script>`` would become markup there. Given as the
    page's meta title, the theme shows it as it is."""
    if "title" not in page.meta and page.title and not page.is_homepage:  # the home shows the site name
        page.meta["title"] = page.title


_ARTICLE_START = re.compile(r"<article\b[^>]*>")


def sanitize_page_content(page_html: str) -> str:
    """A finished page with its article (the page's content, blog excerpts included) sanitised;
    the theme's own markup and scripts around it are left alone."""
    start = _ARTICLE_START.search(page_html)
    end = page_html.rfind("</article>")
    if start is None or end < start.end():
        return page_html
    return page_html[:start.end()] + sanitize_html(page_html[start.end():end]) + page_html[end:]


class SafeMeta(Feature):
    """Page meta the theme prints: a title made from a heading stays escaped."""

    def page_html(self, page: PageRender, html: str) -> str:
        keep_title_escaped(page.page)
        return html
