"""Glue for the reading blog (mkdocs-material's blog plugin and mkdocs-rss-plugin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..render.feed_excerpt import feed_excerpt
from .config import PaperKBConfig
from .feature import Feature, PageRender
from .feeds import rewrite_feeds


class Feeds(Feature):
    """The blog's RSS feeds (mkdocs-rss-plugin): stable dates, rendered excerpts, XML-safe text
    (feeds.py writes them again from the plugin's items)."""

    def __init__(self) -> None:
        self.enabled = False  # mkdocs-rss-plugin on, with the site_url a feed's links need

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = "rss" in config.plugins and bool(config.site_url)

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        if page.note is None:
            default_updated_date(page.page.meta)
        return markdown

    def page_html(self, page: PageRender, html: str) -> str:
        if self.enabled and page.note is None and page.page.meta.get("date") is not None:  # only posts reach the feed
            give_feed_excerpt(page.page, html)
        return html

    def post_build(self, config: MkDocsConfig) -> None:
        if self.enabled:
            rewrite_feeds(config)  # every value escaped once, well-formed with Q&A or < anywhere


def default_updated_date(meta: dict[str, Any]) -> None:
    """A post that was never updated was last updated when it was written.

    mkdocs-rss-plugin reads a post's update time from ``date.updated`` and, without git
    history, falls back to the build time: every post would look changed on every build."""
    date = meta.get("date")
    if isinstance(date, dict) and date.get("created") is not None and date.get("updated") is None:
        date["updated"] = date["created"]


def give_feed_excerpt(page: Page, html: str) -> None:
    """Hand mkdocs-rss-plugin a post's rendered excerpt with absolute links (its own is converted
    from Markdown without MkDocs' link rewriting); a description the author wrote wins."""
    meta = page.meta
    rss = meta.get("rss", {})
    if not isinstance(rss, dict) or meta.get("description") or rss.get("feed_description") or not page.canonical_url:
        return
    excerpt = feed_excerpt(html, page.canonical_url)
    if excerpt:
        meta["rss"] = {**rss, "feed_description": excerpt}
