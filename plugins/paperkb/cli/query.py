"""`paperkb query`: search the citation graph from the terminal (the engine of paperkb-query blocks).

Flags follow the query keys (``cites_all`` -> ``--cites-all``); list values are comma-separated or
given by repeating the flag, except ``--text``, which is only repeated (a phrase may hold commas).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from typing import Any

from ..core.library import Library
from ..core.model import Note
from ..core.query import FILTER_KEYS, GRAPH_KEYS, QUERY_KEYS, SORT_FIELDS, Query, QueryError, QueryResult, evaluate
from ..core.urls import SiteUrls
from ..render.query_blocks import query_columns
from ..render.site_map import SiteMap
from ..render.tables import NoteTable
from .workspace import notes_workspace
from .sources import load_workspace_library
from .terminal_table import aligned, cell_text

FORMATS = ("table", "keys", "json")
DEFAULT_COLUMNS = ("year", "key", "title", "venue")
LIST_KEYS = ("descendants", "ancestors", "cites_all", "cited_by_all", "field", "type", "venue", "tag", "level",
             "dataset", "metric", "role", "sort", "columns")
REPEATED_KEYS = ("text",)
_DESCENDING_VALUE = re.compile(r"^-(?:\d|(?:" + "|".join(SORT_FIELDS) + r")(?:,[-+]?\w+)*$)")

_HELP = {
    "descendants": "notes citing KEY, directly or transitively (comma-separated keys: any of them)",
    "ancestors": "notes that KEY cites, directly or transitively",
    "depth": "with --descendants/--ancestors: follow at most N citation hops",
    "cites_all": "notes citing every one of these keys",
    "cited_by_all": "notes cited by every one of these keys",
    "cocited_with": "notes most often cited together with KEY, ranked by that count",
    "coupled_with": "notes sharing the most references with KEY, ranked by that count",
    "since": "year at least YEAR",
    "until": "year at most YEAR",
    "field": "in any of these fields",
    "type": "of any of these types (application, dataset, analysis, survey)",
    "venue": "published at any of these venues",
    "tag": "with any of these tags",
    "level": "read at any of these levels (skim, browse, deep)",
    "dataset": "using any of these datasets (named in 'datasets' or cited in the dataset role)",
    "metric": "reporting any of these metrics (named in 'metrics' or cited in the metric role)",
    "role": "follow only citations of these roles (background, related, builds-on, baseline, dataset, metric)",
    "text": "title, problem, method or results contain TEXT (case-insensitive; repeat for any of several)",
    "sort": f"sort by these fields, '-' for descending: {', '.join(SORT_FIELDS)} (default: score, then -year)",
    "limit": "show at most N notes",
    "columns": "columns of --format table",
}
_METAVAR = {
    "descendants": "KEY", "ancestors": "KEY", "cites_all": "KEYS", "cited_by_all": "KEYS", "cocited_with": "KEY",
    "coupled_with": "KEY", "since": "YEAR", "until": "YEAR", "depth": "N", "limit": "N", "text": "TEXT",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query", help="search the citation graph (descendants, co-citation, filters...)",
        description="Search the notes' citation graph. Keys are the same as in ```paperkb-query blocks.",
        epilog="example: paperkb query --cites-all nerf,3dgs --since 2023 --format keys")
    parser.add_argument("--notes", metavar="DIR", help="notes folder (default: docs_dir of ./mkdocs.yml, else ./notes)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (aligned text), keys (one key a line) or json (default: table)")
    add_query_options(parser)
    parser.set_defaults(run=run)


def add_query_options(parser: argparse.ArgumentParser, *, leave_out: tuple[str, ...] = ()) -> None:
    """One flag per query key (``cites_all`` -> ``--cites-all``), in three groups; ``leave_out``:
    keys a command gives another meaning or no use (``columns``, ``sort``)."""
    graph = parser.add_argument_group("graph (several combine: notes answering all of them)")
    filters = parser.add_argument_group("filters (several combine: all must hold; a list matches any of its values)")
    output = parser.add_argument_group("order and output")
    for key in QUERY_KEYS:
        if key in leave_out:
            continue
        if key == "derived":
            graph.add_argument("--no-derived", dest="derived", action="store_false", default=None,
                               help="leave out citations found by Semantic Scholar that the notes' cites do not list")
            continue
        group = graph if key in GRAPH_KEYS or key == "depth" else output if key in ("sort", "limit", "columns") else filters
        flag = "--" + key.replace("_", "-")
        if key in LIST_KEYS or key in REPEATED_KEYS:
            group.add_argument(flag, dest=key, action="append", metavar=_METAVAR.get(key, key.upper()), help=_HELP[key])
        else:
            group.add_argument(flag, dest=key, metavar=_METAVAR.get(key, key.upper()), help=_HELP[key])
    # argparse takes any word starting with "-" for an option, so `--sort -year` would fail; values
    # that look like descending sort fields are read as values instead (`--sort=-year` always works).
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = _DESCENDING_VALUE


def query_from_args(args: argparse.Namespace, column_names: tuple[str, ...]) -> Query:
    data: dict[str, Any] = {}
    for key in QUERY_KEYS:
        value = getattr(args, key, None)
        if value is None:
            continue
        if key in LIST_KEYS:
            value = [item.strip() for chunk in value for item in chunk.split(",") if item.strip()]
        data[key] = value
    if not data:
        raise QueryError(f"give at least one of {', '.join('--' + k.replace('_', '-') for k in GRAPH_KEYS + FILTER_KEYS)}")
    return Query.from_mapping(data, column_names=column_names)


def run(args: argparse.Namespace) -> int:
    try:
        query = query_from_args(args, query_columns())
    except QueryError as error:
        return _fail(error)
    workspace = notes_workspace(args.notes)
    library = load_workspace_library(workspace)
    try:
        result = evaluate(library, query)
    except QueryError as error:
        return _fail(error)
    if library.errors:
        print(f"paperkb query: notes with errors are left out ({len(library.errors)} errors); run `paperkb check`",
              file=sys.stderr)
    if args.format == "keys":
        for note in result.notes:
            print(note.key)
    elif args.format == "json":
        print(json.dumps([note_record(note, library, result) for note in result.notes], ensure_ascii=False, indent=2))
    else:
        print(text_table(result, library))
    return 0


def _fail(error: QueryError) -> int:
    where = f"--{error.key.replace('_', '-')}: " if error.key else ""
    print(f"paperkb query: {where}{error.message}", file=sys.stderr)
    return 2


def note_record(note: Note, library: Library, result: QueryResult) -> dict[str, Any]:
    """A note's data for JSON output (no site URLs: the CLI knows files, not pages)."""
    record: dict[str, Any] = {
        "key": note.key, "title": note.title, "year": note.year, "venue": note.venue, "authors": note.authors,
        "fields": note.fields, "type": note.type, "level": note.level, "relation": note.relation,
        "tags": note.tags, "datasets": note.datasets, "metrics": note.metrics,
        "problem": note.problem, "method": note.method, "results": note.results,
        "arxiv": note.arxiv, "doi": note.doi, "path": note.display_path,
        "cites": [e.target for e in library.cites(note.key)],
        "cited_by": library.cited_by_count(note.key),
    }
    if result.scores is not None:
        record["score"] = result.scores.get(note.key, 0)
    if result.distance is not None:
        record["distance"] = result.distance.get(note.key)
    return record


def text_table(result: QueryResult, library: Library) -> str:
    """An aligned plain-text table, then one line saying what was asked and how many matched."""
    query = result.query
    columns = list(query.columns or DEFAULT_COLUMNS + (("score",) if query.ranked else ()))
    site = SiteMap(SiteUrls())
    table = NoteTable(site, library)
    headers = {"score": query.score_label if query.ranked else "Score", "distance": "Distance"}

    def cell(note: Note, column: str) -> str:
        if column == "score":
            value = result.score(note)
            return "" if value is None else str(value)
        if column == "distance":
            return str((result.distance or {}).get(note.key, ""))
        if column == "title":
            return note.title
        return html.unescape(re.sub(r"<[^>]*>", "", str(table.cells[column][1](note, "index.md"))))

    rows = [[headers.get(c) or table.cells[c][0] for c in columns]]
    rows += [[cell_text(cell(note, c)) for c in columns] for note in result.notes]
    lines = aligned(rows)
    shown = len(result.notes)
    summary = f"{result.total} note{'s' if result.total != 1 else ''} match{'es' if result.total == 1 else ''}"
    if shown < result.total:
        summary += f", {shown} shown"
    if not result.notes:
        lines = ["no notes match"]
    return "\n".join(lines + [f"({query.describe()}: {summary})"])
