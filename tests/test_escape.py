"""html(): Markup.format's escaping at str.format's speed."""

from __future__ import annotations

from paperkb.render.escape import Markup, html


def test_html_escapes_plain_arguments_and_keeps_markup():
    out = html('<a href="{}">{}</a> {} {}', 'x"><script>', Markup("<b>kept</b>"), 2016, 1.5)
    assert isinstance(out, Markup)
    assert out == '<a href="x&#34;&gt;&lt;script&gt;"><b>kept</b></a> 2016 1.5'
    assert out == Markup('<a href="{}">{}</a> {} {}').format('x"><script>', Markup("<b>kept</b>"), 2016, 1.5)
