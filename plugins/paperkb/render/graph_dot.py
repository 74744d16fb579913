"""Citation diagrams: which notes and edges each shows, and what it takes to draw them.

Plain Python (no MkDocs, no Graphviz import). A *view* picks the notes and edges of a note's
neighbourhood, one field or the whole site; ``diagram_source`` writes what the diagram needs
(plain text and classes, as JSON: the cache key is its digest) and ``layout_dot`` the DOT that
Graphviz places, left to right by year. graph_svg.py turns the two into the SVG.

- nodes carry CSS classes (``pkb-field--<slug>``, ``pkb-node--focus|near|far``) and edges
  ``pkb-role--<role>``: colours come from the site's CSS so diagrams read in light and dark
  mode; the SVG's own colours are a neutral fallback;
- node links are relative to the page the SVG lands on and open in the top window;
- no note text ever reaches Graphviz: the DOT names nodes ``n<i>`` and sizes their boxes,
  the text is measured here (text_metrics.py) and escaped by the SVG writer.
"""

from __future__ import annotations

import heapq
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from urllib.parse import quote

from ..core.library import Edge, Library
from ..core.model import ROLES, LinkKind
from ..core.slug import slugify
from ..core.urls import SiteUrls, shared_folders, url_folder
from .escape import xml_text
from .text_metrics import LINE_HEIGHT, text_width

NO_YEAR = "n.d."
URL_SAFE = "/#.-_~%"  # characters a diagram's links keep as they are (urllib.parse.quote)
LABEL_WIDTH = 24  # columns per label line (CJK characters count two)
LABEL_LINES = 3
TOOLTIP_MAX = 300  # characters of a node's tooltip
# Note boxes (points): Graphviz's default minimum size and paperkb's margins around the text.
BOX_MIN_WIDTH = 54.0
BOX_MIN_HEIGHT = 21.6
BOX_MARGIN_X = 7.2
BOX_MARGIN_Y = 3.6
BOLD_WIDTH = 1.08  # Helvetica Bold sets text about this much wider


@dataclass(frozen=True)
class EdgeStyle:
    style: str
    penwidth: float
    arrow: str
    color: str  # fallback when the site CSS is absent; reads on light and dark backgrounds


ROLE_STYLES: dict[str, EdgeStyle] = {
    "background": EdgeStyle("dotted", 1.2, "normal", "#8c939d"),
    "related": EdgeStyle("dashed", 1.0, "normal", "#8c939d"),
    "builds-on": EdgeStyle("solid", 1.3, "normal", "#5c7cfa"),
    "baseline": EdgeStyle("bold", 2.4, "normal", "#f08c00"),
    "dataset": EdgeStyle("dashed", 1.2, "odiamond", "#12a594"),
    "metric": EdgeStyle("dotted", 1.4, "odot", "#ae3ec9"),
}
NODE_FILL = "#e9ecef"
NODE_LINE = "#868e96"


def field_class(field_name: str | None) -> str:
    """CSS class of a field's nodes (the colour comes from the site's generated field CSS)."""
    return f"pkb-field--{slugify(field_name)}" if field_name else "pkb-field--none"


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_label(text: str, width: int = LABEL_WIDTH, max_lines: int = LABEL_LINES) -> list[str]:
    """Greedy word wrap by display width; long words (and CJK runs) are cut; an ellipsis ends a cut label."""
    pieces: list[str] = []
    for word in str(text).split():
        while display_width(word) > width:
            cut, used = 0, 0
            while cut < len(word) and used + display_width(word[cut]) <= width:
                used += display_width(word[cut])
                cut += 1
            pieces.append(word[:cut])
            word = word[cut:]
        if word:
            pieces.append(word)
    lines: list[str] = []
    for piece in pieces:
        if lines and display_width(lines[-1]) + 1 + display_width(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and display_width(last) + 1 > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines or [""]


# -- views ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GraphNode:
    key: str
    title: str
    year: int | None
    field: str | None  # first field: it gives the node its colour
    src_uri: str
    ring: int  # 0 the focus note, 1 a direct neighbour, 2 one hop further (local views)


@dataclass(frozen=True)
class GraphEdge:
    source: str  # the citing note
    target: str  # the cited note
    role: str
    via: LinkKind = LinkKind.CITES  # or a mention in the note's text, or derived (LinkKind.SCHOLAR)


@dataclass
class GraphView:
    """The notes and edges one diagram shows, and how much of the full graph it left out."""

    name: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    total_nodes: int
    total_edges: int
    focus: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def omitted_nodes(self) -> int:
        return self.total_nodes - len(self.nodes)

    @property
    def omitted_edges(self) -> int:
        return self.total_edges - len(self.edges)

    @property
    def roles(self) -> list[str]:
        present = {e.role for e in self.edges}
        return [r for r in ROLES if r in present]

    @property
    def has_mentions(self) -> bool:
        return any(e.via.in_text for e in self.edges)

    @property
    def has_derived(self) -> bool:
        return any(e.via is LinkKind.SCHOLAR for e in self.edges)

    @property
    def fields(self) -> list[str | None]:
        """Fields of the nodes shown, most frequent first."""
        counts: dict[str | None, int] = {}
        for node in self.nodes:
            counts[node.field] = counts.get(node.field, 0) + 1
        return sorted(counts, key=lambda f: (-counts[f], f is None, str(f).lower()))


class GraphViews:
    """Picks the nodes and edges of each diagram; built once per build (ranks are precomputed)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        # Most cited first, then newest, then by key: the order in which notes earn a place.
        ordered = sorted(library.notes, key=lambda k: (
            -library.cited_by_count(k), -(library.notes[k].year or 0), k))
        self.rank = {k: i for i, k in enumerate(ordered)}
        self._neighbours: dict[str, set[str]] = {}
        # Nodes and edges are shared by the views that show them (a build keeps every note's
        # view until its page is written: one object per node of every diagram was ~4 KB a note).
        self._nodes_made: dict[tuple[str, int], GraphNode] = {}
        self._edges_made: dict[int, GraphEdge] = {}  # by id() of the library's edge, which outlives the views

    def _node(self, key: str, ring: int) -> GraphNode:
        node = self._nodes_made.get((key, ring))
        if node is None:
            note = self.library.notes[key]
            node = self._nodes_made[key, ring] = GraphNode(
                key, note.title, note.year, note.fields[0] if note.fields else None, note.src_uri, ring)
        return node

    def _edge(self, edge: Edge) -> GraphEdge:
        made = self._edges_made.get(id(edge))
        if made is None:
            made = self._edges_made[id(edge)] = GraphEdge(edge.source, edge.target, edge.role, edge.via)
        return made

    def neighbours(self, key: str) -> set[str]:
        """The notes ``key`` cites or is cited by (asked again for every diagram it is near: kept)."""
        found = self._neighbours.get(key)
        if found is None:
            found = {e.target for e in self.library.cites(key)} | {e.source for e in self.library.cited_by(key)}
            found.discard(key)
            self._neighbours[key] = found
        return found

    def induced_edges(self, keys: Iterable[str]) -> list[GraphEdge]:
        chosen = set(keys)
        return [self._edge(e) for k in sorted(chosen) for e in self.library.cites(k) if e.target in chosen]

    def count_induced_edges(self, keys: Iterable[str]) -> int:
        """``len(self.induced_edges(keys))`` without making them (the whole site's: every edge)."""
        chosen = set(keys)
        cites = self.library.cites
        return sum(1 for k in chosen for e in cites(k) if e.target in chosen)

    def _nodes(self, rings: dict[str, int]) -> list[GraphNode]:
        made = self._nodes_made
        return sorted((made.get((k, r)) or self._node(k, r) for k, r in rings.items()), key=lambda n: (n.year or 0, n.key))

    def local(self, key: str, max_nodes: int = 30) -> GraphView:
        """The note, what it cites and what cites it. When that neighbourhood fills less than half
        of ``max_nodes``, one more hop is added up to half the cap, best-connected notes first;
        a note with more neighbours than fit keeps its most-cited ones."""
        max_nodes = max(2, max_nodes)
        rank = self.rank
        near_all = sorted(self.neighbours(key), key=rank.__getitem__)
        near = near_all[: max_nodes - 1]
        rings = {key: 0, **{k: 1 for k in near}}

        half = max_nodes // 2
        if near and len(rings) < half:
            # Counted in C: a much-cited neighbour brings hundreds or thousands of candidates.
            links: Counter[str] = Counter()
            for k in near:
                links.update(self.neighbours(k))
            for k in rings:
                links.pop(k, None)
            # The few best of the candidates (ranks are unique: no ties).
            for _links, _rank, k in heapq.nsmallest(half - len(rings), [(-n, rank[k], k) for k, n in links.items()]):
                rings[k] = 2

        # Citations between two second-hop notes are left out: they crowd the picture and say
        # nothing about this note. (induced_edges, filtered before its edges are made.)
        edges = []
        made, cites = self._edges_made, self.library.cites
        for k in sorted(rings):
            for e in cites(k):
                target_ring = rings.get(e.target)
                if target_ring is not None and (target_ring < 2 or rings[e.source] < 2):
                    edges.append(made.get(id(e)) or self._edge(e))
        direct_total = len(self.library.cites(key)) + len(self.library.cited_by(key))
        direct_shown = sum(1 for e in edges if e.source == key or e.target == key)
        return GraphView(f"local:{key}", self._nodes(rings), edges,
                         total_nodes=len(rings) + len(near_all) - len(near),
                         total_edges=len(edges) + direct_total - direct_shown, focus=key)

    def top(self, name: str, keys: list[str], max_nodes: int) -> GraphView:
        """The ``max_nodes`` most-cited of ``keys`` and the citations among them."""
        shown = sorted(keys, key=self.rank.__getitem__)[:max_nodes]
        edges = self.induced_edges(shown)
        total_edges = self.count_induced_edges(keys) if len(shown) < len(keys) else len(edges)
        return GraphView(name, self._nodes({k: 1 for k in shown}), edges,
                         total_nodes=len(keys), total_edges=total_edges)

    def connecting(self, name: str, keys: Iterable[str], max_nodes: int = 40) -> GraphView:
        """A set of notes (a project's papers) and what connects them: the notes outside the set
        that cite, or are cited by, two or more of them, best-connected first. The set's notes
        are drawn near (ring 1), the connecting ones far (ring 2); citations between two
        connecting notes are left out. Over ``max_nodes``, the set keeps its most-cited notes."""
        members = [k for k in dict.fromkeys(keys) if k in self.library.notes]
        shown = sorted(members, key=self.rank.__getitem__)[:max(1, max_nodes)]
        member_set = set(members)
        links: dict[str, int] = {}
        for key in shown:
            for other in self.neighbours(key):
                if other not in member_set:
                    links[other] = links.get(other, 0) + 1
        bridges = sorted((k for k in links if links[k] >= 2), key=lambda k: (-links[k], self.rank[k]))
        rings = {**{k: 1 for k in shown}, **{k: 2 for k in bridges[:max(0, max_nodes - len(shown))]}}
        edges = [e for e in self.induced_edges(rings) if rings[e.source] == 1 or rings[e.target] == 1]
        everything = {**{k: 1 for k in members}, **{k: 2 for k in bridges}}
        total_edges = len([e for e in self.induced_edges(everything)
                           if everything[e.source] == 1 or everything[e.target] == 1])
        view = GraphView(name, self._nodes(rings), edges, total_nodes=len(everything), total_edges=total_edges)
        view.extra["connecting"] = len(rings) - len(shown)
        return view

    def field(self, field_name: str, max_nodes: int = 60) -> GraphView:
        view = self.top(f"field:{field_name}", [n.key for n in self.library if field_name in n.fields], max_nodes)
        view.extra["field"] = field_name
        return view

    def site(self, max_nodes: int = 60) -> GraphView:
        return self.top("site", list(self.library.notes), max_nodes)


# -- the diagram's source -----------------------------------------------------------------------
NOTE_FONT_SIZE = 10
FOCUS_FONT_SIZE = 11
YEAR_FONT_SIZE = 11


# Diagram sources are JSON written as json.dumps(..., ensure_ascii=False, separators=(",", ":"))
# would write them, but pieced together from parts encoded once: a note appears in the diagrams
# of all its neighbours, a citation in those of both its notes (~15 notes a diagram).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=16384)
def _page_url_cached(use_directory_urls: bool, src_uri: str) -> str:
    return SiteUrls(use_directory_urls).url(src_uri)


@lru_cache(maxsize=16384)
def _page_url_parts(use_directory_urls: bool, src_uri: str) -> list[str]:
    return _page_url_cached(use_directory_urls, src_uri).split("/")


@lru_cache(maxsize=65536)
def _quoted_tail(use_directory_urls: bool, src_uri: str, common: int) -> str:
    """The page of ``src_uri``'s URL past its first ``common`` folders, quoted for a link."""
    return quote("/".join(_page_url_parts(use_directory_urls, src_uri)[common:]), safe=URL_SAFE)


def _href(folder: list[str], use_directory_urls: bool, src_uri: str) -> str:
    """core/urls.py relative_url from a page in ``folder`` (its URL's folders) to the page of
    ``src_uri``, quoted: ``quote`` goes character by character, so the quoted tail of the
    target's URL (what most links from pages in one place share) is kept."""
    common = shared_folders(folder, _page_url_parts(use_directory_urls, src_uri))
    return "../" * (len(folder) - common) + _quoted_tail(use_directory_urls, src_uri, common) or "./"


@lru_cache(maxsize=16384)
def _lines(title: str) -> tuple[str, ...]:
    """A note's wrapped label (cached: a note appears in many diagrams)."""
    return tuple(wrap_label(plain_line(title)))


def plain_line(text: object) -> str:
    """Note text as one line of diagram text: characters XML cannot hold dropped, whitespace
    runs (newlines included) made one space. Escaped where it lands (graph_svg.py)."""
    return " ".join(xml_text(str(text)).split())


def _tooltip(node: GraphNode) -> str:
    year = f" ({node.year})" if node.year is not None else ""
    title = node.title if len(node.title) <= TOOLTIP_MAX else node.title[:TOOLTIP_MAX - 1] + "…"
    return plain_line(title + year)


def _node_parts(node: GraphNode) -> tuple[str, str, str]:
    """A note's entry in a diagram's source as JSON, but for its column and link: what comes
    before the column, between the column and the link, and after the link."""
    ring = {0: "focus", 1: "near"}.get(node.ring, "far")
    classes = f"pkb-node pkb-node--{ring} {field_class(node.field)}"
    return (f"[{_encode(node.key)},",
            f",{_encode(_lines(node.title))},{_encode(_tooltip(node))},",
            f",{_encode(classes)},{'true' if node.ring == 0 else 'false'}]")


# What diagrams share, by id() of the node or citation (a node and an edge of one build's views
# are each one object, shared by all its diagrams): hashing a node or edge dataclass, for an
# lru_cache, took longer than making its JSON once. Each entry keeps its object, so an id is
# never taken for another's; the memo is emptied at SHARED_MAX entries and by forget_shared_parts.
SHARED_MAX = 65536
_nodes_json: dict[int, tuple[GraphNode, tuple[str, str, str]]] = {}
_edges_json: dict[tuple[int, bool], tuple[GraphEdge, str]] = {}  # by id() and whether it may place columns


def _shared_node_parts(node: GraphNode) -> tuple[str, str, str]:
    found = _nodes_json.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    if len(_nodes_json) >= SHARED_MAX:
        _nodes_json.clear()
    parts = _node_parts(node)
    _nodes_json[id(node)] = (node, parts)
    return parts


def _shared_edge_json(edge: GraphEdge, forward: bool) -> str:
    found = _edges_json.get((id(edge), forward))
    if found is not None and found[0] is edge:
        return found[1]
    if len(_edges_json) >= SHARED_MAX:
        _edges_json.clear()
    made = _edge_json(edge, forward)
    _edges_json[id(edge), forward] = (edge, made)
    return made


def _edge_json(edge: GraphEdge, forward: bool) -> str:
    """A citation's entry in a diagram's source, as JSON."""
    style = ROLE_STYLES.get(edge.role, ROLE_STYLES["related"])
    derived = edge.via is LinkKind.SCHOLAR
    mark = " pkb-edge--mention" if edge.via.in_text else " pkb-edge--derived" if derived else ""
    # Derived (Semantic Scholar) edges: thin, dashed, with a hollow arrowhead, whatever their role.
    return _encode([edge.target, edge.source, f"pkb-edge pkb-role--{edge.role}{mark}",
                    "dashed" if derived else style.style, 0.8 if derived else style.penwidth,
                    "empty" if derived else style.arrow, style.color, forward])


def forget_shared_parts() -> None:
    """Let go of the parts diagrams share (nodes' labels, links, classes) once a build has made
    every diagram's source: the caches hold every node of every diagram until the process ends."""
    for cached in (_page_url_cached, _page_url_parts, _quoted_tail, _lines):
        cached.cache_clear()
    _nodes_json.clear()
    _edges_json.clear()


_CITED_CITING = attrgetter("target", "source")  # a diagram's citations in this order


def diagram_source(view: GraphView, urls: SiteUrls, here: str) -> str:
    """What graph_svg.py needs to draw ``view`` for the page built from ``here``, as JSON: the
    year columns, each note (key, column, label lines, tooltip, link, classes, focus) and each
    citation (cited, citing, classes, line style, width, arrowhead, colour, whether it may
    place the columns). Plain text, not markup: escaped where it lands. Deterministic (sorted
    nodes and edges): its digest is the diagram's cache key."""
    years_of = {n.key: n.year for n in view.nodes}
    years = sorted({year for year in years_of.values() if year is not None})
    columns: list[int | None] = [*years, *([None] if any(n.year is None for n in view.nodes) else [])]
    column_of = {year: str(i) for i, year in enumerate(columns)}
    folder = url_folder(urls.url(here)).split("/")[:-1]
    use_directory_urls = urls.use_directory_urls
    nodes = []
    for node in view.nodes:
        before, middle, after = _shared_node_parts(node)
        # (a quoted link holds nothing JSON escapes: its JSON is the link in quotes)
        nodes.append(f'{before}{column_of[node.year]}{middle}"{_href(folder, use_directory_urls, node.src_uri)}"{after}')
    edges = []
    for edge in sorted(view.edges, key=_CITED_CITING):
        cited_year, citing_year = years_of.get(edge.target), years_of.get(edge.source)
        # Only a citation that runs forward in time may place columns; a preprint citing a
        # later paper (or a note without a year) is drawn without constraining the layout.
        edges.append(_shared_edge_json(edge, cited_year is not None and citing_year is not None
                                and cited_year <= citing_year))
    labels = [str(year) if year is not None else NO_YEAR for year in columns]
    return f'{{"columns":{_encode(labels)},"nodes":[{",".join(nodes)}],"edges":[{",".join(edges)}]}}'


# -- DOT for the layout ----------------------------------------------------------------------------
def box_size(lines: list[str] | tuple[str, ...], font_size: float, *, bold: bool = False) -> tuple[float, float]:
    """A note box's width and height in points: its text in Helvetica (the focus note's is
    bold, see paperkb.css) and the margins."""
    widest = max((text_width(line, font_size) for line in lines), default=0.0)
    width = widest * (BOLD_WIDTH if bold else 1.0) + 2 * BOX_MARGIN_X
    height = len(lines) * font_size * LINE_HEIGHT + 2 * BOX_MARGIN_Y
    return max(width, BOX_MIN_WIDTH), max(height, BOX_MIN_HEIGHT)


@lru_cache(maxsize=4096)  # a note is in the diagrams of its neighbours, and each diagram asks twice (DOT, SVG)
def note_box(lines: tuple[str, ...], focus: bool) -> tuple[float, float]:
    """The box of a note of a diagram's source: ``box_size`` of its label lines (a tuple)."""
    return box_size(lines, FOCUS_FONT_SIZE if focus else NOTE_FONT_SIZE, bold=focus)


CHAIN_SIZE = 2.0  # points: a chain point's box, as small as Graphviz's own virtual nodes
# A chain's inner links pull harder than its ends (as Graphviz weighs its own virtual chains),
# so a long citation runs straight across the columns it passes.
CHAIN_INNER_WEIGHT = 4


def edge_columns(source: dict) -> list[tuple[int, int] | None]:
    """For each citation of ``source``, the columns it runs between, leftmost first; None when
    one of its notes is not in the diagram."""
    column_of = {node[0]: node[1] for node in source["nodes"]}
    spans: list[tuple[int, int] | None] = []
    for cited, citing, *_rest in source["edges"]:
        a, b = column_of.get(cited), column_of.get(citing)
        spans.append(None if a is None or b is None else (a, b) if a <= b else (b, a))
    return spans


def chain_node(edge: int, column: int) -> str:
    """The DOT name of citation ``edge``'s point in ``column`` (a column it passes without a note there)."""
    return f"c{edge}_{column}"


def layout_dot(source: dict) -> str:
    """DOT of a diagram's source (``json.loads(diagram_source(...))``) for Graphviz to place:
    boxes of known size and no text at all (the SVG writer draws the text), laid out left to
    right by year:

    - every year present gets a column (a ``rank=same`` group anchored on a year label), notes
      without a year go to a last "n.d." column;
    - a citation is declared from its earlier column to its later one, so citations never
      fight the year columns; one that runs backwards in time (or from a note without a
      year) does not place the columns (``constraint=false``);
    - a citation that passes columns without a note there gets a small *chain point* in each
      (``c<edge>_<column>``): Graphviz keeps room for it between the boxes of that column as
      it does for its own virtual nodes, but routes no spline (``splines=""``, half of its
      time): edge_routes.py draws each citation through its points.

    Names are this function's own: ``y<i>`` the year columns, ``n<i>`` the notes, in the
    source's order."""
    lines = [
        "digraph {",
        'graph [rankdir=LR, nodesep=0.18, ranksep=0.5, newrank=true, splines=""];',
        'node [shape=box, fixedsize=true, label=""];',
    ]
    columns = source["columns"]
    years = [f"y{i}" for i in range(len(columns))]
    # (the year labels' shape and size as their block's default, their invisible links as one
    # chain: fewer statements for Graphviz to read, the same nodes and edges in the same order)
    lines.append(f"{{ node [shape=plaintext, width={BOX_MIN_WIDTH / 72:.4f}, height={BOX_MIN_HEIGHT / 72:.4f}]; "
                 f"{' '.join(years)} }}")
    if len(years) > 1:
        lines.append(f"{' -> '.join(years)} [style=invis, weight=20];")
    by_column: list[list[str]] = [[] for _ in columns]
    index: dict[str, int] = {}
    for i, (key, column, label, _tooltip, _href, _classes, focus) in enumerate(source["nodes"]):
        width, height = note_box(tuple(label), focus)
        index[key] = i
        by_column[column].append(f"n{i}")
        lines.append(f"n{i} [width={width / 72:.4f}, height={height / 72:.4f}];")
    chain_points: list[str] = []
    links: list[str] = []
    for i, ((cited, citing, *_style, forward), span) in enumerate(zip(source["edges"], edge_columns(source))):
        if span is None:
            continue
        first, last = f"n{index[cited]}", f"n{index[citing]}"
        if source["nodes"][index[cited]][1] > span[0]:
            first, last = last, first  # the citing note is in the earlier column
        extra = "" if forward else " [constraint=false]"
        if span[1] - span[0] < 2:
            links.append(f"{first} -> {last}{extra};")
            continue
        points = [chain_node(i, column) for column in range(span[0] + 1, span[1])]
        for column, name in zip(range(span[0] + 1, span[1]), points):
            by_column[column].append(name)
        chain_points += points
        links.append(f"{first} -> {points[0]}{extra};")
        if len(points) > 1:
            weight = f"weight={CHAIN_INNER_WEIGHT}" + (", constraint=false" if extra else "")
            links.append(f"{' -> '.join(points)} [{weight}];")
        links.append(f"{points[-1]} -> {last}{extra};")
    if chain_points:  # (one statement: their size is the block's default)
        size = f"{CHAIN_SIZE / 72:.4f}"
        lines.append(f"{{ node [width={size}, height={size}]; {' '.join(chain_points)} }}")
    for i, members in enumerate(by_column):
        lines.append(f"{{ rank=same; y{i} {' '.join(members)} }}")
    lines += links
    lines.append("}")
    # One line: Graphviz's reader takes text from memory a line at a time (~3% of its time).
    return " ".join(lines) + "\n"
