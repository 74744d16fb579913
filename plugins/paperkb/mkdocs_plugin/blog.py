"""Glue for the reading blog (mkdocs-material's blog plugin and mkdocs-rss-plugin)."""

from __future__ import annotations

from typing import Any


def default_updated_date(meta: dict[str, Any]) -> None:
    """A post that was never updated was last updated when it was written.

    mkdocs-rss-plugin reads a post's update time from ``date.updated`` and, without git
    history, falls back to the build time: every post would look changed on every build."""
    date = meta.get("date")
    if isinstance(date, dict) and date.get("created") is not None and date.get("updated") is None:
        date["updated"] = date["created"]
