"""A note's lists as Typora / Obsidian / Prettier indent them come out nested in the site."""

from __future__ import annotations

import re

from ..conftest import note

BODY = """\
## Notes

- Problem
  - long videos
  - 数据少
    - even less labelled
- Method

  A second paragraph of Method.
- Results

1. first step
2. second step
"""


def test_two_space_nesting_and_a_numbered_list_after_bullets(site_builder):
    site = site_builder({"papers/a2020.md": note("A", BODY, year=2020)})
    assert site.ok, site.warnings()
    page = site.html("papers/a2020/")
    body = page[page.index('id="notes"'):]
    assert re.search(r"<li>Problem<ul>\s*<li>long videos</li>\s*<li>数据少<ul>\s*<li>even less labelled</li>", body)
    assert re.search(r"<p>Method</p>\s*<p>A second paragraph of Method\.</p>\s*</li>\s*<li>\s*<p>Results</p>", body)
    assert re.search(r"</ul>\s*<ol>\s*<li>first step</li>", body)
