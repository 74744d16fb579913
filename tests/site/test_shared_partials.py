"""The theme's navigation and tabs, rendered once for the pages that show them alike
(mkdocs_plugin/shared_partials.py): every page the same as when each page renders its own."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from paperkb.mkdocs_plugin import shared_partials

from ..conftest import build_site, note

_PRIMARY_NAV = re.compile(r'<nav class="md-nav md-nav--primary.*?</nav>\s*</div>', re.S)


def _files() -> dict[str, str]:
    return {
        "papers/a.md": note("Paper A", key="a", year=2020, fields=["Vision"], cites=["b"]),
        "papers/b.md": note("Paper B", key="b", year=2019, fields=["Vision"], venue="CVPR"),
        "papers/deeper/c.md": note("Paper C", key="c", year=2021, fields=["NLP"], cites=["a"]),
        "papers/e.md": note('Tokens & <Tags> "quoted"', key="e", year=2022, fields=["NLP"], cites=["a"]),
        "about.md": "# About\n\nWho writes these notes.\n",
        "guides/reading.md": "# Reading\n\nHow to read a paper.\n",
    }


def _pages(site_dir: Path) -> dict[str, str]:
    return {p.relative_to(site_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in site_dir.rglob("*.html")}


def test_every_page_is_the_same_as_with_its_own_navigation(tmp_path, monkeypatch):
    rendered: list[str] = []
    render = jinja2.Template.render
    with monkeypatch.context() as patch:
        patch.setattr(jinja2.Template, "render", lambda self, *a, **k: rendered.append(self.name) or render(self, *a, **k))
        shared = build_site(tmp_path / "shared", _files(), plugins=["search", "tags", "paperkb"])
    assert shared.ok, shared.messages
    # Pages in the same folder outside the navigation (notes; years, fields, graphs) share one
    # rendering; those in the navigation (most of this small site) each have their own.
    navs = rendered.count("paperkb-theme/partials/nav.html")
    assert 0 < navs <= len(_pages(shared.site_dir)) - 5
    # The search box and the palette are the same on every page: rendered once a build; the
    # translations' table of the language is made once a phrase, not at every lookup.
    assert rendered.count("paperkb-theme/partials/search.html") == 1
    assert rendered.count("paperkb-theme/partials/palette.html") == 1
    # The header differs only in the title: once per group of pages, each with its own title.
    assert 0 < rendered.count("paperkb-theme/partials/header.html") <= len(_pages(shared.site_dir)) - 5
    topic = re.compile(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', re.S)
    assert topic.search(shared.html("papers/a/")).group(1) == "Paper A"
    assert topic.search(shared.html("papers/e/")).group(1) == "Tokens &amp; &lt;Tags&gt; &#34;quoted&#34;"
    assert topic.search(shared.html("about/")).group(1) == "About"
    with monkeypatch.context() as patch:
        patch.setattr(shared_partials.SharedPartials, "install", lambda self, env, custom_dir: None)
        alone = build_site(tmp_path / "alone", _files(), plugins=["search", "tags", "paperkb"])
    assert alone.ok, alone.messages
    shared_pages, alone_pages = _pages(shared.site_dir), _pages(alone.site_dir)
    assert shared_pages.keys() == alone_pages.keys() and len(shared_pages) > 20
    for uri, html in shared_pages.items():
        assert html == alone_pages[uri], uri
    # What the pages share: notes at the same depth, a different one a level deeper; the
    # navigation marks the page a reader is on where it is in the navigation.
    a, b, c = (_PRIMARY_NAV.search(shared.html(u)).group(0) for u in ("papers/a/", "papers/b/", "papers/deeper/c/"))
    assert a == b and a != c and 'href="../../about/"' in a and 'href="../../../about/"' in c
    assert "md-nav__link--active" not in a
    assert "md-nav__link--active" in _PRIMARY_NAV.search(shared.html("about/")).group(0)


def test_a_navigation_the_site_overrides_is_rendered_for_each_page(tmp_path):
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "nav.html").write_text('<nav class="custom-nav">{{ page.title }}</nav>\n', encoding="utf-8")
    site = build_site(tmp_path, _files(), plugins=["search", "tags", "paperkb"],
                      config={"theme": {"name": "material", "custom_dir": str(tmp_path / "overrides"),
                                        "features": ["navigation.tabs"]}})
    assert site.ok, site.messages
    assert '<nav class="custom-nav">Paper A</nav>' in site.html("papers/a/")
    assert '<nav class="custom-nav">Paper B</nav>' in site.html("papers/b/")


def test_translations_the_site_overrides_are_shown(tmp_path):
    """The translations looked up once a build are the site's own: a language template in its
    custom_dir, or its own partials/language.html (asked on every page, as the theme does)."""
    languages = tmp_path / "overrides" / "partials" / "languages"
    languages.mkdir(parents=True)
    (languages / "custom.html").write_text('{% macro t(key) %}{{ {"search.placeholder": "Finden"}[key] }}{% endmacro %}\n',
                                           encoding="utf-8")
    theme = {"name": "material", "custom_dir": str(tmp_path / "overrides"), "language": "custom"}
    site = build_site(tmp_path / "custom", _files(), plugins=["search", "tags", "paperkb"], config={"theme": theme})
    assert site.ok, site.messages
    assert 'placeholder="Finden"' in site.html("papers/a/") and 'placeholder="Finden"' in site.html("about/")
    assert 'aria-label="Header"' in site.html("papers/a/")  # (the English fallback for what it leaves out)

    (languages.parent / "language.html").write_text('{% macro t(key) %}{{ page.title if page else "" }}:{{ key }}{% endmacro %}\n',
                                                    encoding="utf-8")
    site = build_site(tmp_path / "own", _files(), plugins=["search", "tags", "paperkb"], config={"theme": theme})
    assert site.ok, site.messages
    assert 'placeholder="Paper A:search.placeholder"' in site.html("papers/a/")
    assert 'placeholder="About:search.placeholder"' in site.html("about/")
