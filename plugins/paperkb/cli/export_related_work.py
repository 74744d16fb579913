"""`paperkb export related-work`: a related-work section drafted from the notes of a project or
of a query, with the BibTeX of every key it cites written beside it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.paper_groups import GROUPINGS, group_papers
from ..render.related_work import related_work
from .output_file import write_files
from .paper_selection import (
    add_selection_options, bib_path_for, bibtex_for, draft_text, load_selection, report_left_out,
)

NAME = "paperkb export related-work"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "related-work", help="draft a related-work section from a project's or a query's notes",
        description="Draft a related-work section: one paragraph per group, oldest paper first, one sentence per "
                    "paper from its note's own method (else problem, else results), cited with \\cite{key} (LaTeX) "
                    "or [@key] (Markdown). With -o FILE, FILE.bib beside it holds every cited key.",
        epilog="example: paperkb export related-work --project my-project -o paper/related.tex")
    add_selection_options(parser, output_help="file to write, and FILE.bib beside it (default: standard output)")
    parser.add_argument("--group", choices=GROUPINGS, default=None,
                        help="one paragraph per field, citation role or relation (peer / upstream); "
                             "default: relation for --project, else field")
    parser.add_argument("--format", choices=("latex", "markdown"), default="latex", dest="draft_format",
                        help="latex (\\cite) or markdown (pandoc [@key]); default: latex")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    bib_path = bib_path_for(output) if output else None
    if output is not None and output.suffix.lower() == ".bib":
        print(f"{NAME}: {output} is where the draft would go; name the draft .tex or .md", file=sys.stderr)
        return 2
    loaded = load_selection(args, NAME)
    if isinstance(loaded, int):
        return loaded
    workspace, library, selection = loaded
    text = draft_text(library, args.draft_format, keep_cjk=args.cjk)
    by = args.group or ("relation" if selection.project else "field")
    groups = group_papers(selection.notes, by, library, selection.project)
    draft = related_work(groups, text, about=selection.description, bib_name=bib_path.name if bib_path else None)
    if output is None:
        sys.stdout.write(draft.text)
    else:
        bib_text = bibtex_for(library, text.cited, output.name)
        failed = write_files(NAME, [(output, draft.text), (bib_path, bib_text)], notes_dir=workspace.notes_dir,
                             force=args.force)
        if failed:
            return failed
        print(f"{output}: {draft.papers} papers in {len(groups)} paragraphs; {bib_path}: {len(text.cited)} entries",
              file=sys.stderr)
    if draft.by_title:
        print(f"{NAME}: named by title only (no method, problem or results the draft can use): "
              f"{', '.join(draft.by_title)}", file=sys.stderr)
    report_left_out(NAME, text)
    return 0
