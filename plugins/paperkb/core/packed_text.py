"""Text held compressed while it waits for its turn: a build makes or renders most of what it
writes long before it writes it (MkDocs renders every page before it writes the first), and HTML
packs 4-10x with zlib's fastest level, at ~10-30 µs for a page's worth."""

from __future__ import annotations

import zlib


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")
