"""Which stored paper has a note: by the store's resolutions, else (for notes not resolved yet)
by DOI, arXiv id or exact normalised title."""

from __future__ import annotations

from ..library import Library
from .bibtex import paper_identity
from .ids import clean_arxiv, normalised_title
from .store import ScholarStore


class NoteIndex:
    def __init__(self, library: Library, store: ScholarStore) -> None:
        self.by_paper = {pid: key for pid, key in store.note_papers().items() if key in library.notes}
        self.by_identity: dict[str, str] = {}
        self.all_identities: set[str] = set()
        resolved = set(self.by_paper.values())
        for note in sorted(library, key=lambda n: n.key):
            names = []
            if note.doi:
                names.append("doi:" + note.doi.strip().lower())
            if note.arxiv:
                names.append("arxiv:" + clean_arxiv(note.arxiv).lower())
            if note.title.strip():
                names.append("title:" + normalised_title(note.title))
            self.all_identities.update(names)
            if note.key not in resolved:  # a resolved note is found by its paperId
                for name in names:
                    self.by_identity.setdefault(name, note.key)

    def note_of(self, paper: dict) -> str | None:
        pid = paper.get("paperId")
        if pid in self.by_paper:
            return self.by_paper[pid]
        if not self.by_identity:
            return None
        for name in sorted(paper_identity(paper)):
            if name in self.by_identity:
                return self.by_identity[name]
        return None

    def identities(self) -> set[str]:
        """Every DOI / arXiv / title identity of the notes (the reading queue skips them)."""
        return set(self.all_identities)
