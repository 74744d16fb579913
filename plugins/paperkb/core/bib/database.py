"""Every entry of the project's .bib files, one per key (the first definition wins)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, Severity, display_path
from .crossref import resolve_crossrefs
from .entry import BibEntry
from .reader import BibFileCache, unique_paths


@dataclass
class Bibliography:
    entries: dict[str, BibEntry] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # the .bib files read, as shown in messages

    def get(self, key: str) -> BibEntry | None:
        return self.entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[BibEntry]:
        return iter(self.entries.values())


def load_bibliography(paths: Sequence[Path], *, cache: BibFileCache | None = None,
                      root: Path | None = None) -> tuple[Bibliography, list[Problem]]:
    """Read ``paths`` in order; a key defined again in a later place is reported and ignored."""
    cache = cache if cache is not None else BibFileCache()
    bibliography = Bibliography()
    problems: list[Problem] = []
    for path in unique_paths(paths):
        parsed = cache.read(Path(path), display_path(Path(path), root))
        bibliography.files.append(parsed.shown_as)
        problems.extend(parsed.problems)
        for entry in parsed.entries:
            first = bibliography.entries.get(entry.key)
            if first is not None:
                assert entry.source is not None
                problems.append(Problem(entry.source.path, entry.source.line, Severity.WARNING,
                                        f"duplicate BibTeX key '{entry.key}': already defined at {first.where()}; "
                                        "this entry is ignored"))
                continue
            bibliography.entries[entry.key] = entry
    bibliography.entries, found = resolve_crossrefs(bibliography.entries)
    return bibliography, problems + found
