"""Files MkDocs found through symbolic links it should not have followed, taken out of the build."""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import Files

from ..core.problems import Problem
from ..core.symlinks import LinkGuard


def drop_blocked_links(files: Files, docs_dir: Path, follow_outside: bool, project_root: Path,
                       guard: LinkGuard | None = None) -> list[Problem]:
    """Remove every file (page, image, anything) reached through a dangling or looping link, or
    one leaving ``docs_dir`` unless ``follow_outside``; a warning per link, not per file.
    ``guard``: the last build's verdicts (`serve`, which has it forget the paths that changed).

    MkDocs walks docs_dir following every link and lists what it finds; reading a dangling one
    stops the build, and one to /etc copies /etc into the site."""
    guard = guard or LinkGuard(docs_dir, follow_outside=follow_outside, project_root=project_root)
    for file in list(files):
        if file.abs_src_path and not file.generated_by and guard.blocks(file.abs_src_path):
            files.remove(file)
    return guard.problems
