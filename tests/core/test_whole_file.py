"""A file's bytes written with the fewest system calls (core/whole_file.py)."""

from __future__ import annotations

import os
import stat

from paperkb.core.whole_file import write_whole


def test_a_file_is_written_whole_replacing_a_longer_one_with_the_mode_open_gives(tmp_path):
    path = tmp_path / "a.bin"
    write_whole(path, b"x" * 100_000)
    assert path.read_bytes() == b"x" * 100_000
    write_whole(path, b"short")  # what was there is emptied first
    assert path.read_bytes() == b"short"
    opened = tmp_path / "b.bin"
    opened.write_bytes(b"")  # (Python's open: 0o666 less the umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == stat.S_IMODE(os.stat(opened).st_mode)
    write_whole(str(tmp_path / "c.bin"), memoryview(b"from a view"))
    assert (tmp_path / "c.bin").read_bytes() == b"from a view"


def test_a_file_is_read_whole_and_its_text_with_the_line_ends_python_reads(tmp_path):
    from paperkb.core.whole_file import read_text, read_whole

    path = tmp_path / "a.html"
    data = ("<p>文档</p>\r\n" * 20_000 + "last\rline\n").encode("utf-8")  # (more than one read)
    path.write_bytes(data)
    assert read_whole(path) == data
    assert read_text(path) == path.read_text(encoding="utf-8")
    plain = tmp_path / "b.html"
    plain.write_bytes("<p>no carriage returns</p>\n".encode("utf-8"))
    assert read_text(str(plain)) == "<p>no carriage returns</p>\n"
