"""The example knowledge base in notes/ is real, varied, and builds cleanly with --strict."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from paperkb.core.loader import load_library
from paperkb.core.model import LEVELS, PAPER_TYPES

from ..conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "notes", project_root=REPO)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("example-site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO, capture_output=True, text=True)
    return result, out


def test_example_notes_are_valid_and_varied(library):
    assert library.errors == []
    notes = list(library)
    assert len(notes) >= 30
    assert len({f for n in notes for f in n.fields}) >= 5
    assert set(PAPER_TYPES) <= {n.type for n in notes}
    assert set(LEVELS) <= {n.level for n in notes}
    assert sum(len(library.cites(n.key)) for n in notes) >= 60
    languages = Counter("zh" if len(CJK.findall(n.body)) > 200 else "en" for n in notes)
    assert languages["zh"] >= 5 and languages["en"] >= 10
    assert sum(bool(n.insights) for n in notes) >= 20
    assert library.drafts, "the example shows a draft note (that must stay out of the site)"


def test_example_site_builds_strict(built, library):
    result, out = built
    assert result.returncode == 0, result.stderr[-3000:]
    for note in library:
        assert (out / note.src_uri[:-3] / "index.html").is_file(), note.src_uri
    for draft in library.drafts.values():
        assert not (out / draft.src_uri[:-3]).exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"<strong>Total Count: {len(library)}</strong>" in home


def broken_links(site_dir, directory_urls: bool = True) -> list[str]:
    """Every relative href/src in every page that points at no file of the site."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urlsplit

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src", "xlink:href") and value:
                    self.found.append(value)

    broken = []
    for page in site_dir.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or link.startswith(("#", "/", "mailto:", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site_dir)} -> {link}")
    return broken


def test_example_site_has_no_broken_links(built):
    result, out = built
    assert result.returncode == 0
    assert broken_links(out) == []


def test_example_site_without_directory_urls_has_no_broken_links(tmp_path):
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: notes", f"docs_dir: {REPO / 'notes'}").replace("custom_dir: site_src", f"custom_dir: {REPO / 'site_src'}")
    text = text.replace("  - hooks/example_quality.py", f"  - {REPO / 'hooks' / 'example_quality.py'}")
    config.write_text(text + "\nuse_directory_urls: false\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "out")],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert broken_links(tmp_path / "out", directory_urls=False) == []


def test_example_query_blocks_answer_in_notes_and_posts(built):
    """The example shows graph search inside notes and a blog post, each with real answers."""
    _result, out = built
    pages = {
        "papers/deng2009imagenet": "dataset “ImageNet: A large-scale hierarchical image database”",
        "papers/yang2023diffusionsurvey": "Notes citing all of “Denoising Diffusion Probabilistic Models”",
        "blog/2024/03/02/from-ddpm-to-latent-diffusion-a-reading-path": "following builds-on or baseline",
    }
    for url, caption in pages.items():
        html = (out / url / "index.html").read_text(encoding="utf-8")
        match = re.search(r'<div class="pkb-query" data-pkb-query="(\d+)"><p class="pkb-query__caption">([^<]*)', html)
        assert match and int(match.group(1)) >= 3 and caption in match.group(2), (url, match and match.group(2))


def test_example_project_page_builds_on_the_diffusion_notes(built, library):
    """notes/projects/ holds a real project: its page groups its papers, draws them, compares the peers."""
    _result, out = built
    project = library.projects["few-step-latent-video"]
    page = (out / "projects/few-step-latent-video/index.html").read_text(encoding="utf-8")
    for heading in ("peers", "upstream", "citation-graph", "comparison-of-peers", "insights-from-these-papers"):
        assert f'id="{heading}"' in page, heading
    assert re.search(r'<svg [^>]*class="pkb-graph__svg"', page)
    peers = re.findall(r'<tr data-pkb-key="([^"]+)">', page[page.index('id="comparison-of-peers"'):])
    assert {"rombach2022ldm", "ho2022videodiffusion"} <= set(peers)
    index = (out / "projects/index.html").read_text(encoding="utf-8")
    assert 'data-pkb-project="few-step-latent-video"' in index and project.title in index
    ddpm = (out / "papers/ho2020ddpm/index.html").read_text(encoding="utf-8")
    assert 'id="projects"' in ddpm and "../../projects/few-step-latent-video/" in ddpm
