"""Make mkdocs-material's search find word forms and Chinese sub-words.

mkdocs-material's search (lunr.js) appends a trailing wildcard to every query term, which
turns off lunr's query pipeline, so a query is matched by *prefix* against the index tokens:

- English: ``train`` finds "training", but ``trained`` or ``models`` find nothing in a section
  that only says "training" or "model". Stemming the index makes it worse (the index holds
  "train", the query ``trained*`` still is not its prefix), so material leaves the stemmer off.
- Chinese: jieba (precise mode) turns 根本原因 into one token, so 原因 is not found.

This module adds a hidden ``forms`` field to each index entry holding exactly the words a
query needs and the entry lacks: for every English word, the other forms of its (Porter2) stem
that occur anywhere on the site; for every Chinese word, the dictionary words inside it
(jieba's search-engine mode). Words a prefix query already reaches are left out, which keeps
the index small. Results still show the entry's own title and text: the field is not shown.

Plain Python (no MkDocs): ``enrich_search_index`` takes and returns the parsed JSON."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

from .chinese_words import HAN, subwords

FIELD = "forms"
FIELD_BOOST = 0.5  # a different form of a word is a weaker hit than the word itself
ZWSP = "\u200b"  # the separator material's search puts between jieba's words

_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+);")
_LATIN_WORD = re.compile(r"[a-z]{3,}")  # shorter words have no forms worth indexing


def _plain_text(html: str) -> str:
    return _ENTITY.sub(" ", _TAG.sub(" ", html)).lower()


@lru_cache(maxsize=1)
def _english_stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")  # Porter2: fewer false friends than Porter (generic vs generate)


def _latin_words(text: str) -> set[str]:
    return set(_LATIN_WORD.findall(text))


def _han_words(text: str) -> set[str]:
    """The Chinese words of ``text``: material already split runs of Han with U+200B."""
    words: set[str] = set()
    for run in HAN.findall(text.replace(ZWSP, " ")):
        words.add(run)
    return words


def _prefix_reached(form: str, tokens: list[str]) -> bool:
    """True if some token starts with ``form`` (a query ``form*`` already finds the entry)."""
    i = bisect_left(tokens, form)
    return i < len(tokens) and tokens[i].startswith(form)


def enrich_search_index(index: dict, *, forms: bool = True) -> dict:
    """Make a parsed ``search_index.json`` split on jieba's word boundaries and (``forms``) add
    the ``forms`` field to its entries; in place."""
    if forms:
        add_word_forms(index)
    split_chinese_words(index)
    return index


@lru_cache(maxsize=None)  # a site has a few thousand distinct words used a million times
def _stem(word: str) -> str:
    return _english_stemmer().stemWord(word)


@lru_cache(maxsize=1 << 17)  # `serve` writes the index after every edit: unchanged entries cost a lookup
def _entry_words(title: str, text: str) -> tuple[frozenset[str], frozenset[str], list[str], frozenset[str]]:
    """An entry's English words, Chinese words, all its tokens in order and its words' stems."""
    plain = _plain_text(f"{title} {text}")
    latin, han = frozenset(_latin_words(plain)), frozenset(_han_words(plain))
    return latin, han, sorted(latin | han), frozenset(_stem(word) for word in latin)


class _LastRun:
    """What the previous call computed: `serve` enriches the whole index after every edit, and
    an entry's forms change only with its text or with the forms of its words' stems."""

    forms_of: dict[str, frozenset[str]] = {}
    extra: dict[tuple[str, str], str] = {}  # (title, text) -> the entry's forms ("" for none)


def add_word_forms(index: dict) -> None:
    """Add the ``forms`` field to every entry that needs one."""
    docs = index.get("docs") or []
    keys = [(str(d.get("title", "")), str(d.get("text", ""))) for d in docs]
    words = [_entry_words(*key) for key in keys]

    # First pass: which forms of each stem occur on the site.
    grown: dict[str, set[str]] = defaultdict(set)
    for latin, _han, _tokens, _stems in words:
        for word in latin:
            grown[_stem(word)].add(word)
    forms_of = {stem: frozenset(forms) for stem, forms in grown.items()}
    last = _LastRun.forms_of
    changed = {stem for stem in forms_of.keys() | last.keys() if forms_of.get(stem) != last.get(stem)}

    # Second pass: per entry, the forms and sub-words a prefix query would miss.
    added_any = False
    extras: dict[tuple[str, str], str] = {}
    for doc, key, (latin, han, tokens, stems) in zip(docs, keys, words):
        found = _LastRun.extra.get(key)
        if found is None or (changed and not changed.isdisjoint(stems)):
            extra: set[str] = set()
            for word in latin:
                for form in forms_of[_stem(word)]:
                    if form != word and not _prefix_reached(form, tokens):
                        extra.add(form)
            for word in han:
                for sub in subwords(word):
                    if not _prefix_reached(sub, tokens):
                        extra.add(sub)
            found = " ".join(sorted(extra))
        extras[key] = found
        if found:
            doc[FIELD] = found
            added_any = True
        else:
            doc.pop(FIELD, None)
    _LastRun.forms_of, _LastRun.extra = forms_of, extras

    if added_any:
        index.setdefault("config", {}).setdefault("fields", {}).setdefault(FIELD, {"boost": FIELD_BOOST})


def split_chinese_words(index: dict) -> None:
    """material's search joins jieba's words with U+200B but an English theme's separator does not
    split on it (JavaScript's \\s excludes U+200B): every Chinese sentence would be one token."""
    docs = index.get("docs") or []
    if any(ZWSP in d.get("text", "") or ZWSP in d.get("title", "") for d in docs):
        config = index.setdefault("config", {})
        config["separator"] = split_on_zwsp(config.get("separator") or r"[\s\-]+")


def split_on_zwsp(separator: str) -> str:
    """A tokenizer separator that also splits on U+200B (jieba's word boundaries)."""
    if "\\u200b" in separator or ZWSP in separator:
        return separator
    return f"[\\u200b]+|{separator}"
