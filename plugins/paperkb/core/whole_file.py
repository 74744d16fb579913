"""Writing a file's bytes with the fewest system calls.

A build writes thousands of small files (a search slice's bundle is ~520 of them per 500
pages). Python's ``open`` costs three more system calls a file than the write itself (a stat,
a terminal check, a seek), and on this kind of disk each file's creation is kernel time worth
more than the bytes (~0.2 ms of CPU a file): the fewer calls around it the better."""

from __future__ import annotations

import os

# (created with 0o666 less the umask, as Python's open makes a file)
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_whole(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` (created, or emptied first): open, write, close."""
    fd = os.open(path, _FLAGS, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the open file ``fd`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_READ_SIZE = 1 << 16


def read_whole(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the file at ``path``: open, read to its end, close."""
    fd = os.open(path, _READ_FLAGS)
    try:
        chunks = []
        while chunk := os.read(fd, _READ_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the file at ``path`` with its line ends as Python's text files read them
    (``\\r\\n`` and ``\\r`` as ``\\n``)."""
    text = read_whole(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
