"""Text held compressed while it waits for its turn: a build makes or renders most of what it
writes long before it writes it (MkDocs renders every page before it writes the first), and HTML
packs 4-10x with zlib's fastest level, at ~10-30 µs for a page's worth.

Many small texts made one after another (diagram sources, ~5 KB each) pack together
(``pack_together``): one zlib stream for a run of them took a third of the time of one each
(zlib's set-up per call costs as much as packing 5 KB) and is a third smaller (neighbours'
texts repeat each other).

zlib's set-up is mostly its buffers: four of 64 KB at its defaults (window, hash chains, hash
heads, pending output), each its own mmap'd block in a full build (core/free_memory.py
map_large_blocks gives blocks from 32 KB on pages of their own), mapped, zeroed and unmapped on
every call. A text of a few KB needs no 32 KB window: ``_compress`` sizes the window to the
text and the hash tables to the window, so a short text's buffers are a few KB of the heap. The
stream is a standard zlib stream (its header names its window; ``zlib.decompress`` reads it, and
allocates the window it names). A page's held HTML (~1.7 KB) packed in ~41 instead of ~54 µs, a
card (~0.8 KB) in ~19 instead of ~55 (1,000 pages of a 2,000-note skim build, medians)."""

from __future__ import annotations

import zlib
from typing import NamedTuple


# zlib's smallest window for deflate is 2**9 bytes, its largest (and default) 2**15; its hash
# tables take 2**(memLevel + 7) heads, default memLevel 8: the window's size at the default.
_SMALLEST_WINDOW_BITS, _WINDOW_BITS = 9, 15
_MEMORY_LEVEL_BELOW_WINDOW = 7  # as many hash heads as window bytes, as at the defaults
_MEMORY_LEVEL = 8


def _compress(data: bytes) -> bytes:
    """``data`` as a zlib stream at the fastest level, its window no larger than ``data``."""
    bits = min(_WINDOW_BITS, max(_SMALLEST_WINDOW_BITS, (len(data) - 1).bit_length()))
    level = max(1, min(_MEMORY_LEVEL, bits - _MEMORY_LEVEL_BELOW_WINDOW))
    packer = zlib.compressobj(1, zlib.DEFLATED, bits, level)
    return packer.compress(data) + packer.flush()


def pack(text: str) -> bytes:
    return _compress(text.encode("utf-8"))


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
    stream = _compress(b"".join(encoded))
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
