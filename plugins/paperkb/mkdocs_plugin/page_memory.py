"""What a full build lets go of once a page is written.

MkDocs keeps every page's Markdown and HTML (and a generated page's source text) until the
build ends, though nothing reads them after the page is written: at 10,000 notes that is
hundreds of megabytes held for nothing. A full build drops them for the pages paperkb makes or
decorates (notes, projects, index pages); other pages (blog posts, which the blog plugin
excerpts on its index pages) keep theirs. `mkdocs serve` keeps everything: it re-renders pages
through the same objects (serve.py)."""

from __future__ import annotations

from .feature import PageRender


def release_page(render: PageRender) -> None:
    """Drop the written page's Markdown, HTML and, for a generated page, its source text."""
    if render.note is None and not render.generated:
        return
    page = render.page
    page.markdown = None
    page.content = None
    if render.generated and page.file.generated_by:
        page.file.content_string = ""
