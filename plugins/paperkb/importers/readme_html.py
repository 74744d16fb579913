"""Reading lists written as HTML tables (``<table><tr><td><a href="...">Title</a></td>...``), as
many awesome-* lists lay out their papers: each row is read as the Markdown row it stands for
(readme_entries.parse_row reads it with the columns its header names), and the row's own HTML,
with ``{title}`` and ``{url}`` where they stood, is the template an export writes it back from."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .readme_entries import EntryLine, make_template, parse_row, table_columns

TABLE_START = re.compile(r"^\s*<table\b", re.IGNORECASE)
_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_MAX_LINES = 20_000  # a <table> never closed is read this far at most


@dataclass
class HtmlRow:
    first: int  # 0-based index of the line its <tr> is on
    last: int  # index of the line its </tr> is on (or of its last cell, when none closes it)
    cells: list[str] = field(default_factory=list)  # each cell's inline Markdown
    header: bool = True  # every cell a <th>

    def markdown(self) -> str:
        return "| " + " | ".join(self.cells) + " |"


@dataclass
class HtmlTable:
    first: int  # index of the <table> line
    last: int  # index of the </table> line
    columns: list[str] | None  # the roles its header names; None: no title or paper column
    rows: list[HtmlRow]  # the rows after the header


class _Cells(HTMLParser):
    """The rows of one table and each cell as inline Markdown (links, emphasis, code, images)."""

    _WRAP = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.rows: list[HtmlRow] = []
        self.cell: list[str] | None = None
        self.depth = 0  # tables inside a cell are read as its text
        self.links: list[str | None] = []
        self.closed = False

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.depth += 1
        elif self.depth > 1:
            return
        elif tag == "tr":
            self.rows.append(HtmlRow(self._line(), self._line()))
        elif tag in ("td", "th") and self.rows:
            self.cell = []
            self.rows[-1].header &= tag == "th"
        elif self.cell is not None:
            if tag == "a":
                href = (values.get("href") or "").strip()
                self.links.append(href or None)
                self.cell.append("[" if href else "")
            elif tag in self._WRAP:
                self.cell.append(self._WRAP[tag])
            elif tag == "br":
                self.cell.append("<br>")
            elif tag == "img":
                self.cell.append(f"![{_text(values.get('alt') or '')}]({values.get('src') or ''})")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self.closed = True
            return
        if self.depth > 1 or self.cell is None and tag not in ("tr",):
            return
        if tag in ("td", "th") and self.rows and self.cell is not None:
            self.rows[-1].cells.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.rows[-1].last = self._line()
            self.cell = None
        elif tag == "tr" and self.rows:
            self.rows[-1].last = self._line()
        elif tag == "a" and self.links and self.cell is not None:
            href = self.links.pop()
            self.cell.append(f"]({href})" if href else "")
        elif tag in self._WRAP and self.cell is not None:
            self.cell.append(self._WRAP[tag])

    def handle_data(self, data: str) -> None:
        if self.cell is not None and self.depth <= 1:
            self.cell.append(_text(data))


def _text(data: str) -> str:
    """Text of a cell as Markdown text: a pipe would end the row's cell."""
    return data.replace("|", "\\|")


def read_table(lines: list[str], first: int) -> HtmlTable:
    """The table whose ``<table>`` is on ``lines[first]``: its header's column roles and its rows."""
    parser = _Cells(first)
    last = first
    for index in range(first, min(len(lines), first + _MAX_LINES)):
        parser.feed(lines[index] + "\n")
        last = index
        if parser.closed or parser.depth == 0 and _TABLE_END.search(lines[index]):
            break
    parser.close()
    rows = [row for row in parser.rows if row.cells]
    header = next((i for i, row in enumerate(rows) if row.header), 0 if rows else None)
    columns = table_columns(rows[header].markdown()) if header is not None else None
    return HtmlTable(first, last, columns, rows[header + 1:] if header is not None else [])


def parse_html_row(lines: list[str], row: HtmlRow, columns: list[str]) -> EntryLine | None:
    """The paper of ``row``, its template being the row's HTML (``{title}``, ``{url}`` where they
    stand; the year and venue, written somewhere in it, are held as fixed values)."""
    found = parse_row(row.markdown(), columns)
    if found is None:
        return None
    source = "\n".join(lines[row.first:row.last + 1])
    spans: list[tuple[int, int, str]] = []
    fixed: dict[str, object] = {}
    if found.url:
        at = _find_attribute_value(source, found.url)
        if at is not None:
            written = _as_written(source, at, found.url)
            spans.append((at, at + len(written), "url"))
            if written == found.url and "&" in written:
                fixed[RAW_URL] = True  # `href="...?a=1&b=2"` written without entities: written back so
    title_at = _find_text(source, found.title)
    if title_at is not None and not _overlaps(spans, title_at):
        spans.append((*title_at, "title"))
    else:
        fixed["title"] = html.escape(found.title, quote=False)
    if found.year is not None:
        fixed["year"] = found.year
    if found.venue is not None:
        fixed["venue"] = html.escape(found.venue, quote=False)
    found.template = make_template(source, spans)
    found.fixed = fixed
    return found


def _find_attribute_value(source: str, url: str) -> int | None:
    for written in (url, html.escape(url, quote=True), url.replace("&", "&amp;")):
        match = re.search(r"""href\s*=\s*["']?""" + re.escape(written), source, re.IGNORECASE)
        if match:
            return match.end() - len(written)
    return None


def _as_written(source: str, at: int, url: str) -> str:
    for written in (url, html.escape(url, quote=True), url.replace("&", "&amp;")):
        if source.startswith(written, at):
            return written
    return url


def _find_text(source: str, text: str) -> tuple[int, int] | None:
    """Where ``text`` stands as an element's text (between ``>`` and ``<``), as written or escaped."""
    for written in (text, html.escape(text, quote=False)):
        for match in re.finditer(re.escape(written), source):
            before = source[:match.start()].rstrip()
            after = source[match.end():].lstrip()
            if before.endswith(">") and after.startswith("<"):
                return match.start(), match.end()
    return None


def _overlaps(spans: list[tuple[int, int, str]], span: tuple[int, int]) -> bool:
    return any(start < span[1] and span[0] < end for start, end, _ in spans)


RAW_URL = "raw_url"  # a layout's fixed value: the row's href holds a bare `&`


def html_values(fixed: dict, *, title: str, url: str | None, venue: str | None) -> dict[str, str | None]:
    """A note's values as a row's HTML holds them (escaped; a URL as the README wrote it)."""
    return {"title": html.escape(title, quote=False), "venue": html.escape(venue, quote=False) if venue else venue,
            "url": url if url is None or fixed.get(RAW_URL) else html.escape(url, quote=True)}


def render_html_row(columns: list[str], *, title: str, url: str | None, year: int | None, venue: str | None,
                    links: dict[str, str], authors: list[str], notes: str) -> str:
    """A new ``<tr>`` for a note that was not in the table, in the table's columns (every value escaped)."""
    def cell(role: str) -> str:
        if role in ("title", "paper"):
            return _link(url, title) if url and "link" not in columns else html.escape(title)
        if role == "link":
            return _link(url, "Paper") if url else ""
        if role == "year":
            return str(year or "")
        if role == "venue":
            return html.escape(venue or "")
        if role in ("code", "project"):
            return _link(links[role], role.title()) if links.get(role) else ""
        if role == "authors":
            return html.escape(", ".join(authors))
        if role == "notes":
            return html.escape(notes)
        return ""
    return "<tr>" + "".join(f"<td>{cell(role)}</td>" for role in columns) + "</tr>"


def _link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'
