"""`paperkb export readme`: the notes as a reading-list README.

With the state of a README import (readme_state) the README comes back as it was: its intro
(with the count updated), its sections and their text, each entry's heading shape, bullets and
``[想法]`` bullets where they stood. Notes that were not in that README are added by year, newest
first, to the section of their first field (new fields after the known ones, "Others" last).
Notes whose body is long-form (it has headings) are summed up as bullets: problem, method,
results, insights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.body_scan import iter_prose_lines
from ..core.library import Library
from ..core.model import Note
from .readme import bullet_prefix, render_heading, replace_count, section_year
from .readme_state import EntryLayout, ReadmeState

OTHERS = "Others"
_CATCH_ALL = {"others", "other", "misc", "miscellaneous", "其他", "其它"}
_HEADING = re.compile(r"^ {0,3}#{1,3}(?:[ \t]|$)")  # level 4+ may sit inside an entry
_TITLE = re.compile(r"^ {0,3}#(?:[ \t]+.*)?$")


@dataclass
class _Slot:
    note: Note
    layout: EntryLayout | None
    moved: bool  # not where the layout had it: make sure a blank line comes before it


@dataclass
class _Section:
    name: str | None
    head: list[str]
    new: bool
    slots: list[_Slot] = field(default_factory=list)


def export_readme(library: Library, state: ReadmeState | None = None, *, title: str | None = None,
                  by_year: bool = False) -> str:
    layout = state.layout if state else None
    sections: list[_Section] = []
    placed: set[str] = set()
    for recorded in layout.sections if layout else []:
        section = _Section(recorded.name, list(recorded.head), new=False)
        for entry in recorded.entries:
            note = library.get(entry.key)
            if note is not None and note.key not in placed and _belongs(note, recorded.name):
                section.slots.append(_Slot(note, entry, moved=False))
                placed.add(note.key)
        sections.append(section)

    recorded_entries = {e.key: e for s in (layout.sections if layout else []) for e in s.entries}
    first_by_name: dict[str | None, _Section] = {}
    for section in sections:
        first_by_name.setdefault(section.name, section)
    new_sections: dict[str, _Section] = {}
    arrivals: dict[int, list[_Slot]] = {}  # id(section) -> new slots, newest first
    year_sections = {section_year(s.name): s for s in reversed(sections) if section_year(s.name) is not None}
    for note in sorted((n for n in library if n.key not in placed), key=_newest_first):
        name = _section_of(note)
        target = first_by_name.get(name) if name is not None else year_sections.get(note.year)
        target = target or first_by_name.get(name)
        if target is None:
            name = name or OTHERS
            target = first_by_name.get(name) or new_sections.get(name)
        if target is None:
            target = new_sections[name] = _Section(name, [f"## {name}", ""], new=True)
        arrivals.setdefault(id(target), []).append(_Slot(note, recorded_entries.get(note.key), moved=True))
    for section in [*sections, *new_sections.values()]:
        if id(section) in arrivals:
            section.slots = _merge_by_year(section.slots, arrivals[id(section)])
    # New fields go before a catch-all section ("Others") of the layout, else at the end.
    added = sorted(new_sections.values(), key=lambda s: (s.name.casefold() in _CATCH_ALL, s.name.casefold()))
    at = next((i for i, s in enumerate(sections) if s.name and s.name.casefold() in _CATCH_ALL), len(sections))
    sections[at:at] = [s for s in added if s.name.casefold() not in _CATCH_ALL]
    sections += [s for s in added if s.name.casefold() in _CATCH_ALL]

    if by_year:
        for section in sections:
            section.slots.sort(key=lambda slot: _year_key(slot.note))
            for slot in section.slots:
                slot.moved = True

    count = sum(len(s.slots) for s in sections)
    lines = _intro(state.intro if state else None, title, count)
    ends_as_imported = True  # the last lines come from the layout: keep their blank lines as they were
    for section in sections:
        if section.new:
            _blank_before(lines)
        lines += section.head
        ends_as_imported = not section.new
        for slot in section.slots:
            if slot.moved:
                _blank_before(lines)
            lines += _entry_lines(slot.note, slot.layout, section_year(section.name))
            ends_as_imported = not slot.moved
    if not ends_as_imported or layout is None:
        del lines[len(lines) - _trailing_blanks(lines):]
    text = "\n".join(lines)
    return text + "\n" if not layout or layout.final_newline else text


def _section_of(note: Note) -> str | None:
    return note.fields[0] if note.fields else None


def _belongs(note: Note, section: str | None) -> bool:
    """A note stays in the section it was imported from: its field's, or a year's (``## 2025``)
    when it has no field."""
    if section_year(section) is not None:
        return not note.fields
    return _section_of(note) == section


def _year_key(note: Note) -> tuple[bool, int]:
    return (note.year is None, -(note.year or 0))


def _newest_first(note: Note) -> tuple:
    return (*_year_key(note), note.title.casefold(), note.key)


def _merge_by_year(slots: list[_Slot], arrivals: list[_Slot]) -> list[_Slot]:
    """``arrivals`` (newest first) merged into ``slots``: each before the first entry of an older
    year, the order of ``slots`` kept; arrivals without a year at the end. One pass."""
    merged: list[_Slot] = []
    waiting = 0
    for slot in slots:
        year = slot.note.year
        while (year is not None and waiting < len(arrivals) and arrivals[waiting].note.year is not None
               and arrivals[waiting].note.year > year):
            merged.append(arrivals[waiting])
            waiting += 1
        merged.append(slot)
    return merged + arrivals[waiting:]


def _blank_before(lines: list[str]) -> None:
    if lines and lines[-1].strip():
        lines.append("")


def _intro(intro: list[str] | None, title: str | None, count: int) -> list[str]:
    if intro is None:
        return [f"# {title or 'Reading list'}", "", f"Total Count: {count}", ""]
    lines = replace_count(intro, count)
    if title is not None:
        index = next((i for i, line in enumerate(lines) if _TITLE.match(line)), None)
        if index is None:
            lines = [f"# {title}", ""] + lines
        else:
            lines[index] = f"# {title}"
    return lines


# -- one entry --------------------------------------------------------------------------------
def paper_url(note: Note) -> str | None:
    if note.links.get("paper"):
        return note.links["paper"]
    if note.arxiv:
        return f"https://arxiv.org/abs/{note.arxiv}"
    if note.doi:
        return f"https://doi.org/{note.doi}"
    return next(iter(note.links.values()), None)


def _entry_lines(note: Note, layout: EntryLayout | None, section_year: int | None = None) -> list[str]:
    year = note.year
    if year is not None and year == section_year and layout is not None and "{year}" not in layout.heading:
        year = None  # the section (`## 2025`) says it, as in the README imported
    heading = render_heading(layout.heading if layout else None, title=note.title, year=year, url=paper_url(note))
    body = _body_lines(note)
    long_form = _has_headings(body)
    if long_form:
        body = _summary(note, bullet_prefix([]))
    lead, trail = (layout.lead, layout.trail) if layout else (0, 1)
    lines = [""] * lead + body + [""] * trail

    # Front-matter insights go back where their bullets stood; new ones after the bullets.
    waiting = [] if long_form else [i.text for i in note.insights if not i.in_body]
    for slot in sorted(layout.insights, key=lambda s: s.at) if layout else []:
        if slot.text in waiting:
            waiting.remove(slot.text)
            at = min(slot.at, len(lines))
            lines[at:at] = slot.lines
    if waiting:
        prefix = bullet_prefix(body)
        at = len(lines) - _trailing_blanks(lines)
        lines[at:at] = [line for text in waiting for line in _bullet(prefix, f"[想法] {text}")]
    return [heading] + lines


def _body_lines(note: Note) -> list[str]:
    lines = note.body.replace("\r\n", "\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _has_headings(lines: list[str]) -> bool:
    return any(_HEADING.match(line) for _, line in iter_prose_lines("\n".join(lines)))


def _summary(note: Note, prefix: str) -> list[str]:
    lines: list[str] = []
    for label, text in (("Problem", note.problem), ("Method", note.method), ("Results", note.results)):
        if text:
            lines += _bullet(prefix, f"{label}: {text}")
    for insight in note.insights:
        lines += _bullet(prefix, f"[想法] {insight.text}")
    return lines


def _bullet(prefix: str, text: str) -> list[str]:
    first, *rest = [part.strip() for part in text.strip().split("\n")] or [""]
    return [prefix + first] + [" " * len(prefix) + part for part in rest if part]


def _trailing_blanks(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and not lines[len(lines) - 1 - count].strip():
        count += 1
    return count
