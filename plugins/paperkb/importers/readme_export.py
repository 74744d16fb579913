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
from .readme import HEADING, HTML_ROW, ITEM, PARAGRAPH, ROW, bullet_prefix, render_heading, replace_count
from .readme_html import html_values, render_html_row
from .readme_entries import render_row
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
    year: int | None = None
    like: EntryLayout | None = None  # the shape for notes added here: the section's last recorded entry
    field: str | None = None  # last: it hides dataclasses.field


def export_readme(library: Library, state: ReadmeState | None = None, *, title: str | None = None,
                  by_year: bool = False) -> str:
    layout = state.layout if state else None
    sections: list[_Section] = []
    placed: set[str] = set()
    for recorded in layout.sections if layout else []:
        section = _Section(recorded.name, list(recorded.head), new=False, year=recorded.year,
                           like=recorded.entries[-1] if recorded.entries else None, field=recorded.field)
        for entry in recorded.entries:
            note = library.get(entry.key)
            if note is not None and note.key not in placed and _belongs(note, recorded.field):
                section.slots.append(_Slot(note, entry, moved=False))
                placed.add(note.key)
        sections.append(section)

    recorded_entries = {e.key: e for s in (layout.sections if layout else []) for e in s.entries}
    new_sections: dict[str, _Section] = {}
    arrivals: dict[int, list[_Slot]] = {}  # id(section) -> new slots, newest first
    for note in sorted((n for n in library if n.key not in placed), key=_newest_first):
        name = _section_of(note)
        same = [s for s in sections if _same_field(s.field, name)]
        target = next((s for s in same if s.year is not None and s.year == note.year), None)
        if target is None and name is None:
            target = next((s for s in same if s.name is None), None)
        elif target is None:
            target = next((s for s in same if s.year is None), same[0] if same else None)
        if target is None:
            name = name or OTHERS
            target = next((s for s in sections if _same_field(s.field, name)), None) or new_sections.get(name)
        if target is None:
            target = new_sections[name] = _Section(name, [f"## {name}", ""], new=True, field=name)
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
        if section.new or not ends_as_imported:
            _blank_before(lines)
        lines += section.head
        ends_as_imported = not section.new
        lines += _section_entries(section)
        if section.slots:
            ends_as_imported = not any(slot.moved for slot in section.slots)
    if not ends_as_imported or layout is None:
        del lines[len(lines) - _trailing_blanks(lines):]
    text = "\n".join(lines)
    return text + "\n" if not layout or layout.final_newline else text


def _section_entries(section: _Section) -> list[str]:
    """The section's entries with the README text after them. Rows and list items that were moved
    or added join the run of their kind; text that stood after one of them (the end of a table or
    list) waits for the end of the run, so a table stays one table."""
    lines: list[str] = []
    waiting: list[str] = []  # README text after the last entry in its place: it comes before the next one
    deferred: list[str] = []  # README text after entries that moved: it comes after the run
    recorded = [slot.layout.after for slot in section.slots if slot.layout and not slot.moved]
    separator = recorded[0] if len(recorded) > 1 and not _has_text(recorded[0]) else []  # a loose list's blank line
    previous_kind = None
    for slot in section.slots:
        shape = slot.layout or section.like
        kind = shape.kind if shape else HEADING
        entry = _entry_lines(slot.note, slot.layout, section.year, like=section.like)
        own = slot.layout.after if slot.layout else []
        if slot.moved and kind != HEADING and kind == previous_kind:  # joins the run of rows or items
            lines += {ITEM: separator, PARAGRAPH: [""]}.get(kind, []) + entry
            if _has_text(own):
                deferred += ([""] if deferred and deferred[-1].strip() else []) + own
        elif not slot.moved:
            lines += waiting + entry
            waiting = list(own)
        else:
            lines += waiting + deferred
            waiting, deferred = list(own), []
            if kind == HEADING:
                _blank_before(lines)
            lines += entry
        previous_kind = kind
    if deferred and waiting and waiting[-1].strip():
        waiting.append("")
    return lines + waiting + deferred


def _section_of(note: Note) -> str | None:
    return note.fields[0] if note.fields else None


def _belongs(note: Note, section_field: str | None) -> bool:
    """A note stays in the section it was imported from while its first field is the section's
    (none for a section named by a year, ``## 2025``)."""
    return _same_field(_section_of(note), section_field)


def _same_field(a: str | None, b: str | None) -> bool:
    """Fields alike up to case and spaces are one (the library spells each field one way)."""
    if a is None or b is None:
        return a == b
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _year_key(note: Note) -> tuple[bool, int]:
    return (note.year is None, -(note.year or 0))


def _newest_first(note: Note) -> tuple:
    return (*_year_key(note), note.title.casefold(), note.key)


def _merge_by_year(slots: list[_Slot], arrivals: list[_Slot]) -> list[_Slot]:
    """``arrivals`` (newest first) merged into ``slots`` in the order the slots go by year (newest
    first, unless they go oldest first, as many tables do): each before the first entry it comes
    before, the order of ``slots`` kept; arrivals without a year at the end. One pass."""
    years = [slot.note.year for slot in slots if slot.note.year is not None]
    oldest_first = len(years) >= 3 and len(set(years)) > 1 and years == sorted(years)  # two make no order
    if oldest_first:
        dated = [a for a in arrivals if a.note.year is not None][::-1]
        arrivals = dated + [a for a in arrivals if a.note.year is None]
    merged: list[_Slot] = []
    waiting = 0
    for slot in slots:
        year = slot.note.year
        while (year is not None and waiting < len(arrivals) and arrivals[waiting].note.year is not None
               and (arrivals[waiting].note.year < year if oldest_first else arrivals[waiting].note.year > year)):
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


def _entry_lines(note: Note, layout: EntryLayout | None, section_year: int | None = None,
                 like: EntryLayout | None = None) -> list[str]:
    """The note as its README entry: a ``###`` heading, a list item or a table row, the shape it was
    imported in (``layout``), else the shape of its section's entries (``like``)."""
    shape = layout or like
    kind = shape.kind if shape else HEADING
    year = note.year
    if (year is not None and year == section_year and layout is not None and "{year}" not in layout.heading
            and "year" not in layout.fixed):
        year = None  # the section (`## 2025`) says it, as in the README imported
    url = paper_url(note)
    if kind != HEADING and layout is not None and "{url}" not in layout.heading:
        url = note.links.get("paper")  # a code or project link is no paper URL for the row's template
    values = dict(title=note.title, year=year, url=url, venue=note.venue,
                  fixed=layout.fixed if layout else None)
    template = layout.heading if layout else None
    if kind in (ROW, HTML_ROW):
        render = render_html_row if kind == HTML_ROW else render_row
        if kind == HTML_ROW and layout is not None:  # the note's values as the row's HTML writes them
            values.update(html_values(layout.fixed, title=note.title, url=url, venue=note.venue))
        fallback = render(shape.columns or [], title=note.title, url=url, year=year, venue=note.venue,
                          links=note.links, authors=list(note.authors), notes=_one_line(note))
        return [render_heading(template, **values, fallback=fallback)]
    if kind == ITEM:
        marker = _item_marker(shape.heading)
        text = f"[{note.title}]({url})" if url else f"**{note.title}**"
        details = " ".join(str(v) for v in (note.venue, year) if v)
        fallback = f"{marker}{text}" + (f" - {details}" if details else "")
        first = render_heading(template, **values, fallback=fallback)
        indent = (layout.indent if layout else "") or marker[:len(marker) - len(marker.lstrip())] + " " * len(marker.lstrip())
        lead, trail = (layout.lead, layout.trail) if layout else (0, 0)
        body = _body_with_insights(note, layout, lead, trail, default_prefix="- ")
        return [first] + [indent + line if line.strip() else line for line in body]
    if kind == PARAGRAPH:  # `**Title** \` and the paper's links on the lines after it
        fallback = f"**[{note.title}]({url})**" if url else f"**{note.title}**"
        heading = render_heading(template, **values, fallback=fallback)
        lead, trail = (layout.lead, layout.trail) if layout else (0, 0)
        return [heading] + _body_with_insights(note, layout, lead, trail, default_prefix="- ")
    heading = render_heading(template, **values)
    lead, trail = (layout.lead, layout.trail) if layout else (0, 1)
    return [heading] + _body_with_insights(note, layout, lead, trail, default_prefix=None)


def _body_with_insights(note: Note, layout: EntryLayout | None, lead: int, trail: int,
                        default_prefix: str | None) -> list[str]:
    body = _body_lines(note)
    long_form = _has_headings(body)
    if long_form:
        body = _summary(note, default_prefix or bullet_prefix([]))
    lines = [""] * lead + body + [""] * trail

    # Front-matter insights go back where their bullets stood; new ones after the bullets.
    waiting = [] if long_form else [i.text for i in note.insights if not i.in_body]
    for slot in sorted(layout.insights, key=lambda s: s.at) if layout else []:
        if slot.text in waiting:
            waiting.remove(slot.text)
            at = min(slot.at, len(lines))
            lines[at:at] = slot.lines
    if waiting:
        prefix = bullet_prefix(body) if default_prefix is None or _has_bullet(body) else default_prefix
        at = len(lines) - _trailing_blanks(lines)
        lines[at:at] = [line for text in waiting for line in _bullet(prefix, f"[想法] {text}")]
    return lines


def _item_marker(template: str | None) -> str:
    match = re.match(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)", template or "")
    return match.group(1) if match else "- "


def _has_bullet(lines: list[str]) -> bool:
    return any(re.match(r"^[ \t]*[-*+][ \t]+", line) for line in lines)


def _one_line(note: Note) -> str:
    """A note's words for a table cell: its first paragraph, else its problem or method."""
    body = [line.strip() for line in _body_lines(note)]
    paragraph = []
    for line in body:
        if not line or line.startswith(("#", "- **", "```")):
            if paragraph:
                break
            continue
        paragraph.append(line)
    text = " ".join(paragraph) or note.problem or note.method or ""
    return re.sub(r"\s+", " ", text).strip()


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
