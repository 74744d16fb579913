"""`paperkb init DIR`: a project a newcomer can start from, that publishes itself on GitHub Pages.

DIR/mkdocs.yml (mkdocs-material, paperkb, search, tags, the blog, math), DIR/notes/papers/ with
a first note, DIR/notes/blog/, a .gitignore for the built site and the caches, and a GitHub
Actions workflow that builds with --strict and deploys to GitHub Pages. Nothing is overwritten."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from ..core.templates import note_template
from ..default_config import BLOG_OPTIONS, MARKDOWN_EXTENSIONS, RSS_OPTIONS, THEME
from ..importers.writer import Outcome, SafeWriter

GITIGNORE = """\
# Built by `paperkb build` / `mkdocs build`
site/
# Diagrams, parsed notes and formatted references that a rebuild reuses (safe to delete)
.paperkb-cache/
"""

# GitHub's own Pages actions: build with --strict (a broken link or an unknown citation fails the
# run instead of publishing), then deploy the folder as the Pages artifact.
PAGES_WORKFLOW = """\
name: Publish the notes

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - id: pages
        uses: actions/configure-pages@v5
      - run: pip install paperkb
      - run: paperkb build --strict --site-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

BLOG_INDEX = "# Blog\n\nWhat I read, and what I make of it.\n"

FIRST_POST = """\
---
date:
  created: {today}
categories: [Meta]
---
# Starting a reading log

Notes on papers live in `notes/papers/`; this blog is for the longer thoughts that connect them.
A post links a note with `[[key]]`, e.g. [[{key}]].
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init", help="create a new notes project (mkdocs.yml, notes/, .gitignore, GitHub Pages workflow)",
        description="Create a project in DIR: mkdocs.yml, notes/papers/ with a first note, notes/blog/, "
                    "a .gitignore (site, caches) and a GitHub Actions workflow publishing to GitHub Pages. "
                    "Existing files are never replaced.")
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the project folder (default: here)")
    parser.add_argument("--name", help="site name (default: the folder's name)")
    parser.add_argument("--site-url", help="the site's public address (turns on the blog's RSS feed)")
    parser.set_defaults(run=run)


def mkdocs_yml(name: str, site_url: str | None) -> str:
    config: dict = {"site_name": name}
    if site_url:
        config["site_url"] = site_url
    config |= {"docs_dir": "notes", "site_dir": "site", "theme": THEME,
               "plugins": ["search", "tags", {"blog": dict(BLOG_OPTIONS)}]
               + ([{"rss": dict(RSS_OPTIONS)}] if site_url else []) + ["paperkb"],
               "markdown_extensions": MARKDOWN_EXTENSIONS}
    header = ("# A paperkb project: `paperkb serve` to write, `paperkb build --strict` to publish into site/.\n"
              "# Options of the paperkb plugin: see its README (exclude, bib_files, bib_style, graph, ...).\n")
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def project_files(name: str, site_url: str | None, today: dt.date) -> dict[str, str]:
    key = "sutskever2014sequence"
    first_note = note_template("Sequence to Sequence Learning with Neural Networks", key, level="skim",
                               paper_type="application", field="NLP", year=2014,
                               authors=["Ilya Sutskever", "Oriol Vinyals", "Quoc V. Le"])
    return {
        "mkdocs.yml": mkdocs_yml(name, site_url),
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": PAGES_WORKFLOW,
        f"notes/papers/{key}.md": first_note,
        "notes/blog/index.md": BLOG_INDEX,
        "notes/blog/posts/starting.md": FIRST_POST.format(today=today.isoformat(), key=key),
    }


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    name = args.name or root.resolve().name
    writer = SafeWriter(root=Path.cwd())
    for relative, text in project_files(name, args.site_url, dt.date.today()).items():
        writer.write(root / relative, text)
    for result in writer.results:
        state = "created" if result.outcome is Outcome.CREATED else f"kept ({result.skip_reason})"
        print(f"  {state}: {writer.show(result.path)}")
    if writer.count(Outcome.EXISTS):
        print(f"paperkb init: {writer.count(Outcome.EXISTS)} files were already there with other text; "
              "they are kept as they are", file=sys.stderr)
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {args.dir} && "
    print(f"next: {where}paperkb new \"Title\" --author \"First Author\" --year 2024; paperkb serve")
    return 0
