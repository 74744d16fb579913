"""``![[page]]``, ``![[page#Heading]]`` and ``![[page#^block]]`` show the other page's text in
place, as Obsidian does: in a real vault's shape (a map of content embedding sections of a
concept page and of a literature note, an area page embedding the map), and on hostile input
(loops, deep nesting, drafts, markup in titles, script links, unclosed code blocks)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from ..conftest import build_site, note

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _article(page: str) -> str:
    return page[page.index("<article"):page.index("</article>")]


def _embeds(page: str) -> list[str]:
    """The text of each top-level transclusion of ``page``, in order."""
    article, found, at = _article(page), [], 0
    while (start := article.find('<div class="pkb-transclusion">', at)) >= 0:
        depth, position = 0, start
        for tag in re.finditer(r"<div\b|</div>", article[start:]):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                position = start + tag.end()
                break
        found.append(article[start:position])
        at = position
    return found


def test_a_vaults_map_of_content_shows_the_sections_it_embeds(tmp_path):
    shutil.copytree(FIXTURES / "topic_vault", tmp_path / "notes")
    site = build_site(tmp_path, {})
    assert site.ok, site.messages
    moc = site.html("Maps/Diffusion MOC/")
    idea, objective, claim = _embeds(moc)
    # ![[Noise schedule#Why it matters]]: that section only, its math typeset, its image and
    # links rewritten for this page, its Obsidian comment left out; a caption links the source.
    assert '<a href="../../Concepts/Noise%20schedule/#why-it-matters">Noise schedule › Why it matters</a>' in idea
    assert "how much signal each step keeps" in idea and '<span class="arithmatex"' in idea
    assert 'src="../../attachments/schedules.svg"' in idea
    assert '<a href="../../Papers/Denoising%20Diffusion%20Probabilistic%20Models/">the DDPM note</a>' in idea
    assert "How fast noise grows" not in idea and "latent diffusion" not in idea  # other sections stay out
    assert "SECRET" not in site.all_text()
    # A section of a paper note (not its card): the display math under a line of text typeset.
    assert "Train a network to predict the noise" in objective and '<div class="arithmatex"' in objective
    assert "FID 3.17" not in objective and "pkb-card" not in objective
    # ![[page#^block]]: the paragraph that ends with the block ID.
    assert "A cosine schedule keeps more signal early." in claim and "Noise schedule</a>" in claim
    assert "How fast noise grows" not in claim and "^cosine-claim" not in html.unescape(claim.split("</p>", 1)[1])
    # An area page embedding the whole map: its embeds are expanded in turn, its title is the caption.
    area = site.html("Areas/Generative models/")
    (whole,) = _embeds(area)
    assert '<a href="../../Maps/Diffusion%20MOC/">Diffusion Models MOC</a>' in whole
    assert "🌊" not in whole  # the page's own first heading: the caption names it
    assert whole.count('<div class="pkb-transclusion">') == 4 and "Train a network" in whole
    assert "![[" not in html.unescape(_article(moc) + _article(area))


def test_loops_depth_and_missing_sections_are_warnings_naming_the_line(site_builder):
    pages = {
        "a.md": "# A\n\nA's text.\n\n![[b]]\n",
        "b.md": "# B\n\nB's text.\n\n![[a]]\n",
        "self.md": "# Self\n\nIntro.\n\n![[self#Part]]\n\n## Part\n\nPart text.\n",
        "missing.md": "# Missing\n\n![[b#No such heading]]\n\n![[b#^nope]]\n",
        **{f"chain/c{i}.md": f"# C{i}\n\nLevel {i}.\n\n![[c{i + 1}]]\n" for i in range(7)},
        "chain/c7.md": "# C7\n\nLevel 7.\n",
    }
    site = site_builder(pages)
    assert site.ok, site.messages
    warnings = site.warnings()
    assert any(w.endswith("a.md:5: ![[b]] embeds this page in itself (a.md → b.md → a.md); a link stands there instead")
               for w in warnings), warnings
    assert any("b.md:5: ![[a]] embeds this page in itself (b.md → a.md → b.md)" in w for w in warnings)
    assert any("missing.md:3: no heading 'No such heading' in b.md (its headings: B); the embed links the page"
               in w for w in warnings), warnings
    assert any("missing.md:5: no block '^nope' in b.md" in w for w in warnings)
    assert any("chain/c0.md:5: ![[c1]]: embeds nested more than 4 pages deep" in w for w in warnings)
    a = site.html("a/")
    (b_in_a,) = _embeds(a)
    assert "B&#39;s text." in b_in_a or "B's text." in b_in_a
    assert '<a href="./">A</a>' in b_in_a  # the loop closes with a link to the page itself
    assert "Part text." in _embeds(site.html("self/"))[0]  # a page may embed its own section
    c0 = site.html("chain/c0/")
    assert "Level 4." in c0 and "Level 5." not in c0 and '<a href="../c5/">C5</a>' in c0
    assert strict_fails(site_builder, pages)


def strict_fails(site_builder, pages) -> bool:
    return not site_builder(pages, strict=True).ok


def test_embedded_text_is_escaped_sanitised_and_drafts_appear_nowhere(site_builder):
    site = site_builder({
        "host.md": "# Host\n\n![[evil]]\n\n![[secret]]\n\n![[private-note#Idea]]\n\n![[open-fence]]\n\nHOST-TAIL after the embeds.\n",
        "evil.md": "---\ntags: [hostile]\n---\n\n# <img src=x onerror=alert(1)> Evil\n\nClick [me](javascript:alert(1)).\n",
        "secret.md": "---\npublish: false\n---\n\nPRIVATE-PAGE-TEXT\n",
        "papers/private-note.md": note("Private", "## Idea\n\nPRIVATE-NOTE-TEXT\n", year=2020, draft=True),
        "open-fence.md": "# Open\n\n````python\nprint('never closed')\n",
    })
    assert site.ok, site.messages
    host = site.html("host/")
    article = _article(host)
    evil, fence = _embeds(host)
    assert "<img" not in article and "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62; Evil</a>" in evil
    assert "javascript:" not in article and "Click me" in html.unescape(re.sub(r"<[^>]+>", "", evil))
    assert "PRIVATE" not in site.all_text()
    assert "<code>" in fence and "never closed" in fence  # the code block it left open ends with the embed
    assert "<p>HOST-TAIL after the embeds.</p>" in article


def test_serve_renders_a_page_again_when_a_page_it_embeds_is_saved(tmp_path):
    from .test_incremental_serve import _build, serve_engine

    from paperkb.default_config import default_config
    import yaml

    from ..conftest import write_tree

    notes = tmp_path / "notes"
    write_tree(notes, {
        "host.md": "# Host\n\n![[concept#Definition]]\n\n![[later2024#Key idea]]\n",
        "concept.md": "# Concept\n\n## Definition\n\nFIRST-DEFINITION\n",
        "papers/a2020.md": note("A", "Body.\n", year=2020),
    })
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(default_config(notes, tmp_path / "site"), sort_keys=False), encoding="utf-8")
    site = tmp_path / "site"
    config = _build(config_file, site, "serve")
    full_builds = []

    engine = serve_engine(config, lambda: full_builds.append(1))
    try:
        host = site / "host" / "index.html"
        assert "FIRST-DEFINITION" in host.read_text(encoding="utf-8")
        concept = notes / "concept.md"
        concept.write_text("# Concept\n\n## Definition\n\nSECOND-DEFINITION\n", encoding="utf-8")
        engine._changes = {str(concept)}
        engine.build()
        text = host.read_text(encoding="utf-8")
        assert "SECOND-DEFINITION" in text and "FIRST-DEFINITION" not in text
        later = notes / "papers" / "later2024.md"  # a note the host embedded before it existed
        later.write_text(note("Later", "## Key idea\n\nLATER-TEXT\n", year=2024), encoding="utf-8")
        engine._changes = {str(later)}
        engine.build()
        assert "LATER-TEXT" in host.read_text(encoding="utf-8")
        assert full_builds == []
    finally:
        config.plugins.on_shutdown()


def test_a_heading_with_inline_code_is_found(site_builder):
    """A real vault embeds `![[Rust#`Box<T>`]]`: the heading's code span is part of its text."""
    site = site_builder({
        "Rust.md": "# Rust\n\n###   `Box<T>`\n\nA pointer to the heap.\n\n### `Rc<T>` counted\n\nShared.\n",
        "Pointers.md": "# Pointers\n\n![[Rust#`Box<T>`]]\n\n![[Rust#`Rc<T>` counted]]\n",
    }, strict=True)
    assert site.ok, site.warnings()
    heap, shared = _embeds(site.html("Pointers/"))
    assert "A pointer to the heap." in heap and "Shared." not in heap and "Shared." in shared
    assert '<a href="../Rust/#box">Rust › &#96;Box&#60;T&#62;&#96;</a>' in heap  # the heading as written, escaped
    assert '<h3 id="box">' in site.html("Rust/")  # the caption's anchor is the heading's id
    assert not [m for m in site.messages if "does not contain an anchor" in m]
