"""A comparison table of papers for a paper or a report: LaTeX (booktabs), Markdown (pandoc
pipe table) or CSV; one row per paper, oldest first.

LaTeX: the title column cites the paper (``Title~\\cite{key}``); columns whose cells run long
become ``p{}`` columns that wrap, sized by how much text they hold, rather than being cut.
Lists (datasets, metrics, authors) are joined with commas. The same notes give the same bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from ..core.library import Library
from ..core.model import LEVEL_LABELS, TYPE_LABELS, Note
from ..core.projects import oldest_first_key
from .draft_text import DraftText

FORMATS = ("latex", "markdown", "csv")
DEFAULT_COLUMNS = ("title", "year", "venue", "datasets", "metrics", "results")
WRAP_AFTER = 24  # characters: a column with a longer cell wraps (p{}) in LaTeX
TEXT_WIDTH = 0.96  # of \linewidth that the table may take
MIN_SHARE = 0.08  # of \linewidth: the narrowest wrapped column (about ten characters)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str  # "title" | "plain" (a value) | "list" | "markdown" (the author's text)
    value: Callable[[Note], object]


def columns_for(library: Library, relation_of: Callable[[Note], str | None]) -> dict[str, Column]:
    return {
        "title": Column("Title", "title", lambda n: n.title),
        "key": Column("Key", "plain", lambda n: n.key),
        "year": Column("Year", "plain", lambda n: n.year if n.year is not None else ""),
        "venue": Column("Venue", "plain", lambda n: n.venue or ""),
        "authors": Column("Authors", "list", lambda n: n.authors),
        "fields": Column("Fields", "list", lambda n: n.fields),
        "tags": Column("Tags", "list", lambda n: n.tags),
        "type": Column("Type", "plain", lambda n: TYPE_LABELS.get(n.type or "", "")),
        "level": Column("Level", "plain", lambda n: LEVEL_LABELS.get(n.level or "", "")),
        "relation": Column("Relation", "plain", lambda n: relation_of(n) or ""),
        "datasets": Column("Datasets", "list", lambda n: n.datasets),
        "metrics": Column("Metrics", "list", lambda n: n.metrics),
        "problem": Column("Problem", "markdown", lambda n: n.problem or ""),
        "method": Column("Method", "markdown", lambda n: n.method or ""),
        "results": Column("Results", "markdown", lambda n: n.results or ""),
        "cited_by": Column("Cited by", "plain", lambda n: library.cited_by_count(n.key)),
    }


def sorted_rows(notes: list[Note]) -> list[Note]:
    return sorted(notes, key=oldest_first_key)


class ComparisonTable:
    def __init__(self, columns: dict[str, Column], chosen: list[str], text: DraftText | None) -> None:
        self.columns = [columns[name] for name in chosen]
        self.text = text  # None for CSV: the values as written

    def _cell(self, column: Column, note: Note) -> str:
        value = column.value(note)
        text = self.text
        if column.kind == "list":
            items = [str(v) for v in value]  # type: ignore[union-attr]
            if text is None:
                return "; ".join(items)
            where = f"{note.key} ({column.heading.lower()})"
            return ", ".join(text.plain(item) for item in items if text.usable(item, where))
        if column.kind == "title":
            if text is None:
                return str(value)
            tie = "~" if text.fmt == "latex" else " "
            return f"{text.plain(str(value))}{tie}{text.cite([note.key])}"
        if column.kind == "markdown":
            if text is None:
                return " ".join(str(value).split())
            usable = value and text.usable(str(value), f"{note.key} ({column.heading.lower()})")
            return text.text(str(value), note.src_uri) if usable else ""
        return str(value) if text is None else text.plain(str(value))

    def csv(self, notes: list[Note]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.heading for c in self.columns])
        for note in sorted_rows(notes):
            writer.writerow([self._cell(c, note) for c in self.columns])
        return out.getvalue()

    def markdown(self, notes: list[Note], header: str) -> str:
        def row(cells: list[str]) -> str:
            return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

        lines = [row([c.heading for c in self.columns]),
                 "| " + " | ".join("---:" if c.heading in ("Year", "Cited by") else "---" for c in self.columns) + " |"]
        lines += [row([self._cell(c, note) for c in self.columns]) for note in sorted_rows(notes)]
        return header + "\n".join(lines) + "\n"

    def latex(self, notes: list[Note], header: str, caption: str, label: str) -> str:
        assert self.text is not None
        rows = [[self._cell(c, note) for c in self.columns] for note in sorted_rows(notes)]
        raw = [[_plain_length(c.value(note)) for c in self.columns] for note in sorted_rows(notes)]
        spec = _column_spec(self.columns, raw)
        head = " & ".join(self.text.plain(c.heading) for c in self.columns) + r" \\"
        header += self.text.packages("booktabs")
        body = "\n".join(" & ".join(cells) + r" \\" for cells in rows)
        return (f"{header}\\begin{{table}}[htbp]\n\\centering\n\\small\n\\begin{{tabular}}{{{spec}}}\n\\toprule\n"
                f"{head}\n\\midrule\n{body}\n\\bottomrule\n\\end{{tabular}}\n"
                f"\\caption{{{self.text.plain(caption)}}}\n\\label{{{label}}}\n\\end{{table}}\n")


def _plain_length(value: object) -> int:
    if isinstance(value, list):
        return len(", ".join(str(v) for v in value))
    return len(" ".join(str(value).split()))


def _column_spec(columns: list[Column], lengths: list[list[int]]) -> str:
    """``l`` for short columns; ``p{<share>\\linewidth}`` for the others, shares by their text."""
    longest = [max((row[i] for row in lengths), default=0) for i in range(len(columns))]
    average = [sum(row[i] for row in lengths) / len(lengths) if lengths else 0 for i in range(len(columns))]
    wraps = [longest[i] > WRAP_AFTER or columns[i].kind == "markdown" for i in range(len(columns))]
    # A short column takes about its longest cell (~1/80 of the line per character) and padding.
    fixed = sum(max(longest[i], len(columns[i].heading)) / 80 + 0.03 for i in range(len(columns)) if not wraps[i])
    room = max(0.3, TEXT_WIDTH - fixed - 0.03 * sum(wraps))
    # Shares grow with the square root of a column's text: a long results column gets more
    # room than a title, but not so much that the others shrink to a word per line.
    weights = [min(max(average[i], 12), 200) ** 0.5 if wraps[i] else 0 for i in range(len(columns))]
    total = sum(weights) or 1
    spec = []
    for i, column in enumerate(columns):
        if wraps[i]:
            spec.append(f"p{{{max(MIN_SHARE, room * weights[i] / total):.2f}\\linewidth}}")
        else:
            spec.append("r" if column.heading in ("Year", "Cited by") else "l")
    return "".join(spec)
