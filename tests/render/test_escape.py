"""html(): Markup.format's escaping at str.format's speed."""

from __future__ import annotations

import re

from paperkb.render.escape import Markup, html


def test_html_escapes_plain_arguments_and_keeps_markup():
    out = html('<a href="{}">{}</a> {} {}', 'x"><script>', Markup("<b>kept</b>"), 2016, 1.5)
    assert isinstance(out, Markup)
    assert out == '<a href="x&#34;&gt;&lt;script&gt;"><b>kept</b></a> 2016 1.5'
    assert out == Markup('<a href="{}">{}</a> {} {}').format('x"><script>', Markup("<b>kept</b>"), 2016, 1.5)


def test_neutralize_html_keeps_angled_link_destinations_as_links_and_opens_no_tag():
    import markdown

    from paperkb.render.escape import neutralize_html

    assert markdown.markdown(neutralize_html("[x](<c d.md>)")) == '<p><a href="c%20d.md">x</a></p>'
    for hostile in ("foo](<b onmouseover=alert(1)>)", "\\[x](<img src=x onerror=alert(1)>)", "<script>x</script>"):
        assert "<b " not in markdown.markdown(neutralize_html(hostile))
        assert "<img" not in markdown.markdown(neutralize_html(hostile))
        assert "<script" not in markdown.markdown(neutralize_html(hostile))


def test_neutralize_html_leaves_no_way_to_a_tag_or_an_attribute():
    import markdown

    from paperkb.default_config import MARKDOWN_EXTENSIONS
    from paperkb.render.escape import neutralize_html

    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    configs = {next(iter(e)): e[next(iter(e))] for e in MARKDOWN_EXTENSIONS if isinstance(e, dict)}
    hostile = [
        "\\\\`<img src=x onerror=alert(1)>`",                      # an escaped backtick opens no code span
        "`a\n\n<img src=x onerror=alert(1)> b`",                   # nor does a run across a blank line
        "$ <img src=x onerror=alert(1)> $",                        # no math: spaces inside the dollars
        "costs $5 <img src=x onerror=alert(1)> or $6",             # prices are no math
        "$x<script>alert(1)</script>$",                            # a whole tag inside math
        "[x](y){ onmouseover=alert(1) }",                          # attr_list
        "`[a](<b c>)` stays code",
    ]
    for text in hostile:
        rendered = markdown.Markdown(extensions=names, extension_configs=configs).convert(neutralize_html(text))
        assert not re.search(r"<(?:img|script)\b|<[^>]*\son\w+=", rendered), (text, rendered)
    kept = neutralize_html("`[a](<b c>)` and `a<b` and $a<b$")
    assert kept == "`[a](<b c>)` and `a<b` and $a<b$"  # code and math as written


def test_one_line_html_keeps_math_as_math_for_katex_and_escapes_the_rest():
    from paperkb.render.escape import one_line_html

    out = one_line_html("Drop the label with probability $p_\\text{uncond}$, **then** <img src=x> `$a$` costs $5 or $6")
    assert isinstance(out, Markup)
    # the TeX keeps its underscore (one_line strips `_` as emphasis) and becomes arithmatex's element
    assert '<span class="arithmatex">\\(p_\\text{uncond}\\)</span>' in out
    assert "then &lt;img src=x&gt;" in out and "<img" not in out
    assert "$a$" in out and "$5 or $6" in out  # a code span and prices are no math
    assert out.count("arithmatex") == 1
    display = one_line_html("$$a<b$$ holds")
    assert display == '<span class="arithmatex">\\(a&lt;b\\)</span> holds'


def test_one_line_html_never_cuts_inside_a_formula():
    from paperkb.render.escape import one_line_html

    text = "Combine the two predictions as $\\tilde\\epsilon_\\theta = (1+w)\\epsilon_\\theta(z, c) - w\\epsilon_\\theta(z)$ at each step"
    cut = one_line_html(text, 40)
    assert cut == "Combine the two predictions as…"
    kept = one_line_html(text, 200)
    assert kept.count("\\(") == kept.count("\\)") == 1 and kept.endswith("at each step")
    long = one_line_html("word " * 60 + "$x$", 50)
    assert long.endswith("…") and "arithmatex" not in long and len(long) <= 50
