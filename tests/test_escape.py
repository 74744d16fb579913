"""html(): Markup.format's escaping at str.format's speed."""

from __future__ import annotations

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
