"""The set of published notes with lookups by key, facet and citation edge."""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .bib.database import Bibliography
from .body_scan import PAGE_SUFFIXES, resolve_page
from .facets import FacetSpellings
from .model import DEFAULT_ROLE, Citation, LinkKind, Note
from .problems import Problem, Severity
from .scholar.store import ScholarStore

if TYPE_CHECKING:  # projects.py reads queries, which read the library
    from .projects import Project, ProjectPaper

CLOSE_NAME_RATIO = 0.85  # how alike an unknown name and a known one must be to name it as a likely typo


@dataclass(frozen=True)
class Edge:
    """``source`` cites ``target``; ``via`` says where the edge was written."""

    source: str
    target: str
    role: str
    line: int
    via: LinkKind

    @property
    def in_text(self) -> bool:
        """Written in the note's text (a link or [@key]) rather than listed in its ``cites``."""
        return self.via.in_text

    @property
    def derived(self) -> bool:
        """Not written by the user: Semantic Scholar says the papers cite each other."""
        return self.via is LinkKind.SCHOLAR


@dataclass
class Library:
    notes: dict[str, Note] = field(default_factory=dict)
    drafts: dict[str, Note] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    out_edges: dict[str, list[Edge]] = field(default_factory=dict)
    in_edges: dict[str, list[Edge]] = field(default_factory=dict)
    cycles: list[list[str]] = field(default_factory=list)
    bibliography: Bibliography = field(default_factory=Bibliography)  # entries of the .bib files, by key
    scholar: ScholarStore | None = None  # what `paperkb enrich` / `discover` stored (.paperkb/scholar.json)
    # Pages that are not notes (about.md, a vault's index), by every name a link may use for them:
    # the docs-relative path without extension and the file name, case-folded (as Obsidian matches).
    pages: dict[str, str] = field(default_factory=dict)
    # ``cites`` entries naming a .bib entry that has no note (a paper cited but not read here), by citing note.
    bib_cites: dict[str, list[Citation]] = field(default_factory=dict)
    # ``cites`` entries written as [[links]] to papers with no note (nor .bib entry) yet: the
    # reading list Obsidian users keep as unresolved links. Listed unlinked, no warning. By citing note.
    unwritten_cites: dict[str, list[Citation]] = field(default_factory=dict)
    # Links in a note's text to a later note ("later used by [[devlin2019bert]]"): a paper cannot
    # cite a later one, so these are mentions, shown under "Linked in the text" but no citation
    # edge for queries, diagrams or cycles. By source key (out) and by target key (in).
    mentions_out: dict[str, list[Edge]] = field(default_factory=dict)
    mentions_in: dict[str, list[Edge]] = field(default_factory=dict)
    spellings: FacetSpellings = field(default_factory=FacetSpellings)  # one spelling per field, venue, tag
    projects: dict[str, Project] = field(default_factory=dict)  # research project pages, by key
    project_drafts: dict[str, Project] = field(default_factory=dict)
    unpublished_pages: set[str] = field(default_factory=set)  # pages neither notes nor projects, kept private

    def __post_init__(self) -> None:
        self.by_src_uri: dict[str, Note] = {n.src_uri: n for n in self.notes.values()}
        self._names: dict[str, Note] | None = None  # note_named's index, made on first use
        self._spellings: dict[str, list[tuple[str, str]]] | None = None  # close_name's names by their ends
        self._close: dict[str, str | None] = {}  # close_name's answers
        self._unpublished_names = {name for src in self.private_src_uris() for name in link_names(src)}
        self.projects_by_src_uri: dict[str, Project] = {p.src_uri: p for p in self.projects.values()}
        uses: dict[str, list[tuple[Project, ProjectPaper]]] = defaultdict(list)
        for project in sorted(self.projects.values(), key=lambda p: (p.title.casefold(), p.key)):
            for paper in project.papers:
                if paper.key in self.notes:
                    uses[paper.key].append((project, paper))
        self._project_uses = dict(uses)

    # -- lookups -------------------------------------------------------------
    def get(self, key: str) -> Note | None:
        return self.notes.get(key)

    def __len__(self) -> int:
        return len(self.notes)

    def __iter__(self):
        return iter(self.notes.values())

    def note_named(self, name: str) -> Note | None:
        """The note ``[[name]]`` points at: by key, else as Obsidian resolves a link, by its file
        name or path without extension (``[[Attention Is All You Need]]``) or by one of its
        ``aliases``, in any case."""
        note = self.notes.get(name)
        if note is not None or not name.strip():
            return note
        if self._names is None:
            self._names = {}
            for candidate in self.notes.values():
                stem = posixpath.splitext(candidate.src_uri)[0]
                for alias in (stem, posixpath.basename(stem), *_aliases(candidate)):
                    self._names.setdefault(_folded(alias), candidate)
        folded = _folded(name)
        return self._names.get(folded) or self._names.get(_without_page_suffix(folded))

    def close_name(self, name: str) -> str | None:
        """The name of a note, page or .bib entry that ``name``, which names none, is likely a
        typo of (``vaswani2017attnetion``, ``[[Atention Is All You Need]]``), as it is written;
        None when nothing is that close (a paper with no note yet, as Obsidian users link them).
        Close: at most about one letter in six differs (difflib's ratio >= 0.85), case aside, and
        the typo leaves the first or the last three letters alone: only names that share those
        are compared (a few per name), so unknown names cost little on a vault of any size."""
        folded = _folded(name)
        if folded in self._close:
            return self._close[folded]
        if self._spellings is None:
            self._spellings = defaultdict(list)
            written = [*self.notes, *(e.key for e in self.bibliography)]
            for note in self.notes.values():
                written += [posixpath.basename(posixpath.splitext(note.src_uri)[0]), *_aliases(note)]
            written += [posixpath.basename(posixpath.splitext(src)[0]) for src in set(self.pages.values())]
            seen: set[str] = set()
            for spelling in written:
                candidate = _folded(spelling)
                if candidate and candidate not in seen:
                    seen.add(candidate)
                    for end in _name_ends(candidate):
                        self._spellings[end].append((candidate, spelling))
        slack = max(1, len(folded) // 6)
        best, best_ratio = None, CLOSE_NAME_RATIO
        matcher = difflib.SequenceMatcher(b=folded, autojunk=False)
        for end in _name_ends(folded):
            for candidate, spelling in self._spellings.get(end, ()):
                if abs(len(candidate) - len(folded)) > slack or candidate == folded:
                    continue
                matcher.set_seq1(candidate)
                if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio \
                        and (ratio := matcher.ratio()) >= best_ratio and (ratio > best_ratio or best is None):
                    best, best_ratio = spelling, ratio
        self._close[folded] = best
        return best

    def page_named(self, name: str) -> str | None:
        """src_uri of the plain page ``[[name]]`` (or ``[[name.md]]``) points at, if any."""
        folded = _page_folded(name)
        return self.pages.get(folded) or self.pages.get(_without_page_suffix(folded))

    def is_unpublished_page(self, name: str) -> bool:
        """``[[name]]`` names a page kept private (draft: true, publish: false; a note, a project or
        another page): linked as text, silently."""
        return _without_page_suffix(_page_folded(name)) in self._unpublished_names

    def private_src_uris(self) -> set[str]:
        """Every page kept out of the site: draft notes, draft projects and other pages marked
        ``draft: true`` / ``publish: false``. None of them is a page a link or an embed may show."""
        return {n.src_uri for n in self.drafts.values()} | {p.src_uri for p in self.project_drafts.values()} | self.unpublished_pages

    def add_pages(self, src_uris: Iterable[str]) -> None:
        """Remember the pages among ``src_uris`` that are not notes or drafts (for ``[[page]]``)."""
        taken = {n.src_uri for n in self.notes.values()} | self.private_src_uris()
        for src in src_uris:
            if src in taken:
                continue
            for name in link_names(src):
                self.pages.setdefault(name, src)


    def cites(self, key: str) -> list[Edge]:
        return self.out_edges.get(key, [])

    def cited_by(self, key: str) -> list[Edge]:
        return self.in_edges.get(key, [])

    def cited_by_count(self, key: str) -> int:
        return len(self.in_edges.get(key, ()))

    def projects_of(self, key: str) -> list[tuple[Project, ProjectPaper]]:
        """The projects that list the note ``key`` among their papers (by title), with their entry."""
        return self._project_uses.get(key, [])

    def groups(self, facet: Callable[[Note], Iterable[object]]) -> dict[object, list[Note]]:
        """Notes grouped by each value ``facet`` yields for them (a note can sit in several groups)."""
        grouped: dict[object, list[Note]] = defaultdict(list)
        for note in self.notes.values():
            for value in facet(note):
                grouped[value].append(note)
        return dict(grouped)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


# Facets used by index pages, statistics and query filters.
def by_field(note: Note) -> list[str]:
    return note.fields


def by_year(note: Note) -> list[int]:
    return [note.year] if note.year is not None else []


def by_type(note: Note) -> list[str]:
    return [note.type] if note.type else []


def by_venue(note: Note) -> list[str]:
    return [note.venue] if note.venue else []


def by_level(note: Note) -> list[str]:
    return [note.level] if note.level else []


def by_tag(note: Note) -> list[str]:
    return note.tags


def newest_first(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (-(n.year or 0), n.title.lower(), n.key))


@dataclass
class _NoteLinks:
    """What ``build_edges`` made of one note: its edges, mentions, .bib citations and problems."""

    targets: dict[str, Edge]  # cited note key -> edge (citations of ``cites`` first, then links)
    mentions: dict[str, Edge]  # later notes its text links to
    bib_cites: list[Citation]
    unwritten: list[Citation]  # [[links]] in cites to papers with no note yet
    problems: list[tuple[int, str]]  # (line, message) of citations to unknown keys
    linked: tuple[str, ...]  # the notes its text links to ...
    years: tuple  # ... and their years (a link to a later note is a mention)
    reads: frozenset[tuple[str, str]] = frozenset()  # the names its resolution asked about (_NameLookups)


class EdgeMemo:
    """Each note's links as the last ``build_edges`` resolved them, kept for the next one
    (`serve` loads the library again after every edit): a note that is the same object, among
    notes, drafts, pages and .bib keys of the same names, links to the same notes. Only the
    edited notes are resolved again, and when a name came or went (a note, draft, page or .bib
    entry came, went or was renamed, an alias changed) the notes that asked for that name."""

    def __init__(self) -> None:
        self.names: tuple | None = None
        self.notes: dict[str, tuple[Note, _NoteLinks]] = {}
        self.stale: set[str] = set()  # notes whose kept links asked for a name that came or went
        self.new_years: set[str] = set()  # notes loaded again with another year (links to them may be mentions now)
        self.cycles: list[list[str]] | None = None  # of the citations the last call found

    def lookup(self, library: Library, note: Note) -> _NoteLinks | None:
        kept = self.notes.get(note.key)
        if kept is None or kept[0] is not note or note.key in self.stale:
            return None
        links = kept[1]
        if self.new_years and not self.new_years.isdisjoint(links.linked):
            if tuple(library.notes[k].year for k in links.linked) != links.years:
                return None
        return links


def _names(library: Library) -> tuple[frozenset, ...]:
    """Everything a note's links are resolved against: the names of notes (key, path, aliases),
    drafts, pages, private pages and .bib entries."""
    return (frozenset((n.key, n.src_uri, n.extra.get("aliases") and tuple(_aliases(n))) for n in library.notes.values()),
            frozenset(library.drafts), frozenset(library.pages.items()), frozenset(library.private_src_uris()),
            frozenset(e.key for e in library.bibliography))


def _changed_names(before: tuple[frozenset, ...], after: tuple[frozenset, ...]) -> set[tuple[str, str]]:
    """The names (as _NameLookups records them) of every entry of ``_names`` that came or went."""
    notes, drafts, pages, private, bib = (old ^ new for old, new in zip(before, after))
    # (a key both libraries have finds a note of that key: the same target, whatever else changed)
    kept_keys = {entry[0] for entry in before[0] - after[0]} & {entry[0] for entry in after[0] - before[0]}
    changed: set[tuple[str, str]] = set()
    for key, src, aliases in notes:
        aliases = aliases or ()
        stem = posixpath.splitext(src)[0]
        if key not in kept_keys:
            changed.add(("key", key))
        changed |= {("src", src), *(("name", _folded(a)) for a in (stem, posixpath.basename(stem), *aliases))}
        changed |= {("close", end) for spelling in (key, posixpath.basename(stem), *aliases) for end in _name_ends(_folded(spelling))}
    changed |= {("draft", key) for key in drafts}
    for name, src in pages:
        changed.add(("page", name))
        changed |= {("close", end) for end in _name_ends(_folded(posixpath.basename(posixpath.splitext(src)[0])))}
    changed |= {("unpub", name) for src in private for name in link_names(src)}
    for key in bib:
        changed |= {("bib", key), *(("close", end) for end in _name_ends(_folded(key)))}
    return changed


class _NameLookups:
    """The look-ups resolving a note's links make in the library, each recording the name it
    asked about: when names come or go, the notes that asked for none of them link as before."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.read: set[tuple[str, str]] = set()

    def note(self, key: str) -> Note | None:
        self.read.add(("key", key))
        return self.library.notes.get(key)

    def note_named(self, name: str) -> Note | None:
        folded = _folded(name)
        self.read |= {("key", name), ("name", folded), ("name", _without_page_suffix(folded))}
        return self.library.note_named(name)

    def page_at(self, path: str) -> Note | None:
        """The note a Markdown link's docs-relative ``path`` points at."""
        self.read |= {("src", path), *(("src", path + suffix) for suffix in PAGE_SUFFIXES)}
        by_src = self.library.by_src_uri
        page = resolve_page(path, by_src)
        return by_src.get(page) if page else None

    def is_draft(self, key: str) -> bool:
        self.read.add(("draft", key))
        return key in self.library.drafts

    def in_bibliography(self, key: str) -> bool:
        self.read.add(("bib", key))
        return key in self.library.bibliography

    def page_named(self, name: str) -> str | None:
        folded = _page_folded(name)
        self.read |= {("page", folded), ("page", _without_page_suffix(folded))}
        return self.library.page_named(name)

    def is_unpublished_page(self, name: str) -> bool:
        self.read.add(("unpub", _without_page_suffix(_page_folded(name))))
        return self.library.is_unpublished_page(name)

    def close_name(self, name: str) -> str | None:
        self.read |= {("close", end) for end in _name_ends(_folded(name))}
        return self.library.close_name(name)


def build_edges(library: Library, report: Callable[[Note, int, str], None], memo: EdgeMemo | None = None) -> None:
    """Fill out/in edges from ``cites`` and body links; report citations to unknown keys.
    ``memo``: the links of unchanged notes as the last call made them (`serve`)."""
    library.bib_cites, library.unwritten_cites, library.mentions_out, library.mentions_in = {}, {}, {}, {}
    out: dict[str, dict[str, Edge]] = {}
    mentions: dict[str, dict[str, Edge]] = {}
    if memo is not None:
        names = _names(library)
        memo.stale = set()
        if memo.names is None:
            memo.notes = {}
        elif names != memo.names:  # (a note came, went or was renamed...: who asked for its names resolves again)
            changed = _changed_names(memo.names, names)
            memo.stale = {key for key, kept in memo.notes.items() if not kept[1].reads.isdisjoint(changed)}
        memo.names = names
        memo.new_years = {key for key, note in library.notes.items()
                          if (kept := memo.notes.get(key)) is not None and kept[0] is not note and kept[0].year != note.year}
    made: dict[str, tuple[Note, _NoteLinks]] = {}
    # The citation cycles are the last call's while the citations changed only in ways no cycle
    # can see: notes that went were in no cycle (a note resolved again no longer cites them),
    # notes that came are cited by none (checked below), every other note cites what it did.
    same_citations = memo is not None and memo.cycles is not None
    gone: set[str] = set()
    if same_citations:
        gone = memo.notes.keys() - library.notes.keys()
        same_citations = not any(key in gone for cycle in memo.cycles for key in cycle)
    for note in library.notes.values():
        links = memo.lookup(library, note) if memo is not None else None
        if links is None:
            links = _note_links(library, note)
            if same_citations and (before := memo.notes.get(note.key)) is not None:
                same_citations = before[1].targets.keys() - gone == links.targets.keys()
        made[note.key] = (note, links)
        for line, message in links.problems:
            report(note, line, message)
        if links.bib_cites:
            library.bib_cites[note.key] = list(links.bib_cites)
        if links.unwritten:
            library.unwritten_cites[note.key] = list(links.unwritten)
        if links.mentions:
            mentions[note.key] = links.mentions
        out[note.key] = links.targets
    for source, found in mentions.items():  # a later note also listed in `cites` stays a citation
        kept = [edge for target, edge in sorted(found.items()) if target not in out[source]]
        if kept:
            library.mentions_out[source] = kept
            for edge in kept:
                library.mentions_in.setdefault(edge.target, []).append(edge)
    for edges in library.mentions_in.values():
        edges.sort(key=lambda e: e.source)
    library.out_edges = {k: sorted(v.values(), key=lambda e: e.target) for k, v in out.items()}
    incoming: dict[str, list[Edge]] = defaultdict(list)
    for edges in library.out_edges.values():
        for edge in edges:
            incoming[edge.target].append(edge)
    library.in_edges = {k: sorted(v, key=lambda e: e.source) for k, v in incoming.items()}
    if same_citations and memo is not None:
        same_citations = not any(key in incoming for key in library.notes.keys() - memo.notes.keys())
    library.cycles = memo.cycles if same_citations and memo is not None else find_cycles(library)
    if memo is not None:
        memo.notes, memo.cycles = made, library.cycles


def _note_links(library: Library, note: Note) -> _NoteLinks:
    """Resolve one note's ``cites`` and the links of its text against the library."""
    names = _NameLookups(library)
    targets: dict[str, Edge] = {}
    mentions: dict[str, Edge] = {}
    bib_cites: list[Citation] = []
    problems: list[tuple[int, str]] = []
    linked: list[str] = []
    unwritten: list[Citation] = []
    for cite in note.cites:
        cited = names.note_named(cite.key) if cite.linked else names.note(cite.key)
        if cited is not None and cited.key == note.key:
            continue  # self-citations carry no information
        if cited is None:
            if names.is_draft(cite.key) or (cite.linked and names.is_unpublished_page(cite.key)):
                continue
            if names.in_bibliography(cite.key):
                bib_cites.append(cite)
            elif cite.linked and names.page_named(cite.key) is not None:
                problems.append((cite.line, f"'{cite.key}' in cites is a page, not a paper note"))
            elif close := names.close_name(cite.key):
                problems.append((cite.line, f"unknown citation '{cite.key}' (no note or .bib entry has this "
                                            f"{'name' if cite.linked else 'key'}; did you mean '{close}'?)"))
            elif cite.linked:
                unwritten.append(cite)  # a paper with no note yet: on the reading list
            else:
                problems.append((cite.line, f"unknown citation '{cite.key}' (no note or .bib entry has this key; "
                                            f"a paper with no note yet can be cited as \"[[{cite.key}]]\")"))
            continue
        targets.setdefault(cited.key, Edge(note.key, cited.key, cite.role, cite.line, LinkKind.CITES))
    for link in note.body_links:
        if link.kind is LinkKind.PANDOC_CITE:
            target = names.note(link.target)
            if target is None and not names.is_draft(link.target) and not names.in_bibliography(link.target):
                problems.append((link.line, unknown_cite_key_message(link.target)))
        elif link.kind is LinkKind.WIKILINK:
            target = names.note_named(link.target)
            if target is None and (message := _unknown_link_message(names, link.target)):
                problems.append((link.line, message))
        else:
            target = names.page_at(link.target)
        if target is None or target.key == note.key:
            continue
        linked.append(target.key)
        edge = Edge(note.key, target.key, DEFAULT_ROLE, link.line, link.kind)
        if note.year is not None and target.year is not None and target.year > note.year:
            mentions.setdefault(target.key, edge)
        else:
            targets.setdefault(target.key, edge)
    return _NoteLinks(targets, mentions, bib_cites, unwritten, problems, tuple(linked),
                      tuple(library.notes[k].year for k in linked), frozenset(names.read))


def unknown_cite_key_message(key: str) -> str:
    """The warning for ``[@key]`` that no note or .bib entry has."""
    return f"unknown citation key '{key}' in [@{key}] (no note or .bib entry has this key)"


def _aliases(note: Note) -> list[str]:
    """The note's ``aliases`` (Obsidian's other names for it: one string or a list)."""
    aliases = note.extra.get("aliases")
    aliases = [aliases] if isinstance(aliases, str) else aliases if isinstance(aliases, list) else []
    return [a for a in aliases if isinstance(a, str)]


def _name_ends(folded: str) -> tuple[str, ...]:
    """Where close_name files a name: its first and its last three letters (a short name by its length)."""
    return (f"<{folded[:3]}", f">{folded[-3:]}") if len(folded) > 4 else (f"#{len(folded)}",)


def unknown_link_message(library: Library, name: str) -> str | None:
    """The warning for ``[[name]]`` that finds no note: None for a draft or private page, a plain
    page, or a note not written yet (Obsidian's unresolved link: the text stays, no warning, as
    Obsidian Publish and Quartz show it); a likely typo of a known name is named."""
    return _unknown_link_message(_NameLookups(library), name)


def _unknown_link_message(names: _NameLookups, name: str) -> str | None:
    if names.is_draft(name) or names.page_named(name) is not None or names.is_unpublished_page(name):
        return None
    close = names.close_name(name)
    return f"unknown citation '{name}' in wikilink [[{name}]] (did you mean '{close}'?)" if close else None


def find_cycles(library: Library) -> list[list[str]]:
    """Strongly connected components with more than one note (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(library.notes):
        if root in index:
            continue
        work = [(root, iter(e.target for e in library.out_edges.get(root, [])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(e.target for e in library.out_edges.get(child, []))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def link_names(src_uri: str) -> tuple[str, str]:
    """The names ``[[name]]`` finds a page by: its path and its file name, without the extension."""
    stem = posixpath.splitext(src_uri)[0]
    return stem.casefold(), posixpath.basename(stem).casefold()


def _folded(name: str) -> str:
    """A name as note look-ups compare it: runs of white space as one space, in any case."""
    return " ".join(name.split()).casefold()


def _page_folded(name: str) -> str:
    """A ``[[name]]`` as page look-ups compare it (Library.page_named, is_unpublished_page and
    the names _NameLookups records for them)."""
    return name.strip().casefold()


def _without_page_suffix(name: str) -> str:
    """``[[note.md]]`` names the note ``note``, as in Obsidian."""
    for suffix in PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name
