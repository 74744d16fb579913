"""Links that would run code when clicked (``javascript:``, ``vbscript:``, ``data:``): a warning
naming the page's line (core/script_links.py), and inert HTML (render/url_guard.py) both before
search, feeds and blog excerpts take a page's HTML and on the page the theme wrote around it
(paperkb's own sections and diagrams, escaped where they are made, go in after that check). With the option
``sanitize_html``, every page's content goes through nh3's safelist (core/active_html.py)
instead: no script, handler or frame either."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.active_html import sanitize_html
from ..core.script_links import find_script_links, script_link_message
from ..render.url_guard import InertTexts, neutralize_around, neutralize_script_urls
from .config import PaperKBConfig
from .feature import Feature, PageRender
from .page_meta import sanitize_page_content


class ScriptUrlGuard(Feature):
    def __init__(self) -> None:
        self.sanitize = False
        self.template_parts = InertTexts()  # what the theme writes around the content of many pages

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.sanitize = options.sanitize_html

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        if page.note is None:  # a note's links were checked when the library loaded
            for index, scheme in find_script_links(markdown, 0):
                page.warn(index, script_link_message(scheme))
        return markdown

    def page_html(self, page: PageRender, html: str) -> str:
        return sanitize_html(html) if self.sanitize else neutralize_script_urls(html)

    def page_output(self, page: PageRender, output: str) -> str:
        """The page as the theme wrote it, before paperkb's own sections, lists and diagrams go in
        (first of the features): blog indexes hold excerpts rendered apart from their posts, and
        the theme prints page data, so what the template put around the content is checked too.
        The content itself was checked at ``page_html``: when the template holds it unchanged,
        only the rest is scanned (the content of a note page is most of its HTML)."""
        if self.sanitize:
            output = sanitize_page_content(output)
        return neutralize_around(output, page.page.content or "", self.template_parts)
