"""The blog's ``.authors.yml``: find post authors in it, and (only when asked) add new ones.

mkdocs-material stops the build on a post whose ``authors`` holds an id its ``.authors.yml`` does not
define, so an importer may only put known ids there. With ``--add-authors`` the new names are added
to the file: appended as text, so the user's comments and formatting stay, and only when the
appended file reads back as the old data plus the new authors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from markupsafe import escape

from ..core.problems import Problem, Severity
from ..core.slug import ascii_slug, slugify
from .writer import Outcome, SafeWriter, WriteResult, dump_yaml


@dataclass
class AuthorBook:
    path: Path
    shown_path: str
    authors: dict[str, dict[str, Any]]
    create_missing: bool = False
    added: dict[str, dict[str, Any]] = field(default_factory=dict)
    problem: str | None = None

    @classmethod
    def load(cls, path: Path, shown_path: str, *, create_missing: bool = False) -> AuthorBook:
        authors: dict[str, dict[str, Any]] = {}
        problem = None
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
                raw = data.get("authors") if isinstance(data, dict) else None
                authors = {str(k): (v if isinstance(v, dict) else {}) for k, v in (raw or {}).items()}
            except (yaml.YAMLError, AttributeError, UnicodeDecodeError) as exc:
                problem = f"cannot read {shown_path}: {exc}"
        return cls(path, shown_path, authors, create_missing, problem=problem)

    def resolve(self, names: list[str]) -> tuple[list[str], list[str]]:
        """(ids of the names the book knows or adds, names it does not know)."""
        ids, unknown = [], []
        for name in (n.strip() for n in names):
            if not name:
                continue
            author_id = self._find(name)
            if author_id is None and self.create_missing and self.problem is None:
                author_id = self._add(name)
            if author_id is None:
                unknown.append(name)
            else:
                ids.append(author_id)
        return list(dict.fromkeys(ids)), unknown

    def _find(self, name: str) -> str | None:
        for book in (self.authors, self.added):
            if name in book:
                return name
            for author_id, info in book.items():
                if str(info.get("name", "")).casefold() == name.casefold():
                    return author_id
        return None

    def _add(self, name: str) -> str:
        base = ascii_slug(name, max_words=4, fallback="") or slugify(name, fallback="author")
        author_id, number = base, 2
        while author_id in self.authors or author_id in self.added:
            author_id, number = f"{base}-{number}", number + 1
        self.added[author_id] = {"name": name, "description": "", "avatar": initials_avatar(name)}
        return author_id

    def save(self, writer: SafeWriter, problems: list[Problem]) -> WriteResult | None:
        """Write the added authors: a new file, or appended to the existing one (checked)."""
        if not self.added:
            return None
        if not self.path.exists():
            return writer.write(self.path, dump_yaml({"authors": self.added}))
        text = self.path.read_text(encoding="utf-8-sig")
        combined = _append_authors(text, self.added)
        if combined is None:
            problems.append(Problem(self.shown_path, 1, Severity.WARNING,
                                    "could not add authors to this file safely; add them under 'authors:' by hand:\n"
                                    + dump_yaml(self.added)))
            return WriteResult(self.path, Outcome.EXISTS)
        return writer.replace(self.path, combined)  # asked for with --add-authors


def _append_authors(text: str, added: dict[str, dict[str, Any]]) -> str | None:
    """``text`` with ``added`` appended under its ``authors:`` mapping, or None when appending
    would not read back as exactly the old authors plus the new ones."""
    try:
        before = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(before, dict) or not isinstance(before.get("authors") or {}, dict):
        return None
    lines = text.rstrip("\n").split("\n")
    indent = "  "
    start = next((i for i, line in enumerate(lines) if line.startswith("authors:")), None)
    if start is None:
        candidate = text.rstrip("\n") + "\n" + dump_yaml({"authors": added})
    else:
        for line in lines[start + 1:]:
            if line.strip() and not line.lstrip().startswith("#"):
                indent = line[:len(line) - len(line.lstrip())] or "  "
                break
        block = "".join(indent + line + "\n" for line in dump_yaml(added).splitlines())
        candidate = text.rstrip("\n") + "\n" + block
    expected = dict(before)
    expected["authors"] = {**(before.get("authors") or {}), **added}
    try:
        return candidate if yaml.safe_load(candidate) == expected else None
    except yaml.YAMLError:
        return None


def initials_avatar(name: str) -> str:
    """An SVG data URI with the name's initials: a real avatar that needs no network."""
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="32" fill="#5c6bc0"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="26" text-anchor="middle" fill="#fff">'
        f"{escape(initials)}</text></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="")
