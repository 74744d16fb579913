"""Blog posts' and authors' values made safe before mkdocs-material's templates show them.

The theme inserts a post's title, description, tags and categories and an author's name,
description and avatar into pages as they are (post pages, tag pages, the blog index, archive
and category pages, ``<meta name=description>``, the search index its script inserts with
innerHTML), and `paperkb import posts --add-authors` brings them from someone else's blog. Once
the blog plugin has read posts and authors, each value is escaped (shown as the text it is);
one that holds HTML markup or an address that would run code is named with ``path:line``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from material.plugins.blog.plugin import BlogPlugin
from material.plugins.blog.structure import Category, Profile
from mkdocs.config.defaults import MkDocsConfig

from ..core.frontmatter_source import FrontMatterError, parse_front_matter
from ..core.problems import Problem, Severity, display_path
from ..core.urls import safe_url, script_scheme
from ..render.escape import escape
from .config import PaperKBConfig
from .feature import Feature
from .messages import report
from .page_meta import has_markup, markup_message

POST_TEXT_KEYS = ("title", "description")


@dataclass
class _Lines:
    """Lines of a post's front-matter keys (and list items), read with paperkb's YAML reader."""

    keys: dict[str, int]
    items: dict[str, list[int]]

    @classmethod
    def of(cls, path: str | None) -> "_Lines":
        try:
            fm = parse_front_matter(Path(path).read_text(encoding="utf-8-sig")) if path else None
        except (OSError, UnicodeDecodeError, FrontMatterError):
            fm = None
        return cls(fm.key_lines, fm.item_lines) if fm else cls({}, {})

    def item(self, key: str, index: int) -> int:
        lines = self.items.get(key, [])
        return lines[index] if index < len(lines) else self.keys.get(key, 1)


def escape_blog_values(config: MkDocsConfig, project_root: Path) -> list[Problem]:
    """Escape what every enabled blog plugin read from posts and its authors file."""
    problems: list[Problem] = []
    for plugin in config.plugins.values():
        if isinstance(plugin, BlogPlugin) and plugin.config.enabled and getattr(plugin, "blog", None) is not None:
            problems += _escape_posts(plugin, project_root)
            problems += _escape_authors(plugin, config, project_root)
            _rewrite_view_headings(plugin, config)
    return problems


def _escape_posts(plugin: BlogPlugin, project_root: Path) -> list[Problem]:
    problems: list[Problem] = []
    for post in plugin.blog.posts:
        path = getattr(post.file, "paperkb_written_path", post.file.abs_src_path)  # not a copy made for `hide`
        shown = display_path(Path(path), project_root) if path else post.file.src_uri
        lines = _Lines.of(path) if path else _Lines({}, {})
        meta: dict[str, Any] = post.meta
        for key in POST_TEXT_KEYS:
            if isinstance(meta.get(key), str):
                if has_markup(meta[key]):
                    problems.append(Problem(shown, lines.keys.get(key, 1), Severity.WARNING,
                                            markup_message(f"the post's {key}", meta[key])))
                meta[key] = str(escape(meta[key]))
        categories = [str(c) for c in post.config.categories]
        for index, name in enumerate(categories):
            if has_markup(name):
                problems.append(Problem(shown, lines.item("categories", index), Severity.WARNING,
                                        markup_message("a category", name)))
        escaped = [str(escape(name)) for name in categories]
        post.config.categories = escaped
        if "categories" in meta:
            meta["categories"] = escaped
    return problems


AUTHOR_TEXT_KEYS = ("name", "description")
AUTHOR_ADDRESS_KEYS = ("avatar", "url")


def _escape_authors(plugin: BlogPlugin, config: MkDocsConfig, project_root: Path) -> list[Problem]:
    authors = getattr(plugin, "authors", None) or {}
    if not authors:
        return []
    path = Path(config.docs_dir) / plugin.config.authors_file.format(blog=plugin.config.blog_dir)
    shown = display_path(path, project_root)
    lines = _author_lines(path)
    problems: list[Problem] = []

    def warn(author_id: str, key: str, message: str) -> None:
        line = lines.get((author_id, key), lines.get((author_id, ""), 1))
        problems.append(Problem(shown, line, Severity.WARNING, message))

    for author_id, author in authors.items():
        for key in AUTHOR_TEXT_KEYS:
            value = getattr(author, key, None)
            if isinstance(value, str):
                if has_markup(value):
                    warn(author_id, key, markup_message(f"author '{author_id}': {key}", value))
                setattr(author, key, str(escape(value)))
        for key in AUTHOR_ADDRESS_KEYS:
            value = getattr(author, key, None)
            if not isinstance(value, str) or not value:
                continue
            image = key == "avatar" and value.strip().lower().startswith("data:image/")  # drawn, never run
            if not image and (script_scheme(value) or safe_url(value) is None) or '"' in value or "<" in value:
                warn(author_id, key, f"author '{author_id}': {key} {value[:60]!r} is not an address the site "
                                     "links to (http(s), a path in the site or an image); it is left out")
                setattr(author, key, "" if key == "avatar" else None)
            else:
                setattr(author, key, str(escape(value)))
    return problems


def _author_lines(path: Path) -> dict[tuple[str, str], int]:
    """(author id, key) -> line in the authors file; (author id, "") is the author's own line."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    lines: dict[tuple[str, str], int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value != "authors" or not isinstance(value, yaml.MappingNode):
            continue
        for author_key, fields in value.value:
            lines[(str(author_key.value), "")] = author_key.start_mark.line + 1
            if isinstance(fields, yaml.MappingNode):
                for field_key, _ in fields.value:
                    lines[(str(author_key.value), str(field_key.value))] = field_key.start_mark.line + 1
    return lines


def _rewrite_view_headings(plugin: BlogPlugin, config: MkDocsConfig) -> None:
    """Category and author pages the blog plugin made hold ``# {name}`` as written: give them the
    escaped name (a heading with a tag in it would render the tag)."""
    docs_dir = str(Path(config.docs_dir).resolve())
    for view in plugin.blog.views:
        if not isinstance(view, (Category, Profile)) or not isinstance(view.name, str):
            continue
        name = str(escape(view.name))
        for page in [view, *view.pages]:
            source = page.file.abs_src_path
            if source and not str(Path(source).resolve()).startswith(docs_dir):  # the plugin's own file
                Path(source).write_text(f"---\ntitle: {json.dumps(name)}\n---\n# {name}\n", encoding="utf-8")


class BlogValues(Feature):
    """Blog posts' and authors' values escaped once the blog plugin has read them."""

    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        self.project_root = project_root

    def files_ready(self, config: MkDocsConfig) -> None:
        report(escape_blog_values(config, self.project_root))
