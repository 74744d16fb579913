"""``[[key]]`` / ``[[key|label]]`` links and ``![[key]]`` card embeds inside any page."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from ..core.body_scan import WIKILINK, LineTransform, heading_anchor
from ..core.library import Library
from .card import render_card, wikilink_markdown
from .escape import md_text
from .site_map import SiteMap

_EMBED_LINE = re.compile(r"^\s{0,3}!\[\[([^\[\]|#\n]+?)\]\]\s*$")


def wikilink_transform(here: str, library: Library, site: SiteMap, warn: Callable[[int, str], None], *,
                       show_tags: bool = True) -> LineTransform:
    """A line transform (body_scan.map_prose) replacing wikilinks with Markdown links and embed
    lines with cards; ``warn(line_index, message)`` for unknown keys."""

    def transform(line: str, index: int) -> str:
        if "[[" not in line:
            return line
        embed = _EMBED_LINE.match(line)
        if embed:
            key = embed.group(1).strip()
            note = library.note_named(key)
            if note is not None:
                card = render_card(note, site, here=here, heading="p", show_tags=show_tags)
                return f'\n<div class="pkb-embed">\n{card}\n</div>\n'
            if key in library.drafts:  # a draft appears nowhere: its card is left out
                return ""
            warn(index, f"unknown note '{key}' in embed ![[...]]")
            return line

        def replace(match: re.Match[str]) -> str:
            key, fragment, label = match.group(2).strip(), match.group(3), match.group(4)
            note = library.note_named(key)
            page = library.page_named(key) if note is None else None
            if page is not None:  # [[about]]: a plain page, linked by its name as Obsidian does
                path = posixpath.relpath(page, posixpath.dirname(here) or ".")  # MkDocs resolves the file
                anchor = f"#{heading_anchor(fragment.strip())}" if fragment and fragment.strip() else ""
                return f"[{md_text(label.strip() if label else key)}](<{path}{anchor}>)"
            if note is None:
                if key not in library.drafts:
                    warn(index, f"unknown citation '{key}' in wikilink [[{key}]]")
                return md_text(label if label else key)
            link = wikilink_markdown(note, here, label.strip() if label else None)
            if fragment:
                link = link[:-2] + f"#{fragment.strip()}>)"
            return link

        return WIKILINK.sub(replace, line)

    return transform
