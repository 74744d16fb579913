"""What a command reads, as the site build reads it: the notes below the notes folder less the
paperkb plugin's ``exclude`` folders, every .bib below the notes folder, then the plugin's
``bib_files`` (paths relative to mkdocs.yml)."""

from __future__ import annotations

from pathlib import Path

from ..core.bib.reader import find_bib_files
from ..core.library import Library
from ..core.loader import DEFAULT_EXCLUDE, load_library
from .project import Project, plugin_options


def configured_bib_files(project: Project) -> list[Path]:
    if project.config_file is None:
        return []
    files = plugin_options(project.config_file, "paperkb").get("bib_files") or []
    return [(project.config_file.parent / str(f)).resolve() for f in files]


def project_bib_files(project: Project) -> list[Path]:
    return find_bib_files(project.notes_dir) + configured_bib_files(project)


def configured_exclude(project: Project) -> list[str]:
    """The plugin's ``exclude`` option (default: blog/), so commands skip what the site skips."""
    exclude = plugin_options(project.config_file, "paperkb").get("exclude")
    return [str(e) for e in exclude] if isinstance(exclude, list) else list(DEFAULT_EXCLUDE)


def load_project_library(project: Project, *, with_bib: bool = True) -> Library:
    """The project's notes as the site build sees them (``with_bib=False``: no .bib completion)."""
    return load_library(project.notes_dir, project_root=project.root, exclude=configured_exclude(project),
                        bib_files=project_bib_files(project) if with_bib else [])
