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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.problems import ProblemLog

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
    title: str
    year: int | None
    url: str | None
    template: str  # the heading line with {year} {title} {url} where the values stood; other braces doubled


@dataclass
class InsightBlock:
    """A ``[想法]`` bullet with its continuation lines and nested bullets."""

    start: int  # index into Entry.lines
    lines: list[str]
    text: str  # the insight as a note's front-matter holds it (marker removed, lines stripped)
    line: int  # line of the README


@dataclass
class Entry:
    heading: Heading
    line: int  # line of the heading in the README
    section: str | None
    lines: list[str] = field(default_factory=list)  # every line up to the next heading, verbatim

    def insight_blocks(self) -> list[InsightBlock]:
        return find_insight_blocks(self.lines, self.line + 1)


_YEAR_SECTION = re.compile(r"^[\W_]*((?:1[89]|20)\d{2})[\W_]*$")


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


def parse_readme(text: str, log: ProblemLog) -> ReadmeDoc:
    lines, final_newline = split_lines(text)
    intro: list[str] = []
    sections: list[Section] = []
    section: Section | None = None
    entry: Entry | None = None
    fence: str | None = None

    def keep(line: str) -> None:
        if entry is not None:
            entry.lines.append(line)
        elif section is not None:
            section.head.append(line)
        else:
            intro.append(line)

    for number, line in enumerate(lines, start=1):
        if fence is not None:  # inside fenced code nothing is a heading
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            keep(line)
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
            keep(line)
            continue
        if match := _SECTION.match(line):
            name = _strip_closing_hashes(match.group("text") or "")
            if not name:
                log.warning(number, "section heading '##' has no name; its entries are imported without a field")
            section = Section(name or None, number, [line])
            sections.append(section)
            entry = None
            continue
        if match := _ENTRY.match(line):
            if section is None:
                section = Section(None, number, [])
                sections.append(section)
            heading = parse_heading(line)
            if not heading.title:
                heading.title = f"Untitled entry (README line {number})"
                log.warning(number, f"entry heading has no title; imported as '{heading.title}'")
            entry = Entry(heading, number, section.name)
            section.entries.append(entry)
            continue
        keep(line)

    count_line = _find_count(intro)
    doc = ReadmeDoc(intro, sections, count_line, final_newline)
    found = len(doc.entries)
    if count_line is not None and count_line.count != found:
        where = ", ".join(f"{s.name or '(no section)'}: {len(s.entries)}" for s in sections if s.entries)
        log.warning(count_line.line, f"the count line says {count_line.count} but {found} entries were found ({where})")
    return doc


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
    link = _link_at(line, pos) if pos < end else None
    if link is None:  # `Title [pdf](url)`, `**[Title](url)**`: the first link anywhere
        for start in (i for i in range(pos, end) if line[i] == "["):
            if link := _link_at(line, start):
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
    return Heading(title=title, year=year, url=url or None, template=_template(line, spans))


def _template(line: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, stop, name in sorted(spans):
        out.append(line[last:start].replace("{", "{{").replace("}", "}}"))
        out.append("{" + name + "}")
        last = stop
    out.append(line[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(out).rstrip()


def _link_at(text: str, start: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Spans of (label, URL) of a Markdown link ``[label](url "title")`` starting at ``start``."""
    if start >= len(text) or text[start] != "[":
        return None
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    else:
        return None
    close = i
    if close + 1 >= len(text) or text[close + 1] != "(":
        return None
    j = close + 2
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == "<":
        url_start = j + 1
        url_end = text.find(">", url_start)
        if url_end < 0:
            return None
        j = url_end + 1
    else:
        url_start, parens = j, 0
        while j < len(text) and not text[j].isspace():
            if text[j] == "(":
                parens += 1
            elif text[j] == ")":
                if parens == 0:
                    break
                parens -= 1
            j += 1
        url_end = j
    rest = text[j:]
    title_match = re.match(r"""[ \t]*(?:"[^"]*"|'[^']*')?[ \t]*\)""", rest)
    if title_match is None or url_end == url_start:
        return None
    label_start, label_end = start + 1, close
    inner = text[label_start:label_end]
    label_start += len(inner) - len(inner.lstrip())
    label_end -= len(inner) - len(inner.rstrip())
    return (label_start, label_end), (url_start, url_end)


def render_heading(template: str | None, *, title: str, year: int | None, url: str | None) -> str:
    """The heading from ``template`` when it holds exactly the values the note has, else the
    canonical ``### 2022 - [Title](url)`` (with the template's indentation)."""
    if template is not None:
        wants_year, wants_url = "{year}" in template, "{url}" in template
        if wants_year == (year is not None) and wants_url == (url is not None):
            return template.format(year=year, title=title, url=url)
    indent = re.match(r"^ {0,3}", template or "").group(0)
    text = f"[{title}]({url})" if url else title
    return f"{indent}### {year} - {text}" if year is not None else f"{indent}### {text}"


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
