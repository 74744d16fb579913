"""Mistakes a newcomer makes, each one line that says what to do (issue 13)."""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path

import pytest

from paperkb.core.loader import load_library

from ..conftest import write_tree
from .test_cli import run_cli


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` made read-only for this process: by its mode, or (for root, whom modes do not
    stop) by the immutable attribute; skips the test where neither is possible."""
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("")
            probe.unlink()
            immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        except OSError:
            pass
        try:
            (folder / ".probe").write_text("")
            (folder / ".probe").unlink()
            pytest.skip("no way to make a folder read-only here")
        except OSError:
            pass
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


def test_new_and_import_into_a_read_only_folder_is_one_line(tmp_path):
    write_tree(tmp_path, {"notes/papers/a.md": "---\ntitle: A\n---\n",
                          "refs.bib": "@misc{b2020, title = {B}, year = {2020}}\n"})
    papers = tmp_path / "notes" / "papers"
    with read_only(papers):
        result = run_cli("new", "Attention Is All You Need", "--notes", "notes", cwd=tmp_path)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("paperkb new: cannot write ")
        assert "attention-is-all-you-need.md" in result.stderr and "read-only" in result.stderr
        result = run_cli("import", "bib", "refs.bib", "--notes", "notes", cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("paperkb import: cannot write ") and "b2020.md" in result.stderr


def test_a_utf16_note_is_named_as_utf16(tmp_path):
    text = "---\ntitle: 注意力\nyear: 2017\n---\nBody.\n"
    write_tree(tmp_path, {
        "notes/papers/bom.md": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
        "notes/papers/plain.md": text.encode("utf-16-be"),
        "notes/papers/latin.md": "---\ntitle: Café\n---\n".encode("latin-1"),
    })
    library = load_library(tmp_path / "notes")
    messages = sorted(f"{p.path}:{p.line}: {p.message}" for p in library.problems)
    assert messages == [
        "notes/papers/bom.md:1: file is UTF-16 LE, not UTF-8; save it as UTF-8",
        "notes/papers/latin.md:2: file is not valid UTF-8 (byte 0xe9 at offset 14); save it as UTF-8",
        "notes/papers/plain.md:1: file is UTF-16 BE, not UTF-8; save it as UTF-8",
    ]
    # A UTF-16 .bib is read (with a warning naming the encoding), not taken for Latin-1.
    (tmp_path / "notes" / "refs.bib").write_bytes("@misc{x2020, title = {Größe}}\n".encode("utf-16"))
    library = load_library(tmp_path / "notes")
    assert library.bibliography.get("x2020").title == "Größe"
    assert any("refs.bib:1: warning: file is UTF-16 LE, not UTF-8" in str(p) for p in library.problems)


@pytest.mark.parametrize("author, year, title, key", [
    ("Ashish Vaswani", "2017", "Attention Is All You Need", "vaswani2017attention"),
    ("Vaswani, Ashish", "2017", "Attention Is All You Need", "vaswani2017attention"),
    ("Ben Mildenhall", "2020", "NeRF: Representing Scenes as Neural Radiance Fields", "mildenhall2020nerf"),
    ("Jörg Müller", "2021", "On the Size of Things", "muller2021size"),
    ("Kaiming He", None, "Deep Residual Learning for Image Recognition", "hedeep"),
])
def test_new_makes_keys_like_the_examples(tmp_path, author, year, title, key):
    (tmp_path / "notes").mkdir()
    args = ["new", title, "--author", author, "--author", "Second Author"] + (["--year", year] if year else [])
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "notes" / "papers" / f"{key}.md")
    made = load_library(tmp_path / "notes").notes[key]
    assert made.authors == [" ".join(author.split()), "Second Author"]


def test_the_deep_template_asks_no_front_matter_section_again(tmp_path):
    """A filled deep note shows Problem, Method, Results once: the body's headings ask other things."""
    from ..conftest import build_site

    (tmp_path / "notes").mkdir()
    result = run_cli("new", "Attention Is All You Need", "--author", "Ashish Vaswani", "--year", "2017",
                     "--level", "deep", cwd=tmp_path)
    path = Path(result.stdout.strip())
    text = path.read_text(encoding="utf-8")
    for name, answer in (("problem", "Sequence models are slow"), ("method", "Attention only"),
                         ("results", "28.4 BLEU")):
        text = re.sub(rf"^{name}:.*$", f"{name}: {answer}", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    site = build_site(tmp_path, {}, strict=True)
    assert site.ok, site.warnings()
    page = site.html("papers/vaswani2017attention/")
    headings = [re.sub(r"<[^>]+>|¶|&para;", "", h).strip().lower()
                for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page, flags=re.S)]
    for section in ("problem", "method", "results"):
        assert sum(section in h for h in headings) == 1, headings
    assert "what problem" not in headings and "how good" not in headings
    assert "notes" not in headings  # the template's opening comment is no text needing a heading
    assert "modules, losses and training" in headings and "reproduction checklist" in headings


def test_init_makes_a_project_and_the_quick_start_works_inside_its_notes_folder(tmp_path):
    import yaml

    assert run_cli("init", "my-notes", cwd=tmp_path).returncode == 0
    project = tmp_path / "my-notes"
    assert (project / "notes" / "papers").is_dir() and (project / "notes" / "blog" / "index.md").is_file()
    ignored = (project / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in ignored and ".paperkb-cache/" in ignored
    workflow = yaml.safe_load((project / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = [s.get("uses", s.get("run", "")) for job in workflow["jobs"].values() for s in job["steps"]]
    assert any("paperkb build --strict" in s for s in steps)
    assert any(s.startswith("actions/upload-pages-artifact") for s in steps)
    assert any(s.startswith("actions/deploy-pages") for s in steps)
    assert yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["docs_dir"] == "notes"
    # The quick start, run inside the notes folder: everything lands in the project, nothing beside it.
    notes = project / "notes"
    result = run_cli("new", "Deep Residual Learning for Image Recognition", "--author", "Kaiming He",
                     "--year", "2016", "--field", "Vision", cwd=notes)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == notes / "papers" / "he2016deep.md"
    result = run_cli("build", "--strict", cwd=notes)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "papers" / "he2016deep" / "index.html").is_file()
    assert (project / "site" / "papers" / "sutskever2014sequence" / "index.html").is_file()  # the first note
    assert next((project / "site" / "blog").rglob("index.html"), None) is not None
    assert (project / ".paperkb-cache").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-notes"]  # nothing written beside the project
    result = run_cli("check", cwd=notes / "papers")
    assert result.returncode == 0, result.stdout + result.stderr
    # init again keeps every file
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and "site" not in p.parts}
    assert run_cli("init", "my-notes", cwd=tmp_path).returncode == 0
    assert all(p.read_bytes() == b for p, b in before.items())


def test_build_in_a_bare_notes_folder_says_what_to_do_instead_of_writing_beside_it(tmp_path):
    notes = tmp_path / "notes"
    write_tree(notes, {"papers/a.md": "---\ntitle: A\n---\n"})
    result = run_cli("build", cwd=notes)
    assert result.returncode == 2 and "paperkb init" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_build_of_a_plain_mkdocs_project_says_paperkb_is_not_turned_on(tmp_path):
    """A real notes site (zhaoyang97/Paper-Notes: 3,700 notes, its own mkdocs.yml with only
    'search') built with `paperkb build docs`: MkDocs' own site, with no word of why."""
    (tmp_path / "mkdocs.yml").write_text("site_name: Notes\nplugins:\n  - search:\n      lang: [en]\n", encoding="utf-8")
    write_tree(tmp_path / "docs", {"index.md": "# Notes\n", "cvpr/a.md": "# A\n\n**会议**: CVPR 2025\n"})
    result = run_cli("build", "docs", "-d", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "does not turn on paperkb" in result.stderr and "mkdocs.yml" in result.stderr
    assert (tmp_path / "out" / "cvpr" / "a" / "index.html").exists()
    (tmp_path / "mkdocs.yml").write_text("site_name: Notes\nplugins:\n  - search\n  - paperkb\n", encoding="utf-8")
    result = run_cli("build", "docs", "-d", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "does not turn on paperkb" not in result.stderr
