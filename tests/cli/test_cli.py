"""The `paperkb` command line: check, new, build."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from paperkb.cli import main
from paperkb.core.loader import load_library

from ..conftest import note, write_tree


def run_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperkb", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def notes_dir(tmp_path):
    write_tree(tmp_path / "notes", {
        "papers/a2020.md": note("A", year=2020, fields=["LLM"], cites=["b2019", "ghost"]),
        "papers/b2019.md": note("B", year=2019, fields=["LLM"], type="analysis", level="browse"),
    })
    return tmp_path / "notes"


def test_check_text_reports_warnings_and_exits_zero(notes_dir, tmp_path):
    result = run_cli("check", str(notes_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notes/papers/a2020.md:8: warning: unknown citation 'ghost' (no note or .bib entry has this key; a paper with no note yet can be cited as \"[[ghost]]\")" in result.stdout
    assert result.stdout.strip().endswith("2 notes, 0 drafts: 0 errors, 1 warnings")


def test_check_exits_one_on_errors_and_json_format(notes_dir, tmp_path, capsys):
    (notes_dir / "papers" / "bad.md").write_text("---\ntitle: Bad\nlevel: deepest\n---\n", encoding="utf-8")
    assert main(["check", str(notes_dir), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert {"path", "line", "severity", "message"} <= set(problems[0])
    bad = [p for p in problems if p["path"].endswith("bad.md")]
    assert bad == [{"path": bad[0]["path"], "line": 3, "severity": "error",
                    "message": "'level' is 'deepest'; allowed values: skim, browse, deep"}]


def test_check_lists_citation_cycles_as_warnings(tmp_path, capsys):
    write_tree(tmp_path / "notes", {
        "x.md": note("X", cites=["y"]), "y.md": note("Y", cites=["x"]), "z.md": note("Z", cites=["z"]),
    })
    assert main(["check", str(tmp_path / "notes")]) == 0
    out = capsys.readouterr().out
    assert "warning: citation cycle among x, y" in out
    assert "cycle among z" not in out  # self-citations are ignored


@pytest.mark.parametrize("level, headings", [
    ("skim", ["problem:   # what problem does it solve?", "method:   # what is new", "results:   # how good"]),
    ("browse", ["## Limits of earlier work", "## Pipeline", "## Experiments"]),
    ("deep", ["## Related work and its limits", "### Losses", "### Training details", "- Datasets:",
              "- Metrics:", "- Compared methods:", "## Reproduction checklist", "- [ ] Data preprocessing",
              "- [ ] Architecture", "- [ ] Loss", "- [ ] Training tricks", "- [ ] Post-processing"]),
])
def test_new_writes_a_valid_note_from_the_level_template(tmp_path, level, headings):
    (tmp_path / "notes").mkdir()
    result = run_cli("new", "Scaling: Laws & \"Quotes\"", "--level", level, "--type", "analysis",
                     "--field", "LLM", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "notes" / "papers" / "scaling-laws-quotes.md"
    assert result.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    for heading in headings:
        assert heading in text
    library = load_library(tmp_path / "notes")
    assert library.problems == []
    made = library.notes["scaling-laws-quotes"]
    assert (made.title, made.level, made.type, made.fields) == ('Scaling: Laws & "Quotes"', level, "analysis", ["LLM"])


def test_new_refuses_to_overwrite(tmp_path):
    target = tmp_path / "notes" / "papers" / "mine.md"
    write_tree(tmp_path / "notes", {"papers/mine.md": "my precious text"})
    result = run_cli("new", "Anything", "--key", "mine", cwd=tmp_path)
    assert result.returncode == 1 and "not overwriting" in result.stderr
    assert target.read_text(encoding="utf-8") == "my precious text"


def test_new_rejects_unsafe_key(tmp_path):
    result = run_cli("new", "X", "--key", "../evil", cwd=tmp_path)
    assert result.returncode == 2 and not (tmp_path / "evil.md").exists()


def test_build_bare_folder_with_default_config(notes_dir, tmp_path):
    result = run_cli("build", str(notes_dir), "-d", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "papers" / "a2020" / "index.html").read_text(encoding="utf-8")
    assert 'class="pkb-card"' in html and "assets/paperkb/paperkb.css" in html
    assert (tmp_path / "out" / "fields" / "llm" / "index.html").exists()
    assert not (notes_dir / "mkdocs.yml").exists()  # nothing is written into the user's folder


def test_build_strict_exit_code(notes_dir, tmp_path):
    result = run_cli("build", str(notes_dir), "-d", str(tmp_path / "out"), "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown citation 'ghost'" in result.stderr


def test_build_uses_mkdocs_yml_when_present(notes_dir, tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Mine\ndocs_dir: notes\ntheme: {name: material}\nplugins: [paperkb]\n", encoding="utf-8")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<title>A - Mine</title>" in (tmp_path / "site" / "papers" / "a2020" / "index.html").read_text()


def test_new_refuses_an_empty_title_and_a_key_another_note_has(tmp_path):
    write_tree(tmp_path / "notes", {"other/foo.md": note("Foo", year=2020)})
    result = run_cli("new", "  ", cwd=tmp_path)
    assert result.returncode == 2 and "title is empty" in result.stderr
    result = run_cli("new", "Foo", cwd=tmp_path)
    assert result.returncode == 1 and "key 'foo' is taken by notes/other/foo.md" in result.stderr
    assert not (tmp_path / "notes" / "papers").exists()


def test_new_chinese_titles_get_distinct_keys(tmp_path):
    (tmp_path / "notes").mkdir()
    first = run_cli("new", "注意力就是一切", cwd=tmp_path)
    second = run_cli("new", "扩散模型综述", cwd=tmp_path)
    assert first.returncode == second.returncode == 0, (first.stderr, second.stderr)
    assert first.stdout != second.stdout
    library = load_library(tmp_path / "notes")
    assert library.problems == [] and {n.title for n in library} == {"注意力就是一切", "扩散模型综述"}


@pytest.mark.parametrize("name, args", [
    ("check", ["no-such-folder"]), ("query", ["--since", "2020"]), ("export bib", []), ("export readme", []),
    ("export table", ["--since", "2020"]), ("export related-work", ["--since", "2020"]), ("enrich", []),
    ("discover", ["--dismiss", "CorpusId:1"]),
])
def test_a_command_reading_a_missing_notes_folder_fails(tmp_path, name, args):
    """Every command that reads the notes says so in one line naming itself and the folder, exit 2
    (`export bib` and `export readme` wrote an empty file for a mistyped --notes)."""
    folder = [] if name == "check" else ["--notes", "no-such-folder"]
    result = run_cli(*name.split(), *folder, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"paperkb {name}: no notes folder at {tmp_path / 'no-such-folder'}"]
    assert not result.stdout


def test_check_names_files_from_the_working_directory(tmp_path):
    write_tree(tmp_path / "notes", {"papers/bad.md": "---\ntitle: Bad\nyear: soon\n---\n"})
    inside = run_cli("check", ".", cwd=tmp_path / "notes")
    assert "papers/bad.md:3: error:" in inside.stdout and "notes/papers" not in inside.stdout
    above = run_cli("check", "notes", cwd=tmp_path)
    assert "notes/papers/bad.md:3: error:" in above.stdout
