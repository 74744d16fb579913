"""BibTeX out: an entry for every note (from its .bib entry, or made from its front-matter),
written with bibtexparser so that re-parsing gives back the same entries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import bibtexparser
from bibtexparser import model as bpm
from bibtexparser.middlewares import AddEnclosingMiddleware

from ..model import ITEM_TYPES, Note
from .entry import ARXIV_ID, BibEntry, BibField
from .latex import text_to_latex, title_to_latex, url_value

# Venues that publish proceedings: a note at one of them becomes an @inproceedings.
_CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|meeting|congress|"
    r"NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|EACL|AACL|COLING|CoNLL|AAAI|IJCAI|KDD|SIGIR|"
    r"SIGGRAPH|WWW|WSDM|CIKM|RecSys|CoRL|RSS|ICRA|IROS|UAI|AISTATS|COLT|MICCAI|BMVC|WACV|Interspeech|ICASSP|"
    r"CHI|UIST|MLSys|OSDI|SOSP|NSDI|ISCA|MICRO|FAccT|ICDE|VLDB|SIGMOD|ALT|ECML|ACCV|3DV)\b"
    r"|Advances in Neural Information Processing Systems",
    re.IGNORECASE,
)
_PREPRINT = re.compile(r"^\s*(arxiv|corr|preprint|arxiv preprint.*|openreview)\s*$", re.IGNORECASE)


def entry_type_for(note: Note) -> str:
    """The entry type of the note's item type (``item_type: conferencePaper``); else @misc for
    preprints, @inproceedings for conferences and workshops, @article otherwise."""
    item_type = note.extra.get("item_type")
    if isinstance(item_type, str) and item_type.lower() in ITEM_TYPES:
        return ITEM_TYPES[item_type.lower()]
    venue = (note.venue or "").strip()
    if not venue or _PREPRINT.match(venue):
        return "misc"
    return "inproceedings" if _CONFERENCE.search(venue) else "article"


_ARXIV_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:v\d+)?(?:\.pdf)?/?$")


def _is_arxiv_url(url: str, arxiv: str) -> bool:
    match = _ARXIV_URL.match(url.strip())
    return bool(match) and match.group(1) == re.sub(r"v\d+$", "", arxiv)


_LINEAGE = re.compile(r"^(?P<first>.*\S)\s+(?P<last>\S+),\s*(?P<jr>(?:Jr|Sr)\.?|II|III|IV)$")


def _bibtex_name(name: str) -> str:
    """A display name as BibTeX reads names: "John Smith, Jr." must become "Smith, Jr., John"."""
    name = " ".join(name.split())
    if name.lower() in ("et al.", "et al", "others"):
        return "others"
    match = _LINEAGE.match(name)
    if match:
        name = f"{match.group('last')}, {match.group('jr')}, {match.group('first')}"
    return text_to_latex(name)


def _author_value(authors: list[str]) -> str:
    return " and ".join(n for n in (_bibtex_name(a) for a in authors) if n)


def note_entry(note: Note) -> BibEntry:
    """The BibTeX entry a note's front-matter describes (values escaped for BibTeX)."""
    kind = entry_type_for(note)
    fields: list[tuple[str, str]] = []
    if note.authors:
        fields.append(("author", _author_value(note.authors)))
    fields.append(("title", title_to_latex(note.title)))
    if kind == "article":
        fields.append(("journal", text_to_latex(note.venue or "")))
    elif kind == "inproceedings":
        fields.append(("booktitle", text_to_latex(note.venue or "")))
    if note.year is not None:
        fields.append(("year", str(note.year)))
    if note.doi:
        fields.append(("doi", url_value(note.doi)))
    arxiv = None
    if note.arxiv:
        match = ARXIV_ID.fullmatch(note.arxiv.strip())
        arxiv = match.group(1) if match else note.arxiv.strip()
    url = note.links.get("paper") or note.links.get("pdf")
    if url and not re.match(r"^(https?|ftp)://", url.strip(), re.IGNORECASE):
        url = None  # a javascript: or relative link is no reference URL
    if url and not (arxiv and _is_arxiv_url(url, arxiv)):  # the eprint field already links there
        fields.append(("url", url_value(url)))
    if arxiv:
        fields.append(("eprint", url_value(arxiv)))
        fields.append(("archiveprefix", "arXiv"))
    return BibEntry(note.key, kind, tuple(BibField(name, value) for name, value in fields))


def _to_block(entry: BibEntry) -> bpm.Entry:
    fields = [bpm.Field(f.name, f.value, enclosing=f.enclosing) for f in entry.written_fields()]
    return bpm.Entry(entry.entry_type, entry.key, fields)


def write_bibtex(entries: Iterable[BibEntry], header: str = "") -> str:
    """BibTeX text of ``entries`` in the given order: two-space indent, ``{}`` around values
    (macros such as ``month = jan`` stay bare), private fields (``file``, ``annote``) left out."""
    return bibtex_comment(header) + _write(entries, "\n")


def write_each(entries: Sequence[BibEntry]) -> list[str]:
    """The text ``write_bibtex([entry])`` gives, for each of ``entries``: written together
    (bibtexparser's set-up costs ~3x an entry's writing), cut where one entry ends. The
    entries' texts joined by newlines are ``write_bibtex(entries)``."""
    if len(entries) < 2:
        return [_write(entries, "\n")] if entries else []
    texts = _write(entries, _ENTRY_END).split(_ENTRY_END)
    if len(texts) != len(entries):  # (a value holding the mark: each entry on its own)
        return [_write([entry], "\n") for entry in entries]
    return texts


_ENTRY_END = "\n\x00"  # between two entries written together (no BibTeX value holds a NUL)


def _write(entries: Iterable[BibEntry], separator: str) -> str:
    library = bibtexparser.Library()
    for entry in entries:
        library.add(_to_block(entry))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.trailing_comma = True
    fmt.block_separator = separator
    unparse = [AddEnclosingMiddleware(allow_inplace_modification=True, default_enclosing="{",
                                      reuse_previous_enclosing=True, enclose_integers=True)]
    return bibtexparser.write_string(library, unparse_stack=unparse, bibtex_format=fmt)


def bibtex_comment(header: str) -> str:
    """``header`` as the comment lines a BibTeX file starts with (and a blank line)."""
    return "".join(f"% {line}\n" for line in header.splitlines()) + ("\n" if header else "")
