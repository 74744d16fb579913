"""Writing a cache file: whole or not at all, and never an error; signed, and read back only
when its signature holds.

A cache only saves time: a folder that cannot be written costs the next build some work, and a
reader (another build running at once) sees the old file or the new one, never half of one.
What a cache holds goes into the site (diagram SVG, reference HTML) or is unpickled (parsed
notes), so each file starts with the HMAC of its content under the user's key
(core/user_key.py): a file someone edited, planted or that rotted on disk is not used, and
the build makes it again."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import tempfile
import zlib
from pathlib import Path

from .user_key import signature
from .whole_file import write_all

SIGNATURE_SIZE = 32  # HMAC-SHA256


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, hex (read in blocks: the file is not held whole)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_cache_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically (a temporary file beside it, then a rename);
    False when it could not be written."""
    try:
        fd, temporary = _temporary_file(path)
    except OSError:
        return False
    try:
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        return True
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            return False
        raise


_temporaries = itertools.count()  # this process's temporary files: their names never repeat
_TEMPORARY_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _temporary_file(path: Path) -> tuple[int, str]:
    """A new file beside ``path`` (its folder made if need be), open for writing, and its name.

    Named after this process and a counter, not mkstemp's random name: mkstemp's name, its
    folder made first (a stat even when it exists) cost more than a small file's write.
    ``O_EXCL`` never takes another's file: should a name be taken (a file a process of the same
    id left behind), mkstemp picks one."""
    temporary = f"{path.parent}{os.sep}.tmp-{os.getpid()}-{next(_temporaries)}{path.suffix}"
    try:
        return os.open(temporary, _TEMPORARY_FLAGS, 0o600), temporary
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(temporary, _TEMPORARY_FLAGS, 0o600), temporary
    except FileExistsError:
        return tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)


def write_signed_cache_file(path: Path, data: bytes, context: str = "") -> bool:
    """``data`` behind its signature (``context``: what else the content must match, such as
    the name it is looked up by); nothing is written without a user key."""
    signed = signature(_signed_part(context, data))
    return signed is not None and write_cache_file(path, signed + data)


def read_signed_cache_file(path: Path, context: str = "") -> bytes | None:
    """The content of a file ``write_signed_cache_file`` wrote with the same ``context``;
    None when it is missing, unreadable or its signature does not hold."""
    try:
        signed = path.read_bytes()
    except OSError:
        return None
    data = signed[SIGNATURE_SIZE:]
    expected = signature(_signed_part(context, data))
    if expected is None or not hmac.compare_digest(signed[:SIGNATURE_SIZE], expected):
        return None
    return data


def write_keyed_json(path: Path, context: str, digest: str, content: dict) -> bool:
    """``content`` and the ``digest`` of what it was made from as compressed JSON, signed (a
    plan or pages a build keeps for the next one over the same inputs)."""
    data = json.dumps({"digest": digest, **content}, ensure_ascii=False, separators=(",", ":"))
    return write_signed_cache_file(path, zlib.compress(data.encode("utf-8"), 1), context)


def read_keyed_json(path: Path, context: str, digest: str) -> dict | None:
    """What ``write_keyed_json`` kept under ``digest``; None when there is none, it was kept
    under another digest or its signature does not hold."""
    data = read_signed_cache_file(path, context)
    if data is None:
        return None
    try:
        kept = json.loads(zlib.decompress(data))
    except (ValueError, zlib.error):
        return None
    return kept if isinstance(kept, dict) and kept.get("digest") == digest else None


def _signed_part(context: str, data: bytes) -> bytes:
    return context.encode("utf-8") + b"\0" + data


def code_stamps(package_dir: Path) -> list[tuple[str, int, int]]:
    """Path, modification time and size of every module under ``package_dir``: part of the key
    of a cache whose entries the code made (an upgrade or an edit of the code makes them stale)."""
    return sorted((str(p.relative_to(package_dir)), p.stat().st_mtime_ns, p.stat().st_size)
                  for p in package_dir.rglob("*.py"))
