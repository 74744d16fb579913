"""The document Pagefind indexes for one page: its text with Chinese words spaced, its facets
as filters, its title and facts as metadata.

The reader never sees this document; it is written beside the site for Pagefind to index.
Pagefind splits words on spaces only (it segments Chinese just on pages it takes for Chinese),
so every run of Han characters is cut into jieba's words here, and the sub-words of compounds
(原因 in 根本原因) go into a metadata field that is searched but never shown. The search worker
takes the spaces between Han characters out again before it shows a title or an excerpt."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..core import chinese_words
from ..core.chinese_words import spaced
from .escape import escape

# Hidden metadata field with the sub-words of compounds (searched, not shown).
WORDS_META = "words"
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
# Blocks a page marks as repeating other pages (mkdocs-material's own marker): not indexed.
_SEARCH_EXCLUDE = re.compile(r"\sdata-search-exclude(?=[\s>/=])")
# The permalink after each heading (toc's permalink: true): a "¶" in every excerpt otherwise.
# Pagefind joins the text of adjacent elements as written: <dt>Fields</dt><dd>LLM</dd> would be
# one word "FieldsLLM".
_TAG_AFTER_TAG = re.compile(r">(?=<)")
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# Comments are no text to search; paperkb's markers in them change from build to build, and the
# document of an unchanged page must stay the same (core/pagefind_bundle.py writes only changes).
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _spaced_html(html: str, extra: set[str]) -> str:
    parts = _TAG_OR_TEXT.split(html)
    for i in range(0, len(parts), 2):  # even items are text between tags
        if parts[i]:
            parts[i], found = spaced(parts[i])
            extra |= found
    return "".join(parts)


def search_document(*, title: str, content_html: str, language: str,
                    filters: Mapping[str, Sequence[str]], meta: Mapping[str, str],
                    sort: Mapping[str, str] | None = None) -> str:
    """A whole HTML document for Pagefind. ``content_html`` is the page's rendered content (trusted
    HTML from Markdown); ``title``, filter values and metadata are plain text and escaped here."""
    extra: set[str] = set()
    spaced_title, found = spaced(title)
    extra |= found
    body = _SEARCH_EXCLUDE.sub(" data-pagefind-ignore", _HEADERLINK.sub("", _COMMENT.sub("", content_html)))
    body = _spaced_html(_TAG_AFTER_TAG.sub("> ", body), extra)
    # Filters and metadata sit outside the indexed body: their words are no excerpt text.
    facts = [f'<span data-pagefind-filter="{escape(name)}">{escape(value)}</span>'
             for name, values in filters.items() for value in values]
    all_meta = dict(meta)
    if extra:
        all_meta[WORDS_META] = " ".join(sorted(extra))
    all_meta["title"] = spaced_title  # searched with a boost; not repeated in the excerpt text
    facts += [f'<span data-pagefind-meta="{escape(name)}">{escape(value)}</span>'
              for name, value in all_meta.items() if value]
    facts += [f'<span data-pagefind-sort="{escape(name)}">{escape(value)}</span>'
              for name, value in (sort or {}).items() if value]
    return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>"
            f'<div hidden>{"".join(facts)}</div>'
            f"<main data-pagefind-body>\n{body}\n</main></body></html>")


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What documents depend on besides their inputs: this module, the word splitter, jieba and
    its dictionary's compact form."""
    try:
        jieba_version = version("jieba")
    except PackageNotFoundError:
        jieba_version = "?"
    files = (Path(__file__), Path(chinese_words.__file__), Path(chinese_words.__file__).with_name("compact_jieba.py"))
    return repr([(f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files] + [jieba_version])


def document_digest(*, title: str, content_html: str, language: str, filters: Mapping[str, Sequence[str]],
                    meta: Mapping[str, str], sort: Mapping[str, str] | None = None) -> str:
    """A digest of everything ``search_document`` makes a document from (the same arguments), and
    of its code: equal digests, equal documents."""
    inputs = [_code_stamp(), title, language, {k: list(v) for k, v in filters.items()}, dict(meta), dict(sort or {})]
    # The page's HTML after the (self-delimiting) JSON of the rest: not through json.dumps, whose
    # escaping of a page's worth of text cost more than the digest itself.
    digest = hashlib.sha1(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    digest.update(_COMMENT.sub("", content_html).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
