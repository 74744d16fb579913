"""`paperkb export bib`: every non-draft note and .bib entry as one BibTeX file (the site's all.bib)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.bib.references import References
from ..core.problems import Severity
from .output_file import refusal, write_atomically
from .sources import load_workspace_library
from .workspace import add_notes_option, notes_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bib", help="write all non-draft notes and .bib entries as BibTeX",
        description="Write one BibTeX entry per key: the .bib entry as written when there is one, "
                    "otherwise one made from the note's front-matter. Drafts are left out.")
    add_notes_option(parser)
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing output file that paperkb did not write")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    workspace = notes_workspace(args.notes)
    out = Path(args.output) if args.output else None
    refused = refusal(out, notes_dir=workspace.notes_dir, force=args.force) if out is not None else None
    if refused:
        print(f"paperkb export bib: {refused[0]}", file=sys.stderr)
        return refused[1]
    library = load_workspace_library(workspace)
    for problem in library.problems:
        print(problem, file=sys.stderr)
    references = References(library)
    text = references.all_bib()
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomically(out, text)
        print(f"{out}: {len(references)} entries", file=sys.stderr)
    return 1 if any(p.severity is Severity.ERROR for p in library.problems) else 0
