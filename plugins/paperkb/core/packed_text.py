"""Text held compressed while it waits for its turn: a build makes or renders most of what it
writes long before it writes it (MkDocs renders every page before it writes the first), and HTML
packs 4-10x with zlib's fastest level, at ~10-30 µs for a page's worth.

Many small texts made one after another (diagram sources, ~5 KB each) pack together
(``pack_together``): one zlib stream for a run of them took a third of the time of one each
(zlib's set-up per call costs as much as packing 5 KB) and is a third smaller (neighbours'
texts repeat each other)."""

from __future__ import annotations

import zlib
from typing import NamedTuple


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


class PackedPart(NamedTuple):
    """One text of a run packed together: its bytes ``start:end`` of the unpacked ``stream``
    (the parts of a run share the one ``stream`` object, pickled once with them)."""

    stream: bytes
    start: int
    end: int


def pack_together(texts: list[str]) -> list[PackedPart]:
    """``texts`` packed as one stream: a part for each, in order."""
    encoded = [text.encode("utf-8") for text in texts]
    stream = zlib.compress(b"".join(encoded), 1)
    parts, start = [], 0
    for data in encoded:
        parts.append(PackedPart(stream, start, start + len(data)))
        start += len(data)
    return parts


# The last stream unpacked, with its bytes: the parts of a run are mostly asked for one after
# another (a worker draws a batch in order; pages are written in the order they were planned).
_last_unpacked: tuple[bytes | None, bytes] = (None, b"")


def unpack_part(part: PackedPart) -> str:
    global _last_unpacked
    stream, data = _last_unpacked  # (one tuple: read and replaced whole, whichever thread asks)
    if stream is not part.stream:
        data = zlib.decompress(part.stream)
        _last_unpacked = (part.stream, data)
    return data[part.start:part.end].decode("utf-8")
