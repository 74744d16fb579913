"""`serve` re-renders only what an edit touched, and the result is the site a full build makes.

A served site (the plugin's IncrementalServe, fed the paths a save touched, as the file watcher
does) takes a random sequence of edits of every kind; then every file it wrote is compared
with a fresh full build of the same notes."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import pytest
import yaml

from ..conftest import note, pagefind_pages, pagefind_pages_in, pagefind_slices, write_tree

NOTES = 14
BIB = """@article{smith2019survey,
  title = {A Survey of Everything},
  author = {Smith, Jane and Doe, John},
  journal = {Journal of Surveys},
  year = {2019},
}

@inproceedings{lee2018bench,
  title = {Benchmarks Considered},
  author = {Lee, Min},
  booktitle = {Proceedings of Benchmarks},
  year = {2018},
}
"""
POST = """---
date: 2024-02-01
categories: [Reading notes]
---

# Notes of the month

I liked [[paper3]] and the survey [@smith2019survey].

<!-- more -->

{body}
"""
QUERY = """
```paperkb-query
field: Vision
```
"""
FIELDS = ["LLM", "Vision", "Robotics"]
TAGS = ["transformer", "scaling-law", "benchmark", "rl"]


def _note_text(i: int, rng: random.Random, keys: list[str]) -> str:
    earlier = [k for k in keys if int(k.removeprefix("paper")) < i]
    cites = rng.sample(earlier, min(len(earlier), rng.randint(0, 3)))
    body = f"Body of paper {i}.\n\n- [idea] An insight of paper {i}.\n"
    if earlier and rng.random() < 0.4:
        body += f"\nSee [[{rng.choice(earlier)}]].\n"
    if rng.random() < 0.3:
        body += "\nAs argued before [@smith2019survey].\n"
    if i == 5:
        body += QUERY
    if i == 7 and earlier:
        body += f"\n![[{earlier[0]}]]\n"
    body += f"\n## Summary\n\nSummary of paper {i}.\n"  # (embedded by topics/overview.md; edits append to it)
    return note(f"Paper number {i}", body, year=2010 + i % 9, fields=[rng.choice(FIELDS)],
                tags=rng.sample(TAGS, rng.randint(0, 2)), cites=cites or None,
                problem=f"What paper {i} asks.")


def _write_site(root: Path, rng: random.Random) -> Path:
    from paperkb.default_config import default_config

    notes = root / "notes"
    keys = [f"paper{i}" for i in range(1, NOTES + 1)]
    files = {f"papers/{k}.md": _note_text(int(k[5:]), rng, keys) for k in keys}
    files["refs.bib"] = BIB
    files["topics/overview.md"] = "# Overview\n\n" + "\n\n".join(f"![[paper{i}#Summary]]" for i in (2, 3, 5, 8, 12)) + "\n"
    files["blog/index.md"] = "# Blog\n"
    files["blog/posts/2024-02-01-month.md"] = POST.replace("{body}", "First words.")
    write_tree(notes, files)
    config = default_config(notes, root / "site", site_name="Serve test")
    for plugin in config["plugins"]:  # the search index in slices of 8 pages: edits move pages between them
        if isinstance(plugin, dict) and "paperkb" in plugin:
            plugin["paperkb"]["search_slice_size"] = 8
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Edits:
    """Random edits of every kind the issue lists, applied to the notes folder."""

    def __init__(self, notes: Path, rng: random.Random) -> None:
        self.notes, self.rng = notes, rng
        self.counter = 0

    def papers(self) -> list[Path]:
        return sorted((self.notes / "papers").glob("*.md"))

    def front(self, path: Path) -> tuple[dict, str]:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        return yaml.safe_load(front), body

    def write(self, path: Path, data: dict, body: str) -> None:
        path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body,
                        encoding="utf-8")

    def apply(self, kind: str) -> set[Path]:
        """Make one edit; returns the paths it touched (what the file watcher reports)."""
        self.counter += 1
        n, rng = self.counter, self.rng
        path = rng.choice(self.papers())
        data, body = self.front(path)
        keys = [p.stem for p in self.papers()]
        if kind == "body":
            self.write(path, data, body + f"\nEdited text {n}.\n")
        elif kind == "body link":
            self.write(path, data, body + f"\nAlso see [[{rng.choice(keys)}]].\n")
        elif kind == "title":
            data["title"] = f"Retitled paper {n}"
            self.write(path, data, body)
        elif kind == "year":
            data["year"] = 2000 + n % 25
            self.write(path, data, body)
        elif kind == "field":
            data["fields"] = [rng.choice([*FIELDS, f"Field {n}"])]
            self.write(path, data, body)
        elif kind == "tags":
            data["tags"] = rng.sample([*TAGS, f"tag-{n}"], 2)
            self.write(path, data, body)
        elif kind == "cites+":
            others = [k for k in keys if k != path.stem]
            data["cites"] = [*data.get("cites", []), {"key": rng.choice(others), "role": "baseline"}]
            self.write(path, data, body)
        elif kind == "cites-":
            data["cites"] = data.get("cites", [])[1:]
            self.write(path, data, body)
        elif kind == "new note":
            new = self.notes / "papers" / f"fresh{n}.md"
            new.write_text(note(f"Fresh paper {n}", f"New body {n}, citing [[{rng.choice(keys)}]].\n",
                                year=2024, fields=[rng.choice(FIELDS)], cites=[rng.choice(keys)]), encoding="utf-8")
            return {new}
        elif kind == "deleted note":
            path.unlink()
        elif kind == "renamed note":
            target = path.with_name(f"{path.stem}-moved{n}.md")
            path.rename(target)
            return {path, target}
        elif kind == ".bib":
            bib = self.notes / "refs.bib"
            bib.write_text(BIB.replace("A Survey of Everything", f"A Survey, Edition {n}"), encoding="utf-8")
            return {bib}
        elif kind == "blog post":
            post = self.notes / "blog" / "posts" / "2024-02-01-month.md"
            post.write_text(POST.replace("{body}", f"Words of edit {n}, about [[{rng.choice(keys)}]]."), encoding="utf-8")
            return {post}
        elif kind == "invalid then fixed":
            broken = path.read_text(encoding="utf-8").replace("year:", "year: [", 1)
            path.write_text(broken, encoding="utf-8")
        return {path}


KINDS = ["body", "body link", "title", "year", "field", "tags", "cites+", "cites-", "new note", "deleted note",
         "renamed note", ".bib", "blog post"]


def _build(config_file: Path, site_dir: Path, command: str):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command=command, dirty=False)
    build(config)
    return config


class _StandInServer:
    """What IncrementalServe uses of MkDocs' LiveReloadServer."""

    builder = None
    _watched_paths: dict = {}

    @staticmethod
    def _inject_js_into_html(content: bytes, epoch: int) -> bytes:
        return content


def serve_engine(config, full_builder):
    """The serve engine of a site built with ``_build(..., "serve")``, driven in-process: a test sets
    ``engine._changes`` and calls ``engine.build()``; ``full_builder`` stands for a full rebuild."""
    from paperkb.mkdocs_plugin.serve import IncrementalServe

    return IncrementalServe(config.plugins["paperkb"], _StandInServer(), full_builder)


def _site_files(site: Path) -> dict[str, object]:
    """Every file of a built site, comparable: HTML and text as written, the search indexes parsed;
    files that carry the build's time (sitemaps, feeds) are left out."""
    out: dict[str, object] = {"pagefind (indexed pages)": pagefind_pages(site)}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or rel.startswith("sitemap.xml") or rel.startswith("feed_"):
            continue
        if rel.startswith("pagefind/"):  # chunk names hash contents Pagefind orders at random: compared as pages
            continue
        if rel == "search/search_index.json":
            out[rel] = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in {".html", ".bib", ".css", ".js", ".json", ".svg", ".xml"}:
            out[rel] = path.read_text(encoding="utf-8")
        else:
            out[rel] = path.stat().st_size
    return out


@pytest.fixture
def served(tmp_path):
    """A site built as `serve` builds it, with the plugin's incremental engine attached."""

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config_file = _write_site(tmp_path, random.Random(11))
    site = tmp_path / "served"
    state = {"config": _build(config_file, site, "serve"), "full_builds": 0}

    def full_builder():
        state["full_builds"] += 1
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        fresh = load_config(config_file=str(config_file), site_dir=str(site))
        build(fresh)
        state["config"] = fresh

    engine = serve_engine(state["config"], full_builder)
    yield engine, tmp_path, config_file, site, state
    state["config"].plugins.on_shutdown()


def _apply_random_edits(served, rng: random.Random, saved_meanwhile) -> None:
    """Every kind of edit three times, in a random order (39 edits), each shown by an update;
    ``saved_meanwhile(i, last)`` makes the i-th update's look for a new save (``_saved_meanwhile``).
    Then the served site is compared with a fresh full build."""
    engine, root, config_file, site, state = served
    edits = Edits(root / "notes", rng)
    kinds = KINDS * 3
    rng.shuffle(kinds)
    updated = 0
    for i, kind in enumerate(kinds):
        touched = edits.apply(kind)
        engine._changes = {str(p) for p in touched}
        engine._saved_meanwhile = saved_meanwhile(i, last=i == len(kinds) - 1)
        before = state["full_builds"]
        engine.build()
        updated += state["full_builds"] == before
    # Most edits were shown without a full build (blog front-matter or nav changes may need one).
    assert updated >= len(kinds) - 4, f"only {updated} of {len(kinds)} edits were incremental"
    _assert_same_as_a_full_build(served)


def _assert_same_as_a_full_build(served) -> None:
    engine, root, config_file, site, _state = served
    engine.plugin.search.wait()  # Pagefind indexes in the background after an edit
    fresh = root / "fresh"
    _build(config_file, fresh, "build")  # (the fixture shuts the plugins down)
    served_files, fresh_files = _site_files(site), _site_files(fresh)
    assert sorted(served_files) == sorted(fresh_files)
    differing = [rel for rel in fresh_files if served_files[rel] != fresh_files[rel]]
    assert differing == []


@pytest.mark.parametrize("seed", [2024, 7])
def test_random_edits_leave_the_served_site_identical_to_a_full_build(served, seed):
    """Sometimes the next save comes before the second round begins: all of it is left for the
    next update (never after the last edit: the site must settle)."""
    rng = random.Random(seed)

    def saved_meanwhile(_i: int, last: bool):
        interrupted = not last and rng.random() < 0.3
        return lambda: interrupted

    _apply_random_edits(served, rng, saved_meanwhile)


@pytest.mark.parametrize("seed", [0, 2, 8, 2024])
def test_random_edits_with_saves_during_the_second_round_leave_the_site_identical(served, seed):
    """The next save comes while the second round runs, after a random number of its steps
    (some features' listings planned, some diagrams planned, some pages written): what the round
    had not finished is carried into the next update, and the site still equals a full build."""
    rng = random.Random(seed)

    def saved_meanwhile(_i: int, last: bool):
        if last or rng.random() < 0.3:
            return lambda: False
        # Looks that find no new save yet: plan_listings looks before each of its 15 planning
        # features, then the steps after it look (diagrams, batches of pages...).
        steps = iter(range(rng.randint(1, 30)))
        return lambda: next(steps, None) is None

    _apply_random_edits(served, rng, saved_meanwhile)


def test_a_save_during_the_listings_plan_is_shown_before_the_listings_are_planned(served):
    """A save that lands while the second round plans the listings (plugin.plan_listings) stops
    that plan before its next feature: the new save's first round runs at once, and the
    listings are planned once after it, for both edits. The site then equals a full build."""
    engine, root, _config_file, site, state = served
    plugin = engine.plugin
    papers = root / "notes" / "papers"
    events: list[str] = []

    def save_meanwhile() -> None:  # as the file watcher records a save (serve.py Recorder)
        path = papers / "paper4.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Paper number 4", "Fourth paper, retitled"),
                        encoding="utf-8")
        with engine._lock:
            engine._changes.add(str(path))
        events.append("saved")

    for feature in plugin.features:
        def start(build, real=feature.start, name=type(feature).__name__):
            pages = real(build)
            if build.listings:
                events.append(f"listings {name}")
                if name == "Indexes" and "saved" not in events:
                    save_meanwhile()
            return pages
        feature.start = start
    real_show = engine._show

    def show() -> None:
        page = (site / "papers" / "paper4" / "index.html").read_text(encoding="utf-8")
        events.append("shown, retitled" if "Fourth paper, retitled" in page else "shown")
        real_show()

    engine._show = show
    new = papers / "fresh1.md"
    new.write_text(note("Fresh paper", "Cites [[paper3]].\n", year=2024, fields=["LLM"], cites=["paper2"]),
                   encoding="utf-8")
    engine._changes = {str(new)}
    engine.build()  # the new note is shown; its listings' plan is stopped by the save after Indexes'
    assert events[-2:] == ["listings Indexes", "saved"] and events[0] == "shown"
    engine.build()  # the save's update: shown first, then every feature's listings, once
    assert state["full_builds"] == 0
    after = events[events.index("saved") + 1:]
    assert after[0] == "shown, retitled"
    assert after[1:] == [f"listings {type(f).__name__}" for f in plugin.features]
    assert "Fourth paper, retitled" in (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert "fresh1/" in (site / "years" / "2024" / "index.html").read_text(encoding="utf-8")
    _assert_same_as_a_full_build(served)


def test_a_note_that_becomes_invalid_keeps_its_page_with_the_problem(served):
    engine, root, _config_file, site, state = served
    path = root / "notes" / "papers" / "paper4.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("year:", "year: [", 1), encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    page = (site / "papers" / "paper4" / "index.html").read_text(encoding="utf-8")
    assert "pkb-rejected" in page and "paper4.md:" in page
    path.write_text(good, encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    page = (site / "papers" / "paper4" / "index.html").read_text(encoding="utf-8")
    assert "pkb-rejected" not in page and "Paper number 4" in page


def test_a_body_edit_rerenders_only_its_own_page(served):
    engine, root, _config_file, site, state = served
    path = root / "notes" / "papers" / "paper9.md"
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    path.write_text(path.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert state["full_builds"] == 0
    rewritten = sorted(p.relative_to(site).as_posix() for p, t in stamps.items() if p.stat().st_mtime_ns != t)
    assert rewritten == ["papers/paper9/index.html"]
    assert "A new sentence." in (site / "papers" / "paper9" / "index.html").read_text(encoding="utf-8")


def test_a_body_edit_indexes_only_its_slice_again(served):
    """The search index is in slices of 8 pages here: an edit that changes one page's text
    re-indexes that page's slice, in the background, and leaves the others' bundles alone."""
    engine, root, _config_file, site, state = served
    slices = pagefind_slices(site)
    assert len(slices) >= 3
    before = {name: (folder / "pagefind-entry.json").stat().st_ino for name, folder in slices.items()}
    slice_of = {url: name for name, folder in slices.items() for url in pagefind_pages_in(folder)}
    path = root / "notes" / "papers" / "paper9.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence with quokkaword.\n", encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    engine.plugin.search.wait()
    assert state["full_builds"] == 0
    after = {name: (folder / "pagefind-entry.json").stat().st_ino for name, folder in pagefind_slices(site).items()}
    assert [name for name in after if after[name] != before.get(name)] == [slice_of["papers/paper9/"]]
    assert "quokkaword" in pagefind_pages(site)["papers/paper9/"]["content"]


def test_a_post_that_shows_an_edited_note_is_made_again_from_its_text(served):
    engine, root, config_file, site, state = served
    path = root / "notes" / "papers" / "paper3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Paper number 3", "The third paper, retitled"),
                    encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert state["full_builds"] == 0
    post = "blog/2024/02/01/notes-of-the-month/index.html"
    fresh = root / "fresh"
    _build(config_file, fresh, "build")
    served_html, fresh_html = (site / post).read_text(encoding="utf-8"), (fresh / post).read_text(encoding="utf-8")
    assert "The third paper, retitled" in served_html
    assert served_html.count("pkb-cite") == fresh_html.count("pkb-cite") and served_html == fresh_html


def test_diagrams_two_links_from_an_edit_are_drawn_after_the_edited_pages_show(served):
    """The edited notes' diagrams are planned before the first round; those of notes two links
    away after it (serve.py ``settle``), and the site still equals a full build (test above)."""
    engine, root, _config_file, _site, _state = served
    citations = engine.plugin.citations
    shown_with: dict[str, set[str]] = {}
    real_show = engine._show

    def show() -> None:  # what was planned when the browser reloaded
        shown_with["later"] = set(citations._later)
        real_show()

    engine._show = show
    engine._saved_meanwhile = lambda: False
    path = root / "notes" / "papers" / "paper9.md"
    data, body = Edits(root / "notes", random.Random(1)).front(path)
    data["cites"] = [*data.get("cites", []), {"key": "paper1", "role": "baseline"}]
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False) + "---\n" + body, encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert shown_with["later"] and "paper9" not in shown_with["later"]  # its own diagram came first
    assert citations._later == set()  # all planned by the end of the update
    assert "diagrams" in str(engine.steps)


def test_the_first_round_writes_only_the_edited_page_and_listings_follow(served):
    """A title edit: when the browser reloads, the edited note's page is the only file written;
    the pages and files that list every note (its year's index, the bibliography, all.bib, the
    Explore data) are planned and written after it (plugin.plan_listings), with the new title."""
    engine, root, _config_file, site, state = served
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    written_first: list[str] = []
    real_show = engine._show

    def show() -> None:  # what the browser finds when it reloads
        written_first.extend(sorted(p.relative_to(site).as_posix() for p, t in stamps.items()
                                    if not p.exists() or p.stat().st_mtime_ns != t))
        real_show()

    engine._show = show
    engine._saved_meanwhile = lambda: False
    path = root / "notes" / "papers" / "paper9.md"
    year = re.search(r"^year: (\d+)", path.read_text(encoding="utf-8"), re.M).group(1)
    listings = [f"years/{year}/index.html", "bibliography/index.html", "all.bib", "assets/paperkb/notes.json"]
    assert all("Paper number 9" in (site / rel).read_text(encoding="utf-8") for rel in listings)
    path.write_text(path.read_text(encoding="utf-8").replace("Paper number 9", "Ninth paper, retitled"), encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert state["full_builds"] == 0
    assert written_first == ["papers/paper9/index.html"]
    assert "Ninth paper, retitled" in (site / "papers" / "paper9" / "index.html").read_text(encoding="utf-8")
    for rel in listings:  # then the second round
        text = (site / rel).read_text(encoding="utf-8")
        assert "Ninth paper, retitled" in text and "Paper number 9" not in text, rel
    assert "plan listings" in str(engine.steps)


def test_a_note_moved_to_a_new_field_is_on_its_page_when_the_browser_reloads(served):
    """The page of a field (or year) a note came to is made in the first round; its link to the
    field's citation graph page comes with that page, in the second round."""
    engine, root, _config_file, site, state = served
    shown: dict[str, str] = {}
    real_show = engine._show

    def show() -> None:
        page = site / "fields" / "probe-field" / "index.html"
        shown["field page"] = page.read_text(encoding="utf-8") if page.exists() else ""
        real_show()

    engine._show = show
    engine._saved_meanwhile = lambda: False
    path = root / "notes" / "papers" / "paper9.md"
    data, body = Edits(root / "notes", random.Random(1)).front(path)
    data["fields"] = ["Probe Field"]
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False) + "---\n" + body, encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert state["full_builds"] == 0
    assert "papers/paper9/" in shown["field page"] and "graph/probe-field/" not in shown["field page"]
    final = (site / "fields" / "probe-field" / "index.html").read_text(encoding="utf-8")
    assert "papers/paper9/" in final and "graph/probe-field/" in final
    assert (site / "graph" / "probe-field" / "index.html").exists()


def test_a_link_written_in_a_body_redraws_the_edited_notes_own_diagram(served):
    """A link added in the body leaves the note's shown data as it was, so its own diagram is
    planned with its neighbours' after the first round (``settle``), which wrote its page with the
    diagram it had: the page is written again with the new one."""
    engine, root, _config_file, site, state = served
    engine._saved_meanwhile = lambda: False
    path = root / "notes" / "papers" / "paper8.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAlso see [[paper14]] and [[paper13]].\n", encoding="utf-8")
    engine._changes = {str(path)}
    engine.build()
    assert state["full_builds"] == 0
    _assert_same_as_a_full_build(served)


@pytest.mark.parametrize("chinese", [True, False])
def test_serve_loads_chinese_segmentation_before_the_first_edit_needs_it(served, monkeypatch, chinese):
    """The first update after `serve` starts would otherwise load jieba's dictionary (~1 s) before
    showing its page; it is loaded in the background as serve starts, when the notes have Chinese."""
    import gc
    import threading

    from paperkb.core import chinese_words

    engine, root, *_ = served
    loads: list[str] = []
    monkeypatch.setattr(chinese_words, "_tokenizer", None)
    monkeypatch.setattr(chinese_words, "_load_tokenizer", lambda: loads.append("loaded") or "tokenizer")
    if chinese:
        paper = root / "notes" / "papers" / "paper3.md"
        paper.write_text(paper.read_text(encoding="utf-8") + "\n[想法] 预训练的表示可以迁移。\n", encoding="utf-8")
    try:
        engine.install()
    finally:
        gc.unfreeze()  # (install freezes what the build left, as serve does after a build)
    for thread in threading.enumerate():
        if thread.name == "paperkb-jieba":
            thread.join(10)
    assert loads == (["loaded"] if chinese else [])
