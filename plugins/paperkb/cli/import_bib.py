"""`paperkb import bib FILE.bib`: one new note per BibTeX entry that has none."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bib", help="create a note for each BibTeX entry that has none")
    parser.add_argument("bib_file", metavar="FILE.bib")
    parser.add_argument("--out", help="folder for new notes (default: <notes>/papers)")
    parser.add_argument("--notes", help="notes folder (default: docs_dir of ./mkdocs.yml, else ./notes)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be created; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("paperkb import bib: not implemented yet", file=sys.stderr)
    return 2
