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

import pickle
from typing import Any


class PackedDict(dict):
    """A dict whose items, but its first, wait pickled after ``pack()`` until it is used."""

    __slots__ = ("_packed",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._packed: bytes | None = None

    def pack(self) -> None:
        """Keep the items but the first pickled (nothing when they do not pickle)."""
        self._unpack()
        if len(self) < 2:
            return
        items = iter(dict.items(self))
        first = next(items)
        try:
            packed = pickle.dumps(list(items), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value some plugin put there that does not pickle
            return
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
            dict.update(self, pickle.loads(packed))

    # Every way to read or change a dict unpacks it first.
    def __getitem__(self, key: Any) -> Any:
        self._unpack()
        return dict.__getitem__(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._unpack()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        self._unpack()
        dict.__delitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._unpack()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._unpack()
        return dict.__iter__(self)

    def __reversed__(self):
        self._unpack()
        return dict.__reversed__(self)

    def __len__(self) -> int:
        self._unpack()
        return dict.__len__(self)

    def __repr__(self) -> str:
        self._unpack()
        return dict.__repr__(self)

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

    def __ror__(self, other: Any) -> Any:
        self._unpack()
        return dict.__ror__(self, other)

    def __ior__(self, other: Any) -> "PackedDict":
        self._unpack()
        dict.update(self, other)
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:  # pickle and copy: a plain dict of every item
        self._unpack()
        return (dict, (dict(dict.items(self)),))

    def __sizeof__(self) -> int:
        return dict.__sizeof__(self) + (len(self._packed) if self._packed is not None else 0)

    def keys(self):
        self._unpack()
        return dict.keys(self)

    def values(self):
        self._unpack()
        return dict.values(self)

    def items(self):
        self._unpack()
        return dict.items(self)

    def get(self, key: Any, default: Any = None) -> Any:
        self._unpack()
        return dict.get(self, key, default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._unpack()
        return dict.setdefault(self, key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        self._unpack()
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[Any, Any]:
        self._unpack()
        return dict.popitem(self)

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
