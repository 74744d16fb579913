"""Hostile embeds: what ``![[...]]`` must never bring into the site (drafts of every kind, files
outside the notes folder, symbolic links leading out of it)."""

from __future__ import annotations

import os

from ..conftest import note


def test_a_draft_project_page_embeds_as_nothing(site_builder):
    site = site_builder({
        "host.md": "# Host\n\n![[plan]]\n\n![[plan#Secret]]\n",
        "plan.md": "---\nproject: true\ntitle: Plan\ndraft: true\n---\n\n## Secret\n\nPROJECT-DRAFT-TEXT\n",
    })
    assert "PROJECT-DRAFT-TEXT" not in site.all_text()


def test_an_embed_never_reads_outside_the_notes_folder(site_builder, tmp_path):
    """A path climbing out of the notes folder, or a symbolic link leading out of it, finds no
    page: the file's text is never read into the site."""
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n\n## Part\n\nOUTSIDE-TEXT\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    os.symlink(outside, tmp_path / "notes" / "link.md")
    site = site_builder({
        "host.md": "# Host\n\n![[../outside]]\n\n![[../outside.md#Part]]\n\n![[link]]\n\n![[link#Part]]\n",
    })
    assert "OUTSIDE-TEXT" not in site.all_text()


def test_a_rejected_draft_paper_note_embeds_as_nothing(site_builder):
    site = site_builder({
        "host.md": "# Host\n\n![[Private Paper]]\n\n![[Private Paper#Idea]]\n\n![[papers/Private Paper#Idea]]\n",
        "papers/Private Paper.md": note("Private", "## Idea\n\nDRAFT-NOTE-TEXT\n", year=2020, draft=True),
    })
    assert "DRAFT-NOTE-TEXT" not in site.all_text()


def test_serve_drops_an_embedded_page_marked_draft_and_its_embeds_of_a_project_draft(tmp_path):
    """Under serve, a page made a draft after another embedded it leaves that page at once."""
    import yaml

    from paperkb.default_config import default_config

    from ..conftest import write_tree
    from .test_incremental_serve import _build, serve_engine

    notes = tmp_path / "notes"
    write_tree(notes, {
        "host.md": "# Host\n\n![[concept#Definition]]\n\n![[plan]]\n",
        "concept.md": "# Concept\n\n## Definition\n\nFIRST-DEFINITION\n",
        "plan.md": "---\nproject: true\ntitle: Plan\n---\n\nPLAN-TEXT\n",
        "papers/a2020.md": note("A", "Body.\n", year=2020),
    })
    config_file = tmp_path / "mkdocs.yml"
    cfg = default_config(notes, tmp_path / "site")
    cfg["nav"] = ["host.md"]  # the navigation stays: serve updates the pages in place
    config_file.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    site = tmp_path / "site"
    config = _build(config_file, site, "serve")

    full_builds: list[int] = []
    engine = serve_engine(config, lambda: full_builds.append(1))
    try:
        host = site / "host" / "index.html"
        assert "FIRST-DEFINITION" in host.read_text(encoding="utf-8")
        concept = notes / "concept.md"
        concept.write_text("---\npublish: false\n---\n# Concept\n\n## Definition\n\nSECOND-DEFINITION\n", encoding="utf-8")
        plan = notes / "plan.md"
        plan.write_text("---\nproject: true\ntitle: Plan\ndraft: true\n---\n\nPLAN-DRAFT-TEXT\n", encoding="utf-8")
        engine._changes = {str(concept), str(plan)}
        engine.build()
        assert full_builds == []  # (a full build is not what this test checks)
        text = host.read_text(encoding="utf-8")
        assert "DEFINITION" not in text and "PLAN-DRAFT-TEXT" not in text
    finally:
        config.plugins.on_shutdown()


def test_a_page_embedding_hundreds_of_sections_of_a_long_page_scans_it_once(site_builder, monkeypatch):
    """A hostile (or generated) page with 300 embeds of sections and blocks of a long page: the
    long page is scanned once, not once per embed (each scan of it cost 0.15 s: 300 of them were
    a 65 s page), embeds past the limit are links, and the limit is a warning at its line."""
    from paperkb.core import page_sections
    from paperkb.render.transclusion import MAX_EMBEDS

    long_page = "# Long\n\n" + "".join(f"## H{i}\n\nSECTION-{i} text.\n\nClaim {i}. ^b{i}\n\n" for i in range(3000))
    scans: list[int] = []
    scan = page_sections.iter_prose_lines

    def counted(text: str):
        if "SECTION-2999" in text:
            scans.append(1)
        return scan(text)

    monkeypatch.setattr(page_sections, "iter_prose_lines", counted)
    embeds = [f"![[long#H{i}]]" if i % 2 else f"![[long#^b{i}]]" for i in range(300)]
    site = site_builder({"host.md": "# Host\n\n" + "\n\n".join(embeds) + "\n", "long.md": long_page})
    assert len(scans) == 1
    article = site.html("host/")
    assert article.count('<div class="pkb-transclusion">') == MAX_EMBEDS
    assert "SECTION-1 text." in article and f"Claim {MAX_EMBEDS - 2}." in article
    assert "SECTION-299 text." not in article and '<a href="../long/#h299">Long › H299</a>' in article
    assert any("host.md:" in m and "more than 200 embeds" in m for m in site.messages), site.messages


def test_a_draft_flag_that_is_no_boolean_keeps_the_page_private_and_a_left_out_page_embeds_nothing(site_builder):
    """``draft: "true"`` (quoted), ``draft: 1``, ``draft: yes`` in quotes: the author meant the
    page private, so it is (an error names the line); a page the build leaves out for its errors
    (a project page with a bad field) is not shown through an embed either."""
    shapes = ['"true"', "1", "'yes'", "[true]"]
    files = {"host.md": "# Host\n\n" + "\n\n".join(
        f"![[page{i}]]\n\n![[plan{i}]]\n\n![[paper{i}#Idea]]" for i in range(len(shapes))) + "\n\n![[broken]]\n"}
    for i, shape in enumerate(shapes):
        files[f"pages/page{i}.md"] = f"---\ndraft: {shape}\n---\n\n# Page {i}\n\nPRIVATE-PAGE-{i}\n"
        files[f"projects/plan{i}.md"] = f"---\nproject: true\ntitle: Plan {i}\ndraft: {shape}\n---\n\nPRIVATE-PLAN-{i}\n"
        files[f"papers/paper{i}.md"] = f"---\ntitle: Paper {i}\nyear: 2020\ndraft: {shape}\n---\n\n## Idea\n\nPRIVATE-NOTE-{i}\n"
    files["projects/broken.md"] = "---\nproject: true\ntitle: Broken\nstatus: [not, a, status]\n---\n\nLEFT-OUT-TEXT\n"
    site = site_builder(files)
    text = site.all_text()
    assert "PRIVATE-" not in text and "LEFT-OUT-TEXT" not in text
    assert not (site.site_dir / "projects" / "broken").exists()
    assert any("page0.md:2" in m and "'draft' must be true or false" in m and "not published" in m
               for m in site.messages), site.messages
