"""What a command reads, as the site build reads it: the notes below the notes folder less the
paperkb plugin's ``exclude`` folders, every .bib below the notes folder, then the plugin's
``bib_files`` (paths relative to mkdocs.yml)."""

from __future__ import annotations

from pathlib import Path

from ..core.bib.reader import find_bib_files
from ..core.library import Library
from ..core.loader import DEFAULT_EXCLUDE, load_library
from ..core.symlinks import LinkGuard
from .workspace import Workspace, plugin_options


def configured_bib_files(workspace: Workspace) -> list[Path]:
    if workspace.config_file is None:
        return []
    files = plugin_options(workspace.config_file, "paperkb").get("bib_files") or []
    return [(workspace.config_file.parent / str(f)).resolve() for f in files]


def workspace_bib_files(workspace: Workspace, guard: LinkGuard | None = None) -> list[Path]:
    return find_bib_files(workspace.notes_dir, guard) + configured_bib_files(workspace)


def workspace_link_guard(workspace: Workspace) -> LinkGuard:
    """Which symbolic links below the notes folder are followed, as the plugin's options say."""
    follow = plugin_options(workspace.config_file, "paperkb").get("follow_symlinks_outside") is True
    return LinkGuard(workspace.notes_dir, follow_outside=follow, project_root=workspace.root)


def configured_exclude(workspace: Workspace) -> list[str]:
    """The plugin's ``exclude`` option (default: blog/), so commands skip what the site skips."""
    exclude = plugin_options(workspace.config_file, "paperkb").get("exclude")
    return [str(e) for e in exclude] if isinstance(exclude, list) else list(DEFAULT_EXCLUDE)


def load_workspace_library(workspace: Workspace, *, with_bib: bool = True) -> Library:
    """The workspace's notes as the site build sees them (``with_bib=False``: no .bib completion)."""
    guard = workspace_link_guard(workspace)
    return load_library(workspace.notes_dir, project_root=workspace.root, exclude=configured_exclude(workspace),
                        bib_files=workspace_bib_files(workspace, guard) if with_bib else [], guard=guard)
