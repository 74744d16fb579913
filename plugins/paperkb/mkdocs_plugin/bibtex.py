"""Glue for BibTeX: which .bib files the build reads, the Bibliography and To-read pages,
``all.bib`` and ``[@key]`` citations with their References list on every page (``BibTeXGlue``);
the Cite block of note pages (``CiteBlocks``)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..core.bib.formatting import FormattedReference, ReferenceFormatter, WorkerRun
from ..core.library import Library
from ..core.note_memo import NoteMemo
from ..core.bib.references import References, same_references
from ..core.body_scan import LineTransform
from ..core.model import Note
from ..render.bib_html import inert, ref_anchor
from ..render.bib_pages import ALL_BIB, BibliographyPages
from ..render.cite_block import cite_block_html
from ..render.escape import html
from ..render.index_pages import GeneratedPage
from ..render.pandoc_cites import CitedKeys, PandocCiteRenderer
from ..render.site_map import SiteMap
from .config import PaperKBConfig, cache_root
from .feature import Build, Feature, PageRender, Section
from .headings import Heading
from .messages import log


class BibTeXGlue(Feature):
    def __init__(self) -> None:
        self.formatter: ReferenceFormatter | None = None  # kept across `mkdocs serve` rebuilds (its cache)
        self.worker: WorkerRun | None = None  # a worker process of the build's, for a first build's references
        self.references: References | None = None
        self.renderer: PandocCiteRenderer | None = None
        self.formatted: dict[str, FormattedReference] = {}
        self.cite_blocks = True
        self.memo: NoteMemo | None = None  # `serve`: each note's Reference kept between builds (plugin.on_startup)
        self._items: dict = {}  # `serve`: the bibliography pages' items, kept with what they were made of
        self._bib_texts: dict = {}  # `serve`: all.bib's entries as text, by entry
        self._cite_texts: dict[str, str] = {}  # a build: each note's BibTeX until its Cite block takes it
        self.extra_files: list[Path] = []
        self.site: SiteMap | None = None
        self._planned: tuple[list[GeneratedPage], str] | None = None
        self._offered: References | None = None  # a first build's references, offered to the worker early

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self._planned: tuple[list[GeneratedPage], str] | None = None  # pages and all.bib (serve reuses them)
        self.cite_blocks = options.cite_block
        self.extra_files = [(project_root / p).resolve() for p in options.bib_files]
        caches = cache_root(options, project_root)
        cache_dir = caches / "references" if caches else None
        formatter = self.formatter
        current = formatter.cache_file.parent if formatter is not None and formatter.cache_file else None
        if formatter is None or formatter.style_name != options.bib_style or current != cache_dir:
            self.formatter = ReferenceFormatter(options.bib_style, cache_dir=cache_dir)

    def watched_files(self) -> list[Path]:
        """The configured .bib files (those in docs_dir are watched by MkDocs already)."""
        return [p for p in self.extra_files if p.exists()]

    def source_files(self, files: Files) -> list[Path]:
        """The .bib files to read: those in docs_dir, then the configured ones.

        The sources are not copied into the site: it publishes ``all.bib`` instead, which leaves
        out drafts and private fields (Better BibTeX's ``file`` paths, ``annote``)."""
        in_docs = [f for f in files if f.src_uri.endswith(".bib") and not f.generated_by and f.abs_src_path]
        for file in in_docs:
            files.remove(file)
        return [Path(f.abs_src_path) for f in in_docs] + self.extra_files

    def start(self, build: Build) -> list[GeneratedPage]:
        """Format every reference once (kept across builds: pybtex needs 1-2 ms per entry), add
        all.bib; returns the Bibliography and To-read pages."""
        library, site, files, config, prefix = build.library, build.site, build.files, build.config, build.prefix
        assert self.formatter is not None
        self.site = site
        # `serve`: only a note's body changed, or what changed is not part of any reference (a
        # tag, a citation): the references, their pages and all.bib are the same.
        reuse = self._planned is not None and self.references is not None and (
            build.same_notes or (build.previous is not None and not build.bib_edited
                                 and same_references(build.previous, library, build.touched)))
        if not reuse:
            offered, self._offered = self._offered, None
            self.references = offered if offered is not None and offered.library is library \
                else References(library, self.memo)
            if self.memo is not None:
                self.memo.forget_unused()
            self.formatted = self.formatter.format_all([r.entry for r in self.references], worker=self.worker)
            if build.listings:  # (`serve`'s first round leaves writing the cache to the second)
                self.formatter.save()
        self.renderer = PandocCiteRenderer(self.references, site)
        if not len(self.references):
            return []
        site.bibliography = f"{prefix}bibliography.md"
        site.to_read = f"{prefix}to-read.md" if library.bibliography.files else None
        if reuse or not build.listings and self._planned is not None:
            # (`serve`'s first round: the pages and all.bib wait for the second, build.listings)
            pages, all_bib = self._planned
        else:
            kept = self._items if self.memo is not None else None
            pages_maker = BibliographyPages(self.references, self.formatted, site, self.formatter.style_name, kept)
            pages = [pages_maker.bibliography()]
            if site.to_read:
                pages.append(pages_maker.to_read())
            # A build not followed by another: the Cite blocks take their BibTeX from all.bib's
            # writing (each note's entry written once, and together: core/bib/writer.write_each).
            texts = self.references.entry_texts() if self.memo is None else None
            all_bib = self.references.all_bib(self._bib_texts if self.memo is not None else None, texts=texts)
            self._cite_texts = {key: text for key, text in texts.items() if key in library.notes} \
                if texts is not None and self.cite_blocks else {}
            self._items = pages_maker.made
            self._planned = (pages, all_bib)
        if files.get_file_from_path(ALL_BIB) is not None:
            log.warning(f"paperkb: {ALL_BIB} exists in {config.docs_dir}; the generated {ALL_BIB} is not added")
        else:
            files.append(File.generated(config, ALL_BIB, content=all_bib))
        return pages

    @property
    def starts_last(self) -> bool:
        """A first build offered its new references to the diagram worker once the library's
        notes were in (``offer_references``); ``start`` takes back what the worker has not begun.
        Starting after the other features (the diagrams' planning above all) leaves the worker
        their time for its share: ~0.5 ms a reference this process does not do."""
        return self._offered is not None

    def offer_references(self, library: Library) -> None:
        """A process's first plan: the references go to the worker (when there is one and many
        are new) as soon as the library's notes and .bib entries are in (before the citations
        between them are found: load_library's ``notes_loaded``), to be sorted and formatted
        while the features before this one plan; ``start`` does what the worker has not started."""
        if self.formatter is None or self.worker is None or self._planned is not None:
            return
        self._offered = References(library, self.memo)
        self.formatter.offer([r.entry for r in self._offered], self.worker)

    def has_cite_block(self, note: Note) -> bool:
        return bool(self.cite_blocks and self.formatter is not None and self.references is not None
                    and note.key in self.references)

    def cite_block(self, note: Note) -> str:
        """The Cite block's finished HTML ("" when off); the page puts it under a "Cite" heading."""
        if not self.has_cite_block(note):
            return ""
        ref = self.references.get(note.key)
        formatted = self.formatted.get(note.key) or self.formatter.format_one(ref.entry)
        return str(cite_block_html(ref, formatted, self._cite_texts.pop(note.key, None)))

    def reference_item(self, key: str, here: str) -> str | None:
        """A cited .bib entry without a note, for a Cites list: its formatted reference and a
        link to it on the Bibliography page."""
        ref = self.references.get(key) if self.references is not None else None
        if ref is None or self.formatter is None or self.site is None:
            return None
        formatted = self.formatted.get(key) or self.formatter.format_one(ref.entry)
        link = ""
        if self.site.bibliography:
            href = self.site.urls.href(here, self.site.bibliography, ref_anchor(key))
            link = str(html(' <a class="pkb-cites__bib" href="{}">Bibliography</a>', href))
        return f'<li class="pkb-cites__ref">{inert(formatted.html)}{link}</li>'

    def prose_transforms(self, page: PageRender, markdown: str) -> list[LineTransform]:
        """``[@key]`` into author-year links; the keys go to ``page.cited`` (and its reads)."""
        if "@" not in markdown or self.renderer is None:
            return []
        return [self.renderer.transform(page.src, page.text_warn, page.cited, found=page.reads)]

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """The page ends with the References of the [@key]s it cites."""
        return "\n\n".join(p for p in (markdown, self.references_section(page.cited, page.src)) if p)

    def references_section(self, cited: CitedKeys, src: str) -> str:
        if not cited or self.renderer is None or self.formatter is None:
            return ""
        return self.renderer.references_section(cited, src, self.formatter, self.formatted)


class CiteBlocks(Feature):
    """The "Cite" section at the end of a note page: its formatted reference and BibTeX."""

    def __init__(self, bib: BibTeXGlue) -> None:
        self.bib = bib

    def after_body(self, page: PageRender) -> list[Section]:
        note = page.note
        if note is None or not self.bib.has_cite_block(note):
            return []
        return [Section(Heading("cite", "Cite"), lambda: self.bib.cite_block(note))]
