"""BibTeX for papers from Semantic Scholar, and the reading queue ``to-read.bib``.

Entries are made the way a note's own entry is (core/bib/writer.py: @misc for preprints,
@inproceedings for conferences, values escaped for BibTeX), keyed like Google Scholar's
keys: first author's family name, year, first word of the title (``gao2024mipsplatting``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..bib.entry import BibEntry
from ..bib.reader import parse_bib_text
from ..bib.writer import note_entry, write_bibtex
from ..model import Note
from .ids import clean_arxiv, normalised_title

QUEUE_NAME = "to-read.bib"
_STOPWORDS = frozenset("a an the on of in for to and with from towards toward via is are do does what how why "
                       "when can we your our its at by as into".split())


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def base_key(paper: dict) -> str:
    """``gao2024mipsplatting``: family name of the first author, year, first title word."""
    authors = paper.get("authors") or []
    family = _ascii_word(str(authors[0]).split()[-1]) if authors and str(authors[0]).split() else ""
    year = str(paper["year"]) if isinstance(paper.get("year"), int) else "nd"
    word = ""
    for token in re.split(r"\s+", str(paper.get("title") or "")):
        candidate = _ascii_word(token)
        if candidate and candidate not in _STOPWORDS:
            word = candidate
            break
    return f"{family or 'anon'}{year}{word}"


def unique_key(base: str, taken: set[str]) -> str:
    """``base``, else ``base`` + b, c, ... (as BibTeX tools disambiguate)."""
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if base + suffix not in taken:
            return base + suffix
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def paper_note(paper: dict, key: str) -> Note:
    """A paper as the note record the BibTeX writer takes (never published as a note)."""
    ids = paper.get("externalIds") or {}
    arxiv = clean_arxiv(str(ids["ArXiv"])) if ids.get("ArXiv") else None
    doi = str(ids["DOI"]) if ids.get("DOI") and not str(ids["DOI"]).lower().startswith("10.48550/arxiv.") else None
    links = {"paper": f"https://www.semanticscholar.org/paper/{paper['paperId']}"} if not (arxiv or doi) \
        and paper.get("paperId") else {}
    return Note(key=key, src_uri="", path=Path(), display_path="", title=" ".join(str(paper.get("title") or "").split()),
                year=paper.get("year") if isinstance(paper.get("year"), int) else None,
                venue=_venue(paper),
                authors=[str(a) for a in paper.get("authors") or []], arxiv=arxiv, doi=doi, links=links)


def _venue(paper: dict) -> str | None:
    venue = " ".join(str(paper.get("venue") or "").split())
    return "arXiv" if venue.lower() in ("arxiv.org", "arxiv") else venue or None


def paper_entry(paper: dict, key: str) -> BibEntry:
    return note_entry(paper_note(paper, key))


def paper_bibtex(paper: dict, key: str | None = None) -> str:
    return write_bibtex([paper_entry(paper, key or base_key(paper))])


def entry_identity(entry: BibEntry) -> set[str]:
    """What makes two entries the same paper: DOI, arXiv id, normalised title."""
    found = set()
    if entry.doi:
        found.add("doi:" + entry.doi.lower())
    if entry.arxiv:
        found.add("arxiv:" + clean_arxiv(entry.arxiv).lower())
    if entry.title:
        found.add("title:" + normalised_title(entry.title))
    return found


def paper_identity(paper: dict) -> set[str]:
    ids = paper.get("externalIds") or {}
    found = set()
    if ids.get("DOI"):
        found.add("doi:" + str(ids["DOI"]).lower())
    if ids.get("ArXiv"):
        found.add("arxiv:" + clean_arxiv(str(ids["ArXiv"])).lower())
    if paper.get("title"):
        found.add("title:" + normalised_title(str(paper["title"])))
    return found


def queue_papers(path: Path, papers: Iterable[dict], *, taken_keys: set[str], known: set[str]) -> list[tuple[str, dict]]:
    """Append ``papers`` to the .bib at ``path`` (created when missing); skip any already there
    or in ``known`` (identities of the notes' papers and other entries). Returns (key, paper) added.

    The file is appended to, never rewritten: what the user wrote in it stays as it was."""
    existing_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    entries, _problems = parse_bib_text(existing_text, str(path)) if existing_text else ([], [])
    taken = set(taken_keys) | {e.key for e in entries}
    seen = set(known)
    for entry in entries:
        seen |= entry_identity(entry)
    added: list[tuple[str, dict]] = []
    for paper in papers:
        identity = paper_identity(paper)
        if not identity or identity & seen:
            continue
        key = unique_key(base_key(paper), taken)
        taken.add(key)
        seen |= identity
        added.append((key, paper))
    if added:
        text = write_bibtex([paper_entry(p, k) for k, p in added])
        separator = "" if not existing_text or existing_text.endswith("\n\n") else (
            "\n" if existing_text.endswith("\n") else "\n\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(separator + text)
    return added
