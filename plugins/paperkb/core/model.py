"""The note record and the vocabularies of its enumerated fields.

A build holds every note's record to its end (10,000 at a time), so the records are slotted
dataclasses (no ``__dict__`` per object: ~1.6 KB less a note with its citations and links),
and the values notes repeat (keys, which cited keys and link targets repeat, roles, venues,
fields, tags, authors, front-matter key names) are one string object for every note that holds
them (``sys.intern``; a pickle of the records then writes and reads each once)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import Enum
from operator import attrgetter
from pathlib import Path
from typing import Any

PAPER_TYPES = ("application", "dataset", "analysis", "survey")
# What Zotero, BibTeX / biblatex and CSL call the kind of publication: vaults made by Zotero's
# Obsidian integrations write it as `type` (`type: journalArticle`). Such a value is the item's
# type (kept as `item_type`, and the BibTeX entry type of the note), not a paperkb type.
ITEM_TYPES: dict[str, str] = {  # folded name -> BibTeX entry type
    **dict.fromkeys(("journalarticle", "article", "article-journal", "magazinearticle", "article-magazine",
                     "newspaperarticle", "article-newspaper", "periodical"), "article"),
    **dict.fromkeys(("conferencepaper", "inproceedings", "conference", "paper-conference"), "inproceedings"),
    **dict.fromkeys(("book", "mvbook", "booklet"), "book"),
    **dict.fromkeys(("booksection", "inbook", "incollection", "chapter", "encyclopediaarticle",
                     "dictionaryentry", "entry-encyclopedia", "entry-dictionary"), "incollection"),
    **dict.fromkeys(("proceedings", "collection"), "proceedings"),
    **dict.fromkeys(("thesis", "phdthesis"), "phdthesis"),
    "mastersthesis": "mastersthesis",
    **dict.fromkeys(("report", "techreport"), "techreport"),
    "manual": "manual",
    **dict.fromkeys(("bookinbook", "suppbook", "suppcollection", "inreference"), "incollection"),
    **dict.fromkeys(("mvcollection", "mvproceedings"), "proceedings"),
    "suppperiodical": "article",
    **dict.fromkeys(("preprint", "manuscript", "unpublished", "document", "webpage", "online", "blogpost",
                     "post-weblog", "post", "forumpost", "presentation", "computerprogram", "software",
                     "patent", "standard", "misc", "letter", "interview", "podcast", "videorecording",
                     # the rest of Zotero's and CSL's item types
                     "artwork", "audiorecording", "bill", "case", "email", "film", "hearing", "instantmessage",
                     "map", "radiobroadcast", "statute", "tvbroadcast", "broadcast", "classic", "entry", "event",
                     "figure", "graphic", "legal_case", "legislation", "motion_picture", "musical_score",
                     "pamphlet", "performance", "personal_communication", "regulation", "review", "review-book",
                     "song", "speech", "treaty", "electronic", "www"), "misc"),
}
# Item types that name a scholarly text: `type: preprint` alone makes a page a paper note, while
# the generic ones (`type: post`, `event`, `map`, ...) are common words a vault uses for its own
# kinds of page, read as an item type only on a page that is a paper note by its other keys.
SCHOLARLY_MISC_TYPES = frozenset({"preprint", "manuscript", "unpublished", "patent"})
LEVELS = ("skim", "browse", "deep")
LEVEL_ALIASES = {"deep read": "deep", "deep-read": "deep", "deepread": "deep", "skimmed": "skim"}
RELATIONS = ("peer", "upstream")
ROLES = ("background", "related", "builds-on", "baseline", "dataset", "metric")
DEFAULT_ROLE = "related"

LEVEL_LABELS = {"skim": "Skim", "browse": "Browse", "deep": "Deep read"}
TYPE_LABELS = {"application": "Application", "dataset": "Dataset", "analysis": "Analysis", "survey": "Survey"}
ROLE_LABELS = {
    "background": "Background",
    "related": "Related",
    "builds-on": "Builds on",
    "baseline": "Baseline",
    "dataset": "Dataset",
    "metric": "Metric",
}

# Keys paperkb understands; anything else in the front-matter is kept in Note.extra and shown.
KNOWN_KEYS = frozenset(
    {
        "title", "key", "year", "venue", "authors", "field", "fields", "type", "level", "relation",
        "links", "arxiv", "doi", "tags", "problem", "method", "results", "datasets", "metrics",
        "cites", "insights", "draft", "s2",
    }
)
# Page-only keys of MkDocs / mkdocs-material: not shown as unknown fields.
PAGE_KEYS = frozenset({"hide", "template", "search", "status", "icon", "subtitle", "description", "comments", "publish"})
# A front-matter holding any of these is a paper note (plain pages only set page keys).
NOTE_MARKER_KEYS = KNOWN_KEYS - {"tags", "draft"}


def shared(text: str) -> str:
    """The one string object equal to ``text`` that every record holding it shares."""
    return sys.intern(text) if type(text) is str else text


def _shared_list(values: list[str]) -> list[str]:
    return [shared(value) for value in values]


# Each record class's field names, and a getter of their values as a tuple: ``fields()`` builds
# its answer at every call, and the note cache pickles and unpickles every record of every note.
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple]]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple]]:
    found = _FIELDS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls))
        values = attrgetter(*names) if len(names) > 1 else (lambda record: (getattr(record, names[0]),))
        found = _FIELDS[cls] = (names, values)
    return found


def _state(record: Any) -> tuple:
    """A record's pickled state: its fields' values in order."""
    return _fields_of(type(record))[1](record)


def _restore(record: Any, state: tuple) -> None:
    """Unpickling: the values set, then shared as a new record's are (a pickle shares a string
    only within itself; the notes come in several, from the note cache and from the worker that
    parses them)."""
    for name, value in zip(_fields_of(type(record))[0], state):
        object.__setattr__(record, name, value)
    record.__post_init__()


@dataclass(frozen=True, slots=True)
class Citation:
    key: str
    role: str
    line: int
    # Written as an Obsidian link (``- "[[Attention Is All You Need]]"``): ``key`` is the link's
    # target, found as a [[link]] finds a note (by key, file name or alias); with no note yet it
    # is a paper on the reading list (Library.unwritten_cites), not a mistake.
    linked: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", shared(self.key))
        object.__setattr__(self, "role", shared(self.role))

    __getstate__, __setstate__ = _state, _restore


@dataclass(frozen=True, slots=True)
class Insight:
    text: str
    line: int
    in_body: bool


class LinkKind(Enum):
    """How a note refers to another: listed in its ``cites``, or written in its text."""

    CITES = "cites"  # an entry of the front-matter's `cites` list
    WIKILINK = "wikilink"  # [[key]], [[key|text]] or the embed ![[key]]
    LINK = "link"  # an ordinary relative Markdown link to the note's file
    PANDOC_CITE = "citation"  # [@key], which may also name a .bib entry that has no note
    SCHOLAR = "scholar"  # no note wrote it: Semantic Scholar says the papers cite each other (derived)

    @property
    def in_text(self) -> bool:
        return self not in (LinkKind.CITES, LinkKind.SCHOLAR)


@dataclass(frozen=True, slots=True)
class BodyLink:
    """A link to another note written in the text (a kind other than ``LinkKind.CITES``)."""

    target: str  # a key for wikilinks and pandoc cites, a docs-relative path for Markdown links
    line: int
    kind: LinkKind

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", shared(self.target))

    __getstate__, __setstate__ = _state, _restore


@dataclass(slots=True)
class Note:
    key: str
    src_uri: str  # path relative to the notes directory, POSIX style
    path: Path
    display_path: str
    title: str
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    type: str | None = None
    level: str | None = None
    relation: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    arxiv: str | None = None
    doi: str | None = None
    s2: str | None = None  # Semantic Scholar paperId or CorpusId:N
    tags: list[str] = field(default_factory=list)
    problem: str | None = None
    method: str | None = None
    results: str | None = None
    datasets: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    cites: list[Citation] = field(default_factory=list)
    insights: list[Insight] = field(default_factory=list)
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file on which the body starts
    body_links: list[BodyLink] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.key = shared(self.key)
        for name in ("venue", "type", "level", "relation"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, shared(value))
        self.authors, self.fields, self.tags = (_shared_list(self.authors), _shared_list(self.fields),
                                                _shared_list(self.tags))
        self.datasets, self.metrics = _shared_list(self.datasets), _shared_list(self.metrics)
        self.links = {shared(name): url for name, url in self.links.items()}
        self.key_lines = {shared(name): line for name, line in self.key_lines.items()}

    __getstate__, __setstate__ = _state, _restore

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def text_fields(self) -> str:
        """The text that the `text` query filter searches."""
        return "\n".join(x for x in (self.title, self.problem, self.method, self.results) if x)
