"""`paperkb enrich`: fetch Semantic Scholar's data on every note into DIR/.paperkb/scholar.json."""

from __future__ import annotations

import argparse
import sys

from ..core.scholar.enrich import DEFAULT_MAX_CITATIONS, EnrichSummary, enrich
from .scholar_session import add_fetch_options, positive_int, run_guarded, session


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "enrich", help="fetch citation counts, abstracts, references and citations from Semantic Scholar",
        description="Resolve every published note to its paper on Semantic Scholar (s2, doi, arxiv, links, "
                    "exact title) and store its metadata, references and citations in "
                    "DIR/.paperkb/scholar.json. Notes are never rewritten. PAPERKB_S2_API sets the API's "
                    "address, S2_API_KEY an API key.")
    add_fetch_options(parser)
    parser.add_argument("--max-citations", type=positive_int, default=DEFAULT_MAX_CITATIONS, metavar="N",
                        help=f"keep at most N citations per paper, newest first (default: {DEFAULT_MAX_CITATIONS})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    summary = EnrichSummary()

    def body() -> int:
        try:
            with session(args, "enrich") as current:
                enrich(current.library, current.fetcher, max_citations=args.max_citations,
                       progress=current.progress, summary=summary)
                current.close_bars()
                for missing in summary.unresolved:
                    print(missing.message())
                print(f"enrich: {summary.line()} -> {current.store.path}")
        except BaseException:
            if summary.papers_fetched:  # (nothing fetched: the reason alone is the one line)
                print(f"enrich: stopped after {summary.line()}", file=sys.stderr)
            raise
        return 0

    return run_guarded("enrich", body)
