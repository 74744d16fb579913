"""Chinese segmentation's tokenizer (core/chinese_words.py): loaded once, ahead of need when asked."""

from __future__ import annotations

import threading
import time

import pytest

from paperkb.core import chinese_words


@pytest.fixture
def fresh_tokenizer(monkeypatch):
    """No tokenizer loaded yet; loading one is slow (as jieba's dictionary is, ~1 s) and counted."""
    loads: list[str] = []

    def slow_load():
        loads.append(threading.current_thread().name)
        time.sleep(0.3)
        return "tokenizer"

    monkeypatch.setattr(chinese_words, "_tokenizer", None)
    monkeypatch.setattr(chinese_words, "_load_tokenizer", slow_load)
    return loads


def test_notes_with_chinese_load_the_tokenizer_in_the_background(tmp_path, fresh_tokenizer):
    (tmp_path / "a.md").write_text("# Attention\n\nOnly English here.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# BERT\n\n[想法] 预训练很重要。\n", encoding="utf-8")
    chinese_words.load_ahead([tmp_path / "a.md", tmp_path / "missing.md", tmp_path / "b.md"]).join(5)
    assert fresh_tokenizer == ["paperkb-jieba"]
    assert chinese_words.jieba() == "tokenizer" and fresh_tokenizer == ["paperkb-jieba"]


def test_notes_without_chinese_load_nothing(tmp_path, fresh_tokenizer):
    (tmp_path / "a.md").write_text("# Attention\n\nOnly English, ünïcödé and émoji 🙂.\n", encoding="utf-8")
    chinese_words.load_ahead([tmp_path / "a.md"]).join(5)
    assert fresh_tokenizer == []


def test_a_page_needing_the_tokenizer_while_it_loads_waits_for_that_load(tmp_path, fresh_tokenizer):
    (tmp_path / "b.md").write_text("预训练\n", encoding="utf-8")
    loading = chinese_words.load_ahead([tmp_path / "b.md"])
    while not fresh_tokenizer:  # (the background load has begun)
        time.sleep(0.01)
    assert chinese_words.jieba() == "tokenizer"
    loading.join(5)
    assert fresh_tokenizer == ["paperkb-jieba"]  # loaded once, not a second time by the page


def test_forget_lets_go_of_the_tokenizer_and_the_cached_words_and_loads_again_when_asked():
    # The search documents' process forgets them before indexing its last slice (search_document_process.py).
    before = chinese_words.words("预训练很重要")
    assert chinese_words._tokenizer is not None and chinese_words.words.cache_info().currsize > 0
    chinese_words.forget()
    assert chinese_words._tokenizer is None
    assert chinese_words.words.cache_info().currsize == 0 and chinese_words.subwords.cache_info().currsize == 0
    assert chinese_words.words("预训练很重要") == before and chinese_words._tokenizer is not None
