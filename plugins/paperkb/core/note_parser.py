"""Turn one Markdown file into a validated Note, reporting every problem with its line."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from .bib.citations import cited_keys
from .body_scan import Prose, find_insights, find_links, find_wikilinks, iter_prose_lines
from .frontmatter_source import FrontMatter, FrontMatterError, parse_front_matter
from .model import (
    DEFAULT_ROLE, KNOWN_KEYS, LEVEL_ALIASES, LEVELS, NOTE_MARKER_KEYS, PAGE_KEYS, PAPER_TYPES, RELATIONS, ROLES,
    BodyLink, Citation, Insight, Note,
)
from .problems import ProblemLog
from .script_links import find_script_links, script_link_message
from .text_encoding import not_utf8
from .slug import is_safe_key, key_from_text
from .tags import split_tag_text
from .urls import safe_url

_MAX_YEAR = _dt.date.today().year + 2


class _Fields:
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
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.log.error(self.line(key), f"'{key}' must be a string, got {_kind(value)}")
        return None

    def text_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return [str(value).strip()] if str(value).strip() else []
        if not isinstance(value, list):
            self.log.error(self.line(key), f"'{key}' must be a list of strings, got {_kind(value)}")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if str(item).strip():
                    items.append(str(item).strip())
            else:
                self.log.error(self.item_line(key, index), f"'{key}' items must be strings, got {_kind(item)}")
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


def _kind(value: Any) -> str:
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


def is_note_front_matter(fm: FrontMatter) -> bool:
    return bool(NOTE_MARKER_KEYS & fm.data.keys())


def read_text(path: Path, log: ProblemLog, raw: bytes | None = None) -> str | None:
    """The file's text (``raw``: its bytes, when the caller has read them already)."""
    raw = path.read_bytes() if raw is None else raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.error(*not_utf8(raw, exc))
        return None


def parse_note(path: Path, src_uri: str, log: ProblemLog, *, require_marker: bool = True,
               raw: bytes | None = None) -> Note | None:
    """Parse ``path`` (or ``raw``, the bytes read from it); return None when it is not a paper
    note or when it has errors (logged)."""
    text = read_text(path, log, raw)
    if text is None:
        return None
    try:
        fm = parse_front_matter(text)
    except FrontMatterError as exc:
        log.error(exc.line, exc.message)
        return None
    if fm.misplaced and fm.misplaced[2] & NOTE_MARKER_KEYS:  # a note's keys MkDocs would not see
        log.error(fm.misplaced[0], fm.misplaced[1])
        return None
    if require_marker and not is_note_front_matter(fm):
        return None
    return note_from_front_matter(fm, path, src_uri, log)


def note_from_front_matter(fm: FrontMatter, path: Path, src_uri: str, log: ProblemLog) -> Note | None:
    f = _Fields(fm, log)
    for line, message in fm.hints:
        log.warning(line, message)
    for key, line, first in fm.duplicate_keys:
        log.error(line, f"duplicate key '{key}' in the front-matter (first set on line {first})")

    title = f.text("title")
    if "title" not in fm.data:
        # Obsidian's convention: a note is titled by its first `# heading`, else by its file name.
        # (A .bib entry with the note's key still gives the title when there is one: see bib.merge.)
        title = first_heading(fm.body) or path.stem.strip()
    elif not title and (fm.data["title"] is None or isinstance(fm.data["title"], str)):  # else: wrong type, reported
        log.error(f.line("title"), "'title' is empty")

    explicit_key = f.text("key")
    if explicit_key is not None:
        key = explicit_key
        if not is_safe_key(key):
            log.error(f.line("key"), f"key '{key}' is not a safe slug: use letters, digits and . _ - + : (no spaces, slashes or '..')")
    else:
        stem = path.stem
        key = stem if is_safe_key(stem) else key_from_text(stem, max_words=12)

    year = _year(f)
    fields = f.text_list("fields") + [x for x in f.text_list("field") if x not in f.text_list("fields")]
    links = _links(f)
    cites = _cites(f)
    insights = [
        Insight(text, f.item_line("insights", i), in_body=False) for i, text in enumerate(f.text_list("insights"))
    ]
    draft = fm.data.get("draft", False)
    if not isinstance(draft, bool):
        log.error(f.line("draft"), f"'draft' must be true or false, got {_kind(draft)}")
        draft = False

    prose = list(iter_prose_lines(fm.body))  # one scan of the body for insights, links and citations
    note = Note(
        key=key,
        src_uri=src_uri,
        path=path,
        display_path=log.display_path,
        title=title or "",
        year=year,
        venue=f.text("venue") or None,
        authors=_authors(f),
        fields=fields,
        type=f.choice("type", PAPER_TYPES),
        level=f.choice("level", LEVELS, LEVEL_ALIASES),
        relation=f.choice("relation", RELATIONS),
        links=links,
        arxiv=f.text("arxiv") or None,
        doi=f.text("doi") or None,
        tags=split_tag_text(fm.data["tags"]) if isinstance(fm.data.get("tags"), str) else f.text_list("tags"),
        problem=f.text("problem") or None,
        method=f.text("method") or None,
        results=f.text("results") or None,
        datasets=f.text_list("datasets"),
        metrics=f.text_list("metrics"),
        cites=cites,
        insights=insights + find_insights(fm.body, fm.body_line, prose),
        draft=draft,
        extra={k: v for k, v in fm.data.items() if k not in KNOWN_KEYS and k not in PAGE_KEYS},
        body=fm.body,
        body_line=fm.body_line,
        body_links=_front_matter_wikilinks(f) + find_links(fm.body, fm.body_line, src_uri, prose)
        + _citation_links(fm.body, fm.body_line, prose),
        key_lines=dict(fm.key_lines),
    )
    for line, scheme in _script_links(f, prose):
        log.warning(line, script_link_message(scheme))
    return None if log.has_errors else note


def _script_links(f: _Fields, prose: Prose) -> list[tuple[int, str]]:
    """Links to ``javascript:`` / ``data:`` addresses in the body and the Markdown sections
    (a section's problems are named at its key's or item's line)."""
    found = find_script_links(f.fm.body, f.fm.body_line, prose)
    for key in ("problem", "method", "results"):
        if isinstance(f.data.get(key), str):
            found += [(f.line(key), scheme) for _, scheme in find_script_links(f.data[key], 1)]
    insights = f.data.get("insights")
    for index, text in enumerate(insights if isinstance(insights, list) else []):
        if isinstance(text, str):
            found += [(f.item_line("insights", index), scheme) for _, scheme in find_script_links(text, 1)]
    return found


_H1 = re.compile(r"^\s{0,3}#(?!#)\s+(.+?)(?:\s+#+)?\s*$")


def first_heading(body: str) -> str | None:
    """The text of the body's first level-1 ATX heading (outside code), if any."""
    for _, line in iter_prose_lines(body):
        match = _H1.match(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def _citation_links(text: str, first_line: int, prose: Prose | None = None) -> list[BodyLink]:
    """``[@key]`` citations count as edges too (unknown keys are the BibTeX layer's to report)."""
    return [BodyLink(key, line, is_wikilink=False, is_citation=True)
            for key, line in cited_keys(text, first_line, prose)]


def _front_matter_wikilinks(f: _Fields) -> list:
    links = []
    for key in ("problem", "method", "results"):
        if isinstance(f.data.get(key), str):
            links += find_wikilinks(f.data[key], f.line(key)) + _citation_links(f.data[key], f.line(key))
    for index, text in enumerate(f.data.get("insights") or [] if isinstance(f.data.get("insights"), list) else []):
        if isinstance(text, str):
            links += find_wikilinks(text, f.item_line("insights", index))
    return links


def _year(f: _Fields) -> int | None:
    value = f.data.get("year")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        f.log.error(f.line("year"), f"'year' must be an integer such as 2023, got {_kind(value)}")
        return None
    if not 1000 <= value <= _MAX_YEAR:
        f.log.error(f.line("year"), f"'year' {value} is out of range (1000-{_MAX_YEAR})")
        return None
    return value


def _authors(f: _Fields) -> list[str]:
    value = f.data.get("authors")
    if isinstance(value, str) and " and " in value:  # BibTeX style "A and B"
        return [a.strip() for a in value.split(" and ") if a.strip()]
    return f.text_list("authors")


def _links(f: _Fields) -> dict[str, str]:
    value = f.data.get("links")
    if value is None:
        return {}
    if isinstance(value, str):
        return {"paper": value.strip()}
    if not isinstance(value, dict):
        f.log.error(f.line("links"), f"'links' must be a mapping such as {{paper: URL, code: URL}}, got {_kind(value)}")
        return {}
    links = {}
    for name, url in value.items():
        if url is None or url == "":
            continue  # a template's empty slot
        if not isinstance(url, str) or not url.strip():
            f.log.error(f.line("links"), f"link '{name}' must be a URL string, got {_kind(url)}")
            continue
        if safe_url(url) is None:
            f.log.warning(f.line("links"), f"link '{name}' is not a web address paperkb links to ({url.strip()[:40]!r}); "
                                           "it is left out of the card")
            continue
        links[str(name)] = url.strip()
    return links


def _cites(f: _Fields) -> list[Citation]:
    value = f.data.get("cites")
    if value is None:
        return []
    if not isinstance(value, list):
        f.log.error(f.line("cites"), f"'cites' must be a list of keys or {{key, role}} mappings, got {_kind(value)}")
        return []
    cites: list[Citation] = []
    for index, item in enumerate(value):
        line = f.item_line("cites", index)
        if isinstance(item, str):
            key, role = item.strip(), DEFAULT_ROLE
        elif isinstance(item, dict):
            key = item.get("key")
            role = item.get("role", DEFAULT_ROLE)
            unknown = set(item) - {"key", "role", "note"}
            if unknown:
                f.log.warning(line, f"citation entry has unknown keys: {', '.join(sorted(map(str, unknown)))}")
            if not isinstance(key, str) or not key.strip():
                f.log.error(line, "citation entry needs a 'key' string")
                continue
            if not isinstance(role, str) or role.strip().lower() not in ROLES:
                f.log.error(line, f"citation role is '{role}'; allowed values: {', '.join(ROLES)}")
                continue
            key, role = key.strip(), role.strip().lower()
        else:
            f.log.error(line, f"'cites' items must be keys or {{key, role}} mappings, got {_kind(item)}")
            continue
        if not is_safe_key(key):
            f.log.error(line, f"cited key '{key}' is not a safe slug")
            continue
        cites.append(Citation(key, role, line))
    return cites
