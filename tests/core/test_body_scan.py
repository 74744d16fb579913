"""Links and insights in a note body: every Markdown link form makes an edge, code and comments
make none and are left as written, links to drafts become plain text."""

from __future__ import annotations

import textwrap

import pytest

from paperkb.core.body_scan import find_links, iter_prose_lines, map_prose, rebase_links, unlink_transform
from paperkb.core.model import LinkKind

from ..conftest import note


def links(body: str, src: str = "papers/p.md") -> list[tuple[str, int, bool]]:
    return [(link.target, link.line, link.kind is LinkKind.WIKILINK) for link in find_links(textwrap.dedent(body), 10, src)]


def test_every_link_form_is_found_with_its_line():
    body = """\
    Inline [B](b.md), with a fragment [B](b.md#method), in brackets [B](<c d.md>).
    Titles in every quoting: [x](e.md "t"), [x](f.md 't'), [x](g.md (t)).
    Wikilinks [[h]], [[i|label]], [[j#sec]], in a table | [[k\\|K]] |.
    Reference style [the paper][ref] and [ref2].

    [ref]: l.md
      [Ref2]: <../other/m.md#x> "title"
    Not notes: [web](https://x.org/a.md), [abs](/n.md), ![img](o.md), [ref3]: p.txt
    """
    assert links(body) == [
        ("papers/b.md", 10, False), ("papers/b.md", 10, False), ("papers/c d.md", 10, False),
        ("papers/e.md", 11, False), ("papers/f.md", 11, False), ("papers/g.md", 11, False),
        ("h", 12, True), ("i", 12, True), ("j", 12, True), ("k", 12, True),
        ("papers/l.md", 15, False), ("other/m.md", 16, False),
    ]


def test_code_and_comments_make_no_links():
    body = """\
    Prose [[a]].

        indented code [[b]] and [x](c.md)

    ```python
    fenced = "[[d]]"
    ```
    - a list item

        a list paragraph, not code: [[e]]

          ```
          fenced in a list [[f]]
          ```
    > ```
    > quoted fence [[g]]
    > ```

    <!-- hidden [[h]] -->
    <!-- a comment
    over lines [[i]] -->after it [[j]] and `code [[k]]` <!-- [[l]] --> [[m]]
    """
    assert [target for target, _line, _wiki in links(body)] == ["a", "e", "j", "m"]


def test_a_paragraph_after_a_list_ends_it_and_indented_code_follows():
    body = "- item\n\nparagraph\n\n    code [[x]]\n"
    assert links(body) == []
    assert [index for index, _ in iter_prose_lines(body)] == [0, 1, 2, 3, 5]  # 4 is code, 5 the empty last line


def test_map_prose_leaves_code_and_comments_exactly_as_written():
    text = "a [[x]] `[[y]]` <!-- [[z]] --> [[w]]\n\n    [[v]]\n<!--\n[[u]]\n-->\n"
    out = map_prose(text, lambda line, _index: line.replace("[[", "<<"))
    assert out == "a <<x]] `[[y]]` <!-- [[z]] --> <<w]]\n\n    [[v]]\n<!--\n[[u]]\n-->\n"


def test_links_to_drafts_become_their_text_in_every_form():
    body = textwrap.dedent("""\
        See [the draft](draft.md 'title'), [it][d] and [D], but [kept](other.md).

        [d]: draft.md
        [D]: ./draft.md#x
        [keep]: other.md
        """)
    out = map_prose(body, unlink_transform(body, "papers/p.md", {"papers/draft.md"}))
    assert out.splitlines()[0] == "See the draft, it and D, but [kept](other.md)."
    assert "draft.md" not in out and "[keep]: other.md" in out


def test_site_edges_from_reference_links_and_code_shown_verbatim(site_builder):
    site = site_builder({
        "papers/b.md": note("Target B", year=2018),
        "papers/c.md": note("Target C", year=2019),
        "papers/draft.md": note("Hidden Draft", year=2020, draft=True),
        "papers/p.md": note("Citing P", textwrap.dedent("""\
            Builds on [the B paper][bref] and [C](c.md 'single-quoted title').
            The draft, [by reference][dref], stays text.

            [bref]: b.md
            [dref]: draft.md

                code: [[c]] and [x](b.md) stay as written
            """), year=2021),
    }, strict=True)
    assert site.ok, site.warnings()
    html = site.html("papers/p/")
    cites = html[html.index('id="cites"'):html.index('id="cited-by"')]
    assert 'href="../b/"' in cites and 'href="../c/"' in cites
    assert "<code>code: [[c]] and [x](b.md) stay as written\n</code>" in html
    assert "The draft, by reference, stays text." in html
    assert "Hidden Draft" not in site.all_text() and "draft.md" not in site.all_text()


def test_rebase_links_rewrites_relative_targets_for_another_page():
    text = ("[B](b.md) [C](../other/c.md#x 'title') ![fig](img/f.png) [sec](#part) [web](https://x.org/a.md) "
            "[abs](/site/a.md) [mail](mailto:a@b.c) `[code](b.md)` [sp](<my note.md>) [dir](../other/)")
    assert rebase_links(text, "papers/a.md", "insights.md") == (
        "[B](papers/b.md) [C](other/c.md#x 'title') ![fig](papers/img/f.png) [sec](papers/a.md#part) "
        "[web](https://x.org/a.md) [abs](/site/a.md) [mail](mailto:a@b.c) `[code](b.md)` [sp](<papers/my note.md>) "
        "[dir](other/)")
    assert rebase_links(text, "papers/a.md", "papers/b.md") == text


def test_insights_page_links_resolve_and_drafts_stay_text(site_builder):
    site = site_builder({
        "papers/a.md": note("Note A", "- [idea] compare with [Note B](b.md) and [the method](#method)\n",
                            year=2020, fields=["LLM"]),
        "papers/b.md": note("Note B", year=2021, fields=["LLM"],
                            insights=["see [A](a.md) and [D](d.md)", "math $x^2$ and [spaced](<c d.md>)"]),
        "papers/c d.md": note("Note C", year=2019, fields=["LLM"]),
        "papers/d.md": note("Secret D", year=2022, draft=True),
    }, strict=True)
    assert site.ok, site.warnings()
    html = site.html("insights/")
    assert '<a href="../papers/b/">Note B</a>' in html and '<a href="../papers/a/#method">the method</a>' in html
    assert 'see <a href="../papers/a/">A</a> and D</li>' in html
    assert '<a href="../papers/c%20d/">spaced</a>' in html


def test_line_numbers_count_only_newlines():
    """Form feeds and U+2028 (pasted from PDFs) end no line for Markdown, nor here."""
    body = "Intro\u2028more\x0cstill the first line\n\nSee [[alpha]].\n"
    assert links(body) == [("alpha", 12, True)]
    assert map_prose(body, lambda line, _i: line.replace("[[alpha]]", "A")) == body.replace("[[alpha]]", "A")


def test_unclosed_comments_and_fences_inside_containers_end_where_markdown_ends_them():
    body = """\
    Arrows like <!-- are fun, and [[a]] is a link.

    > ```
    > quoted code [[b]]

    After the quote [[c]].

    - item

          ```
          list code [[d]]
    Next paragraph [[e]].

    <!-- a block comment
    [[f]]
    --> [[g]]
    ## Heading
        code right after a heading [[h]]
    """
    assert [target for target, _line, _wiki in links(body)] == ["a", "c", "e", "g"]


def test_footnotes_and_image_references_are_not_note_links():
    body = "Text[^1] and ![pic][d].\n\n[^1]: draft.md explains it.\n[d]: draft.md\n"
    assert links(body) == [("papers/draft.md", 13, False)]  # the [d] definition only
    out = map_prose(body, unlink_transform(body, "papers/p.md", {"papers/draft.md"}))
    assert "Text[^1] and ![pic][d]." in out and "[^1]: draft.md explains it." in out and "[d]:" not in out


@pytest.mark.parametrize("written, rewritten", [
    ("[a](seq2seq)", "[a](seq2seq.md)"),                                  # no extension (Obsidian, Quartz)
    ("[a](Attention.MD)", "[a](attention.md)"),                            # another case: the page's own name
    ("[a](<ATTENTION.md>)", "[a](<attention.md>)"),
    ("[a](../Papers/Old%20Note.md)", "[a](Old%20Note.md)"),
    ("[a](#Related%20Work)", "[a](#related-work)"),                        # a heading by its text
    ("[a](seq2seq.md#1.2%20**Log**%20Likelihood)", "[a](seq2seq.md#12-log-likelihood)"),
    ("[a](missing.md)", "[a](missing.md)"),                                # no such page: MkDocs warns
    ("[a](figure.png) [b](#method) [c](https://x.org/#A%20B)", "[a](figure.png) [b](#method) [c](https://x.org/#A%20B)"),
])
def test_links_as_obsidian_resolves_them(written, rewritten):
    from paperkb.core.body_scan import extensionless_transform

    pages = {"papers/seq2seq.md", "papers/attention.md", "papers/Old Note.md"}
    assert extensionless_transform("papers/seq2seq.md", pages)(written, 0) == rewritten
