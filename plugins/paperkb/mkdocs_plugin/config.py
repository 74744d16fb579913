"""Options of the `paperkb` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class PaperKBConfig(Config):
    enabled = opt.Type(bool, default=True)
    # Folders (relative to docs_dir) whose Markdown files are not paper notes.
    exclude = opt.ListOfItems(opt.Type(str), default=["blog/"])
    # Folder (relative to docs_dir) for the generated index pages; "" puts them at the top.
    pages_dir = opt.Type(str, default="")
    # Build the navigation (home, indexes, other pages; never every note) when mkdocs.yml has no `nav`.
    auto_nav = opt.Type(bool, default=True)
    # Markdown placed on the generated home page under its title.
    home_intro = opt.Type(str, default="")
