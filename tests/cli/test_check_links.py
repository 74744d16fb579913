"""`paperkb check` finds the links and images that make `build --strict` fail, with their line."""

from __future__ import annotations

import re

from paperkb.cli import main

from ..conftest import build_site, note

BODY = """\
Intro with a [missing page](missing.md) and ![a figure](img/fig1.png).

A [Windows path](..\\index.md), a [spaced name](My Note.md) that exists,
a [spaced missing](Other Note.md), [extension-less](b2019) and [another case](B2019.md).
[Home](../index.md), [a heading](#intro), [the web](https://example.org/x y), [mail](mailto:a@b.c).
[Year page](../years/2019.md) and ![fine](../assets/fig1.png).

```
[in code](nowhere.md)
```
"""

FILES = {
    "index.md": "# Home\n",
    "assets/fig1.png": b"\x89PNG\r\n\x1a\n",
    "papers/a2020.md": note("A", BODY, year=2020),
    "papers/b2019.md": note("B", year=2019),
    "papers/My Note.md": "# A page with spaces\n",
    "papers/draft.md": note("Draft", "[gone](gone.md)\n", year=2021, draft=True),
    "blog/posts/hello.md": "---\ndate: 2024-01-01\n---\n\n# Hello\n\nSee [that](../nothing.md).\n",
}


def test_check_reports_missing_link_targets_with_line_and_hint(tmp_path, capsys):
    from ..conftest import write_tree

    write_tree(tmp_path / "notes", FILES)
    assert main(["check", str(tmp_path / "notes")]) == 0  # warnings only
    out = capsys.readouterr().out
    found = {line.split(": warning: ", 1)[1]: line.split(":")[1]
             for line in out.splitlines() if ": warning: " in line}
    body_line = 6  # the note's body starts after its three front-matter lines and a blank one
    assert found == {
        "link 'missing.md': no file 'papers/missing.md' in the notes folder": str(body_line),
        "image 'img/fig1.png': no file 'papers/img/fig1.png' in the notes folder. Did you mean '../assets/fig1.png'?":
            str(body_line),
        "link '..\\index.md': no file 'papers/..\\index.md' in the notes folder. Write the path with '/': '../index.md'.":
            str(body_line + 2),
        "link 'Other Note.md': no file 'papers/Other Note.md' in the notes folder": str(body_line + 3),
        "link '../nothing.md': no file 'blog/nothing.md' in the notes folder": "7",
    }
    assert "notes/blog/posts/hello.md:7: warning" in out
    assert "gone.md" not in out and "nowhere.md" not in out  # drafts and code are not pages' links


def test_check_agrees_with_strict_build_on_which_targets_are_missing(tmp_path, capsys):
    """Every target MkDocs' strict build fails on is one `check` names, and no other."""
    site = build_site(tmp_path, FILES, strict=True)
    assert not site.ok
    strict = {m.group(1) for m in map(re.compile(r"contains a link '([^']+)', but the target").search,
                                      site.messages) if m}
    assert main(["check", str(tmp_path / "notes")]) == 0
    checked = set(re.findall(r"(?:link|image) '([^']+)'", capsys.readouterr().out))
    assert strict == checked == {"missing.md", "img/fig1.png", "..\\index.md", "Other Note.md", "../nothing.md"}


def test_strict_build_names_the_line_of_a_missing_link_and_hints(tmp_path):
    site = build_site(tmp_path, FILES, strict=True)
    warnings = "\n".join(site.warnings())
    assert "notes/papers/a2020.md:6: Doc file 'papers/a2020.md' contains a link 'img/fig1.png'" in warnings
    assert "Did you mean '../assets/fig1.png'?" in warnings
    assert "notes/papers/a2020.md:8: Doc file 'papers/a2020.md' contains a link '..\\index.md'" in warnings
    assert "Write the path with '/': '../index.md'." in warnings
    assert "notes/blog/posts/hello.md:7: Doc file 'blog/posts/hello.md'" in warnings
    assert "ABORT: Aborted with 5 warnings in strict mode!" in site.messages  # each still counted once


def test_formulas_are_not_links(tmp_path, capsys):
    from ..conftest import write_tree

    body = "Loss $S[\\pi_\\theta](s_t)$ inline.\n\n$$\nc_2 S[\\pi_\\theta](s_t)\n$$\n\nBut [this](gone.md) is a link.\n"
    write_tree(tmp_path / "notes", {"papers/a2020.md": note("A", body, year=2020)})
    assert main(["check", str(tmp_path / "notes")]) == 0
    out = capsys.readouterr().out
    assert "s_t" not in out
    assert "notes/papers/a2020.md:12: warning: link 'gone.md'" in out


VAULT = {
    "Concepts/register.md": "# Register\n\nA word of storage.\n",
    "Compiler/assembly.md": "# Assembly\n\nRegisters: [[register]] and ![[register]].\n\n"
                            "Unwritten yet: [[calling convention]].\n\n![[stack frame]]\n\n"
                            "A figure ![[frame.png]] and the paper [[sysv-abi.pdf]].\n\n`[[in code]]`\n\n"
                            "![[register#Calling]]\n",
    "Concepts/loop-a.md": "# Loop A\n\n![[loop-b]]\n",
    "Concepts/loop-b.md": "# Loop B\n\n![[loop-a]]\n",
    "attachments/frame.png": b"\x89PNG\r\n\x1a\n",
    "papers/a2020.md": note("A", "Cites [[b2019]], [[nobody2000]] and [[regster]].\n", year=2020),
    "papers/b2019.md": note("B", year=2019),
}


def test_check_reports_the_wikilinks_of_plain_pages_as_the_build_does(tmp_path, capsys):
    """A vault's pages that are no paper notes: `check` passed their [[...]] that name nothing, which
    the build warned about (and `--strict` failed on); embeds of sections that are not there, loops.
    A [[link]] to a note not written yet ([[calling convention]], [[nobody2000]]) is no warning for
    either, a likely typo of a known name ([[regster]]) is."""
    site = build_site(tmp_path, VAULT, strict=True)
    assert not site.ok
    built = sorted(re.sub(r"^WARNING: notes/", "", m) for m in site.warnings())
    assert main(["check", str(tmp_path / "notes")]) == 0
    checked = sorted(re.sub(r"^notes/(.*?:\d+): warning: ", r"\1: ", line)
                     for line in capsys.readouterr().out.splitlines() if ": warning: " in line)
    assert checked == built == sorted([
        "Compiler/assembly.md:7: unknown note 'stack frame' in embed ![[...]]",
        "Compiler/assembly.md:9: attachment 'sysv-abi.pdf' is not in the notes folder",
        "Compiler/assembly.md:13: no heading 'Calling' in Concepts/register.md (its headings: Register); "
        "the embed links the page instead",
        "Concepts/loop-a.md:3: ![[loop-b]] embeds this page in itself (loop-a.md → loop-b.md → loop-a.md); "
        "a link stands there instead",
        "Concepts/loop-b.md:3: ![[loop-a]] embeds this page in itself (loop-b.md → loop-a.md → loop-b.md); "
        "a link stands there instead",
        "papers/a2020.md:6: unknown citation 'regster' in wikilink [[regster]] (did you mean 'register'?)",
    ])


def test_a_page_of_many_missing_links_is_read_once_and_each_warning_names_its_line(tmp_path, monkeypatch):
    """A real generated to-do list (zhaoyang97/Paper-Notes' ACL2025/TODO.md: 2,300 links, 1,600
    of them to notes not written yet, 400 KB) was read and scanned line by line for each warning:
    a minute, and the page fell back to its source text at the render time limit."""
    from pathlib import Path

    lines = ["# TODO", ""] + [f"- [ ] [Paper {i}](topic_{i % 7}/paper_{i}.md) | arXiv: 2505.{i:05d}" for i in range(400)]
    lines.insert(300, "- [x] [A note that exists](../papers/b2019.md)")
    files = {"papers/b2019.md": note("B", year=2019), "venue/TODO.md": "\n".join(lines) + "\n"}
    reads = []
    read_text = Path.read_text

    def counting_read_text(self, *args, **kwargs):
        if self.name == "TODO.md":
            reads.append(self)
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting_read_text)
    site = build_site(tmp_path, files)
    warnings = [m for m in site.warnings() if "notes/venue/TODO.md" in m]
    assert len(warnings) == 400
    assert "notes/venue/TODO.md:3: Doc file 'venue/TODO.md' contains a link 'topic_0/paper_0.md'" in warnings[0]
    assert any("notes/venue/TODO.md:302: " in m and "'topic_4/paper_298.md'" in m for m in warnings)
    assert any("notes/venue/TODO.md:403: " in m and "'topic_0/paper_399.md'" in m for m in warnings)
    assert len(reads) <= 2  # (MkDocs' own read of the page, and the messages' one)
