"""What `paperkb enrich` and `paperkb discover` share: the client, the store, the progress bar,
and one way of ending a run (the store saved whatever happened; one line on failure, exit 1)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..core.library import Library
from ..core.scholar.client import ScholarClient, ScholarError
from ..core.scholar.fetch import DEFAULT_MAX_AGE, Fetcher
from ..core.scholar.store import ScholarStore
from .workspace import Workspace, notes_workspace
from .sources import load_workspace_library


def add_fetch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", metavar="DIR", help="notes folder (default: docs_dir of ./mkdocs.yml, else ./notes)")
    parser.add_argument("--refresh", action="store_true", help="fetch again even what was fetched recently")
    parser.add_argument("--max-age", type=_days, default=DEFAULT_MAX_AGE, metavar="DAYS",
                        help=f"refetch what is older than this many days (default: {DEFAULT_MAX_AGE:g})")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _number(text: str, kind: type, minimum: float, what: str):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum:g}")
    return value


def _days(text: str) -> float:
    return _number(text, float, 0, "a number of days")


def positive_int(text: str) -> int:
    return _number(text, int, 1, "a whole number")


class CommandError(Exception):
    """A mistake in what the user asked: one line on stderr and ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Session:
    workspace: Workspace
    library: Library
    store: ScholarStore
    fetcher: Fetcher
    quiet: bool

    def progress(self, label: str, total: int | None) -> Callable[[int], None]:
        """A progress bar on stderr (tqdm; a counter when ``total`` is None); nothing with -q."""
        if self.quiet or total == 0:
            return lambda n: None
        from tqdm import tqdm

        bar = tqdm(total=total, desc=label, unit="paper", file=sys.stderr, leave=False, dynamic_ncols=True)
        self._bars.append(bar)
        return bar.update

    def close_bars(self) -> None:
        for bar in self._bars:
            bar.close()
        self._bars.clear()

    def __post_init__(self) -> None:
        self._bars: list = []


@contextlib.contextmanager
def session(args: argparse.Namespace, verb: str) -> Iterator[Session]:
    """Open the store and a client; on the way out save the store (also after an error or
    Ctrl-C: an interrupted run keeps what it fetched) and close the client."""
    workspace = notes_workspace(args.notes)
    library = load_workspace_library(workspace)
    store = ScholarStore.load(workspace.notes_dir)
    if store.problem:  # never overwrite what may be the user's data (a merge conflict, say)
        raise CommandError(f"{store.path}: {store.problem}; fix or delete it, then run again", 1)
    before = store.to_json()
    client = ScholarClient()
    fetcher = Fetcher(store, client, max_age=args.max_age, refresh=args.refresh)
    current = Session(workspace, library, store, fetcher, args.quiet)
    try:
        yield current
    finally:
        current.close_bars()
        client.close()
        if store.to_json() != before:  # nothing learnt, nothing written
            store.save()


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def run_guarded(verb: str, body: Callable[[], int]) -> int:
    """Run ``body``; a Semantic Scholar failure is one line on stderr and exit 1, Ctrl-C exit 130."""
    try:
        return body()
    except CommandError as exc:
        return _fail(f"paperkb {verb}: {exc}", exc.code)
    except ScholarError as exc:
        return _fail(f"paperkb {verb}: {exc}", 1)
    except KeyboardInterrupt:
        print(f"paperkb {verb}: interrupted; what was fetched is kept", file=sys.stderr)
        return 130
