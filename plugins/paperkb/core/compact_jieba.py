"""jieba's word segmentation on a compact copy of its dictionary (a MARISA trie).

jieba keeps its dictionary as a Python dict of every word and every prefix of a word (~500,000
str keys): ~62 MB in the process that segments, plus ~20 MB for importing ``pkg_resources``,
which jieba uses only to find its own dictionary file. ``CompactTokenizer`` is jieba's own
Tokenizer (its cut, HMM for unknown words and search mode unchanged) with the two steps that
read the dictionary, the graph of candidate words (``get_DAG``) and the best route through it
(``calc``), answered from a trie of the words (~1.3 MB) and an array of their frequencies
(~2.8 MB); the words it returns are jieba's, bit for bit (tests/core/test_compact_jieba.py).
Built from jieba's dictionary file at first use (~0.7 s of CPU, where jieba itself takes ~2 s)
and kept in the user's cache folder, signed (``kept_dictionary``): every later build's search
documents' process reads it back in a few milliseconds (jieba keeps its own dict's cache in the
temporary folder likewise)."""

from __future__ import annotations

import array
import logging
import math
import struct
import sys
import time
from collections.abc import Iterator
from math import log
from pathlib import Path
from typing import Any

import marisa_trie

from .cache_file import file_sha256, read_signed_cache_file, write_signed_cache_file
from .free_memory import give_back_free_memory
from .user_key import keyed_digest, signing_key, user_cache_folder

# Bump when the kept dictionary's layout changes (``kept_dictionary``).
KEPT_FORMAT = "1"
_KEPT_HEAD = struct.Struct("<qqQ")  # jieba's total, the longest word, the trie's length in bytes
STALE_SECONDS = 30 * 86400


def import_jieba() -> Any:
    """jieba, imported without ``pkg_resources`` (~20 MB and ~0.3 s only to locate its own
    dictionary: without it jieba opens the file beside its module) and quiet."""
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # (makes its import fail)
    try:
        import jieba
    finally:
        if block and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    return jieba


class Frequencies:
    """jieba's ``FREQ`` for the few lookups its Tokenizer makes besides ``get_DAG`` and ``calc``
    (``.get(word)``): a word's count, None for anything else (jieba's 0 for a mere prefix reads
    the same: both are false)."""

    def __init__(self, trie: marisa_trie.Trie, counts: array.array) -> None:
        self._trie, self._counts = trie, counts

    def get(self, word: str, default: Any = None) -> Any:
        found = self._trie.get(word)
        return self._counts[found] if found is not None else default


def read_dictionary(path: str) -> tuple[marisa_trie.Trie, array.array, int]:
    """The words of a jieba dictionary file (``word count [tag]`` a line) as a trie, each one's
    count by the trie's key ids, and the sum of all counts (jieba's ``total``); as in jieba, a
    word listed twice counts as its last line says, and twice in the total. Read line by line,
    twice, so that no list of all words is ever held (it would leave ~40 MB of Python's heap
    behind)."""
    trie = marisa_trie.Trie(word for word, count in _entries(path) if count)
    counts = array.array("q", bytes(8 * len(trie)))
    total = 0
    key_id = trie.key_id
    for word, count in _entries(path):
        total += count
        if count or word in trie:  # (a word listed again with 0 counts 0, not its first count)
            counts[key_id(word)] = count
    return trie, counts, total


def kept_dictionary(path: str) -> tuple[marisa_trie.Trie, array.array, int, int]:
    """``read_dictionary(path)`` and the length of its longest word (``longest_word``), kept in
    the user's cache folder once read: named by a digest of the dictionary file's bytes (~10 ms;
    every virtual environment with the same jieba shares the file), marisa-trie's version and
    this format's under the user's key, and signed (a file someone else wrote or edited is read
    again from ``path``). Nothing is kept without a user key."""
    name = keyed_digest("jieba-dictionary", KEPT_FORMAT, file_sha256(path), _marisa_version())
    folder = user_cache_folder()
    file = folder / f"jieba-{name[:32]}.dict" if folder is not None and signing_key() else None
    if file is not None:
        data = read_signed_cache_file(file, name)
        if data is not None and len(data) >= _KEPT_HEAD.size:
            total, longest, trie_size = _KEPT_HEAD.unpack_from(data)
            start = _KEPT_HEAD.size
            trie, counts = marisa_trie.Trie(), array.array("q")
            try:
                trie.frombytes(data[start:start + trie_size])
                counts.frombytes(data[start + trie_size:])
            except Exception:  # noqa: BLE001 - not what this code writes: read from the dictionary
                counts = array.array("q")
            if len(counts) == len(trie) > 0:
                return trie, counts, total, longest
    trie, counts, total = read_dictionary(path)
    longest = longest_word(trie)
    if file is not None:
        packed = trie.tobytes()
        if write_signed_cache_file(file, _KEPT_HEAD.pack(total, longest, len(packed)) + packed + counts.tobytes(), name):
            _forget_stale(file)
    return trie, counts, total, longest


def _forget_stale(kept: Path) -> None:
    """Remove the other kept dictionaries not made for a while (another jieba's or marisa-trie's,
    most likely: one still in use by another environment is merely made again)."""
    for other in kept.parent.glob("jieba-*.dict"):
        try:
            if other != kept and time.time() - other.stat().st_mtime > STALE_SECONDS:
                other.unlink()
        except OSError:
            pass


def longest_word(trie: marisa_trie.Trie) -> int:
    """The length of the trie's longest word (~80 ms over jieba's 349,000)."""
    return max((len(word) for word in trie.iterkeys()), default=1)


def _marisa_version() -> str:
    """marisa-trie's version (its trie's bytes are read back by the same version only)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("marisa-trie")
    except PackageNotFoundError:
        return "?"


def _entries(path: str) -> Iterator[tuple[str, int]]:
    with open(path, "rb") as file:
        for number, raw in enumerate(file, 1):
            line = raw.strip().decode("utf-8")
            if not line:
                continue
            try:
                word, count = line.split(" ")[:2]
                yield word, int(count)
            except ValueError:
                raise ValueError(f"{path}:{number}: not a jieba dictionary entry: {line}") from None


jieba = import_jieba()


class CompactTokenizer(jieba.Tokenizer):
    """jieba's Tokenizer reading its dictionary from a trie (``read_dictionary``)."""

    def __init__(self, trie: marisa_trie.Trie, counts: array.array, total: int, longest: int | None = None) -> None:
        super().__init__()
        self._trie = trie
        # (log(0) for a word whose last line counts 0: -inf; get_DAG leaves such words out)
        self._logs = array.array("d", (log(count) if count else -math.inf for count in counts))
        self._longest = longest_word(trie) if longest is None else longest
        self.FREQ = Frequencies(trie, counts)
        self.total = total
        self.initialized = True  # (jieba's initialize would load its own dict)

    @classmethod
    def default(cls) -> "CompactTokenizer":
        """On jieba's own dictionary."""
        with jieba.get_dict_file() as file:
            path = file.name
        tokenizer = cls(*kept_dictionary(path))
        give_back_free_memory()  # (building the trie took ~30 MB of the C heap, now free)
        return tokenizer

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 (jieba's name)
        """For each position, where the dictionary's words that start there end (as jieba's:
        the words with a count above zero that are prefixes of the rest of the sentence), with
        each word's log count kept for ``calc``."""
        prefixes, logs, longest = self._trie.iter_prefixes_with_ids, self._logs, self._longest
        dag = WordGraph()
        weights = dag.weights
        for k in range(len(sentence)):
            ends = []
            for word, key in prefixes(sentence[k:k + longest]):
                if logs[key] == -math.inf:
                    continue
                end = k + len(word) - 1
                ends.append(end)
                weights[k, end] = logs[key]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict) -> None:  # noqa: N803
        """jieba's best route: the largest sum of log(count / total) over the words, a position
        not starting any word counting as a word of count 1."""
        weights = DAG.weights if isinstance(DAG, WordGraph) else self._weights(sentence, DAG)
        n = len(sentence)
        route[n] = (0, 0)
        logtotal = log(self.total)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((weights.get((idx, x), 0.0) - logtotal + route[x + 1][0], x) for x in DAG[idx])

    def _weights(self, sentence: str, dag: dict[int, list[int]]) -> dict[tuple[int, int], float]:
        count = self.FREQ.get
        return {(k, x): log(count(sentence[k:x + 1]) or 1) for k, ends in dag.items() for x in ends}


class WordGraph(dict):
    """jieba's DAG (position -> where the words starting there end) and each word's log count."""

    def __init__(self) -> None:
        super().__init__()
        self.weights: dict[tuple[int, int], float] = {}
