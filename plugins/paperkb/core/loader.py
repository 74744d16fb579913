"""Load a notes directory into a Library, parsing each file once (and only changed files again)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .bib.database import load_bibliography
from .bib.merge import complete_notes
from .bib.reader import find_bib_files
from .facets import FacetMemo, unify_facets
from .library import EdgeMemo, Library, build_edges
from .model import Note
from .note_cache import NoteCache
from .problems import Problem, Severity, display_path
from .projects import Project, check_paper_keys
from .scholar.derived import add_derived_edges
from .scholar.store import load_store_cached
from .symlinks import LinkGuard
from .worker_share import WorkerRun

__all__ = ["DEFAULT_EXCLUDE", "NoteCache", "is_excluded", "iter_markdown", "load_library"]

DEFAULT_EXCLUDE = ("blog/",)


def is_excluded(src_uri: str, exclude: tuple[str, ...] | list[str]) -> bool:
    return any(src_uri == e.rstrip("/") or src_uri.startswith(e.rstrip("/") + "/") for e in exclude)


def iter_markdown(notes_dir: Path, exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
                  guard: LinkGuard | None = None) -> list[tuple[Path, str]]:
    """(path, POSIX path relative to notes_dir) of every Markdown file, hidden folders skipped.

    Symbolic links are followed as MkDocs follows them, except those ``guard`` blocks
    (dangling, looping or leaving the notes folder: it keeps a warning for each)."""
    guard = guard or LinkGuard(notes_dir)
    found = []
    for dirpath, dirnames, filenames in os.walk(notes_dir, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not guard.blocks(Path(dirpath, d)))
        for name in sorted(filenames):
            if name.endswith((".md", ".markdown")) and not name.startswith("."):
                path = Path(dirpath, name)
                if guard.blocks(path):
                    continue
                src_uri = path.relative_to(notes_dir).as_posix()
                if not is_excluded(src_uri, exclude):
                    found.append((path, src_uri))
    return found


def load_library(
    notes_dir: Path | str,
    *,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
    files: list[tuple[Path, str]] | None = None,
    cache: NoteCache | None = None,
    project_root: Path | None = None,
    bib_files: Sequence[Path] | None = None,
    guard: LinkGuard | None = None,
    edge_memo: EdgeMemo | None = None,
    facet_memo: FacetMemo | None = None,
    worker: WorkerRun | None = None,
    notes_loaded: Callable[[Library], None] | None = None,
) -> Library:
    """Parse every note below ``notes_dir`` (or the given ``files``) into a Library.

    Notes with errors are reported and left out; of two notes with the same key the first by
    path is kept and the second reported. Notes are completed from the entries of ``bib_files``
    (default: every .bib file below ``notes_dir``) with the same key. Symbolic links that
    ``guard`` blocks (default: dangling, looping, leaving ``notes_dir``) are warnings.
    ``edge_memo``, ``facet_memo``: the links and facet spellings of the last load, for loading
    again after an edit (`serve`).
    ``worker``: runs a job in a worker process, which parses a share of many new notes.
    ``notes_loaded(library)``: called once its notes, drafts, projects and .bib entries are in,
    before the citations between them are found (what needs only those may start then)."""
    notes_dir = Path(notes_dir)
    root = project_root or notes_dir.parent
    cache = cache if cache is not None else NoteCache()
    problems: list[Problem] = []
    published: dict[str, Note] = {}
    drafts: dict[str, Note] = {}
    projects: dict[str, Project] = {}
    project_drafts: dict[str, Project] = {}
    unpublished_pages: set[str] = set()  # other pages marked draft: true or publish: false
    guard = guard or LinkGuard(notes_dir, project_root=root)
    if files is None:
        files = iter_markdown(notes_dir, exclude, guard)
    elif worker is not None:
        cache.share_parsing([(path, src_uri, display_path(path, root)) for path, src_uri in files], worker)
    for path, src_uri in files:
        parsed = cache.parse(path, src_uri, display_path(path, root))
        problems.extend(parsed.problems)
        if parsed.unpublished_page:
            unpublished_pages.add(src_uri)
            continue
        if parsed.project is not None:
            problems.extend(_add_project(parsed.project, projects, project_drafts))
            continue
        note = parsed.note
        if note is None:
            continue
        first = published.get(note.key) or drafts.get(note.key)
        if first is not None:
            problems.append(
                Problem(note.display_path, note.line_of("key") if "key" in note.key_lines else 1, Severity.ERROR,
                        f"duplicate key '{note.key}': already used by {first.display_path}")
            )
            continue
        (drafts if note.draft else published)[note.key] = note
    bib_paths = find_bib_files(notes_dir, guard) if bib_files is None else bib_files
    problems.extend(guard.problems)
    bibliography, bib_problems = load_bibliography(bib_paths, cache=cache.bib, root=root)
    problems.extend(bib_problems)
    published, found = complete_notes(published, bibliography)
    problems.extend(found)
    drafts, found = complete_notes(drafts, bibliography)
    problems.extend(found)
    problems.extend(check_paper_keys(projects.values(), published, drafts, bibliography))
    published, spellings = unify_facets(published, drafts.values(), facet_memo)
    library = Library(notes=published, drafts=drafts, bibliography=bibliography, spellings=spellings,
                      projects=projects, project_drafts=project_drafts, unpublished_pages=unpublished_pages)
    library.add_pages(src_uri for _, src_uri in files)
    if notes_loaded is not None:
        notes_loaded(library)

    def report(note: Note, line: int, message: str) -> None:
        problems.append(Problem(note.display_path, line, Severity.WARNING, message))

    build_edges(library, report, edge_memo)
    # Semantic Scholar's citations among the notes (stored by `paperkb enrich`; never fetched here).
    library.scholar = load_store_cached(notes_dir)
    if library.scholar.problem:
        problems.append(Problem(display_path(library.scholar.path, root), 1, Severity.WARNING,
                                library.scholar.problem + "; the site shows nothing from Semantic Scholar"))
    add_derived_edges(library, library.scholar)
    library.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))
    return library


def _add_project(project: Project, published: dict[str, Project], drafts: dict[str, Project]) -> list[Problem]:
    """Keep ``project`` unless an earlier one has its key (an error naming both files)."""
    first = published.get(project.key) or drafts.get(project.key)
    if first is not None:
        line = project.line_of("key") if "key" in project.key_lines else 1
        return [Problem(project.display_path, line, Severity.ERROR,
                        f"duplicate project key '{project.key}': already used by {first.display_path}")]
    (drafts if project.draft else published)[project.key] = project
    return []
