"""What a full build keeps in memory: a rendered page's Markdown is let go before any page is
written (when MkDocs holds every page at once), the written pages' text after, jieba's dictionary
never loads in the build process, and the site and its search index are whole."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from paperkb.default_config import default_config

from ..conftest import note, pagefind_pages, write_tree

NOTES = {
    "papers/sac.md": note("Soft Actor-Critic", key="sac", year=2018, fields=["RL"], venue="ICML", tags=["entropy-bonus"],
                          problem="无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。",
                          body="## Notes\n\nEntropy bonus keeps exploration alive.\n"),
    "papers/ppo.md": note("Proximal Policy Optimization", key="ppo", year=2017, fields=["RL"], cites=["sac"],
                          problem="Trust regions are costly; a clipped objective is enough."),
    "about.md": "# About\n\nThis site collects reading notes.\n",
}


def _project(tmp_path, notes: dict[str, str] = NOTES):
    write_tree(tmp_path / "notes", notes)
    config = default_config(tmp_path / "notes", tmp_path / "site", site_name="Memory test")
    config["plugins"] = ["search", "tags", "paperkb"]
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def _look_at_env(monkeypatch, look) -> None:
    """Have ``look(plugin, files)`` see the build when every page is rendered and none written."""
    from paperkb.mkdocs_plugin.plugin import PaperKBPlugin

    on_env = PaperKBPlugin.on_env

    def looking(self, env, *, config, files):
        look(self, files)
        return on_env(self, env, config=config, files=files)

    looking.mkdocs_priority = on_env.mkdocs_priority
    monkeypatch.setattr(PaperKBPlugin, "on_env", looking)


@contextmanager
def _started(config_file) -> Iterator:
    """The MkDocs config of ``config_file`` with its plugins started as for `mkdocs build`, and
    shut down afterwards (the diagram workers end), whatever the test found."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        yield config
    finally:
        config.plugins.on_shutdown()


def test_written_pages_let_go_of_their_text_and_the_site_is_whole(tmp_path):
    from mkdocs.commands.build import build

    with _started(_project(tmp_path)) as config:
        build(config)
        plugin = config.plugins["paperkb"]
        pages = {f.src_uri: f for f in plugin.live.files.documentation_pages()}
    sac = pages["papers/sac.md"].page
    assert sac.markdown is None and sac.content is None  # written, then let go
    generated = [f for src, f in pages.items() if src in plugin.generated_uris]  # index, tag, graph pages
    assert len(generated) > 5 and all(f.content_string == "" and f.page.content is None for f in generated)
    # (the pages features place themselves too: the bibliography lists every reference)
    assert "bibliography.md" not in plugin.generated_uris and "bibliography.md" in plugin.made_uris
    bibliography = pages["bibliography.md"]
    assert bibliography.content_string == "" and bibliography.page.markdown is None and bibliography.page.content is None
    assert pages["about.md"].page.content is not None  # not a page paperkb makes: left as MkDocs keeps it
    site = tmp_path / "site"
    html = (site / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert "Entropy bonus keeps exploration alive." in html and "Cited by" in html
    assert "Proximal Policy Optimization" in (site / "index.html").read_text(encoding="utf-8")
    indexed = pagefind_pages(site)
    assert "样本 效率" in indexed["papers/sac/"]["content"] and indexed["papers/sac/"]["filters"]["field"] == ["RL"]


def test_rendered_pages_let_go_of_their_markdown_before_any_page_is_written(tmp_path, monkeypatch):
    """MkDocs renders every page before it writes the first: that is when a build's memory peaks.
    By then (on_env) paperkb's pages hold neither their Markdown nor, through the render guard,
    their source as written; their titles, which MkDocs derives from the Markdown, stay."""
    from mkdocs.commands.build import build

    seen: dict[str, tuple] = {}

    def look(_plugin, files):
        for file in files.documentation_pages():
            page = file.page
            seen[file.src_uri] = (page.markdown, "render" in vars(page), page.title,
                                  file.content_string if file.generated_by else None)

    _look_at_env(monkeypatch, look)
    with _started(_project(tmp_path)) as config:
        build(config)
        generated = config.plugins["paperkb"].generated_uris
    markdown, guarded, title, _ = seen["papers/sac.md"]
    assert markdown is None and not guarded and title == "Soft Actor-Critic"
    index_pages = [seen[src] for src in generated if src in seen]
    assert len(index_pages) > 5 and all(m is None and not g and t and c == "" for m, g, t, c in index_pages)
    assert seen["about.md"][0] is not None  # not a page paperkb makes: as MkDocs keeps it
    html = (tmp_path / "site" / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert "<title>Soft Actor-Critic - Memory test</title>" in html and "Entropy bonus keeps exploration alive." in html


def test_what_a_rendered_note_waits_with_is_small_and_its_page_is_written_whole(tmp_path, monkeypatch):
    """Between rendering and writing (on_env) a note page waits with the ids of its Cites / Cited
    by / Cite headings (their HTML is made when it is written), its search filters as one flat
    tuple of names and values (counted when the index is written), no set of its own for what it read (only `serve`
    asks) and one string per heading title shared by every page's table of contents."""
    from mkdocs.commands.build import build

    seen: dict[str, object] = {}

    def look(plugin, files):
        sac, ppo = (files.get_file_from_path(src).page for src in ("papers/sac.md", "papers/ppo.md"))
        seen["trail"] = plugin.layout._trails["papers/sac.md"]
        seen["filters"] = plugin.search.filters[sac.url]
        seen["reads"] = [plugin.rendering[src].read_keys for src in ("papers/sac.md", "papers/ppo.md")]
        titles = [{item.id: item.title for item in page.toc} for page in (sac, ppo)]
        seen["titles"] = [t["cited-by"] for t in titles]

    _look_at_env(monkeypatch, look)
    with _started(_project(tmp_path)) as config:
        build(config)
    trail = seen["trail"]
    assert isinstance(trail, tuple) and "cited-by" in trail and all("<" not in anchor for anchor in trail)
    pairs = seen["filters"]
    assert type(pairs) is tuple and ("venue", "ICML") in zip(pairs[::2], pairs[1::2])
    assert all(reads == frozenset() and not isinstance(reads, set) for reads in seen["reads"])
    assert seen["titles"][0] == "Cited by" and seen["titles"][0] is seen["titles"][1]
    html = (tmp_path / "site" / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="cited-by">.*Cited by.*</h2>', html)
    filters = (tmp_path / "site" / "pagefind" / "paperkb-filters.json").read_text(encoding="utf-8")
    assert '"venue":{"ICML":1}' in filters and '"field":{"RL":2}' in filters


def test_the_build_process_never_loads_jiebas_dictionary(tmp_path):
    """The search documents (and jieba) are made in a child process that ends before Pagefind,
    which cuts Chinese into jieba's words; mkdocs-rss-plugin (with requests and GitPython, ~10 MB)
    is not imported by a site that does not use it."""
    config_file = _project(tmp_path)
    script = textwrap.dedent(f"""
        import sys
        from paperkb.cli.site import build_once
        build_once({str(config_file)!r})
        jieba = sys.modules.get("jieba")
        print("feed plugin imported" if "mkdocs_rss_plugin.plugin" in sys.modules else "no feed plugin")
        print("dictionary loaded" if jieba is not None and jieba.dt.initialized else "no dictionary")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2:] == ["no feed plugin", "no dictionary"]
    indexed = pagefind_pages(tmp_path / "site")
    assert "样本 效率" in indexed["papers/sac/"]["content"] and "原因" in indexed["papers/sac/"]["meta"]["words"].split()


def test_at_the_peak_the_build_holds_figures_not_views_and_has_not_pickled_the_notes(tmp_path, monkeypatch):
    """When every page is rendered and none written (on_env), a full build holds each note's
    diagram figure (its legend's entries shared with other figures), not the view it was made
    from; the notes cache is pickled only after the pages are written (pickling leaves a UTF-8
    copy in each non-ASCII string it writes). The diagrams and the cache are whole afterwards."""
    from mkdocs.commands.build import build

    from paperkb.core import note_cache

    monkeypatch.setattr(note_cache, "DISK_MIN_NOTES", 1)  # (a cache file for these few notes too)
    config_file = _project(tmp_path, {
        **NOTES,
        "papers/td3.md": note("Addressing Function Approximation Error", key="td3", year=2018, fields=["RL"],
                              cites=["sac", "ppo"]),
        "papers/ddpg.md": note("Continuous control with deep RL", key="ddpg", year=2016, fields=["Control"],
                               cites=["td3"]),
    })
    seen: dict[str, object] = {}

    def look(self, files):
        seen["views"] = [view for view, _key in self.citations.note_figures.values()]
        seen["held"] = self.citations.views
        seen["figure"] = self.citations.figure_html.get("papers/td3.md")
        seen["pieces"] = {name: self.citations.figure_html._figures[name] for name in ("papers/td3.md", "papers/ddpg.md")}
        seen["cache written"] = self.notes_cache_file.exists()
        seen["cache file"] = self.notes_cache_file

    _look_at_env(monkeypatch, look)
    with _started(config_file) as config:
        build(config)
    assert len(seen["views"]) >= 2 and all(view is None for view in seen["views"]) and seen["held"] is None
    figure = seen["figure"]
    assert figure.count('class="pkb-legend__item') >= 3 and "<!--pkb-graph:" in figure
    # Held as pieces, one per legend entry, each the same object in every figure that shows it.
    td3, ddpg = seen["pieces"]["papers/td3.md"], seen["pieces"]["papers/ddpg.md"]
    assert len(td3) >= figure.count('class="pkb-legend__item') + 1 and "".join(td3) == figure
    common = [piece for piece in td3 if piece.startswith('<span class="pkb-legend__item') and piece in ddpg]
    assert common and all(any(piece is other for other in ddpg) for piece in common)
    assert seen["cache written"] is False and seen["cache file"].is_file()  # written after the pages
    html = (tmp_path / "site" / "papers" / "td3" / "index.html").read_text(encoding="utf-8")
    shown = html[html.index('<figure class="pkb-graph'):]
    assert shown.startswith(figure.split("<!--pkb-graph:")[0]) and "<svg" in shown[:shown.index("</figure>")]
    assert figure[figure.index("<figcaption"):] in html  # the legend as made, whole


def test_rendered_pages_wait_packed_and_are_written_whole(tmp_path, monkeypatch):
    """Between MkDocs rendering every page and writing them (on_env), a note page's HTML waits
    packed (MkDocs' page.content is empty), the index pages' tables wait packed outside their
    source, and the note holds neither its sections after the body nor the text pass (both are
    made again when it is written); each page is written whole (its Cites, Cited by and Cite
    sections too), and mkdocs-material's tags listing (which it fills in on
    on_env) is on the Tags page."""
    from mkdocs.commands.build import build

    from paperkb.mkdocs_plugin.plugin import PaperKBPlugin

    seen: dict[str, object] = {}
    on_env = PaperKBPlugin.on_env

    def look(self, env, *, config, files):
        page = files.get_file_from_path("papers/sac.md").page
        seen["content"], seen["packed"] = page.content, self.rendering["papers/sac.md"].packed_html
        seen["sections"] = self.rendering["papers/sac.md"].sections  # (made again when it is written)
        seen["expand"] = self.rendering["papers/sac.md"].expand("[[ppo]]")  # (no text pass held)
        seen["held"] = [h for held in self.slots._pages.values() for h in held]
        bibliography = files.get_file_from_path("bibliography.md")
        seen["bibliography"] = (bibliography.content_string, bibliography.page.markdown, bibliography.page.content,
                                self.rendering["bibliography.md"].packed_html)
        return on_env(self, env, config=config, files=files)

    on_nav = PaperKBPlugin.on_nav

    def planned(self, nav, *, config, files):  # (the generated pages' sources, before rendering)
        seen["home source"] = files.get_file_from_path("index.md").content_string
        return on_nav(self, nav, config=config, files=files)

    look.mkdocs_priority = on_env.mkdocs_priority
    monkeypatch.setattr(PaperKBPlugin, "on_env", look)
    monkeypatch.setattr(PaperKBPlugin, "on_nav", planned)
    with _started(_project(tmp_path)) as config:
        build(config)
    assert seen["content"] == "" and isinstance(seen["packed"], bytes) and b"Entropy" not in seen["packed"]
    assert "<table" not in seen["home source"] and "pkb-slot-" in seen["home source"]
    assert seen["held"] and all(isinstance(h, bytes) for h in seen["held"])
    site = tmp_path / "site"
    sac = (site / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert "Entropy bonus keeps exploration alive." in sac and 'class="pkb-card' in sac and "Cited by" in sac
    assert seen["sections"] == [] and seen["expand"] == "[[ppo]]"
    assert seen["bibliography"][:3] == ("", None, "") and isinstance(seen["bibliography"][3], bytes)
    bibliography = (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert 'id="ref-sac"' in bibliography and 'id="ref-ppo"' in bibliography
    cites, cited_by, cite = (sac.index(f'<h2 id="{anchor}">') for anchor in ("cites", "cited-by", "cite"))
    assert cites < cited_by < cite  # the sections after the body, in order, each with its content
    assert "Proximal Policy Optimization" in sac[cited_by:cite] and "pkb-cite-block" in sac[cite:]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<table" in home and "Proximal Policy Optimization" in home and "pkb-slot-" not in home
    tags = next(site.rglob("tags/index.html")).read_text(encoding="utf-8")  # (material's listing, filled on_env)
    assert "entropy-bonus" in tags and "Soft Actor-Critic" in tags


def test_a_full_build_gives_free_heap_back_after_planning_and_as_it_renders_and_writes(tmp_path, monkeypatch):
    """Planning makes and drops far more than it keeps (diagram views and sources, references),
    and rendering and writing each page make and drop its text: a full build maps large blocks
    apart from the heap from its start (`serve` keeps glibc's default), returns the C heap's
    free pages once planning is done, before the first page is rendered, then every few pages
    rendered and written (HeapTrim); the site is whole."""
    from mkdocs.commands.build import build

    from paperkb.core import free_memory
    from paperkb.mkdocs_plugin import plugin as plugin_module
    from paperkb.mkdocs_plugin.plugin import PaperKBPlugin

    trims: list[str] = []
    phase = ["planning"]

    def trim() -> None:
        trims.append(phase[0])

    monkeypatch.setattr(plugin_module, "give_back_free_memory", trim)
    monkeypatch.setattr(free_memory, "give_back_free_memory", trim)
    monkeypatch.setattr(plugin_module, "map_large_blocks", lambda: trims.append("large blocks mapped"))
    served = PaperKBPlugin()
    served.on_startup(command="serve", dirty=False)
    served.restore_sigterm()
    assert trims == []
    on_page_markdown, on_env = PaperKBPlugin.on_page_markdown, PaperKBPlugin.on_env

    def rendering(self, markdown, *, page, config, files):
        phase[0] = "rendering"
        return on_page_markdown(self, markdown, page=page, config=config, files=files)

    def writing(self, env, *, config, files):
        phase[0] = "writing"
        return on_env(self, env, config=config, files=files)

    writing.mkdocs_priority = on_env.mkdocs_priority
    monkeypatch.setattr(PaperKBPlugin, "on_page_markdown", rendering)
    monkeypatch.setattr(PaperKBPlugin, "on_env", writing)
    with _started(_project(tmp_path)) as config:
        config.plugins["paperkb"].heap_trim = free_memory.HeapTrim(every=2)
        build(config)
    pages = len(list((tmp_path / "site").rglob("*.html")))
    assert trims[:2] == ["large blocks mapped", "planning"] and trims.count("planning") == 1
    assert trims.count("rendering") >= 3 and trims.count("writing") >= 3 and pages >= 8
    assert "Entropy bonus keeps exploration alive." in (tmp_path / "site" / "papers" / "sac" / "index.html").read_text(
        encoding="utf-8")


def test_the_search_documents_process_ends_before_the_pages_are_written(tmp_path, monkeypatch):
    """Once every page is rendered (on_env) the search documents' process (jieba's dictionary,
    the last slice's indexer) is told every page is in: it indexes the last slice and exits on
    its own while MkDocs writes the pages, when the build process holds the most; the search
    index is whole."""
    from mkdocs.commands.build import build

    from paperkb.mkdocs_plugin.plugin import PaperKBPlugin

    seen: dict[str, object] = {}
    on_post_page = PaperKBPlugin.on_post_page

    def written(self, output, *, page, config):
        child = self.search.documents._child
        if "exit" not in seen and child is not None:  # the first page written: the child ends meanwhile
            seen["exit"] = child.wait(timeout=60)
        return on_post_page(self, output, page=page, config=config)

    monkeypatch.setattr(PaperKBPlugin, "on_post_page", written)
    with _started(_project(tmp_path)) as config:
        build(config)
    assert seen["exit"] == 0
    indexed = pagefind_pages(tmp_path / "site")
    assert "样本 效率" in indexed["papers/sac/"]["content"] and "papers/ppo/" in indexed and "about/" in indexed


def test_a_notes_front_matter_waits_pickled_between_the_rounds_and_the_theme_reads_it_whole(tmp_path, monkeypatch):
    """A note's ``page.meta`` (~2.8 KB of small objects a short note, held by every page at the
    build's peak) waits pickled from its rendering until it is written, and again afterwards;
    MkDocs (``template``) and the theme (``hide``, the title) read it whole when they write it."""
    from mkdocs.commands.build import build

    from paperkb.core.packed_dict import PackedDict

    config_file = _project(tmp_path, {
        **NOTES,
        "papers/td3.md": note("Addressing Function Approximation Error", key="td3", year=2018, fields=["RL"],
                              cites=["sac", "ppo"], tags=["actor-critic"], hide=["navigation"],
                              template="main.html"),
    })
    seen: dict[str, tuple] = {}

    def look(_plugin, files):
        for file in files.documentation_pages():
            meta = file.page.meta
            seen[file.src_uri] = (type(meta), getattr(meta, "is_packed", False), dict.__len__(meta),
                                  getattr(meta, "_packed", None) is not None and meta._packed is meta._pickled)

    _look_at_env(monkeypatch, look)
    with _started(config_file) as config:
        build(config)
        td3 = next(f.page for f in config.plugins["paperkb"].live.files.documentation_pages()
                   if f.src_uri == "papers/td3.md")
    for src in ("papers/td3.md", "papers/sac.md", "papers/ppo.md"):
        kind, packed, held, shared = seen[src]
        assert kind is PackedDict and packed and held == 1  # (one item stays: C code reads an empty dict as empty)
        assert shared  # the same values as the notes cache read: its pickled bytes, not a copy
    assert td3.meta.is_packed  # written, packed again
    assert td3.meta["hide"] == ["navigation"] and td3.meta["template"] == "main.html" and td3.meta["year"] == 2018
    assert td3.meta["tags"] == ["actor-critic"] and td3.meta["title"] == "Addressing Function Approximation Error"
    html = (tmp_path / "site" / "papers" / "td3" / "index.html").read_text(encoding="utf-8")
    assert "<title>Addressing Function Approximation Error - Memory test</title>" in html
    assert re.search(r'<div class="md-sidebar md-sidebar--primary"[^>]*\bhidden\b', html)  # hide: navigation
    assert "actor-critic" in html and "Cited by" in (tmp_path / "site" / "papers" / "sac" / "index.html").read_text(
        encoding="utf-8")
    other = (tmp_path / "site" / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'<div class="md-sidebar md-sidebar--primary"[^>]*\bhidden\b', other)
