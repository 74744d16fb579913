"""Headings written as HTML exactly as Python-Markdown's ``toc`` extension would write them.

paperkb puts its own sections on a note page (Problem, Method, ..., Cites, Cited by) without
sending their headings through Markdown; this module gives them the same ids, permalinks and
levels a Markdown ``## Heading`` would get under the site's ``toc`` settings, and ids that do
not collide with the ids the page already has (the note's own headings keep theirs)."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableSet
from dataclasses import dataclass

from markdown.extensions.toc import TocExtension, unique

from .escape import escape

_ID_ATTRIBUTE = re.compile(r"""\sid=["']([^"']*)["']""")


@dataclass(frozen=True)
class HeadingStyle:
    permalink: str | None = None  # the permalink's text (HTML), None for no permalink
    permalink_class: str = "headerlink"
    permalink_title: str = "Permanent link"
    permalink_leading: bool = False
    anchorlink: bool = False
    anchorlink_class: str = "toclink"
    base_level: int = 0  # added to a heading's level (``baselevel`` - 1)
    toc_top: int = 1
    toc_bottom: int = 6

    @classmethod
    def from_toc_config(cls, options: Mapping[str, object] | None) -> HeadingStyle:
        """The style for the site's ``toc`` options, defaults filled in by the extension itself."""
        config = TocExtension(**dict(options or {})).getConfigs()
        permalink = config["permalink"]
        if permalink is True or str(permalink).lower() in ("true", "yes", "y", "on", "1"):
            text: str | None = "&para;"
        elif permalink in (False, None, "") or str(permalink).lower() in ("false", "no", "n", "off", "0", "none"):
            text = None
        else:
            text = str(escape(str(permalink)))
        depth = config["toc_depth"]
        if isinstance(depth, str) and "-" in depth:
            top, bottom = (int(x) for x in depth.split("-"))
        else:
            top, bottom = 1, int(depth)
        return cls(
            permalink=text,
            permalink_class=str(config["permalink_class"]),
            permalink_title=str(config["permalink_title"] or ""),
            permalink_leading=_truthy(config["permalink_leading"]),
            anchorlink=_truthy(config["anchorlink"]),
            anchorlink_class=str(config["anchorlink_class"]),
            base_level=int(config["baselevel"]) - 1,
            toc_top=top,
            toc_bottom=bottom,
        )

    def level(self, level: int) -> int:
        return min(level + self.base_level, 6)

    def in_toc(self, level: int) -> bool:
        return self.toc_top <= self.level(level) <= self.toc_bottom

    def html(self, level: int, anchor: str, title: str) -> str:
        """``<hN id=...>title</hN>`` with the permalink or anchor link the toc extension adds."""
        tag = f"h{self.level(level)}"
        text = str(escape(title))
        if self.anchorlink:
            text = f'<a class="{escape(self.anchorlink_class)}" href="#{escape(anchor)}">{text}</a>'
        if self.permalink is not None:
            title_attr = f' title="{escape(self.permalink_title)}"' if self.permalink_title else ""
            link = f'<a class="{escape(self.permalink_class)}" href="#{escape(anchor)}"{title_attr}>{self.permalink}</a>'
            text = link + text if self.permalink_leading else text + link
        return f'<{tag} id="{escape(anchor)}">{text}</{tag}>'


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in ("true", "yes", "y", "on", "1")


def ids_in(html: str) -> set[str]:
    """Every ``id`` attribute value of a piece of HTML."""
    return set(_ID_ATTRIBUTE.findall(html))


def unique_id(anchor: str, taken: MutableSet[str]) -> str:
    """``anchor``, or ``anchor_1``, ``anchor_2``... the first that is not taken (and take it)."""
    return unique(anchor, taken)

