"""jieba on a compact dictionary (core/compact_jieba.py): the same words as jieba's own
tokenizer, in a fraction of its memory."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jieba
import pytest

from paperkb.core.chinese_words import HAN
from paperkb.core import compact_jieba
from paperkb.core.compact_jieba import CompactTokenizer, kept_dictionary, read_dictionary

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenizers():
    original = jieba.Tokenizer()
    original.initialize()
    return original, CompactTokenizer.default()


def _sentences(original) -> list[str]:
    """Han runs of the example notes, mixed Chinese-English lines as notes have them, and seeded
    runs of dictionary words and stray characters (unknown words go through jieba's HMM)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "notes").rglob("*.md")))
    runs = HAN.findall(text)
    assert len(runs) > 100  # (the example notes do mix Chinese in)
    lines = [line for line in text.splitlines() if HAN.search(line) and any(c.isascii() and c.isalpha() for c in line)]
    rng = random.Random(11)
    words = [w for w in list(original.FREQ)[::97] if original.FREQ[w]]
    chars = [chr(c) for c in range(0x4E00, 0x9FA6, 3)]
    salads = ["".join(rng.choice(words) if rng.random() < 0.75 else rng.choice(chars) for _ in range(rng.randint(1, 14)))
              for _ in range(1500)]
    return runs + lines + salads + ["", "a", "根", "根本原因是训练数据不够", "GPT-4在MMLU上达到86.4%，远超GPT-3.5。"]


def test_same_words_as_jieba_in_precise_and_search_mode(tokenizers):
    original, compact = tokenizers
    sentences = _sentences(original)
    for sentence in sentences:
        assert list(compact.cut(sentence)) == list(original.cut(sentence)), sentence
        assert list(compact.cut_for_search(sentence)) == list(original.cut_for_search(sentence)), sentence
    assert list(compact.cut("根本原因是训练数据不够")) == ["根本原因", "是", "训练", "数据", "不够"]


def test_a_small_dictionary_reads_as_jieba_reads_it(tmp_path):
    """Duplicates count as their last line says (and twice in the total), a word counted 0 is
    no word, a tag after the count is ignored: the routes are jieba's on the same file."""
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(textwrap.dedent("""\
        模型 300 n
        训练 200 v
        训练数据 5 n
        数据 400 n
        训练数 9
        据 1
        不够 50 a
        不 100
        够 100
        模 0
        数据 30 n
        """), encoding="utf-8")
    trie, counts, total = read_dictionary(str(dictionary))
    assert total == 300 + 200 + 5 + 400 + 9 + 1 + 50 + 100 + 100 + 0 + 30
    assert counts[trie.key_id("数据")] == 30 and "模" not in trie
    original = jieba.Tokenizer(str(dictionary))
    original.tmp_dir = str(tmp_path)  # (where jieba writes its cache of the dict)
    original.initialize()
    compact = CompactTokenizer(trie, counts, total)
    for sentence in ("模型训练数据不够", "训练数据", "训练数据模型", "不够不够模", "数据训练数据数"):
        assert list(compact.cut(sentence)) == list(original.cut(sentence)), sentence
        assert list(compact.cut_for_search(sentence)) == list(original.cut_for_search(sentence)), sentence


def test_the_compact_dictionary_is_kept_signed_in_the_user_s_cache_folder(tmp_path, monkeypatch):
    """Read once from jieba's file, then from the user's cache folder (the same trie, counts and
    total, without reading the file); a kept file someone edited, or one kept for another
    version of the dictionary, is never used: the dictionary is read again (and the stale file
    removed)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))  # (a key of its own)
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("模型 300 n\n训练 200 v\n训练数据 5 n\n数据 400 n\n模 0\n", encoding="utf-8")
    reads = []
    real = compact_jieba.read_dictionary
    monkeypatch.setattr(compact_jieba, "read_dictionary", lambda path: reads.append(path) or real(path))

    def same(a, b) -> bool:
        return sorted(a[0].items()) == sorted(b[0].items()) and list(a[1]) == list(b[1]) and a[2:] == b[2:]

    first = kept_dictionary(str(dictionary))
    (kept,) = (tmp_path / "cache-home/paperkb").glob("jieba-*.dict")
    assert same(first, (*real(str(dictionary)), 4)) and len(reads) == 1  # (训练数据: the longest word)
    assert same(kept_dictionary(str(dictionary)), first) and len(reads) == 1  # from the kept file

    data = bytearray(kept.read_bytes())
    data[-8] ^= 1  # a count changed behind the signature
    kept.write_bytes(bytes(data))
    assert same(kept_dictionary(str(dictionary)), first) and len(reads) == 2
    assert same(kept_dictionary(str(dictionary)), first) and len(reads) == 2  # (written again, signed)

    import struct
    signed = compact_jieba.read_signed_cache_file  # a signed file this code did not write: read again
    monkeypatch.setattr(compact_jieba, "read_signed_cache_file",
                        lambda file, context: struct.pack("<qqQ", 5, 2, 10 ** 9) + b"not a trie" * 9)
    assert same(kept_dictionary(str(dictionary)), first) and len(reads) == 3
    monkeypatch.setattr(compact_jieba, "read_signed_cache_file", signed)

    elsewhere = tmp_path / "other-venv" / "dict.txt"  # the same jieba installed in another environment
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(dictionary.read_bytes())
    assert same(kept_dictionary(str(elsewhere)), first) and len(reads) == 3  # the same kept file

    dictionary.write_text("模型 300 n\n训练 7 v\n", encoding="utf-8")  # another dictionary
    trie, counts, total, longest = kept_dictionary(str(dictionary))
    assert len(reads) == 4 and total == 307 and counts[trie.key_id("训练")] == 7 and "数据" not in trie and longest == 2
    assert same(kept_dictionary(str(elsewhere)), first) and len(reads) == 4  # both kept: no thrashing
    kept_files = sorted((tmp_path / "cache-home/paperkb").glob("jieba-*.dict"))
    assert len(kept_files) == 2
    month_ago = time.time() - 31 * 86400
    os.utime(kept, (month_ago, month_ago))
    dictionary.write_text("模型 300 n\n", encoding="utf-8")  # a third: the one unmade for a month goes
    kept_dictionary(str(dictionary))
    assert not kept.exists() and len(list((tmp_path / "cache-home/paperkb").glob("jieba-*.dict"))) == 2


def test_a_bad_dictionary_line_names_file_and_line(tmp_path):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("模型 300\n训练 many\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dict\.txt:2: .*训练 many"):
        read_dictionary(str(dictionary))


def test_segmenting_holds_far_less_memory_than_jieba():
    """A process that segments Chinese (as the build's search documents' child does) neither
    imports pkg_resources (~20 MB) nor holds jieba's dict (~60 MB): ~30 MB in all, where jieba's
    own tokenizer takes ~90."""
    script = textwrap.dedent("""\
        import sys
        from paperkb.core import chinese_words
        print(chinese_words.spaced("这是根本原因，sample efficiency 很重要")[0])
        rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
        print("pkg_resources" in sys.modules, rss // 1024)
        """)
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    spaced, facts = output.splitlines()
    assert spaced == "这是 根本原因，sample efficiency 很 重要"
    loaded, megabytes = facts.split()
    assert loaded == "False"
    assert int(megabytes) < 50, output


def test_a_dictionary_mkdocs_material_loaded_is_the_one_used():
    """With ``search_engine: material``, material's search plugin loads jieba's dictionary (and
    the user's ``jieba_dict_user``) in the build process: its words are the ones used, and no
    second dictionary is held."""
    script = textwrap.dedent("""\
        import jieba
        jieba.add_word("深度强化学习")  # (what a user dictionary adds; loads jieba's own dict)
        from paperkb.core import chinese_words
        print(" ".join(chinese_words.words("深度强化学习方法")), chinese_words.jieba() is jieba.dt)
        """)
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["深度强化学习", "方法", "True"]
    assert list(CompactTokenizer.default().cut("深度强化学习方法")) != ["深度强化学习", "方法"]
