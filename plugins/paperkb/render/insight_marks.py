"""``[想法]`` / ``[idea]`` at the start of a bullet shown as a badge, not as bracketed text.

The bullet stays where the author wrote it (and is collected on the Insights page); the badge
only says "this line is my own thought" the way the author's brackets did in their editor."""

from __future__ import annotations

from ..core.body_scan import INSIGHT_BULLET, Hold, LineTransform
from .escape import html


def has_insight_marks(markdown: str) -> bool:
    return "[想法]" in markdown or "[idea]" in markdown.lower()


def insight_mark(line: str, index: int, hold: Hold | None = None) -> str:
    """A line transform (body_scan.map_prose): the marker of an insight bullet as a badge;
    ``hold``: where the badge may go in as finished HTML (html_slots.py)."""
    match = INSIGHT_BULLET.match(line) if "[" in line else None
    if not match or not match.group(2).strip():
        return line
    badge = str(html('<span class="pkb-idea" title="My own insight">{}</span>', match.group(1)[1:-1]))
    if hold is not None and index in hold.lines:
        badge = hold.put(badge)
    return line[:match.start(1)] + badge + line[match.end(1):]


def insight_mark_transform(hold: Hold | None) -> LineTransform:
    return insight_mark if hold is None else lambda line, index: insight_mark(line, index, hold)
