"""`paperkb import readme` on reading lists laid out as tables and awesome-style lists: the command,
the files it writes, and a site built over the notes."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from paperkb.cli import main

from ..conftest import build_site

FIXTURE = Path(__file__).parents[1] / "importers" / "fixtures" / "import_readme" / "awesome-video.md"

ONE_TABLE = """\
# Video papers

## Action Recognition

| Year | Venue | Title | Code |
| ---- | ----- | ----- | ---- |
| 2017 | CVPR | [Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset](https://arxiv.org/abs/1705.07750) | [Code](https://github.com/deepmind/kinetics-i3d) |
"""


def test_a_table_of_papers_is_imported(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(ONE_TABLE, encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(readme), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    assert "README.md: 1 entries in 1 fields, 0 insights" in out
    assert "  shapes: 1 table rows" in out and "  Action Recognition: 1" in out
    assert "created: notes/papers/quo-vadis-action-recognition-a-new.md" in out
    _, front, _ = (notes / "papers" / "quo-vadis-action-recognition-a-new.md").read_text(encoding="utf-8").split("---\n")
    assert yaml.safe_load(front) == {
        "title": "Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset",
        "key": "quo-vadis-action-recognition-a-new", "year": 2017, "venue": "CVPR", "field": "Action Recognition",
        "links": {"paper": "https://arxiv.org/abs/1705.07750", "code": "https://github.com/deepmind/kinetics-i3d"},
        "arxiv": "1705.07750",
    }
    out_file = tmp_path / "OUT.md"
    assert main(["export", "readme", "--notes", str(notes), "-o", str(out_file)]) == 0
    assert out_file.read_text(encoding="utf-8") == ONE_TABLE


def test_a_readme_without_papers_fails_loudly(tmp_path, capsys):
    readme = tmp_path / "LINKS.md"
    readme.write_text("# Links\n\nSome words.\n\n## Topics\n\n- Datasets\n- [LLM](#llm)\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(readme), "--notes", str(notes)]) == 1
    captured = capsys.readouterr()
    assert "LINKS.md:1: warning: no paper entries found in this README: looked for '### 2022 - [Title](url)' " \
           "headings, Markdown or HTML (<table>) tables with a Title or Paper column, and list items" in captured.out
    assert "LINKS.md: no paper entries found, nothing imported" in captured.err
    assert list(notes.rglob("*")) == []


def test_notes_of_tables_and_lists_build_into_a_site(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(FIXTURE), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    assert "awesome-video.md: 18 entries in" in out
    assert "  shapes: 1 '###' headings, 6 table rows, 11 list items" in out
    assert "  2017: 1 (a year: the notes' year, not a field)" not in out  # a year under a field: the field counts
    assert "  时间序列 Time Series: 2" in out

    site = build_site(tmp_path, {}, strict=True)
    assert site.ok, site.messages
    slowfast = site.html("papers/slowfast-networks-for-video-recognition/")
    assert "https://github.com/facebookresearch/SlowFast" in slowfast and "ICCV" in slowfast
    # a list item's nested bullets are a list on its page, not a code block
    reflexion = site.html("papers/reflexion-language-agents-with-verbal-reinforcement/")
    assert re.search(r"<li>\s*把失败经验写成文字记忆", reflexion)
    assert "<pre" not in reflexion.split("把失败经验写成文字记忆")[0][-200:]
    assert "本质是 in-context 的策略改进" in reflexion  # the insight
    # a table cell's notes, with its <br> as a line break
    vivit = site.html("papers/vivit-a-video-vision-transformer/")
    assert "四种时空分解方式" in vivit and "tubelet embedding 比逐帧 patch 好" in vivit
    # what the rows and items say reaches the indexes: the field of a `###` subsection, a year section
    everything = site.all_text()
    assert "Video Transformers 视频 Transformer" in everything
    assert "A Dual-Stage Attention-Based Recurrent Neural Network" in everything

    out_file = tmp_path / "OUT.md"
    assert main(["export", "readme", "--notes", str(notes), "-o", str(out_file)]) == 0
    assert out_file.read_text(encoding="utf-8").replace("Total Count: 18", "Total Count: 30") == \
        FIXTURE.read_text(encoding="utf-8")
