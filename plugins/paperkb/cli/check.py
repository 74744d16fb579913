"""`paperkb check`: every problem in the notes as ``path:line: message``."""

from __future__ import annotations

import argparse
import json

from ..core.body_scan import attachment_index, map_prose, strip_obsidian_comments
from ..core.frontmatter_source import split_front_matter
from ..core.library import Library
from ..core.link_check import LinkTargets, docs_files, missing_targets
from ..core.loader import iter_markdown
from ..core.problems import Problem, Severity, display_path
from ..core.scholar.derived import derived_notes
from ..core.urls import SiteUrls
from ..render.site_map import SiteMap
from ..render.transclusion import Transcluder
from ..render.wikilinks import wikilink_transform
from .sources import load_workspace_library, workspace_link_guard
from .workspace import Workspace, notes_workspace, plugin_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="validate the notes; exit 1 if there is any error")
    parser.add_argument("notes_dir", nargs="?")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def cycle_problems(library: Library) -> list[Problem]:
    """Citation cycles are legal (preprints cite each other) but worth a look: one warning each."""
    problems = []
    for cycle in library.cycles:
        first = library.notes[cycle[0]]
        members = set(cycle)
        edge = next(e for e in library.cites(first.key) if e.target in members)
        problems.append(Problem(first.display_path, edge.line, Severity.WARNING,
                                f"citation cycle among {', '.join(cycle)}"))
    return problems


def link_problems(workspace: Workspace, library: Library) -> list[Problem]:
    """Links and images in the site's pages whose target is missing (what `build --strict` fails on)."""
    prefix = str(plugin_options(workspace.config_file, "paperkb").get("pages_dir") or "").strip("/")
    site = SiteMap.for_library(library, SiteUrls(True), prefix=f"{prefix}/" if prefix else "", graphs=True)
    targets = LinkTargets(docs_files(workspace.notes_dir) | set(site.generated_uris()))
    notes = {n.src_uri: n for n in [*library, *library.projects.values()]}
    drafts = {n.src_uri for n in [*library.drafts.values(), *library.project_drafts.values()]}
    attachments = attachment_index(sorted(targets.files))
    transcluder = Transcluder(library, workspace.notes_dir)
    problems: list[Problem] = []
    for path, src in iter_markdown(workspace.notes_dir, exclude=(), guard=workspace_link_guard(workspace)):
        if src in drafts:
            continue  # not published: its links are not checked by a build either
        note = notes.get(src)
        if note is not None:
            text, first_line, shown = note.body, note.body_line, note.display_path
        else:  # another page of the site (a blog post, the home page)
            try:
                _front, text, _fm_line, first_line = split_front_matter(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                continue  # reported where the notes are loaded
            shown = display_path(path, workspace.root)
            if "[[" in text:  # a note's wikilinks are checked when it is loaded
                problems += _wikilink_problems(text, first_line, src, shown, library, site, attachments)
        problems += missing_targets(text, first_line, src, shown, targets)
        if "![[" in text:  # embeds of sections that are not there, loops
            problems += [Problem(shown, first_line + index, Severity.WARNING, message)
                         for index, message in transcluder.expand(strip_obsidian_comments(text), src).problems]
    return problems


def _wikilink_problems(text: str, first_line: int, src: str, shown: str, library: Library, site: SiteMap,
                       attachments: dict[str, str]) -> list[Problem]:
    """What the build warns about the ``[[...]]`` of a page that is no note (a vault's other pages):
    names no note or page has, attachments that are not there."""
    found: list[Problem] = []

    def warn(index: int, message: str) -> None:
        found.append(Problem(shown, first_line + index, Severity.WARNING, message))

    map_prose(text, wikilink_transform(src, library, site, warn, attachments=attachments))
    return found


def run(args: argparse.Namespace) -> int:
    workspace = notes_workspace(args.notes_dir)
    library = load_workspace_library(workspace)
    problems = library.problems + cycle_problems(library) + link_problems(workspace, library)
    # Citations Semantic Scholar knows (paperkb enrich) that a note's cites leaves out: notes, not warnings.
    problems += derived_notes(library, library.scholar) if library.scholar else []
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(f"{problem.path}:{problem.line}: {problem.severity.value}: {problem.message}")
        errors = sum(p.severity is Severity.ERROR for p in problems)
        notes = sum(p.severity is Severity.NOTE for p in problems)
        count = len(library.projects)
        projects = f", {count} project{'s' if count != 1 else ''}" if count else ""
        print(f"{len(library)} notes, {len(library.drafts)} drafts{projects}: {errors} errors, "
              f"{len(problems) - errors - notes} warnings" + (f", {notes} notes" if notes else ""))
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0
