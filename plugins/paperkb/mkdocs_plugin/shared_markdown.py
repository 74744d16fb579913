"""One Python-Markdown instance renders the pages of a build, instead of a new one per page.

MkDocs' ``Page.render`` makes a ``markdown.Markdown`` for every page; loading the ~17 configured
extensions into it costs about 1 ms of CPU a page, as much as converting a short note. Python-Markdown
is made to be reused (``Markdown.reset`` between documents; extensions reset what they keep), as
Pelican does, so paperkb keeps one instance per thread and registers MkDocs' four per-page
processors (anchors, relative links, raw HTML ids, the title) on it for each page, as
``Page.render`` does; the page gets the same content, table of contents and title. A page
that is one tight list of plain one-line items (a skim note's body, often) is written as
Markdown would write it, without Markdown (render/plain_list.py).

Only extensions read to reset all they keep between documents are reused (``REUSABLE``); with
any other (a user's own, or footnotes' ``UNIQUE_IDS``, which number the documents of an
instance) each page gets its own instance, as in MkDocs. An instance that raised (or was
stopped by the render guard's time limit) may be left mid-document: it is dropped."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..render.plain_list import plain_list_html
from ..render.plain_text import makes_bare_links, text_neutral

if TYPE_CHECKING:
    from .kept_conversions import KeptConversions

# Extensions (their modules) whose per-document state ``reset`` clears, or that keep none.
REUSABLE = frozenset({
    *(f"markdown.extensions.{name}" for name in (
        "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "nl2br",
        "sane_lists", "tables", "toc")),
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "caret", "details", "emoji", "highlight", "inlinehilite", "keys", "mark",
        "smartsymbols", "superfences", "tabbed", "tasklist", "tilde")),
})


def _module(extension: Any) -> str | None:
    """The module an entry of ``markdown_extensions`` loads (None: a form not recognised here)."""
    if isinstance(extension, markdown.extensions.Extension):
        return type(extension).__module__
    if not isinstance(extension, str) or ":" in extension:
        return None
    return extension if "." in extension else f"markdown.extensions.{extension}"


# MkDocs' own per-page processors, which ``Page.render`` registers (private to MkDocs 1.6: should a
# release rename one, pages are rendered MkDocs' own way).
_MKDOCS_PROCESSORS = ("_RawHTMLPreprocessor", "_ExtractAnchorsTreeprocessor", "_RelativePathTreeprocessor",
                      "_ExtractTitleTreeprocessor")
_MKDOCS_KNOWN = all(hasattr(mkdocs_pages, name) for name in _MKDOCS_PROCESSORS)


def reusable(extensions: list[Any]) -> bool:
    return _MKDOCS_KNOWN and all(_module(e) in REUSABLE for e in extensions)


class SharedMarkdown:
    """Renders pages as ``Page.render`` does, through one kept instance where that is safe."""

    def __init__(self) -> None:
        self._local = threading.local()  # `serve` renders in its own thread: one instance each
        # A full build's conversions, kept for the next (kept_conversions.py; None: not kept)
        self.kept_conversions: KeptConversions | None = None
        # (for which config and extensions: whether plain lists skip Markdown, whether magiclink reads '@')
        self._plain_allowed: tuple[MkDocsConfig, list[Any], bool, bool] | None = None

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        if type(page).render is not Page.render:  # a page class of its own (a plugin's): its own way
            type(page).render(page, config, files)
            return
        allowed, mentions = self._plain_lists(config)
        if allowed and page.markdown is not None:
            plain = plain_list_html(page.markdown, mentions=mentions)
            if plain is not None:  # (cheaper than looking up a kept conversion, and nothing to keep)
                _write_plain(page, plain)
                return
        if self.kept_conversions is not None:
            self.kept_conversions.convert(page, config, files, lambda seen: self._render(page, config, seen))
        else:
            self._render(page, config, files)

    def _render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        md = self._instance(config)
        if md is None:
            Page.render(page, config, files)
            return
        try:
            self._convert(md, page, config, files)
        except BaseException:
            self._local.kept = None  # possibly left mid-document
            raise

    def _instance(self, config: MkDocsConfig) -> markdown.Markdown | None:
        extensions = list(config["markdown_extensions"])
        kept = getattr(self._local, "kept", None)
        if kept is not None and kept[0] is config and kept[1] == extensions:
            return kept[2].reset()
        if not reusable(extensions):
            return None
        md = markdown.Markdown(extensions=extensions, extension_configs=config["mdx_configs"] or {})
        footnotes = next((e for e in md.registeredExtensions if type(e).__module__ == "markdown.extensions.footnotes"),
                         None)
        if footnotes is not None and footnotes.getConfig("UNIQUE_IDS"):
            return None
        self._local.kept = (config, extensions, md)
        return md

    def _plain_lists(self, config: MkDocsConfig) -> tuple[bool, bool]:
        """Whether a page that is a plain list may skip Markdown: pages are rendered here (MkDocs'
        processors as this module knows them) and no extension changes plain prose; and whether
        an extension reads '@' (magiclink's mentions and addresses)."""
        known = self._plain_allowed
        extensions = config["markdown_extensions"]
        if known is None or known[0] is not config or known[1] != extensions:
            allowed = reusable(extensions) and text_neutral(extensions, config["mdx_configs"] or {})
            mentions = makes_bare_links(extensions)
            known = self._plain_allowed = (config, list(extensions), allowed, mentions)
        return known[2], known[3]

    @staticmethod
    def _convert(md: markdown.Markdown, page: Page, config: MkDocsConfig, files: Files) -> None:
        """MkDocs 1.6's ``Page.render`` with ``md`` in place of a new instance."""
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
        extract_title_ext._register(md)

        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors


def _write_plain(page: Page, html: str) -> None:
    """What Markdown would write for a plain list (render/plain_list.py), and all MkDocs' processors
    would learn from it: no heading, title, anchor or link."""
    page.content, page.toc, page._title_from_render = html, get_toc([]), None
    page.present_anchor_ids = set()
    if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {}
