"""`paperkb export table`: a comparison table of a project's or a query's papers for a paper
(LaTeX booktabs, with the BibTeX of its citations beside it), a Markdown report or a spreadsheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.bib.references import References
from ..core.projects import relation_of
from ..render.comparison_table import DEFAULT_COLUMNS, FORMATS, ComparisonTable, columns_for
from ..render.draft_text import DraftText
from .output_file import GENERATED_MARK, write_files
from .paper_selection import SelectionError, add_selection_options, bib_path_for, bibtex_for, select_papers
from .sources import load_workspace_library
from .workspace import find_workspace

NAME = "paperkb export table"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "table", help="a comparison table of a project's or a query's papers",
        description="One row per paper, oldest first. LaTeX: booktabs, \\cite{key} in the title column, long "
                    "cells wrapped in p{} columns; with -o FILE, FILE.bib beside it holds the cited keys.",
        epilog="example: paperkb export table --project my-project --columns title,year,datasets,results -o table.tex")
    add_selection_options(parser)
    parser.add_argument("--columns", dest="table_columns", action="append", metavar="COLUMNS",
                        help=f"comma-separated columns (default: {','.join(DEFAULT_COLUMNS)})")
    parser.add_argument("--format", choices=FORMATS, default="latex", dest="table_format",
                        help="latex (booktabs), markdown (pipe table, [@key]) or csv; default: latex")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--force", action="store_true", help="replace files that paperkb did not write")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    workspace = find_workspace(args.notes)
    output = Path(args.output) if args.output else None
    cites = args.table_format != "csv"
    bib_path = bib_path_for(output) if output and cites else None
    library = load_workspace_library(workspace)
    try:
        selection = select_papers(args, library)
    except SelectionError as error:
        print(f"{NAME}: {error}", file=sys.stderr)
        return 2
    entries = {p.key: p for p in selection.project.papers} if selection.project else {}
    columns = columns_for(library, lambda n: relation_of(entries[n.key], n) if n.key in entries else n.relation)
    chosen = [c.strip() for chunk in args.table_columns or [",".join(DEFAULT_COLUMNS)] for c in chunk.split(",")
              if c.strip()]
    unknown = [c for c in chosen if c not in columns]
    if unknown or not chosen:
        print(f"{NAME}: --columns: unknown column {', '.join(map(repr, unknown)) or '(none given)'}; "
              f"columns: {', '.join(columns)}", file=sys.stderr)
        return 2
    if not selection.notes:
        print(f"{NAME}: no papers: {selection.description} names no published note", file=sys.stderr)
        return 1
    references = References(library)
    text = DraftText(args.table_format, references.__contains__,
                     lambda src: note.key if (note := library.by_src_uri.get(src)) else None) if cites else None
    table = ComparisonTable(columns, chosen, text)
    about = " ".join(selection.description.split()).replace("--", "\u2013")
    if args.table_format == "csv":
        rendered = table.csv(selection.notes)
    elif args.table_format == "markdown":
        rendered = table.markdown(selection.notes, f"<!-- {GENERATED_MARK} Papers of {about}. -->\n\n")
    else:
        label = f"tab:{selection.project.key}" if selection.project else "tab:comparison"
        rendered = table.latex(selection.notes, f"% {GENERATED_MARK} Papers of {about}.\n"
                                                "% Needs \\usepackage{booktabs}.\n",
                               f"Papers of {selection.description}.", label)
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
