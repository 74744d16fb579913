"""`paperkb export FORMAT ...`: write the notes out in another tool's format.

Each format is a module with ``register(subparsers)`` that adds its own sub-command
(``paperkb export bib``, ``paperkb export readme``, ...). To add a format, add its module
name (relative to this package) to ``EXPORTERS``; nothing else needs to change.
"""

from __future__ import annotations

import argparse
import importlib

# format name -> module in paperkb.cli that registers `paperkb export <format>`.
EXPORTERS: dict[str, str] = {
    "bib": "export_bib",
    "readme": "export_readme",
    "related-work": "export_related_work",
    "table": "export_table",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="write the notes in another format")
    formats = parser.add_subparsers(dest="format", metavar="FORMAT")
    formats.required = True
    for module in EXPORTERS.values():
        importlib.import_module(f"{__package__}.{module}").register(formats)
