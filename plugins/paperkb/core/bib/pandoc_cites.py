"""Pandoc-style in-text citations: ``[@key]``, ``[@a; @b]``, ``[see @key, p. 3]``, ``[-@key]``.

Only a bracket whose every ``;``-separated part holds one ``@key`` (at the start or after a
space) is a citation, so e-mail addresses (``a@b.org``), @mentions and bare ``@key`` never are."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..body_scan import Prose, iter_prose_lines

# `[`...`]` without nested brackets, not escaped, not an image, not a link text or reference
# label (followed by `(`, `[` or `:`), not the second half of `[text][label]`, not the inside of
# a wikilink (`[[@Manzini2007|Manzini (2007)]]`: Zotero vaults name notes by `@citekey`).
_BRACKET = re.compile(r"(?<![\\!\]\[])\[([^\[\]\n]*@[^\[\]\n]*)\](?![(\[:\]])")
# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
_PART = re.compile(r"^(?P<prefix>|.*?\s)(?P<minus>-?)@(?P<key>\w[\w:.#$%&+?<>~/-]*)(?P<suffix>.*)$", re.DOTALL)
_TRAILING_PUNCT = ":.#$%&-+?<>~/"


@dataclass(frozen=True)
class Cite:
    key: str
    prefix: str = ""  # "see"
    suffix: str = ""  # ", p. 3"
    suppress_author: bool = False  # [-@key]: only the year


@dataclass(frozen=True)
class CiteGroup:
    start: int  # span of the whole ``[...]`` in the line
    end: int
    cites: tuple[Cite, ...]


def _parse_part(part: str) -> Cite | None:
    match = _PART.match(part)
    if not match:
        return None
    key, suffix = match.group("key"), match.group("suffix")
    stripped = key.rstrip(_TRAILING_PUNCT)
    if not stripped:
        return None
    suffix = key[len(stripped):] + suffix
    if "@" in suffix and re.search(r"(^|\s)-?@\w", suffix):
        return None  # two keys in one part: "[@a @b]" is not pandoc syntax
    return Cite(stripped, match.group("prefix").strip(), suffix.strip(), bool(match.group("minus")))


def find_cite_groups(line: str) -> list[CiteGroup]:
    if "@" not in line:
        return []
    groups = []
    for match in _BRACKET.finditer(line):
        cites = [_parse_part(part) for part in match.group(1).split(";")]
        if cites and all(c is not None for c in cites):
            groups.append(CiteGroup(match.start(), match.end(), tuple(c for c in cites if c)))
    return groups


def pandoc_cite_keys(markdown: str, first_line: int = 1, prose: Prose | None = None) -> list[tuple[str, int]]:
    """(key, line) of every citation outside code, in order (``first_line``: line of the text's start;
    ``prose``: the text's iter_prose_lines when the caller has them already)."""
    found = []
    if "@" not in markdown:
        return found
    for index, line in prose if prose is not None else iter_prose_lines(markdown):
        if "@" in line and "[" in line:
            for group in find_cite_groups(line):
                found.extend((cite.key, first_line + index) for cite in group.cites)
    return found
