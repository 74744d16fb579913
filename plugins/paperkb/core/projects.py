"""Research projects: pages with ``project: true`` that gather the papers a piece of work rests on.

A project names its papers (keys, or ``{key, relation, note}``) and sorts them into *peers*
(the same problem: what to compare against) and *upstream* papers (building blocks, data,
metrics); a paper's own ``relation`` is the default. The body is the author's: idea, plan,
results, log. This module parses and checks a project page; the library links its papers.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bib.database import Bibliography
from .bib.entry import BibEntry
from .front_matter_fields import FrontMatterFields, describe_kind
from .frontmatter_source import FrontMatter
from .model import PAGE_KEYS, RELATIONS, Note
from .problems import Problem, ProblemLog, Severity
from .query import Query, QueryError
from .slug import is_safe_key

PROJECT_MARKER = "project"
STATUSES = ("idea", "exploring", "experiments", "writing", "done")
STATUS_LABELS = {"idea": "Idea", "exploring": "Exploring", "experiments": "Experiments", "writing": "Writing",
                 "done": "Done"}
PROJECT_KEYS = frozenset({PROJECT_MARKER, "title", "key", "status", "question", "papers", "queries", "updated",
                          "tags", "draft"})
PAPER_ENTRY_KEYS = ("key", "relation", "note")

# The groups of a project's papers, in the order a page shows them (None: no relation).
GROUPS: tuple[str | None, ...] = ("peer", "upstream", None)
GROUP_LABELS = {"peer": "Peers", "upstream": "Upstream", None: "Other"}

# A dated line of the project's log: "- 2024-05-02: baseline runs", "### 2024-05-02", "**2024-05-02**".
_LOG_DATE = re.compile(r"^[ \t]*(?:[-*+][ \t]+|#{1,6}[ \t]+)?(?:\*\*|__)?(\d{4}-\d{2}-\d{2})\b", re.M)


@dataclass(frozen=True)
class ProjectPaper:
    key: str
    relation: str | None  # as the project says; None: the note's own relation decides
    why: str | None  # the entry's ``note``: why the paper matters here (Markdown)
    line: int


@dataclass(frozen=True)
class ProjectQuery:
    title: str | None
    query: Query
    line: int


@dataclass
class Project:
    key: str
    title: str
    src_uri: str
    path: Path
    display_path: str
    status: str | None = None
    question: str | None = None
    papers: list[ProjectPaper] = field(default_factory=list)
    queries: list[ProjectQuery] = field(default_factory=list)
    updated: _dt.date | None = None  # the ``updated`` key
    logged: _dt.date | None = None  # the newest date that starts a line of the body (its log)
    tags: list[str] = field(default_factory=list)
    draft: bool = False
    body: str = ""
    body_line: int = 1
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def last_change(self) -> _dt.date:
        """``updated``, else the newest dated log line, else the day the file was last saved."""
        if self.updated or self.logged:
            return max(d for d in (self.updated, self.logged) if d)
        try:
            return _dt.datetime.fromtimestamp(self.path.stat().st_mtime, _dt.timezone.utc).date()
        except OSError:
            return _dt.date.today()


def is_project_front_matter(fm: FrontMatter) -> bool:
    """``project: true`` makes a page a project (a note's ``project: some text`` stays a field)."""
    return fm.data.get(PROJECT_MARKER) is True


def project_from_front_matter(fm: FrontMatter, path: Path, src_uri: str, log: ProblemLog) -> Project | None:
    """The project a page describes; None when it has errors (logged with their lines)."""
    f = FrontMatterFields(fm, log)
    f.report_source_problems()
    for name in fm.data:
        if name not in PROJECT_KEYS and name not in PAGE_KEYS:
            log.warning(f.line(name), f"unknown key '{name}' in a project page{_did_you_mean(str(name), PROJECT_KEYS)}; "
                                      f"project keys: {', '.join(sorted(PROJECT_KEYS))}")
    project = Project(
        key=f.page_key(path),
        title=f.title(),
        src_uri=src_uri,
        path=path,
        display_path=log.display_path,
        status=f.choice("status", STATUSES),
        question=f.text("question") or None,
        papers=_papers(f),
        queries=_queries(f),
        updated=_date(f, "updated"),
        logged=max((d for d in map(_iso_date, _LOG_DATE.findall(fm.body)) if d), default=None),
        tags=f.text_list("tags"),
        draft=f.unpublished(),
        body=fm.body,
        body_line=fm.body_line,
        key_lines=dict(fm.key_lines),
    )
    return None if log.has_errors else project


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _papers(f: FrontMatterFields) -> list[ProjectPaper]:
    value = f.data.get("papers")
    if value is None:
        return []
    if not isinstance(value, list):
        f.log.error(f.line("papers"), "'papers' must be a list of keys or {key, relation, note} mappings, "
                                      f"got {describe_kind(value)}")
        return []
    papers: list[ProjectPaper] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(value):
        line = f.item_line("papers", index)
        paper = _paper(item, line, f.log)
        if paper is None:
            continue
        if paper.key in first_line:
            f.log.warning(line, f"paper '{paper.key}' is listed twice (first on line {first_line[paper.key]}); "
                                "the first entry counts")
            continue
        first_line[paper.key] = line
        papers.append(paper)
    return papers


def _paper(item: Any, line: int, log: ProblemLog) -> ProjectPaper | None:
    if isinstance(item, str):
        key, relation, why = item.strip(), None, None
    elif isinstance(item, dict):
        unknown = sorted(str(k) for k in item if k not in PAPER_ENTRY_KEYS)
        if unknown:
            log.warning(line, f"paper entry has unknown keys: {', '.join(unknown)} "
                              f"(allowed: {', '.join(PAPER_ENTRY_KEYS)})")
        key, relation, why = item.get("key"), item.get("relation"), item.get("note")
        if not isinstance(key, str) or not key.strip():
            log.error(line, "paper entry needs a 'key' string")
            return None
        key = key.strip()
        if relation is not None:
            if not isinstance(relation, str) or relation.strip().lower() not in RELATIONS:
                log.error(line, f"paper relation is '{relation}'; allowed values: {', '.join(RELATIONS)}")
                return None
            relation = relation.strip().lower()
        if why is not None and not isinstance(why, (str, int, float)):
            log.error(line, f"a paper's 'note' must be a string, got {describe_kind(why)}")
            return None
        why = str(why).strip() or None if why is not None else None
    else:
        log.error(line, f"'papers' items must be keys or {{key, relation, note}} mappings, got {describe_kind(item)}")
        return None
    if not is_safe_key(key):
        log.error(line, f"paper key '{key}' is not a safe slug")
        return None
    return ProjectPaper(key, relation, why, line)


def _queries(f: FrontMatterFields) -> list[ProjectQuery]:
    value = f.data.get("queries")
    if value is None:
        return []
    if not isinstance(value, list):
        f.log.error(f.line("queries"), "'queries' must be a list of query mappings (the keys of paperkb-query blocks, "
                                       f"and an optional title), got {describe_kind(value)}")
        return []
    queries = []
    for index, item in enumerate(value):
        line = f.item_line("queries", index)
        if not isinstance(item, dict):
            f.log.error(line, f"a query must be a mapping of query keys, got {describe_kind(item)}")
            continue
        data = dict(item)
        title = data.pop("title", None)
        try:
            query = Query.from_mapping(data)
        except QueryError as error:  # a bad query is left out, the page still builds
            f.log.warning(line, f"query left out: {error.message}")
            continue
        queries.append(ProjectQuery(str(title).strip() if title is not None else None, query, line))
    return queries


def _iso_date(text: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def _date(f: FrontMatterFields, key: str) -> _dt.date | None:
    value = f.data.get(key)
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    found = _iso_date(value.strip()) if isinstance(value, str) else None
    if found is None:
        f.log.error(f.line(key), f"'{key}' must be a date such as 2024-05-02, got {describe_kind(value)}")
    return found


# -- projects in a library -----------------------------------------------------------------------
def check_paper_keys(projects: Iterable[Project], notes: dict[str, Note], drafts: dict[str, Note],
                     bibliography: Container[str] = ()) -> list[Problem]:
    """A warning for each paper key that names no note and no .bib entry (a paper not read yet);
    a draft's key is left out silently."""
    problems = []
    for project in projects:
        for paper in project.papers:
            if paper.key not in notes and paper.key not in drafts and paper.key not in bibliography:
                problems.append(Problem(project.display_path, paper.line, Severity.WARNING,
                                        f"unknown paper '{paper.key}' (no note or .bib entry has this key)"
                                        f"{_did_you_mean(paper.key, notes)}"))
    return problems


def relation_of(paper: ProjectPaper, note: Note) -> str | None:
    return paper.relation or note.relation


def grouped_papers(project: Project, notes: dict[str, Note]) -> dict[str | None, list[tuple[ProjectPaper, Note]]]:
    """The project's published papers by relation (``GROUPS`` order, empty groups left out),
    each group oldest first."""
    groups: dict[str | None, list[tuple[ProjectPaper, Note]]] = {g: [] for g in GROUPS}
    for paper in project.papers:
        note = notes.get(paper.key)
        if note is not None:
            groups[relation_of(paper, note)].append((paper, note))
    return {g: sorted(members, key=lambda pn: oldest_first_key(pn[1])) for g, members in groups.items() if members}


def unread_papers(project: Project, notes: dict[str, Note], drafts: dict[str, Note],
                  bibliography: Bibliography) -> list[tuple[ProjectPaper, BibEntry]]:
    """The project's papers that only a .bib entry describes (not read yet), oldest first."""
    found = [(paper, entry) for paper in project.papers
             if paper.key not in notes and paper.key not in drafts and (entry := bibliography.get(paper.key))]
    return sorted(found, key=lambda pe: (pe[1].year is None, pe[1].year or 0, (pe[1].title or "").casefold(), pe[0].key))


def reference_note(entry: BibEntry, src_uri: str = "") -> Note:
    """A .bib entry as a note without text: its title, authors, year and venue (for the rows and
    sentences of exports, which name such a paper by its title)."""
    return Note(key=entry.key, src_uri=src_uri, path=Path(entry.source.path if entry.source else ""),
                display_path=entry.where(),
                title=entry.title or entry.key, year=entry.year, venue=entry.venue, authors=entry.authors,
                arxiv=entry.arxiv, doi=entry.doi)


def oldest_first_key(note: Note) -> tuple:
    """Sort key: by year (notes without one last), then title and key."""
    return (note.year is None, note.year or 0, note.title.casefold(), note.key)
