"""`paperkb import SOURCE ...`: bring references in from other tools as notes.

Each source is a module with ``register(subparsers)`` that adds its own sub-command
(``paperkb import bib``, ``paperkb import readme``, ...). To add a source, add its module
name (relative to this package) to ``IMPORTERS``; nothing else needs to change.
"""

from __future__ import annotations

import argparse
import importlib

# source name -> module in paperkb.cli that registers `paperkb import <source>`.
IMPORTERS: dict[str, str] = {
    "bib": "import_bib",
    "readme": "import_readme",
    "posts": "import_posts",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="create notes from other sources (never overwrites a note)")
    sources = parser.add_subparsers(dest="source", metavar="SOURCE")
    sources.required = True
    for module in IMPORTERS.values():
        importlib.import_module(f"{__package__}.{module}").register(sources)


def print_warnings_and_dry_run(problems, *, dry_run: bool) -> None:
    """The closing lines every importer's summary ends with."""
    from ..core.problems import Severity

    if problems:
        print(f"warnings: {sum(p.severity is Severity.WARNING for p in problems)}")
        for problem in problems:
            print(f"  {problem}")
    if dry_run:
        print("dry run: nothing was written")
