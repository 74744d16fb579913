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
