"""Reading lists laid out as awesome-* lists are: Markdown tables, list items, both mixed with
``###`` entries (fixture: fixtures/import_readme/awesome-video.md, written after real public lists)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from paperkb.core.loader import load_library
from paperkb.core.problems import ProblemLog
from paperkb.importers.readme import parse_readme
from paperkb.importers.readme_entries import parse_item, parse_row, table_columns
from paperkb.importers.readme_export import export_readme
from paperkb.importers.readme_import import import_readme
from paperkb.importers.readme_state import load_state

from ..conftest import note
from .test_import_readme import front_and_body as _front_and_body, normalise

FIXTURE = Path(__file__).parent / "fixtures" / "import_readme" / "awesome-video.md"


def front_and_body(path: Path) -> tuple[dict, str]:
    front, body = _front_and_body(path)
    return front, body.strip("\n")


@pytest.fixture
def imported(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    report = import_readme(FIXTURE, notes_dir=notes, project_root=tmp_path)
    return notes, report


# -- one line ----------------------------------------------------------------------------------
@pytest.mark.parametrize("line, title, url, year, venue, authors, links", [
    ("* [Action Tubelet Detector for Spatio-Temporal Action Localization](https://arxiv.org/abs/1705.01861) - "
     "V. Kalogeiton et al, ICCV2017. [[code]](https://github.com/vk/act) [[project web]](http://thoth.example/ACT/)",
     "Action Tubelet Detector for Spatio-Temporal Action Localization", "https://arxiv.org/abs/1705.01861", 2017,
     "ICCV", ["V. Kalogeiton"], {"code": "https://github.com/vk/act", "project": "http://thoth.example/ACT/"}),
    ("- **A Dual-Stage Attention-Based RNN for Time Series Prediction** (**IJCAI2017**) "
     "[[paper](https://arxiv.org/pdf/1704.02971v4.pdf)] [[code](https://github.com/x/da-rnn)] *",
     "A Dual-Stage Attention-Based RNN for Time Series Prediction", "https://arxiv.org/pdf/1704.02971v4.pdf", 2017,
     "IJCAI", [], {"code": "https://github.com/x/da-rnn"}),
    ("* **Masked Autoencoders Are Scalable Vision Learners**. Kaiming He, Xinlei Chen. *CVPR 2022*. "
     "[[paper](https://arxiv.org/abs/2111.06377)] [[code](https://github.com/facebookresearch/mae)]",
     "Masked Autoencoders Are Scalable Vision Learners", "https://arxiv.org/abs/2111.06377", 2022, "CVPR",
     ["Kaiming He", "Xinlei Chen"], {"code": "https://github.com/facebookresearch/mae"}),
    ("1. Attention Is All You Need, NeurIPS, 2017 [pdf](https://arxiv.org/pdf/1706.03762)",
     "Attention Is All You Need", "https://arxiv.org/pdf/1706.03762", 2017, "NeurIPS", [], {}),
    ("12. **DeepTMO:** \"Deep Tone Mapping Operator for High Dynamic Range Images\". *IEEE Access 2019*. "
     "[[Paper](https://arxiv.org/abs/1908.04197)]",
     "Deep Tone Mapping Operator for High Dynamic Range Images", "https://arxiv.org/abs/1908.04197", 2019, None, [], {}),
    ("- 🔥 [May 2023] **\"Voyager: An Open-Ended Embodied Agent with LLMs.\"** *Guanzhi Wang (NVIDIA) et al.* arXiv. "
     "[[paper](https://arxiv.org/abs/2305.16291)]",
     "Voyager: An Open-Ended Embodied Agent with LLMs", "https://arxiv.org/abs/2305.16291", 2023, "arXiv",
     ["Guanzhi Wang"], {}),
    ("* [Detect to Track and Track to Detect] - C. Feichtenhofer et al., ICCV2017. [[code]](https://github.com/f/dt)",
     "Detect to Track and Track to Detect", None, 2017, "ICCV", ["C. Feichtenhofer"], {"code": "https://github.com/f/dt"}),
    ("- 深度残差学习 Deep Residual Learning. CVPR 2016. [[论文](https://arxiv.org/abs/1512.03385)]",
     "深度残差学习 Deep Residual Learning", "https://arxiv.org/abs/1512.03385", 2016, "CVPR", [], {}),
])
def test_list_item_shapes(line, title, url, year, venue, authors, links):
    found = parse_item(line)
    assert found is not None
    assert (found.title, found.url, found.year, found.venue, found.authors, found.links) == \
        (title, url, year, venue, authors, links)
    # the template gives the line back with the same values
    values = {"title": title, "url": url, "year": year, "venue": venue}
    assert found.template.format(**values) == line.rstrip()


@pytest.mark.parametrize("line", [
    "- [Action Recognition](#action-recognition)",  # a table of contents
    "- [Contributing guide](CONTRIBUTING.md)",  # another file of the repository
    "* [[code]](https://github.com/facebookresearch/llama) [[1]](https://ai.meta.com/blog/)",
    "- Datasets",
    "- **utils.py**",  # bold words alone
    "  * 代码 [code](https://github.com/x/y)",  # words and a code link
    "- [想法] 这篇的 trick 很多 [code](https://github.com/x/y)",
])
def test_items_that_are_no_papers(line):
    assert parse_item(line) is None


def test_table_rows():
    columns = table_columns("| Date | Title | Paper | Code | Comment |")
    assert columns == ["year", "title", "link", "code", "notes"]
    row = parse_row("| 2025-03 | Qwen2.5-Omni Technical Report | [Paper](https://arxiv.org/abs/2503.20215) | "
                    "[Code](https://github.com/QwenLM/Qwen2.5-Omni) | 统一处理文本、图像、音频<br>支持流式语音输出 |", columns)
    assert (row.title, row.year, row.url, row.links) == (
        "Qwen2.5-Omni Technical Report", 2025, "https://arxiv.org/abs/2503.20215",
        {"code": "https://github.com/QwenLM/Qwen2.5-Omni"})
    assert row.details == ["统一处理文本、图像、音频\n支持流式语音输出"]
    assert row.template.startswith("| {year}-03 | {title} | [Paper]({url}) |")
    # the venue in a link's label, a year written '22
    columns = table_columns("| Date | Title | Paper | Code |")
    row = parse_row("| 2021.11 | “PTQ4ViT: Post-training Quantization” | [[ECCV'22]](https://arxiv.org/abs/2111.12293) "
                    "| [[code]](https://github.com/h/PTQ4ViT) |", columns)
    assert (row.title, row.year, row.venue, row.fixed) == ("PTQ4ViT: Post-training Quantization", 2021, "ECCV",
                                                          {"venue": "ECCV"})
    columns = table_columns("| Title | Venue | Year | Code | Topic |")
    row = parse_row("| [LoRA: Low-Rank Adaptation of Large Language Models](https://arxiv.org/abs/2106.09685) | ICLR "
                    "| '22 | [✓](https://github.com/huggingface/peft) | 参数高效微调 |", columns)
    assert (row.year, row.fixed, row.links) == (2022, {"year": 2022, "venue": "ICLR"},
                                                {"code": "https://github.com/huggingface/peft"})
    assert row.details == ["- **Topic**: 参数高效微调"]
    # tables that hold no papers
    assert table_columns("| View | Counts |") is None
    assert table_columns("| [Web](paper_by_env/paper_web.md) | [Mobile](paper_by_env/paper_mobile.md) |") is None


# -- a whole README ----------------------------------------------------------------------------------
def test_parse_a_mixed_reading_list():
    log = ProblemLog("awesome-video.md")
    doc = parse_readme(FIXTURE.read_text(encoding="utf-8"), log)
    by_section = {s.name: [(e.kind, e.heading.title) for e in s.entries] for s in doc.sections}
    assert by_section["Contents"] == [] and by_section["Contributing"] == [] and by_section["Citation"] == []
    assert [kind for kind, _ in by_section["Action Recognition"]] == ["row"] * 4  # the group row is no paper
    assert "Transformers" not in [title for _, title in by_section["Action Recognition"]]
    assert [kind for kind, _ in by_section["Video Transformers 视频 Transformer"]] == ["row", "row"]
    assert [kind for kind, _ in by_section["Temporal Action Detection"]] == ["item"] * 3
    assert [kind for kind, _ in by_section["Classics 经典"]] == ["item"] * 3
    assert by_section["Reinforcement Learning"] == [("heading", "Proximal Policy Optimization Algorithms")]
    entries = {e.heading.title: e for e in doc.entries}
    slowfast = entries["SlowFast Networks for Video Recognition"]
    assert (slowfast.heading.year, slowfast.heading.venue, slowfast.field) == (2019, "ICCV", "Action Recognition")
    assert slowfast.heading.links == {"code": "https://github.com/facebookresearch/SlowFast"}
    informer = entries["Informer: Beyond Efficient Transformer for Long Sequence Time-Series Forecasting"]
    assert (informer.field, informer.section_year, informer.heading.venue) == ("时间序列 Time Series", 2021, "AAAI")
    reflexion = entries["Reflexion: Language Agents with Verbal Reinforcement Learning"]
    assert reflexion.indent == "    "
    assert reflexion.lines == ["- 把失败经验写成文字记忆，下一轮 prompt 里带上",
                               "- [想法] 本质是 in-context 的策略改进，没有更新权重",
                               "  verbal feedback 比 scalar reward 信息量大"]
    [insight] = reflexion.insight_blocks()
    assert insight.text == "本质是 in-context 的策略改进，没有更新权重\nverbal feedback 比 scalar reward 信息量大"
    lstm = entries["Long Short-Term Memory"]
    assert (lstm.heading.venue, lstm.heading.year) == ("Neural Computation", 1997)
    assert [str(p) for p in log.problems] == [
        "awesome-video.md:5: warning: the count line says 30 but 18 entries were found (Action Recognition: 4, "
        "Video Transformers 视频 Transformer: 2, Temporal Action Detection: 3, LLM Agents: 3, 2017: 1, 2021: 1, "
        "Classics 经典: 3, Reinforcement Learning: 1)"
    ]


def test_import_writes_what_each_row_and_item_says(imported):
    notes, report = imported
    assert report.entries_by_shape == {"row": 6, "item": 11, "heading": 1}
    papers = notes / "papers"
    front, body = front_and_body(papers / "quo-vadis-action-recognition-a-new.md")
    assert front == {
        "title": "Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset",
        "key": "quo-vadis-action-recognition-a-new", "year": 2017, "venue": "CVPR", "field": "Action Recognition",
        "links": {"paper": "https://arxiv.org/abs/1705.07750", "code": "https://github.com/deepmind/kinetics-i3d"},
        "arxiv": "1705.07750",
    }
    assert body == ""
    front, body = front_and_body(papers / "vivit-a-video-vision-transformer.md")
    assert front["field"] == "Video Transformers 视频 Transformer" and front["year"] == 2021
    assert body == "四种时空分解方式；factorised encoder 最省算力\ntubelet embedding 比逐帧 patch 好"
    front, body = front_and_body(papers / "reflexion-language-agents-with-verbal-reinforcement.md")
    assert front["authors"] == ["Noah Shinn"] and front["venue"] == "NeurIPS"
    assert front["insights"] == ["本质是 in-context 的策略改进，没有更新权重\nverbal feedback 比 scalar reward 信息量大"]
    assert body == "- 把失败经验写成文字记忆，下一轮 prompt 里带上"  # dedented: a list, not a code block
    front, _ = front_and_body(papers / "a-dual-stage-attention-based-recurrent.md")
    assert (front["year"], front["field"]) == (2017, "时间序列 Time Series")
    library = load_library(notes)
    assert library.problems == []
    assert len(library) == 18
    assert sum(len(n.insights) for n in library) == 3


def test_round_trip_keeps_every_line(imported):
    notes, _ = imported
    text = export_readme(load_library(notes), load_state(notes))
    assert normalise(text) == normalise(FIXTURE.read_text(encoding="utf-8"))
    assert "Total Count: 18" in text


def test_export_writes_edits_in_place_and_new_notes_in_the_section_shape(imported):
    notes, _ = imported
    papers = notes / "papers"
    quo = papers / "quo-vadis-action-recognition-a-new.md"
    quo.write_text(quo.read_text(encoding="utf-8").replace("venue: CVPR", "venue: CVPR (oral)"), encoding="utf-8")
    bmn = papers / "bmn-boundary-matching-network-for-temporal.md"
    bmn.write_text(bmn.read_text(encoding="utf-8").replace("year: 2019", "year: 2020"), encoding="utf-8")
    react = papers / "react-synergizing-reasoning-and-acting-in.md"
    react.write_text(react.read_text(encoding="utf-8").replace("arxiv: '2210.03629'\n",
                                                                "arxiv: '2210.03629'\ninsights: [先想后做，交替进行]\n")
                     + "- 思考和行动交替\n", encoding="utf-8")
    (papers / "x3d.md").write_text(note("X3D: Expanding Architectures for Efficient Video Recognition", "Progressive expansion.\n",
                                        year=2020, field="Action Recognition", venue="CVPR", arxiv="2004.04730",
                                        links={"code": "https://github.com/facebookresearch/SlowFast"}),
                                   encoding="utf-8")
    (papers / "toolformer.md").write_text(note("Toolformer", year=2023, field="LLM Agents",
                                               links={"paper": "https://arxiv.org/abs/2302.04761"}), encoding="utf-8")
    lines = export_readme(load_library(notes), load_state(notes)).split("\n")
    # the row keeps its shape with the new venue; the item its own line with the new year
    assert "| 2017 | CVPR (oral) | [Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset]" \
           "(https://arxiv.org/abs/1705.07750) | [Code](https://github.com/deepmind/kinetics-i3d) |" in lines
    assert any(line.startswith("* [BMN: Boundary-Matching Network") and "ICCV2020." in line for line in lines)
    # a new note of a table's section becomes a row of that table, before the text after the table
    x3d = lines.index("| 2020 | CVPR | [X3D: Expanding Architectures for Efficient Video Recognition]"
                      "(https://arxiv.org/abs/2004.04730) | [Code](https://github.com/facebookresearch/SlowFast) |")
    # (the table goes oldest first: after 2019, before the group row over the 2021 one)
    assert lines[x3d - 1].startswith("| 2019 | ICCV |") and "**Transformers**" in lines[x3d + 1]
    assert lines.index("The table above is sorted by year.") > x3d
    # ... and of a list's section an item of that list
    assert "* [Toolformer](https://arxiv.org/abs/2302.04761) - 2023" in lines
    # an insight added to an item goes under it, indented as its other bullets
    react_at = next(i for i, line in enumerate(lines) if "ReAct: Synergizing" in line)
    assert lines[react_at + 1:react_at + 3] == ["  - 思考和行动交替", "  - [想法] 先想后做，交替进行"]


def test_a_plain_subsection_with_a_table_is_a_section_beside_entries_of_the_old_format(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(textwrap.dedent("""\
        # Mixed

        ## Diffusion

        ### 2020 - [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)
          * ε-prediction, simple loss
          * [code](https://github.com/hojonathanho/diffusion)

        ### Guidance 引导

        | Paper | Venue | Notes |
        |---|---|---|
        | [Classifier-Free Diffusion Guidance](https://arxiv.org/abs/2207.12598) | NeurIPS Workshop 2021 | 不需要分类器 |

        ### Samplers

        - [DDIM: Denoising Diffusion Implicit Models](https://arxiv.org/abs/2010.02502) - ICLR 2021
        """), encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    found = {p.entry.heading.title: (p.entry.kind, p.entry.field) for p in report.notes}
    assert found == {
        "Denoising Diffusion Probabilistic Models": ("heading", "Diffusion"),
        "Classifier-Free Diffusion Guidance": ("row", "Guidance 引导"),
        "DDIM: Denoising Diffusion Implicit Models": ("item", "Samplers"),
    }
    cfg, body = front_and_body(notes / "papers" / "classifier-free-diffusion-guidance.md")
    assert (cfg["venue"], cfg["year"], body) == ("NeurIPS Workshop", 2021, "不需要分类器")
    assert normalise(export_readme(load_library(notes), load_state(notes))) == \
        normalise(readme.read_text(encoding="utf-8"))


def test_a_readme_without_entries_says_so_and_keeps_the_last_layout(imported, tmp_path):
    notes, _ = imported
    layout = (notes / ".paperkb" / "readme-layout.yml").read_bytes()
    empty = tmp_path / "links.md"
    empty.write_text("# Links\n\n- Datasets\n- [LLM](#llm)\n\n| View | Counts |\n|---|---|\n| a | 1 |\n",
                     encoding="utf-8")
    report = import_readme(empty, notes_dir=notes, project_root=tmp_path)
    assert report.notes == [] and report.state == []
    [problem] = report.problems
    assert str(problem).startswith("links.md:1: warning: no paper entries found in this README: looked for "
                                   "'### 2022 - [Title](url)' headings, Markdown or HTML (<table>) tables with a Title or Paper column")
    assert (notes / ".paperkb" / "readme-layout.yml").read_bytes() == layout


def test_someone_elses_html_in_a_row_is_neutralised_with_its_line(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("## X\n\n| Title | Comment |\n|---|---|\n"
                      "| [A Paper](https://arxiv.org/abs/2101.00001) | nice <script>alert(1)</script> |\n",
                      encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    assert any(str(p).startswith("README.md:5: warning:") and "script" in str(p) for p in report.problems)
    _, body = front_and_body(notes / "papers" / "a-paper.md")
    assert "<script>" not in body and "alert(1)" in body


def test_an_items_nested_metadata_bullets_fill_what_its_line_lacks(tmp_path):
    """The GUI-agents style: the item is a bare link; authors, date and publisher are nested bullets."""
    source = textwrap.dedent("""\
        ## All Papers (from most recent to oldest)

        - [OS-Copilot: Towards Generalist Computer Agents with Self-Improvement](https://arxiv.org/abs/2402.07456)
            - Zhiyong Wu, Chengcheng Han, Zichen Ding, Tse-Hsun (Peter) Chen
            - 🏛️ Institutions: Shanghai AI Lab
            - 📅 Date: February 12, 2024
            - 📑 Publisher: ICLR 2024 Workshop
            - 🔑 Key: [framework], [self-improvement]
            - 📖 TLDR: 一个能操作整个操作系统的通用 agent 框架，FRIDAY 会积累技能。
        """)
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    import_readme(readme, notes_dir=notes, project_root=tmp_path)
    front, body = front_and_body(notes / "papers" / "os-copilot-towards-generalist-computer-agents.md")
    assert (front["year"], front["venue"], front["authors"]) == (
        2024, "ICLR Workshop", ["Zhiyong Wu", "Chengcheng Han", "Zichen Ding", "Tse-Hsun Chen"])
    assert body.split("\n")[2] == "- 📅 Date: February 12, 2024"  # the bullets stay as the note's body
    library = load_library(notes)
    assert library.problems == []
    assert normalise(export_readme(library, load_state(notes))) == normalise(source)


def test_by_year_sorts_rows_and_items_and_keeps_each_table_whole(imported):
    notes, _ = imported
    text = export_readme(load_library(notes), load_state(notes), by_year=True)
    lines = text.split("\n")
    header = lines.index("| Year | Venue | Title | Code |")
    rows = lines[header + 2:header + 6]
    assert [row.split("|")[1].strip() for row in rows] == ["'21", "2019", "2018", "2017"]
    assert lines[header + 6] == ""  # the table ends; its text follows, every line of it
    for kept in ("The table above is sorted by year.", "|      |       | **Transformers** |   |",
                 "Two-stream and 3D networks. 按年份排列。"):
        assert kept in lines
    assert sorted(normalise(text)) == sorted(normalise(FIXTURE.read_text(encoding="utf-8")))  # nothing lost


def test_a_table_right_under_the_title_is_read_when_no_section_holds_papers(tmp_path):
    source = textwrap.dedent("""\
        # 我的论文清单 My papers

        [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

        | Title | Year | Notes |
        |---|---|---|
        | [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385) | 2016 | 残差连接 |

        ## License

        - [CC0](https://creativecommons.org/publicdomain/zero/1.0/)
        """)
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    assert [(p.entry.heading.title, p.entry.field, p.entry.heading.year) for p in report.notes] == [
        ("Deep Residual Learning for Image Recognition", None, 2016)]
    assert report.problems == []
    assert normalise(export_readme(load_library(notes), load_state(notes))) == normalise(source)


PARAGRAPHS_AND_TICKS = """\
# Awesome Diffusion, categorized

A list sectioned with `#` headings; each paper a paragraph.

# Image Editing

**Prompt-to-Prompt Image Editing with Cross Attention Control** \\
*Amir Hertz, Ron Mokady* \\
[[ICLR 2023](https://arxiv.org/abs/2208.01626)]
[[Project](https://prompt-to-prompt.github.io/)]
[[Code](https://github.com/google/prompt-to-prompt)]

**InstructPix2Pix: Learning to Follow Image Editing Instructions** \\
[[Website](https://arxiv.org/abs/2211.09800)]
[[Code](https://github.com/timothybrooks/instruct-pix2pix)]

Some words that are no paper.

# 精读 Close reading

- [x] [BERT](./notes/002_bert.md)
- [x] [LoRA](https://arxiv.org/abs/2106.09685)
- [ ] Latent Consistency Models
"""


def test_paragraph_entries_ticked_items_and_hash_sections(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(PARAGRAPHS_AND_TICKS, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    found = [(p.entry.kind, p.entry.heading.title, p.entry.field) for p in report.notes]
    assert found == [
        ("paragraph", "Prompt-to-Prompt Image Editing with Cross Attention Control", "Image Editing"),
        ("paragraph", "InstructPix2Pix: Learning to Follow Image Editing Instructions", "Image Editing"),
        ("item", "BERT", "精读 Close reading"),
        ("item", "LoRA", "精读 Close reading"),
        ("item", "Latent Consistency Models", "精读 Close reading"),
    ]
    front, body = front_and_body(notes / "papers" / "prompt-to-prompt-image-editing-with.md")
    assert (front["year"], front["venue"], front["authors"], front["arxiv"]) == (
        2023, "ICLR", ["Amir Hertz", "Ron Mokady"], "2208.01626")
    assert front["links"] == {"paper": "https://arxiv.org/abs/2208.01626", "project": "https://prompt-to-prompt.github.io/",
                              "code": "https://github.com/google/prompt-to-prompt"}
    assert body.startswith("*Amir Hertz, Ron Mokady* \\\n[[ICLR 2023]")
    front, _ = front_and_body(notes / "papers" / "instructpix2pix-learning-to-follow-image-editing.md")
    assert front["links"]["paper"] == "https://arxiv.org/abs/2211.09800"  # a 'Website' link to arXiv is the paper
    assert [str(p) for p in report.problems] == [
        "README.md:21: warning: link './notes/002_bert.md' is relative to the README's folder, and "
        "notes/papers/notes/002_bert.md does not exist: copy the file there or write its full address"]
    library = load_library(notes)
    assert [p for p in library.problems if p.severity.name == "ERROR"] == []
    assert normalise(export_readme(library, load_state(notes))) == normalise(PARAGRAPHS_AND_TICKS)


def test_ticked_items_under_the_title_are_papers_beside_sections(tmp_path):
    source = "# paper-reading-note\n\n李沐论文精读笔记\n\n- [x] [ViT](./notes/003_vit.md)\n- [ ] CLIP improve\n\n" \
             "## LLM\n- [x] [GPT](https://openai.com/research/language-unsupervised)\n"
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    assert [(p.entry.heading.title, p.entry.field) for p in report.notes] == [
        ("ViT", None), ("CLIP improve", None), ("GPT", "LLM")]
    assert normalise(export_readme(load_library(notes), load_state(notes))) == normalise(source)


def test_a_field_spelled_in_another_case_joins_its_section(tmp_path):
    source = "# R\n\n## LLM\n\n- [Scaling Laws for Neural Language Models](https://arxiv.org/abs/2001.08361) - 2020\n"
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    import_readme(readme, notes_dir=notes, project_root=tmp_path)
    (notes / "papers" / "gpt3.md").write_text(note("Language Models are Few-Shot Learners", year=2020, field="llm ",
                                                   links={"paper": "https://arxiv.org/abs/2005.14165"}),
                                              encoding="utf-8")
    lines = export_readme(load_library(notes), load_state(notes)).split("\n")
    assert lines.count("## LLM") == 1 and not any(line.startswith("## llm") for line in lines)
    assert lines[lines.index("## LLM") + 2:lines.index("## LLM") + 4] == [
        "- [Scaling Laws for Neural Language Models](https://arxiv.org/abs/2001.08361) - 2020",
        "- [Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165) - 2020"]


def test_a_title_of_one_endless_word_still_fits_a_file_name(tmp_path):
    source = "## T\n\n| Title | Year |\n|---|---|\n| " + "x" * 5000 + " | 2018 |\n| [Short](https://example.org/s) | 2019 |\n"
    readme = tmp_path / "README.md"
    readme.write_text(source, encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_readme(readme, notes_dir=notes, project_root=tmp_path)
    keys = [p.key for p in report.notes]
    assert len(keys[0]) <= 100 and re.fullmatch(r"x+-[0-9a-f]{8}", keys[0]) and keys[1] == "short"
    assert all(p.result and p.result.path.is_file() for p in report.notes)
    assert normalise(export_readme(load_library(notes), load_state(notes))) == normalise(source)


# -- HTML tables and setext headings ---------------------------------------------------------------
HTML_FIXTURE = Path(__file__).parent / "fixtures" / "import_readme" / "awesome-html-tables.md"


@pytest.fixture
def imported_html(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    return notes, import_readme(HTML_FIXTURE, notes_dir=notes, project_root=tmp_path)


def test_html_tables_under_setext_sections_are_read_row_by_row(imported_html):
    """Awesome lists laid out as ``<table>``s (a row per line, or a cell per line) under
    ``Section`` / ``-------`` headings: each row is a note, the table of badges is not."""
    notes, report = imported_html
    assert [(p.entry.line, p.entry.kind) for p in report.notes] == [
        (27, "html-row"), (33, "html-row"), (42, "html-row"), (56, "html-row"), (57, "html-row"), (58, "html-row")]
    assert report.count_line is not None and report.count_line.count == 6
    assert [(p.line, p.message.split(";")[0]) for p in report.problems] == [
        (58, "active HTML <script> (it could run code on the site)")]
    library = load_library(notes)
    longformer = library.get("longformer-the-long-document-transformer")
    assert longformer.title == "Longformer: The Long-Document Transformer"
    assert (longformer.year, longformer.venue, longformer.fields) == (2020, "arXiv", ["Sparse Attention"])
    assert longformer.links == {"paper": "https://arxiv.org/abs/2004.05150", "code": "https://github.com/allenai/longformer"}
    assert longformer.arxiv == "2004.05150"
    rnn = library.get("transformers-are-rnns-fast-autoregressive-transformers")
    assert (rnn.year, rnn.venue, rnn.fields) == (2020, "ICML", ["Linear Attention"])
    assert "Kernel feature maps & causal prefix sums" in rnn.body  # the entity read as text
    rfa = library.get("random-feature-attention")
    assert rfa.links["paper"] == "https://openreview.net/forum?id=QtTKTdVrFBB&noteId=1"
    assert "<script>" not in rfa.body
    assert not any(n.fields == ["License"] for n in library)


def test_html_tables_go_back_as_written_with_edits_in_place(imported_html):
    notes, _ = imported_html
    source = HTML_FIXTURE.read_text(encoding="utf-8")
    assert normalise(export_readme(load_library(notes), load_state(notes))) == normalise(source)
    papers = notes / "papers"
    performer = papers / "rethinking-attention-with-performers.md"
    performer.write_text(performer.read_text(encoding="utf-8").replace(
        "title: Rethinking Attention with Performers", "title: Rethinking Attention with Performers (FAVOR+)"),
        encoding="utf-8")
    (papers / "linformer.md").write_text(note("Linformer: Self-Attention with Linear Complexity & <Low> Rank",
                                              year=2020, field="Linear Attention",
                                              links={"paper": "https://arxiv.org/abs/2006.04768"}), encoding="utf-8")
    lines = export_readme(load_library(notes), load_state(notes)).split("\n")
    assert '<tr><td><a href="https://arxiv.org/abs/2009.14794">Rethinking Attention with Performers (FAVOR+)</a></td>' \
           "<td>ICLR 2021</td><td>FAVOR+ random features</td></tr>" in lines
    new_row = ('<tr><td><a href="https://arxiv.org/abs/2006.04768">Linformer: Self-Attention with Linear Complexity '
               '&amp; &lt;Low&gt; Rank</a></td><td></td><td></td></tr>')
    assert new_row in lines and lines.index(new_row) < lines.index("</table>", lines.index(new_row))


def test_setext_headings_are_the_title_and_sections():
    text = textwrap.dedent("""\
        My Reading List
        ===============

        Papers I read, by topic.

        Language Models
        ---------------

        - [Attention Is All You Need](https://arxiv.org/abs/1706.03762) - NeurIPS 2017

        Vision
        ------
        * **Deep Residual Learning for Image Recognition**. Kaiming He. *CVPR 2016*. [[paper](https://arxiv.org/abs/1512.03385)]

        ```
        Not a heading
        -------------
        ```
        """)
    doc = parse_readme(text, ProblemLog("README.md"))
    assert doc.intro[:2] == ["My Reading List", "==============="]
    assert [(s.name, s.head[:2], [e.heading.title for e in s.entries]) for s in doc.sections] == [
        ("Language Models", ["Language Models", "---------------"], ["Attention Is All You Need"]),
        ("Vision", ["Vision", "------"], ["Deep Residual Learning for Image Recognition"]),
    ]
    assert [e.field for e in doc.entries] == ["Language Models", "Vision"]
