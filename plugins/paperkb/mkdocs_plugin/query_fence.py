"""Glue for ``paperkb-query`` blocks: a pymdownx.superfences custom fence, or a text pass without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..render.escape import html
from ..render.index_pages import GeneratedPage
from ..render.query_blocks import FENCE_NAME, FencedQueries, QueryBlockRenderer, Warn, expand_query_blocks
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender

SUPERFENCES = "pymdownx.superfences"


class QueryFence(Feature):
    def __init__(self) -> None:
        self.use_superfences = False
        self.fenced: FencedQueries | None = None
        self.renderer: QueryBlockRenderer | None = None

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        """Add the custom fence to superfences' options (the Markdown of every page is built from them)."""
        # MkDocs keeps the plugin between builds (serve): forget the last build's notes until `start`.
        self.fenced = self.renderer = None
        self.use_superfences = SUPERFENCES in config.markdown_extensions
        if not self.use_superfences:
            return
        options = config.mdx_configs.setdefault(SUPERFENCES, {})
        fences = [f for f in options.get("custom_fences", []) if f.get("name") != FENCE_NAME]
        fences.append({"name": FENCE_NAME, "class": "pkb-query", "format": self._format})
        options["custom_fences"] = fences

    def start(self, build: Build) -> list[GeneratedPage]:
        self.renderer = QueryBlockRenderer(build.library, build.site)
        self.fenced = FencedQueries(self.renderer)
        return []

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """Run the page's blocks as written, so their warnings name the page's own lines."""
        if FENCE_NAME in markdown:  # an answer may change with any note
            page.reads_every_note()
        return self.prepare(markdown, page.page, page.warn)

    def prepare(self, markdown: str, page: Page, warn: Warn) -> str:
        """Run the page's blocks (warning with their lines); keeps the page's line count."""
        if self.renderer is None or self.fenced is None:
            return markdown
        here = page_src_for_url(page.url)
        if self.use_superfences:
            return self.fenced.prepare(markdown, here, warn)
        return expand_query_blocks(markdown, here, self.renderer.library, self.renderer.site, warn, self.renderer)

    def _format(self, src: str, language: str, class_name: str, options: dict, md: Any, **kwargs: Any) -> str:
        if self.fenced is None:  # the plugin is disabled: show the query as the code it is
            return str(html("<pre><code>{}</code></pre>", src))
        excerpt = _excerpt_page(md)
        if excerpt is not None:  # a blog post excerpt shown on a blog index: link from that page
            assert self.renderer is not None
            return str(self.renderer.render(src, page_src_for_url(excerpt.url)).html)
        return self.fenced.html(src)


def page_src_for_url(url: str) -> str:
    """A src path whose page URL is ``url``: relative links computed for it work on that page,
    including pages whose URL does not follow their file (blog posts)."""
    if url == "" or url.endswith("/"):
        return f"{url}index.md"
    if url.endswith(".html"):
        return f"{url[:-5]}.md"
    return f"{url.rstrip('/')}/index.md"


def _excerpt_page(md: Any) -> Any:
    """The view page a mkdocs-material blog excerpt is being rendered for, if this is one."""
    try:
        processor = md.treeprocessors["excerpt"]
    except (AttributeError, KeyError, TypeError):
        return None
    base = getattr(processor, "base", None)
    return base if isinstance(getattr(base, "url", None), str) else None
