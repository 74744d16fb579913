"""The `paperkb` command: every verb is a module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__

# Verb modules, in the order `paperkb --help` lists them.
VERB_MODULES = ("site", "new", "check", "query", "enrich", "discover", "imports", "exports")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperkb", description="Research-paper reading notes as a static site.")
    parser.add_argument("--version", action="version", version=f"paperkb {__version__}")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND")
    subparsers.required = True
    for name in VERB_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `paperkb query ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
