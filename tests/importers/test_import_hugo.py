"""`paperkb import posts` on a Hugo site: TOML front-matter (``+++``), Hugo's keys, shortcodes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from paperkb.cli import main
from paperkb.core.frontmatter_source import parse_front_matter
from paperkb.importers.posts import import_posts

from ..conftest import build_site, write_tree

UTC8 = dt.timezone(dt.timedelta(hours=8))

# A Hugo site as `hugo new site` lays it out, posts written the way Hugo users write them.
HUGO_SITE = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "OI notes"\n',
    "archetypes/default.md": '+++\ntitle = "{{ replace .File.ContentBaseName "-" " " | title }}"\n'
                             'date = {{ .Date }}\ndraft = true\n+++\n',
    "content/post/莫队算法详解.md": """\
+++
title = "莫队算法详解"
date = "2019-07-15T09:48:38+08:00"
lastmod = 2020-01-02T10:00:00+08:00
categories = ["算法"]
tags = ["莫队", "分块"]
description = "离线区间查询的 O(n√n) 做法"
aliases = ["/post/mo-algorithm", "/mo"]
draft = false

[params]
math = true
+++

莫队把询问按块排序，再移动两个指针。

<!--more-->

{{< figure src="/img/mo.png" title="Pointer moves" >}}

## 复杂度

每块内右指针单调，总移动 $O(n\\sqrt{n})$。

{{< admonition tip "参考代码" false >}}
```cpp
int block = sqrt(n);  // {{< not a shortcode >}}
```
{{< /admonition >}}
""",
    # a blog's own box shortcodes (its theme's layouts/shortcodes/fold.html, question.html)
    "content/post/CF484E.md": """\
---
title: "CF484E Sign on Fence"
date: 2020-04-20 16:03:21
tags: [整体二分, 主席树]
---

{{% question %}}
长度为 $n$ 的序列，$m$ 次询问区间 $[l, r]$ 中长度为 $w$ 的子区间最小值的最大值。

{{% img problem jpg %}}
{{% /question %}}

{{% fold "整体二分 O((n+m)log^2n)" %}}
```cpp
solve(l, r, queries);  // {{% not a shortcode %}}
```
{{% /fold %}}
""",
    "content/post/draft-notes.md": '+++\ntitle = "Unfinished"\ndate = 2021-03-04\ndraft = true\n+++\nNot yet.\n',
    "content/post/broken.md": '+++\ntitle = "Broken"\ndate = 2021-03-04\ntags = ["a", \n+++\nbody\n',
    "content/post/yaml-post.md": "---\ntitle: A YAML post on a Hugo site\ndate: 2018-05-06T08:00:00+08:00\n"
                                 "tags: [hugo]\n---\nHugo reads YAML front-matter too.\n",
}


def test_hugo_posts_are_imported(tmp_path):
    write_tree(tmp_path / "src", HUGO_SITE)
    notes = tmp_path / "notes"
    report = import_posts([tmp_path / "src"], out_dir=notes / "blog" / "posts", notes_dir=notes,
                          project_root=tmp_path)
    by_name = {p.name: p for p in report.posts}
    # content/ is where the posts are: the archetype (a template) is no post
    assert sorted(by_name) == ["CF484E.md", "draft-notes.md", "yaml-post.md", "莫队算法详解.md"]
    assert {p.generator for p in report.posts} == {"hugo"}

    post = parse_front_matter((notes / "blog" / "posts" / "莫队算法详解.md").read_text(encoding="utf-8"))
    assert post.data["title"] == "莫队算法详解"
    assert post.data["date"] == {"created": dt.datetime(2019, 7, 15, 9, 48, 38, tzinfo=UTC8),
                                 "updated": dt.datetime(2020, 1, 2, 10, 0, tzinfo=UTC8)}
    assert post.data["categories"] == ["算法"] and post.data["tags"] == ["莫队", "分块"]
    assert post.data["aliases"] == ["/post/mo-algorithm", "/mo"]  # unmapped keys kept as written
    assert post.data["params"] == {"math": True}
    assert "draft" not in post.data
    assert "<!-- more -->" in post.body and "$O(n\\sqrt{n})$" in post.body
    # the themes' admonition shortcode is a collapsible admonition, its code block inside it
    assert '??? tip "参考代码"\n    ```cpp\n    int block = sqrt(n);' in post.body
    draft = parse_front_matter((notes / "blog" / "posts" / "draft-notes.md").read_text(encoding="utf-8"))
    assert draft.data["draft"] is True

    problems = {(Path(p.path).name, p.line): p.message for p in report.problems}
    # the broken post is named with the line of its TOML error, and the rest still import
    assert any(name == "broken.md" and line == 4 and "TOML" in message
               for (name, line), message in problems.items()), problems
    # the shortcode stays as text, with its line
    assert "Hugo shortcode '{{< figure src=\"/img/mo.png\" title=\"Pointer moves\" >}}'" \
        in problems[("莫队算法详解.md", 19)]
    assert not any("admonition" in m or "not a shortcode" in m for m in problems.values()), problems
    # a shortcode inside a box is still named, at its line (the box's own lines are not)
    assert [(line, m.split(" is kept")[0]) for (name, line), m in problems.items() if name == "CF484E.md"] == [
        (10, "Hugo shortcode '{{% img problem jpg %}}'")]


def test_imported_hugo_blog_builds(tmp_path, capsys):
    write_tree(tmp_path / "src", HUGO_SITE)
    (tmp_path / "notes" / "blog").mkdir(parents=True)
    (tmp_path / "notes" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    assert main(["import", "posts", str(tmp_path / "src"), "--notes", str(tmp_path / "notes"),
                 "--from", "hugo"]) == 0
    site = build_site(tmp_path, {}, plugins=["blog", "tags", "paperkb"])
    assert site.ok, site.messages
    post = site.html("blog/2019/07/15/莫队算法详解/")
    assert "莫队把询问按块排序" in post and "每块内右指针单调" in post
    details = post[post.index('<details class="tip">'):post.index("</details>")]
    assert "参考代码" in details and "sqrt" in details and "<code" in details
    assert "Unfinished" not in site.all_text()  # the draft
    # the blog's own boxes: {{% question %}} an admonition, {{% fold "Title" %}} a folded one
    fence = site.html("blog/2020/04/20/cf484e-sign-on-fence/")
    assert '<div class="admonition question">' in fence and "子区间最小值的最大值" in fence
    fold = fence[fence.index('<details class="note">'):]
    assert "<summary>整体二分 O((n+m)log^2n)</summary>" in fold and "solve" in fold[:fold.index("</details>")]
    assert re.findall(r"\{\{%[^}]*%\}\}", fence) == ["{{% img problem jpg %}}", "{{% not a shortcode %}}"]  # (warned)


def test_a_box_title_holding_markup_stays_the_boxs_title_text(tmp_path):
    """A fold's or notice's title with markup in it (an end tag, a handler) is the title's text
    on the site: it neither runs nor closes the box's summary early."""
    write_tree(tmp_path / "src", {
        "config.toml": 'title = "Blog"\n',
        "content/post/boxes.md": '---\ntitle: "Boxes"\ndate: 2020-04-20 16:03:21\n---\n\n'
                                 '{{% fold "a </summary></details> b <img src=x onerror=alert(1)>" %}}\nFOLDED\n{{% /fold %}}\n\n'
                                 '{{< admonition tip "</p><script>alert(2)</script>" >}}\nTIP\n{{< /admonition >}}\n',
    })
    (tmp_path / "notes" / "blog").mkdir(parents=True)
    (tmp_path / "notes" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    assert main(["import", "posts", str(tmp_path / "src"), "--notes", str(tmp_path / "notes"), "--from", "hugo"]) == 0
    site = build_site(tmp_path, {}, plugins=["blog", "tags", "paperkb"])
    assert site.ok, site.messages
    post = site.html("blog/2020/04/20/boxes/")
    article = post[post.index("<article"):post.index("</article>")]
    assert "<summary>a &lt;/summary&gt;&lt;/details&gt; b &lt;img src=x onerror=alert(1)&gt;</summary>" in article
    assert "<script>" not in article and "&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;</summary>" in article
    assert article.count("<details") == article.count("</details>") == 2
