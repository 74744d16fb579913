"""Values made from a note, kept between the builds of `mkdocs serve`.

After an edit the library is loaded again, and every note whose file did not change is the very
same object as before (core/note_cache.py): what was made from it (an index table's row, its
insights' HTML, its BibTeX entry) is still right, and making it again for 2,000 notes was most
of the time an edit took to show."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from .model import Note

T = TypeVar("T")


class NoteMemo(Generic[T]):
    def __init__(self) -> None:
        self._values: dict[tuple, tuple[Note, T]] = {}
        self._used: set[tuple] = set()

    def get(self, note: Note, make: Callable[[], T], *also: Hashable) -> T:
        """``make()``'s value for ``note``, made again when the note object changed; ``also``:
        whatever else the value depends on (the page it is shown on)."""
        key = (note.key, *also)
        self._used.add(key)
        kept = self._values.get(key)
        if kept is not None and kept[0] is note:
            return kept[1]
        value = make()
        self._values[key] = (note, value)
        return value

    def forget_unused(self) -> None:
        """Keep only what was asked for since the last call (notes gone, pages moved)."""
        self._values = {key: value for key, value in self._values.items() if key in self._used}
        self._used = set()

    def clear(self) -> None:
        self._values, self._used = {}, set()
