"""Build a site into a fresh folder beside it and swap it in at the end, so a build that is
killed, crashes or fails halfway leaves the previous site whole.

MkDocs empties ``site_dir`` before it writes the first page: a build stopped after that (Ctrl-C,
an out-of-memory kill, a crash in a plugin) leaves a half-written site, or none, where a web
server or ``gh-deploy`` reads it. ``SiteSwap`` gives the build a sibling folder on the same file
system, then exchanges the two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``;
elsewhere two renames in a row) and removes the old site. The hidden entries that MkDocs keeps
across builds (``.git`` of a deploy checkout, ``.nojekyll``...) move over to the new site.

A folder left by a killed build (``.<site>.building-<pid>-<random>``) is removed by the next
build once its process is gone."""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
from pathlib import Path

_BUILDING = ".building-"
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


class SiteSwap:
    """One build's temporary site folder: ``begin`` makes it, ``commit`` swaps it in, ``abort``
    removes it. The site folder itself is only touched by ``commit``."""

    def __init__(self, site_dir: str | os.PathLike[str]) -> None:
        self.site_dir = Path(site_dir)
        self.building: Path | None = None

    def begin(self) -> Path:
        """Create and return the folder the build writes into (beside the site folder)."""
        parent = self.site_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(self.site_dir)
        while True:
            candidate = parent / f".{self.site_dir.name}{_BUILDING}{os.getpid()}-{secrets.token_hex(4)}"
            try:
                candidate.mkdir()  # the umask's permissions, as MkDocs' own folder would get
                break
            except FileExistsError:
                continue
        if self.site_dir.is_dir():  # keep the site folder's own permissions (a web server reads it)
            try:
                shutil.copymode(self.site_dir, candidate)
            except OSError:
                pass
        self.building = candidate
        return candidate

    def commit(self) -> None:
        """Put the finished build where the site was; the old site goes. Raises OSError when the
        swap itself fails (the old site is then still in place)."""
        building, self.building = self.building, None
        if building is None:
            return
        if not self.site_dir.exists() and not self.site_dir.is_symlink():
            os.replace(building, self.site_dir)
            return
        _move_hidden_entries(self.site_dir, building)
        if _exchange(building, self.site_dir):
            shutil.rmtree(building, ignore_errors=True)  # now the old site
            return
        old = building.with_name(building.name + "-old")
        os.replace(self.site_dir, old)
        try:
            os.replace(building, self.site_dir)
        except OSError:
            os.replace(old, self.site_dir)
            shutil.rmtree(building, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Forget the build: its folder is removed, the site is left as it was."""
        building, self.building = self.building, None
        if building is not None:
            shutil.rmtree(building, ignore_errors=True)


def can_swap(site_dir: str | os.PathLike[str]) -> bool:
    """A site folder that is a symbolic link or a mount point is written in place: swapping would
    replace the link with a folder, or cannot rename across file systems."""
    path = Path(site_dir)
    return not path.is_symlink() and not (path.is_dir() and os.path.ismount(path))


def remove_stale_builds(site_dir: Path) -> None:
    """Remove the temporary folders of builds of this site whose process is gone (killed)."""
    prefix = f".{site_dir.name}{_BUILDING}"
    try:
        entries = list(site_dir.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _move_hidden_entries(old_site: Path, new_site: Path) -> None:
    """MkDocs never deletes a site folder's hidden entries (``.git``, ``.nojekyll``): keep them."""
    try:
        hidden = [e for e in old_site.iterdir() if e.name.startswith(".")]
    except OSError:
        return
    for entry in hidden:
        target = new_site / entry.name
        if not target.exists() and not target.is_symlink():
            try:
                os.replace(entry, target)
            except OSError:
                pass


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):  # not Linux, or a C library without it
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    # Fails (ENOSYS, EINVAL on file systems without it): the caller renames twice instead.
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
