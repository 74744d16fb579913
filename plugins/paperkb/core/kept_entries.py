"""Entries a full build keeps for the next one, in one file: read one at a time as they are
asked for, written as they are made, and only those the build used are kept.

Made for what a build makes per page (mkdocs_plugin/kept_conversions.py): at 10,000 notes, one
file instead of 10,000 (a build already writes some 20,000), no entry held in memory beyond the
one in hand (a miss goes straight to the new file's buffer, a hit is read with one ``pread``),
and a build that used every entry and made none keeps the file as it is.

The file: each entry's bytes one after another (not compressed: zlib took ~25 µs for a short
page's entry, twice what the rest of keeping it costs, to halve ~1.5 KB), then the index (the fingerprint of
what every entry depends on, then per entry its key, the BLAKE2 digest of its bytes,
offset and length), the index's length, and the HMAC of the index under the user's key
(core/user_key.py). An index whose signature does not hold, or made under another fingerprint,
is not read; an entry whose bytes do not match the digest the signed index gives is a miss. So
a file someone edited, planted or truncated is never used, and never an error."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import tempfile
import zlib
from pathlib import Path

from .cache_file import SIGNATURE_SIZE
from .user_key import signature

KEY_SIZE = 16  # what callers key entries by (a BLAKE2 digest of everything an entry depends on)
_DIGEST_SIZE = 16
_RECORD = struct.Struct(f"<{KEY_SIZE}s{_DIGEST_SIZE}sQI")  # key, digest, offset, length
_LENGTH = struct.Struct("<Q")
_FINGERPRINT_SIZE = 32
_WRITE_BUFFER = 1 << 18


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=_DIGEST_SIZE).digest()


class KeptEntries:
    """The entries kept in ``path`` under one ``context`` (what the file is for: it is signed with it)."""

    def __init__(self, path: Path, context: str) -> None:
        self.path = path
        self.context = context.encode("utf-8")
        self.fingerprint = b""
        self._old: dict[bytes, tuple[bytes, int, int]] = {}  # key -> digest, offset, length in the kept file
        self._old_fd: int | None = None
        self._used: dict[bytes, tuple[bytes, int, int]] = {}  # kept entries this build took
        self._new: dict[bytes, tuple[bytes, int, int]] = {}  # entries this build made (offsets in the new file)
        self._writer = None
        self._temporary: Path | None = None
        self._written = 0
        self._failed = False  # the new file could not be written: this build keeps nothing

    # -- reading ----------------------------------------------------------------------------
    def begin(self, fingerprint: bytes) -> None:
        """Read the kept file's index when it was made under ``fingerprint`` (32 bytes) and signed
        by this user; else no entry is found and the file is made again."""
        assert len(fingerprint) == _FINGERPRINT_SIZE
        self.fingerprint = fingerprint
        if signature(b"") is None:  # no key of the user's: nothing is read or kept
            self._failed = True
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return
        index = self._signed_index(fd)
        if index is None or index[:_FINGERPRINT_SIZE] != fingerprint:
            os.close(fd)
            return
        records = index[_FINGERPRINT_SIZE:]
        if len(records) % _RECORD.size:
            os.close(fd)
            return
        self._old = {key: (digest, offset, length) for key, digest, offset, length in _RECORD.iter_unpack(records)}
        self._old_fd = fd

    def _signed_index(self, fd: int) -> bytes | None:
        try:
            size = os.fstat(fd).st_size
            tail = _LENGTH.size + SIGNATURE_SIZE
            if size < tail:
                return None
            footer = os.pread(fd, tail, size - tail)
            (length,) = _LENGTH.unpack(footer[:_LENGTH.size])
            if length > size - tail:
                return None
            packed = os.pread(fd, length, size - tail - length)
        except OSError:
            return None
        expected = signature(self.context + b"\0" + packed)
        if expected is None or len(packed) != length or not hmac.compare_digest(footer[_LENGTH.size:], expected):
            return None
        try:
            return zlib.decompress(packed)
        except zlib.error:
            return None

    def get(self, key: bytes) -> bytes | None:
        """The entry kept under ``key``; None when there is none or its bytes are not the ones signed."""
        found = self._old.get(key)
        if found is None or self._old_fd is None:
            return None
        digest, offset, length = found
        try:
            data = os.pread(self._old_fd, length, offset)
        except OSError:
            return None
        if len(data) != length or not hmac.compare_digest(_digest(data), digest):
            return None
        self._used[key] = found
        return data

    # -- writing ----------------------------------------------------------------------------
    def put(self, key: bytes, data: bytes) -> None:
        """Keep ``data`` under ``key`` for the next build (written to the new file at once)."""
        if key in self._new:
            return
        self._used.pop(key, None)  # (kept, but found stale by the caller: replaced)
        writer = self._open_writer()
        if writer is None:
            return
        try:
            writer.write(data)
        except OSError:
            self.abandon()
            self._failed = True
            return
        self._new[key] = (_digest(data), self._written, len(data))
        self._written += len(data)

    def _open_writer(self):
        if self._writer is None and not self._failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=self.path.suffix)
            except OSError:
                self._failed = True  # (a folder that cannot be written: no further attempt)
                return None
            self._temporary = Path(name)
            self._writer = os.fdopen(fd, "wb", buffering=_WRITE_BUFFER)
        return self._writer

    def finish(self) -> None:
        """Write the new file with the entries this build used, unless it would hold just what
        the kept one holds; atomic (a rename), and a failure only costs the next build time."""
        try:
            if self._new or self._used.keys() != self._old.keys():
                self._write()
        finally:
            self._close()

    def _write(self) -> None:
        writer = self._open_writer()
        if writer is None:
            return
        try:
            index = [_RECORD.pack(key, *found) for key, found in self._new.items()]
            if self._old_fd is not None:
                for key, (digest, offset, length) in sorted(self._used.items(), key=lambda item: item[1][1]):
                    if key in self._new:
                        continue
                    blob = os.pread(self._old_fd, length, offset)
                    writer.write(blob)
                    index.append(_RECORD.pack(key, digest, self._written, length))
                    self._written += length
            packed = zlib.compress(self.fingerprint + b"".join(index), 1)
            signed = signature(self.context + b"\0" + packed)
            if signed is None:
                return
            writer.write(packed + _LENGTH.pack(len(packed)) + signed)
            writer.close()
            self._writer = None
            assert self._temporary is not None
            os.replace(self._temporary, self.path)
            self._temporary = None
        except OSError:
            self._failed = True

    def abandon(self) -> None:
        """Keep nothing of this build (it failed): the kept file stays as it was."""
        self._close()

    def _close(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except OSError:
                pass
            self._writer = None
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
        self._temporary = None
        if self._old_fd is not None:
            os.close(self._old_fd)
            self._old_fd = None
        self._old, self._used, self._new, self._written = {}, {}, {}, 0
