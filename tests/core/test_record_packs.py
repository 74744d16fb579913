"""A cache of signed records in a few pack files: one writer per pack, readers that see what
other processes append, and nothing read as valid that is not (torn by a killed writer, edited)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from paperkb.core import record_packs
from paperkb.core.record_packs import HEAD, MAGIC, SUFFIX, RecordPacks


def packs_in(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(SUFFIX))


def test_entries_read_back_by_key_in_this_process_and_another(tmp_path):
    writer = RecordPacks(tmp_path / "packs")
    assert writer.put("k1", b"<svg>one</svg>") and writer.put("k2", b"two" * 10000)
    assert writer.get("k1") == b"<svg>one</svg>" and writer.has("k2") and not writer.has("k3")
    reader = RecordPacks(tmp_path / "packs")
    assert reader.get("k2") == b"two" * 10000 and reader.get("k3") is None
    assert [key for key, *_ in reader.entries()] == ["k1", "k2"]
    assert writer.put("k1", b"again")  # the last record of a key wins
    assert RecordPacks(tmp_path / "packs").get("k1") == b"again"
    assert len(packs_in(tmp_path / "packs")) == 1


def test_each_writer_has_a_pack_of_its_own_and_a_later_one_takes_a_free_pack(tmp_path):
    first, second = RecordPacks(tmp_path), RecordPacks(tmp_path)
    assert first.put("a", b"1") and second.put("b", b"2")
    assert len(packs_in(tmp_path)) == 2  # two writers at once: never the same pack
    first.close()
    third = RecordPacks(tmp_path)
    assert third.put("c", b"3")
    assert len(packs_in(tmp_path)) == 2  # the first one's pack, free again
    assert {k: RecordPacks(tmp_path).get(k) for k in "abc"} == {"a": b"1", "b": b"2", "c": b"3"}


def test_a_reader_finds_what_another_writer_appended_after_it_read_the_packs(tmp_path):
    reader, writer = RecordPacks(tmp_path), RecordPacks(tmp_path)
    assert reader.get("late") is None and not reader.has("late")
    assert writer.put("late", b"drawn meanwhile")
    assert not reader.has("late")  # (has answers from what it read ...)
    assert reader.get("late") == b"drawn meanwhile"  # (... get looks again)
    assert writer.put("later", b"x")
    reader.refresh()
    assert reader.has("later")


def test_a_torn_record_is_never_read_and_the_next_writer_cuts_it_off(tmp_path):
    writer = RecordPacks(tmp_path)
    assert writer.put("whole", b"w" * 1000) and writer.put("torn", b"t" * 1000)
    writer.close()
    (pack,) = packs_in(tmp_path)
    size = os.path.getsize(tmp_path / pack)
    os.truncate(tmp_path / pack, size - 10)  # a writer killed halfway through its last record
    reader = RecordPacks(tmp_path)
    assert reader.get("whole") == b"w" * 1000 and reader.get("torn") is None and not reader.has("torn")
    later = RecordPacks(tmp_path)
    assert later.put("next", b"n" * 50)
    assert packs_in(tmp_path) == [pack]  # the same pack, its torn tail gone before the new record
    assert [key for key, *_ in RecordPacks(tmp_path).entries()] == ["whole", "next"]
    assert reader.get("next") == b"n" * 50 and reader.get("torn") is None


def test_a_killed_writers_pack_is_taken_again(tmp_path):
    script = ("import os, sys\n"
              "from paperkb.core.record_packs import RecordPacks\n"
              "packs = RecordPacks(sys.argv[1])\n"
              "assert packs.put('a', b'x' * 100)\n"
              "print('written', flush=True)\n"
              "sys.stdin.read()\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"written\n"
        assert RecordPacks(tmp_path).put("b", b"y")  # the child holds its pack: a new one
        assert len(packs_in(tmp_path)) == 2
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert RecordPacks(tmp_path).put("c", b"z")  # the killed writer's lock went with it
    assert len(packs_in(tmp_path)) == 2
    assert [RecordPacks(tmp_path).get(k) for k in "abc"] == [b"x" * 100, b"y", b"z"]


def test_an_edited_or_planted_record_is_not_used(tmp_path):
    packs = RecordPacks(tmp_path)
    assert packs.put("k", b"<svg>fine</svg>")
    (pack,) = packs_in(tmp_path)
    data = (tmp_path / pack).read_bytes()
    (tmp_path / pack).write_bytes(data.replace(b"fine", b"evil"))  # behind the signature's back
    assert RecordPacks(tmp_path).get("k") is None and packs.get("k") is None
    # A record someone wrote without the user's key: a signature of their own does not hold.
    forged = HEAD.pack(MAGIC, 1, 4, b"\0" * 32) + b"f" + b"evil"
    with open(tmp_path / pack, "ab") as file:
        file.write(forged)
    assert RecordPacks(tmp_path).has("f") and RecordPacks(tmp_path).get("f") is None
    assert packs.put("k", b"<svg>fine</svg>")  # made again: stored again, read back
    assert RecordPacks(tmp_path).get("k") == b"<svg>fine</svg>"


def test_no_user_key_or_an_unwritable_folder_stores_nothing_and_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    blocked = RecordPacks(blocker / "packs")
    assert not blocked.put("k", b"data") and blocked.get("k") is None and not blocked.has("k")
    monkeypatch.setattr(record_packs, "signature", lambda payload: None)
    assert not RecordPacks(tmp_path / "packs").put("k", b"data")


def test_packs_rewritten_with_some_entries_hold_their_last_records_alone(tmp_path):
    folder = tmp_path / "packs"
    packs = RecordPacks(folder)
    for round_ in range(3):
        for key in ("a", "b", "c"):
            assert packs.put(key, f"{key}{round_}".encode() * 50)
    before = packs.size()
    assert before == sum(os.path.getsize(folder / name) for name in packs_in(folder)) > 0
    assert packs.keep_only(["a", "b", "missing"])
    assert packs.get("a") == b"a2" * 50 and packs.get("b") == b"b2" * 50 and packs.get("c") is None
    assert [key for key, *_ in packs.entries()] == ["a", "b"]  # one record each, c's gone
    assert 0 < packs.size() < before / 4
    assert sorted(os.listdir(tmp_path)) == ["packs"]  # nothing left beside the folder
    assert packs.put("d", b"after") and RecordPacks(folder).get("d") == b"after"  # still written to
    assert RecordPacks(tmp_path / "none").size() == 0
