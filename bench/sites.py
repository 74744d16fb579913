"""The MkDocs projects the benchmark builds over one synthetic knowledge base.

- floor: plain mkdocs-material — paperkb's default configuration (theme, Markdown extensions,
  search settings) with every paperkb-specific plugin removed, building the same note files
  with the notes out of the nav (the nav holds one index page).
- paperkb: paperkb's default configuration for a bare folder of notes, as `paperkb build`
  uses it; the diagram cache goes to a folder the benchmark clears for a cold build.

Both are derived from `paperkb.default_config` at run time, so whatever paperkb adds to its
defaults (the graph, new plugins, extensions) is measured without touching the benchmark.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paperkb.default_config import default_config

# Plugins of mkdocs-material's floor: only search (what any mkdocs-material site has).
FLOOR_PLUGINS = {"search", "material/search"}
PAPERKB_PLUGIN = "paperkb"
CACHE_ROOT = ".paperkb-cache"

FLOOR_INDEX = """# Paper notes

A plain mkdocs-material site over the same notes: the floor the benchmark compares paperkb with.
"""


@dataclass(frozen=True)
class Project:
    name: str
    config_file: Path  # its site_dir is a default: the benchmark passes --site-dir per build


@dataclass(frozen=True)
class Layout:
    root: Path
    notes_dir: Path
    cache_root: Path  # every paperkb cache of the project: removed for a cold build
    cache_dir: Path  # where the diagram cache goes
    floor: Project
    paperkb: Project
    cache_option: str | None  # the plugin option that places the diagram cache, when paperkb has one


def plugin_option_names() -> set[str]:
    """The options the installed paperkb plugin accepts."""
    from paperkb.mkdocs_plugin.config import PaperKBConfig

    return {name for name, _ in PaperKBConfig._schema}


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def _with_plugin_options(plugins: list[Any], name: str, options: dict[str, Any]) -> list[Any]:
    out = []
    for entry in plugins:
        if _plugin_name(entry) == name:
            current = {} if isinstance(entry, str) else dict(entry[name] or {})
            entry = {name: {**current, **options}}
        out.append(entry)
    return out


def _dump(path: Path, config: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_projects(root: Path, notes_dir: Path, site_name: str) -> Layout:
    """Write the floor and paperkb configurations beside the notes (``root/notes``)."""
    # paperkb keeps its caches (diagrams, formatted references) under .paperkb-cache beside
    # mkdocs.yml: a cold build starts without that folder.
    cache_root = root / CACHE_ROOT
    cache_dir = cache_root / "graphs"
    site_root = root / "site"

    paperkb_config = default_config(notes_dir, site_root / "paperkb", site_name=site_name)
    cache_option = "cache_dir" if "cache_dir" in plugin_option_names() else None
    if cache_option:
        paperkb_config["plugins"] = _with_plugin_options(
            paperkb_config["plugins"], PAPERKB_PLUGIN, {cache_option: str(cache_dir)})
    paperkb = Project("paperkb", root / "mkdocs.yml")
    _dump(paperkb.config_file, paperkb_config)

    # The floor sees the same note files through a symlink, beside a one-page nav.
    floor_docs = root / "floor-docs"
    floor_docs.mkdir(exist_ok=True)
    (floor_docs / "index.md").write_text(FLOOR_INDEX, encoding="utf-8")
    for child in sorted(notes_dir.iterdir()):
        link = floor_docs / child.name
        if not link.exists():
            os.symlink(child.resolve(), link, target_is_directory=child.is_dir())
    floor_config = default_config(floor_docs, site_root / "floor", site_name=site_name)
    floor_config["plugins"] = [p for p in floor_config["plugins"] if _plugin_name(p) in FLOOR_PLUGINS]
    floor_config.pop("hooks", None)
    floor_config["nav"] = ["index.md"]
    floor_config["not_in_nav"] = "\n".join(f"/{c.name}/" if c.is_dir() else f"/{c.name}"
                                           for c in sorted(notes_dir.iterdir()))
    floor = Project("floor", root / "floor.yml")
    _dump(floor.config_file, floor_config)
    return Layout(root, notes_dir, cache_root, cache_dir, floor, paperkb, cache_option)
