"""Which Semantic Scholar ids a note names, in the order they are tried, and title matching.

A note names its paper with an ``s2`` key (a paperId or ``CorpusId:N``), a ``doi``, an
``arxiv`` id, or an arXiv / DOI / Semantic Scholar URL in ``links`` (or ``url`` / ``urls``, as
vaults generated from Semantic Scholar write them); failing those, its title is looked up and
accepted only when the normalised titles are equal."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..model import Note
from ..paper_links import link_info

PAPER_ID = re.compile(r"^[0-9a-f]{40}$")
_CORPUS = re.compile(r"^corpus_?id:\s*(\d+)$", re.IGNORECASE)
_S2_PATH = re.compile(r"/paper/(?:[^/]+/)?([0-9a-f]{40})/?$")
_S2_CORPUS_PATH = re.compile(r"^/CorpusID:(\d+)$", re.IGNORECASE)
S2_HOSTS = ("www.semanticscholar.org", "semanticscholar.org", "api.semanticscholar.org")


@dataclass(frozen=True)
class PaperRef:
    """One way to name a paper to the API: ``kind`` (s2, doi, arxiv, title) and the API's id."""

    kind: str
    api_id: str  # "DOI:10.1/x", "ARXIV:2203.15556", "CorpusId:123", a paperId; the title for kind "title"

    @property
    def token(self) -> str:
        """How the store remembers what a note was resolved by (changes when the note does)."""
        return f"{self.kind}:{self.api_id}"


def s2_id(value: str) -> str | None:
    """A paperId or ``CorpusId:N`` (as the API spells it), else None."""
    value = value.strip()
    if PAPER_ID.match(value.lower()):
        return value.lower()
    match = _CORPUS.match(value)
    return f"CorpusId:{match.group(1)}" if match else None


def s2_url_id(url: str) -> str | None:
    """The paper a Semantic Scholar URL points at."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in S2_HOSTS:
        return None
    path = unquote(parts.path)
    if match := _S2_PATH.search(path):
        return match.group(1)
    if match := _S2_CORPUS_PATH.match(path):
        return f"CorpusId:{match.group(1)}"
    return None


def clean_arxiv(value: str) -> str:
    value = value.strip()
    value = re.sub(r"^(?:arxiv:)", "", value, flags=re.IGNORECASE)
    return re.sub(r"v\d+$", "", value)


def clean_doi(value: str) -> str:
    value = value.strip()
    value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value, flags=re.IGNORECASE)
    return value


def paper_refs(note: Note) -> list[PaperRef]:
    """The ids ``note`` names, most specific first, without repeats; the title comes last."""
    refs: list[PaperRef] = []
    if note.s2 and (found := s2_id(f"CorpusId:{note.s2}" if note.s2.isdigit() else note.s2)):
        refs.append(PaperRef("s2", found))
    if note.doi:
        refs.append(PaperRef("doi", f"DOI:{clean_doi(note.doi)}"))
    if note.arxiv:
        refs.append(PaperRef("arxiv", f"ARXIV:{clean_arxiv(note.arxiv)}"))
    for url in [*note.links.values(), *_extra_urls(note)]:
        if not isinstance(url, str):
            continue
        if found := s2_url_id(url):
            refs.append(PaperRef("s2", found))
            continue
        info = link_info(url)
        if info.arxiv:
            refs.append(PaperRef("arxiv", f"ARXIV:{clean_arxiv(info.arxiv)}"))
        elif info.doi:
            refs.append(PaperRef("doi", f"DOI:{info.doi}"))
    unique = list(dict.fromkeys(refs))
    if note.title.strip():
        unique.append(PaperRef("title", " ".join(note.title.split())))
    return unique


def _extra_urls(note: Note) -> list[str]:
    """URLs under ``url`` / ``urls`` (vaults generated from Semantic Scholar write ``urls: [...]``)."""
    found: list[str] = []
    for name in ("url", "urls"):
        value = note.extra.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip().lower().startswith(("http://", "https://")):
                found.append(item.strip())
    return found


def seed_ref(text: str) -> PaperRef | None:
    """A paper named on the command line: ``doi:…``, ``arxiv:…``, a paperId, ``CorpusId:N`` or a URL."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith("doi:"):
        return PaperRef("doi", f"DOI:{clean_doi(text[4:])}")
    if lowered.startswith("arxiv:"):
        return PaperRef("arxiv", f"ARXIV:{clean_arxiv(text[6:])}")
    if found := s2_id(text):
        return PaperRef("s2", found)
    if lowered.startswith(("http://", "https://")):
        if found := s2_url_id(text):
            return PaperRef("s2", found)
        info = link_info(text)
        if info.arxiv:
            return PaperRef("arxiv", f"ARXIV:{clean_arxiv(info.arxiv)}")
        if info.doi:
            return PaperRef("doi", f"DOI:{info.doi}")
    return None


def normalised_title(title: str) -> str:
    """Case, accents, punctuation and spacing folded away: "Mip-NeRF: A…" == "mip nerf a…"."""
    text = unicodedata.normalize("NFKD", title).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", text.replace("_", " ")))


def paper_matches_ref(paper: dict, ref: PaperRef) -> bool:
    """Whether a stored paper is the one ``ref`` names (used to find it without asking the API)."""
    ids = paper.get("externalIds") or {}
    if ref.kind == "s2":
        if ref.api_id.startswith("CorpusId:"):
            return str(ids.get("CorpusId")) == ref.api_id.split(":", 1)[1]
        return paper.get("paperId") == ref.api_id
    if ref.kind == "doi":
        return str(ids.get("DOI", "")).lower() == ref.api_id[4:].lower()
    if ref.kind == "arxiv":
        return clean_arxiv(str(ids.get("ArXiv", ""))).lower() == ref.api_id[6:].lower()
    return normalised_title(str(paper.get("title") or "")) == normalised_title(ref.api_id)
