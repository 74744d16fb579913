"""`paperkb new "Title"`: start a note from the template for its reading depth, or a research
project page (`--project`) from the project template."""

from __future__ import annotations

import argparse
import sys

from ..core.model import LEVELS, PAPER_TYPES
from ..core.slug import citation_key, is_safe_key
from ..core.templates import note_template, project_template
from .workspace import add_notes_option, find_workspace
from .sources import load_workspace_library


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="write a new note or project page from a template (never overwrites)")
    parser.add_argument("title")
    parser.add_argument("--key", help="note key (default: vaswani2017attention from --author, --year and the "
                                      "title; without --author, the title's words)")
    parser.add_argument("--author", action="append", default=[], metavar="NAME",
                        help="an author, first author first (repeat for more)")
    parser.add_argument("--type", choices=PAPER_TYPES, dest="paper_type")
    parser.add_argument("--level", choices=LEVELS, default="skim")
    parser.add_argument("--field")
    parser.add_argument("--year", type=int)
    add_notes_option(parser)
    parser.add_argument("--project", action="store_true",
                        help="a research project page (idea, related work, method, experiment plan, results, log) "
                             "in projects/")
    parser.add_argument("--dir", help="folder inside the notes folder (default: papers, or projects with --project)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    title = " ".join(args.title.split())
    if not title:
        print("paperkb new: the title is empty", file=sys.stderr)
        return 2
    key = args.key or citation_key(title, args.author[0] if args.author else None, args.year)
    if not is_safe_key(key):
        print(f"paperkb new: key '{key}' is not a safe slug (letters, digits, . _ - + :)", file=sys.stderr)
        return 2
    workspace = find_workspace(args.notes)
    folder = args.dir or ("projects" if args.project else "papers")
    path = workspace.notes_dir / folder / f"{key}.md"
    if path.exists():
        print(f"paperkb new: {path} exists; not overwriting it (choose another --key)", file=sys.stderr)
        return 1
    library = load_workspace_library(workspace, with_bib=False) if workspace.notes_dir.is_dir() else None
    other = None
    if library is not None:
        published, drafts = (library.projects, library.project_drafts) if args.project else (library.notes,
                                                                                            library.drafts)
        other = published.get(key) or drafts.get(key)
    if other:
        print(f"paperkb new: key '{key}' is taken by {other.display_path}; choose another --key", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.project:
        text = project_template(title, key)
    else:
        text = note_template(title, key, level=args.level, paper_type=args.paper_type, field=args.field,
                             year=args.year, authors=[" ".join(a.split()) for a in args.author if a.strip()])
    with open(path, "x", encoding="utf-8") as handle:  # "x": never clobber a file created meanwhile
        handle.write(text)
    print(path)
    return 0
