"""Obsidian's ``%% comments %%`` left out of every page: Obsidian shows them only while
editing, and people keep there what they would not publish (core/body_scan.py)."""

from __future__ import annotations

from ..core.body_scan import strip_obsidian_comments
from .feature import Feature, PageRender


class ObsidianComments(Feature):
    def page_markdown(self, page: PageRender, markdown: str) -> str:
        return strip_obsidian_comments(markdown) if "%%" in markdown else markdown
