"""``[[key]]`` / ``[[key|label]]`` links and ``![[key]]`` card embeds inside any page."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping

from ..core.body_scan import IMAGE_SUFFIXES, WIKILINK, Hold, LineTransform, is_attachment
from ..core.obsidian_syntax import block_or_heading_anchor
from ..core.library import Library, unknown_link_message
from .card import render_card, wikilink_html, wikilink_markdown
from .escape import md_text
from .site_map import SiteMap

_EMBED_LINE = re.compile(r"^\s{0,3}!\[\[([^\[\]|#\n]+?)\]\]\s*$")


def attachment_markdown(match: re.Match[str], here: str, attachments: Mapping[str, str], *,
                        sized: bool = False) -> str | None:
    """``![[figure.png]]`` / ``![[figure.png|300]]`` as an image, ``[[paper.pdf]]`` as a link to
    the file, found as Obsidian finds it: by its path, else by its file name anywhere in the
    notes folder. None when there is no such file. ``sized``: attr_list is on, so Obsidian's
    ``|300`` / ``|300x200`` become the image's width and height."""
    bang, target, label = match.group(1), match.group(2).strip(), (match.group(4) or "").strip()
    found = attachments.get(posixpath.normpath(posixpath.join(posixpath.dirname(here), target)).casefold()) \
        or attachments.get(target.casefold()) or attachments.get(posixpath.basename(target).casefold())
    if found is None:
        return None
    path = posixpath.relpath(found, posixpath.dirname(here) or ".")
    if bang and posixpath.splitext(found)[1].lower() in IMAGE_SUFFIXES:
        size = re.fullmatch(r"(\d+)(?:x(\d+))?", label)  # `|300` is Obsidian's width, `|300x200` both
        alt = "" if size else md_text(label)
        attributes = ""
        if size and sized:
            attributes = f'{{: width="{size.group(1)}"' + (f' height="{size.group(2)}"' if size.group(2) else "") + " }"
        return f"![{alt}](<{path}>){attributes}"
    return f"[{md_text(label or posixpath.basename(target))}](<{path}>)"


def _page_link(key: str, page: str, here: str, fragment: str | None, label: str | None) -> str:
    """A Markdown link to the plain page ``page`` (src path: MkDocs resolves the file)."""
    path = posixpath.relpath(page, posixpath.dirname(here) or ".")
    anchor = f"#{block_or_heading_anchor(fragment.strip())}" if fragment and fragment.strip() else ""
    return f"[{md_text(label.strip() if label else key)}](<{path}{anchor}>)"


def _excalidraw(match: re.Match[str], here: str, library: Library, attachments: Mapping[str, str],
                sized: bool) -> str | None:
    """``![[drawing.excalidraw]]``: the Excalidraw plugin keeps the drawing in
    ``drawing.excalidraw.md`` and, with auto-export on, its picture in ``drawing.excalidraw.svg``
    / ``.png``. The picture when there is one, else a link to the drawing's page."""
    key = match.group(2).strip()
    for suffix in (".svg", ".png"):
        exported = re.match(WIKILINK, f"{match.group(1)}[[{key}{suffix}|{match.group(4) or ''}]]")
        if exported is not None and (found := attachment_markdown(exported, here, attachments, sized=sized)):
            return found
    page = library.page_named(key)
    label = match.group(4) if match.group(4) and not re.fullmatch(r"\s*\d+(?:x\d+)?\s*", match.group(4)) else None
    return _page_link(key, page, here, None, label) if page is not None else None


def wikilink_transform(here: str, library: Library, site: SiteMap, warn: Callable[[int, str], None], *,
                       show_tags: bool = True, attachments: Mapping[str, str] | None = None,
                       attachment_warn: Callable[[int, str], None] | None = None,
                       sized_images: bool = False, hold: Hold | None = None) -> LineTransform:
    """A line transform (body_scan.map_prose) replacing wikilinks with Markdown links and embed
    lines with cards; ``warn(line_index, message)`` for unknown keys. ``attachments``: the
    site's other files by docs-relative path and by file name, case-folded (for ``![[x.png]]``);
    ``attachment_warn``: where a missing one is reported (the loader cannot see files; default ``warn``);
    ``hold``: where a link to a note may go in as finished HTML (html_slots.py)."""
    attachment_warn = attachment_warn or warn

    def transform(line: str, index: int) -> str:
        if "[[" not in line:
            return line
        embed = _EMBED_LINE.match(line)
        if embed and not is_attachment(embed.group(1)):
            key = embed.group(1).strip()
            note = library.note_named(key)
            if note is not None:
                card = render_card(note, site, here=here, heading="p", show_tags=show_tags)
                return f'\n<div class="pkb-embed">\n{card}\n</div>\n'
            if key in library.drafts:  # a draft appears nowhere: its card is left out
                return ""
            page = library.page_named(key)
            if page is not None:  # Obsidian shows a plain page's text here; the site links it
                return _page_link(key, page, here, None, None)
            warn(index, f"unknown note '{key}' in embed ![[...]]")
            return line

        def replace(match: re.Match[str]) -> str:
            key, fragment, label = match.group(2).strip(), match.group(3), match.group(4)
            if is_attachment(key):
                written = attachment_markdown(match, here, attachments or {}, sized=sized_images)
                if written is None and key.lower().endswith(".excalidraw"):
                    written = _excalidraw(match, here, library, attachments or {}, sized_images)
                if written is None:
                    attachment_warn(index, f"attachment '{key}' is not in the notes folder")
                    return md_text(label if label else key)
                return written
            note = library.note_named(key)
            page = library.page_named(key) if note is None else None
            if page is not None:  # [[about]]: a plain page, linked by its name as Obsidian does
                return _page_link(key, page, here, fragment, label)
            if note is None:  # a draft, or a note not written yet (no warning unless a likely typo)
                if message := unknown_link_message(library, key):
                    warn(index, message)
                return md_text(label if label else key)
            anchor = block_or_heading_anchor(fragment.strip()) if fragment and fragment.strip() else ""
            label = label.strip() if label else None
            if hold is not None and not anchor and index in hold.lines:  # (MkDocs checks anchors: not held)
                made = wikilink_html(note, here, site.urls, label)
                if made is not None:
                    return hold.put(made)
            return wikilink_markdown(note, here, label, anchor)

        return WIKILINK.sub(replace, line)

    return transform
