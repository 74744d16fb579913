"""``![[page]]`` / ``![[page#Heading]]`` / ``![[page#^block]]``: the other page's text shown in
place (render/transclusion.py), before every other text pass, so it is rendered as the page's
own text. The page records what it embedded (``page.reads``): `serve` renders it again when one
of those pages is saved, and when a page of an embedded name comes or goes."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..render.index_pages import GeneratedPage
from ..render.transclusion import Transcluder
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender, Warn


class Transclusion(Feature):
    def __init__(self) -> None:
        self.transcluder: Transcluder | None = None

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        if options.enabled and "md_in_html" not in config.markdown_extensions:
            config.markdown_extensions.append("md_in_html")  # the embedded text is Markdown inside a <div>

    def start(self, build: Build) -> list[GeneratedPage]:
        published = {f.src_uri for f in build.files.documentation_pages()}  # (what the build left out goes nowhere)
        self.transcluder = Transcluder(build.library, build.config.docs_dir, published)
        return []

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        if page.generated or "![[" not in markdown or self.transcluder is None:
            return markdown
        expansion = self.transcluder.expand(markdown, page.src)
        page.reads(expansion.reads)
        for line, message in expansion.problems:
            page.warn(line, message)
        if len(expansion.origin) != markdown.count("\n") + 1:  # lines came: warnings name the page's own lines
            page.warn = _warn_on_own_lines(page.warn, expansion.origin)
        return expansion.markdown


def _warn_on_own_lines(warn: Warn, origin: list[int | None]) -> Warn:
    """``warn`` for the expanded text: a line of the page is named by its own number; a line of
    embedded text is not warned about here (its page reports it)."""
    added = len(origin) - (max((o for o in origin if o is not None), default=-1) + 1)

    def mapped(index: int, message: str) -> None:
        if index >= len(origin):  # text added after the body
            warn(index - added, message)
        elif origin[index] is not None:
            warn(origin[index], message)

    return mapped
