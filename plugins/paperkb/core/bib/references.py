"""Everything a page can cite: every published note and every .bib entry, one per key.

Drafts appear nowhere: a draft's key is left out even when a .bib file has an entry for it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pybtex.database import Person

from ..library import Library
from ..model import Note
from ..note_memo import NoteMemo
from .entry import BibEntry
from .writer import bibtex_comment, note_entry, write_bibtex, write_each


@dataclass(frozen=True)
class Reference:
    key: str
    entry: BibEntry  # the .bib entry, or the one made from the note's front-matter
    note: Note | None  # None: a .bib entry nobody has written a note about (the reading queue)

    @property
    def from_bib(self) -> bool:
        return self.entry.source is not None

    @property
    def title(self) -> str:
        return (self.note.title if self.note else self.entry.title) or self.key

    @property
    def year(self) -> int | None:
        return self.note.year if self.note else self.entry.year

    @property
    def authors(self) -> list[str]:
        return self.note.authors if self.note else self.entry.authors

    @cached_property
    def family_names(self) -> list[str]:
        return self.entry.last_names if self.note is None else family_names(self.note.authors)

    def author_label(self) -> str:
        """"Vaswani et al.", "Gu and Dao", "Kaplan"; the short title when there are no authors."""
        return author_label(self.family_names, len(self.authors), self.title)

    def year_label(self) -> str:
        return str(self.year) if self.year is not None else "n.d."

    def bibtex(self) -> str:
        return write_bibtex([self.entry])


def family_names(authors: list[str]) -> list[str]:
    """Family names of display names ("Diederik P. Kingma" -> "Kingma", "Vincent van Gogh" ->
    "van Gogh"), "et al." left out."""
    return [_family_name(author) for author in authors if author.strip().lower() not in ("et al.", "et al", "others")]


# A name of capitalised words (letters, then letters, digits, dots or apostrophes) between single
# spaces: nothing in it BibTeX reads specially (no comma, brace, tilde, hyphen or "von" part),
# so pybtex makes its last word the family name.
_PLAIN_NAME = re.compile(r"[^\W\d_][\w.']*(?: [^\W\d_][\w.']*)*")


@lru_cache(maxsize=1 << 16)
def _family_name(author: str) -> str:
    """(pybtex's parse of a name is slow, ~40 us, and an author's name recurs on many notes: each
    is parsed once, and a plain name, most of them, is not given to pybtex at all)"""
    if _PLAIN_NAME.fullmatch(author) and all(word[0].isupper() for word in author.split(" ")):
        return author.rpartition(" ")[2]
    person = Person(author)
    return " ".join(person.prelast_names + person.last_names) or author


def author_label(names: list[str], author_count: int, title: str) -> str:
    """"Vaswani et al.", "Gu and Dao", "Kaplan"; the short title when there are no names."""
    if not names:
        words = title.split()
        return " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    if len(names) == 1 and author_count <= 1:
        return names[0]
    if len(names) == 2 and author_count == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def same_references(before: Library, after: Library, keys: Iterable[str]) -> bool:
    """Every reference and what pages show of it is as before, when of the notes only ``keys``
    changed (and no .bib file): the same notes and drafts, and each changed note's entry, venue
    and page as before (a new tag or citation leaves the bibliography as it was)."""
    if before.notes.keys() != after.notes.keys() or before.drafts.keys() != after.drafts.keys():
        return False
    for key in keys:
        old, new = before.notes.get(key), after.notes.get(key)
        if old is None or new is None or (old.src_uri, old.venue, note_entry(old)) != (new.src_uri, new.venue, note_entry(new)):
            return False
    return True


class References:
    def __init__(self, library: Library, memo: NoteMemo | None = None) -> None:
        """``memo``: `serve` keeps each note's Reference (its entry, its parsed names) while the note is the same."""
        self.library = library
        drafts = library.drafts
        refs: dict[str, Reference] = {}
        bib = library.bibliography
        for note in library.notes.values():
            if memo is None:
                refs[note.key] = Reference(note.key, bib.get(note.key) or note_entry(note), note)
            else:  # (by the .bib entry too: an edited .bib makes a new one)
                entry = bib.get(note.key)
                refs[note.key] = memo.get(note, lambda note=note, entry=entry: Reference(
                    note.key, entry or note_entry(note), note), "reference", id(entry))
        for entry in bib:
            if entry.key not in refs and entry.key not in drafts:
                refs[entry.key] = Reference(entry.key, entry, None)
        # Deterministic: by key, case-insensitively (BibTeX keys are), then exactly.
        self.refs = dict(sorted(refs.items(), key=lambda kv: (kv[0].casefold(), kv[0])))

    def get(self, key: str) -> Reference | None:
        return self.refs.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.refs

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.refs.values())

    def __len__(self) -> int:
        return len(self.refs)

    def is_draft(self, key: str) -> bool:
        return key in self.library.drafts and key not in self.refs

    def to_read(self) -> list[Reference]:
        """Entries without a note, newest first, then by first author and title."""
        queue = [r for r in self if r.note is None]
        return sorted(queue, key=lambda r: (-(r.year or 0), r.author_label().casefold(), r.title.casefold()))

    def bibtex_of(self, keys: list[str], about: str) -> str:
        """The entries of ``keys`` (those with a reference), in all.bib's order and form."""
        chosen = set(keys)
        entries = [r.entry for r in self if r.key in chosen]
        return write_bibtex(entries, header=f"{len(entries)} references. {about}\nGenerated by paperkb.")

    def entry_texts(self) -> dict[str, str]:
        """Each reference's BibTeX text by key, in all.bib's order and form (``all_bib(texts=...)``)."""
        return dict(zip(self.refs, write_each([r.entry for r in self])))

    def all_bib(self, kept: dict[int, tuple[BibEntry, str]] | None = None, texts: dict[str, str] | None = None) -> str:
        """The site's all.bib: every reference once, by key; re-parses to the same entries.
        ``kept``: each entry's text from the last call (updated); ``texts``: ``entry_texts()``."""
        header = f"{len(self)} references: the published notes and .bib entries of this site.\nGenerated by paperkb."
        if texts is not None:
            return bibtex_comment(header) + "\n".join(texts.values())
        if kept is None:
            return write_bibtex((r.entry for r in self), header=header)
        # Entry by entry (the same text: entries are written one after the other, a blank line
        # between), each kept while its entry object is the same (`serve`).
        made: dict[int, tuple[BibEntry, str]] = {}
        for ref in self:
            old = kept.get(id(ref.entry))
            made[id(ref.entry)] = (ref.entry, old[1] if old is not None and old[0] is ref.entry
                                   else write_bibtex([ref.entry]))
        kept.clear()
        kept.update(made)
        return bibtex_comment(header) + "\n".join(text for _entry, text in made.values())
