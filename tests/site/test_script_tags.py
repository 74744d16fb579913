"""The kept script tags (mkdocs_plugin/script_tags.py) are MkDocs' own, page by page."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.utils.templates import script_tag_filter

from paperkb.mkdocs_plugin.script_tags import ScriptTags

from ..conftest import build_site, note


def _scripts() -> list:
    module = ExtraScriptValue("assets/app.mjs")
    module.type, module.defer = "module", True
    later = ExtraScriptValue("js/later.js")
    later.async_ = True
    return ["assets/paperkb/x.js", "https://cdn.example.org/a.js?x=1&y=<2>", "papers/local.js", module, later]


def test_kept_tags_are_mkdocs_tags_on_every_page():
    env = jinja2.Environment()
    env.filters["script_tag"] = script_tag_filter
    ScriptTags().install(env)
    assert env.filters["script_tag"] is not script_tag_filter
    kept = env.from_string("{% for s in scripts %}{{ s | script_tag }}\n{% endfor %}")
    plain = jinja2.Environment()
    plain.filters["script_tag"] = script_tag_filter
    mkdocs = plain.from_string("{% for s in scripts %}{{ s | script_tag }}\n{% endfor %}")
    for url, base in [("", "."), ("papers/a/", "../.."), ("papers/b/", "../.."), ("papers/", ".."),
                      ("x/y/z/", "../../.."), ("index.html", "."), ("papers/a.html", "..")] * 2:
        context = {"page": SimpleNamespace(url=url), "base_url": base, "scripts": _scripts()}
        assert kept.render(context) == mkdocs.render(context)


def test_a_theme_filter_of_its_own_is_left_alone():
    env = jinja2.Environment()
    own = env.filters["script_tag"] = lambda value: value
    ScriptTags().install(env)
    assert env.filters["script_tag"] is own


def test_pages_carry_their_scripts(tmp_path):
    site = build_site(tmp_path, {"papers/a.md": note("A", "Text.\n", key="a2020", year=2020),
                                 "extra.js": "", "sub/page.md": "# Page\n"},
                      config={"extra_javascript": ["extra.js"]})
    assert site.ok, site.messages
    assert '<script src="../../extra.js"></script>' in site.html("papers/a/")
    assert '<script src="../../extra.js"></script>' in site.html("sub/page/")
    assert '<script src="extra.js"></script>' in site.html("")
