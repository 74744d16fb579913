"""Glue for the reading blog (mkdocs-material's blog plugin and mkdocs-rss-plugin)."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.pages import Page

from ..render.feed_excerpt import feed_excerpt


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
