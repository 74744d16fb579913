"""A dict that can wait pickled while nothing reads it: page.meta between MkDocs' two rounds.

MkDocs keeps every page's front-matter values (``page.meta``) from the moment it reads the page
until the build ends, though the theme reads them only when it writes the page: ~2.8 KB of
small Python objects a short note (a dozen keys, lists of authors, tags and cites), held by
every page at the build's peak, the end of MkDocs' first round. Pickled they take ~0.5 KB.

``PackedDict`` is a real ``dict`` (``isinstance`` holds, Jinja reads it like one) whose items
wait pickled after ``pack()`` and come back, in the same order, at the first use of any method:
whoever reads or changes the mapping sees exactly what it held. One item stays unpickled, so
that C code which takes an empty dict's size as its content (json's encoder writes ``{}`` for
it) never meets an empty dict that is not. Values that do not pickle leave the dict as it is."""

from __future__ import annotations

import functools
import pickle
from typing import Any


class PackedDict(dict):
    """A dict whose items, but its first, wait pickled after ``pack()`` until it is used."""

    __slots__ = ("_packed", "_pickled")

    def __init__(self, *args: Any, pickled: bytes | None = None, **kwargs: Any) -> None:
        """``pickled``: the items as ``pickle.dumps`` gave them already (e.g. kept in a cache),
        shared rather than held twice while the items are still the same."""
        super().__init__(*args, **kwargs)
        self._packed: bytes | None = None
        self._pickled = pickled

    def pack(self) -> None:
        """Keep the items but the first pickled (nothing when they do not pickle)."""
        self._unpack()
        if len(self) < 2:
            return
        try:
            packed = pickle.dumps(dict(dict.items(self)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value some plugin put there that does not pickle
            return
        if packed == self._pickled:
            packed = self._pickled
        else:
            self._pickled = None  # (the items changed: those bytes are of no more use here)
        first = next(iter(dict.items(self)))
        dict.clear(self)
        dict.__setitem__(self, *first)
        self._packed = packed

    @property
    def is_packed(self) -> bool:
        return self._packed is not None

    def _unpack(self) -> None:
        packed = self._packed
        if packed is not None:
            self._packed = None
            dict.update(self, pickle.loads(packed))  # (the first item again: its place stays)

    def __eq__(self, other: object) -> bool:
        self._unpack()
        if isinstance(other, PackedDict):
            other._unpack()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        self._unpack()
        if isinstance(other, PackedDict):
            other._unpack()
        return dict.__or__(self, other)

    def __ior__(self, other: Any) -> "PackedDict":
        self._unpack()
        dict.update(self, other)
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:  # pickle and copy: a plain dict of every item
        self._unpack()
        return (dict, (dict(dict.items(self)),))

    def __sizeof__(self) -> int:
        return dict.__sizeof__(self) + (len(self._packed) if self._packed is not None else 0)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._unpack()
        for other in args:
            if isinstance(other, PackedDict):
                other._unpack()
        dict.update(self, *args, **kwargs)

    def clear(self) -> None:
        self._packed = None
        dict.clear(self)

    def copy(self) -> dict:
        self._unpack()
        return dict(dict.items(self))


def _unpacking(name: str) -> Any:
    """dict's method ``name``, after the items are unpacked."""
    method = getattr(dict, name)

    @functools.wraps(method)
    def unpacked(self: PackedDict, *args: Any, **kwargs: Any) -> Any:
        self._unpack()
        return method(self, *args, **kwargs)

    return unpacked


# Every other way to read or change a dict unpacks it first.
for _name in ("__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__reversed__", "__len__",
              "__repr__", "__ror__", "keys", "values", "items", "get", "setdefault", "pop", "popitem"):
    setattr(PackedDict, _name, _unpacking(_name))

