"""The package's layers: core < render, importers < mkdocs_plugin < cli. A module imports only
its own layer and lower ones, and core, render and importers never import MkDocs (or its
plugins): they run in the CLI and in tests without a site."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "plugins" / "paperkb"
# Rank of each part of the package: a module may import parts of its rank or lower.
RANKS = {"core": 0, "render": 1, "importers": 1, "mkdocs_plugin": 2, "default_config": 2, "assets": 2,
         "cli": 3, "__main__": 4}
NO_MKDOCS = {"core", "render", "importers"}
MKDOCS_PACKAGES = {"mkdocs", "material", "mkdocs_rss_plugin"}  # Markdown itself is fine: render uses it


def imported_parts(module: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, what) for every import in ``module``: the paperkb part (``core``, ``render``...)
    for imports of paperkb itself, the top-level package name for anything else. Imports inside
    functions count too: a lazy import is still a dependency."""
    tree = ast.parse(source if source is not None else module.read_text(encoding="utf-8"))
    inside = module.relative_to(PACKAGE).parts[:-1]  # the module's package, below paperkb
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(inside[: len(inside) - (node.level - 1)]) if node.level - 1 <= len(inside) else None
                if base is None:
                    raise AssertionError(f"{module}: import above the package")
                target = base + (node.module.split(".") if node.module else [])
                if not target:  # `from .. import x`: x is a part of paperkb
                    target = [node.names[0].name]
                found.append((node.lineno, "paperkb:" + target[0]))
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found.append((node.lineno, f"paperkb:{parts[1]}" if parts[0] == "paperkb" and len(parts) > 1 else parts[0]))
    return found


def layer_violations(module: Path, source: str | None = None) -> list[str]:
    part = module.relative_to(PACKAGE).parts[0].removesuffix(".py")
    rank = RANKS.get(part)
    if rank is None:
        return []
    problems = []
    for line, what in imported_parts(module, source):
        if what.startswith("paperkb:"):
            target = what.removeprefix("paperkb:").removesuffix(".py")
            if RANKS.get(target, -1) > rank:
                problems.append(f"{module.relative_to(REPO)}:{line}: {part} imports the higher layer {target}")
        elif part in NO_MKDOCS and what in MKDOCS_PACKAGES:
            problems.append(f"{module.relative_to(REPO)}:{line}: {part} imports {what}")
    return problems


def test_every_module_imports_only_its_layer_and_lower_ones():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50
    problems = [p for module in modules for p in layer_violations(module)]
    assert problems == []


@pytest.mark.parametrize(("where", "source", "expected"), [
    ("core/x.py", "import mkdocs.plugins\n", "core imports mkdocs"),
    ("render/x.py", "def f():\n    from mkdocs.structure.files import File\n", "render imports mkdocs"),
    ("core/bib/x.py", "from ...render.escape import escape\n", "core imports the higher layer render"),
    ("render/x.py", "from ..mkdocs_plugin.config import cache_root\n", "render imports the higher layer mkdocs_plugin"),
    ("importers/x.py", "from paperkb.cli import main\n", "importers imports the higher layer cli"),
    ("mkdocs_plugin/x.py", "from ..cli.site import build_once\n", "mkdocs_plugin imports the higher layer cli"),
])
def test_the_check_finds_an_upward_or_mkdocs_import(where, source, expected):
    problems = layer_violations(PACKAGE / where, source)
    assert len(problems) == 1 and problems[0].endswith(expected)


def test_the_check_allows_downward_imports():
    assert layer_violations(PACKAGE / "render/x.py", "from ..core.model import Note\nimport re\n") == []
    assert layer_violations(PACKAGE / "mkdocs_plugin/x.py", "import mkdocs\nfrom ..render import card\n") == []
