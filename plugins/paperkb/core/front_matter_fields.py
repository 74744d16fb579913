"""Typed reading of front-matter values: each wrong value is logged with the line of its key."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from pathlib import Path

from .frontmatter_source import FrontMatter
from .problems import ProblemLog
from .slug import is_safe_key, key_from_text

# The BibTeX key under the names Zotero integrations give it (`citekey: Manzini2007`).
CITEKEY_ALIASES = ("citekey", "citationKey", "citation-key", "citation_key", "bibtex")


class FrontMatterFields:
    """Typed accessors over the front-matter that log a message per wrong value."""

    def __init__(self, fm: FrontMatter, log: ProblemLog) -> None:
        self.fm = fm
        self.data = fm.data
        self.log = log

    def line(self, key: str) -> int:
        return self.fm.key_lines.get(key, 1)

    def item_line(self, key: str, index: int) -> int:
        lines = self.fm.item_lines.get(key, [])
        return lines[index] if index < len(lines) else self.line(key)

    def text(self, key: str) -> str | None:
        value = link_text(self.data.get(key))
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.log.error(self.line(key), f"'{key}' must be a string, got {describe_kind(value)}")
        return None

    def text_list(self, key: str) -> list[str]:
        value = link_text(self.data.get(key))
        if value is None:
            return []
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return [str(value).strip()] if str(value).strip() else []
        if not isinstance(value, list):
            self.log.error(self.line(key), f"'{key}' must be a list of strings, got {describe_kind(value)}")
            return []
        items = []
        for index, item in enumerate(value):
            item = link_text(item)
            if isinstance(item, dict) and isinstance(link_text(item.get("name")), str):
                item = link_text(item["name"])  # pandoc's and Quarto's `authors: [{name: ..., orcid: ...}]`
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if str(item).strip():
                    items.append(str(item).strip())
            else:
                self.log.error(self.item_line(key, index), f"'{key}' items must be strings, got {describe_kind(item)}")
        return items

    def choice(self, key: str, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> str | None:
        raw = self.text(key)
        if raw is None or raw == "":
            return None
        value = raw.lower()
        value = (aliases or {}).get(value, value)
        if value not in allowed:
            self.log.error(self.line(key), f"'{key}' is '{raw}'; allowed values: {', '.join(allowed)}")
            return None
        return value


    # -- keys every page kind (note, project) reads the same way --------------------------------
    def report_source_problems(self) -> None:
        """What the YAML itself gets wrong: values that read other than they look, keys set twice."""
        for line, message in self.fm.hints:
            self.log.warning(line, message)
        for key, line, first in self.fm.duplicate_keys:
            self.log.error(line, f"duplicate key '{key}' in the front-matter (first set on line {first})")

    def title(self, default: Callable[[], str] | None = None) -> str:
        """``title`` as written; when it is missing, ``default()`` (no default: an error)."""
        title = self.text("title")
        if "title" not in self.data:
            if default is not None:
                return default()
            self.log.error(1, "missing required key 'title'")
        elif not title and (self.data["title"] is None or isinstance(self.data["title"], str)):  # else: wrong type, reported
            self.log.error(self.line("title"), "'title' is empty")
        return title or ""

    def page_key(self, path: Path) -> str:
        """``key`` as written, else a safe ``citekey`` (Zotero's Obsidian integrations write the
        BibTeX key so), else the file name (its ASCII words when it is no safe key)."""
        explicit_key = self.text("key")
        if explicit_key is None:
            cited_as = self.citekey()
            if is_safe_key(cited_as):
                return cited_as
            return path.stem if is_safe_key(path.stem) else key_from_text(path.stem, max_words=12)
        if not is_safe_key(explicit_key):
            self.log.error(self.line("key"), f"key '{explicit_key}' is not a safe slug: use letters, digits and . _ - + : "
                                             "(no spaces, slashes or '..')")
        return explicit_key

    def citekey(self) -> str:
        """The BibTeX key under one of its aliases, as written or as an Obsidian link to the note
        (``bibtex: [[Key2020]]``, which YAML reads as a list in a list); a pandoc ``@`` before it
        (``citekey: "@Key2020"``, the file name Zotero's integrations give the note) is no part of it."""
        for alias in CITEKEY_ALIASES:
            value = link_target(self.data.get(alias))
            if isinstance(value, str) and value.strip():
                value = value.strip()
                return value[1:] if value.startswith("@") and is_safe_key(value[1:]) else value
        return ""

    def unpublished(self) -> bool:
        """``draft: true``, or Obsidian Publish's ``publish: false``: the page is published nowhere."""
        publish = self.data.get("publish", True)
        if not isinstance(publish, bool):
            self.log.warning(self.line("publish"), f"'publish' must be true or false, got {describe_kind(publish)}; "
                                                   "the page is not published")
            publish = False
        draft = self.data.get("draft", False)
        if draft is not None and not isinstance(draft, bool):  # `draft: "true"`, `draft: 1`: meant private
            self.log.error(self.line("draft"), f"'draft' must be true or false, got {describe_kind(draft)}; "
                                               "the page is not published")
            draft = True
        return bool(draft) or not publish


_QUOTED_LINK = re.compile(r"^\[\[([^\[\]|#]+?)\\?(?:#[^\[\]|]*)?(?:\|([^\[\]]+))?\]\]$")  # (`\|` in tables)


def link_text(value: Any) -> Any:
    """A value written as an Obsidian link, as its text: ``[[Jocelyne Piret]]`` left unquoted (YAML
    reads a list in a list: ``[["Jocelyne Piret"]]``), or quoted, ``"[[Piret|J. Piret]]"``."""
    parts = _link_parts(value)
    return value if parts is None else (parts[1] or parts[0])


def link_target(value: Any) -> Any:
    """What a value written as an Obsidian link points at (``[[Key2020|Smith 2020]]`` → ``Key2020``),
    quoted or not; any other value as it is. For values that name a page or key, not show a label."""
    parts = _link_parts(value)
    return value if parts is None else parts[0]


def _link_parts(value: Any) -> tuple[str, str | None] | None:
    """(target, label or None) of a value written as one Obsidian link, else None."""
    if (isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and value[0]
            and all(isinstance(part, str) for part in value[0])):
        value = f"[[{', '.join(value[0])}]]"  # (`[[Eaton\|Eaton, K.]]`: YAML split it at the comma)
    if isinstance(value, str) and "[[" in value and (match := _QUOTED_LINK.match(value.strip())):
        label = match.group(2)
        return match.group(1).strip().rstrip("\\").strip(), label.strip().rstrip("\\").strip() if label else None
    return None


def describe_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "a date"
    return f"{type(value).__name__} {value!r}"
