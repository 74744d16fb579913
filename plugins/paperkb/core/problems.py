"""Problems found in the user's files, always reported as ``path:line: message``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # worth a look, never a failure (not even with --strict)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "severity": self.severity.value, "message": self.message}


@dataclass
class ProblemLog:
    """Collects problems for one file; ``display_path`` is how the file is named in messages."""

    display_path: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display_path, line, Severity.ERROR, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display_path, line, Severity.WARNING, message))

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def display_path(path: Path, root: Path | None = None) -> str:
    """Name ``path`` relative to the working directory when it lies below it (a terminal or an
    editor opens ``path:line`` from there), else relative to ``root``, else as it is."""
    return _display_path(str(path), str(root) if root is not None else None, os.getcwd())


@lru_cache(maxsize=1 << 16)  # every note is named on every load (`serve` loads after each edit)
def _display_path(path: str, root: str | None, cwd: str) -> str:
    return _shown_relative(Path(_real_path(path, cwd)), Path(path), Path(root) if root is not None else None)


def _real_path(path: str, cwd: str) -> str:
    """``os.path.realpath(path)`` (``cwd``: the working directory), its folder resolved once for
    every file in it: a file that is no symbolic link costs one ``lstat``, not one per folder
    of its path (~20 us a note at 10,000 notes)."""
    folder, name = os.path.split(path)
    if not folder or name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real_folder(folder, cwd), name)


@lru_cache(maxsize=1024)
def _real_folder(folder: str, _cwd: str) -> str:
    return os.path.realpath(folder)


def link_display_path(link: Path, root: Path | None = None) -> str:
    """``display_path`` of a symbolic link itself (not of what it points to, which may be nothing)."""
    return _shown_relative(Path(link.parent.resolve(), link.name), link, root)


def _shown_relative(resolved: Path, path: Path, root: Path | None) -> str:
    for base in (os.getcwd(), root):
        if base is None:
            continue
        try:
            return resolved.relative_to(_resolved(str(base))).as_posix()
        except ValueError:
            continue
    return path.as_posix()


@lru_cache(maxsize=64)  # the working directory and the project root, asked for every note
def _resolved(base: str) -> Path:
    return Path(os.path.realpath(base))
