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


def default_config(notes_dir: Path, site_dir: Path, site_name: str | None = None) -> dict[str, Any]:
    return {
        "site_name": site_name or f"{notes_dir.resolve().name} — paper notes",
        "docs_dir": str(notes_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "theme": {
            "name": "material",
            "font": False,  # system fonts: no request to a font CDN, the site reads offline
            "features": ["navigation.tabs", "navigation.top", "search.suggest", "search.highlight", "content.code.copy"],
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default",
                 "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                 "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
            ],
        },
        "plugins": ["search", "tags", "paperkb"],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
