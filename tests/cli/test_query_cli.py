"""`paperkb query`: flags, output formats, errors, project discovery and the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paperkb.cli import main

from ..query_fixture import write_kb


@pytest.fixture
def kb(tmp_path) -> Path:
    return write_kb(tmp_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_format_prints_one_key_a_line_in_the_asked_order(kb, capsys):
    code, out, err = run(capsys, "--notes", str(kb), "--cites-all", "vit,base", "--format", "keys")
    assert code == 0 and err == ""
    assert out.splitlines() == ["survey", "mae"]
    code, out, _ = run(capsys, "--notes", str(kb), "--cocited-with", "vit", "--format", "keys")
    assert out.splitlines() == ["mae", "clip", "bert", "base", "imnet", "llm", "sam", "attn"]
    code, out, _ = run(capsys, "--notes", str(kb), "--field", "Vision,NLP", "--since", "2021", "--sort", "title",
                       "--format", "keys")
    assert out.splitlines() == ["clip", "llm", "mae", "sam", "survey", "vit"]


def test_flags_follow_the_query_keys(kb, capsys):
    cases = [
        (["--descendants", "attn", "--depth", "1"], {"bert", "vit", "clip", "llm"}),
        (["--ancestors", "sam", "--depth", "1"], {"mae", "clip", "vit"}),
        (["--cited-by-all", "mae,clip"], {"vit", "bert", "imnet"}),
        (["--cited-by-all", "mae", "--cited-by-all", "clip", "--role", "dataset"], {"imnet"}),
        (["--coupled-with", "mae", "--until", "2022"], {"clip", "vit"}),
        (["--descendants", "attn", "--role", "builds-on", "--type", "application", "--level", "browse"],
         {"bert", "mae", "clip"}),
        (["--venue", "CVPR", "--tag", "masked"], {"mae"}),
        (["--dataset", "imnet", "--metric", "top-1,bleu"], set()),
        (["--dataset", "ImageNet", "--metric", "top-1"], {"base"}),
        (["--text", "segment", "--text", "patches"], {"sam", "mae"}),
        (["--since", "2021", "--limit", "3"], {"preA", "preB", "llm"}),
    ]
    for argv, expected in cases:
        code, out, err = run(capsys, "--notes", str(kb), *argv, "--format", "keys")
        assert code == 0, (argv, err)
        assert set(out.split()) == expected, argv


def test_table_format_is_aligned_with_a_summary(kb, capsys):
    code, out, _ = run(capsys, "--notes", str(kb), "--cites-all", "imnet", "--role", "dataset")
    lines = out.splitlines()
    assert lines[0].split() == ["Year", "Key", "Title", "Venue"]
    assert set(lines[1]) <= {"-", " "}
    rows = lines[2:5]
    assert [row.split()[1] for row in rows] == ["mae", "clip", "vit"]
    title_column = lines[0].index("Title")
    assert all(row[title_column - 2:title_column] == "  " for row in rows)  # columns line up
    assert rows[1][title_column:].startswith("CLIP Contrastive Pretraining")
    assert lines[-1] == "(Notes citing imnet; following dataset citations only: 3 notes match)"


def test_table_columns_and_score(kb, capsys):
    code, out, _ = run(capsys, "--notes", str(kb), "--coupled-with", "mae", "--limit", "2")
    lines = out.splitlines()
    assert lines[0].split() == ["Year", "Key", "Title", "Venue", "Shared", "refs"]
    assert lines[2].split()[-1] == "3" and lines[2].split()[1] == "clip"
    assert lines[-1].endswith("5 notes match, 2 shown)")
    code, out, _ = run(capsys, "--notes", str(kb), "--descendants", "attn", "--depth", "1",
                       "--columns", "key,distance,fields,cited_by", "--sort", "key")
    assert out.splitlines()[0].split() == ["Key", "Distance", "Fields", "Cited", "by"]
    assert out.splitlines()[2].split() == ["bert", "1", "NLP", "3"]


def test_empty_result(kb, capsys):
    code, out, _ = run(capsys, "--notes", str(kb), "--since", "2030")
    assert code == 0 and out.splitlines()[0] == "no notes match"
    code, out, _ = run(capsys, "--notes", str(kb), "--since", "2030", "--format", "json")
    assert json.loads(out) == []


def test_json_format(kb, capsys):
    code, out, _ = run(capsys, "--notes", str(kb), "--cocited-with", "vit", "--limit", "2", "--format", "json")
    records = json.loads(out)
    assert [(r["key"], r["score"]) for r in records] == [("mae", 2), ("clip", 2)]
    mae = records[0]
    assert mae["title"] == "Masked Autoencoders" and mae["year"] == 2022 and mae["venue"] == "CVPR"
    assert mae["fields"] == ["Vision"] and mae["type"] == "application" and mae["level"] == "browse"
    assert mae["cites"] == ["base", "bert", "imnet", "vit"] and mae["cited_by"] == 2
    assert mae["path"].endswith("papers/mae.md")
    assert not any("http" in json.dumps(r) for r in records)
    code, out, _ = run(capsys, "--notes", str(kb), "--descendants", "attn", "--format", "json", "--sort", "-distance",
                       "--limit", "1")
    assert [(r["key"], r["distance"]) for r in json.loads(out)] == [("preB", 4)]
    assert "score" not in json.loads(out)[0]


@pytest.mark.parametrize("argv, message", [
    (["--cites-all", "nope"], "paperkb query: --cites-all: unknown note key 'nope'"),
    (["--since", "soon"], "paperkb query: --since: 'since' must be a year"),
    (["--type", "paper"], "allowed values: application, dataset, analysis, survey"),
    (["--since", "2020", "--columns", "year,colour"], "--columns: unknown column 'colour'; allowed columns:"),
    (["--since", "2020", "--sort", "-score"], "--sort: sorting by 'score' needs"),
    ([], "give at least one of --descendants, --ancestors, --cites-all"),
])
def test_bad_queries_exit_2_with_a_message(kb, capsys, argv, message):
    code, out, err = run(capsys, "--notes", str(kb), *argv)
    assert code == 2 and out == ""
    assert message in err


def test_unknown_flag_is_an_argparse_error(kb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--notes", str(kb), "--cites-any", "vit"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --cites-any" in capsys.readouterr().err


def test_finds_the_notes_folder_of_the_project(tmp_path, capsys, monkeypatch):
    write_kb(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "--descendants", "llm", "--format", "keys")
    assert code == 0 and out.split() == ["survey"]


def test_notes_with_errors_are_mentioned_on_stderr(kb, capsys):
    (kb / "papers" / "broken.md").write_text("---\ntitle: Broken\nyear: soon\n---\n", encoding="utf-8")
    code, out, err = run(capsys, "--notes", str(kb), "--since", "2024", "--format", "keys")
    assert code == 0 and out.split() == ["preA", "preB"]
    assert "run `paperkb check`" in err


def test_installed_console_script(kb):
    script = shutil.which("paperkb", path=str(Path(sys.executable).parent)) or shutil.which("paperkb")
    assert script, "the paperkb console script is not installed"
    done = subprocess.run([script, "query", "--notes", str(kb), "--cites-all", "vit,base", "--format", "keys"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["survey", "mae"]
    done = subprocess.run([script, "query", "--notes", str(kb), "--ancestors", "nothing"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "unknown note key 'nothing'" in done.stderr


def test_commands_read_the_notes_the_site_reads(tmp_path, capsys, monkeypatch):
    """query, check and export bib honour the plugin's `exclude` and `bib_files` in mkdocs.yml."""
    from ..conftest import note, write_tree

    write_tree(tmp_path, {
        "mkdocs.yml": "site_name: t\ndocs_dir: notes\nplugins:\n  - search\n"
                      "  - paperkb:\n      exclude: [blog/, archive/]\n      bib_files: [refs/extra.bib]\n",
        "refs/extra.bib": "@article{bibonly, title = {Titled by the Bib}, author = {Ada Lovelace}, year = {2020},\n"
                          "  journal = {JMLR}}\n",
        "notes/papers/base.md": note("Base", year=2017),
        "notes/papers/bibonly.md": note("", cites=["base"]).replace("title: ''\n", ""),
        "notes/archive/old.md": note("Old draft of an idea", cites=["base"], type="nonsense"),
    })
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--descendants", "base", "--format", "keys")
    assert (code, out.split(), err) == (0, ["bibonly"], "")
    assert main(["check"]) == 0
    out, _ = capsys.readouterr()
    assert "archive/old.md" not in out and "2 notes, 0 drafts: 0 errors" in out
    assert main(["export", "bib"]) == 0
    out, _ = capsys.readouterr()
    assert "Titled by the Bib" in out and "Old draft of an idea" not in out
