"""Math served by the site itself: KaTeX (vendored in ``assets/katex``) plus a small typesetter.

pymdownx.arithmatex (generic mode) leaves ``\\(...\\)`` / ``\\[...\\]`` in ``.arithmatex`` elements;
``paperkb-math.js`` renders them with KaTeX in the browser. Nothing loads from a CDN, so a site
read offline still shows its formulas."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..core.display_math import dollars_in_text, normalise_display_math
from ..render.index_pages import GeneratedPage
from .assets import ASSETS_DIR
from .config import PaperKBConfig
from .feature import Build, Feature, PageRender
from .messages import log

KATEX_DIR = ASSETS_DIR / "katex"
SITE_DIR = "assets/paperkb"
CSS = [f"{SITE_DIR}/katex/katex.min.css"]
JS = [f"{SITE_DIR}/katex/katex.min.js", f"{SITE_DIR}/paperkb-math.js"]


class Math(Feature):
    """KaTeX and its typesetter on every page; formulas kept out of the search index."""

    def __init__(self) -> None:
        self.enabled = False

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.enabled = options.enabled and options.math and uses_arithmatex_generic(config)
        if self.enabled:
            add_math_to_config(config)
        elif options.enabled and options.math:
            log.info("paperkb: math is not typeset: add `pymdownx.arithmatex: {generic: true}` to markdown_extensions")

    def start(self, build: Build) -> list[GeneratedPage]:
        if self.enabled:
            add_math_files(build.files, build.config)
        return []

    def page_markdown(self, page: PageRender, markdown: str) -> str:
        """``$$x$$`` inside a line of text, before callouts indent their text (which would make it
        read as code to the later passes); it keeps every line where it was."""
        return dollars_in_text(markdown, display=True)[0] if self.enabled and "$$" in markdown else markdown

    def after_prose(self, page: PageRender, markdown: str) -> str:
        """Display math as Typora / Obsidian write it (after the line-numbered passes: it adds
        lines; before callouts become admonitions: a callout's formula is normalised in its
        quote, where a code block's end or an extra space after ``>`` is still plain to see)."""
        return normalise_display_math(markdown) if self.enabled and "$$" in markdown else markdown

    def page_html(self, page: PageRender, html: str) -> str:
        return keep_math_out_of_search(html) if self.enabled else html


def _shipped_files() -> list[tuple[str, Path]]:
    files = [(f"{SITE_DIR}/paperkb-math.js", ASSETS_DIR / "paperkb-math.js")]
    for path in sorted(KATEX_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".js", ".css", ".woff2"}:
            files.append((f"{SITE_DIR}/katex/{path.relative_to(KATEX_DIR).as_posix()}", path))
    return files


def add_math_to_config(config: MkDocsConfig) -> None:
    """Link the stylesheet and scripts from every page (KaTeX before the typesetter)."""
    for uri in CSS:
        if uri not in config.extra_css:
            config.extra_css.append(uri)
    present = {str(s) for s in config.extra_javascript}
    for uri in JS:
        if uri not in present:
            config.extra_javascript.append(uri)


def add_math_files(files: Files, config: MkDocsConfig) -> None:
    for uri, path in _shipped_files():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))


def uses_arithmatex_generic(config: MkDocsConfig) -> bool:
    """KaTeX only understands arithmatex's generic output (MathJax mode emits script tags)."""
    if "pymdownx.arithmatex" not in config.markdown_extensions:
        return False
    options = config.mdx_configs.get("pymdownx.arithmatex", {})
    return bool(options.get("generic", False))


def keep_math_out_of_search(html: str) -> str:
    """Formulas marked for mkdocs-material's search to skip: the index would hold their TeX
    source (``\\operatorname{softmax}\\Big(\\frac{QK^\\top}...``), which shows up raw in result
    snippets and matches no word a reader types."""
    return html.replace('class="arithmatex"', 'class="arithmatex" data-search-exclude') if "arithmatex" in html else html
