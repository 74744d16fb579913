"""Links that would run code when clicked (``javascript:``, ``vbscript:``, ``data:``): a warning
naming the page's line (core/script_links.py), and inert HTML (render/url_guard.py) both before
search, feeds and blog excerpts take a page's HTML and on the finished page. With the option
``sanitize_html``, every page's content goes through nh3's safelist (core/active_html.py)
instead: no script, handler or frame either."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.active_html import sanitize_html
from ..core.script_links import find_script_links, script_link_message
from ..render.url_guard import neutralize_script_urls
from .config import PaperKBConfig
from .feature import Feature, PageRender
from .page_meta import sanitize_page_content


class ScriptUrlGuard(Feature):
    def __init__(self) -> None:
        self.sanitize = False

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
        """Blog indexes hold excerpts rendered apart from their posts: each page's content is
        sanitised again before paperkb's own sections and diagrams go in."""
        return sanitize_page_content(output) if self.sanitize else output

    def finished_page(self, page: PageRender, output: str) -> str:
        """Blog indexes hold excerpts rendered apart from their posts: every finished page is checked."""
        return neutralize_script_urls(output)
