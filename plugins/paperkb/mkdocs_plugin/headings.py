"""Headings paperkb adds to a page as HTML, and their entries in the page's table of contents.

A note page's Problem / Method / Results / Insights headings go into its Markdown as markers
(next to finished HTML, see html_slots.py), and its Cites / Cited by / Citation graph / Cite
headings after the page's HTML; Markdown never parses them, which at 2000 notes saves a few
seconds (every heading costs its share of the toc, anchor and inline passes). Once the page's
HTML exists (on_page_content) their ids are chosen so that they do not collide with the ids of
the note's own headings, and the table of contents gets them in document order, nested as the
``toc`` extension would nest them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown.extensions.toc import nest_toc_tokens
from pymdownx.slugs import slugify as _pymdownx_slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..core.marker_sub import sub_markers
from ..core.user_key import private_marker
from ..render.escape import escape
from ..render.headings import HeadingStyle, ids_in, unique_id


@dataclass(frozen=True)
class Heading:
    anchor: str  # the id it gets unless the page already uses it
    title: str  # plain text
    level: int = 2


class AddedHeadings:
    def __init__(self) -> None:
        self.nonce = private_marker("heading")  # markers nobody writes in a note
        self._marker = re.compile(rf"<!--pkb-heading-{self.nonce}-(\d+)-->")
        self._marker_starts = (f"<!--pkb-heading-{self.nonce}-",)
        self._pages: dict[str, list[Heading]] = {}
        self.style = HeadingStyle()

    def configure(self, config: MkDocsConfig) -> None:
        self.style = HeadingStyle.from_toc_config((config.mdx_configs or {}).get("toc"))


    def begin_build(self) -> None:
        self._pages.clear()

    def marker(self, page_src: str, heading: Heading) -> str:
        """A marker standing for ``heading`` inside the page's Markdown or held HTML."""
        held = self._pages.setdefault(page_src, [])
        held.append(heading)
        return f"<!--pkb-heading-{self.nonce}-{len(held) - 1}-->"

    def place(self, page: Page, html: str, trailing: list[Heading] = ()) -> tuple[str, list[str]]:
        """The page's HTML with its marked headings in place, and the ids of the ``trailing``
        headings that the caller appends after it (``heading_html``); both are added to the
        table of contents and to the anchors MkDocs validates links against."""
        marked = self._pages.pop(page.file.src_uri, [])
        if not marked and not trailing:
            return html, []
        taken = ids_in(html)
        marked_ids = [unique_id(h.anchor, taken) for h in marked]
        trailing_ids = [unique_id(h.anchor, taken) for h in trailing]

        entries: list[tuple[int, int, dict]] = []  # (position, order, toc token) in document order

        def replace(match: re.Match[str]) -> str:
            index = int(match.group(1))
            heading = marked[index]
            if self.style.in_toc(heading.level):
                entries.append((match.start(), len(entries), self._token(heading, marked_ids[index])))
            return self.style.html(heading.level, marked_ids[index], heading.title)

        # Positions are those of the markers in the HTML before replacement; the page's own
        # headings are found in that same HTML, so the order is consistent.
        for position, token in self._page_tokens(page, html):
            entries.append((position, len(entries), token))
        html = sub_markers(self._marker, self._marker_starts, replace, html)
        end = len(html) + 1
        for heading, anchor in zip(trailing, trailing_ids):
            if self.style.in_toc(heading.level):
                entries.append((end, len(entries), self._token(heading, anchor)))
        entries.sort(key=lambda e: (e[0], e[1]))
        page.toc = get_toc(nest_toc_tokens([token for _, _, token in entries]))
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(marked_ids + trailing_ids)
        return html, trailing_ids

    def heading_html(self, heading: Heading, anchor: str) -> str:
        """A trailing heading's HTML, with the id ``place`` gave it."""
        return self.style.html(heading.level, anchor, heading.title)

    def _token(self, heading: Heading, anchor: str) -> dict:
        return {"level": self.style.level(heading.level), "id": anchor, "name": _escaped(heading.title),
                "children": []}

    @staticmethod
    def _page_tokens(page: Page, html: str) -> list[tuple[int, dict]]:
        """The page's own table of contents, flattened, each entry with its heading's position."""
        found: list[tuple[int, dict]] = []
        last = 0

        def walk(items) -> None:
            nonlocal last
            for item in items:
                position = html.find(f'id="{item.id}"')
                last = position if position >= 0 else last  # not found: keep its place in the order
                found.append((last, {"level": item.level, "id": item.id, "name": item.title, "children": []}))
                walk(item.children)

        walk(page.toc or [])
        return found


@lru_cache(maxsize=1024)
def _escaped(title: str) -> str:
    """A heading's title as HTML. Every note has the same few (Cites, Cited by...), and each
    page's table of contents holds its titles until the page is written: one string per title,
    not one per page (~0.2 KB a note)."""
    return str(escape(title))


def keep_unicode_heading_ids(config: MkDocsConfig) -> None:
    """Heading ids that keep non-ASCII words (``## 背景`` -> ``#背景``) unless the site chose a
    ``slugify``: the toc extension's default drops them, leaving ``_1``, ``_2`` on Chinese notes.
    The same ids as before for ASCII headings."""
    if "toc" in config.markdown_extensions:
        options = config.mdx_configs.setdefault("toc", {})
        options.setdefault("slugify", _pymdownx_slugify(case="lower"))
