"""Formatted references with pybtex: its BibTeX styles (plain, unsrt, alpha, unsrtalpha) through
its plugin system, rendered to HTML (escaped; links only with safe schemes) and to plain text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from markupsafe import Markup, escape
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin

from .entry import PERSON_FIELDS, PRIVATE_FIELDS, BibEntry
from .latex import url_from_latex

STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}
_SAFE_SCHEMES = {"http", "https", "ftp", "mailto"}


def _is_safe_url(url: str) -> bool:
    try:
        return urlsplit(str(url).strip()).scheme.lower() in _SAFE_SCHEMES
    except ValueError:
        return False


class SafeHtmlBackend(HtmlBackend):
    """pybtex's HTML backend writes ``href="{url}"`` unquoted and unchecked: a .bib ``url`` of
    ``javascript:...`` or ``x" onclick="...`` would become live. Quote it and allow only safe schemes."""

    def format_href(self, url, text, external=False):
        if not text:
            return ""
        if not _is_safe_url(url):
            return text
        return f'<a href={quoteattr(str(url).strip())} class="pkb-ref__link">{text}</a>'


@dataclass(frozen=True)
class FormattedReference:
    key: str
    label: str  # the style's label: "1", "VSP+17"
    html: Markup
    text: str


def _pybtex_entry(entry: BibEntry, entry_type: str | None = None) -> Entry:
    fields = []
    persons: dict[str, list[Person]] = {}
    for item in entry.published_fields():
        if item.name in PERSON_FIELDS:
            persons.setdefault(item.name, [Person(n) for n in split_name_list(item.value) if n.strip()])
        elif item.enclosing == "no-enclosing" and item.name == "month":
            fields.append((item.name, _MONTHS.get(item.value.strip().lower()[:3], item.value)))
        elif item.name == "url" and not _is_safe_url(url_from_latex(item.value)):
            continue  # a javascript: "URL" is neither a link nor worth showing
        elif item.name not in PRIVATE_FIELDS and item.name not in dict(fields):
            fields.append((item.name, item.value))
    result = Entry(entry_type or entry.entry_type, fields=fields, persons=persons)
    result.key = entry.key
    return result


class ReferenceFormatter:
    """Formats entries in one pybtex style; results are kept (by label and entry) across
    `mkdocs serve` rebuilds, because pybtex takes about a millisecond per entry."""

    def __init__(self, style: str = "plain") -> None:
        if style not in STYLES:
            raise ValueError(f"unknown reference style '{style}'; choose one of {', '.join(STYLES)}")
        self.style_name = style
        self.style = find_plugin("pybtex.style.formatting", style)()
        self.html_backend = SafeHtmlBackend()
        self.text_backend = TextBackend()
        self._cache: dict[tuple, FormattedReference] = {}

    def sort(self, entries: Iterable[BibEntry]) -> list[BibEntry]:
        """``entries`` in the style's order (plain and alpha: by author, year, title; unsrt: as given)."""
        entries = list(entries)
        by_key = {e.key: e for e in entries}
        return [by_key[p.key] for p in self.style.sort([_pybtex_entry(e) for e in entries])]

    def format_all(self, entries: Sequence[BibEntry]) -> dict[str, FormattedReference]:
        """Every entry formatted; alpha labels are made unique over ``entries`` (VSP+17a, VSP+17b)."""
        pybtex_entries = [_pybtex_entry(e) for e in entries]
        by_key = {e.key: e for e in entries}
        sorted_entries = self.style.sort(pybtex_entries)
        try:
            labels = list(self.style.format_labels(sorted_entries))
        except Exception:  # a label style that chokes on odd names must not lose the references
            labels = [str(i) for i in range(1, len(sorted_entries) + 1)]
        out: dict[str, FormattedReference] = {}
        for label, pentry in zip(labels, sorted_entries):
            out[pentry.key] = self._format(label, by_key[pentry.key], pentry)
        return out

    def format_one(self, entry: BibEntry, label: str = "") -> FormattedReference:
        return self._format(label, entry, _pybtex_entry(entry))

    def _format(self, label: str, entry: BibEntry, pentry: Entry) -> FormattedReference:
        cache_key = (label, entry.key, entry.entry_type, entry.published_fields())
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        try:
            text = self.style.format_entry(label, pentry).text
        except Exception:
            # A missing required field (an @article without journal) or a type the style does
            # not know (@online): @misc has no required fields and shows what there is.
            try:
                text = self.style.format_entry(label, _pybtex_entry(entry, "misc")).text
            except Exception:
                text = None
        if text is None:
            plain = ". ".join(x for x in (", ".join(entry.authors), entry.title or entry.key,
                                          str(entry.year or "")) if x) + "."
            result = FormattedReference(entry.key, label, escape(plain), plain)
        else:
            html = " ".join(text.render(self.html_backend).split())
            result = FormattedReference(entry.key, label, Markup(html), " ".join(text.render(self.text_backend).split()))
        self._cache[cache_key] = result
        return result
