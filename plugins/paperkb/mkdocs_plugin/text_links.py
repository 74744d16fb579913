"""Links between pages written in any page's text: ``[[key]]`` links and ``![[key]]`` card
embeds (render/wikilinks.py), Obsidian / Quartz links without ``.md``, relative links to
drafts turned into their plain text."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.body_scan import LineTransform, attachment_index, extensionless_transform, find_links, unlink_transform
from ..core.library import Library
from ..render.index_pages import GeneratedPage
from ..render.site_map import SiteMap
from ..render.wikilinks import wikilink_transform
from .config import PaperKBConfig, tags_plugin_on
from .feature import Build, Feature, PageRender


class TextLinks(Feature):
    def __init__(self) -> None:
        self.show_tags = True  # an embedded card lists tags unless the tags plugin shows them
        self.library = Library()
        self.site: SiteMap | None = None
        self.draft_uris: set[str] = set()
        self.page_uris: set[str] = set()  # every published documentation page, by src_uri
        self.attachments: dict[str, str] = {}
        self.sized_images = False

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.show_tags = not tags_plugin_on(config)
        self.sized_images = "attr_list" in config.markdown_extensions  # ![[figure.png|300]]: width 300

    def start(self, build: Build) -> list[GeneratedPage]:
        self.library, self.site = build.library, build.site
        self.draft_uris = build.library.private_src_uris()
        self.page_uris = {f.src_uri for f in build.files.documentation_pages()}  # (generated pages come later)
        # the vault's other files, by path and by file name, for ![[figure.png]]
        self.attachments = attachment_index(f.src_uri for f in build.files
                                            if f.abs_src_path and not f.is_documentation_page())
        return []

    def prose_transforms(self, page: PageRender, markdown: str) -> list[LineTransform]:
        if "[" in markdown:  # the notes it links: a link's title, an embed's card, a draft made text
            links = page.note.body_links if page.note is not None else find_links(markdown, 0, page.src)
            page.reads(link.target for link in links)
        transforms: list[LineTransform] = []
        if "[[" in markdown and self.site is not None:
            transforms.append(wikilink_transform(page.src, self.library, self.site, page.text_warn,
                                                 show_tags=self.show_tags, attachments=self.attachments,
                                                 attachment_warn=page.warn, sized_images=self.sized_images,
                                                 hold=page.hold))
        if "](" in markdown:  # Obsidian / Quartz links without an extension: [x](other-note)
            transforms.append(extensionless_transform(page.src, self.page_uris))
        if self.draft_uris and ".md" in markdown:
            transforms.append(unlink_transform(markdown, page.src, self.draft_uris))
        return transforms
