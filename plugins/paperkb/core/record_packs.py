"""A cache of many entries as signed records appended to a few pack files, not a file each.

A file per entry cost its writer about 0.5 ms of CPU (the kernel making an inode under a
temporary name, then renaming it) beside the ~3 ms a diagram's layout takes: ~15% of the
diagram worker's work. Here a writer appends each entry with one ``write`` to a pack that it
alone writes: it holds an exclusive ``flock`` on it, which the kernel lets go when the process
ends, killed or not. So no two processes write one pack, and there are never more packs than
writers that once ran at the same time (a later writer takes a pack whose lock is free).

A record: ``MAGIC``, the key's and the data's lengths, the HMAC of key + NUL + data under the
user's key (core/user_key.py), the key, the data. Readers find entries by reading the records'
heads only, and check the signature of a record when they read it: an entry someone edited,
planted or that rotted is not used (None: the caller makes it again and appends it again; the
last record of a key wins).

A writer killed in the middle of a record leaves a torn tail: readers stop at a record that
runs past the end of its pack or lacks the magic, and the next writer to take that pack cuts
the tail off before it appends. Never an error: a folder that cannot be written costs only time.
"""

from __future__ import annotations

import hmac
import os
import struct
import shutil
import threading
import time
from collections.abc import Iterable, Iterator

from .user_key import signature
from .whole_file import write_all

MAGIC = b"PKr1"
HEAD = struct.Struct("<4sHI32s")  # magic, key length, data length, signature
SUFFIX = ".pack"
KEY_ROOM = 128  # a record's head is read with this much room for its key (digests: 64)
_OPEN = os.O_CLOEXEC if hasattr(os, "O_CLOEXEC") else 0
# Where a record is, as one int (the index holds one per entry: ~1 MB at 10,000 entries):
# pack number, then the record's offset (40 bits), then its length (32 bits).
_OFFSET_BITS, _LENGTH_BITS = 40, 32

try:
    import fcntl
except ImportError:  # not POSIX: every writer process starts a pack of its own
    fcntl = None


def _location(pack: int, offset: int, length: int) -> int:
    return (((pack << _OFFSET_BITS) | offset) << _LENGTH_BITS) | length


def _unlocate(location: int) -> tuple[int, int, int]:
    length = location & ((1 << _LENGTH_BITS) - 1)
    rest = location >> _LENGTH_BITS
    return rest >> _OFFSET_BITS, rest & ((1 << _OFFSET_BITS) - 1), length


class RecordPacks:
    """Signed entries by key in the pack files of ``directory``. The index of what the packs
    hold is read when first asked for (a process that only writes never reads it); ``has``
    answers from it, ``get`` looks at the packs again when the key is not in it (another process
    may have added it since), ``refresh`` does for every key."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = os.fspath(directory)
        self._lock = threading.Lock()  # (`serve` reads pages' diagrams from more than one thread)
        self._forget_packs()

    def _forget_packs(self) -> None:
        """Know no pack yet (they are found again when asked for)."""
        self._index: dict[int, int] | None = None  # hash of the key -> _location
        self._packs: list[str] = []  # file names, by pack number
        self._read_to: list[int] = []  # how far each pack's records were read into the index
        self._readers: dict[int, int] = {}  # pack number -> descriptor open for reading
        self._writer: int | None = None  # the descriptor of the pack this process appends to
        self._writer_pack = -1
        self._end = 0  # where this process's next record goes in its pack
        self._unwritable = False

    # -- reading ---------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        with self._lock:
            return hash(key) in self._loaded()

    def get(self, key: str) -> bytes | None:
        """The data last stored under ``key``; None when there is none or its signature does
        not hold (edited, planted, rotted, or written under another user's key)."""
        with self._lock:
            location = self._loaded().get(hash(key))
            if location is None:
                self._read_new()
                location = self._index.get(hash(key))
                if location is None:
                    return None
            pack, offset, length = _unlocate(location)
            try:
                record = os.pread(self._reader(pack), length, offset)
            except OSError:
                return None
        return _checked(record, key)

    def refresh(self) -> None:
        """Take in what other processes appended since the index was read (when it was)."""
        with self._lock:
            if self._index is not None:
                self._read_new()

    def _loaded(self) -> dict[int, int]:
        if self._index is None:
            self._index = {}
            self._read_new()
        return self._index

    def _read_new(self) -> None:
        """Index the records appended to known packs since they were read, and new packs."""
        try:
            names = sorted(name for name in os.listdir(self.directory) if name.endswith(SUFFIX))
        except OSError:
            names = []
        for name in names:
            if name not in self._packs:
                self._packs.append(name)
                self._read_to.append(0)
        for pack in range(len(self._packs)):
            try:
                fd = self._reader(pack)
                size = os.fstat(fd).st_size
            except OSError:
                continue
            if size > self._read_to[pack]:
                self._read_to[pack] = self._scan(fd, pack, self._read_to[pack], size)

    def _reader(self, pack: int) -> int:
        fd = self._readers.get(pack)
        if fd is None:
            fd = self._readers[pack] = os.open(os.path.join(self.directory, self._packs[pack]), os.O_RDONLY | _OPEN)
        return fd

    def _scan(self, fd: int, pack: int, start: int, size: int) -> int:
        """Index the records from ``start`` on; where the last whole record ends."""
        end = start
        for key, at, end in _records(fd, start, size):
            self._index[hash(key)] = _location(pack, at, end - at)
        return end

    def entries(self) -> list[tuple[str, str, int, int]]:
        """Every whole record in the packs as (key, pack file, offset, length), in the order
        written (a key stored again appears again): what a test or a person inspects."""
        found = []
        with self._lock:
            self._loaded()
            for pack, name in enumerate(self._packs):
                fd = self._reader(pack)
                for key, at, end in _records(fd, 0, os.fstat(fd).st_size):
                    found.append((key, os.path.join(self.directory, name), at, end - at))
        return found

    # -- writing ---------------------------------------------------------------------------
    def put(self, key: str, data: bytes) -> bool:
        """Append ``data`` under ``key``; False when it could not be written (no user key, a
        folder that cannot be written, a full disk)."""
        key_bytes = key.encode("utf-8")
        signed = signature(key_bytes + b"\0" + data)
        if signed is None:
            return False
        record = HEAD.pack(MAGIC, len(key_bytes), len(data), signed) + key_bytes + data
        with self._lock:
            fd = self._writer if self._writer is not None else self._take_pack()
            if fd is None:
                return False
            at = self._end
            try:
                write_all(fd, record)
            except OSError:
                try:
                    os.ftruncate(fd, at)  # (no half record left behind)
                except OSError:
                    self._unwritable, self._writer = True, None
                return False
            self._end = at + len(record)
            if self._index is not None:
                self._index[hash(key)] = _location(self._writer_pack, at, len(record))
                if self._read_to[self._writer_pack] == at:
                    self._read_to[self._writer_pack] = self._end
        return True

    def _take_pack(self) -> int | None:
        """Take a pack no other process writes (one whose lock is free, its torn tail cut off)
        or start one; None when the folder cannot be written."""
        if self._unwritable:
            return None
        try:
            os.makedirs(self.directory, exist_ok=True)
            names = sorted(name for name in os.listdir(self.directory) if name.endswith(SUFFIX))
            for name in names if fcntl is not None else ():
                fd = self._locked(os.path.join(self.directory, name), os.O_RDWR | os.O_APPEND | _OPEN)
                if fd is not None:
                    return self._writing(name, fd)
            while True:  # (another writer may lock a new pack before its maker does: take another)
                name = f"{os.getpid()}-{time.time_ns()}{SUFFIX}"
                fd = self._locked(os.path.join(self.directory, name),
                                  os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | _OPEN)
                if fd is not None:
                    return self._writing(name, fd)
        except OSError:
            self._unwritable = True
            return None

    @staticmethod
    def _locked(path: str, flags: int) -> int | None:
        """``path`` opened with ``flags`` and locked for this process alone; None when another
        process holds its lock."""
        fd = os.open(path, flags, 0o600)
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    def _writing(self, name: str, fd: int) -> int:
        """Append to the pack ``name`` from its last whole record on."""
        size = os.fstat(fd).st_size
        end = 0
        for _key, _at, end in _records(fd, 0, size):
            pass
        if end < size:
            os.ftruncate(fd, end)
        if name not in self._packs:
            self._packs.append(name)
            self._read_to.append(0)
        self._writer, self._writer_pack, self._end = fd, self._packs.index(name), end
        return fd

    # -- the folder as a whole ----------------------------------------------------------------
    def size(self) -> int:
        """The bytes of every pack in the folder, records of replaced entries included."""
        try:
            return sum(entry.stat().st_size for entry in os.scandir(self.directory) if entry.name.endswith(SUFFIX))
        except OSError:
            return 0

    def keep_only(self, keys: Iterable[str]) -> bool:
        """Rewrite the packs with the entries of ``keys`` alone (each one's last record whose
        signature holds): replaced and dropped entries' records go. The folder is swapped for
        the rewritten one, so only a process that knows no other one uses the folder calls it.
        False when the rewritten packs could not be written (the old ones stay)."""
        entries = [(key, data) for key in keys if (data := self.get(key)) is not None]
        fresh_directory, old_directory = self.directory + ".new", self.directory + ".old"
        shutil.rmtree(fresh_directory, ignore_errors=True)
        fresh = RecordPacks(fresh_directory)
        written = all(fresh.put(key, data) for key, data in entries)
        fresh.close()
        if not written:
            shutil.rmtree(fresh_directory, ignore_errors=True)
            return False
        self.close()
        with self._lock:
            try:
                shutil.rmtree(old_directory, ignore_errors=True)
                os.rename(self.directory, old_directory)
                os.rename(fresh_directory, self.directory)
            except OSError:
                pass  # (the old packs, or none: entries not found are made again)
            shutil.rmtree(old_directory, ignore_errors=True)
            self._forget_packs()
        return True

    def close(self) -> None:
        with self._lock:
            for fd in [*self._readers.values(), *([self._writer] if self._writer is not None else [])]:
                os.close(fd)
            self._readers, self._writer = {}, None


def _records(fd: int, start: int, size: int) -> Iterator[tuple[str, int, int]]:
    """The key, start and end of each whole record of the pack at ``fd`` from ``start`` on,
    read from their heads; stops at a torn tail (a writer killed mid-record) or at what is no
    record at all."""
    at = start
    while at + HEAD.size <= size:
        head = os.pread(fd, HEAD.size + KEY_ROOM, at)
        magic, key_length, data_length, _signature = HEAD.unpack_from(head)
        end = at + HEAD.size + key_length + data_length
        if magic != MAGIC or end > size:
            return
        key = head[HEAD.size:HEAD.size + key_length]
        if len(key) < key_length:
            key = os.pread(fd, key_length, at + HEAD.size)
        try:
            yield key.decode("utf-8"), at, end
        except UnicodeDecodeError:
            return
        at = end


def _checked(record: bytes, key: str) -> bytes | None:
    """The data of ``record`` when it is a whole record of ``key`` whose signature holds."""
    if len(record) < HEAD.size:
        return None
    magic, key_length, data_length, signed = HEAD.unpack_from(record)
    key_bytes = key.encode("utf-8")
    if (magic != MAGIC or len(record) != HEAD.size + key_length + data_length
            or record[HEAD.size:HEAD.size + key_length] != key_bytes):
        return None
    data = record[HEAD.size + key_length:]
    expected = signature(key_bytes + b"\0" + data)
    return data if expected is not None and hmac.compare_digest(signed, expected) else None
