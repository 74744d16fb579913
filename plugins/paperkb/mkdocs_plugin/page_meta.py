"""Front-matter values mkdocs-material's templates and plugins read from ``page.meta``, made safe
before they do: tags as a list of escaped strings (the tags plugin stops the build on one string,
and the theme inserts tag names as HTML); ``hide`` as the list of names the theme tests (``hide:
true`` stops its build); the title as HTML text; with ``sanitize_html``, the finished page's content."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..core.active_html import sanitize_html
from ..core.frontmatter_source import FrontMatterError, parse_front_matter
from ..core.problems import Problem, Severity, display_path
from ..core.tags import tag_list
from ..render.escape import escape
from .feature import Feature, PageRender
from .messages import log


_MARKUP = re.compile(r"<[A-Za-z/!?]")


def has_markup(text: str) -> bool:
    """Whether ``text`` holds what a browser would read as a tag."""
    return bool(_MARKUP.search(text))


def markup_message(what: str, value: str) -> str:
    shown = value if len(value) <= 60 else value[:59] + "…"
    return f"{what} holds HTML markup ({shown!r}); it is shown as text, not run"


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
        for tag in tags:
            if has_markup(tag):
                log.warning(f"{shown_as}:{key_line(page.file.abs_src_path, 'tags')}: {markup_message('a tag', tag)}")
    page.meta["tags"] = [str(escape(tag)) for tag in tags]


def keep_title_escaped(page: Page) -> None:
    """A title taken from the page's first heading is HTML text (``&lt;/title&gt;`` stays an
    entity), but mkdocs-material's ``<title>`` shows it through ``striptags``, which decodes the
    entities: a heading reading ``</title><script>`` would become markup there. Given as the
    page's meta title, the theme shows it as it is."""
    if "title" not in page.meta and page.title and not page.is_homepage:  # the home shows the site name
        page.meta["title"] = page.title


_ARTICLE_START = re.compile(r"<article\b[^>]*>")


def sanitize_page_content(page_html: str) -> str:
    """A finished page with its article (the page's content, blog excerpts included) sanitised;
    the theme's own markup and scripts around it are left alone."""
    start = _ARTICLE_START.search(page_html)
    end = page_html.rfind("</article>")
    if start is None or end < start.end():
        return page_html
    return page_html[:start.end()] + sanitize_html(page_html[start.end():end]) + page_html[end:]


class SafeMeta(Feature):
    """Page meta the theme prints: a title made from a heading stays escaped."""

    def page_html(self, page: PageRender, html: str) -> str:
        keep_title_escaped(page.page)
        return html


# -- `hide`: the parts of the page mkdocs-material hides -------------------------------------
_HIDE_WORDS = re.compile(r"[^,\s]+")


def hide_list(value: object) -> tuple[list[str], str | None]:
    """mkdocs-material's ``hide`` as the list of names its templates test with ``in``; a problem
    when the value is no such list. One name, or names separated by commas, is that list. Hexo's
    hide-posts plugin writes ``hide: true``: the theme then stops the whole build."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value, None
    if isinstance(value, str):
        return _HIDE_WORDS.findall(value), None
    return [], (f"'hide' lists the parts of the page to hide (navigation, toc, footer, ...), not {value!r}; "
                "ignored (to leave a page out of the site, write draft: true)")


def normalise_hide(page: Page, shown_as: str) -> None:
    """``page.meta['hide']`` as a list of names, with a warning naming the line when it was not one."""
    if "hide" not in page.meta:
        return
    page.meta["hide"], problem = hide_list(page.meta["hide"])
    if problem:
        log.warning(f"{shown_as}:{key_line(page.file.abs_src_path, 'hide')}: {problem}")


def _post_dirs(config: MkDocsConfig) -> tuple[str, ...]:
    """The folders of mkdocs-material's blog posts (docs-relative, each ending in "/")."""
    from material.plugins.blog.plugin import BlogPlugin  # only where the blog plugin is installed

    return tuple(
        posixpath.normpath(plugin.config.post_dir.format(blog=posixpath.normpath(plugin.config.blog_dir))) + "/"
        for plugin in config.plugins.values() if isinstance(plugin, BlogPlugin) and plugin.config.enabled)


def prepare_posts(files: Files, config: MkDocsConfig, workdir: Path, project_root: Path) -> list[Problem]:
    """Blog posts as the blog plugin may read them, each post's file read once:

    - a post marked ``publish: false`` (Obsidian Publish's key; any value but true) leaves the
      site before the blog plugin reads it: published nowhere, like a draft;
    - a post whose ``hide`` is no list of names is given to the blog plugin as a copy where it is
      one. The blog plugin reads each post from its file before any page event, and stops the
      build on ``hide: true``; the post itself is published with its words, the warning names the line."""
    post_dirs = _post_dirs(config)
    problems: list[Problem] = []
    for file in list(files.documentation_pages()) if post_dirs else ():
        # `serve` plans again with the same files: read the post as written, not an earlier copy.
        source = getattr(file, "paperkb_written_path", file.abs_src_path)
        if not source or not file.src_uri.startswith(post_dirs):
            continue
        file.abs_src_path = source
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
            fm = parse_front_matter(text)
        except (OSError, UnicodeDecodeError, FrontMatterError):
            continue  # the blog plugin names such a file itself
        if fm.data.get("publish", True) is not True:
            files.remove(file)
            continue
        if "hide" not in fm.data:
            continue
        names, problem = hide_list(fm.data["hide"])
        if problem is None and isinstance(fm.data["hide"], list):
            continue
        line = fm.key_lines.get("hide", 1)
        if problem:
            problems.append(Problem(display_path(Path(source), project_root), line, Severity.WARNING, problem))
        lines = text.split("\n")
        end = line  # the value's own lines: those after the key indented deeper than it
        while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
            end += 1
        lines[line - 1:end] = ["hide: " + json.dumps(names)]
        copy = workdir / file.src_uri
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text("\n".join(lines), encoding="utf-8")
        file.paperkb_written_path, file.abs_src_path = source, str(copy)
    return problems
