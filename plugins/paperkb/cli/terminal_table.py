"""Aligned plain-text tables for the terminal (CJK characters take two columns)."""

from __future__ import annotations

import unicodedata

MAX_CELL = 70  # display columns per table cell; longer values end with "…"


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def cell_text(value: object, max_width: int = MAX_CELL) -> str:
    """One line of at most ``max_width`` columns; control characters (escape sequences a title
    from an API could carry) are dropped."""
    text = " ".join("".join(ch for ch in str(value) if unicodedata.category(ch) != "Cc" or ch in "\t\n").split())
    if display_width(text) <= max_width:
        return text
    out, used = [], 0
    for ch in text:
        step = display_width(ch)
        if used + step > max_width - 1:
            break
        out.append(ch)
        used += step
    return "".join(out) + "…"


def aligned(rows: list[list[str]]) -> list[str]:
    """The rows as aligned lines, the first one a header underlined with dashes."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        padded = [text + " " * (widths[i] - display_width(text)) for i, text in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines
