"""pybtex's rich text made with less work: the same objects, built faster.

pybtex's styles build every reference out of many small rich-text objects (``Text``, ``Tag``,
``String``); each one's constructor turns its parts into text, drops the empty ones, unpacks
nested ``Text`` and merges neighbours of the same kind through four chained generators and
``itertools.groupby``, which is about a third of the time pybtex takes per entry (~0.7 ms;
a first build formats every reference: ~7 s of CPU at 10,000 notes). ``install`` replaces that
constructor with one loop doing the same steps in the same order: the same parts, merged the
same way, and the same error for a part that is not text (tests/core/test_bib_reading.py
compares the two on every kind of part and on whole references in every style)."""

from __future__ import annotations

from pybtex.richtext import BaseMultipartText, BaseText, String, Text, ensure_text

_pybtex_init = BaseMultipartText.__init__


def _init(self, *parts):
    # Most objects a style builds have no part or one (~2/3 of them in a skim site's references):
    # the loops below would give what these give at once.
    if len(parts) < 2:
        if not parts:
            self.parts, self.length = [], 0
            return
        part = parts[0]
        kind = type(part)
        if kind is str:
            self.parts, self.length = ([String(part)], len(part)) if part else ([], 0)
            return
        if kind is Text:  # (its parts are merged already: each neighbour of another kind)
            self.parts, self.length = list(part.parts), part.length
            return
        if kind is String:
            self.parts, self.length = ([part], len(part.value)) if part.value else ([], 0)
            return
    # ensure_text, dropping empty parts and unpacking Text (BaseMultipartText.__init__'s generators)
    unpacked = []
    for part in parts:
        if isinstance(part, str):
            if part:
                unpacked.append(String(part))
            continue
        if not isinstance(part, BaseText):
            ensure_text(part)  # (raises pybtex's TypeError)
        if not part:
            continue
        if type(part) is Text:  # (Text._unpack yields its parts)
            unpacked.extend(part.parts)
        else:
            unpacked.extend(part._unpack())
    # _merge_similar: runs of neighbours with the same type information become one object
    merged = []
    count = len(unpacked)
    at = 0
    while at < count:
        first = unpacked[at]
        typeinfo = first._typeinfo()
        end = at + 1
        while end < count and unpacked[end]._typeinfo() == typeinfo:
            end += 1
        cls, info = typeinfo
        if cls and end - at > 1:
            merged.append(cls(*info, *[p for item in unpacked[at:end] for p in item.parts]))
        else:
            merged.extend(unpacked[at:end])
        at = end
    self.parts = merged
    self.length = sum([len(part) for part in merged])


def install() -> None:
    """Use the faster constructor for every rich-text object pybtex makes (idempotent)."""
    BaseMultipartText.__init__ = _init


def uninstall() -> None:
    """pybtex's own constructor again (tests compare the two)."""
    BaseMultipartText.__init__ = _pybtex_init

