"""What a full build keeps in memory: the written pages' text is let go, jieba's dictionary
never loads in the build process, and the site and its search index are whole."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import yaml

from paperkb.default_config import default_config

from ..conftest import note, pagefind_pages, write_tree

NOTES = {
    "papers/sac.md": note("Soft Actor-Critic", key="sac", year=2018, fields=["RL"], venue="ICML",
                          problem="无模型深度强化学习样本效率很低，这是训练不稳定的根本原因。",
                          body="## Notes\n\nEntropy bonus keeps exploration alive.\n"),
    "papers/ppo.md": note("Proximal Policy Optimization", key="ppo", year=2017, fields=["RL"], cites=["sac"],
                          problem="Trust regions are costly; a clipped objective is enough."),
    "about.md": "# About\n\nThis site collects reading notes.\n",
}


def _project(tmp_path):
    write_tree(tmp_path / "notes", NOTES)
    config = default_config(tmp_path / "notes", tmp_path / "site", site_name="Memory test")
    config["plugins"] = ["search", "tags", "paperkb"]
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def test_written_pages_let_go_of_their_text_and_the_site_is_whole(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(_project(tmp_path)))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
        plugin = config.plugins["paperkb"]
        pages = {f.src_uri: f for f in plugin.live.files.documentation_pages()}
    finally:
        config.plugins.on_shutdown()
    sac = pages["papers/sac.md"].page
    assert sac.markdown is None and sac.content is None  # written, then let go
    generated = [f for src, f in pages.items() if src in plugin.generated_uris]  # index, tag, graph pages
    assert len(generated) > 5 and all(f.content_string == "" and f.page.content is None for f in generated)
    assert pages["about.md"].page.content is not None  # not a page paperkb makes: left as MkDocs keeps it
    site = tmp_path / "site"
    html = (site / "papers" / "sac" / "index.html").read_text(encoding="utf-8")
    assert "Entropy bonus keeps exploration alive." in html and "Cited by" in html
    assert "Proximal Policy Optimization" in (site / "index.html").read_text(encoding="utf-8")
    indexed = pagefind_pages(site)
    assert "样本 效率" in indexed["papers/sac/"]["content"] and indexed["papers/sac/"]["filters"]["field"] == ["RL"]


def test_the_build_process_never_loads_jiebas_dictionary(tmp_path):
    """The search documents (and jieba) are made in a child process that ends before Pagefind."""
    config_file = _project(tmp_path)
    script = textwrap.dedent(f"""
        import sys
        from paperkb.cli.site import build_once
        build_once({str(config_file)!r})
        jieba = sys.modules.get("jieba")
        print("dictionary loaded" if jieba is not None and jieba.dt.initialized else "no dictionary")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "no dictionary"
    indexed = pagefind_pages(tmp_path / "site")
    assert "样本 效率" in indexed["papers/sac/"]["content"] and "原因" in indexed["papers/sac/"]["meta"]["words"].split()
