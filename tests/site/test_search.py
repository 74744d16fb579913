"""Search with `search_engine: material`: Chinese (jieba) and English word forms in mkdocs-material's
index; drafts stay out."""

from __future__ import annotations

import json
import re

from paperkb.core.search_terms import FIELD, enrich_search_index, split_on_zwsp

from ..conftest import build_site, note

ZW = "\u200b"
MATERIAL = ["search", "tags", {"paperkb": {"search_engine": "material"}}]


def _index(*texts: str, separator: str = r"[\s\-]+") -> dict:
    return {"config": {"lang": ["en"], "separator": separator, "fields": {}},
            "docs": [{"location": f"p{i}/", "title": "", "text": t} for i, t in enumerate(texts)]}


def _forms(doc: dict) -> set[str]:
    return set(doc.get(FIELD, "").split())


def test_english_forms_that_a_prefix_query_would_miss_are_added():
    index = enrich_search_index(_index("<p>training large models</p>", "the model was trained"))
    first, second = index["docs"]
    assert "trained" in _forms(first)          # query "trained*" now finds "training"
    assert "model" not in _forms(first)        # "model*" already matches "models"
    assert {"models", "training"} <= _forms(second)
    assert index["config"]["fields"][FIELD]["boost"] < 1


def test_forms_come_only_from_words_on_the_site():
    index = enrich_search_index(_index("a model", "another model"))
    assert all(FIELD not in d for d in index["docs"])
    assert FIELD not in index["config"]["fields"]


def test_html_markup_is_not_indexed_as_words():
    index = enrich_search_index(_index('<code class="highlighting">x</code> trains', "training"))
    assert "highlight" not in index["docs"][1].get(FIELD, "")
    assert "highlighting" not in index["docs"][1].get(FIELD, "")


def test_chinese_subwords_inside_a_long_word_are_added():
    # What material's search writes for 这是根本原因 after jieba: words joined by U+200B.
    index = enrich_search_index(_index(f"这是{ZW}根本原因{ZW}。", "稳定性"))
    forms = _forms(index["docs"][0])
    assert "原因" in forms                   # not a prefix of 根本原因: must be added
    assert "根本" not in forms               # a prefix: 根本* finds it already
    assert "稳定" not in _forms(index["docs"][1])  # 稳定性 -> 稳定 is a prefix


def test_separator_splits_on_jieba_boundaries():
    index = enrich_search_index(_index(f"这是{ZW}原因"))
    sep = index["config"]["separator"]
    assert re.split(sep, f"a b{ZW}c-d") == ["a", "b", "c", "d"]
    assert split_on_zwsp(r"[\s\u200b\-]+") == r"[\s\u200b\-]+"
    # Without Chinese in the index the user's separator is left alone.
    assert enrich_search_index(_index("plain"))["config"]["separator"] == r"[\s\-]+"


def _search_index(site) -> dict:
    return json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_built_index_holds_front_matter_chinese_and_forms_but_no_drafts(site_builder):
    site = site_builder({
        "papers/sac.md": note(
            "Soft Actor-Critic", key="sac", year=2018, fields=["RL"],
            problem="无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。",
            method="Maximum entropy actor-critic trained off-policy.",
            results="Beats DDPG on MuJoCo benchmarks.",
            insights=["Entropy regularisation explains the stability."],
            body="Body text mentions exploration and the training schedule.\n"),
        "papers/secret.md": note("Hidden draft", key="secret", draft=True,
                                 problem="zanzibarword appears only in a draft."),
    }, plugins=MATERIAL)
    assert site.ok, site.messages
    index = _search_index(site)
    docs = [d for d in index["docs"] if d["location"].startswith("papers/sac/")]
    text = " ".join(d["title"] + " " + d["text"] + " " + d.get(FIELD, "") for d in docs)
    # Front-matter fields are sections of the note page, so they are searchable.
    for expected in ("Maximum entropy actor", "Beats DDPG", "Entropy regularisation"):
        assert expected in text
    # Chinese is segmented by jieba (U+200B between words) and split on it.
    assert f"{ZW}效率{ZW}" in text or f"效率{ZW}" in text
    assert "\\u200b" in index["config"]["separator"]
    assert "原因" in text.split()             # the sub-word of 根本原因, via the forms field
    method = next(d for d in docs if d["title"] == "Method")
    assert "training" in _forms(method)      # "training" is on the site (body): query "training*" finds "trained"
    # Drafts: nowhere in the index.
    assert "zanzibarword" not in json.dumps(index, ensure_ascii=False)
    assert "Hidden draft" not in json.dumps(index, ensure_ascii=False)


def test_index_pages_are_found_by_title_but_do_not_repeat_notes_in_search(site_builder):
    site = site_builder({
        "papers/a.md": note("Paper A", key="a", year=2020, fields=["Vision"], venue="CVPR",
                            problem="Residual shortcuts ease optimisation of deep nets."),
    }, plugins=MATERIAL)
    assert site.ok, site.messages
    docs = _search_index(site)["docs"]
    note_text = " ".join(d["text"] for d in docs if d["location"].startswith("papers/a/"))
    assert "Residual shortcuts" in note_text
    field_docs = [d for d in docs if d["location"].startswith("fields/vision/")]
    assert field_docs and "Vision" in field_docs[0]["title"]
    assert not any("Residual shortcuts" in d["text"] or "Paper A" in d["text"] for d in field_docs)


def test_without_forms_chinese_still_splits_on_jieba_boundaries(site_builder):
    site = site_builder({
        "papers/a.md": note("Paper A", key="a", year=2020, problem="训练不稳定的根本原因。"),
    }, plugins=["search", "tags", {"paperkb": {"search_engine": "material", "search_forms": False}}])
    assert site.ok, site.messages
    index = _search_index(site)
    assert "\\u200b" in index["config"]["separator"]
    assert all(FIELD not in d for d in index["docs"]) and FIELD not in index["config"]["fields"]


def test_formulas_stay_on_the_page_but_out_of_search(site_builder):
    site = site_builder({
        "papers/attn.md": note("Attention", "Scaled dot-product attention $\\operatorname{softmax}(QK^\\top)$ works.\n\n"
                                            "$$\n\\frac{a}{b}\n$$\n", year=2017, method="Uses $W_k$ projections."),
    }, plugins=MATERIAL)
    html = site.html("papers/attn/")
    assert html.count('class="arithmatex" data-search-exclude') == 3 and "\\operatorname{softmax}" in html
    texts = " ".join(d["text"] for d in _search_index(site)["docs"])
    assert "Scaled dot-product attention" in texts and "works." in texts and "Uses" in texts
    assert "operatorname" not in texts and "frac" not in texts and "W_k" not in texts


def test_index_enriched_in_memory_is_the_one_enriching_the_written_file_gives(tmp_path, monkeypatch):
    """The index is enriched as material turns it into JSON (one write); the same bytes as reading
    back, enriching and rewriting the file material wrote (the fallback: serve --dirty, other plugins)."""
    from paperkb.mkdocs_plugin.search import SearchAdditions

    notes = {
        "papers/sac.md": note("Soft Actor-Critic", key="sac", year=2018, fields=["RL"], tags=["rl", "entropy"],
                              problem="无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。",
                              method="Maximum entropy actor-critic trained off-policy & <fast>.",
                              body="Body text mentions exploration and the training schedule.\n"),
        "papers/ppo.md": note("PPO", key="ppo", year=2017, cites=["sac"], body="Clipped objectives; models train well.\n"),
        "about.md": "# About\n\nTrains, trained, training.\n",
    }
    in_memory = build_site(tmp_path / "memory", notes, plugins=MATERIAL)
    monkeypatch.setattr(SearchAdditions, "_enrich_when_generated", lambda self, config: None)
    from_file = build_site(tmp_path / "file", notes, plugins=MATERIAL)
    assert in_memory.ok and from_file.ok
    written = (in_memory.site_dir / "search" / "search_index.json").read_bytes()
    assert written == (from_file.site_dir / "search" / "search_index.json").read_bytes()
    assert "根本".encode() in written and b"\\u" not in written.replace(b"\\u200b", b"")  # UTF-8, not escapes
    assert FIELD in json.loads(written)["config"]["fields"]
