"""What a front-matter ``type:`` says about a page: a paperkb type, a kind of publication, a
reading note, or the vault's own category of page (``type: moc``), which makes no paper note."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .front_matter_fields import link_text
from .model import ITEM_TYPES, PAPER_TYPES, SCHOLARLY_MISC_TYPES

# What vaults and their templates call a note about something read (Zotero integrations,
# "literature note" templates, Chinese vaults): the page is a paper note with no paperkb type.
READING_NOTE_KINDS = frozenset({
    "paper", "papers", "paper-note", "paper note", "papernote", "paper-notes", "literature", "literature-note",
    "literature note", "literaturenote", "lit-note", "litnote", "literature-review-note", "reading-note",
    "reading note", "reading", "reference-note", "source-note",
    "论文", "论文笔记", "文献", "文献笔记", "阅读笔记",
})


class TypeKind(Enum):
    PAPER = "paper"  # one of PAPER_TYPES
    ITEM = "item"  # a publication type of Zotero / BibTeX / CSL (`journalArticle`)
    READING_NOTE = "reading-note"  # `literature-note`: a paper note, no paperkb type
    TYPO = "typo"  # close to one of PAPER_TYPES (`applicaton`)
    OTHER = "other"  # the vault's own category (`topic`, `moc`, `area`) or not a string


@dataclass(frozen=True)
class PageType:
    kind: TypeKind
    value: str  # as written (a wikilink's brackets removed); "" when not a string
    suggestion: str | None = None  # for TYPO: the paperkb type meant

    @property
    def names_a_note(self) -> bool:
        """The value alone says the page is a paper note: not the vault's own kind of page, nor
        an item type that is also a common word (`post`, `event`)."""
        if self.kind is TypeKind.ITEM:
            folded = self.value.lower()
            return ITEM_TYPES[folded] != "misc" or folded in SCHOLARLY_MISC_TYPES
        return self.kind is not TypeKind.OTHER


def classify_type(raw: Any) -> PageType | None:
    """How paperkb reads ``type: raw`` (None when the page has no type)."""
    raw = link_text(raw)  # `type: [[Literature]]` (Obsidian's link, quoted or not)
    if raw is None or isinstance(raw, str) and not raw.strip():
        return None
    if isinstance(raw, list) and raw and all(isinstance(item, (str, list)) for item in raw):
        # `type: ["[[Literature]]", "[[Tool]]"]`: the value that makes a note, else the first
        types = [t for item in raw if (t := classify_type(item)) is not None]
        return next((t for t in types if t.names_a_note), types[0] if types else None)
    if not isinstance(raw, str):
        return PageType(TypeKind.OTHER, "")
    value = raw.strip()
    folded = value.lower()
    if folded in PAPER_TYPES:
        return PageType(TypeKind.PAPER, folded)
    if folded in ITEM_TYPES:
        return PageType(TypeKind.ITEM, value)
    if folded.replace("_", "-") in READING_NOTE_KINDS:
        return PageType(TypeKind.READING_NOTE, value)
    close = difflib.get_close_matches(folded, PAPER_TYPES, n=1, cutoff=0.8)
    if close:
        return PageType(TypeKind.TYPO, value, close[0])
    return PageType(TypeKind.OTHER, value)


def accepted_types_hint() -> str:
    """The values of ``type`` paperkb reads, for messages."""
    return (f"one of paperkb's types ({', '.join(PAPER_TYPES)}), a publication type (journalArticle, "
            "conferencePaper, book, ...) or literature-note")
