"""PackedDict (core/packed_dict.py): packed, it reads and changes like the dict it was, through
every way Python code, C code and Jinja use a mapping."""

from __future__ import annotations

import copy
import datetime
import json
import pickle

import jinja2
import pytest

from paperkb.core.packed_dict import PackedDict

FRONT = {"title": "Soft Actor-Critic", "year": 2018, "authors": ["Haarnoja", "Zhou"], "tags": ["rl", "熵"],
         "date": datetime.date(2018, 1, 4), "cites": [{"key": "ppo", "role": "baseline"}], "hide": ["toc"]}


def packed() -> PackedDict:
    meta = PackedDict(copy.deepcopy(FRONT))
    meta.pack()
    assert meta.is_packed and dict.__len__(meta) == 1  # the rest waits pickled
    return meta


READS = {
    "getitem": lambda m: m["tags"],
    "get": lambda m: (m.get("hide"), m.get("template", "main.html")),
    "contains": lambda m: ("year" in m, "template" in m),
    "len and truth": lambda m: (len(m), bool(m)),
    "iteration order": lambda m: (list(m), list(m.keys()), list(m.values()), list(m.items()), list(reversed(m))),
    "equality": lambda m: (m == FRONT, FRONT == m, m != FRONT),
    "copies": lambda m: (dict(m), {**m}, m.copy(), copy.copy(m), copy.deepcopy(m)),
    "pickle": lambda m: pickle.loads(pickle.dumps(m)),
    "json": lambda m: json.dumps(m, default=str, ensure_ascii=False),
    "union": lambda m: (m | {"x": 1}, {"x": 1} | m),
    "keyword arguments": lambda m: (lambda **kw: kw)(**m),
    "repr": repr,
    "jinja": lambda m: jinja2.Template(
        "{{ m.title }}|{{ m.tags|join(',') }}|{% if 'toc' in m.hide %}no toc{% endif %}|{{ m.template or '-' }}|"
        "{% for k, v in m.items() %}{{ k }};{% endfor %}|{{ m|length }}").render(m=m),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_packed_dict_reads_as_the_dict_it_was(read):
    assert read(packed()) == read(dict(copy.deepcopy(FRONT)))


CHANGES = {
    "setitem": lambda m: m.__setitem__("title", "SAC"),
    "delitem": lambda m: m.__delitem__("year"),
    "setdefault": lambda m: m.setdefault("template", "post.html"),
    "pop": lambda m: m.pop("hide"),
    "popitem": lambda m: m.popitem(),
    "update": lambda m: m.update({"year": 2019}, venue="ICML"),
    "in-place union": lambda m: m.__ior__({"draft": False}),
    "clear": lambda m: m.clear(),
    "nested list": lambda m: m["tags"].append("sac"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_packed_dict_changes_as_the_dict_it_was_and_packs_again(change):
    meta, plain = packed(), copy.deepcopy(FRONT)
    change(meta)
    change(plain)
    assert list(meta.items()) == list(plain.items())
    meta.pack()
    assert list(meta.items()) == list(plain.items())


def test_values_that_do_not_pickle_leave_the_dict_as_it_is():
    meta = PackedDict(title="x", render=lambda: None)
    meta.pack()
    assert not meta.is_packed and dict.__len__(meta) == 2 and meta["title"] == "x"
    small = PackedDict(title="only one")
    small.pack()
    assert not small.is_packed and small == {"title": "only one"}


def test_items_pickled_already_are_shared_while_they_are_the_same():
    pickled = pickle.dumps(FRONT, protocol=pickle.HIGHEST_PROTOCOL)
    meta = PackedDict(pickle.loads(pickled), pickled=pickled)
    meta["title"] = "Soft " + "Actor-Critic"  # (the same value, another object)
    meta.pack()
    assert meta._packed is pickled and meta == FRONT
    meta["year"] = 2019
    meta.pack()
    assert meta._packed is not pickled and meta._pickled is None and meta == {**FRONT, "year": 2019}

