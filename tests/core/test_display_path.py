"""core/problems.display_path: a note is named as a terminal in the working directory would open
it, every symbolic link on its way resolved (its folder is resolved once for all its files)."""

from __future__ import annotations

import os
from pathlib import Path

from paperkb.core.problems import display_path


def test_a_note_is_named_by_where_its_links_lead(tmp_path, monkeypatch):
    real = tmp_path / "real" / "papers"
    real.mkdir(parents=True)
    for name in ("a.md", "b.md"):
        (real / name).write_text("---\ntitle: x\n---\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "c.md").write_text("---\ntitle: y\n---\n")
    (tmp_path / "project").mkdir()
    os.symlink(real, tmp_path / "project" / "linked")  # a folder that is a link
    os.symlink(tmp_path / "elsewhere" / "c.md", real / "c.md")  # a file that is a link, in a folder that is not
    monkeypatch.chdir(tmp_path)
    shown = {path: display_path(Path(path), tmp_path / "project") for path in (
        "project/linked/a.md", "project/linked/b.md", "project/linked/c.md", "project/linked/missing.md",
        "project/linked/../linked/b.md", str(tmp_path / "project" / "linked" / "a.md"), "real/papers/c.md")}
    assert shown == {
        "project/linked/a.md": "real/papers/a.md",
        "project/linked/b.md": "real/papers/b.md",
        "project/linked/c.md": "elsewhere/c.md",  # (the file's own link followed too)
        "project/linked/missing.md": "real/papers/missing.md",
        "project/linked/../linked/b.md": "real/linked/b.md",  # (as os.path.realpath: the link, then "..")
        str(tmp_path / "project" / "linked" / "a.md"): "real/papers/a.md",
        "real/papers/c.md": "elsewhere/c.md",
    }
    # The same as resolving each whole path.
    assert shown == {path: Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(tmp_path))).as_posix()
                     for path in shown}
