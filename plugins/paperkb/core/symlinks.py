"""Which files below the notes folder may be read, given the symbolic links on their way.

A link that points nowhere (dangling, or a loop of links) would stop the build when read; one
that leaves the notes folder would publish what it points to (`notes/keys -> ~/.ssh` in a cloned
repository); one to a folder that contains it repeats the folder forty times over. Such links
are not followed, each named once in a warning; links to elsewhere inside the folder are fine.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .problems import Problem, Severity, link_display_path

OUTSIDE_HINT = "set `follow_symlinks_outside: true` in the paperkb plugin's options to publish what it points to"


class LinkGuard:
    """Answers "may this path below ``root`` be read?" and remembers why not, once per link."""

    def __init__(self, root: Path, *, follow_outside: bool = False, project_root: Path | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self.real_root = Path(os.path.realpath(root))
        self.follow_outside = follow_outside
        self.project_root = project_root or self.root.parent
        self._verdicts: dict[str, str | None] = {}  # a path on the way -> why it is not followed
        self._problems: dict[str, Problem] = {}  # a link not followed -> its warning

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems.values())

    def forget(self, paths) -> None:
        """Judge these paths again when asked (`serve`: a watcher saw them change)."""
        for path in paths:
            path = os.path.abspath(path)
            self._verdicts.pop(path, None)
            self._problems.pop(path, None)

    def blocks(self, path: Path | str) -> bool:
        """True when a link on the way from ``root`` to ``path`` is not followed."""
        path = os.path.abspath(path)
        root = str(self.root)
        if path == root or not path.startswith(root.rstrip(os.sep) + os.sep):
            return False  # not below the notes folder: not ours to judge (e.g. a bib_files entry)
        current = root
        for part in path[len(root.rstrip(os.sep)) + 1:].split(os.sep):
            current = os.path.join(current, part)
            if self._verdict(current) is not None:
                return True
        return False

    def _verdict(self, path: str) -> str | None:
        if path in self._verdicts:
            return self._verdicts[path]
        reason = self._judge(path) if os.path.islink(path) else None
        self._verdicts[path] = reason
        if reason is not None:
            shown = link_display_path(Path(path), self.project_root)
            self._problems[path] = Problem(shown, 1, Severity.WARNING, reason)
        return reason

    def _judge(self, link: str) -> str | None:
        written = os.readlink(link)
        try:
            os.stat(link)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return f"symbolic link to '{written}' is a loop of links; skipped"
            return f"symbolic link to '{written}' points to nothing (dangling); skipped"
        target = os.path.realpath(link)
        if not _within(target, str(self.real_root)):
            if self.follow_outside:
                return None
            return f"symbolic link to '{written}' leads outside the notes folder; not followed ({OUTSIDE_HINT})"
        if os.path.isdir(target) and _within(os.path.realpath(os.path.dirname(link)), target):
            return f"symbolic link to '{written}' points to a folder that contains it (a loop); not followed"
        return None


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
