"""Lists as the notes' editors nest them (two or three spaces: core/list_indent.py), and
``sane_lists``: a numbered list after a bulleted one is a list of its own, as in those
editors (Python-Markdown would otherwise merge them into one bulleted list)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.list_indent import normalise_list_indent
from .config import PaperKBConfig
from .feature import Feature, PageRender


class Lists(Feature):
    def __init__(self) -> None:
        self.enabled = False

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = options.enabled
        if self.enabled and "sane_lists" not in config.markdown_extensions:
            config.markdown_extensions.append("sane_lists")

    def after_prose(self, page: PageRender, markdown: str) -> str:
        # Generated pages hold paperkb's own Markdown, nested by four spaces already.
        return normalise_list_indent(markdown) if self.enabled and not page.generated else markdown
