"""What an export needs from the last README import, kept beside the notes.

``<notes>/.paperkb/readme-intro.md``
    the README's text above the first section, verbatim (title, introduction, count line). It
    is the user's text: edit it freely; the export writes it at the top and updates the count.
``<notes>/.paperkb/readme-layout.yml``
    machine state, one record per section and entry: the section heading and text before the
    first entry, each entry's heading template, the blank lines around its bullets and where
    its ``[想法]`` bullets stood. Everything a note holds (title, year, URL, bullets, insights)
    stays in the note; this file only says how to lay it out again.

Both live in a hidden folder, which MkDocs and the note loader skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .readme import section_year
from .writer import dump_yaml

STATE_DIR = ".paperkb"
INTRO_FILE = "readme-intro.md"
LAYOUT_FILE = "readme-layout.yml"
FORMAT = 1
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: a 10,000-entry layout reads in a blink
_HEADER = (
    "# Written by `paperkb import readme`, read by `paperkb export readme`: how the README laid out\n"
    "# the notes (section text, heading shapes, blank lines, where the [想法] bullets stood).\n"
    "# The intro is in readme-intro.md beside this file; edit that one, not this.\n"
)


class LayoutError(ValueError):
    pass


@dataclass
class InsightSlot:
    at: int  # index into the entry's lines (bullets and blank lines after the heading)
    text: str  # the insight as the note's front-matter holds it
    lines: list[str]  # the bullet as written, with its continuation lines


@dataclass
class EntryLayout:
    key: str
    heading: str  # template with {year} {title} {url} {venue}
    lead: int = 0  # blank lines between the heading and the note's body
    trail: int = 1  # blank lines after it
    insights: list[InsightSlot] = field(default_factory=list)
    kind: str = "heading"  # heading (`###`), item (a list item) or row (a table row)
    after: list[str] = field(default_factory=list)  # README text after the entry: the end of a list or table
    indent: str = ""  # put back before each line of a list item's body
    fixed: dict[str, Any] = field(default_factory=dict)  # values written literally in the template
    columns: list[str] | None = None  # a table row's column roles, for rows of notes added later


@dataclass
class SectionLayout:
    name: str | None
    head: list[str]  # the `## Field` line and the lines before the first entry
    entries: list[EntryLayout] = field(default_factory=list)
    field: str | None = None  # the field of its notes (a `### Sub` section's: its own name, else its parent's)
    year: int | None = None  # the year of its notes when the heading (or the enclosing one) names a year


@dataclass
class ReadmeLayout:
    source: str  # the imported README, relative to the project folder when it lies inside it
    sections: list[SectionLayout]
    final_newline: bool = True

    def to_yaml(self) -> str:
        data: dict[str, Any] = {"format": FORMAT, "source": self.source, "final_newline": self.final_newline}
        data["sections"] = [
            _section_data(s) for s in self.sections
        ]
        return _HEADER + dump_yaml(data)

    @classmethod
    def from_yaml(cls, text: str) -> ReadmeLayout:
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise LayoutError(f"not valid YAML: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise LayoutError(f"not a format-{FORMAT} README layout")
        try:
            sections = [
                _section_from(s)
                for s in data.get("sections") or []
            ]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise LayoutError(f"malformed entry: {exc}") from None
        return cls(source=str(data.get("source", "")), sections=sections,
                   final_newline=bool(data.get("final_newline", True)))


def _section_data(section: SectionLayout) -> dict[str, Any]:
    data: dict[str, Any] = {"name": section.name, "head": section.head}
    if section.field != _default_field(section.name):
        data["field"] = section.field
    if section.year != section_year(section.name):
        data["year"] = section.year
    data["entries"] = [_entry_data(e) for e in section.entries]
    return data


def _default_field(name: str | None) -> str | None:
    return name if section_year(name) is None else None


def _section_from(data: dict) -> SectionLayout:
    name = None if data.get("name") is None else str(data["name"])
    return SectionLayout(
        name=name,
        head=[str(x) for x in data.get("head") or []],
        entries=[_entry_from(e) for e in data.get("entries") or []],
        field=str(data["field"]) if data.get("field") is not None else (None if "field" in data else _default_field(name)),
        year=int(data["year"]) if data.get("year") is not None else (None if "year" in data else section_year(name)),
    )


def _entry_data(entry: EntryLayout) -> dict[str, Any]:
    data: dict[str, Any] = {"key": entry.key, "heading": entry.heading}
    if entry.lead != 0:
        data["lead"] = entry.lead
    if entry.trail != 1:
        data["trail"] = entry.trail
    if entry.insights:
        data["insights"] = [{"at": s.at, "text": s.text, "lines": s.lines} for s in entry.insights]
    if entry.kind != "heading":
        data["kind"] = entry.kind
    if entry.indent:
        data["indent"] = entry.indent
    if entry.fixed:
        data["fixed"] = dict(entry.fixed)
    if entry.columns:
        data["columns"] = list(entry.columns)
    if entry.after:
        data["after"] = list(entry.after)
    return data


def _entry_from(data: dict) -> EntryLayout:
    return EntryLayout(
        key=str(data["key"]),
        heading=str(data["heading"]),
        lead=int(data.get("lead", 0)),
        trail=int(data.get("trail", 1)),
        insights=[InsightSlot(int(s["at"]), str(s["text"]), [str(x) for x in s["lines"]])
                  for s in data.get("insights") or []],
        kind=str(data.get("kind", "heading")),
        after=[str(x) for x in data.get("after") or []],
        indent=str(data.get("indent", "")),
        fixed=dict(data.get("fixed") or {}),
        columns=[str(x) for x in data["columns"]] if data.get("columns") else None,
    )


@dataclass
class ReadmeState:
    intro: list[str] | None
    layout: ReadmeLayout | None


def state_paths(notes_dir: Path) -> tuple[Path, Path]:
    folder = Path(notes_dir) / STATE_DIR
    return folder / INTRO_FILE, folder / LAYOUT_FILE


def intro_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def load_state(notes_dir: Path) -> ReadmeState:
    """The saved intro and layout (either may be missing); LayoutError names a broken layout."""
    intro_path, layout_path = state_paths(notes_dir)
    intro = None
    if intro_path.is_file():
        text = intro_path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        intro = text.split("\n") if text else []
        if text.endswith("\n"):
            intro.pop()
    layout = None
    if layout_path.is_file():
        try:
            layout = ReadmeLayout.from_yaml(layout_path.read_text(encoding="utf-8-sig"))
        except LayoutError as exc:
            raise LayoutError(f"{layout_path}: {exc}") from None
    return ReadmeState(intro, layout)
