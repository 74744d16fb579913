"""`paperkb import readme`: one note per README entry, and what an export needs to write it back.

Each note gets ``title``, ``key`` (an ASCII slug of the title, made unique with -2, -3),
``year``, ``field`` (the section), ``links.paper`` (the heading's URL), ``arxiv`` / ``doi`` /
``venue`` when the URL tells them, and ``insights`` (the ``[想法]`` bullets). The body is every
other line under the heading, verbatim and in order. Where the insights stood, the heading's
shape and the README's other text go to ``<notes>/.paperkb/`` (see readme_state).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.loader import load_library
from ..core.model import Note
from ..core.active_html import active_html_message, neutralize_active_html
from ..core.problems import Problem, ProblemLog, display_path
from ..core.slug import key_from_text
from ..core.text_encoding import not_utf8
from ..core.paper_links import link_info
from .post_body import warn_missing_relative_links
from .readme import HEADING, HTML_ROW, ROW, CountLine, Entry, ReadmeDoc, parse_readme
from .readme_state import (
    EntryLayout, InsightSlot, LayoutError, ReadmeLayout, SectionLayout, intro_text, load_state, state_paths,
)
from .writer import Outcome, SafeWriter, WriteResult, markdown_file


@dataclass
class PlannedNote:
    entry: Entry
    key: str
    path: Path
    text: str
    insights: int
    layout: EntryLayout
    result: WriteResult | None = None


@dataclass
class ReadmeImportReport:
    readme: str  # as shown in messages
    doc: ReadmeDoc | None
    notes: list[PlannedNote]
    writer: SafeWriter
    problems: list[Problem] = field(default_factory=list)
    state: list[WriteResult] = field(default_factory=list)

    @property
    def entries_by_field(self) -> Counter:
        return Counter(p.entry.field or "(no section)" for p in self.notes
                       if p.entry.field is not None or p.entry.section_year is None)

    @property
    def entries_by_year_section(self) -> Counter:
        """Entries of sections named by a year (``## 🔥 2025``) and no field: they get that year."""
        return Counter(p.entry.section for p in self.notes if p.entry.field is None and p.entry.section_year is not None)

    @property
    def entries_by_shape(self) -> Counter:
        return Counter(p.entry.kind for p in self.notes)

    @property
    def insights(self) -> int:
        return sum(p.insights for p in self.notes)

    @property
    def count_line(self) -> CountLine | None:
        return self.doc.count_line if self.doc else None

    @property
    def failed(self) -> bool:
        return self.doc is None


def import_readme(readme: Path, *, notes_dir: Path, out_dir: Path | None = None, dry_run: bool = False,
                  project_root: Path | None = None) -> ReadmeImportReport:
    notes_dir = Path(notes_dir)
    out_dir = Path(out_dir) if out_dir is not None else notes_dir / "papers"
    root = project_root or notes_dir.parent
    log = ProblemLog(display_path(Path(readme), root))
    writer = SafeWriter(dry_run=dry_run, root=root)
    try:
        raw = Path(readme).read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.error(*not_utf8(raw, exc, "README"))
        return ReadmeImportReport(log.display_path, None, [], writer, log.problems)
    doc = parse_readme(text, log)
    existing = load_library(notes_dir, project_root=root)
    known = {**existing.drafts, **existing.notes}
    planned = plan_notes(doc, out_dir, known, log, root)
    for note in planned:
        note.result = writer.write(note.path, note.text)

    report = ReadmeImportReport(log.display_path, doc, planned, writer, log.problems)
    if planned:  # a README without entries leaves the layout of the last import alone
        report.state = _write_state(doc, planned, Path(readme), notes_dir, root, writer, log)
    return report


# -- planning ------------------------------------------------------------------------------------
def plan_notes(doc: ReadmeDoc, out_dir: Path, existing: dict[str, Note], log: ProblemLog,
               root: Path | None = None) -> list[PlannedNote]:
    root = root or out_dir
    taken: dict[str, Entry] = {}
    by_arxiv: dict[str, Entry] = {}
    existing_arxiv = {n.arxiv: n for n in existing.values() if n.arxiv}
    planned = []
    for entry in doc.entries:
        key, path = _unique_key(entry, out_dir, taken, existing, log)
        taken[key] = entry
        front, layout, insights = _note_parts(entry, key)
        arxiv = front.get("arxiv")
        if arxiv and arxiv in by_arxiv:
            log.warning(entry.line, f"arXiv {arxiv} is also the paper of the entry on line {by_arxiv[arxiv].line}")
        elif arxiv and arxiv in existing_arxiv and not _same_file(existing_arxiv[arxiv].path, path):
            other = existing_arxiv[arxiv]
            log.warning(entry.line, f"arXiv {arxiv} already has a note: {other.display_path} (key {other.key}); "
                                    f"imported as {key} all the same")
        if arxiv:
            by_arxiv.setdefault(arxiv, entry)
        body, _ = neutralize_active_html(_body(entry, layout))  # someone else's HTML: shown, never run
        own = entry.lines if entry.kind == HEADING else [entry.source] + entry.lines
        first = entry.line + 1 if entry.kind == HEADING else entry.line
        for line, what in neutralize_active_html("\n".join(own), first)[1]:
            log.warning(line, active_html_message(what))
        warn_missing_relative_links("\n".join(own), first, log, out_dir=out_dir, root=root,
                                    written_beside="the README's folder")
        planned.append(PlannedNote(entry, key, path, markdown_file(front, body), insights, layout))
    return planned


def _unique_key(entry: Entry, out_dir: Path, taken: dict[str, Entry], existing: dict[str, Note],
                log: ProblemLog) -> tuple[str, Path]:
    title = entry.heading.title
    base = key_from_text(title, max_words=6)
    number, reason = 1, ""
    while True:
        key = base if number == 1 else f"{base}-{number}"
        path = out_dir / f"{key}.md"
        other = existing.get(key)
        if key not in taken and (other is None or _same_file(other.path, path)):
            break
        if not reason:
            reason = (f"the entry on line {taken[key].line} has the same key '{key}'" if key in taken
                      else f"key '{key}' is taken by {other.display_path}")
        number += 1
    if reason:
        log.warning(entry.line, f"{reason}; imported as '{key}'")
    return key, path


def _same_file(a: Path, b: Path) -> bool:
    return a == b or a.resolve() == b.resolve()


def _note_parts(entry: Entry, key: str) -> tuple[dict[str, Any], EntryLayout, int]:
    heading = entry.heading
    info = link_info(heading.url) if heading.url else None
    blocks = entry.insight_blocks()
    front: dict[str, Any] = {"title": heading.title, "key": key}
    year = heading.year if heading.year is not None else entry.section_year  # `## 🔥 2025`: the entries' year
    if year is not None:
        front["year"] = year
    if heading.venue or (info and info.venue):
        front["venue"] = heading.venue or info.venue
    if heading.authors:
        front["authors"] = list(heading.authors)
    if entry.field:
        front["field"] = entry.field
    if heading.url or heading.links:
        front["links"] = ({"paper": heading.url} if heading.url else {}) | heading.links
    if info and info.arxiv:
        front["arxiv"] = info.arxiv
    if info and info.doi:
        front["doi"] = info.doi
    if blocks:
        front["insights"] = [b.text for b in blocks]

    inside = {i for b in blocks for i in range(b.start, b.start + len(b.lines))}
    rest = [line for i, line in enumerate(entry.lines) if i not in inside]
    lead = _leading_blanks(rest)
    trail = _leading_blanks(rest[lead:][::-1])
    fixed = dict(heading.fixed)
    if heading.year is None and year is not None and "{year}" not in heading.template:
        fixed.pop("year", None)  # the section says it; the export leaves it out of the line again
    layout = EntryLayout(key=key, heading=heading.template, lead=lead, trail=trail,
                         insights=[InsightSlot(b.start, b.text, b.lines) for b in blocks], kind=entry.kind,
                         after=list(entry.after), indent=entry.indent, fixed=fixed, columns=entry.columns)
    return front, layout, len(blocks)


def _leading_blanks(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and not lines[count].strip():
        count += 1
    return count


def _body(entry: Entry, layout: EntryLayout) -> str:
    if entry.kind in (ROW, HTML_ROW):  # the row's notes and other cells
        return "\n\n".join(entry.heading.details)
    inside = {i for s in layout.insights for i in range(s.at, s.at + len(s.lines))}
    rest = [line for i, line in enumerate(entry.lines) if i not in inside]
    return "\n".join(rest[layout.lead:len(rest) - layout.trail])


# -- state -----------------------------------------------------------------------------------------
def _write_state(doc: ReadmeDoc, planned: list[PlannedNote], readme: Path, notes_dir: Path, root: Path,
                 writer: SafeWriter, log: ProblemLog) -> list[WriteResult]:
    intro_path, layout_path = state_paths(notes_dir)
    by_entry = {id(p.entry): p.layout for p in planned}
    layout = ReadmeLayout(
        source=display_path(Path(readme), root),
        sections=[SectionLayout(s.name, s.head, [by_entry[id(e)] for e in s.entries], field=s.field, year=s.year)
                  for s in doc.sections],
        final_newline=doc.final_newline,
    )
    results = [writer.write(intro_path, intro_text(doc.intro))]
    if results[0].outcome is Outcome.EXISTS:
        log.warning(1, f"{writer.show(intro_path)} differs from this README's intro and was kept "
                       "(delete it to take this intro)")
    try:
        previous = load_state(notes_dir).layout
    except LayoutError:
        previous = None
    if previous is not None and previous.source != layout.source:
        results.append(WriteResult(layout_path, Outcome.EXISTS))
        log.warning(1, f"{writer.show(layout_path)} records the layout of {previous.source} and was kept; "
                       "an export writes the new notes in the default shape")
    else:  # the layout of this README, newer than the recorded one
        results.append(writer.replace(layout_path, layout.to_yaml()))
    return results
