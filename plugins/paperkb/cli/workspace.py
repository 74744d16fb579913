"""Find the notes folder and the mkdocs.yml (if any) a command works on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml files that use !ENV or !!python/name tags (their values are not needed)."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Workspace:
    """The notes folder a command works on and the mkdocs.yml that builds it (a *research*
    project, a page in the notes, is core/projects.py)."""

    notes_dir: Path
    config_file: Path | None  # the mkdocs.yml that builds notes_dir, if there is one

    @property
    def root(self) -> Path:
        return self.config_file.parent if self.config_file else self.notes_dir.parent


def _read_config(config_file: Path) -> dict | None:
    """mkdocs.yml's settings; None when it cannot be read (MkDocs will say why)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else {}


def _docs_dir_of(config_file: Path) -> Path | None:
    data = _read_config(config_file)
    if data is None:
        return None
    return (config_file.parent / str(data.get("docs_dir", "docs"))).resolve()


def _plugin_entries(data: dict) -> list[tuple[str, object]]:
    """(name, options) of each plugin in mkdocs.yml's settings; `plugins:` may be a list
    (`- blog: {...}` or `- blog`) or a mapping."""
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        return list(plugins.items())
    entries: list[tuple[str, object]] = []
    for plugin in plugins if isinstance(plugins, list) else []:
        if isinstance(plugin, str):
            entries.append((plugin, None))
        elif isinstance(plugin, dict):
            entries.extend(plugin.items())
    return entries


def plugin_options(config_file: Path | None, *names: str) -> dict:
    """The options mkdocs.yml gives the first plugin called one of ``names`` ({} when it has none)."""
    data = _read_config(config_file) if config_file is not None else None
    for name, value in _plugin_entries(data or {}):
        if name in names and isinstance(value, dict):
            return value
    return {}


def lists_plugin(config_file: Path, name: str) -> bool | None:
    """Whether mkdocs.yml turns on the plugin ``name``; None when it cannot be read."""
    data = _read_config(config_file)
    return None if data is None else any(entry == name for entry, _ in _plugin_entries(data))


def add_notes_option(parser) -> None:
    parser.add_argument("--notes", help="notes folder (default: docs_dir of ./mkdocs.yml, else ./notes)")


class NoNotesFolder(Exception):
    """A command that reads the notes found no notes folder: one line on stderr, exit 2
    (cli/__init__.py names the command)."""

    code = 2

    def __init__(self, notes_dir: Path) -> None:
        super().__init__(f"no notes folder at {notes_dir}")


def notes_workspace(notes_dir: str | None = None) -> Workspace:
    """``find_workspace`` for a command that reads the notes: raises NoNotesFolder when the folder
    is not there (a mistyped ``--notes`` would otherwise read as a folder with no notes)."""
    workspace = find_workspace(notes_dir)
    if not workspace.notes_dir.is_dir():
        raise NoNotesFolder(workspace.notes_dir)
    return workspace


def find_workspace(notes_dir: str | None = None, cwd: Path | None = None) -> Workspace:
    """``notes_dir`` given: that folder, with the mkdocs.yml beside it that points at it.
    Not given: the docs_dir of ./mkdocs.yml, else ./notes, else the working directory."""
    cwd = (cwd or Path.cwd()).resolve()
    if notes_dir is not None:
        notes = Path(notes_dir).resolve()
        for candidate in (notes.parent / "mkdocs.yml", cwd / "mkdocs.yml"):
            if candidate.is_file() and _docs_dir_of(candidate) == notes:
                return Workspace(notes, candidate)
        return Workspace(notes, None)
    config = cwd / "mkdocs.yml"
    if config.is_file():
        docs = _docs_dir_of(config)
        if docs is not None:
            return Workspace(docs, config)
    if (cwd / "notes").is_dir():
        return Workspace(cwd / "notes", None)
    # Inside the notes folder of a project (`cd notes`): the project's mkdocs.yml above, as git
    # finds its repository, so the site and caches go where the project keeps them.
    for folder in list(cwd.parents)[:4]:
        config = folder / "mkdocs.yml"
        docs = _docs_dir_of(config) if config.is_file() else None
        if docs is not None and cwd.is_relative_to(docs):
            return Workspace(docs, config)
    return Workspace(cwd, None)
