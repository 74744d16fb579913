"""Obsidian's %% comments %% are published nowhere: pages, search, insights, links, feeds."""

from __future__ import annotations

from ..conftest import note

BODY = """\
Public summary. %%SECRET-INLINE reviewer was rude%% Back to public text.

%%
SECRET-BLOCK
- [想法] SECRET-INSIGHT
See [[b2019]].
%%

Code keeps it: `a %% b` and

```
x = 5 %% 3  # SECRET-NOT: code is text
```

- [想法] a public insight
Trailing %% SECRET-UNCLOSED runs to the end
like Obsidian hides it
"""


def test_comments_appear_nowhere_in_the_site(site_builder):
    site = site_builder({
        "papers/a2020.md": note("A", BODY, year=2020),
        "papers/b2019.md": note("B", year=2019),
        "blog/index.md": "# Blog\n",
        "blog/posts/hello.md": "---\ndate: 2024-01-01\n---\n\n# Hello\n\nPost. %%SECRET-POST%% Done.\n",
    }, plugins=["tags", "blog", "paperkb"])
    assert site.ok, site.warnings()
    everything = site.all_text()
    for secret in ("SECRET-INLINE", "SECRET-BLOCK", "SECRET-INSIGHT", "SECRET-UNCLOSED", "like Obsidian hides",
                   "SECRET-POST"):
        assert secret not in everything, secret
    page = site.html("papers/a2020/")
    assert "Public summary." in page and "Back to public text." in page
    assert "a %% b" in page and "SECRET-NOT" in page  # code is text
    assert "a public insight" in site.html("insights/")
    assert "papers/a2020/" not in site.html("papers/b2019/")  # the commented [[b2019]] links nothing
