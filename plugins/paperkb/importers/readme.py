"""Read a hand-written reading-list README into intro, sections and entries, keeping every line.

The format, as people write it::

    # Awesome papers
    Free intro text ... Total Count: 52
    ## LLM
    ### 2022 - [Title](https://arxiv.org/abs/2203.15556)
      * a note, which may continue
        on the next lines
      * [想法] the reader's own insight
      * [来自知乎] where a bullet came from (kept as written)

Entry headings may be indented by up to three spaces, the year may be missing and the heading
may be written in other shapes; each heading is kept as a *template* (``{year}``, ``{title}``,
``{url}`` standing where the values were) so an export writes it back exactly as it was.

Most public lists write their papers as table rows (Markdown, or HTML: readme_html) or
awesome-style list items instead, under ``##`` / ``###`` / ``####`` section headings, or
``Section`` over a ``-------`` line (readme_entries reads one such line); a plain ``### Name``
over such papers is a section, not an entry. Every line of the README lands in one
place: the intro, a section's head, an entry's own lines, or the README text after an entry
(the end of a table or list), so the export can give each back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..core.problems import ProblemLog
from .readme_html import TABLE_START, HtmlRow, HtmlTable, parse_html_row, read_table
from .readme_entries import (
    EntryLine, canonical_venue, fill_from_nested, fill_from_paragraph, is_delimiter_row, is_navigation, link_at, looks_like_row, make_template, parse_item, parse_row, table_columns,
)

_SECTION = re.compile(r"^ {0,3}##(?!#)(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_ENTRY = re.compile(r"^ {0,3}###(?!#)(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+)(?P<text>.*)$")
_INSIGHT = re.compile(r"^\[(?:想法|idea)\]", re.IGNORECASE)
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})(?:[ \t]*[-–—:：|·,][ \t]*|[ \t]+)(?=\S)")
# `Total Count: 52`, `**Total count**：52`, `总数：52` ...
COUNT_LINE = re.compile(
    r"(?:total[ \t]*count|paper[ \t]*count|total|count|论文总数|总数|总计|共计)[*_ \t]*[:：][*_ \t]*(?P<count>\d+)",
    re.IGNORECASE,
)
_CLOSING_SEPARATORS = " \t-–—:：|·,(（*_"


@dataclass
class Heading:
    """What the line that starts an entry says: a ``###`` heading, a list item or a table row."""

    title: str
    year: int | None
    url: str | None
    template: str  # the line with {year} {title} {url} {venue} where the values stood; other braces doubled
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # code, project, ... besides the paper's URL
    details: list[str] = field(default_factory=list)  # a table row's other cells, as body lines
    fixed: dict[str, object] = field(default_factory=dict)  # values the template holds literally


@dataclass
class InsightBlock:
    """A ``[想法]`` bullet with its continuation lines and nested bullets."""

    start: int  # index into Entry.lines
    lines: list[str]
    text: str  # the insight as a note's front-matter holds it (marker removed, lines stripped)
    line: int  # line of the README


HEADING, ITEM, ROW, PARAGRAPH = "heading", "item", "row", "paragraph"  # the shapes of an entry
HTML_ROW = "html-row"  # a <tr> of an HTML table (readme_html)


@dataclass
class Entry:
    heading: Heading
    line: int  # line of the heading (item, row) in the README
    section: str | None
    lines: list[str] = field(default_factory=list)  # the entry's own lines after its first, verbatim
    kind: str = HEADING
    after: list[str] = field(default_factory=list)  # README text after the entry (a list's or table's end)
    indent: str = ""  # taken off the lines of a list item (nested bullets are the note's own bullets)
    columns: list[str] | None = None  # a table row's column roles
    source: str = ""  # the first line as written
    section_year: int | None = None  # the nearest section heading named by a year
    field: str | None = None  # the nearest section heading not named by a year (last: it hides dataclasses.field)

    def insight_blocks(self) -> list[InsightBlock]:
        return find_insight_blocks(self.lines, self.line + 1)


_YEAR_SECTION = re.compile(r"^[\W_]*((?:1[89]|20)\d{2})[\W_]*$")
# Sections whose lists are the README's own apparatus, never papers.
_NOT_PAPERS = re.compile(
    r"^[\W_]*(?:table of contents|contents|toc|目录|contribut\w*|how to contribute|license|licen[cs]e|citation|"
    r"cite|cite us|acknowledge?ments?|致谢|引用|贡献|许可证?|star history|contact|联系|related (?:awesome )?lists?|"
    r"changelog|news|updates?|更新|更新日志)\b",
    re.IGNORECASE,
)


def section_year(name: str | None) -> int | None:
    """The year a section stands for when a reading list is sectioned by year (``## 🔥 2025``)."""
    match = _YEAR_SECTION.match(name or "")
    return int(match.group(1)) if match else None


@dataclass
class Section:
    name: str | None  # None: entries written before the first `## ` section
    line: int
    head: list[str]  # the `## Field` line and every line up to the first entry, verbatim
    entries: list[Entry] = field(default_factory=list)
    level: int = 2
    field: str | None = None  # the notes' field: this heading's name, else the nearest enclosing one's
    year: int | None = None  # the notes' year when no entry says one: the nearest heading named by a year
    papers: bool = True  # False: a table of contents, licence, citation ... section (no entries read)


@dataclass
class CountLine:
    line: int
    count: int


@dataclass
class ReadmeDoc:
    intro: list[str]  # every line above the first section or entry, verbatim
    sections: list[Section]
    count_line: CountLine | None
    final_newline: bool

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]


def split_lines(text: str) -> tuple[list[str], bool]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    final_newline = text.endswith("\n")
    if final_newline:
        lines.pop()
    return lines, final_newline


_TICKED = re.compile(r"^ {0,3}[-*+][ \t]+\[[ xX]\][ \t]")
_TITLE_LINE = re.compile(r"^ {0,3}#(?!#)[ \t]+(?P<text>.*?)[ \t]*$")
_HEADING_LINE = re.compile(r"^ {0,3}(?P<hashes>#{2,6})(?!#)(?:[ \t]+(?P<text>.*?))?[ \t]*$")
SHAPES = ("'### 2022 - [Title](url)' headings, Markdown or HTML (<table>) tables with a Title or Paper column, "
          "and list items such as '- [Title](url) - Venue 2021' or '* **Title**. Authors. *CVPR 2020*. [[paper](url)]', "
          "under section headings or right under the title")


def parse_readme(text: str, log: ProblemLog) -> ReadmeDoc:
    lines, final_newline = split_lines(text)
    trial = ProblemLog(log.display_path)
    doc = _Parser(lines, trial).run(final_newline)
    if not doc.entries:  # `# My papers` and a table or list right under it, no section heading
        trial = ProblemLog(log.display_path)
        doc = _Parser(lines, trial, papers_in_intro=True).run(final_newline)
    log.problems.extend(trial.problems)
    return doc


class _Parser:
    """One pass over the lines; every line lands in exactly one place (intro, a section's head,
    an entry's own lines or the README text after an entry), so an export can give it back."""

    def __init__(self, lines: list[str], log: ProblemLog, *, papers_in_intro: bool = False) -> None:
        self.lines, self.log = lines, log
        self.papers_in_intro = papers_in_intro  # read tables and lists above the first section too
        self.intro: list[str] = []
        self.sections: list[Section] = []
        self.section: Section | None = None
        self.entry: Entry | None = None
        self.item_open = False  # the current list item takes indented lines
        self.paragraph_open = False  # the current paragraph entry takes the lines up to a blank one
        self.seen_title = False  # the first `# Title` is the README's title; later `#` headings are sections
        self.item_indent = 0
        self.columns: list[str] | None = None  # inside a table of papers
        self.stack: list[Section] = []  # enclosing section headings
        self.verdicts: dict[int, bool] = {}  # plain `###` heading line -> is a section
        self.setext = _setext_headings(lines)  # heading line -> (level, text); its underline follows it
        self.html_table: HtmlTable | None = None  # inside an HTML table of papers
        self.html_rows: dict[int, tuple[HtmlRow, EntryLine]] = {}  # its rows of papers, by their first line
        self.html_inside: set[int] = set()  # lines of those rows after their first (part of the row's template)

    def keep(self, line: str) -> None:
        entry = self.entry
        if entry is not None and (entry.kind == HEADING or self.item_open or self.paragraph_open):
            entry.lines.append(line)
        elif entry is not None:
            entry.after.append(line)
        elif self.section is not None:
            self.section.head.append(line)
        else:
            self.intro.append(line)

    def run(self, final_newline: bool) -> ReadmeDoc:
        fence: str | None = None
        lines = self.lines
        for index, line in enumerate(lines):
            number = index + 1
            if fence is not None:  # inside fenced code nothing is a heading
                if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                    fence = None
                self.keep(line)
                continue
            if match := _FENCE.match(line):
                if self.item_open and not self._inside_item(line):
                    self._close_item()
                fence = match.group(1)
                self.keep(line)
                continue
            if self._html_line(index, line):
                continue
            if index in self.setext and self._setext(index, line):
                continue
            if index - 1 in self.setext and self.setext[index - 1][2]:  # the underline of a heading read as one
                self.keep(line)
                continue
            if (heading := _HEADING_LINE.match(line)) and self._heading(index, line, heading):
                continue
            if (title := _TITLE_LINE.match(line)) and self._title(index, line, title):
                continue
            if self._paragraph_line(index, line) or self._table_line(index, line) or self._list_line(index, line):
                continue
            self.keep(line)
        self._close_item()

        count_line = _find_count(self.intro)
        doc = ReadmeDoc(self.intro, self.sections, count_line, final_newline)
        found = len(doc.entries)
        if count_line is not None and count_line.count != found:
            where = ", ".join(f"{s.name or '(no section)'}: {len(s.entries)}" for s in self.sections if s.entries)
            self.log.warning(count_line.line, f"the count line says {count_line.count} but {found} entries were found"
                                              + (f" ({where})" if where else ""))
        if not found:
            self.log.warning(1, f"no paper entries found in this README: looked for {SHAPES}; nothing is imported")
        return doc

    # -- headings ------------------------------------------------------------------------------
    def _setext(self, index: int, line: str) -> bool:
        """``Title`` over ``=====`` (level 1) or ``Section`` over ``-----`` (level 2)."""
        level, name, _ = self.setext[index]
        if level == 1:
            taken = self._title_named(index, line, name)
        else:
            self._section_heading(index, line, name, 2)
            taken = True
        self.setext[index] = (level, name, taken)
        return taken

    def _heading(self, index: int, line: str, match: re.Match) -> bool:
        level = len(match.group("hashes"))
        name = _strip_closing_hashes(match.group("text") or "")
        return self._section_heading(index, line, name, level)

    def _section_heading(self, index: int, line: str, name: str, level: int) -> bool:
        if level == 2:
            if not name:
                self.log.warning(index + 1, "section heading '##' has no name; its entries are imported without a field")
            self._open_section(index, line, name or None, level)
            return True
        if level == 3 and (_ENTRY_SHAPE.match(name) or not name or not self._holds_papers(index)):
            self._open_entry(index, line)
            return True
        if level >= 4 and (self.entry is not None and self.entry.kind == HEADING or self.section is None):
            return False  # a heading inside a long-form entry, or in the intro
        self._open_section(index, line, name or None, level)
        return True

    def _open_section(self, index: int, line: str, name: str | None, level: int) -> None:
        self._close_item()
        self.columns = None
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        chain = [name] + [s.name for s in reversed(self.stack)]
        field_name = next((n for n in chain if n and section_year(n) is None), None)
        year = next((section_year(n) for n in chain if section_year(n) is not None), None)
        papers = not (name and _NOT_PAPERS.match(name)) and all(s.papers for s in self.stack)
        if level == 2:  # the format of old: a `##` section is the field (or the year) on its own
            field_name = name if section_year(name) is None else None
        section = Section(name, index + 1, [line], level=level, field=field_name, year=year, papers=papers)
        self.sections.append(section)
        self.stack.append(section)
        self.section, self.entry = section, None

    def _open_entry(self, index: int, line: str) -> None:
        self._close_item()
        self.columns = None
        if self.section is None:
            self.section = Section(None, index + 1, [])
            self.sections.append(self.section)
        heading = parse_heading(line)
        if not heading.title:
            heading.title = f"Untitled entry (README line {index + 1})"
            self.log.warning(index + 1, f"entry heading has no title; imported as '{heading.title}'")
        self._add(Entry(heading, index + 1, self.section.name), HEADING)

    def _add(self, entry: Entry, kind: str) -> None:
        section = self.section
        assert section is not None
        entry.kind, entry.field, entry.section_year = kind, section.field, section.year
        entry.source = self.lines[entry.line - 1]
        section.entries.append(entry)
        self.entry = entry

    def _holds_papers(self, index: int) -> bool:
        """Does the text under a plain ``### Name`` hold papers (a table of them, paper list items,
        links to them elsewhere in the README)? Then it is a section, else an entry of the ``###`` format."""
        if index in self.verdicts:
            return self.verdicts[index]
        siblings = [index]
        verdict = self._scan_for_papers(index, siblings)
        self.verdicts.update(dict.fromkeys(siblings, verdict))  # one scan per family of `###` headings
        return verdict

    def _scan_for_papers(self, index: int, siblings: list[int]) -> bool:
        for probe, line in _unfenced(self.lines, index + 1):
            if probe in self.setext:
                return False  # a `Section` / `-------` heading: a level above
            if (heading := _HEADING_LINE.match(line)) and len(heading.group("hashes")) <= 3:
                name = _strip_closing_hashes(heading.group("text") or "")
                if len(heading.group("hashes")) < 3 or not name or _ENTRY_SHAPE.match(name):
                    return False
                siblings.append(probe)
                continue  # a plain sibling `### Name`: sections come in families, look under it too
            if self._table_header(probe) is not None:
                return True
            if _paper_item(line) is not None or is_navigation(line):
                return True  # papers, or an index leading to them: a section either way
        return False

    def _title(self, index: int, line: str, match: re.Match) -> bool:
        return self._title_named(index, line, _strip_closing_hashes(match.group("text") or ""))

    def _title_named(self, index: int, line: str, name: str) -> bool:
        """The first ``# Title`` stays in the intro; a later one is a section (lists sectioned with ``#``)."""
        if not self.seen_title or (self.entry is not None and self.entry.kind == HEADING):
            self.seen_title = True
            return False
        self._open_section(index, line, name or None, 1)
        return True

    # -- HTML tables -------------------------------------------------------------------------------
    def _html_line(self, index: int, line: str) -> bool:
        """A line of an HTML table of papers: a row's first line starts its entry, its other lines
        are part of the row (written back with it), the table's other lines are README text."""
        table = self.html_table
        if table is None:
            if not TABLE_START.match(line):
                return False
            if self.section is None:
                self._intro_section(index)
            if self.section is None or not self.section.papers or (self.entry is not None
                                                                     and self.entry.kind == HEADING):
                return False
            table = read_table(self.lines, index)
            if table.columns is None:
                return False  # a table of something else: its lines are text
            self._close_item()
            self.columns = None
            self.html_table, self.html_rows, self.html_inside = table, {}, set()
            for row in table.rows:
                if row.first > (max(self.html_inside) if self.html_inside else -1) and \
                        (found := parse_html_row(self.lines, row, table.columns)) is not None:
                    self.html_rows[row.first] = (row, found)
                    self.html_inside.update(range(row.first + 1, row.last + 1))
        if index in self.html_inside:
            pass  # in the row's template
        elif index in self.html_rows:
            row, found = self.html_rows[index]
            entry = Entry(_as_heading(found), index + 1, self.section.name, columns=table.columns)
            self._add(entry, HTML_ROW)
            entry.source = "\n".join(self.lines[row.first:row.last + 1])
        else:
            self.keep(line)
        if index >= table.last:
            self.html_table = None
        return True

    # -- paragraph entries -------------------------------------------------------------------------
    def _paragraph_line(self, index: int, line: str) -> bool:
        """``**Title** \\`` with the paper's links on the next lines, a paragraph to itself."""
        if self.paragraph_open:
            if line.strip():
                self.keep(line)
                return True
            self.paragraph_open = False
            return False
        if (self.section is None or not self.section.papers or (self.entry is not None and self.entry.kind == HEADING)
                or (index and self.lines[index - 1].strip() and not _HEADING_LINE.match(self.lines[index - 1]))):
            return False
        found = parse_item(line, paragraph=True)
        if found is None:
            return False
        end = index + 1
        while end < len(self.lines) and self.lines[end].strip() and not _HEADING_LINE.match(self.lines[end]):
            end += 1
        if not fill_from_paragraph(found, self.lines[index + 1:end]):
            return False
        self._close_item()
        self._add(Entry(_as_heading(found), index + 1, self.section.name), PARAGRAPH)
        self.paragraph_open = True
        return True

    # -- tables ----------------------------------------------------------------------------------
    def _table_header(self, index: int) -> list[str] | None:
        line = self.lines[index]
        if not looks_like_row(line) or index + 1 >= len(self.lines) or not is_delimiter_row(self.lines[index + 1]):
            return None
        return table_columns(line)

    def _intro_section(self, index: int, *, surely: bool = False) -> None:
        """Papers above any section get a section without a name (no field): a table of papers or
        ticked items (``- [x] [BERT](...)``) always, other list items when no section holds papers."""
        if self.section is None and (self.papers_in_intro or surely):
            self.section = Section(None, index + 1, [])
            self.sections.append(self.section)

    def _table_line(self, index: int, line: str) -> bool:
        if self.section is None and self._table_header(index) is not None:
            self._intro_section(index, surely=True)
        if self.section is None or not self.section.papers or (self.entry is not None and self.entry.kind == HEADING):
            return False
        if self.columns is not None:
            if not looks_like_row(line):
                self.columns = None
                return False
            if not is_delimiter_row(line) and (found := parse_row(line, self.columns)):
                self._add(Entry(_as_heading(found), index + 1, self.section.name, columns=self.columns), ROW)
                return True
            self.keep(line)
            return True
        if (columns := self._table_header(index)) is not None:
            self._close_item()
            self.columns = columns
            self.keep(line)
            return True
        return False

    # -- list items ------------------------------------------------------------------------------
    def _list_line(self, index: int, line: str) -> bool:
        if self.section is None and _paper_item(line) is not None:
            self._intro_section(index, surely=bool(_TICKED.match(line)))
        if self.section is None or not self.section.papers or (self.entry is not None and self.entry.kind == HEADING):
            return False
        if self.item_open:
            if self._inside_item(line) or (not line.strip() and self._blank_inside_item(index)):
                self.keep(line)
                return True
            self._close_item()
        if (found := _paper_item(line)) is not None:
            indent = _BULLET.match(line).group("indent")
            self._add(Entry(_as_heading(found), index + 1, self.section.name), ITEM)
            self.item_open, self.item_indent = True, _indent_width(indent)
            return True
        return False

    def _inside_item(self, line: str) -> bool:
        return bool(line.strip()) and _indent_width(line[:len(line) - len(line.lstrip())]) > self.item_indent

    def _blank_inside_item(self, index: int) -> bool:
        for probe in range(index + 1, len(self.lines)):
            if self.lines[probe].strip():
                return self._inside_item(self.lines[probe])
        return False

    def _close_item(self) -> None:
        """The item's lines lose their common indentation (kept in ``indent``): its nested bullets
        are the note's own bullets, not code blocks."""
        self.paragraph_open = False
        entry = self.entry
        if not self.item_open or entry is None:
            self.item_open = False
            return
        self.item_open = False
        filled = [line for line in entry.lines if line.strip()]
        if filled:
            prefix = filled[0][:len(filled[0]) - len(filled[0].lstrip())]
            for line in filled[1:]:
                while prefix and not line.startswith(prefix):
                    prefix = prefix[:-1]
            entry.indent = prefix
            entry.lines = [line[len(prefix):] if line.strip() else line for line in entry.lines]
            fill_from_nested(entry.heading, entry.lines)


_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_NOT_SETEXT_TEXT = re.compile(r"^(?: {4}|\t)|^\s*(?:[-*+>|#<]|\d+[.)]\s|```|~~~)")


def _unfenced(lines: list[str], start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, line) of the lines from ``start`` on that are outside fenced code (fences left out)."""
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
            continue
        yield index, line


def _setext_headings(lines: list[str]) -> dict[int, tuple[int, str, bool]]:
    """Lines of text underlined with ``===`` (level 1) or ``---`` (level 2), outside code: line ->
    (level, text, read as a heading: set when it is)."""
    found: dict[int, tuple[int, str, bool]] = {}
    for index, line in _unfenced(lines):
        if (index + 1 < len(lines) and line.strip() and _SETEXT_UNDERLINE.match(lines[index + 1])
                and not _NOT_SETEXT_TEXT.match(line) and (index == 0 or not lines[index - 1].strip()
                                                          or _HEADING_LINE.match(lines[index - 1]))):
            found[index] = (1 if lines[index + 1].strip()[0] == "=" else 2, line.strip(), False)
    return found


_ENTRY_SHAPE = re.compile(r".*\]\(|^(?:19|20)\d{2}(?:[ \t]*[-–—:：|·,][ \t]*|[ \t]+)\S")  # a link, or `2022 - Title`


def _paper_item(line: str) -> EntryLine | None:
    match = _BULLET.match(line)
    if match is None or _indent_width(match.group("indent")) > 3:
        return None
    return parse_item(line)


def _as_heading(found: EntryLine) -> Heading:
    return Heading(title=found.title, year=found.year, url=found.url, template=found.template, venue=found.venue,
                   authors=found.authors, links=found.links, details=found.details, fixed=found.fixed)


def _find_count(intro: list[str]) -> CountLine | None:
    for number, line in enumerate(intro, start=1):
        if match := COUNT_LINE.search(line):
            return CountLine(number, int(match.group("count")))
    return None


def replace_count(lines: list[str], count: int) -> list[str]:
    """``lines`` with the number on the first count line replaced by ``count``."""
    for index, line in enumerate(lines):
        if match := COUNT_LINE.search(line):
            start, end = match.span("count")
            return lines[:index] + [line[:start] + str(count) + line[end:]] + lines[index + 1:]
    return list(lines)


def _strip_closing_hashes(text: str) -> str:
    return re.sub(r"(?:^|[ \t]+)#+$", "", text.strip()).strip()


# -- entry headings ----------------------------------------------------------------------------
def parse_heading(line: str) -> Heading:
    """Title, year and link of an entry heading, plus the template that writes it back."""
    match = _ENTRY.match(line)
    assert match is not None
    pos = match.start("text") if match.group("text") is not None else len(line)
    end = match.end("text") if match.group("text") is not None else len(line)
    spans: list[tuple[int, int, str]] = []
    year = None
    if year_match := _YEAR.match(line, pos, end):
        year = int(year_match.group("year"))
        spans.append((year_match.start("year"), year_match.end("year"), "year"))
        pos = year_match.end()

    title, url = "", None
    link = link_at(line, pos) if pos < end else None
    if link is None:  # `Title [pdf](url)`, `**[Title](url)**`: the first link anywhere
        for start in (i for i in range(pos, end) if line[i] == "["):
            if link := link_at(line, start):
                break
    if link is not None:
        label, target = link
        before = line[pos:label[0] - 1]
        if re.search(r"\w", before):  # words before the link are the title; the link is its URL
            stripped = before.rstrip(_CLOSING_SEPARATORS)
            lead = len(stripped) - len(stripped.lstrip())
            title = stripped.strip()
            spans.append((pos + lead, pos + len(stripped), "title"))
        else:
            title = line[label[0]:label[1]]
            spans.append((label[0], label[1], "title"))
        url = line[target[0]:target[1]]
        spans.append((target[0], target[1], "url"))
    else:
        title = line[pos:end].strip()
        lead = len(line[pos:end]) - len(line[pos:end].lstrip())
        spans.append((pos + lead, pos + lead + len(title), "title"))
    if not title:
        spans = [s for s in spans if s[2] != "title"]
    return Heading(title=title, year=year, url=url or None, template=make_template(line, spans))


def render_heading(template: str | None, *, title: str, year: int | None, url: str | None, venue: str | None = None,
                   fixed: dict | None = None, fallback: str | None = None) -> str:
    """The entry's line from ``template`` when it holds exactly the values the note has, else
    ``fallback`` (a list item's or table row's own shape), else the canonical ``### 2022 - [Title](url)``
    (with the template's indentation)."""
    values = {"title": title, "year": year, "url": url, "venue": venue}
    fixed = fixed or {}
    if template is not None and template_fits(template, fixed, **values):
        # a value written otherwise in the README (`arxiv` for the library's `arXiv`) stays as written
        written = {k: fixed[k] if k in fixed and _same(k, fixed[k], v) else v for k, v in values.items()}
        return template.format(**written)
    if fallback is not None:
        return fallback
    indent = re.match(r"^ {0,3}", template or "").group(0)
    text = f"[{title}]({url})" if url else title
    return f"{indent}### {year} - {text}" if year is not None else f"{indent}### {text}"


def template_fits(template: str, fixed: dict, **values: object) -> bool:
    """A value the template holds literally must be the note's; a placeholder needs a value; a
    template without a year or URL stands for an entry without one."""
    for name, value in values.items():
        if "{" + name + "}" in template:
            if value is None:
                return False
        elif name in fixed:
            if not _same(name, fixed[name], value):
                return False
        elif name in ("year", "url") and value is not None:
            return False
    return True


def _same(name: str, written: object, value: object) -> bool:
    """``written`` in the README says ``value``: alike up to case and spaces, or a venue's other name (NIPS)."""
    if name == "venue" and isinstance(written, str):
        return _fold(written) == _fold(value) or _fold(canonical_venue(written)) == _fold(value)
    return _fold(written) == _fold(value)


def _fold(value: object) -> object:
    """Values that differ only in case or spaces are one (the library spells a venue one way)."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


# -- bullets -----------------------------------------------------------------------------------
def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def find_insight_blocks(lines: list[str], first_line: int) -> list[InsightBlock]:
    """``[想法]`` bullets: the bullet, the lines continuing it and bullets nested under it
    (up to a blank line or the next bullet at the same or a lower depth)."""
    blocks: list[InsightBlock] = []
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            index += 1
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
            index += 1
            continue
        bullet = _BULLET.match(line)
        marker = _INSIGHT.match(bullet.group("text")) if bullet else None
        if bullet is None or marker is None:
            index += 1
            continue
        depth = _indent_width(bullet.group("indent"))
        end = index + 1
        while end < len(lines) and lines[end].strip():
            nested = _BULLET.match(lines[end])
            if nested and _indent_width(nested.group("indent")) <= depth:
                break
            end += 1
        block = lines[index:end]
        first = bullet.group("text")[marker.end():].strip()
        text = "\n".join([first] + [b.strip() for b in block[1:]]).strip()
        if text:
            blocks.append(InsightBlock(index, block, text, first_line + index))
        index = end
    return blocks


def bullet_prefix(lines: list[str]) -> str:
    """How this entry writes a top-level bullet (``"  * "``), for insights added after the import."""
    for line in lines:
        if bullet := _BULLET.match(line):
            if not bullet.group("marker")[0].isdigit():
                return bullet.group("indent") + bullet.group("marker") + bullet.group("space")
    return "  * "
