"""Reading comfort: math served by the site (KaTeX, no CDN), callouts, code, tables, footnotes, images."""

from __future__ import annotations

import re

from ..conftest import note

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

MATH_NOTE = note(
    "Attention", key="attn", year=2017, fields=["LLM"],
    method="Softmax attention with cost $O(n^2 d)$.",
    body=r"""
    Inline $\sqrt{d_k}$ and display:

    $$
    \operatorname{softmax}\Big(\frac{QK^\top}{\sqrt{d_k}}\Big)V
    $$

    A price of \$5 is not math.
    """)


def _scripts_and_styles(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


def test_math_is_marked_for_katex_and_katex_is_shipped_with_the_site(site_builder):
    site = site_builder({"papers/attn.md": MATH_NOTE})
    assert site.ok and not site.warnings(), site.messages
    html = site.html("papers/attn/")
    assert r'<span class="arithmatex" data-search-exclude>\(\sqrt{d_k}\)</span>' in html
    assert re.search(r'<div class="arithmatex" data-search-exclude>\\\[\s*\\operatorname\{softmax\}', html)
    assert r'<span class="arithmatex" data-search-exclude>\(O(n^2 d)\)</span>' in html  # front-matter fields too
    assert "$5" in html and "\\(5" not in html
    refs = _scripts_and_styles(html)
    katex_js = [r for r in refs if r.endswith("assets/paperkb/katex/katex.min.js")]
    typesetter = [r for r in refs if r.endswith("assets/paperkb/paperkb-math.js")]
    assert katex_js and typesetter and refs.index(katex_js[0]) < refs.index(typesetter[0])
    assert any(r.endswith("assets/paperkb/katex/katex.min.css") for r in refs)


def test_every_katex_font_the_stylesheet_names_is_in_the_site(site_builder):
    site = site_builder({"papers/attn.md": MATH_NOTE})
    katex_dir = site.site_dir / "assets" / "paperkb" / "katex"
    css = (katex_dir / "katex.min.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert len(fonts) >= 20
    assert all(f.endswith(".woff2") for f in fonts)
    missing = [f for f in fonts if not (katex_dir / f).is_file()]
    assert not missing
    assert (katex_dir / "katex.min.js").stat().st_size > 100_000
    # The typesetter renders arithmatex elements with katex.render.
    js = (site.site_dir / "assets" / "paperkb" / "paperkb-math.js").read_text(encoding="utf-8")
    assert "katex.render" in js and ".arithmatex" in js


def test_nothing_loads_from_another_host(site_builder):
    site = site_builder({"papers/attn.md": MATH_NOTE})
    for url in ("", "papers/attn/"):
        external = [r for r in _scripts_and_styles(site.html(url)) if re.match(r"(https?:)?//", r)]
        assert external == [], url


def test_math_can_be_turned_off(site_builder):
    site = site_builder({"papers/attn.md": MATH_NOTE}, plugins=["tags", {"paperkb": {"math": False}}])
    assert site.ok
    assert "katex" not in site.html("papers/attn/")
    assert not (site.site_dir / "assets" / "paperkb" / "katex").exists()


def test_obsidian_callouts_become_admonitions_on_notes_and_other_pages(site_builder):
    callouts = """
    > [!tip] Read section 3 first
    > It explains the **loss**.

    > [!warning]- Spoilers
    > Folded by default.

    > [!faq]
    > Alias of question.

    ```markdown
    > [!note] inside code stays text
    ```

    > A plain quote [!not a callout]
    """
    site = site_builder({
        "papers/a.md": note("Paper A", key="a", year=2020, body=callouts),
        "about.md": "# About\n\n> [!info] On a plain page\n> Works too.\n",
    })
    assert site.ok and not site.warnings(), site.messages
    html = site.html("papers/a/")
    assert re.search(r'<div class="admonition tip">\s*<p class="admonition-title">Read section 3 first</p>\s*'
                     r"<p>It explains the <strong>loss</strong>.</p>", html)
    assert re.search(r'<details class="warning">\s*<summary>Spoilers</summary>', html)
    assert '<div class="admonition question">' in html
    assert "[!note] inside code stays text" in html and "admonition note" not in html
    assert "<blockquote>" in html and "[!not a callout]" in html
    assert '<div class="admonition info">' in site.html("about/")


CALLOUT_MATH = """\
> [!note] Two spaces after the marker
>  The energy:
>  $$
>  E = mc^2
>  $$

> [!example] Code, then the formula it computes
> ```python
> loss = ((y - f(x)) ** 2).mean()
> ```
> $$
> L = \\frac{1}{n}\\sum_i (y_i - f(x_i))^2
> $$

1. A step
   > [!tip] A callout in the item
   > Under text:
   > $$
   > \\nabla_\\theta L
   > $$
2. The next step
"""


def test_display_math_in_callouts_as_vaults_write_it(site_builder):
    """Callout shapes whose ``$$`` blocks showed as text: an extra space after ``>``, a formula
    right under a code block, a callout nested in a list item (which also swallowed the item
    after it)."""
    site = site_builder({"papers/a.md": note("Paper A", CALLOUT_MATH, year=2020), "about.md": "# About\n\n" + CALLOUT_MATH})
    assert site.ok and not site.warnings(), site.messages
    for page in (site.html("papers/a/"), site.html("about/")):
        article = page[page.index("<article"):page.index("</article>")]
        formulas = re.findall(r'<div class="arithmatex"[^>]*>(.*?)</div>', article, re.S)
        assert [" ".join(f.split()) for f in formulas] == [
            "\\[ E = mc^2 \\]", "\\[ L = \\frac{1}{n}\\sum_i (y_i - f(x_i))^2 \\]", "\\[ \\nabla_\\theta L \\]"]
        assert "$$" not in re.sub(r'<div class="arithmatex".*?</div>', "", article, flags=re.S)
        assert article.count('class="admonition ') == 3 and "!!!" not in article and "[!" not in article
        tip = article[article.index('<div class="admonition tip">'):]
        assert re.search(r"<li>\s*<p>A step</p>\s*<div class=\"admonition tip\">", article)  # inside its item
        assert re.search(r"</li>\s*<li>\s*<p>The next step</p>\s*</li>\s*</ol>", tip)  # a sibling, not nested


def test_code_tables_footnotes_and_relative_images(site_builder):
    body = """
    ```python
    def loss(x):
        return x ** 2
    ```

    | Model | BLEU |
    |-------|-----:|
    | Base  | 27.3 |

    The claim needs a source.[^1]

    ![Architecture](../images/arch.png)

    [^1]: Table 2 of the paper.
    """
    site = site_builder({"papers/a.md": note("Paper A", key="a", year=2020, body=body), "images/arch.png": PNG})
    assert site.ok and not site.warnings(), site.messages
    html = site.html("papers/a/")
    assert re.search(r'<div class="highlight"><pre>.*<span class="k">def</span>', html, re.S)
    assert re.search(r"<table>.*<th[^>]*>Model</th>.*<td[^>]*>27.3</td>", html, re.S)
    assert '<div class="footnote">' in html and "Table 2 of the paper." in html
    assert '<img alt="Architecture" src="../../images/arch.png"' in html
    assert (site.site_dir / "images" / "arch.png").read_bytes() == PNG


def test_without_arithmatex_generic_math_is_not_loaded_and_the_build_says_why(site_builder):
    from paperkb.default_config import MARKDOWN_EXTENSIONS

    extensions = [e for e in MARKDOWN_EXTENSIONS if not (isinstance(e, dict) and "pymdownx.arithmatex" in e)]
    site = site_builder({"papers/attn.md": MATH_NOTE}, config={"markdown_extensions": extensions})
    assert site.ok and not site.warnings(), site.messages
    assert "katex" not in site.html("papers/attn/")
    assert any("math is not typeset" in m and "arithmatex" in m for m in site.messages)
