"""The `paperkb` MkDocs plugin: load notes, add generated pages, decorate note pages."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..core.body_scan import LineTransform, chain, extensionless_transform, map_prose, unlink_transform
from ..core.display_math import normalise_display_math
from ..core.library import Library
from ..core.loader import NoteCache, is_excluded, load_library
from ..core.model import Note
from ..core.problems import display_path
from ..core.script_links import find_script_links, script_link_message
from ..core.urls import SiteUrls
from ..render.card import fit_leading_title, render_card
from ..render.escape import escape
from ..render.index_pages import IndexPages
from ..render.insight_marks import has_insight_marks, insight_mark
from ..render.intext_citations import CitedKeys
from ..render.site_map import SiteMap
from ..render.url_guard import neutralize_script_urls
from ..render.wikilinks import wikilink_transform
from .assets import ASSETS_DIR
from .blog import clean_feeds, default_updated_date, give_feed_excerpt
from .bibtex import BibTeXGlue
from .callouts import convert_callouts
from .config import PaperKBConfig, cache_root
from .graphs import CitationDisplay
from .headings import Heading, keep_unicode_heading_ids
from .html_slots import HtmlSlots
from .math import add_math_files, add_math_to_config, keep_math_out_of_search, uses_arithmatex_generic
from .messages import PageWarner, log, report
from .nav import build_nav
from .page_meta import normalise_tags
from .symlinks import drop_blocked_links
from .note_layout import NoteLayout
from .query_fence import QueryFence
from .search import enrich_site_search, quiet_jieba


ASSET_URI = "assets/paperkb/paperkb.css"


class PaperKBPlugin(BasePlugin[PaperKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"  # MkDocs' command (on_startup): `serve` keeps what the next build reuses
        self.cache = NoteCache()  # survives `mkdocs serve` rebuilds (the plugin defines on_startup)
        self.library = Library()
        self.draft_uris: set[str] = set()
        self.page_uris: set[str] = set()  # every documentation page of this build, by src_uri
        self.site: SiteMap | None = None
        self.project_root = Path.cwd()
        self.notes_cache_file: Path | None = None
        self.bib = BibTeXGlue()  # .bib sources, Cite blocks, [@key] citations, bibliography pages, all.bib
        self.queries = QueryFence()  # paperkb-query blocks
        self.slots = HtmlSlots()  # finished HTML (cards, index tables) kept out of Markdown
        self.layout = NoteLayout(self.slots)  # card and sections above a note's body, citations after
        self.generated_uris: frozenset[str] = frozenset()
        self.feeds = False  # mkdocs-rss-plugin on, with the site_url a feed's links need
        self.citations = CitationDisplay()  # cites / cited by, diagrams, graph pages; kept across serve rebuilds

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.project_root = Path(config.config_file_path or config.docs_dir).resolve().parent
        # Parsed notes on disk beside the diagrams' cache (`cache_dir: ""` keeps both off the disk).
        caches = cache_root(self.config, self.project_root)
        self.notes_cache_file = caches / "notes" / "parsed.pickle" if caches else None
        self.user_nav = config.nav
        self.tags_enabled = "material/tags" in config.plugins or "tags" in config.plugins
        self.feeds = "rss" in config.plugins and bool(config.site_url)
        if ASSET_URI not in config.extra_css:
            config.extra_css.append(ASSET_URI)
        self.math = self.config.enabled and self.config.math and uses_arithmatex_generic(config)
        if self.math:
            add_math_to_config(config)
        elif self.config.enabled and self.config.math:
            log.info("paperkb: math is not typeset: add `pymdownx.arithmatex: {generic: true}` to markdown_extensions")
        if self.config.enabled:
            quiet_jieba()
        self.queries.register(config)
        self.bib.configure(self.config, self.project_root)
        self.citations.configure(self.config, config, self.project_root)
        if self.config.enabled:
            keep_unicode_heading_ids(config)
        self.layout.configure(config)
        return config

    # -- files: parse notes, drop bad ones and drafts, add generated pages ---------------------
    @event_priority(50)  # before the blog and tags plugins look at the files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        docs_dir = Path(config.docs_dir)
        report(drop_blocked_links(files, docs_dir, self.config.follow_symlinks_outside, self.project_root))
        candidates = [
            (Path(f.abs_src_path), f.src_uri)
            for f in files.documentation_pages()
            if f.abs_src_path and not f.generated_by and not is_excluded(f.src_uri, self.config.exclude)
        ]
        if self.notes_cache_file and not self.cache.entries:  # the first build of this process
            self.cache.load(self.notes_cache_file)
        self.library = load_library(docs_dir, files=candidates, cache=self.cache, project_root=self.project_root,
                                    bib_files=self.bib.source_files(files))
        if self.notes_cache_file:
            self.cache.save(self.notes_cache_file)
        report(self.library.problems)
        self.draft_uris = {n.src_uri for n in self.library.drafts.values()}
        self._remove_unpublished(files)
        self.page_uris = {f.src_uri for f in files.documentation_pages()}
        for note in self.library:  # reached through index pages, not the nav: no "not in nav" notice
            file = files.get_file_from_path(note.src_uri)
            if file is not None:
                file.inclusion = InclusionLevel.NOT_IN_NAV

        urls = SiteUrls(config.use_directory_urls)
        prefix = self.config.pages_dir.strip("/") + "/" if self.config.pages_dir.strip("/") else ""
        has_home = files.get_file_from_path("index.md") is not None
        self.site = SiteMap.for_library(
            self.library, urls, prefix=prefix, home="index.md",
            statistics=f"{prefix}statistics.md" if has_home else "index.md", graphs=self.citations.enabled,
        )
        self.queries.start(self.library, self.site)
        self.slots.begin_build()
        self.layout.begin_build(self.library, urls)
        self.generated_uris = frozenset(self.site.generated_uris())
        pages = IndexPages(self.library, self.site, site_name=config.site_name,
                           plain=self.layout.plain).all_pages(self.config.home_intro)
        pages += self.bib.start(self.library, self.site, files, config, prefix)
        pages += self.citations.start(self.library, self.site, files, config)
        for page in pages:
            if files.get_file_from_path(page.src_uri) is not None:
                if page.src_uri != "index.md":
                    log.warning(f"paperkb: {page.src_uri} exists in {config.docs_dir}; the generated page is not added")
                continue
            files.append(File.generated(config, page.src_uri, content=page.source(), inclusion=InclusionLevel.NOT_IN_NAV))

        files.append(File.generated(config, ASSET_URI, abs_src_path=str(ASSETS_DIR / "paperkb.css")))
        if self.math:
            add_math_files(files, config)
        if self.config.auto_nav and self.user_nav is None:
            config.nav = self._nav(files)
        return files

    def _remove_unpublished(self, files: Files) -> None:
        published = self.library.by_src_uri
        drafts = {n.src_uri for n in self.library.drafts.values()}
        for file in list(files.documentation_pages()):
            src = file.src_uri
            if src in published or file.generated_by or is_excluded(src, self.config.exclude):
                continue
            if src in drafts or self._is_rejected_note(file):
                files.remove(file)

    def _is_rejected_note(self, file: File) -> bool:
        """A note that was reported with errors: it is skipped, not published half-broken.

        The caller only asks about files that are not published: a file that parsed as a note
        but was left out later (duplicate key, no title even from the .bib) is rejected too."""
        parsed = self.cache.entries.get(str(Path(file.abs_src_path)))
        return parsed is not None and (parsed.note is not None or bool(parsed.problems))

    def _nav(self, files: Files) -> list:
        assert self.site is not None
        generated = set(self.site.generated_uris())
        notes = self.library.by_src_uri
        others = [
            f.src_uri for f in files.documentation_pages()
            if f.src_uri not in generated and f.src_uri not in notes and f.src_uri != "index.md"
            and not is_excluded(f.src_uri, self.config.exclude)
        ]
        blog_index = next(
            (f.src_uri for f in files.documentation_pages() if f.src_uri in ("blog/index.md", "blog/README.md")), None)
        return build_nav(self.site, others, blog_index)

    # -- pages ---------------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.site is None:
            return markdown
        src = page.file.src_uri
        note = self.library.by_src_uri.get(src)
        # Notes' links were checked when the library loaded and generated pages only repeat
        # note text, so only other pages (blog posts, user pages) warn from here.
        if note is None and page.file.abs_src_path and not page.file.generated_by:
            warn = self._page_warner(page)
        else:
            warn = _ignore
        if note is None:
            # Tags as a list in the notes' spelling of each (LLM / llm are one tag), escaped.
            normalise_tags(page, warn.shown_as if isinstance(warn, PageWarner) else src,
                           spelling=self.library.spellings.tag)
            for index, scheme in find_script_links(markdown, 0):  # made inert in on_page_content
                warn(index, script_link_message(scheme))
            default_updated_date(page.meta)
            if page.file.url != self.site.urls.url(src):  # e.g. a blog post: its cards link from there
                self.site.urls.moved[src] = page.file.url
            cited = CitedKeys()  # [@key] citations: the page ends with their References list
            if page.file.generated_by and src in self.generated_uris:  # index pages: tables are finished HTML
                markdown = self.slots.hold_tables(src, markdown)  # (first: no text pass may touch them)
            markdown = self._expand(self.queries.prepare(markdown, page, warn), src, warn, cited)
            return "\n\n".join(p for p in (markdown, self.bib.references_section(cited, src)) if p)
        # Page titles and tags reach mkdocs-material's templates unescaped: hand them over as HTML.
        page.meta["title"] = str(escape(note.title))
        normalise_tags(page, note.display_path, note.tags)  # in their one spelling (LLM / llm / "Llm " are one tag)
        # Query blocks run on the body as written, so their warnings name the note's own lines.
        markdown = self.queries.prepare(markdown, page, PageWarner(str(note.path), note.display_path, note.body_line))
        markdown = fit_leading_title(markdown, note.title)
        cited = CitedKeys()  # [@key] citations in the sections and body: their References follow the body
        card = str(render_card(note, self.site, show_tags=not self.tags_enabled))
        top = self.layout.top(note, card, markdown, lambda text: self._expand(text, src, _ignore, cited))
        parts = [top, self._expand(markdown, src, _ignore, cited), self.bib.references_section(cited, src)]
        return "\n\n".join(p for p in parts if p)

    @event_priority(100)  # before other plugins (and search) read the page's HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:  # before search, feeds and blog excerpts take the HTML
            html = neutralize_script_urls(html)
        if self.math:
            html = keep_math_out_of_search(html)
        note = self.library.by_src_uri.get(page.file.src_uri) if self.config.enabled else None
        if note is None:  # an index page's tables go in after search has read it (on_post_page)
            if self.feeds and page.meta.get("date") is not None:  # a blog post (only those reach the feed)
                give_feed_excerpt(page, html)
            return html
        return self.layout.place(page, html, self._trailing_headings(note))

    def _trailing_headings(self, note: Note) -> list[Heading]:
        cite = [Heading("cite", "Cite")] if self.bib.has_cite_block(note) else []
        return self.citations.headings(note) + cite

    def _trailing_contents(self, note: Note) -> list[str]:
        cite = [self.bib.cite_block(note)] if self.bib.has_cite_block(note) else []
        return self.citations.contents(note, self.bib.reference_item) + cite

    def _expand(self, markdown: str, src: str, warn, cited: CitedKeys | None = None) -> str:
        """Text transforms shared by every page, in one pass over its prose: wikilinks and card
        embeds, links to drafts made text, ``[@key]`` citations (when ``cited`` collects them for
        a References list), insight badges; then Obsidian callouts."""
        transforms: list[LineTransform] = []
        if "[[" in markdown:
            transforms.append(wikilink_transform(src, self.library, self.site, warn, show_tags=not self.tags_enabled))
        if "](" in markdown:  # Obsidian / Quartz links without an extension: [x](other-note)
            transforms.append(extensionless_transform(src, self.page_uris))
        if self.draft_uris and ".md" in markdown:
            transforms.append(unlink_transform(markdown, src, self.draft_uris))
        if cited is not None and "@" in markdown:
            citations = self.bib.citation_transform(src, warn, cited)
            transforms += [citations] if citations else []
        if has_insight_marks(markdown):
            transforms.append(insight_mark)
        if transforms:
            markdown = map_prose(markdown, chain(*transforms))
        if self.config.callouts and "[!" in markdown:
            markdown = convert_callouts(markdown)
        if self.math and "$$" in markdown:  # last: it adds lines, which no line-numbered pass may see
            markdown = normalise_display_math(markdown)
        return markdown

    # -- after the build ------------------------------------------------------------------------
    @event_priority(-50)  # after mkdocs-material's search plugin wrote search/search_index.json
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            enrich_site_search(config.site_dir, forms=self.config.search_forms)
            self.citations.write_graph_data(config.site_dir)
        if self.feeds:
            clean_feeds(config.site_dir)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return output
        src = page.file.src_uri
        note = self.library.by_src_uri.get(src)
        if note is not None:  # after search read the page: Cites, Cited by, the diagram, Cite
            output = self.layout.finish(output, src, self._trailing_contents(note))
        else:  # the tables of a generated page: search finds the page by its title, not by every row
            output = self.slots.fill(src, output)
        # Diagrams go in last: they were laid out while the other pages were rendered.
        output = self.citations.fill(output, src, keep=self.command == "serve")
        # Blog indexes hold excerpts rendered apart from their posts: every finished page is checked.
        return neutralize_script_urls(output)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        # .bib files listed in bib_files may live outside docs_dir: reload when they change too.
        for path in self.bib.watched_files():
            server.watch(str(path))
        return server

    def on_shutdown(self) -> None:
        self.citations.close()

    def _page_warner(self, page: Page) -> PageWarner:
        return PageWarner(page.file.abs_src_path, display_path(Path(page.file.abs_src_path), self.project_root))


def _ignore(_line: int, _message: str) -> None:
    """Warning sink for text whose problems were reported where it was written."""
