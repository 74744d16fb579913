"""How wide a line of diagram text is, in points: Helvetica's advance widths.

Diagram text is drawn by the browser in Helvetica / Arial (paperkb.css), whose widths are the
same; measuring with them here sizes each note's box for the font that draws it, the same on
every machine (Graphviz measured with whatever font the build machine had, through Pango, at
~0.5 ms a diagram). Wide (CJK) characters take a full em, other letters outside ASCII the width
of an average lowercase letter."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Advance widths of Helvetica (Adobe's core-font metrics, thousandths of an em), " " to "~".
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0 to ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ to O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P to _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` to o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p to ~
)
_OTHER = 556
_WIDE = 1000
LINE_HEIGHT = 1.2  # line spacing, in ems (Graphviz's)


@lru_cache(maxsize=8192)
def _char_width(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII_WIDTHS[code - 32]
    if code < 32 or code == 127:
        return 0
    if unicodedata.east_asian_width(char) in "WF" or char == "…":
        return _WIDE
    if unicodedata.combining(char):
        return 0
    return _OTHER


@lru_cache(maxsize=65536)  # a note's lines recur in the diagrams of all its neighbours
def text_width(text: str, font_size: float) -> float:
    """Width of ``text`` set in Helvetica at ``font_size`` points."""
    return sum(map(_char_width, text)) * font_size / 1000
