"""pybtex's names read and formatted once per name, not once per reference.

A library names the same people again and again (a group's papers, a field's authors: 1,600
names among the 30,000 authors of a 10,000-note skim site). pybtex parses each author of each
entry into a ``Person`` (~0.1 ms) and its style formats each ``Person`` anew through a template
of name parts (~0.2 ms), together about 40% of formatting a reference. Here a name's ``Person``
is made once, and its formatted text once per style: both are read only (pybtex's rich text is
never changed in place; sorting and labels read a ``Person``'s parts), so sharing them gives
the same references (tests/core/test_bib_reading.py compares whole references with pybtex's own).

What a name style formats is the same whatever the entry: pybtex's ``plain`` name style, the one
every paperkb style uses, formats a person from its own parts only. Another name style is left
alone."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from pybtex.database import Person
from pybtex.richtext import Text
from pybtex.style.names.plain import NameStyle as PlainNames

# Names kept (each a Person and its formatted text, ~2 KB): more than a personal library's
# recurring authors; past it the cache starts again, so memory stays bounded whatever the library.
NAMES_KEPT = 4096


class NameCache:
    """``Person`` objects by name string, and their formatted text by person, per name style."""

    def __init__(self, limit: int = NAMES_KEPT) -> None:
        self.limit = limit
        self._persons: dict[str, Person] = {}

    def clear(self) -> None:
        self._persons = {}

    def person(self, name: str, read: Callable[[str], str]) -> Person:
        """The ``Person`` of ``name``, as ``Person(read(name))`` makes it (``read`` is the same
        function for every call: the name's text as pybtex reads it)."""
        person = self._persons.get(name)
        if person is None:
            if len(self._persons) >= self.limit:
                self._persons = {}
            person = self._persons[name] = Person(read(name))
        return person


class FormattedNames:
    """A style's ``format_name`` that formats each person once: its text, kept by the person
    object (the ones ``NameCache`` shares), stands for the template pybtex would build, which
    gives that very text whatever the entry."""

    def __init__(self, format_name: Callable[[Person, bool], object], limit: int = NAMES_KEPT) -> None:
        self._format_name = format_name
        self.limit = limit
        # id(person), abbreviated -> (the person, kept alive so its id stays its own; its text)
        self._texts: dict[tuple[int, bool], tuple[Person, Text]] = {}

    def clear(self) -> None:
        self._texts = {}

    def __call__(self, person: Person, abbr: bool = False) -> Text:
        known = self._texts.get((id(person), abbr))
        if known is not None and known[0] is person:
            return known[1]
        text = self._format_name(person, abbr).format()  # (the plain name style's nodes need no data)
        if len(self._texts) >= self.limit:
            self._texts = {}
        self._texts[id(person), abbr] = (person, text)
        return text


_persons = NameCache()
_formatted: weakref.WeakSet[FormattedNames] = weakref.WeakSet()  # every style's, to be let go together


def person(name: str, read: Callable[[str], str]) -> Person:
    """The ``Person`` of ``name`` (``read``: the name's text as pybtex reads it), shared."""
    return _persons.person(name, read)


def install(style: object) -> None:
    """Format names once in ``style`` (a pybtex formatting style) when its name style is
    pybtex's plain one (idempotent)."""
    if type(getattr(style, "name_style", None)) is PlainNames and not isinstance(style.format_name, FormattedNames):
        style.format_name = FormattedNames(style.format_name)
        _formatted.add(style.format_name)


def forget() -> None:
    """Let go of every name read and formatted so far (~1.5 KB a name): once a process has
    formatted its references, before the work that follows needs the memory."""
    _persons.clear()
    for formatted in list(_formatted):
        formatted.clear()
