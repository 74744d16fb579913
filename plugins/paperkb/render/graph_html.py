"""The HTML around a diagram: figure, legend, what was left out, and the field colours.

The SVG itself is not known when the page's Markdown is written (it may still be laid out in
a worker process): the figure holds a marker that the build replaces with the SVG last."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..core.model import ROLE_LABELS
from .escape import Markup, escaped_str, html, xml_text
from .graph_dot import ROLE_STYLES, GraphView, field_class

MARKER = "<!--pkb-graph:{}-->"
MARKER_PATTERN = re.compile(r"<!--pkb-graph:([0-9a-f]{64})-->")
MARKER_STARTS = ("<!--pkb-graph:",)  # how every match of MARKER_PATTERN begins (core/marker_sub.py)

# Twelve hues; light mode fills them pale, dark mode deep (see paperkb.css --pkb-c<i>); the
# interactive graphs draw dots in stronger tones of the same hues (--pkb-g<i>).
PALETTE_SIZE = 12
_DASHES = {"dashed": "5 3", "dotted": "1.5 3", "solid": "", "bold": ""}
_ARROW_NOTES = {"odiamond": "◇", "odot": "○"}


def marker(key: str) -> str:
    return MARKER.format(key)


def palette_indexes(fields_by_frequency: list[str]) -> dict[str, int]:
    """Each field's palette colour (0..PALETTE_SIZE-1): the most common fields get distinct hues;
    two names with one slug share a colour (they share a CSS class)."""
    by_class: dict[str, int] = {}
    colours: dict[str, int] = {}
    for name in fields_by_frequency:
        css_class = field_class(name)
        if css_class not in by_class:
            by_class[css_class] = len(by_class) % PALETTE_SIZE
        colours[name] = by_class[css_class]
    return colours


def field_palette_css(fields_by_frequency: list[str]) -> str:
    """CSS giving every field its palette colour (the diagrams' node fills)."""
    lines = ["/* paperkb: diagram colour of each field (generated) */"]
    seen: set[str] = set()
    for name, index in palette_indexes(fields_by_frequency).items():
        css_class = field_class(name)
        if css_class not in seen:
            seen.add(css_class)
            lines.append(f".{_css_ident(css_class)} {{ --pkb-fill: var(--pkb-c{index}); --pkb-strong: var(--pkb-g{index}); }}")
    return "\n".join(lines) + "\n"


def _css_ident(name: str) -> str:
    """A class name as a CSS identifier (slugs may hold non-ASCII word characters: allowed as is)."""
    return re.sub(r"([^\w-])", r"\\\1", name)


def aria_label(view: GraphView, subject: str) -> str:
    notes = len(view.nodes)
    edges = len(view.edges)
    return (f"Citation diagram of {' '.join(xml_text(subject).split())}: {notes} {'note' if notes == 1 else 'notes'}, "
            f"{edges} {'citation' if edges == 1 else 'citations'}")


@lru_cache(maxsize=None)  # six roles
def _role_item(role: str) -> Markup:
    """A role's legend entry: a sample of its line, its name, the arrowhead it ends in."""
    style = ROLE_STYLES.get(role, ROLE_STYLES["related"])
    dash = _DASHES.get(style.style, "")
    sample = html(
        '<svg class="pkb-legend__line pkb-role--{}" viewBox="0 0 36 8" width="36" height="8" aria-hidden="true">'
        '<line x1="1" y1="4" x2="35" y2="4" stroke-width="{}"{}/></svg>',
        role, style.penwidth, html(' stroke-dasharray="{}"', dash) if dash else "")
    arrow = _ARROW_NOTES.get(style.arrow, "")
    return html('<span class="pkb-legend__item pkb-legend__role" data-role="{}">{} {}{}</span>',
                role, sample, ROLE_LABELS.get(role, role), f" {arrow}" if arrow else "")


@lru_cache(maxsize=4096)
def _field_item(name: str | None) -> Markup:
    return html('<span class="pkb-legend__item pkb-legend__field"><span class="pkb-legend__swatch {}"></span> {}</span>',
                field_class(name), name if name else "No field")


@lru_cache(maxsize=None)  # four of them
def _how_to_read(mentions: bool, derived: bool) -> str:
    how = "Columns are years; an arrow points from a note to a note it cites"
    if mentions:
        how += " (pale: a link in the note's text rather than its cites list)"
    if derived:
        how += "; thin dashed with a hollow head: found by Semantic Scholar, not in the note's cites"
    how += "; click a note to open it."
    return str(html('<span class="pkb-legend__how">{}</span>', how))


def figure_pieces(view: GraphView, key: str, *, kind: str, note: Markup | str = "") -> list[str]:
    """``figure`` in the pieces HeldFigures holds it as: what comes before the legend's first
    entry, each entry (with the space or the end of the entries after it), the rest. Made as
    pieces, not cut out of the whole figure: a build holds every note's figure until its page
    is written, and nearly every legend differs (~1,950 of 2,000 notes), its entries not."""
    # (str.format over escaped values: Markup.format's Python-level formatter cost ~15 µs a note)
    head = (f'<figure class="pkb-graph pkb-graph--{escaped_str(kind)}" data-search-exclude>\n'
            f'<div class="pkb-graph__canvas">{marker(key)}</div>\n'
            '<figcaption class="pkb-legend"><span class="pkb-legend__items">')
    extra = html('<p class="pkb-graph__note">{}</p>\n', note) if note else ""
    tail = f"{_how_to_read(view.has_mentions, view.has_derived)}</figcaption>\n{extra}</figure>\n"
    entries = [_role_item(role) for role in view.roles] + [_field_item(name) for name in view.fields]
    if not entries:
        return [head + "</span>", tail]
    return [head, *(f"{entry} " for entry in entries[:-1]), f"{entries[-1]}</span>", tail]


def figure(view: GraphView, key: str, *, kind: str, note: Markup | str = "") -> str:
    """The figure for a diagram whose SVG the build inserts at ``marker(key)`` (the key, a cache
    file's name, never reaches the site: the marker is replaced): the diagram's edge roles and
    field colours present, and how to read it.

    Raw HTML without blank lines, so Markdown leaves it alone; kept out of the search index
    (its text is other notes' titles)."""
    return "".join(figure_pieces(view, key, kind=kind, note=note))


class HeldFigures:
    """Figures waiting for their page, each held as pieces that equal figures' pieces are shared
    with: a figure is mostly its legend (~2.8 KB), and nearly every note's legend differs only in
    which roles and fields it lists and in which order (at 2,000 notes ~1,950 different legends
    made of a few dozen different entries). ~0.4 KB a note instead of ~2.9 KB."""

    def __init__(self) -> None:
        self._figures: dict[str, tuple[str, ...]] = {}
        self._pieces: dict[str, str] = {}

    def put_pieces(self, name: str, pieces: Iterable[str]) -> tuple[str, ...]:
        """Hold the figure made of ``pieces`` (``figure_pieces``, or as an earlier ``put_pieces``
        returned them); returns the pieces as held (shared with the others')."""
        shared = self._pieces
        held = self._figures[name] = tuple(shared.setdefault(p, p) for p in pieces)
        return held

    def get(self, name: str) -> str | None:
        held = self._figures.get(name)
        return None if held is None else "".join(held)

    def pop(self, name: str, default: None = None) -> None:
        self._figures.pop(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self._figures


def render_failed(message: str) -> str:
    return str(html('<p class="pkb-graph__error">The diagram could not be drawn: {}</p>', message))
