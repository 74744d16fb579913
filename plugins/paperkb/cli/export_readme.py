"""`paperkb export readme`: the notes as a reading-list README (the imported one, when there was one)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importers.readme_export import export_readme
from ..importers.readme_state import LayoutError, load_state
from .workspace import add_notes_option, notes_workspace
from .sources import load_workspace_library


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "readme", help="write the notes as a reading-list README",
        description="Write the notes as a reading-list README: the intro of the last `paperkb import readme`, "
                    "a count line with the real count, sections by field, entries by year (newest first).")
    add_notes_option(parser)
    parser.add_argument("--title", help="title line of the README (default: the imported one, else 'Reading list')")
    parser.add_argument("--by-year", action="store_true",
                        help="sort every section by year, newest first (default: keep the imported order)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--force", action="store_true", help="replace --output when it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    workspace = notes_workspace(args.notes)
    library = load_workspace_library(workspace)
    for problem in library.errors:
        print(f"paperkb export readme: {problem} (note left out)", file=sys.stderr)
    try:
        state = load_state(workspace.notes_dir)
    except LayoutError as exc:
        print(f"paperkb export readme: {exc}; delete it to export without the imported layout", file=sys.stderr)
        return 1
    text = export_readme(library, state, title=args.title, by_year=args.by_year)
    if not args.output:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    if output.exists() and not args.force:
        if output.read_text(encoding="utf-8-sig") == text:
            print(f"{output}: unchanged")
            return 0
        print(f"paperkb export readme: {output} exists; not replacing it (use --force)", file=sys.stderr)
        return 1
    output.write_text(text, encoding="utf-8", newline="\n")
    print(f"{output}: {len(library)} entries")
    return 0
