"""Chinese words for search indexes: jieba's segmentation, shared by both search engines.

Neither engine can split a sentence of Han characters into words by itself on a site whose
language is not Chinese (lunr and Pagefind both split on spaces there), so the index text is
segmented here at build time."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

_tokenizer: Any = None
_loading = threading.Lock()  # (a page waiting for the tokenizer waits for the one being loaded)


def jieba() -> Any:
    """jieba's tokenizer: the one mkdocs-material's search loaded in this process, if it did (with
    the user's ``jieba_dict`` / ``jieba_dict_user``; no second copy), else one holding jieba's
    dictionary compactly (~4 MB instead of ~80: compact_jieba.py). Loaded once (~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _loading:
            if _tokenizer is None:
                _tokenizer = _load_tokenizer()
    return _tokenizer


def forget() -> None:
    """Let go of the tokenizer and the words cached (loaded again if asked for later): the
    search documents' process, done with segmenting, indexes its last slice while the build
    process is at its largest, and the dictionary (~6 MB) need not be part of that peak."""
    global _tokenizer
    with _loading:
        _tokenizer = None
    words.cache_clear()
    subwords.cache_clear()


def _load_tokenizer() -> Any:
    loaded = sys.modules.get("jieba")
    if loaded is not None and loaded.dt.initialized:
        return loaded.dt
    from .compact_jieba import CompactTokenizer

    return CompactTokenizer.default()


def load_ahead(texts: Iterable[Path]) -> threading.Thread:
    """Load the tokenizer in a background thread if one of ``texts`` has Han characters, so the
    first page that needs it (`serve`'s first update, ~1 s later otherwise) does not wait."""

    def load() -> None:
        for path in texts:
            try:
                if HAN.search(path.read_text(encoding="utf-8", errors="replace")):
                    jieba()
                    return
            except OSError:
                continue

    thread = threading.Thread(target=load, name="paperkb-jieba", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=65536)  # the same runs recur on every page; jieba is slow
def words(run: str) -> tuple[str, ...]:
    """A run of Han characters as jieba's words (precise mode)."""
    if len(run) < 2:
        return (run,)
    return tuple(jieba().cut(run, HMM=True))


@lru_cache(maxsize=65536)
def subwords(word: str) -> tuple[str, ...]:
    """The dictionary words of two or more characters inside ``word`` (jieba's search mode):
    根本原因 -> 根本, 原因."""
    if len(word) < 3:
        return ()
    return tuple(w for w in jieba().cut_for_search(word) if len(w) >= 2 and w != word)


def spaced(text: str, separator: str = " ") -> tuple[str, set[str]]:
    """``text`` with ``separator`` between the words of every Han run, and the sub-words of
    those words that are not their prefixes (a prefix search already reaches those)."""
    extra: set[str] = set()

    def split(match: re.Match[str]) -> str:
        parts = words(match.group(0))
        for word in parts:
            extra.update(s for s in subwords(word) if not word.startswith(s))
        return separator.join(parts)

    return HAN.sub(split, text), extra
