"""`paperkb export table`: a comparison table of a project's or a query's papers for a paper
(LaTeX booktabs, with the BibTeX of its citations beside it), a Markdown report or a spreadsheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.projects import relation_of
from ..render.comparison_table import DEFAULT_COLUMNS, FORMATS, ComparisonTable, columns_for
from .output_file import GENERATED_MARK, write_files
from .paper_selection import (
    add_selection_options, bib_path_for, bibtex_for, draft_text, load_selection, report_left_out,
)

NAME = "paperkb export table"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "table", help="a comparison table of a project's or a query's papers",
        description="One row per paper, oldest first. LaTeX: booktabs, \\cite{key} in the title column, long "
                    "cells wrapped in p{} columns; with -o FILE, FILE.bib beside it holds the cited keys.",
        epilog="example: paperkb export table --project my-project --columns title,year,datasets,results -o table.tex")
    add_selection_options(parser, output_help="file to write, and FILE.bib beside it for latex and markdown "
                                              "(default: standard output)")
    parser.add_argument("--columns", dest="table_columns", action="append", metavar="COLUMNS",
                        help=f"comma-separated columns (default: {','.join(DEFAULT_COLUMNS)})")
    parser.add_argument("--format", choices=FORMATS, default="latex", dest="table_format",
                        help="latex (booktabs), markdown (pipe table, [@key]) or csv; default: latex")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    cites = args.table_format != "csv"
    bib_path = bib_path_for(output) if output and cites else None
    loaded = load_selection(args, NAME)
    if isinstance(loaded, int):
        return loaded
    workspace, library, selection = loaded
    entries = {p.key: p for p in selection.project.papers} if selection.project else {}
    columns = columns_for(library, lambda n: relation_of(entries[n.key], n) if n.key in entries else n.relation)
    chosen = [c.strip() for chunk in args.table_columns or [",".join(DEFAULT_COLUMNS)] for c in chunk.split(",")
              if c.strip()]
    unknown = [c for c in chosen if c not in columns]
    if unknown or not chosen:
        print(f"{NAME}: --columns: unknown column {', '.join(map(repr, unknown)) or '(none given)'}; "
              f"columns: {', '.join(columns)}", file=sys.stderr)
        return 2
    text = draft_text(library, args.table_format, keep_cjk=args.cjk) if cites else None
    table = ComparisonTable(columns, chosen, text)
    about = " ".join(selection.description.split()).replace("--", "\u2013")
    if args.table_format == "csv":
        rendered = table.csv(selection.notes)
    elif args.table_format == "markdown":
        rendered = table.markdown(selection.notes, f"<!-- {GENERATED_MARK} Papers of {about}. -->\n\n")
    else:
        label = f"tab:{selection.project.key}" if selection.project else "tab:comparison"
        rendered = table.latex(selection.notes, f"% {GENERATED_MARK} Papers of {about}.\n",
                               f"Papers of {selection.description}.", label)
    report_left_out(NAME, text)
    if output is None:
        sys.stdout.write(rendered)
        return 0
    files = [(output, rendered)]
    if bib_path is not None and text is not None:
        files.append((bib_path, bibtex_for(library, text.cited, output.name)))
    failed = write_files(NAME, files, notes_dir=workspace.notes_dir, force=args.force)
    if not failed:
        cited = f"; {bib_path}: {len(text.cited)} entries" if bib_path is not None and text is not None else ""
        print(f"{output}: {len(selection.notes)} rows{cited}", file=sys.stderr)
    return failed
