"""Formatted references with pybtex: its BibTeX styles (plain, unsrt, alpha, unsrtalpha) through
its plugin system, rendered to HTML (escaped; links only with safe schemes) and to plain text."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from markupsafe import Markup, escape
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.markup import LaTeXParser
from pybtex import __version__ as pybtex_version
from pybtex import richtext
from pybtex.plugin import find_plugin
from pybtex.style.labels.number import LabelStyle as NumberLabels
from pybtex.style.sorting import BaseSortingStyle

from ..cache_file import read_signed_cache_file, write_signed_cache_file
from ..user_key import keyed_digest, signing_key
from ..worker_processes import keep_until_other_jobs
from ..worker_share import Offered, WorkerRun, finish_with_worker, offer_to_worker
from . import fast_names, fast_richtext, fast_templates
from .entry import PERSON_FIELDS, PRIVATE_FIELDS, BibEntry
from .latex import biblatex_for_pybtex, url_from_latex

STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
_CACHE_VERSION = f"6/pybtex-{pybtex_version}"  # 6: names and \url commands read like other fields
# Below this many references formatting takes a fraction of a second: no cache file is written.
DISK_CACHE_MIN_ENTRIES = 200
# From this many new references on, a worker process (when the build has one) formats them with
# this process: ~1 ms an entry, ~10 s at 10,000 notes on a first build.
SHARE_MIN_ENTRIES = 200
# They go to the worker in chunks of this many (~50 ms of formatting each), shared from both ends.
SHARE_CHUNK = 50

# pybtex decodes every field and name part with latexcodec, which is most of its time per entry.
# A value with nothing LaTeX could read specially (commands, braces, ties, dashes, quote and
# ,, << >> ligatures, comments, math, repeated or edge spaces) decodes to itself, so it skips the
# codec: same Text, several times faster (tests/core/test_bib_reading.py checks the equivalence).
_LATEX_SYNTAX = re.compile(r"[\\{}~$%`'\"\n\t\r]|--|,,|<<|>>|  |^\s|\s$")
# The same without braces: a value whose only LaTeX is braces (titles protecting capitals,
# "{BERT} for {NLP}", common in real .bib files) also decodes to itself, so it goes to
# pybtex's brace parser without the codec (~20 us instead of ~0.4 ms a title).
_LATEX_BEYOND_BRACES = re.compile(r"[\\~$%`'\"\n\t\r]|--|,,|<<|>>|  |^\s|\s$")
_decode_latex = richtext.Text.from_latex.__func__


def _from_latex(cls, latex):
    if not _LATEX_SYNTAX.search(latex):
        return cls(richtext.String(latex)) if latex else cls()
    if not _LATEX_BEYOND_BRACES.search(latex):
        return LaTeXParser(latex).parse()  # (what pybtex's from_latex does with the decoded value)
    return _decode_latex(cls, latex)


if getattr(richtext.Text.from_latex, "__func__", None) is not _from_latex:
    richtext.Text.from_latex = classmethod(_from_latex)
fast_richtext.install()  # the rich-text objects pybtex's styles build, the same but faster
fast_templates.install()  # and the template nodes they build them with
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}
_SAFE_SCHEMES = {"http", "https", "ftp", "mailto"}
_VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file"})


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
            persons.setdefault(item.name, [fast_names.person(name, biblatex_for_pybtex)
                                           for name in split_name_list(item.value) if name.strip()])
        elif item.enclosing == "no-enclosing" and item.name == "month":
            fields.append((item.name, _MONTHS.get(item.value.strip().lower()[:3], item.value)))
        elif item.name == "url" and not _is_safe_url(url_from_latex(item.value)):
            continue  # a javascript: "URL" is neither a link nor worth showing
        elif item.name not in PRIVATE_FIELDS and item.name not in dict(fields):
            fields.append((item.name, item.value if item.name in _VERBATIM_FIELDS else biblatex_for_pybtex(item.value)))
    # biblatex (Zotero / Better BibTeX) names: the BibTeX styles look for journal and year.
    names = dict(fields)
    if "journal" not in names and "journaltitle" in names:
        fields.append(("journal", names["journaltitle"]))
    if "year" not in names and entry.year is not None:
        fields.append(("year", str(entry.year)))
    result = Entry(entry_type or entry.entry_type, fields=fields, persons=persons)
    result.key = entry.key
    return result


def _content(entry: BibEntry) -> str:
    """What a formatted reference depends on, besides its label: the entry's published fields."""
    fields = [(f.name, f.value, f.enclosing) for f in entry.published_fields()]
    return repr((entry.key, entry.entry_type, fields))


def _digest(content: str) -> str:
    """The cache key of a reference, under this user's key (a cache file from elsewhere never
    supplies the HTML of a reference). The label is not part of it: pybtex's styles never
    write the label into the reference's text, and a new entry renumbers every plain label."""
    return keyed_digest(content)


class ReferenceFormatter:
    """Formats entries in one pybtex style. pybtex takes one to two milliseconds per entry, so
    results are kept by label and entry: in memory across `mkdocs serve` rebuilds and, with a
    ``cache_dir``, on disk across builds (only the entries of the last build are kept there)."""

    def __init__(self, style: str = "plain", cache_dir: Path | None = None) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown reference style '{style}'; choose one of {', '.join(STYLES)}")
        self.style_name = style
        self.style = find_plugin("pybtex.style.formatting", style)()
        fast_names.install(self.style)  # (each person's name formatted once)
        fast_templates.keep_templates(self.style)  # (each kind of entry's template built once)
        self.html_backend = SafeHtmlBackend()
        self.text_backend = TextBackend()
        self._cache: dict[str, FormattedReference] = {}
        # The style's order and labels of the last set of entries formatted together: sorting and
        # labelling need every entry parsed into pybtex's model, ~0.2 ms each, even when all the
        # references themselves come from the cache.
        self._order: tuple[str, list[tuple[str, str]]] = ("", [])
        # The style's sorting key of each entry formatted last (by content): a note added in
        # `serve` sorts among the others without parsing them all into pybtex's model again.
        self._sort_keys: dict[str, object] = {}
        self._contents: dict[int, tuple[BibEntry, str]] = {}  # the last entries formatted: id -> (entry, _content)
        self._offered: Offered = []  # chunks of (entry, content) offered to a worker ahead of ``format_all``
        self._digests: dict[str, str] = {}  # their cache keys, by content
        self._used: set[str] = set()
        self._dirty = False
        # No user key: digests anyone could compute, so no file (see core/user_key.py).
        self.cache_file = Path(cache_dir) / f"references-{style}.json" if cache_dir and signing_key() else None
        self._load()

    def forget_formatted(self) -> None:
        """Let go of the references formatted so far (the style and its plugins stay loaded)."""
        self._cache, self._digests, self._used = {}, {}, set()

    def _load(self) -> None:
        signed = read_signed_cache_file(self.cache_file, "references") if self.cache_file else None
        if signed is None:  # missing, or not signed by this user (edited, planted): formatted again
            return
        try:
            data = json.loads(signed.decode("utf-8"))
            if data.get("version") != _CACHE_VERSION:
                return
            for digest, (key, label, html, text) in data["entries"].items():
                self._cache[digest] = FormattedReference(key, label, Markup(html), text)
            order = data.get("order") or ["", []]
            self._order = (str(order[0]), [(str(k), str(lb)) for k, lb in order[1]])
        except (ValueError, KeyError, TypeError):
            self._cache = {}  # an unreadable cache is rebuilt, never an error

    def save(self) -> None:
        """Write the entries used since the last save (atomic; a failure only costs speed)."""
        small = len(self._used) < DISK_CACHE_MIN_ENTRIES and not (self.cache_file and self.cache_file.exists())
        if self.cache_file is None or small or not self._dirty and len(self._used) == len(self._cache):
            self._used = set()
            return
        entries = {d: [r.key, r.label, str(r.html), r.text] for d, r in self._cache.items() if d in self._used}
        write_signed_cache_file(self.cache_file, json.dumps(
            {"version": _CACHE_VERSION, "entries": entries, "order": self._order}, ensure_ascii=False).encode("utf-8"),
            "references")
        self._used, self._dirty = set(), False

    def sort(self, entries: Iterable[BibEntry]) -> list[BibEntry]:
        """``entries`` in the style's order (plain and alpha: by author, year, title; unsrt: as given)."""
        entries = list(entries)
        by_key = {e.key: e for e in entries}
        return [by_key[p.key] for p in self.style.sort([_pybtex_entry(e) for e in entries])]

    def format_all(self, entries: Sequence[BibEntry], worker: WorkerRun | None = None) -> dict[str, FormattedReference]:
        """Every entry formatted; alpha labels are made unique over ``entries`` (VSP+17a, VSP+17b).
        ``worker``: where a share of many new references is formatted meanwhile (a first build)."""
        by_key = {e.key: e for e in entries}
        contents = self._contents_of(entries)
        set_digest = keyed_digest(*sorted(contents.values()))
        # Entries put into pybtex's model to be sorted, by content: formatted from the same
        # objects here (a first build sorts and formats every entry: ~0.15 ms each, made once;
        # ~4 KB each, let go once formatted).
        made: dict[str, Entry] = {}
        offered, self._offered = self._offered, []
        if offered:  # (``offer``: what the worker has not started is done here now)
            self._finish(offered, made)
        if worker is not None:  # a first build: new entries' sorting keys and formats, shared
            self._finish(self._offer(worker, entries, contents), made)
        if self._order[0] == set_digest:  # the same entries as last time: the same order and labels
            order = self._order[1]
        else:
            ordered = self._sorted(entries, contents, made)
            try:
                labels = self._labels(ordered)
            except Exception:  # a label style that chokes on odd names must not lose the references
                labels = [str(i) for i in range(1, len(ordered) + 1)]
            order = [(entry.key, label) for label, entry in zip(labels, ordered)]
            self._order, self._dirty = (set_digest, order), True
        formatted = {key: self._format(label, by_key[key], contents[key], made.pop(contents[key], None))
                     for key, label in order}
        current = set(contents.values())
        if len(self._digests) > 2 * len(current):  # only the current entries' keys stay
            self._digests = {c: d for c, d in self._digests.items() if c in current}
        fast_names.forget()  # (a build formats its references at once: the pages need the memory next)
        return formatted

    def _sorted(self, entries: Sequence[BibEntry], contents: dict[str, str],
                made: dict[str, Entry]) -> list[BibEntry]:
        """``entries`` in the style's order: what ``style.sort`` gives, with each entry's sorting
        key kept by content (sorting is stable, as pybtex's ``sorted`` is). The entries it puts
        into pybtex's model go into ``made``, by content."""
        if not self._sorts_by_key:  # unsrt's "none": a sort of its own
            by_key = {e.key: e for e in entries}
            models = [made[c] if c in made else made.setdefault(c, _pybtex_entry(e))
                      for e in entries for c in (contents[e.key],)]
            return [by_key[p.key] for p in self.style.sorting_style.sort(models)]
        known, sorting = self._sort_keys, self.style.sorting_style
        keys = {c: known[c] if c in known else sorting.sorting_key(made.setdefault(c, _pybtex_entry(e)))
                for e in entries for c in (contents[e.key],)}
        self._sort_keys = keys  # only the current entries: the memory follows the library
        return sorted(entries, key=lambda e: keys[contents[e.key]])

    @property
    def _sorts_by_key(self) -> bool:
        """Whether the style sorts by each entry's own key (plain, alpha), as pybtex's base
        sorting style does; unsrt keeps the given order with a ``sort`` of its own."""
        return type(self.style.sorting_style).sort is BaseSortingStyle.sort

    def _labels(self, ordered: list[BibEntry]) -> list[str]:
        if isinstance(self.style.label_style, NumberLabels):  # plain, unsrt: 1, 2, 3 ...
            return [str(i) for i in range(1, len(ordered) + 1)]
        return list(self.style.format_labels([_pybtex_entry(e) for e in ordered]))

    def offer(self, entries: Sequence[BibEntry], worker: WorkerRun) -> None:
        """A first build: the new entries go to the worker as soon as the library is loaded, so
        that it sorts and formats them while this process plans other features; ``format_all``
        then does what the worker has not started and takes the rest."""
        self._offered += self._offer(worker, entries, self._contents_of(entries))

    def _contents_of(self, entries: Sequence[BibEntry]) -> dict[str, str]:
        """Each entry's content (``_content``) by key, kept by entry object: `serve` formats the
        same objects again after an edit, and a first build offers them before formatting."""
        known = self._contents
        self._contents = {id(e): known[id(e)] if id(e) in known and known[id(e)][0] is e else (e, _content(e))
                          for e in entries}
        return {e.key: self._contents[id(e)][1] for e in entries}

    def _offer(self, worker: WorkerRun, entries: Sequence[BibEntry], contents: dict[str, str]) -> Offered:
        """The entries not formatted yet (none offered already), offered to ``worker`` in
        chunks when there are enough of them to pay (core/worker_share.py); none otherwise."""
        offered = {content for chunk, _future in self._offered for _entry, content in chunk}
        new = [(e, contents[e.key]) for e in entries
               if self._cache_key(contents[e.key]) not in self._cache and contents[e.key] not in offered]
        if len(new) < SHARE_MIN_ENTRIES:
            return []
        return offer_to_worker(new, SHARE_CHUNK,
                               lambda chunk: worker(prepare_in_worker, self.style_name, [e for e, _content in chunk]))

    def _finish(self, offered: Offered, made: dict[str, Entry]) -> None:
        """Sort keys and formats of the offered (entry, content) references: the worker's, and
        those of the chunks it has not started, made here now from the last one back. Each entry
        goes into pybtex's model once, for both, in whichever process takes it. Labels are not
        needed for that (pybtex's styles never write them into the text): they are set once the
        order is known. What the worker does not deliver is left to the usual path. A style with
        a sort of its own (unsrt) gets the models made here in ``made``, by content."""

        def here(chunk: list[tuple[BibEntry, str]]) -> None:
            for entry, content in chunk:
                sort_key, _reference = self._prepare(entry, content, made)
                if sort_key is not None:
                    self._sort_keys[content] = sort_key

        def take(chunk: list[tuple[BibEntry, str]], done: list[tuple[object, str, str, str]]) -> None:
            for (_entry, content), (sort_key, key, html, text) in zip(chunk, done):
                self._cache[self._cache_key(content)] = FormattedReference(key, "", Markup(html), text)
                if sort_key is not None:
                    self._sort_keys[content] = sort_key
                self._dirty = True

        finish_with_worker(offered, here, take)

    def _prepare(self, entry: BibEntry, content: str | None = None,
                 made: dict[str, Entry] | None = None) -> tuple[object | None, FormattedReference]:
        """``entry``'s sorting key and its formatted reference (unlabelled), from one pybtex
        model of it. A style with a sort of its own has no key (None): the model goes into
        ``made``, by content, when given, for that sort."""
        model = _pybtex_entry(entry)
        if self._sorts_by_key:
            return self.style.sorting_style.sorting_key(model), self._format("", entry, content, model)
        if made is not None and content is not None:
            made[content] = model
        return None, self._format("", entry, content, model)

    def _cache_key(self, content: str) -> str:
        return self._digests.get(content) or self._digests.setdefault(content, _digest(content))

    def format_one(self, entry: BibEntry, label: str = "") -> FormattedReference:
        return self._format(label, entry)

    def _format(self, label: str, entry: BibEntry, content: str | None = None,
                model: Entry | None = None) -> FormattedReference:
        """``entry`` formatted with ``label``; ``model``: the entry already in pybtex's model."""
        content = content if content is not None else _content(entry)
        cache_key = self._cache_key(content)
        self._used.add(cache_key)
        cached = self._cache.get(cache_key)
        if cached is not None:
            if cached.label != label:  # (kept relabelled: the same object next time, for `serve`'s reuse)
                cached = self._cache[cache_key] = dataclasses.replace(cached, label=label)
            return cached
        self._dirty = True
        try:
            text = self.style.format_entry(label, model if model is not None else _pybtex_entry(entry)).text
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


# A worker's formatter of each style, kept for its next chunks: making one loads the style's
# plugins through the installed packages' entry points (~30 ms, for a chunk of 50 entries
# formatted in ~50 ms).
_worker_formatters: dict[str, ReferenceFormatter] = {}


def prepare_in_worker(style: str, entries: list[BibEntry]) -> list[tuple[object | None, str, str, str]]:
    """Worker job: each entry's sorting key in ``style`` and its reference formatted, as
    (sorting key, key, HTML, text)."""
    formatter = _worker_formatters.get(style)
    if formatter is None:
        formatter = _worker_formatters[style] = ReferenceFormatter(style)
    # (the names read and formatted help the next chunk; the diagrams after them need the memory)
    keep_until_other_jobs(prepare_in_worker, fast_names.forget)
    try:
        return [(sort_key, ref.key, str(ref.html), ref.text)
                for sort_key, ref in (formatter._prepare(entry) for entry in entries)]
    finally:
        formatter.forget_formatted()  # (the build keeps them: the worker's copies would only add up)
