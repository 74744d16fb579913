"""Links that would run code when clicked (``javascript:``, ``vbscript:``, ``data:``): a warning
naming the page's line (core/script_links.py), and inert HTML (render/url_guard.py) both before
search, feeds and blog excerpts take a page's HTML and on the finished page."""

from __future__ import annotations

from ..core.script_links import find_script_links, script_link_message
from ..render.url_guard import neutralize_script_urls
from .feature import Feature, PageRender


class ScriptUrlGuard(Feature):
    def page_markdown(self, page: PageRender, markdown: str) -> str:
        if page.note is None:  # a note's links were checked when the library loaded
            for index, scheme in find_script_links(markdown, 0):
                page.warn(index, script_link_message(scheme))
        return markdown

    def page_html(self, page: PageRender, html: str) -> str:
        return neutralize_script_urls(html)

    def finished_page(self, page: PageRender, output: str) -> str:
        """Blog indexes hold excerpts rendered apart from their posts: every finished page is checked."""
        return neutralize_script_urls(output)
