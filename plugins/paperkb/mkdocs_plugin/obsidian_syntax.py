"""Obsidian's Markdown on every page as Obsidian shows it (core/obsidian_syntax.py): comments
left out, block IDs as anchors, ``#tag`` lines not headings, and ``==highlights==``
(pymdownx.mark, which paperkb adds to the Markdown extensions)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.obsidian_syntax import obsidian_to_markdown
from .config import PaperKBConfig
from .feature import Feature, PageRender


class ObsidianSyntax(Feature):
    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        if options.enabled and "pymdownx.mark" not in config.markdown_extensions:
            config.markdown_extensions.append("pymdownx.mark")

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        return markdown if page.generated else obsidian_to_markdown(markdown)
