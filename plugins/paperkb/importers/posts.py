"""`paperkb import posts`: Hexo, Hugo, Astro and Jekyll posts as mkdocs-material blog posts.

Each post keeps its whole body and every front-matter field that has no blog equivalent under its
own name. What maps:

=====================  ==============================  =========================================
mkdocs-material        Hexo                            Astro / Jekyll
=====================  ==============================  =========================================
``date.created``       ``date``                        ``pubDate`` / ``date`` or the file name
``date.updated``       ``updated``                     ``updatedDate`` / ``last_modified_at``
                                                       (Hugo: ``date`` / ``lastmod``)
``categories``         ``categories`` (nested: flat)   ``category(ies)`` / ``categories``,
                                                       ``category`` and ``_posts`` parent folders
``tags``               ``tags``                        ``tags`` (Jekyll: also "a b" strings)
``authors``            ``author(s)`` found in the blog's ``.authors.yml`` (else kept, with a warning)
``draft: true``        ``_drafts/``, ``published:      ``draft: true`` / ``_drafts/``,
                       false``                         ``published: false``
``<!-- more -->``      ``<!--more-->``                 Jekyll: ``excerpt_separator``, else after
                                                       the first paragraph (Jekyll's own excerpt)
=====================  ==============================  =========================================

Hugo's TOML front-matter (``+++``) is read as well as YAML (hugo.py); its shortcodes
(``{{< figure >}}``) are kept as text, with a warning naming the line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.active_html import active_html_message, neutralize_active_html
from ..core.body_scan import iter_prose_lines
from ..core.frontmatter_source import FrontMatterError, parse_front_matter
from ..core.problems import Problem, ProblemLog, Severity, display_path
from ..core.text_encoding import not_utf8
from .hugo import SHORTCODE, admonition_shortcodes, has_toml_front_matter, hugo_site, parse_toml_front_matter
from .post_authors import AuthorBook
from .post_body import code_tags_to_fences, kramdown_inline_math, warn_old_site_links
from .writer import SafeWriter, WriteResult, markdown_file

GENERATORS = ("hexo", "hugo", "astro", "jekyll")
POST_SUFFIXES = (".md", ".markdown", ".mdx")
MORE = "<!-- more -->"
_SKIP_DIRS = {"node_modules", "_site", "public", "dist", "themes", "scaffolds", "_layouts", "_includes", "_data",
              "_sass", "layouts", "components", "vendor", "archetypes", "resources"}
# Jekyll reads one-digit months and days too (2016-11-5-slug.md).
_DATED_NAME = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})-(?P<slug>.+)$")
_HEXO_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_TEMPLATE_TAG = re.compile(r"\{%-?.*?-?%\}|\{\{-?\s*(?:site|page|post|include|layout|paginator|content|jekyll|"
                           r"config|theme|url_for|asset_path)\b.*?\}\}")
_MDX_LINE = re.compile(r"^(?:import\s.+\sfrom\s|export\s+(?:const|default|function)\b)|^\s*<[A-Z][\w.]*[\s/>]")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_IMAGE_KEYS = ("image", "heroImage", "cover", "thumbnail", "banner", "featured_image", "og_image", "photos")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%b %d %Y", "%B %d %Y", "%b %d, %Y",
                 "%B %d, %Y", "%d %b %Y", "%d %B %Y")
# Keys the blog plugin validates: a source value of another type would stop the build.
# Keys mkdocs-material reads from a post, with the type it needs (Hexo's hide-posts plugin writes
# `hide: true`, which stops the theme's build: material's `hide` lists parts of the page).
_BLOG_TYPES: dict[str, type | tuple[type, ...]] = {"pin": bool, "readtime": int, "slug": str, "links": list,
                                                   "hide": list, "search": dict, "template": str}


@dataclass
class ConvertedPost:
    source: Path
    generator: str
    name: str  # output file name
    front: dict[str, Any]
    body: str
    images: list[tuple[int, str]] = field(default_factory=list)  # (line in the source, path as written)
    result: WriteResult | None = None
    body_line: int = 1  # line of the source on which the body starts
    source_body: str = ""  # the body as the source has it (line numbers for messages)

    def text(self) -> str:
        return markdown_file(self.front, self.body)


@dataclass
class PostsImportReport:
    posts: list[ConvertedPost]
    writer: SafeWriter
    problems: list[Problem] = field(default_factory=list)
    authors_added: list[str] = field(default_factory=list)
    authors_result: WriteResult | None = None

    @property
    def by_generator(self) -> Counter:
        return Counter(p.generator for p in self.posts)


# -- finding posts ---------------------------------------------------------------------------------
def find_post_files(paths: list[Path]) -> list[Path]:
    """Markdown files named on the command line, or found in folders: a Hexo or Jekyll site's
    ``_posts`` / ``_drafts``, an Astro site's ``src/content``, otherwise every Markdown file."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_file():
            found.append(path)
            continue
        files = sorted(_walk(path))
        in_posts = [f for f in files if {"_posts", "_drafts"} & set(f.relative_to(path).parts[:-1])]
        in_content = [f for f in files if "content" in f.relative_to(path).parts[:-1]
                      and "src" in f.relative_to(path).parts[:-1]]
        in_hugo = [f for f in files if f.relative_to(path).parts[:1] == ("content",)] \
            if hugo_site(path / "content" / "x") is not None else []
        found += in_posts or in_content or in_hugo or files
    return list(dict.fromkeys(found))


def _walk(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in filenames:
            if name.endswith(POST_SUFFIXES) and not name.startswith("."):
                yield Path(dirpath, name)


def detect_generator(path: Path, data: dict[str, Any], body: str, *, toml: bool = False) -> str | None:
    if toml or hugo_site(path) is not None:
        return "hugo"
    parts = [p.lower() for p in path.parts[:-1]]
    for index, part in enumerate(parts):
        if part in ("_posts", "_drafts"):
            return "hexo" if index > 0 and parts[index - 1] == "source" else "jekyll"
        if part in ("content", "pages") and index > 0 and parts[index - 1] == "src":
            return "astro"
    layout = str(data.get("layout", ""))
    if path.suffix == ".mdx" or layout.endswith(".astro") or {"pubDate", "heroImage", "updatedDate"} & data.keys():
        return "astro"
    if _DATED_NAME.match(path.stem):
        return "jekyll"
    if "mathjax" in data or "updated" in data or _HEXO_MORE.search(body):
        return "hexo"
    if "layout" in data:
        return "jekyll"
    return None


# -- converting one post ---------------------------------------------------------------------------
def convert_post(path: Path, log: ProblemLog, *, generator: str | None = None,
                 authors: AuthorBook | None = None) -> ConvertedPost | None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, message = not_utf8(raw, exc)
        log.warning(line, f"{message}; not imported")
        return None
    try:
        fm = parse_toml_front_matter(text) if has_toml_front_matter(text) else parse_front_matter(text)
    except FrontMatterError as exc:
        log.warning(exc.line, f"{exc.message}; not imported")
        return None
    if not fm.present:
        log.warning(1, "no front-matter: not a blog post; not imported")
        return None
    data = dict(fm.data)
    line = lambda key: fm.key_lines.get(key, 1)  # noqa: E731 - a local shorthand
    detected = generator or detect_generator(path, data, fm.body, toml=has_toml_front_matter(text))
    if detected is None:
        log.warning(1, "could not tell whether this is a Hexo, Hugo, Astro or Jekyll post; took title, date, tags and "
                       "categories as they are (name the generator with --from)")
    kind = detected or "unknown"
    parts = [p.lower() for p in path.parts[:-1]]
    dated = _DATED_NAME.match(path.stem)
    taken: set[str] = set()

    def take(*keys: str) -> tuple[str | None, Any]:
        for key in keys:
            if key in data and key not in taken:
                taken.add(key)
                return key, data[key]
        return None, None

    front: dict[str, Any] = {"title": None, "date": None}  # these two first
    # title
    _, title = take("title")
    if title is None or str(title).strip() == "":
        title = _title_from(fm.body, path, dated)
        log.warning(1, f"no title; using '{title}'")
    front["title"] = title if isinstance(title, str) else str(title)

    # dates (one that cannot be read is kept, renamed so it cannot stand for the blog's own `date`)
    created_key, created = take("pubDate", "date", "publishDate", "published_at", "pubdate")
    created_date = _date(created, log, line(created_key) if created_key else 1)
    if created_key and created_date is None:
        front[f"{kind}_{created_key}"] = created
    if created_date is None and dated:
        created_date = _name_date(dated)
    if created_date is None:
        created_date = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        log.warning(1, f"no date; using the file's modification time {created_date}")
    dates: dict[str, Any] = {"created": created_date}
    updated_key, updated = take("updatedDate", "updated", "last_modified_at", "modified", "lastmod")
    if updated_key and (updated_date := _date(updated, log, line(updated_key))) is not None:
        dates["updated"] = updated_date
    elif updated_key:
        front[f"{kind}_{updated_key}"] = updated
    front["date"] = dates

    # authors: ids of the blog's .authors.yml; names it does not know stay in `author`
    author_key, author_value = take("authors", "author")
    names = _names(author_value)
    for name in names:  # --add-authors would carry it into .authors.yml; the site shows it as text
        if _MARKUP.search(name):
            log.warning(line(author_key), f"author name {name[:60]!r} holds HTML markup; the site shows it as text")
    if names:
        ids, unknown = authors.resolve(names) if authors is not None else ([], names)
        if ids:
            front["authors"] = ids
        if unknown:
            if author_key == "author":  # as written
                keep_as, front["author"] = "author", author_value
            else:  # `authors` must only hold known ids, or the blog plugin stops the build
                keep_as = "author" if "author" not in data else f"{kind}_authors"
                front[keep_as] = unknown[0] if len(unknown) == 1 else unknown
            where = authors.shown_path if authors is not None else "the blog's .authors.yml"
            log.warning(line(author_key), f"author {', '.join(repr(n) for n in unknown)} is not in {where}: "
                                          f"kept as '{keep_as}' (add it there, or import with --add-authors, "
                                          "to show it as a blog author)")
    # categories and tags (Jekyll splits "a b" strings of its plural keys into words)
    category_key, categories = take("categories", "category")
    cats = _flat_strings(categories, split_words=kind == "jekyll" and category_key == "categories")
    site = jekyll_site(path) if kind == "jekyll" else None
    if site is not None:  # Jekyll makes the folders above _posts categories
        folders = path.relative_to(site.root).parts[:-1]
        if folders and folders[-1] in ("_posts", "_drafts"):
            cats = list(folders[:-1]) + cats
    if cats:
        front["categories"] = list(dict.fromkeys(cats))
    tag_key, tags = take("tags", "tag")
    tag_list = _flat_strings(tags, split_words=kind == "jekyll" and tag_key == "tags")
    if tag_list:
        front["tags"] = list(dict.fromkeys(tag_list))
    draft_key, draft = take("draft")
    published_key, published = take("published")
    is_draft = draft is True or published is False or "_drafts" in parts
    if is_draft:
        front["draft"] = True
    if draft_key and not isinstance(draft, bool):  # the blog plugin only takes true / false
        front[f"{kind}_draft"] = draft
        log.warning(line(draft_key), f"'draft' is {draft!r}, not true or false; kept as '{kind}_draft'")
    if published_key and not isinstance(published, bool):
        front[published_key] = published

    # everything else, under its own name
    separator_key, separator = take("excerpt_separator")
    for key, value in data.items():
        if key in taken or key in front:
            continue
        expected = _BLOG_TYPES.get(key)
        if expected is not None and not isinstance(value, expected):
            renamed = f"{kind}_{key}"
            log.warning(line(key), f"'{key}' means something else to the blog plugin; kept as '{renamed}'")
            front[renamed] = value
        else:
            front[key] = value

    if not separator_key and site is not None:
        separator = site.excerpt_separator
    body = _with_excerpt_separator(fm.body, kind, separator)
    body, _fenced = code_tags_to_fences(body)  # {% highlight python %} ... {% endhighlight %}
    if kind == "jekyll":  # kramdown's inline $$x$$
        body, _converted = kramdown_inline_math(body)
    if kind == "hugo":  # {{< admonition >}} of the LoveIt-style themes
        body, _converted = admonition_shortcodes(body)
    # (the boxes' own lines are no problem; a shortcode inside one is, at its line)
    _warn_template_tags(admonition_shortcodes(code_tags_to_fences(fm.body)[0], indent=False)[0], fm.body_line, kind,
                        log, mdx=path.suffix == ".mdx")
    body, _ = neutralize_active_html(body)  # someone else's blog: its HTML shows, never runs
    for at, what in neutralize_active_html(fm.body, fm.body_line)[1]:
        log.warning(at, active_html_message(what))
    images = _images(fm.body, fm.body_line) + _front_images(data, fm.key_lines)
    name = _output_name(path)
    return ConvertedPost(path, kind, name, front, body, images, body_line=fm.body_line, source_body=fm.body)


def _name_date(dated: re.Match) -> dt.date | None:
    try:
        return dt.date(int(dated.group("year")), int(dated.group("month")), int(dated.group("day")))
    except ValueError:  # 2016-13-40-slug.md: no date
        return None


def _title_from(body: str, path: Path, dated: re.Match | None) -> str:
    for _, line in iter_prose_lines(body):
        if match := re.match(r"^#\s+(.+?)\s*#*\s*$", line):
            return match.group(1)
    stem = dated.group("slug") if dated else (path.parent.name if path.stem == "index" else path.stem)
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or path.stem


def _date(value: Any, log: ProblemLog, line: int) -> dt.date | dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else parsed
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if "%H" in fmt else parsed.date()
    log.warning(line, f"cannot read the date '{text}'")
    return None


_MARKUP = re.compile(r"<[A-Za-z/!?]")


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(value.get("name") or value.get("id") or "")] if value else []
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return [str(value)] if str(value).strip() else []


def _flat_strings(value: Any, *, split_words: bool) -> list[str]:
    """Hexo's nested category lists flattened; Jekyll's "a b" strings split like Jekyll does."""
    if value is None:
        return []
    if isinstance(value, list):
        return [s for item in value for s in _flat_strings(item, split_words=False)]
    if isinstance(value, dict):  # Hexo: - [Parent, Child] written as a mapping by mistake
        return [str(k) for k in value] + [s for v in value.values() for s in _flat_strings(v, split_words=False)]
    text = str(value).strip()
    if not text:
        return []
    return text.split() if split_words else [text]


def _with_excerpt_separator(body: str, kind: str, jekyll_separator: str | None) -> str:
    if MORE in body:
        return body
    if match := _HEXO_MORE.search(body):
        return body[:match.start()] + MORE + body[match.end():]
    if kind != "jekyll":
        return body
    if jekyll_separator and jekyll_separator != "\n\n":
        return body.replace(jekyll_separator, MORE, 1) if jekyll_separator in body else body
    # Jekyll's default excerpt is the first paragraph: mark its end.
    lines = body.split("\n")
    prose = dict(iter_prose_lines(body))
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return body
    end = next((i for i in range(start, len(lines)) if not lines[i].strip() and i in prose), None)
    if end is None or not any(line.strip() for line in lines[end:]):
        return body
    return "\n".join(lines[:end] + ["", MORE] + lines[end:])


def _warn_template_tags(body: str, body_line: int, kind: str, log: ProblemLog, *, mdx: bool) -> None:
    what = {"hexo": "Hexo tag", "jekyll": "Liquid tag", "hugo": "Hugo shortcode"}.get(kind, "template tag")
    for index, line in iter_prose_lines(body):
        if match := SHORTCODE.search(line) or _TEMPLATE_TAG.search(line):  # ({% ... %} is inside {{% ... %}})
            log.warning(body_line + index, f"{what} '{match.group(0)}' is kept as text; rewrite it in Markdown")
        elif mdx and _MDX_LINE.match(line):
            log.warning(body_line + index, f"MDX line '{line.strip()[:60]}' is kept as text; rewrite it in Markdown")


def _images(body: str, body_line: int) -> list[tuple[int, str]]:
    found = []
    for index, line in iter_prose_lines(body):
        for pattern in (_MD_IMAGE, _HTML_IMAGE):
            found += [(body_line + index, m.group(1)) for m in pattern.finditer(line)]
    return found


def _front_images(data: dict[str, Any], key_lines: dict[str, int]) -> list[tuple[int, str]]:
    found = []
    for key in _IMAGE_KEYS:
        value = data.get(key)
        values = value if isinstance(value, list) else [value]
        for item in values:
            src = item.get("src") or item.get("url") if isinstance(item, dict) else item
            if isinstance(src, str) and src.strip():
                found.append((key_lines.get(key, 1), src.strip()))
    return found


def _output_name(path: Path) -> str:
    stem = path.parent.name if path.stem.lower() == "index" and path.parent.name else path.stem
    return f"{stem}.md"


def is_local(src: str) -> bool:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("//", "#")):
        return False
    return not _TEMPLATE_TAG.search(src) and "{{" not in src


# -- the whole import ------------------------------------------------------------------------------
def import_posts(paths: list[Path], *, out_dir: Path, notes_dir: Path, dry_run: bool = False,
                 generator: str | None = None, add_authors: bool = False, authors_file: Path | None = None,
                 project_root: Path | None = None) -> PostsImportReport:
    out_dir, notes_dir = Path(out_dir), Path(notes_dir)
    root = project_root or notes_dir.parent
    writer = SafeWriter(dry_run=dry_run, root=root)
    blog_dir = out_dir.parent if out_dir.name == "posts" else out_dir
    book = AuthorBook.load(Path(authors_file) if authors_file else blog_dir / ".authors.yml",
                           display_path(Path(authors_file) if authors_file else blog_dir / ".authors.yml", root),
                           create_missing=add_authors)
    problems: list[Problem] = []
    posts: list[ConvertedPost] = []
    names: Counter = Counter()
    for path in find_post_files(paths):
        log = ProblemLog(display_path(path, root))
        post = convert_post(path, log, generator=generator, authors=book)
        problems += log.problems
        if post is None:
            continue
        names[post.name] += 1
        if names[post.name] > 1:  # two sources with one name (e.g. two index.md): keep both
            stem = post.name[:-3]
            post.name = f"{stem}-{names[post.name]}.md"
        posts.append(post)

    report = PostsImportReport(posts, writer, problems)
    if book.added:
        report.authors_added = list(book.added)
        report.authors_result = book.save(writer, problems)
    post_dir = os.path.relpath(out_dir.resolve(), notes_dir.resolve()).replace(os.sep, "/")
    for post in posts:
        target = out_dir / post.name
        post.result = writer.write(target, post.text())
        report.problems += _missing_images(post, target, notes_dir, root)
        log = ProblemLog(display_path(post.source, root))
        warn_old_site_links(post.source_body, post.body_line, log, post_dir=post_dir, notes_dir=".")
        report.problems += log.problems
    return report


@dataclass(frozen=True)
class JekyllSite:
    root: Path
    excerpt_separator: str | None


def jekyll_site(path: Path) -> JekyllSite | None:
    """The Jekyll site (the folder with ``_config.yml``) a post belongs to, if it can be found."""
    for folder in list(path.parents)[:6]:
        config = folder / "_config.yml"
        if config.is_file():
            try:
                data = yaml.safe_load(config.read_text(encoding="utf-8-sig"))
            except (OSError, yaml.YAMLError, UnicodeDecodeError):
                data = None
            value = data.get("excerpt_separator") if isinstance(data, dict) else None
            return JekyllSite(folder, value if isinstance(value, str) else None)
    return None


def _missing_images(post: ConvertedPost, target: Path, notes_dir: Path, root: Path) -> list[Problem]:
    problems = []
    for line, src in post.images:
        if not is_local(src):
            continue
        clean = src.split("#")[0].split("?")[0]
        expected = (notes_dir / clean.lstrip("/")) if clean.startswith("/") else (target.parent / clean)
        found = _find_source_image(post.source, clean) if not expected.exists() else None
        if clean.startswith("/"):  # MkDocs leaves it as it is: it misses when the site is not at the domain's root
            relative = os.path.relpath(expected, target.parent).replace(os.sep, "/")
            message = f"image '{src}' is a site-root path, which breaks when the site is not at the domain's root: " \
                      f"write '{relative}'"
            if not expected.exists():
                message += f" and copy {display_path(found, root)} there" if found else \
                    f" ({display_path(expected, root)} does not exist)"
        elif expected.exists():
            continue
        else:
            message = f"image '{src}' does not exist next to the output ({display_path(expected, root)})"
            if found is not None:
                message += f"; it is at {display_path(found, root)}: copy it there"
        problems.append(Problem(display_path(post.source, root), line, Severity.WARNING, message))
    return problems


def _find_source_image(source: Path, src: str) -> Path | None:
    if not src.startswith("/"):
        candidate = source.parent / src
        return candidate if candidate.is_file() else None
    for folder in list(source.parents)[:6]:  # a site root: Hexo's source/, Astro's public/, Jekyll's root
        for base in (folder, folder / "source", folder / "public", folder / "static"):
            candidate = base / src.lstrip("/")
            if candidate.is_file():
                return candidate
    return None


