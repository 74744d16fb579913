"""`paperkb import posts`: Hexo, Astro and Jekyll posts to mkdocs-material blog posts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from paperkb.cli import main
from paperkb.core.frontmatter_source import parse_front_matter
from paperkb.core.problems import display_path as shown
from paperkb.importers.post_authors import initials_avatar
from paperkb.importers.posts import detect_generator, find_post_files, import_posts

from ..conftest import build_site

FIXTURES = Path(__file__).parent / "fixtures" / "import_posts"
HEXO, ASTRO, JEKYLL = FIXTURES / "hexo", FIXTURES / "astro", FIXTURES / "jekyll"
UTC8 = dt.timezone(dt.timedelta(hours=8))
AUTHORS = f"""\
# Who writes on this blog
authors:
  jane:
    name: Jane Doe
    description: Reads papers
    avatar: {initials_avatar("Jane Doe")}
"""


def read_post(path: Path) -> tuple[dict, str]:
    fm = parse_front_matter(path.read_text(encoding="utf-8"))
    return fm.data, fm.body


def source_body(path: Path) -> str:
    return parse_front_matter(path.read_text(encoding="utf-8")).body


@pytest.fixture
def blog(tmp_path):
    """A notes folder with a blog that knows one author; the three sites imported into it."""
    notes = tmp_path / "notes"
    (notes / "blog").mkdir(parents=True)
    (notes / "blog" / ".authors.yml").write_text(AUTHORS, encoding="utf-8")
    (notes / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    report = import_posts([HEXO, ASTRO, JEKYLL], out_dir=notes / "blog" / "posts", notes_dir=notes,
                          project_root=tmp_path)
    return tmp_path, notes / "blog" / "posts", report


def messages(report) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in report.problems]


# -- finding and telling posts apart ---------------------------------------------------------------
def test_finds_the_posts_of_each_site():
    names = {p.relative_to(FIXTURES).as_posix() for p in find_post_files([HEXO, ASTRO, JEKYLL])}
    assert names == {
        "hexo/source/_posts/diffusion-intro.md", "hexo/source/_posts/ppo-notes.md",
        "hexo/source/_drafts/unfinished-rlhf.md",
        "astro/src/content/blog/first-post.md", "astro/src/content/blog/second-post/index.md",
        "astro/src/content/blog/chart-demo.mdx",
        "jekyll/_posts/2023-10-21-attention-notes.md", "jekyll/research/_posts/2022-05-01-reading-group.md",
        "jekyll/_drafts/ideas.md",
    }  # not jekyll/about.md (a page), not the sites' config files


@pytest.mark.parametrize("path, front, body, expected", [
    (Path("blog/source/_posts/a.md"), {}, "", "hexo"),
    (Path("site/_posts/a.md"), {}, "", "jekyll"),
    (Path("web/src/content/posts/a.md"), {}, "", "astro"),
    (Path("loose/a.md"), {"pubDate": "2022-01-01"}, "", "astro"),
    (Path("loose/a.md"), {"layout": "../../layouts/Post.astro"}, "", "astro"),
    (Path("loose/a.mdx"), {}, "", "astro"),
    (Path("loose/2023-10-21-a.md"), {}, "", "jekyll"),
    (Path("loose/a.md"), {"mathjax": True}, "", "hexo"),
    (Path("loose/a.md"), {}, "intro\n<!--more-->\nrest", "hexo"),
    (Path("loose/a.md"), {"layout": "post"}, "", "jekyll"),
    (Path("loose/a.md"), {"title": "x"}, "", None),
])
def test_detect_generator(path, front, body, expected):
    assert detect_generator(path, front, body) == expected


# -- conversion --------------------------------------------------------------------------------------
def test_hexo_post(blog):
    _, posts, report = blog
    front, body = read_post(posts / "diffusion-intro.md")
    assert front == {
        "title": "扩散模型入门：从 DDPM 到 Score SDE",
        "date": {"created": dt.datetime(2023, 10, 21, 5, 2, 42), "updated": dt.datetime(2023, 11, 2, 10, 0)},
        "categories": ["Machine Learning", "Generative Models"],
        "tags": ["diffusion", "生成模型"],
        "mathjax": True,
        "comments": True,
    }
    original = source_body(HEXO / "source" / "_posts" / "diffusion-intro.md")
    assert body == original.replace("<!--more-->", "<!-- more -->")  # the whole body, one marker rewritten
    front, _ = read_post(posts / "ppo-notes.md")
    assert front["authors"] == ["jane"]  # `author: Jane Doe` found by name in .authors.yml
    assert (front["tags"], front["categories"], front["toc"]) == (["PPO"], ["Reinforcement Learning"], True)
    assert "author" not in front
    front, _ = read_post(posts / "unfinished-rlhf.md")
    assert front["draft"] is True and isinstance(front["date"]["created"], dt.datetime)


def test_astro_posts(blog):
    _, posts, _ = blog
    front, body = read_post(posts / "first-post.md")
    assert front == {
        "title": "My First Blog Post",
        "date": {"created": dt.date(2022, 7, 1)},
        "author": "Astro Learner",  # not in .authors.yml: kept under its own name
        "tags": ["astro", "blogging", "learning in public"],
        "description": "This is the first post of my new Astro blog.",
        "image": {"src": "./cover.png", "alt": "The Astro logo on a dark background with a pink glow."},
        "layout": "../../layouts/MarkdownPostLayout.astro",
    }
    assert body == source_body(ASTRO / "src" / "content" / "blog" / "first-post.md")
    front, _ = read_post(posts / "second-post.md")  # from second-post/index.md
    assert front["date"] == {"created": dt.date(2022, 7, 8),
                             "updated": dt.datetime(2022, 8, 1, 9, 30, tzinfo=dt.timezone.utc)}
    assert front["authors"] == ["jane"]
    assert (front["excerpt"], front["heroImage"], front["description"]) == (
        "A short story about plain text.", "/images/hero.jpg", "Plain text lasts.")
    assert "draft" not in front


def test_jekyll_posts(blog):
    _, posts, report = blog
    front, body = read_post(posts / "2023-10-21-attention-notes.md")
    assert front == {
        "title": "Notes on Attention Is All You Need",
        "date": {"created": dt.datetime(2023, 10, 21, 20, 30, tzinfo=UTC8)},
        "categories": ["ml", "papers"],  # Jekyll splits "ml papers"
        "tags": ["transformer", "attention"],
        "layout": "post",
    }
    # Jekyll's default excerpt is the first paragraph: the separator marks its end, nothing else changes
    original = source_body(JEKYLL / "_posts" / "2023-10-21-attention-notes.md")
    assert body.replace("\n<!-- more -->\n", "", 1) == original
    assert body.index("<!-- more -->") > body.index("every other token.") > 0
    assert body.index("<!-- more -->") < body.index("The rest of the post")

    front, body = read_post(posts / "2022-05-01-reading-group.md")
    assert front["date"] == {"created": dt.date(2022, 5, 1)}  # from the file name
    assert front["categories"] == ["research"]  # the folder above _posts
    assert "excerpt_separator" not in front
    assert body.startswith("We read three papers this month.\n<!-- more -->\n")
    front, _ = read_post(posts / "ideas.md")
    assert front["draft"] is True
    assert not (posts / "about.md").exists()


def test_summary_and_warnings(blog):
    tmp_path, _, report = blog
    assert report.by_generator == {"hexo": 3, "astro": 3, "jekyll": 3}
    found = messages(report)
    assert "diffusion-intro.md:21: Hexo tag '{% asset_img reverse.png 反向过程示意 %}' is kept as text; " \
           "rewrite it in Markdown" in found
    assert "2022-05-01-reading-group.md:9: Liquid tag '{{ site.baseurl }}' is kept as text; rewrite it in Markdown" \
        in found
    assert "chart-demo.mdx:6: MDX line 'import Chart from '../../components/Chart.astro';' is kept as text; " \
           "rewrite it in Markdown" in found
    assert "first-post.md:5: author 'Astro Learner' is not in notes/blog/.authors.yml: kept as 'author' " \
           "(add it there, or import with --add-authors, to show it as a blog author)" in found
    images = sorted(m for m in found if "image '" in m)
    assert images == [
        "diffusion-intro.md:19: image '/images/forward.png' is a site-root path, which breaks when the site is "
        "not at the domain's root: write '../../images/forward.png' and copy "
        f"{shown(HEXO / 'source/images/forward.png', tmp_path)} there",
        "first-post.md:24: image './screenshot.png' does not exist next to the output "
        "(notes/blog/posts/screenshot.png)",
        "first-post.md:6: image './cover.png' does not exist next to the output (notes/blog/posts/cover.png); "
        f"it is at {shown(ASTRO / 'src/content/blog/cover.png', tmp_path)}: copy it there",
        "index.md:8: image '/images/hero.jpg' is a site-root path, which breaks when the site is not at the "
        f"domain's root: write '../../images/hero.jpg' and copy {shown(ASTRO / 'public/images/hero.jpg', tmp_path)} "
        "there",
    ]  # the remote <img> of second-post is not listed


def test_reimport_creates_nothing(blog, capsys):
    tmp_path, posts, _ = blog
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    notes = tmp_path / "notes"
    assert main(["import", "posts", str(HEXO), str(ASTRO), str(JEKYLL), "--notes", str(notes)]) == 0
    out = capsys.readouterr().out
    assert "posts: 9 (astro 3, hexo 3, jekyll 3)" in out
    assert "created 0, skipped 9" in out and out.count("(exists, unchanged)") == 9
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_dry_run_writes_nothing(tmp_path, capsys):
    notes = tmp_path / "notes"
    (notes / "blog").mkdir(parents=True)
    assert main(["import", "posts", str(HEXO), str(ASTRO), "--notes", str(notes), "--dry-run", "--add-authors"]) == 0
    out = capsys.readouterr().out
    assert "would create 6, skipped 0" in out and "dry run: nothing was written" in out
    assert "authors: would create notes/blog/.authors.yml: jane-doe, astro-learner, jane" in out
    assert list((notes / "blog").iterdir()) == []


def test_never_overwrites_a_post(tmp_path, capsys):
    notes = tmp_path / "notes"
    mine = notes / "blog" / "posts" / "ppo-notes.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Mine\ndate: 2020-01-01\n---\nMy own post.\n", encoding="utf-8")
    assert main(["import", "posts", str(HEXO / "source" / "_posts" / "ppo-notes.md"), "--notes", str(notes)]) == 0
    assert "skipped: notes/blog/posts/ppo-notes.md (exists with other text, kept)" in capsys.readouterr().out
    assert mine.read_text(encoding="utf-8") == "---\ntitle: Mine\ndate: 2020-01-01\n---\nMy own post.\n"


def test_add_authors_appends_to_the_authors_file(tmp_path):
    notes = tmp_path / "notes"
    authors = notes / "blog" / ".authors.yml"
    authors.parent.mkdir(parents=True)
    authors.write_text(AUTHORS, encoding="utf-8")
    report = import_posts([ASTRO], out_dir=notes / "blog" / "posts", notes_dir=notes, add_authors=True,
                          project_root=tmp_path)
    assert report.authors_added == ["astro-learner"]
    text = authors.read_text(encoding="utf-8")
    assert text.startswith(AUTHORS)  # the user's text (and comment) untouched, the new author appended
    data = yaml.safe_load(text)["authors"]
    assert data["astro-learner"]["name"] == "Astro Learner"
    assert data["astro-learner"]["avatar"].startswith("data:image/svg+xml,")
    front, _ = read_post(notes / "blog" / "posts" / "first-post.md")
    assert front["authors"] == ["astro-learner"] and "author" not in front


def test_add_authors_refuses_a_file_it_cannot_extend_safely(tmp_path):
    notes = tmp_path / "notes"
    authors = notes / "blog" / ".authors.yml"
    authors.parent.mkdir(parents=True)
    original = "authors:\n  jane:\n    name: Jane Doe\n    description: x\n    avatar: a.png\nextra: 1\n"
    authors.write_text(original, encoding="utf-8")
    report = import_posts([ASTRO / "src" / "content" / "blog" / "first-post.md"], out_dir=notes / "blog" / "posts",
                          notes_dir=notes, add_authors=True, project_root=tmp_path)
    assert authors.read_text(encoding="utf-8") == original
    assert any(m.startswith(".authors.yml:1: could not add authors to this file safely") for m in messages(report))


def test_odd_posts(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "no-front-matter.md").write_text("# Just a README\n", encoding="utf-8")
    (src / "broken.md").write_text("---\ntitle: Broken\ntags: [a, b\n---\nbody\n", encoding="utf-8")
    (src / "conflicts.md").write_text(
        "---\ntitle: 2024\ndate: someday soon\nlinks: https://example.org\nslug: 42\nmathjax: true\ndraft: maybe\n"
        "hide: true\n---\nBody.\n",  # hexo-hide-posts' `hide: true`: material's `hide` is a list
        encoding="utf-8")
    (src / "other").mkdir()
    (src / "other" / "conflicts.md").write_text("---\ntitle: Same name\ndate: 2020-01-01\n---\nx\n", encoding="utf-8")
    notes = tmp_path / "notes"
    report = import_posts([src], out_dir=notes / "blog" / "posts", notes_dir=notes, project_root=tmp_path)
    found = messages(report)
    assert "no-front-matter.md:1: no front-matter: not a blog post; not imported" in found
    assert any(re.match(r"broken\.md:3: YAML syntax error: .*; not imported", m) for m in found)
    assert "conflicts.md:3: cannot read the date 'someday soon'" in found
    assert "conflicts.md:4: 'links' means something else to the blog plugin; kept as 'hexo_links'" in found
    assert "conflicts.md:5: 'slug' means something else to the blog plugin; kept as 'hexo_slug'" in found
    assert "conflicts.md:7: 'draft' is 'maybe', not true or false; kept as 'hexo_draft'" in found
    front, _ = read_post(notes / "blog" / "posts" / "conflicts.md")
    assert front["hexo_draft"] == "maybe" and "draft" not in front
    assert "conflicts.md:8: 'hide' means something else to the blog plugin; kept as 'hexo_hide'" in found
    assert front["hexo_hide"] is True and "hide" not in front
    assert front["title"] == "2024" and front["hexo_date"] == "someday soon"
    assert isinstance(front["date"]["created"], dt.datetime)  # the file's time, with a warning
    assert (front["hexo_links"], front["hexo_slug"]) == ("https://example.org", 42)
    assert sorted(p.name for p in (notes / "blog" / "posts").iterdir()) == ["conflicts-2.md", "conflicts.md"]


# -- a real blog built from the imported posts -----------------------------------------------------
def test_blog_builds_from_imported_posts(blog):
    tmp_path, posts, report = blog
    shutil.copy(ASTRO / "src" / "content" / "blog" / "cover.png", posts / "cover.png")  # as the warning says
    site = build_site(tmp_path, {}, plugins=["blog", "tags", "paperkb"])
    assert site.ok, site.messages
    # every problem the build reports was foretold by the importer, on the same post
    predicted = {Path(p.path).name: p.message for p in report.problems}
    for warning in site.warnings():
        post = re.search(r"'blog/posts/([^']+)'", warning).group(1)  # named like its source here
        assert post in predicted, warning
    assert len(site.warnings()) == 2  # screenshot.png (nowhere to be found) and the Liquid image

    index = site.html("blog/")
    assert "扩散模型入门：从 DDPM 到 Score SDE" in index
    assert "这篇文章整理了扩散模型的基本推导" in index  # the excerpt ...
    assert "前向过程" not in index.split("扩散模型入门")[1].split("</article>")[0]  # ... ends at <!-- more -->
    post = site.html("blog/2023/10/21/扩散模型入门从-ddpm-到-score-sde/")
    assert "score matching 的联系" in post and "Ho et al." in post
    ppo = site.html("blog/2022/03/05/ppo-the-37-implementation-details/")
    assert "Jane Doe" in ppo and "Learning-rate annealing" in ppo
    assert (site.site_dir / "blog" / "category" / "generative-models" / "index.html").is_file()
    assert (site.site_dir / "blog" / "category" / "research" / "index.html").is_file()
    everything = site.all_text()
    assert "RLHF 的坑" not in everything and "Ideas for next year" not in everything  # drafts


def test_posts_go_where_mkdocs_yml_keeps_the_blog(tmp_path, capsys):
    notes = tmp_path / "notes"
    (notes / "journal").mkdir(parents=True)
    (notes / "journal" / ".authors.yml").write_text(AUTHORS, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: notes\nplugins:\n  - search\n  - blog:\n      blog_dir: journal\n  - paperkb\n",
        encoding="utf-8")
    post = HEXO / "source" / "_posts" / "ppo-notes.md"
    assert main(["import", "posts", str(post), "--notes", str(notes)]) == 0
    assert "created: notes/journal/posts/ppo-notes.md" in capsys.readouterr().out
    front, _ = read_post(notes / "journal" / "posts" / "ppo-notes.md")
    assert front["authors"] == ["jane"]  # found in journal/.authors.yml


KRAMDOWN = FIXTURES / "jekyll_kramdown"


def test_jekyll_kramdown_post(tmp_path):
    """A Jekyll post as kramdown writes math, with a one-digit date in its name, emoji and links
    that only worked on the old site."""
    notes = tmp_path / "notes"
    report = import_posts([KRAMDOWN], out_dir=notes / "blog" / "posts", notes_dir=notes, project_root=tmp_path)
    text = (notes / "blog" / "posts" / "2017-6-5-policy-gradient-notes.md").read_text(encoding="utf-8")
    front, body = read_post(notes / "blog" / "posts" / "2017-6-5-policy-gradient-notes.md")
    assert front["date"] == {"created": dt.date(2017, 6, 5)}  # from the file name, not the mtime
    # YAML keeps emoji as written
    assert 'title: "🔥 Policy Gradient, in my own words"' in text or "title: 🔥 Policy Gradient" in text
    assert "\\U0001F525" not in text and front["tags"] == ["reinforcement-learning", "📚"]
    # kramdown's inline $$x$$ inside a sentence -> $x$; display formulas and code untouched
    assert r"> The policy $\pi_\theta(a \vert s)$ is a distribution over actions; we push $\theta$ towards" in body
    assert r"state distribution $d^\pi(s)$, which" in body
    assert "estimated in $O(N)$ samples" in body  # kramdown allows spaces inside; arithmatex does not
    assert '`x = "$$y$$"`' in body and 'cost = "$$x$$ in code stays"' in body
    assert "$$\nJ(\\theta) = " in body
    assert "\n$$\\nabla_\\theta J(\\theta) = " in body  # alone on its line: display math
    found = messages(report)
    assert ("2017-6-5-policy-gradient-notes.md:20: image '/img/policy-gradient.png' is a site-root path, which "
            "breaks when the site is not at the domain's root: write '../../img/policy-gradient.png' and copy "
            f"{shown(KRAMDOWN / 'img/policy-gradient.png', tmp_path)} there") in found
    assert ("2017-6-5-policy-gradient-notes.md:22: link 'incompleteideas.net/book/the-book.html' looks like a web "
            "address without 'https://', so it is a relative link: write "
            "'https://incompleteideas.net/book/the-book.html'") in found
    assert any(m.startswith("2017-6-5-policy-gradient-notes.md:22: link '/assets/pg-slides.pdf' is a site-root path")
               for m in found)
    assert not any("no date" in m for m in found)
    # Jekyll's {% highlight python linenos %} ... {% endhighlight %}: a fenced block, no warning
    assert '```python\ndef reinforce(episode, theta, alpha=0.01):\n    note = "$$G_t$$ stays as written in code"' in body
    assert "{% highlight" not in body and "{% endhighlight" not in body
    assert not any("highlight" in m for m in found)
