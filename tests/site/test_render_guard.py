"""A page Markdown cannot make into HTML (an extension raising, or running too long) shows its
text as written with the error; the rest of the site builds; --strict fails."""

from __future__ import annotations

import textwrap
import time

import pytest

from ..conftest import build_site, note

# A Markdown extension that fails the way real ones can on strange input.
EXTENSION = textwrap.dedent('''
    import time
    from markdown.extensions import Extension
    from markdown.preprocessors import Preprocessor

    class Trap(Preprocessor):
        def run(self, lines):
            text = "\\n".join(lines)
            if "EXPLODE" in text:
                raise RecursionError("maximum recursion depth exceeded")
            if "CRAWL" in text:
                time.sleep(30)
            return lines

    class TrapExtension(Extension):
        def extendMarkdown(self, md):
            md.preprocessors.register(Trap(md), "trap", 100)

    def makeExtension(**kwargs):
        return TrapExtension(**kwargs)
''')


@pytest.fixture
def trap_extension(tmp_path, monkeypatch):
    folder = tmp_path / "ext"
    folder.mkdir()
    (folder / "trap_markdown.py").write_text(EXTENSION, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    return "trap_markdown"


def files(marker: str) -> dict:
    return {
        "papers/bad2020.md": note("Bad", f"Text <b>kept</b> {marker} as written. %%private%%\n", year=2020),
        "papers/good2021.md": note("Good", "A fine page.\n", year=2021),
    }


def config(extension: str, timeout: float = 60) -> dict:
    from paperkb.default_config import MARKDOWN_EXTENSIONS

    return {"markdown_extensions": [*MARKDOWN_EXTENSIONS, extension]}


def test_a_failing_page_shows_its_text_and_the_rest_builds(tmp_path, trap_extension):
    site = build_site(tmp_path, files("EXPLODE"), config=config(trap_extension))
    assert site.ok
    bad = site.html("papers/bad2020/")
    assert "could not be made into HTML (RecursionError: maximum recursion depth exceeded)" in bad
    assert "Text &lt;b&gt;kept&lt;/b&gt; EXPLODE as written." in bad  # escaped, every word
    assert "private" not in bad  # an Obsidian comment stays out even here
    assert 'class="pkb-card"' not in bad  # nothing paperkb held goes in above the text as written
    assert "A fine page." in site.html("papers/good2021/")
    assert any("notes/papers/bad2020.md: the page could not be made into HTML" in m for m in site.warnings())


def test_strict_fails_on_it(tmp_path, trap_extension):
    site = build_site(tmp_path, files("EXPLODE"), config=config(trap_extension), strict=True)
    assert not site.ok


def test_a_page_that_takes_too_long_is_stopped(tmp_path, trap_extension):
    cfg = config(trap_extension)
    cfg["plugins"] = ["tags", {"paperkb": {"page_render_timeout": 1}}]
    started = time.monotonic()
    site = build_site(tmp_path, files("CRAWL"), config=cfg)
    assert time.monotonic() - started < 25  # the 30 s page was cut off
    assert site.ok
    assert "could not be made into HTML (took longer than 1 s)" in site.html("papers/bad2020/")
    assert "A fine page." in site.html("papers/good2021/")
