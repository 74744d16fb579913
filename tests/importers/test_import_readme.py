"""`paperkb import readme` / `paperkb export readme`: the reading-list README in and out again."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from paperkb.cli import main
from paperkb.core.loader import load_library
from paperkb.core.problems import ProblemLog
from paperkb.core.paper_links import link_info
from paperkb.importers.readme import parse_readme
from paperkb.importers.readme_export import export_readme
from paperkb.importers.readme_import import import_readme
from paperkb.importers.readme_state import load_state

from ..conftest import build_site, note

FIXTURE = Path(__file__).parent / "fixtures" / "import_readme" / "README.md"


def front_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body.lstrip("\n")


def normalise(text: str) -> list[str]:
    """Lines without trailing whitespace, trailing blank lines dropped, the count number blanked."""
    lines = [re.sub(r"(Total Count[:：])\s*\d+", r"\1 N", line).rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@pytest.fixture
def imported(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    report = import_readme(FIXTURE, notes_dir=notes, project_root=tmp_path)
    return tmp_path, notes, report


# -- parsing the format ------------------------------------------------------------------------
def test_parse_finds_every_entry_with_its_odd_heading():
    log = ProblemLog("README.md")
    doc = parse_readme(FIXTURE.read_text(encoding="utf-8"), log)
    assert [s.name for s in doc.sections] == ["LLM", "Video", "Reinforcement Learning", "Others"]
    assert [len(s.entries) for s in doc.sections] == [4, 3, 3, 3]
    entries = {e.heading.title: e for e in doc.entries}
    # indented by three and by two spaces
    assert entries["Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"].heading.template == \
        "   ### {year} - [{title}]({url})"
    assert entries["ViViT: A Video Vision Transformer"].line == 51
    # no year
    constitutional = entries["Constitutional AI: Harmlessness from AI Feedback"]
    assert constitutional.heading.year is None and constitutional.heading.template == "### [{title}]({url})"
    # the full-width colon count line, with its line number, and the warning about it
    assert doc.count_line is not None and (doc.count_line.line, doc.count_line.count) == (6, 52)
    assert [str(p) for p in log.problems] == [
        "README.md:6: warning: the count line says 52 but 13 entries were found "
        "(LLM: 4, Video: 3, Reinforcement Learning: 3, Others: 3)"
    ]


def test_insight_bullets_take_their_continuations_and_nested_bullets():
    doc = parse_readme(FIXTURE.read_text(encoding="utf-8"), ProblemLog("README.md"))
    entries = {e.heading.title: e for e in doc.entries}
    [chinchilla] = entries["Training Compute-Optimal Large Language Models"].insight_blocks()
    assert chinchilla.text == "和 Kaplan 2020 的结论冲突，主要是学习率 schedule\n没有随训练步数调整造成的"
    assert chinchilla.line == 28 and len(chinchilla.lines) == 2
    [sac] = entries["Soft Actor-Critic"].insight_blocks()
    assert sac.lines == ["  * [想法] 最大熵的好处是探索和鲁棒性", "    * 多模态最优解时不会塌缩到一个"]
    assert entries["Proximal Policy Optimization Algorithms"].insight_blocks() == []  # [来自知乎] is no insight


@pytest.mark.parametrize("url, arxiv, doi, venue, kind", [
    ("https://arxiv.org/abs/2302.13971", "2302.13971", None, None, "arxiv"),
    ("https://arxiv.org/pdf/2203.15556v1.pdf", "2203.15556", None, None, "arxiv"),
    ("http://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001", None, None, "arxiv"),
    ("https://openreview.net/forum?id=_VjQlMeSB_J", None, None, None, "openreview"),
    ("https://openaccess.thecvf.com/content/CVPR2022/html/He_CVPR_2022_paper.html", None, None, "CVPR", "cvf"),
    ("https://openaccess.thecvf.com/content_ICCV_2017/papers/x.pdf", None, None, "ICCV", "cvf"),
    ("https://dl.acm.org/doi/10.1145/3442188.3445922", None, "10.1145/3442188.3445922", None, "acm"),
    ("https://www.nature.com/articles/nature16961", None, "10.1038/nature16961", None, "doi"),
    ("https://github.com/facebookresearch/TimeSformer", None, None, None, "github"),
    ("https://www.reddit.com/r/MachineLearning/comments/abc123/d_why_adam/", None, None, None, "forum"),
    ("https://zhuanlan.zhihu.com/p/123456", None, None, None, "forum"),
    ("https://www.matthewtancik.com/nerf", None, None, None, "web"),
    ("https://proceedings.neurips.cc/paper/2020/hash/abc-Abstract.html", None, None, "NeurIPS", "neurips"),
    ("https://aclanthology.org/2023.acl-long.5/", None, None, "ACL", "acl"),
])
def test_link_hosts(url, arxiv, doi, venue, kind):
    info = link_info(url)
    assert (info.arxiv, info.doi, info.venue, info.kind) == (arxiv, doi, venue, kind)


# -- import --------------------------------------------------------------------------------------
def test_import_writes_one_note_per_entry(imported):
    _, notes, report = imported
    papers = notes / "papers"
    assert len(list(papers.glob("*.md"))) == 13 == len(report.notes)
    assert report.entries_by_field == {"LLM": 4, "Video": 3, "Reinforcement Learning": 3, "Others": 3}
    assert report.insights == 6

    front, body = front_and_body(papers / "training-compute-optimal-large-language-models.md")
    assert front == {
        "title": "Training Compute-Optimal Large Language Models",
        "key": "training-compute-optimal-large-language-models",
        "year": 2022,
        "field": "LLM",
        "links": {"paper": "https://arxiv.org/pdf/2203.15556v1.pdf"},
        "arxiv": "2203.15556",
        "insights": ["和 Kaplan 2020 的结论冲突，主要是学习率 schedule\n没有随训练步数调整造成的"],
    }
    # every other bullet verbatim and in order, continuation line included; the insight is not repeated
    assert body == (
        "  * 参数量和训练 token 应该等比例增长: 每个参数约 20 个 token\n"
        "  * 三种方法估计 scaling law，结论一致；\n"
        "    Chinchilla 70B 在相同算力下超过 Gopher 280B\n"
        "  * 附录里有 loss 拟合的细节\n"
    )
    front, body = front_and_body(papers / "proximal-policy-optimization-algorithms.md")
    assert "  * [来自知乎] PPO 的实现细节比算法本身更重要（37 个 implementation details）" in body
    assert "insights" not in front

    front, _ = front_and_body(papers / "constitutional-ai-harmlessness-from-ai-feedback.md")
    assert "year" not in front and front["arxiv"] == "2212.08073"
    front, _ = front_and_body(papers / "masked-autoencoders-are-scalable-vision-learners.md")
    assert front["venue"] == "CVPR" and "arxiv" not in front
    front, _ = front_and_body(papers / "on-the-dangers-of-stochastic-parrots.md")
    assert front["doi"] == "10.1145/3442188.3445922"
    front, _ = front_and_body(papers / "is-space-time-attention-all-you.md")
    assert front["links"] == {"paper": "https://github.com/facebookresearch/TimeSformer"}


def test_imported_notes_load_cleanly_and_count_each_insight_once(imported):
    _, notes, _ = imported
    library = load_library(notes)
    assert library.problems == []
    assert len(library) == 13
    assert sum(len(n.insights) for n in library) == 6
    sac = library.get("soft-actor-critic")
    assert [i.text for i in sac.insights] == ["最大熵的好处是探索和鲁棒性\n* 多模态最优解时不会塌缩到一个"]
    assert sac.fields == ["Reinforcement Learning"]


def test_reimport_creates_nothing_and_reports_skips(imported, capsys):
    tmp_path, notes, _ = imported
    before = {p: p.read_bytes() for p in notes.rglob("*") if p.is_file()}
    assert main(["import", "readme", str(FIXTURE), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    assert "notes: created 0, skipped 13" in out
    assert out.count("(exists, unchanged)") == 13
    assert "readme-layout.yml: unchanged" in out and "readme-intro.md: unchanged" in out
    assert {p: p.read_bytes() for p in notes.rglob("*") if p.is_file()} == before


def test_dry_run_writes_nothing(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(FIXTURE), "--notes", str(notes), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "notes: would create 13, skipped 0" in out
    assert "would create: " in out and "dry run: nothing was written" in out
    assert "README.md:6: warning: the count line says 52 but 13 entries were found" in out
    assert list(notes.rglob("*")) == []


def test_never_overwrites_a_note(tmp_path, capsys):
    notes = tmp_path / "notes"
    mine = notes / "papers" / "soft-actor-critic.md"
    mine.parent.mkdir(parents=True)
    mine.write_text(note("Soft Actor-Critic", "My own long notes.\n", year=2018), encoding="utf-8")
    before = mine.read_bytes()
    assert main(["import", "readme", str(FIXTURE), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    assert mine.read_bytes() == before
    assert "notes: created 12, skipped 1" in out
    assert "skipped: " in out and "soft-actor-critic.md (exists with other text, kept)" in out


def test_keys_are_unique_ascii_slugs(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(textwrap.dedent("""\
        # List
        Total Count: 4
        ## A
        ### 2020 - [Deep Learning](https://example.org/1)
        ### 2021 - [Deep  Learning!](https://example.org/2)
        ### 2022 - [深度学习综述](https://example.org/3)
        ## B
        ### 2019 - [Taken Key](https://example.org/4)
        """), encoding="utf-8")
    notes = tmp_path / "notes"
    other = notes / "elsewhere" / "mine.md"
    other.parent.mkdir(parents=True)
    other.write_text(note("Mine", key="taken-key"), encoding="utf-8")
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    keys = [p.key for p in report.notes]
    assert keys[:2] == ["deep-learning", "deep-learning-2"]
    assert re.fullmatch(r"paper-[0-9a-f]{8}", keys[2])
    assert keys[3] == "taken-key-2"
    messages = [str(p) for p in report.problems]
    assert "README.md:5: warning: the entry on line 4 has the same key 'deep-learning'; imported as 'deep-learning-2'" \
        in messages
    assert "README.md:8: warning: key 'taken-key' is taken by notes/elsewhere/mine.md; imported as 'taken-key-2'" \
        in messages
    assert not any("count line" in m for m in messages)  # 4 entries, count 4
    assert load_library(notes).problems == []


def test_count_line_variants(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# R\n\nSome text.\n**Total Count**：5\n\n## X\n### 2020 - [One](https://a.org)\n",
                      encoding="utf-8")
    report = import_readme(readme, notes_dir=tmp_path / "notes", project_root=tmp_path, dry_run=True)
    assert [str(p) for p in report.problems] == [
        "README.md:4: warning: the count line says 5 but 1 entries were found (X: 1)"
    ]


# -- export ------------------------------------------------------------------------------------
def test_round_trip_gives_the_readme_back(imported):
    _, notes, _ = imported
    text = export_readme(load_library(notes), load_state(notes))
    assert normalise(text) == normalise(FIXTURE.read_text(encoding="utf-8"))
    assert "Total Count：13" in text  # the real count, in the README's own spelling


def test_round_trip_through_the_cli(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(FIXTURE), "--notes", str(notes)]) == 0
    out_file = tmp_path / "OUT.md"
    assert main(["export", "readme", "--notes", str(notes), "-o", str(out_file)]) == 0
    assert normalise(out_file.read_text(encoding="utf-8")) == normalise(FIXTURE.read_text(encoding="utf-8"))
    # the export never replaces a file with other text unless told to
    out_file.write_text("mine\n", encoding="utf-8")
    assert main(["export", "readme", "--notes", str(notes), "-o", str(out_file)]) == 1
    assert out_file.read_text(encoding="utf-8") == "mine\n"
    assert "exists; not replacing it (use --force)" in capsys.readouterr().err
    assert main(["export", "readme", "--notes", str(notes), "-o", str(out_file), "--force"]) == 0
    assert normalise(out_file.read_text(encoding="utf-8")) == normalise(FIXTURE.read_text(encoding="utf-8"))


def test_round_trip_of_odd_layouts(tmp_path):
    """No blank lines between entries, entries before any section, a section without entries,
    text inside a fence that looks like a heading, blank lines inside an entry, no final newline."""
    source = (
        "Intro without a title line.\n"
        "### 2021 - [Before Sections](https://arxiv.org/abs/2101.00001)\n"
        "- [想法] first bullet is an insight\n"
        "- second\n"
        "## Empty Section\n"
        "Nothing here yet.\n"
        "\n"
        "## Code\n"
        "### 2020 - [Fenced](https://example.org/f)\n"
        "  * ```\n"
        "    ## not a section\n"
        "    ### not an entry\n"
        "    ```\n"
        "\n"
        "\n"
        "  * after two blank lines\n"
        "  * [想法] last, then nothing\n"
        "### 2019 - [Tight](https://example.org/t)\n"
        "  - [idea] english marker"
    )
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    assert [p.key for p in report.notes] == ["before-sections", "fenced", "tight"]
    assert report.insights == 3
    library = load_library(notes)
    assert library.problems == []
    assert export_readme(library, load_state(notes)) == source


def test_export_places_new_and_edited_notes(imported):
    _, notes, _ = imported
    papers = notes / "papers"
    # a long-form note of a later year in an imported field, one in a new field, one without field
    (papers / "deepseek.md").write_text(note(
        "DeepSeek-R1", "## Method\n\nLong notes.\n", year=2025, field="LLM", arxiv="2501.12948",
        problem="Reasoning by RL alone?", insights=["RL can elicit long chains of thought"]), encoding="utf-8")
    (papers / "rt2.md").write_text(note("RT-2", "  * vision-language-action model\n", year=2023, field="Robotics",
                                        links={"paper": "https://robotics-transformer2.github.io/"}),
                                   encoding="utf-8")
    (papers / "nofield.md").write_text(note("No Field Paper", year=2015), encoding="utf-8")
    (papers / "secret.md").write_text(note("Secret Draft", year=2024, field="LLM", draft=True), encoding="utf-8")
    # edits: a new title, one insight removed and another added
    sac = papers / "soft-actor-critic.md"
    sac.write_text(sac.read_text(encoding="utf-8")
                   .replace("title: Soft Actor-Critic", "title: 'Soft Actor-Critic: Off-Policy Maximum Entropy RL'")
                   .replace("insights:\n- |-\n  最大熵的好处是探索和鲁棒性\n  * 多模态最优解时不会塌缩到一个\n",
                            "insights:\n- 温度系数自动调节很关键\n"), encoding="utf-8")

    text = export_readme(load_library(notes), load_state(notes))
    lines = text.split("\n")
    assert "Total Count：16" in text
    assert "Secret Draft" not in text
    llm = lines.index("## LLM")
    assert lines[llm + 4] == "### 2025 - [DeepSeek-R1](https://arxiv.org/abs/2501.12948)"
    assert lines[llm + 5:llm + 8] == ["  * Problem: Reasoning by RL alone?",
                                      "  * [想法] RL can elicit long chains of thought", ""]
    assert lines[llm + 8].startswith("### 2023 - [LLaMA")
    # the new field comes before the catch-all "Others" section, which gets the note without a field
    assert lines.index("## Robotics") < lines.index("## Others")
    assert "### 2023 - [RT-2](https://robotics-transformer2.github.io/)" in lines
    assert lines[-2] == "### 2015 - No Field Paper" and lines[-1] == ""
    sac_at = lines.index("### 2018 - [Soft Actor-Critic: Off-Policy Maximum Entropy RL](https://arxiv.org/abs/1801.01290)")
    assert lines[sac_at + 1:sac_at + 6] == [
        "  * 最大熵 RL: reward 加上策略熵", "  * off-policy, sample efficient",
        "    * 自动调节温度系数 alpha (v2)", "  * [想法] 温度系数自动调节很关键", "",
    ]
    assert "多模态最优解" not in text


def test_export_without_an_import_sorts_by_year(tmp_path, capsys):
    notes = tmp_path / "notes" / "papers"
    notes.mkdir(parents=True)
    (notes / "a.md").write_text(note("Old", year=2010, field="Vision", arxiv="1001.00001"), encoding="utf-8")
    (notes / "b.md").write_text(note("New", year=2020, field="Vision", doi="10.1/xyz"), encoding="utf-8")
    (notes / "c.md").write_text(note("Words", year=2019, field="NLP", insights=["short"]), encoding="utf-8")
    assert main(["export", "readme", "--notes", str(tmp_path / "notes"), "--title", "My <Reading> List"]) == 0
    assert capsys.readouterr().out == textwrap.dedent("""\
        # My <Reading> List

        Total Count: 3

        ## NLP

        ### 2019 - Words
          * [想法] short

        ## Vision

        ### 2020 - [New](https://doi.org/10.1/xyz)

        ### 2010 - [Old](https://arxiv.org/abs/1001.00001)
        """)


def test_title_option_replaces_the_imported_title(imported):
    _, notes, _ = imported
    text = export_readme(load_library(notes), load_state(notes), title="Renamed")
    assert text.startswith("# Renamed\n\n我读过的论文和笔记。")


# -- a site over the imported notes ----------------------------------------------------------------
def test_site_builds_over_imported_notes(imported):
    tmp_path, _, _ = imported
    site = build_site(tmp_path, {}, strict=True)
    assert site.ok, site.messages
    assert site.warnings() == []
    page = site.html("papers/training-compute-optimal-large-language-models/")
    assert "Chinchilla 70B 在相同算力下超过 Gopher 280B" in page
    assert "和 Kaplan 2020 的结论冲突" in page
    assert "https://arxiv.org/pdf/2203.15556v1.pdf" in page
    assert "[来自知乎] PPO 的实现细节比算法本身更重要" in site.html("papers/proximal-policy-optimization-algorithms/")
    # `[[code]](url)` is a Markdown link labelled "[code]", not a wikilink
    assert '<a href="https://github.com/facebookresearch/llama">[code]</a>' in \
        site.html("papers/llama-open-and-efficient-foundation-language/")
    everything = site.all_text()
    assert everything.count("本质上是把计算量分摊到更多 token 上") >= 1
    assert not (site.site_dir / ".paperkb").exists()
    assert "readme-layout" not in everything


def test_new_notes_merge_by_year_into_the_imported_order(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# R\n\n## F\n\n### 2021 - [B](https://b.org)\n\n### [No Year](https://n.org)\n\n"
                      "### 2023 - [A](https://a.org)\n", encoding="utf-8")
    notes = tmp_path / "notes"
    import_readme(readme, notes_dir=notes, project_root=tmp_path)
    for title, year in (("New 2022", 2022), ("New 2024", 2024), ("New None", None)):
        (notes / "papers" / f"{title.replace(' ', '-').lower()}.md").write_text(note(title, year=year, field="F"),
                                                                               encoding="utf-8")
    headings = [line for line in export_readme(load_library(notes), load_state(notes)).split("\n")
                if line.startswith("###")]
    # the README's own (unsorted) order stays; each new note goes before the first older entry
    assert headings == ["### 2024 - New 2024", "### 2022 - New 2022", "### 2021 - [B](https://b.org)",
                        "### [No Year](https://n.org)", "### 2023 - [A](https://a.org)", "### New None"]
    by_year = [line for line in export_readme(load_library(notes), load_state(notes), by_year=True).split("\n")
               if line.startswith("###")]
    assert by_year == ["### 2024 - New 2024", "### 2023 - [A](https://a.org)", "### 2022 - New 2022",
                       "### 2021 - [B](https://b.org)", "### [No Year](https://n.org)", "### New None"]


YEAR_SECTIONED = """\
# Awesome video generation 🎬
A reading list, newest first.

## 🔥 2025
### [Wan: Open and Advanced Large-Scale Video Generative Models](https://arxiv.org/abs/2503.20314)
  * open weights, 14B
  * [想法] the VAE is the real contribution

## 2024
### [Movie Gen: A Cast of Media Foundation Models](https://arxiv.org/abs/2410.13720)
  * 30B transformer, joint image and video training

## Surveys
### 2023 - [A Survey on Video Diffusion Models](https://arxiv.org/abs/2310.10647)
"""


def test_a_reading_list_sectioned_by_year_gives_years_not_fields(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(YEAR_SECTIONED, encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    assert main(["import", "readme", str(readme), "--notes", str(notes)]) == 0
    library = load_library(notes)
    by_title = {n.title.split(":")[0]: n for n in library}
    assert (by_title["Wan"].year, by_title["Wan"].fields) == (2025, [])
    assert (by_title["Movie Gen"].year, by_title["Movie Gen"].fields) == (2024, [])
    assert (by_title["A Survey on Video Diffusion Models"].year, by_title["A Survey on Video Diffusion Models"].fields) \
        == (2023, ["Surveys"])
    assert "🔥" in readme.read_text(encoding="utf-8")
    # ... and back out, as it was
    assert normalise(export_readme(library, load_state(notes))) == normalise(YEAR_SECTIONED)
    # a new note without a field goes to the section of its year
    (notes / "papers" / "later.md").write_text("---\ntitle: Veo\nyear: 2025\n---\n", encoding="utf-8")
    text = export_readme(load_library(notes), load_state(notes))
    assert text.index("## 🔥 2025") < text.index("### 2025 - Veo") < text.index("## 2024")
    assert "  🔥 2025: 1 (a year: the notes' year, not a field)" in capsys.readouterr().out


SEMINAR_LIST = """\
Group Reading List
==================

### Spring 2024

| Date | Paper | Presenter | Slides |
|------|-------|-----------|--------|
| 03.01 | [FlashAttention](https://arxiv.org/abs/2205.14135) | Li Wei | [Slides](./Slides/flash.pdf) |
| 03.08 | [Mamba](https://arxiv.org/abs/2312.00752) | Chen Yu | [Slides](Slides/mamba%20talk.pptx#page=2) |
| 03.15 | [Here](#spring-2024) and [home](https://example.org/) | Wang Fang | ![poster](img/poster.png) |
"""


def test_relative_links_of_a_readme_elsewhere_are_warned_about_at_import(tmp_path, capsys):
    """A group's seminar list links its slides beside the README (`./Slides/x.pdf`): in the
    notes they point nowhere. The import names each line; the build agreed only at --strict."""
    readme = tmp_path / "src" / "README.md"
    readme.parent.mkdir()
    readme.write_text(SEMINAR_LIST, encoding="utf-8")
    notes = tmp_path / "notes"
    (notes / "papers" / "img").mkdir(parents=True)
    (notes / "papers" / "img" / "poster.png").write_bytes(b"\x89PNG\r\n")  # copied over: no warning
    assert main(["import", "readme", str(readme), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    found = [line.strip() for line in out.splitlines() if "is relative to the README's folder" in line]
    assert len(found) == 2, out
    assert found[0].endswith("README.md:8: warning: link './Slides/flash.pdf' is relative to the README's folder, "
                             "and notes/papers/Slides/flash.pdf does not exist: copy the file there or write its full address")
    assert "README.md:9: warning: link 'Slides/mamba%20talk.pptx#page=2'" in found[1]
    assert "notes/papers/Slides/mamba talk.pptx does not exist" in found[1]
