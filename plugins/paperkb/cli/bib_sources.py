"""The .bib files a command reads: every .bib below the notes folder, then the paperkb plugin's
``bib_files`` option of the project's mkdocs.yml (paths relative to it), as the site build does."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.bib.reader import find_bib_files
from .project import Project, _TolerantLoader


def configured_bib_files(project: Project) -> list[Path]:
    if project.config_file is None:
        return []
    try:
        data = yaml.load(project.config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, yaml.YAMLError):
        return []
    for plugin in data.get("plugins") or [] if isinstance(data, dict) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("paperkb"), dict):
            files = plugin["paperkb"].get("bib_files") or []
            return [(project.config_file.parent / str(f)).resolve() for f in files]
    return []


def project_bib_files(project: Project) -> list[Path]:
    return find_bib_files(project.notes_dir) + configured_bib_files(project)
