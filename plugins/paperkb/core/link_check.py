"""Relative links and images whose target is not in the notes folder: what `mkdocs build
--strict` fails on ("... is not found among documentation files"), found by `paperkb check`
without a build, with the line it is on and a hint for the usual slips (a file in another
folder, a Windows path)."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from .body_scan import PAGE_SUFFIXES, is_extensionless, is_relative_target, iter_prose_lines, relative_link_targets
from .problems import Problem, Severity

# `[text](My Paper.md)`: CommonMark ends the target at the space, Python-Markdown (MkDocs) takes
# the whole of it; so does Obsidian. No quotes: `[text](a.md "title")` is a target and a title.
_SPACED_TARGET = re.compile(r"(?P<bang>!?)\[[^\]\n]*\]\((?P<target>[^()<>\n\"']*?\S\s+[^()<>\n\"']*?)\)")

# Formulas are not Markdown (arithmatex keeps them from it): `S[\pi](s_t)` is no link.
_INLINE_MATH = re.compile(r"\$\$.*?\$\$|\$(?![\s$])[^$\n]*?(?<![\s\\])\$")


def docs_files(notes_dir: Path) -> set[str]:
    """Every file MkDocs takes from the notes folder (POSIX paths; hidden files and folders left out)."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(notes_dir, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        base = Path(dirpath).relative_to(notes_dir).as_posix()
        for name in filenames:
            if not name.startswith("."):
                found.add(name if base == "." else f"{base}/{name}")
    return found


class LinkTargets:
    """The files a link may name: the notes folder's and the pages the build generates."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = set(files)
        self.pages_folded = {f.casefold(): f for f in sorted(self.files) if f.endswith(PAGE_SUFFIXES)}
        self.by_name: dict[str, list[str]] = {}
        for f in sorted(self.files):
            self.by_name.setdefault(posixpath.basename(f).casefold(), []).append(f)

    def exists(self, path: str, *, page_link: bool) -> bool:
        """As the build resolves it: pages also without their extension or in another case
        (Obsidian's way, see body_scan.extensionless_transform); a folder by its index page."""
        if path in self.files or path == ".":
            return True
        folder = path.rstrip("/")
        if any(f"{folder}/{index}" in self.files for index in ("index.md", "README.md")):
            return True
        if not page_link:
            return False
        candidates = (path, *(path + s for s in PAGE_SUFFIXES)) if is_extensionless(path) else (path,)
        return any(c in self.files or c.casefold() in self.pages_folded for c in candidates)

    def elsewhere(self, path: str) -> list[str]:
        """Files of the same name in other folders (the link's folder was wrong)."""
        name = posixpath.basename(path).casefold()
        names = [name, *(name + s for s in PAGE_SUFFIXES)] if is_extensionless(path) else [name]
        return [f for n in names for f in self.by_name.get(n, [])]


def missing_targets(text: str, first_line: int, src_uri: str, display_path: str,
                    targets: LinkTargets) -> list[Problem]:
    """One warning per relative link or image in ``text`` (the Markdown of the page ``src_uri``,
    starting on line ``first_line`` of its file) whose target is not a file of the site."""
    problems: list[Problem] = []
    base = posixpath.dirname(src_uri)
    in_math = False
    for index, line in iter_prose_lines(text):
        if line.count("$$") % 2:  # a display formula opens or closes on this line
            in_math = not in_math
            continue
        if in_math or "](" not in line:
            continue
        line = _INLINE_MATH.sub("", line) if "$" in line else line
        spaced = [(m.group("target").strip(), bool(m.group("bang"))) for m in _SPACED_TARGET.finditer(line)
                  if is_relative_target(m.group("target").strip())]
        for target, image in [*relative_link_targets(_SPACED_TARGET.sub("", line) if spaced else line), *spaced]:
            written = target.partition("#")[0]
            if not written:
                continue  # a link to a heading of this page
            path = posixpath.normpath(posixpath.join(base, unquote(written)))
            page_link = not image and (is_extensionless(written) or written.lower().endswith(PAGE_SUFFIXES))
            if targets.exists(path, page_link=page_link):
                continue
            message = f"{'image' if image else 'link'} '{target}': no file '{path}' in the notes folder"
            hint = link_hint(target, path, base, targets)
            problems.append(Problem(display_path, first_line + index, Severity.WARNING,
                                    f"{message}. {hint}" if hint else message))
    return problems


def link_hint(target: str, path: str, base: str, targets: LinkTargets) -> str | None:
    """A sentence for a link whose file is missing: the usual slips (``path``: the target
    resolved against ``base``, the folder of the page that links)."""
    written = target.partition("#")[0]
    if "\\" in written:
        return f"Write the path with '/': '{written.replace(chr(92), '/')}'."
    if path == ".." or path.startswith("../"):
        return "The site holds only the notes folder's files: copy the file into it."
    others = targets.elsewhere(path)
    if others:
        return f"Did you mean '{posixpath.relpath(others[0], base or '.')}'?"
    return None
