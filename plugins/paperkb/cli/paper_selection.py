"""Which papers an export is about: a research project's (``--project KEY``) or a query's answer
(the options of `paperkb query`), and the written bibliography that goes beside the export."""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.bib.references import References
from ..core.library import Library
from ..core.model import Note
from ..core.projects import Project, grouped_papers, reference_note, unread_papers
from ..core.query import QUERY_KEYS, QueryError, evaluate
from ..render.draft_text import DraftText
from .query import add_query_options, query_from_args
from .sources import load_workspace_library
from .workspace import Workspace, add_notes_option, notes_workspace

LEFT_OUT_QUERY_KEYS = ("columns", "sort")  # an export orders its papers itself


class SelectionError(ValueError):
    pass


@dataclass
class Selection:
    notes: list[Note]
    project: Project | None
    description: str  # "project “Title”" or what the query asked


def add_selection_options(parser: argparse.ArgumentParser, *, output_help: str) -> None:
    """--project or the query options; -o/--force for the file written."""
    add_notes_option(parser)
    parser.add_argument("--project", metavar="KEY", help="the papers of this project page (project: true)")
    add_query_options(parser, leave_out=LEFT_OUT_QUERY_KEYS)
    parser.add_argument("-o", "--output", help=output_help)
    parser.add_argument("--force", action="store_true", help="replace files that paperkb did not write")
    parser.add_argument("--cjk", action="store_true",
                        help="LaTeX: keep Chinese, Japanese and Korean text (for xelatex with xeCJK; pdflatex "
                             "cannot typeset it, so by default it is left out and named)")


def load_selection(args: argparse.Namespace, command: str) -> tuple[Workspace, Library, Selection] | int:
    """The workspace, its library and the papers asked for; or the exit code after saying why not."""
    workspace = notes_workspace(args.notes)
    library = load_workspace_library(workspace)
    try:
        selection = select_papers(args, library)
    except SelectionError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    if library.errors:
        print(f"{command}: notes with errors are left out ({len(library.errors)} errors); run `paperkb check`",
              file=sys.stderr)
    if not selection.notes:
        print(f"{command}: no papers: {selection.description} names no published note", file=sys.stderr)
        return 1
    return workspace, library, selection


def draft_text(library: Library, fmt: str, *, keep_cjk: bool = False) -> DraftText:
    """Note text converted for ``fmt``, citing what has a reference (a note or a .bib entry)."""
    references = References(library)
    return DraftText(fmt, references.__contains__,
                     lambda src: note.key if (note := library.by_src_uri.get(src)) else None, keep_cjk=keep_cjk)


def report_left_out(command: str, text: DraftText | None) -> None:
    if text is not None and text.left_out:
        print(f"{command}: text in Chinese, Japanese or Korean left out, as pdflatex cannot typeset it: "
              f"{', '.join(dict.fromkeys(text.left_out))}; --cjk keeps it (compile with xelatex and "
              "\\usepackage{xeCJK})", file=sys.stderr)


def select_papers(args: argparse.Namespace, library: Library) -> Selection:
    asked = any(getattr(args, key, None) is not None for key in QUERY_KEYS if key not in LEFT_OUT_QUERY_KEYS)
    if args.project is not None:
        if asked:
            raise SelectionError("give either --project or query options, not both")
        project = library.projects.get(args.project)
        if project is None:
            close = difflib.get_close_matches(args.project, sorted(library.projects), n=1, cutoff=0.6)
            known = f"did you mean '{close[0]}'?" if close else (
                f"projects: {', '.join(sorted(library.projects))}" if library.projects else "there are no project pages")
            raise SelectionError(f"--project: no project has the key '{args.project}'; {known}")
        notes = [note for members in grouped_papers(project, library.notes).values() for _paper, note in members]
        # papers not read yet (only a .bib entry): named by their title, nothing else to say
        notes += [reference_note(entry) for _paper, entry in unread_papers(project, library.notes, library.drafts,
                                                                            library.bibliography)]
        return Selection(notes, project, f"project “{' '.join(project.title.split())}”")
    if not asked:
        raise SelectionError("give --project KEY or query options (as in `paperkb query`, e.g. --descendants KEY)")
    try:
        query = query_from_args(args, ())
        result = evaluate(library, query)
    except QueryError as error:
        where = f"--{error.key.replace('_', '-')}: " if error.key else ""
        raise SelectionError(f"{where}{error.message}") from None
    return Selection(list(result.notes), None, query.describe())


def bib_path_for(output: Path) -> Path:
    """``related.tex`` -> ``related.bib`` beside it."""
    return output.with_suffix(".bib") if output.suffix else output.with_name(output.name + ".bib")


def bibtex_for(library: Library, keys: set[str], written_for: str) -> str:
    """The .bib entries of ``keys``, the same as all.bib holds, by key."""
    references = References(library)
    return references.bibtex_of(sorted(keys), f"References cited by {written_for}.")
