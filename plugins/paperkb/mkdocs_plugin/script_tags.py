"""MkDocs' ``script_tag`` template filter with its tags kept: the same ``<script>`` line for
the same script at the same URL is built once, not on every page.

mkdocs-material writes every ``extra_javascript`` entry of every page through the filter (six
with paperkb's scripts); each call formats an escaped ``Markup`` tag (~8 us) around the script's
URL, which differs only with the page's place in the site. The URL is still worked out for each
page, by MkDocs' own ``url`` filter; the tag is kept by everything it is made of."""

from __future__ import annotations

from typing import Any

import jinja2
from mkdocs.utils.templates import script_tag_filter, url_filter


class ScriptTags:
    def __init__(self) -> None:
        self._tags: dict[tuple, Any] = {}

    def install(self, env: jinja2.Environment) -> None:
        if env.filters.get("script_tag") is not script_tag_filter:  # (a theme's or plugin's own: left alone)
            return
        self._tags.clear()

        @jinja2.pass_context
        def script_tag(context: Any, extra_script: Any) -> Any:
            path = str(extra_script)
            url = url_filter(context, path)
            if isinstance(extra_script, str):
                key: tuple = (path, url)
            else:
                key = (path, url, extra_script.type, extra_script.defer, extra_script.async_)
            tag = self._tags.get(key)
            if tag is None:
                tag = self._tags[key] = script_tag_filter(context, extra_script)
            return tag

        env.filters["script_tag"] = script_tag
