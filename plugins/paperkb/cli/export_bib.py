"""`paperkb export bib`: every non-draft note as one BibTeX file."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bib", help="write all non-draft notes and .bib entries as BibTeX")
    parser.add_argument("--notes", help="notes folder (default: docs_dir of ./mkdocs.yml, else ./notes)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("paperkb export bib: not implemented yet", file=sys.stderr)
    return 2
