"""The RSS and JSON feeds mkdocs-rss-plugin wrote, written again from its own items with every
value escaped once.

Its RSS template escapes titles and descriptions but not categories, tags, author names or the
site's name (``Q&A`` or ``<`` in a category made the whole feed unreadable), and its JSON feed
takes titles, tags and author names as the pages hold them: HTML text (``Q&amp;A``, as the theme
needs them; see blog_values.py). Here each is read back as plain text, then the same template is
rendered with Jinja's autoescape on, and the JSON written from plain text.

mkdocs-rss-plugin is not imported here: MkDocs loaded it when the site uses it, and a site
without feeds does not pay for its imports (~0.15 s of every build: Git, HTTP, material's blog)."""

from __future__ import annotations

import copy
import html
import json
import re
import sys
from dataclasses import asdict
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader
from mkdocs.config.defaults import MkDocsConfig

from ..render.escape import xml_text

if TYPE_CHECKING:
    from mkdocs_rss_plugin.plugin import GitRssPlugin

RSS_PLUGIN_MODULE = "mkdocs_rss_plugin.plugin"


def _plain(value):
    """Text a page holds as HTML (entities), as the plain text a feed carries (no XML-illegal characters)."""
    return xml_text(html.unescape(value)) if isinstance(value, str) else value


def _plain_feed(feed, date_attribute: str):
    """A copy of ``feed`` with plain-text values; ``date_attribute``: what its items' pubDate is."""
    feed = copy.copy(feed)
    feed.title = _plain(feed.title)
    feed.author = _plain(feed.author)
    feed.description = _plain(feed.description)
    entries = []
    for item in feed.entries:
        item = copy.copy(item)
        item.title = _plain(item.title)
        item.description = xml_text(item.description) if isinstance(item.description, str) else item.description
        item.categories = [_plain(c) for c in item.categories] if item.categories else item.categories
        item.authors = tuple(_plain(a) for a in item.authors) if item.authors else item.authors
        if getattr(item, date_attribute, None) is not None:  # the two feeds share their items
            item.pub_date = format_datetime(getattr(item, date_attribute))
        entries.append(item)
    feed.entries = entries
    return feed


def rewrite_feeds(config: MkDocsConfig) -> None:
    rss = sys.modules.get(RSS_PLUGIN_MODULE)  # (loaded with the plugin: none loaded, no feeds)
    if rss is None:
        return
    for plugin in config.plugins.values():
        if isinstance(plugin, rss.GitRssPlugin) and plugin.config.enabled:
            _rewrite(plugin, Path(config.site_dir))


def _rewrite(plugin: GitRssPlugin, site_dir: Path) -> None:
    names = plugin.config.feeds_filenames
    feeds = {"created": _plain_feed(plugin.feed_created, "created"),
             "updated": _plain_feed(plugin.feed_updated, "updated")}
    if plugin.config.rss_feed_enabled:
        pretty = plugin.config.pretty_print
        env = Environment(autoescape=True, loader=FileSystemLoader(plugin.tpl_folder),
                          lstrip_blocks=not pretty, trim_blocks=not pretty)
        template = env.get_template(plugin.tpl_file.name)
        for kind, name in (("created", names.rss_created), ("updated", names.rss_updated)):
            text = template.render(feed=asdict(feeds[kind]))
            if not pretty:  # as mkdocs-rss-plugin writes it: one line, runs of spaces as one
                text = re.sub(" {2,}", " ", text.replace("\n", " "))
            (site_dir / name).write_text(text, encoding="utf-8")
    if plugin.config.json_feed_enabled:
        indent = 4 if plugin.config.pretty_print else None
        for kind, name in (("created", names.json_created), ("updated", names.json_updated)):
            (site_dir / name).write_text(json.dumps(plugin.util.feed_to_json(feeds[kind]), indent=indent),
                                         encoding="utf-8")
