"""`paperkb import readme FILE`: one note per entry of a reading-list README."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importers.readme_import import ReadmeImportReport, import_readme
from ..importers.writer import Outcome
from .imports import print_warnings_and_dry_run
from .workspace import add_notes_option, find_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "readme", help="create a note for each paper of a reading-list README ('###' entries, table rows, list items)",
        description="Create one note per paper of a reading-list README (never overwrites a note): "
                    "'### 2022 - [Title](url)' headings, rows of Markdown tables with a Title or Paper column, "
                    "and awesome-list items such as '- [Title](url) - Venue 2021'. "
                    "The README's intro and layout are kept in <notes>/.paperkb/ for `paperkb export readme`.")
    parser.add_argument("readme", metavar="FILE")
    parser.add_argument("--out", help="folder for new notes (default: <notes>/papers)")
    add_notes_option(parser)
    parser.add_argument("--dry-run", action="store_true", help="print what would be created; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    readme = Path(args.readme)
    if not readme.is_file():
        print(f"paperkb import readme: {readme}: no such file", file=sys.stderr)
        return 2
    workspace = find_workspace(args.notes)
    out = Path(args.out) if args.out else workspace.notes_dir / "papers"
    report = import_readme(readme, notes_dir=workspace.notes_dir, out_dir=out, dry_run=args.dry_run,
                           project_root=workspace.root)
    print_report(report, dry_run=args.dry_run)
    if report.doc is not None and not report.notes:
        print(f"paperkb import readme: {report.readme}: no paper entries found, nothing imported "
              "(the warning above says which shapes were looked for)", file=sys.stderr)
        return 1
    return 1 if report.failed else 0


_SHAPE_NAMES = {"heading": "'###' headings", "row": "table rows", "html-row": "HTML table rows", "item": "list items"}


def print_report(report: ReadmeImportReport, *, dry_run: bool) -> None:
    writer = report.writer
    if report.doc is not None:
        fields = report.entries_by_field
        print(f"{report.readme}: {len(report.notes)} entries in {len(fields)} fields, {report.insights} insights")
        shapes = report.entries_by_shape
        if shapes:
            print("  shapes: " + ", ".join(f"{shapes[kind]} {_SHAPE_NAMES[kind]}" for kind in _SHAPE_NAMES if shapes[kind]))
        for name, count in fields.items():
            print(f"  {name}: {count}")
        for name, count in report.entries_by_year_section.items():
            print(f"  {name}: {count} (a year: the notes' year, not a field)")
        if report.count_line is not None:
            print(f"  count line (line {report.count_line.line}): {report.count_line.count}")
    verb = "would create" if dry_run else "created"
    created = [n for n in report.notes if n.result and n.result.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE)]
    skipped = [n for n in report.notes if n.result and n.result.skipped]
    print(f"notes: {verb} {len(created)}, skipped {len(skipped)}")
    for note in created:
        print(f"  {verb}: {writer.show(note.path)}")
    for note in skipped:
        print(f"  skipped: {writer.show(note.path)} ({note.result.skip_reason})")
    for result in report.state:
        print(f"state: {writer.show(result.path)}: {result.outcome.value}")
    print_warnings_and_dry_run(report.problems, dry_run=dry_run)
