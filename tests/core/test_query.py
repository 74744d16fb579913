"""The graph-search engine (core/query.py) against hand-computed answers on a known graph."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from paperkb.core.library import Library, build_edges
from paperkb.core.loader import load_library
from paperkb.core.model import Citation, Note
from paperkb.core.query import Query, QueryError, evaluate, run_query

from ..query_fixture import ALL_KEYS, write_kb


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    root = tmp_path_factory.mktemp("kb")
    lib = load_library(write_kb(root), project_root=root)
    assert not lib.errors, lib.errors
    assert set(lib.notes) == ALL_KEYS and set(lib.drafts) == {"draft1"}
    return lib


def keys(library: Library, **query) -> list[str]:
    return [n.key for n in run_query(library, Query.from_mapping(query))]


def keyset(library: Library, **query) -> set[str]:
    found = keys(library, **query)
    assert len(found) == len(set(found)), found
    return set(found)


# -- traversals -----------------------------------------------------------------------------------
def test_descendants_transitive_with_distance(library):
    result = evaluate(library, Query.from_mapping({"descendants": "attn"}))
    assert result.distance == {"bert": 1, "vit": 1, "clip": 1, "llm": 1, "mae": 2, "sam": 2, "survey": 2,
                           "preA": 3, "preB": 4}
    assert {n.key for n in result.notes} == set(result.distance)


@pytest.mark.parametrize("depth, expected", [
    (1, {"bert", "vit", "clip", "llm"}),
    (2, {"bert", "vit", "clip", "llm", "mae", "sam", "survey"}),
    (3, {"bert", "vit", "clip", "llm", "mae", "sam", "survey", "preA"}),
])
def test_descendants_depth(library, depth, expected):
    assert keyset(library, descendants="attn", depth=depth) == expected


def test_descendants_follow_wikilink_edges(library):
    # survey cites llm only through [[llm]] in its body.
    assert keyset(library, descendants="llm") == {"survey"}


def test_descendants_of_several_keys_is_the_union_without_the_named_notes(library):
    assert keyset(library, descendants=["sam", "clip"], depth=1) == {"survey", "preA"}
    assert keyset(library, descendants=["bleu", "bert"], depth=1) == {"mae", "clip", "llm"}


def test_role_limits_the_edges_followed(library):
    assert keyset(library, descendants="attn", role="builds-on") == {"bert", "vit", "llm", "mae", "clip", "sam", "preA"}
    assert keyset(library, descendants="attn", role=["builds-on", "baseline"], depth=2) == {
        "bert", "vit", "llm", "mae", "clip"}
    assert keyset(library, ancestors="mae", role="dataset") == {"imnet"}


def test_ancestors(library):
    assert keyset(library, ancestors="sam") == {"mae", "clip", "vit", "bert", "base", "imnet", "attn", "bleu"}
    assert keyset(library, ancestors="sam", depth=1) == {"mae", "clip", "vit"}


def test_cycles_terminate_and_never_return_the_start(library):
    assert keyset(library, ancestors="preA") == {"preB", "sam", "mae", "clip", "vit", "bert", "base", "imnet",
                                                  "attn", "bleu"}
    assert keyset(library, descendants="preA") == {"preB"}


# -- all-of queries -------------------------------------------------------------------------------
def test_cites_all(library):
    assert keyset(library, cites_all=["vit", "attn"]) == {"clip"}
    assert keyset(library, cites_all=["vit", "base"]) == {"mae", "survey"}
    assert keyset(library, cites_all="imnet", role="dataset") == {"vit", "mae", "clip"}
    assert keyset(library, cites_all=["vit", "base"], role="baseline") == set()


def test_cited_by_all(library):
    assert keyset(library, cited_by_all=["mae", "clip"]) == {"vit", "bert", "imnet"}
    assert keyset(library, cited_by_all=["mae", "clip"], role="dataset") == {"imnet"}


def test_graph_keys_combine_by_intersection(library):
    assert keyset(library, descendants="attn", cites_all="imnet") == {"vit", "mae", "clip"}


# -- ranked queries ---------------------------------------------------------------------------------
def test_cocited_with_counts_and_default_order(library):
    result = evaluate(library, Query.from_mapping({"cocited_with": "vit"}))
    assert result.scores == {"bert": 2, "base": 2, "imnet": 2, "mae": 2, "clip": 2, "attn": 1, "sam": 1, "llm": 1}
    # score descending, then newest first, then title
    assert [n.key for n in result.notes] == ["mae", "clip", "bert", "base", "imnet", "llm", "sam", "attn"]


def test_cocited_with_role(library):
    result = evaluate(library, Query.from_mapping({"cocited_with": "vit", "role": "related"}))
    assert result.scores == {"clip": 2, "mae": 1, "sam": 1, "base": 1, "llm": 1}
    assert result.notes[0].key == "clip"


def test_coupled_with_counts_and_default_order(library):
    result = evaluate(library, Query.from_mapping({"coupled_with": "mae"}))
    assert result.scores == {"clip": 3, "survey": 2, "vit": 2, "sam": 1, "llm": 1}
    assert [n.key for n in result.notes] == ["clip", "survey", "vit", "llm", "sam"]
    assert [result.score(n) for n in result.notes] == [3, 2, 2, 1, 1]


def test_ranked_query_with_filter_and_limit(library):
    result = evaluate(library, Query.from_mapping({"coupled_with": "mae", "since": 2023, "limit": 1}))
    assert [n.key for n in result.notes] == ["survey"] and result.total == 3


# -- filters ----------------------------------------------------------------------------------------
def test_filters_alone_list_every_passing_note(library):
    assert keyset(library, since=2021) == {"vit", "mae", "clip", "sam", "survey", "llm", "preA", "preB"}
    assert keyset(library, until=2010) == {"imnet", "bleu"}
    assert keyset(library, since=2021, until=2022) == {"vit", "mae", "clip"}
    assert keyset(library, since="2024-01-01") == {"preA", "preB"}  # a date means its year


def test_field_type_venue_tag_level(library):
    assert keyset(library, field="vision") == {"base", "imnet", "vit", "mae", "clip", "sam", "survey"}
    assert keyset(library, field=["NLP", "Robotics"]) == {"attn", "bleu", "bert", "clip", "llm", "lonely"}
    assert keyset(library, type="survey") == {"survey"}
    assert keyset(library, type=["dataset", "Analysis"]) == {"imnet", "bleu", "lonely"}
    assert keyset(library, venue="cvpr") == {"base", "imnet", "mae"}
    assert keyset(library, tag=["masked", "foundation"]) == {"mae", "sam", "clip"}
    assert keyset(library, level="deep read") == {"base", "attn", "vit", "llm"}


def test_dataset_and_metric_by_name_or_by_cited_note(library):
    assert keyset(library, dataset="imagenet") == {"base"}
    assert keyset(library, dataset="imnet") == {"vit", "mae", "clip"}
    assert keyset(library, dataset=["ImageNet", "imnet"]) == {"base", "vit", "mae", "clip"}
    assert keyset(library, dataset="MMLU") == {"llm"}
    assert keyset(library, metric="bleu") == {"bert"}
    assert keyset(library, metric="TOP-1") == {"base"}


def test_text_searches_title_problem_method_results(library):
    assert keyset(library, text="segment") == {"sam"}
    assert keyset(library, text="PATCHES") == {"mae"}  # in the method
    assert keyset(library, text=["promptable", "patches"]) == {"sam", "mae"}
    assert keyset(library, text="nothing like this") == set()


def test_filters_combine_with_graph_keys(library):
    assert keys(library, descendants="attn", since=2022, field="Vision") == ["sam", "survey", "mae"]


def test_drafts_are_never_found(library):
    assert "draft1" not in keyset(library, descendants="attn")
    assert "draft1" not in keyset(library, since=2024)
    with pytest.raises(QueryError) as error:
        run_query(library, Query.from_mapping({"cites_all": "draft1"}))
    assert error.value.key == "cites_all" and "unknown note key 'draft1'" in error.value.message


# -- sort and limit ---------------------------------------------------------------------------------
def test_default_sort_is_newest_first_then_title_and_undated_last(library):
    assert keys(library, since=1900)[:3] == ["preA", "preB", "llm"]
    everything = keys(library, field=["Vision", "NLP", "Robotics"])
    assert everything[-1] == "lonely"  # no year: last


def test_sort_fields(library):
    assert keys(library, type=["application", "dataset", "analysis", "survey"], sort="title", limit=3) == [
        "attn", "bert", "bleu"]
    assert keys(library, field=["Vision", "NLP", "Robotics"], sort="year") == [
        "bleu", "imnet", "base", "attn", "bert", "clip", "vit", "mae", "llm", "sam", "survey", "lonely"]
    assert keys(library, until=2030, sort="-cited_by", limit=2) == ["attn", "vit"]
    assert keys(library, until=2030, sort=["-cited_by", "year"], limit=4) == ["attn", "vit", "imnet", "base"]
    assert keys(library, descendants="attn", sort=["distance", "title"]) == [
        "bert", "clip", "llm", "vit", "mae", "sam", "survey", "preA", "preB"]
    assert keys(library, coupled_with="mae", sort="score") == ["llm", "sam", "survey", "vit", "clip"]


def test_limit_keeps_the_total(library):
    result = evaluate(library, Query.from_mapping({"since": 2021, "limit": 2}))
    assert len(result.notes) == 2 and result.total == 8


# -- malformed queries ------------------------------------------------------------------------------
@pytest.mark.parametrize("data, key, words", [
    ({"cites_al": ["vit"]}, "cites_al", ["unknown query key 'cites_al'", "did you mean 'cites_all'", "allowed keys:",
                                         "cocited_with"]),
    ({"since": "last year"}, "since", ["'since' must be a year"]),
    ({"type": "paper"}, "type", ["'type' is 'paper'", "allowed values: application, dataset, analysis, survey"]),
    ({"level": "deeper"}, "level", ["allowed values: skim, browse, deep"]),
    ({"descendants": "vit", "role": "cites"}, "role", ["allowed values: background, related, builds-on"]),
    ({"since": 2020, "role": "baseline"}, "role", ["'role' selects the citation edges"]),
    ({"cites_all": "vit", "depth": 2}, "depth", ["'depth' limits 'descendants' or 'ancestors'"]),
    ({"descendants": "vit", "depth": 0}, "depth", ["at least 1"]),
    ({"since": 2020, "limit": -1}, "limit", ["at least 1"]),
    ({"since": 2020, "sort": "-score"}, "sort", ["needs 'cocited_with' or 'coupled_with'"]),
    ({"since": 2020, "sort": "color"}, "sort", ["allowed: year, title, key, venue, cited_by, score, distance"]),
    ({"cocited_with": "vit", "coupled_with": "mae"}, "coupled_with", ["not both"]),
    ({"cocited_with": ["vit", "mae"]}, "cocited_with", ["takes one note key"]),
    ({"since": 2024, "until": 2020}, "until", ["before 'since'"]),
    ({"since": None}, "since", ["'since' has no value"]),
    ({"tag": {"a": 1}}, "tag", ["got a mapping"]),
    ({"since": 2020, "columns": ["year", "colour"]}, "columns", ["unknown column 'colour'", "allowed columns: year"]),
])
def test_malformed_queries_name_the_key(data, key, words):
    with pytest.raises(QueryError) as error:
        Query.from_mapping(data, column_names=("year", "title"))
    assert error.value.key == key
    for word in words:
        assert word in error.value.message


def test_empty_and_non_mapping_queries():
    for data in (None, {}, ["vit"], "vit"):
        with pytest.raises(QueryError) as error:
            Query.from_mapping(data)
        assert error.value.key is None


def test_unknown_note_keys_are_reported_with_suggestions(library):
    with pytest.raises(QueryError) as error:
        run_query(library, Query.from_mapping({"descendants": "vitt"}))
    assert error.value.key == "descendants"
    assert error.value.message.startswith("unknown note key 'vitt'") and "'vit'" in error.value.message
    with pytest.raises(QueryError) as error:
        run_query(library, Query.from_mapping({"cites_all": "vit, mae"}))
    assert "write a list" in error.value.message


def test_yaml_queries_report_the_line_of_the_bad_key():
    with pytest.raises(QueryError) as error:
        Query.from_yaml("cites_all: [vit]\nsince: 2020\nsort: colour\n")
    assert (error.value.key, error.value.line) == ("sort", 2)
    with pytest.raises(QueryError) as error:
        Query.from_yaml("since: 2020\ncites_all: [vit\n")
    assert error.value.message.startswith("YAML syntax error") and error.value.line == 2
    with pytest.raises(QueryError) as error:
        Query.from_yaml("since: 2020\nsince: 2021\n")
    assert "given twice" in error.value.message and error.value.line == 1
    query = Query.from_yaml("# survey the field\nsince: 2020\ncites_all: [vit]\n")
    assert query.lines == {"since": 1, "cites_all": 2} and query.cites_all == ("vit",)


def test_describe_says_what_was_asked():
    query = Query.from_mapping({"cites_all": ["nerf", "3dgs"], "since": 2023, "field": ["Vision", "Graphics"],
                                "text": "splat"})
    assert query.describe() == ("Notes citing all of nerf, 3dgs; since 2023; field Vision or Graphics; "
                                "text containing “splat”")
    assert Query.from_mapping({"descendants": "nerf", "depth": 2}).describe() == (
        "Notes citing nerf, directly or within 2 hops")
    assert Query.from_mapping({"until": 2020}).describe() == "All notes; until 2020"


# -- scale ------------------------------------------------------------------------------------------
def synthetic_library(count: int) -> Library:
    """``count`` notes, each citing up to 8 earlier ones, with a few hubs everybody cites."""
    notes = {}
    for i in range(count):
        key = f"n{i}"
        targets = {f"n{j}" for j in (i - 1, i // 2, i // 3, i - 7, 0, 1, 2, i * 7 % max(i, 1)) if 0 <= j < i}
        notes[key] = Note(key=key, src_uri=f"papers/{key}.md", path=Path(f"/kb/{key}.md"), display_path=f"{key}.md",
                          title=f"Paper number {i}", year=1990 + i % 35, fields=[f"F{i % 12}"],
                          method=f"method {i} with masks" if i % 5 == 0 else None,
                          cites=[Citation(t, "baseline" if i % 3 else "related", 5) for t in sorted(targets)])
    library = Library(notes=notes)
    build_edges(library, lambda note, line, message: None)
    return library


def test_queries_stay_fast_on_ten_thousand_notes():
    library = synthetic_library(10_000)
    queries = [
        {"descendants": "n0"}, {"ancestors": "n9999"}, {"descendants": "n1", "role": "related", "depth": 3},
        {"cites_all": ["n0", "n1", "n2"]}, {"cited_by_all": ["n9998", "n9999"]},
        {"cocited_with": "n0"}, {"coupled_with": "n9999"}, {"text": "masks", "since": 2000, "sort": "-cited_by"},
    ]
    for data in queries:
        started = time.perf_counter()
        result = evaluate(library, Query.from_mapping(data))
        elapsed = time.perf_counter() - started
        assert result.total > 0, data
        # Each takes tens of milliseconds; a quadratic step would take minutes at this size.
        assert elapsed < 3.0, (data, elapsed)
