"""The .bib files a command reads: every .bib below the notes folder, then the paperkb plugin's
``bib_files`` option of the project's mkdocs.yml (paths relative to it), as the site build does."""

from __future__ import annotations

from pathlib import Path

from ..core.bib.reader import find_bib_files
from .project import Project, plugin_options


def configured_bib_files(project: Project) -> list[Path]:
    if project.config_file is None:
        return []
    files = plugin_options(project.config_file, "paperkb").get("bib_files") or []
    return [(project.config_file.parent / str(f)).resolve() for f in files]


def project_bib_files(project: Project) -> list[Path]:
    return find_bib_files(project.notes_dir) + configured_bib_files(project)
