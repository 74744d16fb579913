"""`paperkb discover`: find papers by intersecting Semantic Scholar's citation lists of key papers.

    paperkb discover --citing nerf,3dgs --since 2023 --keyword anti-aliasing --queue
    paperkb discover --dismiss 1a2b…  doi:10.1145/…

``--queue`` appends the results that have no note to DIR/to-read.bib (the To-read page's
source, and `paperkb import bib`'s); ``--dismiss`` hides papers from discover and the Frontier page."""

from __future__ import annotations

import argparse
import json
import sys

from ..core.scholar.bibtex import QUEUE_NAME, paper_bibtex, queue_papers
from ..core.scholar.discover import (DEFAULT_DISCOVER_CITATIONS, DiscoverQuery, DiscoverResult, SeedError,
                                     discover)
from ..core.scholar.ids import seed_ref
from ..core.scholar.note_index import NoteIndex
from ..core.scholar.store import ScholarStore, dismissed_path, read_dismissed, ref_name
from .workspace import notes_workspace
from .scholar_session import CommandError, add_fetch_options, positive_int, run_guarded, session
from .terminal_table import aligned, cell_text

FORMATS = ("table", "json", "keys", "bib")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "discover", help="papers citing (or cited by) your key papers, from Semantic Scholar",
        description="Intersect the citation lists of key papers on Semantic Scholar, filter, and queue "
                    "what to read. K is a note key, doi:…, arxiv:…, CorpusId:N or a paperId.",
        epilog="example: paperkb discover --citing mildenhall2020nerf,kerbl2023gaussians --since 2023 --queue")
    add_fetch_options(parser)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--citing", metavar="K1,K2", action="append",
                      help="papers citing every one of these papers (with --any: at least one)")
    what.add_argument("--cited-by", metavar="K1,K2", action="append", help="papers every one of these papers cites")
    what.add_argument("--dismiss", metavar="ID", nargs="+",
                      help="never show these papers again (paperId, doi:…, arxiv:…, CorpusId:N)")
    parser.add_argument("--any", action="store_true", dest="any_seed",
                        help="with --citing / --cited-by: linked to at least one of them, ranked by how many")
    parser.add_argument("--since", type=int, metavar="YEAR", help="published in YEAR or later")
    parser.add_argument("--until", type=int, metavar="YEAR", help="published in YEAR or earlier")
    parser.add_argument("--venue", action="append", default=[], metavar="V",
                        help="venue contains V (case-insensitive; repeat: any of them)")
    parser.add_argument("--keyword", action="append", default=[], metavar="W",
                        help="title or abstract contains W (case-insensitive; repeat: all of them)")
    parser.add_argument("--min-citations", type=int, metavar="N", help="cited at least N times")
    parser.add_argument("--limit", type=positive_int, metavar="N", help="show at most N papers")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table, json (a list of objects), keys (paperIds) or bib (BibTeX); default: table")
    parser.add_argument("--queue", action="store_true",
                        help=f"append the results without a note to DIR/{QUEUE_NAME} (never a duplicate)")
    parser.add_argument("--max-citations", type=positive_int, default=DEFAULT_DISCOVER_CITATIONS, metavar="N",
                        help=f"read at most N citations of each seed (default: {DEFAULT_DISCOVER_CITATIONS})")
    parser.set_defaults(run=run)


def _seeds(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for chunk in values for item in chunk.split(",") if item.strip()))


def run(args: argparse.Namespace) -> int:
    if args.dismiss:
        return run_guarded("discover", lambda: dismiss(args))
    seeds = _seeds(args.citing or args.cited_by)
    if not seeds:
        print("paperkb discover: give at least one paper to --citing or --cited-by", file=sys.stderr)
        return 2
    if args.since is not None and args.until is not None and args.until < args.since:
        print(f"paperkb discover: --until {args.until} is before --since {args.since}", file=sys.stderr)
        return 2
    query = DiscoverQuery(seeds, citing=bool(args.citing), any_seed=args.any_seed, since=args.since,
                          until=args.until, venues=tuple(args.venue), keywords=tuple(args.keyword),
                          min_citations=args.min_citations, limit=args.limit)

    def body() -> int:
        with session(args, "discover") as current:
            dismissed = read_dismissed(current.workspace.notes_dir)
            current.fetcher.on_items = current.progress("citations" if query.citing else "references", None)
            try:
                result = discover(query, current.library, current.fetcher, dismissed,
                                  max_citations=args.max_citations)
            except SeedError as exc:
                raise CommandError(str(exc), 2 if exc.usage else 1) from None
            current.close_bars()
            show(result, query, args.format)
            if args.queue:
                queue(result, current, current.workspace.notes_dir / QUEUE_NAME)
        return 0

    return run_guarded("discover", body)


def describe(query: DiscoverQuery, result: DiscoverResult) -> str:
    seeds = ", ".join(query.seeds)
    if query.citing:
        what = f"citing {'any of' if query.any_seed else 'all of' if len(query.seeds) > 1 else ''} {seeds}"
    else:
        what = f"cited by {'any of' if query.any_seed else 'all of' if len(query.seeds) > 1 else ''} {seeds}"
    shown = len(result.found)
    count = f"{result.total} paper{'s' if result.total != 1 else ''}" + (f", {shown} shown" if shown < result.total else "")
    return f"({' '.join(what.split())}: {count})"


def show(result: DiscoverResult, query: DiscoverQuery, fmt: str) -> None:
    if fmt == "keys":
        for found in result.found:
            print(found.paper.get("paperId"))
    elif fmt == "json":
        print(json.dumps([f.as_json() for f in result.found], ensure_ascii=False, indent=2))
    elif fmt == "bib":
        print("\n".join(paper_bibtex(f.paper) for f in result.found), end="")
    else:
        rows = [["note", "year", "cited", *(["seeds"] if query.any_seed else []), "venue", "title", "paperId"]]
        for found in result.found:
            paper = found.paper
            rows.append([cell_text(f"✓ {found.note}" if found.note else ""), str(paper.get("year") or ""),
                         str(paper.get("citationCount") if paper.get("citationCount") is not None else ""),
                         *([str(len(found.seeds))] if query.any_seed else []),
                         cell_text(paper.get("venue") or "", 30), cell_text(paper.get("title") or ""),
                         str(paper.get("paperId"))])
        lines = aligned(rows) if result.found else ["no papers match"]
        print("\n".join(lines + [describe(query, result)]))


def queue(result: DiscoverResult, current, path) -> None:
    index = NoteIndex(current.library, current.store)
    papers = [f.paper for f in result.found if f.note is None]
    taken = set(current.library.notes) | set(current.library.bibliography.entries)
    added = queue_papers(path, papers, taken_keys=taken, known=index.identities() | _bib_identities(current.library))
    skipped = len(papers) - len(added)
    print(f"queued {len(added)} paper{'s' if len(added) != 1 else ''} in {path}"
          + (f" ({skipped} already there or already noted)" if skipped else ""), file=sys.stderr)


def _bib_identities(library) -> set[str]:
    from ..core.scholar.bibtex import entry_identity

    found: set[str] = set()
    for entry in library.bibliography:
        found |= entry_identity(entry)
    return found


def dismiss(args: argparse.Namespace) -> int:
    workspace = notes_workspace(args.notes)
    store = ScholarStore.load(workspace.notes_dir)
    lines = []
    known = read_dismissed(workspace.notes_dir)
    for value in args.dismiss:
        ref = seed_ref(value)
        if ref is None:
            raise CommandError(f"'{value}' is not a paper id (a paperId, doi:…, arxiv:…, CorpusId:N)")
        stored = store.find(ref)
        paper = store.papers.get(stored) if stored else None
        name = stored or ref_name(ref)
        if name.lower() in known:
            continue
        known.add(name.lower())
        title = " ".join(str(paper.get("title") or "").split()) if paper else ""
        lines.append(f"{name}  # {title}" if title else name)
    path = dismissed_path(workspace.notes_dir)
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            if existing and not existing.endswith("\n"):
                handle.write("\n")
            handle.write("\n".join(lines) + "\n")
    print(f"dismissed {len(lines)} paper{'s' if len(lines) != 1 else ''} ({path})", file=sys.stderr)
    return 0
