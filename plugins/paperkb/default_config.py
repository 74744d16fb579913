"""The MkDocs configuration paperkb uses for a bare folder of notes (no mkdocs.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MARKDOWN_EXTENSIONS: list[Any] = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", "pymdownx.inlinehilite",
    {"pymdownx.highlight": {"anchor_linenums": True}},
    {"pymdownx.tasklist": {"custom_checkbox": True}},
    {"pymdownx.arithmatex": {"generic": True}},
]

THEME: dict[str, Any] = {
    "name": "material",
    "font": False,  # system fonts: no request to a font CDN, the site reads offline
    # navigation.prune: a page holds the navigation a reader can see from it, not every section's
    # every page (mkdocs-material's advice for large sites: a folder of a few thousand plain
    # pages otherwise puts megabytes of navigation into each page).
    "features": ["navigation.tabs", "navigation.top", "navigation.indexes", "navigation.prune", "search.suggest",
                 "search.highlight", "content.code.copy"],
    "palette": [
        {"media": "(prefers-color-scheme: light)", "scheme": "default",
         "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
    ],
}

# The reading blog: mkdocs-material's blog plugin over <notes>/blog (posts in blog/posts).
BLOG_DIR = "blog"
BLOG_OPTIONS: dict[str, Any] = {
    "blog_dir": BLOG_DIR,
    "draft": False,                 # `draft: true` posts are left out of the built site,
    "draft_on_serve": True,         # but shown while writing with `serve`
    "draft_if_future_date": True,   # a post dated in the future waits for its date
}
# Its RSS feed: posts only (never notes; drafts are never built). A feed needs absolute links,
# so it is on only when the site's public address is known (`paperkb build --site-url URL`).
RSS_OPTIONS: dict[str, Any] = {
    "match_path": f"{BLOG_DIR}/posts/.*",
    "date_from_meta": {"as_creation": "date.created", "as_update": "date.updated"},
    "categories": ["categories", "tags"],
    "use_git": False,
}


def blog_plugins(notes_dir: Path, site_url: str | None) -> list[Any]:
    """The blog (and feed) plugins when the notes folder has a ``blog/`` folder, else none."""
    if not (notes_dir / BLOG_DIR).is_dir():
        return []
    plugins: list[Any] = [{"blog": dict(BLOG_OPTIONS)}]
    if site_url:
        plugins.append({"rss": dict(RSS_OPTIONS)})
    return plugins


def default_config(notes_dir: Path, site_dir: Path, site_name: str | None = None,
                   site_url: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "site_name": site_name or f"{notes_dir.resolve().name} — paper notes",
        "docs_dir": str(notes_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "theme": THEME,
        "plugins": ["search", "tags", *blog_plugins(notes_dir, site_url), {"paperkb": {
            # Beside the notes folder, where a mkdocs.yml would be (the one `paperkb build` writes
            # for a bare folder lives in a temporary folder): diagrams survive between builds.
            "cache_dir": str(notes_dir.resolve().parent / ".paperkb-cache" / "graphs"),
        }}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    if site_url:
        config["site_url"] = site_url
    return config
