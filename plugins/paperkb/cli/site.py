"""`paperkb build` and `paperkb serve`: MkDocs with the mkdocs.yml of the working directory or paperkb's defaults."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..default_config import default_config
from .workspace import find_workspace, lists_plugin


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser("build", help="build the site (uses ./mkdocs.yml when there is one)")
    build.add_argument("notes_dir", nargs="?", help="folder of notes (default: docs_dir of ./mkdocs.yml, else ./notes)")
    build.add_argument("-d", "--site-dir", help="output folder (default: the config's, else ./site)")
    build.add_argument("--strict", action="store_true", help="fail on any warning")
    build.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    build.add_argument("--site-url", help="the site's public address (canonical links; turns on the blog's RSS feed)")
    build.set_defaults(run=run_build)

    serve = subparsers.add_parser("serve", help="serve the site with live reload")
    serve.add_argument("notes_dir", nargs="?")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="IP:PORT to serve on")
    serve.add_argument("--strict", action="store_true")
    serve.add_argument("--site-url", help="the site's public address")
    serve.set_defaults(run=run_serve)


def _setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_paperkb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._paperkb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)


class NoProject(Exception):
    """The working directory is a bare notes folder: building there would write outside it."""


@contextlib.contextmanager
def config_file_for(notes_dir: str | None, site_dir: str | None,
                    site_url: str | None = None) -> Iterator[tuple[str, dict]]:
    """The mkdocs.yml to use and the overrides for it; a temporary one for a bare folder of notes."""
    workspace = find_workspace(notes_dir)
    overrides: dict = {}
    if workspace.config_file is not None:
        if lists_plugin(workspace.config_file, "paperkb") is False:  # e.g. a plain MkDocs site's folder
            logging.getLogger("mkdocs").warning(
                f"{workspace.config_file} does not turn on paperkb (no '- paperkb' under 'plugins:'): the site is "
                f"built as a plain MkDocs site, without note pages, indexes or the citation graph")
        if site_dir:
            overrides["site_dir"] = str(Path(site_dir).resolve())
        if site_url:
            overrides["site_url"] = site_url
        yield str(workspace.config_file), overrides
        return
    if notes_dir is None and not site_dir and workspace.notes_dir == Path.cwd().resolve():
        raise NoProject(
            f"{workspace.notes_dir} has no mkdocs.yml (nor one above it): the site and the caches would go into "
            f"its parent folder. Start a project with `paperkb init` (then run paperkb in it or in its notes "
            f"folder), or name the folders: `paperkb build NOTES_DIR -d SITE_DIR`")
    site = Path(site_dir or "site").resolve()
    if not site_dir and site.is_relative_to(workspace.notes_dir):
        site = workspace.notes_dir.parent / f"{workspace.notes_dir.name}-site"  # MkDocs refuses a site inside the docs
    config = default_config(workspace.notes_dir, site, site_url=site_url)
    with tempfile.TemporaryDirectory(prefix="paperkb-") as tmp:
        path = Path(tmp, "mkdocs.yml")
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        yield str(path), overrides


def build_once(config_file: str, *, strict: bool = False, **overrides) -> None:
    """One `mkdocs build` in this process, with the plugin start-up/shut-down events MkDocs'
    own command sends; raises MkDocsException (Abort on a strict failure)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=config_file, strict=strict, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def _with_config(verb: str, notes_dir: str | None, site_dir: str | None, site_url: str | None, action) -> int:
    """Run ``action(config_file, overrides)``; a MkDocs failure is 1, a bare folder 2 (one line)."""
    from mkdocs.exceptions import MkDocsException

    try:
        with config_file_for(notes_dir, site_dir, site_url) as (config_file, overrides):
            try:
                action(config_file, overrides)
            except MkDocsException as exc:
                logging.getLogger("mkdocs").error(str(exc))
                return 1
    except NoProject as exc:
        print(f"paperkb {verb}: {exc}", file=sys.stderr)
        return 2
    return 0


def run_build(args: argparse.Namespace) -> int:
    _setup_logging(args.quiet)
    return _with_config("build", args.notes_dir, args.site_dir, args.site_url,
                        lambda config_file, overrides: build_once(config_file, strict=args.strict, **overrides))


def run_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    busy = address_in_use(args.dev_addr)
    if busy:  # before the first build, which takes a while on a large site
        print(f"paperkb serve: {busy}", file=sys.stderr)
        return 1
    _setup_logging(False)

    def run(config_file: str, overrides: dict) -> None:
        try:
            serve(config_file=config_file, dev_addr=args.dev_addr, strict=args.strict, **overrides)
        except OSError as exc:  # taken meanwhile by another program
            if exc.errno != errno.EADDRINUSE:
                raise
            raise SystemExit(f"paperkb serve: {address_in_use(args.dev_addr) or exc}") from None

    return _with_config("serve", args.notes_dir, None, args.site_url, run)


def address_in_use(dev_addr: str) -> str | None:
    """One line saying ``dev_addr`` (host:port) is taken and which ``-a`` to try; None when free."""
    host, _, port_text = dev_addr.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        return None  # MkDocs reports a malformed address itself
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                return None
        else:
            return None
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    return f"{shown}:{port} is already in use; serve on another port with -a {shown}:{port + 1}"
