"""One BibTeX entry: its fields as written (for export) and decoded views of them (for display)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from .latex import latex_to_text, url_from_latex

# Fields that hold a person list, a URL-like value, or private data never published.
PERSON_FIELDS = ("author", "editor")
URL_FIELDS = frozenset({"url", "doi", "eprint", "archiveprefix", "eprinttype", "primaryclass", "isbn", "issn"})
# Better BibTeX / JabRef write local PDF paths and personal annotations: never published.
PRIVATE_FIELDS = frozenset({"file", "annote", "annotation", "owner", "timestamp"})

ARXIV_ID = re.compile(r"(?:arXiv:\s*)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"arXiv(?:\s+preprint)?\s*(?:arXiv)?:?\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arXiv\.(.+)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1\d{3}|2\d{3})\b")


@dataclass(frozen=True)
class BibField:
    name: str  # lower-case
    value: str  # as written, without the enclosing braces or quotes
    enclosing: str | None = None  # "no-enclosing" for macros such as `month = jan`
    line: int = 0  # 1-based line in its file (0: generated or inherited)
    inherited: bool = False  # taken from the entry named by ``crossref`` (not written in this entry)


@dataclass(frozen=True)
class Source:
    """Where an entry was written: ``path`` as shown in messages, 1-based ``line``."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str  # lower-case: article, inproceedings, misc, ...
    fields: tuple[BibField, ...] = ()
    source: Source | None = None  # None: generated from a note's front-matter
    _by_name: dict[str, BibField] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {}
        for item in self.fields:
            by_name.setdefault(item.name, item)
        object.__setattr__(self, "_by_name", by_name)

    # -- raw access --------------------------------------------------------------------------
    def raw(self, name: str) -> str | None:
        item = self._by_name.get(name)
        return item.value if item is not None else None

    def line_of(self, name: str) -> int:
        item = self._by_name.get(name)
        if item is not None and item.line:
            return item.line
        return self.source.line if self.source else 0

    def where(self, name: str | None = None) -> str:
        """``path:line`` of the entry (or of one of its fields) for messages."""
        if self.source is None:
            return "(generated)"
        return f"{self.source.path}:{self.line_of(name) if name else self.source.line}"

    def published_fields(self) -> tuple[BibField, ...]:
        """The fields a reference shows: private ones left out, inherited ones included."""
        return tuple(f for f in self.fields if f.name not in PRIVATE_FIELDS)

    def written_fields(self) -> tuple[BibField, ...]:
        """The fields BibTeX output writes: as in the source (a ``crossref`` child stays a child)."""
        return tuple(f for f in self.fields if f.name not in PRIVATE_FIELDS and not f.inherited)

    # -- decoded views for display -----------------------------------------------------------
    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if name in URL_FIELDS:
            return url_from_latex(value) or None
        return latex_to_text(value) or None

    @cached_property
    def title(self) -> str | None:
        """The title with its biblatex ``subtitle`` ("Title: Subtitle")."""
        title, subtitle = self.text("title"), self.text("subtitle")
        if title and subtitle:
            return f"{title}{'' if title[-1] in ':.?!' else ':'} {subtitle}"
        return title

    @cached_property
    def people(self) -> tuple[Person, ...]:
        """Authors (editors when there are none), parsed by pybtex's BibTeX name rules."""
        for name in PERSON_FIELDS:
            value = self.raw(name)
            if value:
                return tuple(Person(n) for n in split_name_list(value) if n.strip())
        return ()

    @cached_property
    def authors(self) -> list[str]:
        """Display names, "First von Last, Jr." in Unicode; "others" becomes "et al."."""
        names = []
        for person in self.people:
            if person.last_names == ["others"] and not person.first_names:
                names.append("et al.")
                continue
            parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
            text = latex_to_text(" ".join(parts))
            if person.lineage_names:
                text += ", " + latex_to_text(" ".join(person.lineage_names))
            if text:
                names.append(text)
        return names

    @cached_property
    def last_names(self) -> list[str]:
        """Family names (with their "von" part) for author-year labels."""
        names = []
        for person in self.people:
            if person.last_names == ["others"] and not person.first_names:
                continue
            names.append(latex_to_text(" ".join(person.prelast_names + person.last_names)))
        return [n for n in names if n]

    @cached_property
    def year(self) -> int | None:
        value = self.raw("year")
        if value is None and self.raw("date"):
            value = self.raw("date")  # biblatex: date = {2021-05-03}
        match = _YEAR.search(latex_to_text(value)) if value else None
        return int(match.group(1)) if match else None

    @cached_property
    def arxiv(self) -> str | None:
        eprint = self.text("eprint")
        kind = (self.text("archiveprefix") or self.text("eprinttype") or "").lower()
        if eprint and (kind == "arxiv" or (not kind and ARXIV_ID.fullmatch(eprint))):
            match = ARXIV_ID.fullmatch(eprint.strip())
            return match.group(1) if match else eprint.strip()
        doi = self.text("doi")
        if doi and _ARXIV_DOI.match(doi):
            return _ARXIV_DOI.match(doi).group(1)
        for name in ("journal", "howpublished", "note"):  # Google Scholar: "arXiv preprint arXiv:2203.15556"
            match = _ARXIV_IN_TEXT.search(self.text(name) or "")
            if match:
                return match.group(1)
        return None

    @cached_property
    def venue(self) -> str | None:
        """journal, else booktitle; an "arXiv preprint arXiv:..." journal is just "arXiv"."""
        for name in ("journal", "journaltitle", "booktitle"):
            value = self.text(name)
            if value:
                return "arXiv" if _ARXIV_IN_TEXT.fullmatch(value.strip()) else value
        return None

    @cached_property
    def doi(self) -> str | None:
        value = self.text("doi")
        if value:
            value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value, flags=re.IGNORECASE)
        return value or None

    @cached_property
    def url(self) -> str | None:
        return self.text("url")
