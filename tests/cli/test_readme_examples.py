"""Every command example of the README runs as written: the quick start in a new folder, the
BibTeX and graph-search examples on a copy of the example site (issue 13)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paperkb.core.loader import load_library
from paperkb.core.query import Query, run_query

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
THESIS = Path(__file__).resolve().parent / "fixtures" / "thesis.bib"


def bash_blocks() -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", README, flags=re.S | re.M)


def block_with(command: str) -> str:
    return next(b for b in bash_blocks() if command in b)


_PWD_MARK = "@@pwd="


def run_block(lines: list[str], cwd: Path, home: Path) -> list[subprocess.CompletedProcess]:
    """Each line run by bash as written (a `cd` carries over to the next line, as in a terminal),
    `paperkb` being this checkout's."""
    env = dict(os.environ, HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    results = []
    for line in lines:
        result = subprocess.run(["bash", "-ec", f'{line}\necho "{_PWD_MARK}$PWD"'], cwd=cwd, env=env,
                                capture_output=True, text=True)
        if _PWD_MARK in result.stdout:
            result.stdout, _, where = result.stdout.rpartition(_PWD_MARK)
            cwd = Path(where.strip())
        results.append(result)
    return results


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """The example site (mkdocs.yml and what it names) in a folder of its own, and a home with a Zotero export."""
    copy = tmp_path / "example"
    copy.mkdir()
    for name in ("mkdocs.yml", "notes", "hooks", "site_src"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, copy / name)
    (tmp_path / "home" / "Zotero").mkdir(parents=True)
    shutil.copy2(THESIS, tmp_path / "home" / "Zotero" / "export.bib")
    return copy


def test_the_quick_start_runs_as_written(tmp_path):
    lines = [line for line in block_with("paperkb init").splitlines()
             if line.startswith("paperkb") and not line.startswith("paperkb serve")]  # serve runs until stopped
    results = run_block(lines, tmp_path, tmp_path)
    for line, result in zip(lines, results):
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    project = tmp_path / "my-notes"
    assert results[1].stdout.strip() == str(project / "notes" / "papers" / "vaswani2017attention.md")
    assert (project / "site" / "papers" / "vaswani2017attention" / "index.html").is_file()


def test_the_bibtex_examples_run_as_written(example_copy):
    lines = [line for line in block_with("paperkb import bib").splitlines() if line.startswith("paperkb")]
    results = run_block(lines, example_copy, example_copy.parent / "home")
    for line, result in zip(lines, results):
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    assert "would create 8 notes" in results[0].stdout and "created 8 notes" in results[1].stdout
    assert "would keep 10 source entries" in results[0].stdout and " keeps 10 source entries" in results[1].stdout
    assert (example_copy / "notes" / "papers" / "lowe2004sift.md").is_file()
    assert "@article{lowe2004sift" in (example_copy / "paper" / "refs.bib").read_text(encoding="utf-8")


def test_the_graph_search_examples_run_as_written_and_find_notes(example_copy):
    lines = [line for line in block_with("paperkb query").splitlines() if line.startswith("paperkb query")]
    assert len(lines) >= 4
    for line, result in zip(lines, run_block(lines, example_copy, example_copy.parent / "home")):
        assert result.returncode == 0, (line, result.stderr)
        output = result.stdout.strip()
        assert output and "no notes match" not in output, line
        if "--format json" in line:
            assert json.loads(output)
    # the paperkb-query block shown for pages
    blocks = re.findall(r"^```paperkb-query\n(.*?)^```", README, flags=re.S | re.M)
    library = load_library(example_copy / "notes")
    assert blocks
    for block in blocks:
        assert run_query(library, Query.from_yaml(block)), block


def test_the_writing_examples_run_as_written(example_copy):
    lines = [line for line in block_with("paperkb export related-work").splitlines() if line.startswith("paperkb")]
    results = run_block(lines, example_copy, example_copy.parent / "home")
    for line, result in zip(lines, results):
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    assert results[0].stdout.strip() == str(example_copy / "notes" / "projects" / "guidance-distillation-for-video.md")
    for name in ("related.tex", "related.bib", "related.md", "table.tex", "table.bib"):
        assert (example_copy / "paper" / name).stat().st_size > 200, name
    assert "\\paragraph{Builds on.}" in results[-1].stdout


def test_did_you_mean_matches_key_fragments_and_titles(example_copy):
    for typed, meant in (("nerf", "mildenhall2020nerf"), ("resnet", "he2016resnet"),
                         ("residual", "he2016resnet"), ("vaswani2017atention", "vaswani2017attention")):
        result = subprocess.run([sys.executable, "-m", "paperkb", "query", "--descendants", typed], cwd=example_copy,
                                capture_output=True, text=True)
        assert result.returncode == 2
        assert f"unknown note key '{typed}' (did you mean '{meant}'" in result.stderr


def test_every_other_command_example_runs_on_the_example_site(example_copy):
    """Blocks added later are covered too: every other `paperkb` line runs on the example site."""
    # The Semantic Scholar block runs against a stand-in of the API (test_scholar_readme.py): this one is offline.
    covered = {block_with(c) for c in ("paperkb init", "paperkb import bib", "paperkb query", "paperkb enrich")}
    lines = [line for block in bash_blocks() if block not in covered for line in block.splitlines()
             if line.startswith("paperkb ") and not line.startswith("paperkb serve")]
    for line, result in zip(lines, run_block(lines, example_copy, example_copy.parent / "home")):
        assert result.returncode == 0, (line, result.stdout, result.stderr)


def test_on_the_example_site_no_earlier_paper_descends_from_the_transformer(example_copy):
    """Notes mention later papers ("later used by ..."): those links are no citations."""
    result = subprocess.run([sys.executable, "-m", "paperkb", "query", "--descendants", "vaswani2017attention",
                             "--format", "json"], cwd=example_copy, capture_output=True, text=True)
    found = json.loads(result.stdout)
    assert found and all(note["year"] >= 2017 for note in found), [n["key"] for n in found if n["year"] < 2017]
