"""Front-matter values mkdocs-material's templates and plugins read from ``page.meta``, made safe
before they do: tags as a list of escaped strings (the tags plugin stops the build on one string,
and the theme inserts tag names as HTML)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mkdocs.structure.pages import Page

from ..core.frontmatter_source import FrontMatterError, parse_front_matter
from ..core.tags import tag_list
from ..render.escape import escape
from .messages import log


def key_line(abs_src_path: str | None, key: str) -> int:
    """The line of ``key`` in a file's front-matter (1 when it cannot be told)."""
    if not abs_src_path:
        return 1
    try:
        text = Path(abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
        return parse_front_matter(text).key_lines.get(key, 1)
    except (OSError, FrontMatterError):
        return 1


def normalise_tags(page: Page, shown_as: str, tags: list[str] | None = None,
                   spelling: Callable[[str], str] | None = None) -> None:
    """``page.meta['tags']`` as escaped strings; ``tags``: the note's own, already read;
    ``spelling``: the one spelling of a tag the notes use."""
    if "tags" not in page.meta:
        return
    if tags is None:
        tags, problem = tag_list(page.meta["tags"])
        if problem:
            log.warning(f"{shown_as}:{key_line(page.file.abs_src_path, 'tags')}: {problem}")
        if spelling is not None:
            tags = list(dict.fromkeys(map(spelling, tags)))
    page.meta["tags"] = [str(escape(tag)) for tag in tags]
