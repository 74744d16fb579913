"""`paperkb import bib FILE.bib`: one new note per BibTeX entry that has none (Zotero, Better BibTeX)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.bib.database import load_bibliography
from ..core.bib.importer import KEPT_MARK, NOTE_HOLDS, kept_source_text, plan_import
from ..core.problems import Severity
from ..importers.writer import Outcome, SafeWriter
from .workspace import add_notes_option, find_workspace
from .sources import load_workspace_library


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bib", help="create a note for each BibTeX entry that has none",
        description="Create one note (level: skim) per entry of FILE.bib whose key no note has. "
                    "Existing notes and files are never touched.")
    parser.add_argument("bib_file", metavar="FILE.bib")
    parser.add_argument("--out", help="folder for new notes (default: <notes>/papers)")
    add_notes_option(parser)
    parser.add_argument("--dry-run", action="store_true", help="print what would be created; write nothing")
    parser.set_defaults(run=run)


def _keep_source(bib_path: Path, keys: list[str], notes_dir: Path, writer: SafeWriter) -> str:
    """Keep the imported entries, as written, in a .bib file in the notes folder (the notes
    hold only the fields a card shows): the site and `export bib` read them, so an import
    followed by an export loses no field. Returns the summary line saying what is kept where."""
    holds = f"kept: the new notes hold {NOTE_HOLDS}"
    if bib_path.resolve().is_relative_to(notes_dir.resolve()):
        return f"{holds}; every field stays in {writer.show(bib_path)} (in the notes folder, read by the site and export bib)"
    source_text = bib_path.read_bytes().decode("utf-8-sig", errors="replace")
    for suffix in ("", "-imported", "-imported-2", "-imported-3"):
        target = notes_dir / f"{bib_path.stem}{suffix}.bib"
        existing = target.read_text(encoding="utf-8-sig", errors="replace") if target.is_file() else ""
        if not target.exists() or KEPT_MARK in existing[:500]:
            break
    text, added = kept_source_text(source_text, keys, existing)
    if added:
        writer.replace(target, text) if existing else writer.write(target, text)
    keeps = "would keep" if writer.dry_run else "keeps"
    return (f"{holds}; {writer.show(target)} {keeps} {len(added)} source entries as written (every field: pages, "
            f"publisher, volume, ...), read by the site and by `paperkb export bib`")


def run(args: argparse.Namespace) -> int:
    bib_path = Path(args.bib_file)
    if not bib_path.is_file():
        print(f"paperkb import bib: {bib_path}: no such file", file=sys.stderr)
        return 2
    workspace = find_workspace(args.notes)
    out = Path(args.out) if args.out else workspace.notes_dir / "papers"
    # The notes as they are (without any .bib): only their keys matter here.
    library = load_workspace_library(workspace, with_bib=False)
    bibliography, problems = load_bibliography([bib_path], root=workspace.root)
    for problem in problems:
        print(problem, file=sys.stderr)

    writer = SafeWriter(dry_run=args.dry_run, root=workspace.root)
    created, skipped, bib_only = [], [], []
    for plan in plan_import(bibliography, library, out):
        if plan.path is None:
            skipped.append((plan.entry.key, plan.skip_reason))
            if plan.keep_as_bib_entry:  # `baez/article`: no note can have the key; the entry stays citable
                bib_only.append(plan.entry.key)
            continue
        result = writer.write(plan.path, plan.text)
        if result.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE):
            created.append((plan.entry.key, writer.show(plan.path)))
        else:  # created by someone else meanwhile: left alone
            skipped.append((plan.entry.key, f"{writer.show(plan.path)} exists"))

    verb = "would create" if args.dry_run else "created"
    print(f"{bibliography.files[0]}: {len(bibliography)} entries: {verb} {len(created)} notes, skipped {len(skipped)}")
    for key, path in created:
        print(f"  {verb}: {path} ({key})")
    for key, why in skipped:
        print(f"  skipped: {key}: {why}")
    if created or bib_only:
        print(_keep_source(bib_path, [key for key, _ in created] + bib_only, workspace.notes_dir, writer))
    if bib_only:
        print(f"  {len(bib_only)} entries without a note ({', '.join(bib_only[:3])}{', ...' if len(bib_only) > 3 else ''}) "
              "are kept as bibliography entries: they show on the Bibliography page and in `export bib`")
    if args.dry_run:
        print("dry run: nothing was written")
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0
