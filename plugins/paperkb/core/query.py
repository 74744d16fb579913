"""Graph search over the Library: one query engine for the CLI and for ``paperkb-query`` blocks.

A query is a mapping of keys (the same names in YAML blocks and, with dashes, on the command line):
graph keys pick candidate notes by citation, filters narrow them, ``sort``/``limit`` order them.
Every step is linear in notes + edges, so a query stays fast on 10,000 notes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .library import Edge, Library
from .model import LEVEL_ALIASES, LEVELS, PAPER_TYPES, ROLES, Note

# The graph keys: each gives a set of candidate notes; several combine by intersection.
TRAVERSAL_KEYS = ("descendants", "ancestors")
RANKED_KEYS = ("cocited_with", "coupled_with")
GRAPH_KEYS = ("descendants", "ancestors", "cites_all", "cited_by_all", "cocited_with", "coupled_with")
FILTER_KEYS = ("since", "until", "field", "type", "venue", "tag", "level", "dataset", "metric", "role", "text")
OPTION_KEYS = ("depth", "sort", "limit", "columns", "derived")
QUERY_KEYS = GRAPH_KEYS + FILTER_KEYS + OPTION_KEYS
SORT_FIELDS = ("year", "title", "key", "venue", "cited_by", "score", "distance")


class QueryError(ValueError):
    """A malformed query; ``key`` is the query key at fault (None for the query as a whole)."""

    def __init__(self, message: str, key: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.line = line  # 0-based line in the YAML text the query came from, when known


@dataclass(frozen=True)
class Query:
    descendants: tuple[str, ...] = ()
    ancestors: tuple[str, ...] = ()
    depth: int | None = None
    cites_all: tuple[str, ...] = ()
    cited_by_all: tuple[str, ...] = ()
    cocited_with: str | None = None
    coupled_with: str | None = None
    since: int | None = None
    until: int | None = None
    field: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    venue: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    dataset: tuple[str, ...] = ()
    metric: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    limit: int | None = None
    columns: tuple[str, ...] | None = None
    # Count citations Semantic Scholar found that the notes' cites do not list (paperkb enrich).
    derived: bool = True
    # 0-based line of each key in the YAML it was read from (for messages); not part of the query.
    lines: dict[str, int] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    # -- parsing -------------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Any, *, column_names: Iterable[str] | None = None,
                     lines: Mapping[str, int] | None = None) -> "Query":
        """Validate ``data`` (a parsed YAML mapping or CLI options); raise QueryError naming the key.

        ``column_names``: the table columns ``columns`` may name (unchecked when None)."""
        if data is None or data == {}:
            raise QueryError(f"empty query: give at least one of {', '.join(GRAPH_KEYS + FILTER_KEYS)}")
        if not isinstance(data, Mapping):
            raise QueryError(f"a query is a mapping of keys to values, got {_kind(data)}")
        for key in data:
            if not isinstance(key, str) or key not in QUERY_KEYS:
                close = difflib.get_close_matches(str(key), QUERY_KEYS, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise QueryError(f"unknown query key '{key}'{hint}; allowed keys: {', '.join(QUERY_KEYS)}", str(key))
        for key, value in data.items():
            if value is None or value == [] or value == "":
                raise QueryError(f"'{key}' has no value", key)

        values: dict[str, Any] = {}
        for key in ("descendants", "ancestors", "cites_all", "cited_by_all"):
            if key in data:
                values[key] = _strings(data[key], key, "note key")
        for key in RANKED_KEYS:
            if key in data:
                values[key] = _one_string(data[key], key, "note key")
        for key in ("since", "until"):
            if key in data:
                values[key] = _year(data[key], key)
        for key in ("field", "venue", "tag", "dataset", "metric", "text"):
            if key in data:
                values[key] = _strings(data[key], key, "value")
        if "type" in data:
            values["type"] = _choices(data["type"], "type", PAPER_TYPES)
        if "level" in data:
            values["level"] = _choices(data["level"], "level", LEVELS, LEVEL_ALIASES)
        if "role" in data:
            values["role"] = _choices(data["role"], "role", ROLES)
        for key in ("depth", "limit"):
            if key in data:
                values[key] = _positive_int(data[key], key)
        if "sort" in data:
            values["sort"] = _sort_specs(data["sort"])
        if "columns" in data:
            values["columns"] = _columns(data["columns"], column_names)
        if "derived" in data:
            if not isinstance(data["derived"], bool):
                raise QueryError(f"'derived' must be true or false, got {_kind(data['derived'])}", "derived")
            values["derived"] = data["derived"]
        query = cls(**values, lines=dict(lines or {}))
        query._check_combinations()
        return query

    @classmethod
    def from_yaml(cls, text: str, *, column_names: Iterable[str] | None = None) -> "Query":
        """Parse a YAML query (a ``paperkb-query`` block); QueryError.line is 0-based in ``text``."""
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            lines: dict[str, int] = {}
            if isinstance(node, yaml.MappingNode):
                for key_node, _ in node.value:
                    key = str(key_node.value)
                    if key in lines:
                        raise _with_line(QueryError(f"'{key}' is given twice", key), key_node.start_mark.line)
                    lines[key] = key_node.start_mark.line
            data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            context = f" ({exc.context})" if exc.context else ""
            error = QueryError(f"YAML syntax error: {exc.problem or exc}{context}")
            raise _with_line(error, mark.line if mark else 0) from None
        except yaml.YAMLError as exc:
            raise QueryError(f"YAML error: {exc}") from None
        finally:
            loader.dispose()
        try:
            return cls.from_mapping(data, column_names=column_names, lines=lines)
        except QueryError as exc:
            raise _with_line(exc, lines.get(exc.key or "", 0)) from None

    def _check_combinations(self) -> None:
        if self.cocited_with and self.coupled_with:
            raise QueryError("use one of 'cocited_with' and 'coupled_with', not both", "coupled_with")
        if self.depth is not None and not self.traverses:
            raise QueryError("'depth' limits 'descendants' or 'ancestors'; give one of them", "depth")
        if self.role and not self.uses_graph:
            raise QueryError(f"'role' selects the citation edges a graph key follows; give one of "
                             f"{', '.join(GRAPH_KEYS)}", "role")
        if self.since is not None and self.until is not None and self.until < self.since:
            raise QueryError(f"'until' ({self.until}) is before 'since' ({self.since})", "until")
        for spec in self.sort:
            name = spec.lstrip("+-")
            if name == "score" and not self.ranked:
                raise QueryError("sorting by 'score' needs 'cocited_with' or 'coupled_with'", "sort")
            if name == "distance" and not self.traverses:
                raise QueryError("sorting by 'distance' needs 'descendants' or 'ancestors'", "sort")

    # -- what the query is ---------------------------------------------------------------------
    @property
    def uses_graph(self) -> bool:
        return any(getattr(self, key) for key in GRAPH_KEYS)

    @property
    def traverses(self) -> bool:
        return bool(self.descendants or self.ancestors)

    @property
    def ranked(self) -> bool:
        return bool(self.cocited_with or self.coupled_with)

    @property
    def score_label(self) -> str:
        return "Co-cited" if self.cocited_with else "Shared refs"

    def note_keys(self) -> list[tuple[str, str]]:
        """(query key, note key) for every note the query names."""
        named = [(k, v) for k in ("descendants", "ancestors", "cites_all", "cited_by_all") for v in getattr(self, k)]
        named += [(k, getattr(self, k)) for k in RANKED_KEYS if getattr(self, k)]
        return named

    def as_mapping(self) -> dict[str, Any]:
        """The keys that were set, with list values as lists (for JSON and captions)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name != "lines" and value not in (None, ()):
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def describe(self, name: Callable[[str], str] = str) -> str:
        """One plain-text line saying what was asked (captions, CLI summaries); ``name`` turns a
        note key into how the line shows it (a page shows titles, the terminal keys)."""
        def names(keys: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(name(k) for k in keys)

        hops = ""
        if self.depth == 1:
            hops = ", directly"
        elif self.depth is not None:
            hops = f", directly or within {self.depth} hops"
        elif self.traverses:
            hops = ", directly or transitively"
        parts: list[str] = []
        if self.descendants:
            parts.append(f"notes citing {_either(names(self.descendants))}{hops}")
        if self.ancestors:
            parts.append(f"notes cited by {_either(names(self.ancestors))}{hops}")
        if self.cites_all:
            parts.append(f"notes citing {_all(names(self.cites_all))}")
        if self.cited_by_all:
            parts.append(f"notes cited by {_all(names(self.cited_by_all))}")
        if self.cocited_with:
            parts.append(f"notes most often cited together with {name(self.cocited_with)}")
        if self.coupled_with:
            parts.append(f"notes sharing the most references with {name(self.coupled_with)}")
        text = " and ".join(parts) if parts else "all notes"
        text = text[0].upper() + text[1:]
        filters: list[str] = []
        if self.role:
            filters.append(f"following {_either(self.role)} citations only")
        if self.since is not None and self.until is not None:
            filters.append(f"from {self.since} to {self.until}" if self.since != self.until else f"from {self.since}")
        elif self.since is not None:
            filters.append(f"since {self.since}")
        elif self.until is not None:
            filters.append(f"until {self.until}")
        for key in ("field", "type", "venue", "tag", "level"):
            if getattr(self, key):
                filters.append(f"{key} {_either(getattr(self, key))}")
        for key in ("dataset", "metric"):  # a name, or the key of the dataset's / metric's note
            if getattr(self, key):
                filters.append(f"{key} {_either(names(getattr(self, key)))}")
        if self.text:
            filters.append("text containing " + _either(tuple(f"“{t}”" for t in self.text)))
        if not self.derived:
            filters.append("only citations the notes list")
        return text + ("; " + "; ".join(filters) if filters else "")


# -- running a query ---------------------------------------------------------------------------
@dataclass
class QueryResult:
    query: Query
    notes: list[Note]
    total: int  # matches before ``limit``
    scores: dict[str, int] | None = None  # ranked queries: co-citation / shared-reference counts
    distance: dict[str, int] | None = None  # traversals: fewest citation hops from the named notes

    def score(self, note: Note) -> int | None:
        return self.scores.get(note.key) if self.scores is not None else None


def run_query(library: Library, query: Query) -> list[Note]:
    """The notes answering ``query``, sorted and limited as it asks."""
    return evaluate(library, query).notes


def evaluate(library: Library, query: Query) -> QueryResult:
    """Run ``query``; the result also carries rank scores and hop counts. Raises QueryError for
    notes the query names that are not in the library."""
    for query_key, note_key in query.note_keys():
        if note_key not in library.notes:
            raise QueryError(_unknown_note(library, note_key), query_key)

    roles = frozenset(query.role)
    follows: Callable[[Edge], bool] = (lambda e: e.role in roles) if roles else (lambda e: True)
    if not query.derived:  # only the citations the notes wrote
        by_role = follows
        follows = lambda e: not e.derived and by_role(e)  # noqa: E731
    candidates: set[str] | None = None
    distance: dict[str, int] | None = None
    scores: dict[str, int] | None = None

    def narrow(keys: Iterable[str]) -> None:
        nonlocal candidates
        keys = set(keys)
        candidates = keys if candidates is None else candidates & keys

    if query.descendants:
        distance = _reach(query.descendants, library.in_edges, lambda e: e.source, follows, query.depth)
        narrow(distance)
    if query.ancestors:
        found = _reach(query.ancestors, library.out_edges, lambda e: e.target, follows, query.depth)
        distance = found if distance is None else {k: min(distance.get(k, v), v) for k, v in found.items()}
        narrow(found)
    for key in query.cites_all:
        narrow(e.source for e in library.in_edges.get(key, ()) if follows(e))
    for key in query.cited_by_all:
        narrow(e.target for e in library.out_edges.get(key, ()) if follows(e))
    if query.cocited_with:
        scores = _cocited(library, query.cocited_with, follows)
        narrow(scores)
    if query.coupled_with:
        scores = _coupled(library, query.coupled_with, follows)
        narrow(scores)

    pool: Iterable[Note] = (library.notes.values() if candidates is None
                            else (library.notes[k] for k in candidates if k in library.notes))
    keep = _filter(library, query)
    matched = [note for note in pool if keep(note)]
    ordered = _sort(matched, query, library, scores, distance)
    limited = ordered[: query.limit] if query.limit is not None else ordered
    return QueryResult(query, limited, len(ordered), scores, distance)


def _reach(seeds: Iterable[str], edges: dict[str, list[Edge]], step: Callable[[Edge], str],
           follows: Callable[[Edge], bool], depth: int | None) -> dict[str, int]:
    """Breadth-first search from ``seeds``: note key -> fewest hops; the seeds themselves excluded."""
    seeds = tuple(dict.fromkeys(seeds))
    found: dict[str, int] = {}
    frontier = list(seeds)
    distance = 0
    while frontier and (depth is None or distance < depth):
        distance += 1
        reached = []
        for key in frontier:
            for edge in edges.get(key, ()):
                other = step(edge)
                if other not in found and follows(edge):
                    found[other] = distance
                    reached.append(other)
        frontier = reached
    for seed in seeds:
        found.pop(seed, None)
    return found


def _cocited(library: Library, key: str, follows: Callable[[Edge], bool]) -> dict[str, int]:
    """How many notes cite both ``key`` and X, for every X (linear: one pass per citing note)."""
    counts: Counter[str] = Counter()
    for edge in library.in_edges.get(key, ()):
        if follows(edge):
            for other in library.out_edges.get(edge.source, ()):
                if other.target != key and follows(other):
                    counts[other.target] += 1
    return dict(counts)


def _coupled(library: Library, key: str, follows: Callable[[Edge], bool]) -> dict[str, int]:
    """How many references X shares with ``key`` (bibliographic coupling), for every X."""
    counts: Counter[str] = Counter()
    for edge in library.out_edges.get(key, ()):
        if follows(edge):
            for other in library.in_edges.get(edge.target, ()):
                if other.source != key and follows(other):
                    counts[other.source] += 1
    return dict(counts)


def _filter(library: Library, query: Query) -> Callable[[Note], bool]:
    """One predicate for all filters; list values match when any of them does."""
    tests: list[Callable[[Note], bool]] = []
    if query.since is not None:
        tests.append(lambda n: n.year is not None and n.year >= query.since)
    if query.until is not None:
        tests.append(lambda n: n.year is not None and n.year <= query.until)
    if query.field:
        wanted_fields = _folded(query.field)
        tests.append(lambda n: any(f.casefold() in wanted_fields for f in n.fields))
    if query.type:
        tests.append(lambda n: n.type in query.type)
    if query.level:
        tests.append(lambda n: n.level in query.level)
    if query.venue:
        wanted_venues = _folded(query.venue)
        tests.append(lambda n: n.venue is not None and n.venue.casefold() in wanted_venues)
    if query.tag:
        wanted_tags = _folded(query.tag)
        tests.append(lambda n: any(t.casefold() in wanted_tags for t in n.tags))
    if query.dataset:
        tests.append(_uses(library, _folded(query.dataset), "dataset", lambda n: n.datasets))
    if query.metric:
        tests.append(_uses(library, _folded(query.metric), "metric", lambda n: n.metrics))
    if query.text:
        needles = tuple(t.casefold() for t in query.text)
        tests.append(lambda n: _contains_any(n.text_fields().casefold(), needles))
    return lambda note: all(test(note) for test in tests)


def _contains_any(text: str, needles: tuple[str, ...]) -> bool:
    return any(needle in text for needle in needles)


def _uses(library: Library, wanted: frozenset[str], role: str,
          names_of: Callable[[Note], list[str]]) -> Callable[[Note], bool]:
    """A note uses a dataset/metric when it lists its name, or cites its note in that role."""
    def test(note: Note) -> bool:
        if any(name.casefold() in wanted for name in names_of(note)):
            return True
        return any(e.role == role and e.target.casefold() in wanted for e in library.out_edges.get(note.key, ()))
    return test


def _sort(notes: list[Note], query: Query, library: Library, scores: dict[str, int] | None,
          distance: dict[str, int] | None) -> list[Note]:
    """Stable multi-key sort; notes lacking a value (no year, no venue) go last either way."""
    specs = query.sort or (("-score", "-year") if query.ranked else ("-year",))

    def value(name: str, note: Note) -> Any:
        if name == "year":
            return note.year
        if name == "title":
            return note.title.casefold()
        if name == "key":
            return note.key
        if name == "venue":
            return note.venue.casefold() if note.venue else None
        if name == "cited_by":
            return library.cited_by_count(note.key)
        if name == "score":
            return scores.get(note.key) if scores is not None else None
        return distance.get(note.key) if distance is not None else None  # "distance"

    ordered = sorted(notes, key=lambda n: (n.title.casefold(), n.key))
    for spec in reversed(specs):
        name, descending = spec.lstrip("+-"), spec.startswith("-")
        present = [n for n in ordered if value(name, n) is not None]
        missing = [n for n in ordered if value(name, n) is None]
        present.sort(key=lambda n: value(name, n), reverse=descending)
        ordered = present + missing
    return ordered


# -- value parsing -----------------------------------------------------------------------------
def _with_line(error: QueryError, line: int) -> QueryError:
    error.line = line
    return error


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _scalar_text(value: Any, key: str, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise QueryError(f"'{key}' must be a {what} or a list of them, got {_kind(value)}"
                         + (" (quote it)" if isinstance(value, bool) else ""), key)
    text = str(value).strip()
    if not text:
        raise QueryError(f"'{key}' has an empty value", key)
    return text


def _strings(value: Any, key: str, what: str) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(dict.fromkeys(_scalar_text(item, key, what) for item in items))


def _one_string(value: Any, key: str, what: str) -> str:
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise QueryError(f"'{key}' takes one {what}, got {len(value)}", key)
        value = value[0]
    return _scalar_text(value, key, what)


def _year(value: Any, key: str) -> int:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year
    if isinstance(value, str) and re.fullmatch(r"\d{1,4}(?:-\d\d(?:-\d\d)?)?", value.strip()):
        value = int(value.strip()[:4].split("-")[0])  # "2023" or an ISO date's year
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f"'{key}' must be a year such as 2023, got {_kind(value)}", key)
    return value


def _positive_int(value: Any, key: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise QueryError(f"'{key}' must be a whole number of at least 1, got {_kind(value)}", key)
    return value


def _choices(value: Any, key: str, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> tuple[str, ...]:
    chosen = []
    for item in _strings(value, key, "value"):
        normal = (aliases or {}).get(item.lower(), item.lower())
        if normal not in allowed:
            raise QueryError(f"'{key}' is '{item}'; allowed values: {', '.join(allowed)}", key)
        chosen.append(normal)
    return tuple(dict.fromkeys(chosen))


def _sort_specs(value: Any) -> tuple[str, ...]:
    specs = _strings(value, "sort", "sort field")
    for spec in specs:
        if spec.lstrip("+-") not in SORT_FIELDS or len(spec) - len(spec.lstrip("+-")) > 1:
            raise QueryError(f"'sort' is '{spec}'; allowed: {', '.join(SORT_FIELDS)} "
                             "(a leading '-' sorts descending, e.g. -year)", "sort")
    return specs


def _columns(value: Any, allowed: Iterable[str] | None) -> tuple[str, ...]:
    columns = _strings(value, "columns", "column name")
    if allowed is not None:
        allowed = tuple(allowed)
        for column in columns:
            if column not in allowed:
                raise QueryError(f"unknown column '{column}'; allowed columns: {', '.join(allowed)}", "columns")
    return columns


def _unknown_note(library: Library, key: str) -> str:
    hint = ""
    if "," in key or " " in key.strip():
        hint = " (to name several notes write a list: [a, b])"
    else:
        close = near_keys(library, key)
        if close:
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)"
    return f"unknown note key '{key}'{hint}"


def near_keys(library: Library, text: str, limit: int = 3) -> list[str]:
    """Keys a reader may have meant by ``text``: keys holding it (``nerf`` -> ``mildenhall2020nerf``),
    notes whose title has it as a word (``residual`` -> ``he2016resnet``), then keys spelled alike;
    the most cited first within each kind."""
    wanted = text.strip().casefold()
    if not wanted:
        return []
    by_citations = sorted(library.notes, key=lambda k: (-library.cited_by_count(k), k))
    in_key = [k for k in by_citations if wanted in k.casefold()]
    word = re.compile(rf"(?<![^\W_]){re.escape(wanted)}(?![^\W_])")
    in_title = [k for k in by_citations if word.search(library.notes[k].title.casefold())]
    alike = difflib.get_close_matches(text, list(library.notes), n=limit)
    return list(dict.fromkeys(in_key + in_title + alike))[:limit]


def _folded(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.casefold() for v in values)


def _either(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _all(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else "all of " + ", ".join(values)
