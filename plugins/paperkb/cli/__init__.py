"""The `paperkb` command: every verb is a module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from .. import __version__
from .workspace import NoNotesFolder

# Verb modules, in the order `paperkb --help` lists them.
VERB_MODULES = ("init", "site", "new", "check", "query", "enrich", "discover", "imports", "exports")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperkb", description="Research-paper reading notes as a static site.")
    parser.add_argument("--version", action="version", version=f"paperkb {__version__}")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND")
    subparsers.required = True
    for name in VERB_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Each command's parser sets ``args.command`` to its name (``paperkb export bib``), by which
    ``main`` names it in the messages it prints for every command."""
    parser.set_defaults(command=parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _name_commands(sub)


def main(argv: list[str] | None = None) -> int:
    # mkdocs-material prints a notice about MkDocs 2.0 when its templates load; paperkb pins
    # MkDocs below 2 (pyproject.toml), so the notice does not concern its users.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except NoNotesFolder as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # `paperkb query ... | head`
        return 0
    except OSError as exc:
        # A folder that cannot be written (read-only, full disk, no permission) is one line, not a traceback.
        if exc.filename is None:
            raise
        where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
        hint = " (the folder is read-only: choose another with --out / --notes, or change its permissions)" \
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else ""
        print(f"paperkb {args.verb}: cannot write {where}: {exc.strerror or exc}{hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
