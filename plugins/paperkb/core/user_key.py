"""A secret key of this user's, kept in their own cache folder, that paperkb's caches are keyed
or signed with: a cache folder that came with a cloned repository (or was written by someone
else) can then never be taken for this user's own. Without it, a cache file could carry code
(a pickle) or HTML (a diagram, a formatted reference) into a build."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path


def user_cache_folder() -> Path | None:
    """paperkb's folder in this user's cache folder: an absolute $XDG_CACHE_HOME, else ~/.cache
    (a relative one could point into the very checkout being built); None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home directory (a container running as an arbitrary uid)
        return None
    return folder / "paperkb"


def _key_file() -> Path | None:
    """Where this user's signing key lives."""
    folder = user_cache_folder()
    return None if folder is None else folder / "cache-key"


def _read_own_key(file: Path) -> bytes | None:
    """The key in ``file`` if this user owns it, nobody else may read or write it, and it is no
    link (a key someone else could have written would let them sign a cache file)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        stat = os.fstat(handle.fileno())
        key = handle.read(64)
    if os.name == "nt":  # no POSIX modes: the user's profile folder is private by its ACL
        return key if len(key) == 32 else None
    own = stat.st_uid == os.geteuid() and stat.st_mode & 0o077 == 0
    return key if own and len(key) == 32 else None


def signing_key() -> bytes | None:
    """This user's key, created on first use in their own cache folder (readable by them alone);
    None when there is no such place."""
    file = _key_file_for(os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME"))
    return None if file is None else _key_at(file)


@lru_cache(maxsize=4)  # asked once per cache file and diagram (~3 per note): Path.home() each time was ~0.15 ms
def _key_file_for(_xdg_cache_home: str, _home: str | None) -> Path | None:
    """``_key_file()`` for these values of the variables it depends on."""
    return _key_file()


@lru_cache(maxsize=4)  # read once per build process, not once per diagram
def _key_at(file: Path) -> bytes | None:
    key = _read_own_key(file)
    if key is not None or file.exists() or file.is_symlink():
        return key  # a key file that is not trustworthy is left alone, and no cache is used
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=file.parent)  # mode 0600
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(temporary, file)  # two builds at once: the first key stays, both read it
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: the last key written stays
            os.replace(temporary, file)
    except OSError:
        return None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return _read_own_key(file)


def keyed_digest(*parts: str) -> str:
    """A hex digest of ``parts`` under this user's key (HMAC-SHA256), or a plain SHA-256 when
    there is no key (callers then keep nothing on disk: anyone could compute such names)."""
    key = signing_key()
    # (each part and a NUL after it, in one piece: hmac.digest is OpenSSL's one-shot HMAC, without
    # the Python-level HMAC object; asked for every diagram, reference and cache file of a build)
    data = "\0".join(parts).encode("utf-8") + b"\0" if parts else b""
    return hmac.digest(key, data, "sha256").hex() if key else hashlib.sha256(data).hexdigest()


def signature(payload: bytes) -> bytes | None:
    """The HMAC-SHA256 of ``payload`` under this user's key (32 bytes), None without a key."""
    key = signing_key()
    return hmac.digest(key, payload, "sha256") if key else None


def private_marker(purpose: str) -> str:
    """Twelve hex digits for the markers paperkb puts into pages' Markdown (held HTML, added
    headings): the same in every build of this user, so an unchanged page's Markdown is the same
    from build to build and its kept conversion is taken (mkdocs_plugin/kept_conversions.py),
    yet nobody without the user's key can write them into a note; random without a key."""
    key = signing_key()
    if key is None:
        return secrets.token_hex(6)
    return hmac.digest(key, b"marker\0" + purpose.encode("utf-8"), "sha256").hex()[:12]
