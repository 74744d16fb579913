"""BibTeX in built sites: Cite blocks, [@key] citations, Bibliography and To-read pages, all.bib."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import bibtexparser
import pytest

from ..conftest import note

BIB = r"""@inproceedings{vaswani2017attention,
  title     = {Attention is All you Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and Kaiser, {\L}ukasz},
  booktitle = {Advances in Neural Information Processing Systems},
  pages     = {5998--6008},
  year      = {2017},
}

@misc{gu2023mamba,
  title         = {Mamba: Linear-Time Sequence Modeling with Selective State Spaces},
  author        = {Gu, Albert and Dao, Tri},
  year          = {2023},
  eprint        = {2312.00752},
  archivePrefix = {arXiv},
}

@article{kerbl2023gaussian,
  title   = {{3D} Gaussian Splatting for Real-Time Radiance Field Rendering},
  author  = {Kerbl, Bernhard and Leimk{\"u}hler, Thomas},
  journal = {ACM Transactions on Graphics},
  year    = {2023},
}

@article{old1998queue,
  title   = {An Old Paper \& Its {BibTeX}},
  author  = {Smith, John},
  journal = {Journal of Old Things},
  year    = {1998},
}

@misc{secret2024draft,
  title = {Entry Whose Note Is A Draft},
  author = {Hidden, Harriet},
  year = {2024},
}
"""


def files(**extra) -> dict[str, str]:
    base = {
        "index.md": "# Home\n",
        "references.bib": BIB,
        "papers/vaswani2017attention.md": note(
            "Attention Is All You Need", "The Transformer.\n\nIt builds on [@gu2023mamba] (not really).\n",
            level="deep", type="application", fields=["LLM"]),
        "papers/devlin2019bert.md": note(
            "BERT: Pre-training", "Uses the Transformer [@vaswani2017attention; @gu2023mamba].\n\n"
            "See also [see @vaswani2017attention, p. 3] and [-@kerbl2023gaussian].\n\n"
            "Mail me at someone@example.org or ping @vaswani2017attention on chat; [mail me@example.org].\n\n"
            "`[@vaswani2017attention]` stays code.\n\n```\n[@gu2023mamba] in a fence\n```\n",
            year=2019, venue="NAACL", authors=["Jacob Devlin", "Ming-Wei Chang"], fields=["LLM"]),
        "papers/secret.md": note("Entry Whose Note Is A Draft", key="secret2024draft", draft=True),
    }
    base.update(extra)
    return base


def attribute_names(html: str) -> set[str]:
    names: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.update(name for name, _ in attrs)

    Collect().feed(html)
    return names


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_cite_block_on_every_note_page(site_builder):
    site = site_builder(files())
    assert site.ok, site.messages
    html = site.html("papers/vaswani2017attention/")
    # The heading is in the table of contents (it is added after the page's Markdown).
    assert '<h2 id="cite">Cite' in html
    assert re.search(r'<a href="#cite" class="md-nav__link">\s*<span class="md-ellipsis">\s*Cite\s*</span>', html)
    block = html[html.index('<h2 id="cite">'):]
    ref = re.search(r'<p class="pkb-cite-block__ref">(.*?)</p>', block, re.S).group(1)
    assert text_of(ref).startswith("Ashish Vaswani, Noam Shazeer, and Łukasz Kaiser. Attention is all you need.")
    code = text_of(re.search(r'<code>(.*?)</code>', block, re.S).group(1))
    assert code.startswith("@inproceedings{vaswani2017attention,")
    assert r"Kaiser, {\L}ukasz" in code  # the .bib entry as written
    # A note without a .bib entry gets one made from its front-matter.
    bert = site.html("papers/devlin2019bert/")
    code = text_of(re.search(r'<h2 id="cite">.*?<code>(.*?)</code>', bert, re.S).group(1))
    assert code.startswith("@inproceedings{devlin2019bert,")
    assert "author = {Jacob Devlin and Ming-Wei Chang}" in code and "booktitle = {NAACL}" in code
    parsed = bibtexparser.parse_string(code)
    assert [e.key for e in parsed.entries] == ["devlin2019bert"] and not parsed.failed_blocks


@pytest.mark.parametrize("style, expected", [
    ("plain", "Ashish Vaswani, Noam Shazeer, and Łukasz Kaiser."),
    ("alpha", "[VSK17]"),
])
def test_reference_style_is_configurable(site_builder, style, expected):
    site = site_builder(files(), config={"plugins": ["tags", {"paperkb": {"bib_style": style}}]})
    assert site.ok
    assert expected in text_of(site.html("bibliography/"))


def test_in_text_citations_link_to_notes_or_the_bibliography(site_builder):
    site = site_builder(files())
    html = site.html("papers/devlin2019bert/")
    body = text_of(html)
    assert "Uses the Transformer (Vaswani et al., 2017; Gu and Dao, 2023)." in body
    assert "See also (see Vaswani et al., 2017, p. 3) and (2023)." in body
    # A citation of a note is titled like every link to a note: title, year, venue.
    assert re.search(r'<a href="../vaswani2017attention/" title="Attention Is All You Need &#40;2017[^"]*&#41;">'
                     r'Vaswani et al&#46;, 2017</a>', html)
    assert re.search(r'<a href="../../bibliography/#ref-gu2023mamba">Gu and Dao, 2023</a>', html)
    # Not citations: e-mail addresses, @mentions, code.
    assert "Mail me at someone@example.org or ping @vaswani2017attention on chat; [mail me@example.org]." in body
    assert "<code>[@vaswani2017attention]</code>" in html
    assert "[@gu2023mamba] in a fence" in body
    # The References list after the body, each formatted once, in the style's order.
    start = html.index('<h2 id="references">')
    refs = html[start:html.index('<h2 ', start + 1)]
    keys = re.findall(r'data-pkb-key="([^"]+)"', refs)
    assert keys == ["gu2023mamba", "kerbl2023gaussian", "vaswani2017attention"]
    assert 'id="ref-gu2023mamba"' in refs and '<a class="pkb-ref__note" href="../vaswani2017attention/">' in refs
    assert "3D gaussian splatting" in text_of(refs) and "Leimkühler" in text_of(refs)
    # The bibliography anchor the bib-only citation points at exists.
    assert 'id="ref-gu2023mamba"' in site.html("bibliography/")
    assert not site.warnings(), site.warnings()


def test_citations_in_blog_posts_and_plain_pages_with_unknown_key_warnings(site_builder):
    page = "# About\n\nLine two.\n\nAs shown in [@vaswani2017attention; @nobody2020].\n\nAnd [@ghost1999] too.\n"
    site = site_builder(files(**{"about.md": page}))
    html = site.html("about/")
    body = text_of(html)
    assert "As shown in (Vaswani et al., 2017; nobody2020?)." in body
    assert "And [@ghost1999] too." in body  # nothing known: left as written
    assert re.search(r'<h2 id="references">References', html)
    warnings = site.warnings()
    assert any(w.endswith("notes/about.md:5: unknown citation key 'nobody2020' in [@nobody2020] "
                          "(no note or .bib entry has this key)") for w in warnings), warnings
    assert any("notes/about.md:7: unknown citation key 'ghost1999'" in w for w in warnings), warnings


def test_unknown_key_in_a_note_is_reported_with_its_line(site_builder):
    body = "First line.\n\nCites [@vaswani2017attention] and [@missing2021].\n"
    site = site_builder(files(**{"papers/x.md": note("X", body, year=2020)}))
    # front-matter: ---, title, year, --- (4 lines), blank line, then the body: "Cites" is line 8.
    assert any(w.endswith("notes/papers/x.md:8: unknown citation key 'missing2021' in [@missing2021] "
                          "(no note or .bib entry has this key)") for w in site.warnings()), site.warnings()
    strict = site_builder(files(**{"papers/x.md": note("X", body, year=2020)}), strict=True)
    assert not strict.ok


def test_bibliography_page_grouped_by_year(site_builder):
    site = site_builder(files())
    html = site.html("bibliography/")
    years = re.findall(r'<h2 id="[^"]*">(\d{4}|Undated)<', html)
    assert years == ["2023", "2019", "2017", "1998"]
    keys = re.findall(r'data-pkb-key="([^"]+)"', html)
    assert sorted(keys) == ["devlin2019bert", "gu2023mamba", "kerbl2023gaussian", "old1998queue", "vaswani2017attention"]
    assert "An old paper &amp; its <span class=\"bibtex-protected\">BibTeX</span>" in html
    assert '<a href="../all.bib">all.bib</a>' in html
    nav = site.html("")
    assert re.search(r'href="bibliography/"[^>]*>\s*Bibliography', nav) and re.search(r'href="to-read/"[^>]*>\s*To read', nav)


def test_to_read_page_lists_entries_without_notes_newest_first(site_builder):
    site = site_builder(files())
    html = site.html("to-read/")
    keys = re.findall(r'data-pkb-key="([^"]+)"', html)
    assert keys == ["gu2023mamba", "kerbl2023gaussian", "old1998queue"]  # 2023, 2023, 1998; no draft, no notes
    text = text_of(html)
    assert "Bernhard Kerbl and Thomas Leimkühler. 3D gaussian splatting for real-time radiance field rendering. " \
           "ACM Transactions on Graphics, 2023." in text
    assert "Reading note" not in text


def test_all_bib_is_published_deterministic_and_reparses(site_builder, tmp_path):
    site = site_builder(files())
    text = (site.site_dir / "all.bib").read_text(encoding="utf-8")
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    assert [e.key for e in parsed.entries] == [
        "devlin2019bert", "gu2023mamba", "kerbl2023gaussian", "old1998queue", "vaswani2017attention"]
    assert r"Leimk{\"u}hler" in text
    assert not (site.site_dir / "references.bib").exists()  # the source is not copied as is
    again = site_builder(files())
    assert (again.site_dir / "all.bib").read_text(encoding="utf-8") == text


def test_drafts_appear_nowhere_even_with_a_bib_entry(site_builder):
    extra = {"blog/posts/p.md": "---\ndate: 2024-01-01\n---\n# Post\n\nA draft cited: [@secret2024draft].\n"}
    site = site_builder(files(**extra))
    everything = site.all_text()
    assert "Harriet" not in everything and "Entry Whose Note Is A Draft" not in everything
    assert "secret2024draft" not in (site.site_dir / "all.bib").read_text(encoding="utf-8")
    assert not site.warnings(), site.warnings()


def test_broken_bib_in_a_build_names_file_and_line_and_keeps_the_rest(site_builder):
    broken = BIB + "\n@article{broken2020,\n  title = {Unclosed,\n  year = {2020}\n\n@misc{after2021, title = {After}, year = {2021}}\n"
    site = site_builder(files(**{"references.bib": broken}))
    line = broken[:broken.index("@article{broken2020")].count("\n") + 1
    assert any(f"notes/references.bib:{line}: broken BibTeX entry, skipped" in w for w in site.warnings()), site.warnings()
    assert 'data-pkb-key="after2021"' in site.html("to-read/")
    assert not site_builder(files(**{"references.bib": broken}), strict=True).ok


def test_conflicts_are_build_warnings(site_builder):
    site = site_builder(files(**{"papers/vaswani2017attention.md": note("Attention", year=2018)}))
    warnings = site.warnings()
    assert any("notes/papers/vaswani2017attention.md:2: title 'Attention' differs from notes/references.bib:2" in w
               for w in warnings), warnings
    assert any("notes/papers/vaswani2017attention.md:3: year '2018' differs from notes/references.bib:6 '2017'" in w
               for w in warnings), warnings


def test_bib_files_option_reads_a_file_outside_the_notes(site_builder, tmp_path):
    (tmp_path / "zotero").mkdir()
    (tmp_path / "zotero/library.bib").write_text("@misc{zot2022, title = {From Zotero}, year = {2022}}\n", encoding="utf-8")
    site = site_builder(files(), config={"plugins": ["tags", {"paperkb": {"bib_files": ["zotero/library.bib"]}}]})
    assert site.ok and 'data-pkb-key="zot2022"' in site.html("to-read/")
    assert "zot2022" in (site.site_dir / "all.bib").read_text(encoding="utf-8")


def test_hostile_bib_values_are_escaped_on_every_page(site_builder):
    hostile = (
        "@article{evil2020,\n  title = {<script>alert(1)</script> [[wiki]] [@gu2023mamba]},\n"
        "  author = {<img src=x onerror=alert(2)>, Eve},\n  journal = {<b>bold</b>},\n  year = {2020},\n"
        "  url = {javascript:alert(3)},\n  doi = {10.1/\"><script>alert(4)</script>},\n}\n"
        "@misc{evilnote, title = {Note <script>alert(5)</script>}, url = {x\" onmouseover=\"alert(6)}}\n"
    )
    site = site_builder(files(**{
        "references.bib": BIB + hostile,
        "papers/evilnote.md": "---\nlevel: skim\n---\nBody cites [@evil2020].\n",
    }))
    assert site.ok, site.messages
    for path in site.site_dir.rglob("*"):
        if path.suffix in {".html", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8")
            for needle in ("<script>alert", "<img src=x", "<b>bold</b>", "javascript:alert"):
                assert needle not in text, (path, needle)
            # Quotes in a .bib value stay text (in the code block): they never open an attribute.
            if path.suffix == ".html":
                assert not {"onmouseover", "onerror"} & attribute_names(text), path
    page = site.html("papers/evilnote/")
    assert "Note &lt;script&gt;alert(5)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in site.html("bibliography/")
    # Brackets from a .bib title never turn into links or citations.
    assert "wiki</a>" not in site.html("bibliography/") and "Gu and Dao" not in site.html("to-read/")


def test_biblatex_commands_read_as_their_meaning_in_references(site_builder):
    """biblatex's example .bib writes \\hyphen, \\mkbibquote{...}; other real .bib files \\emph{...},
    \\textsc{...}: pybtex left them as text ("methodology\\hyphen independent")."""
    biblatex = (
        "@article{kastenholz2006,\n  author = {Kastenholz, M. A.},\n"
        "  title = {Computing methodology\\hyphen independent solvation energies},\n"
        "  journaltitle = {J.~Chem. Phys.}, date = 2006,\n}\n"
        "@article{spiegel1969,\n  author = {Spiegel, Herbert},\n"
        "  title = {\\mkbibquote{Intention} und \\mkbibquote{Intentionalit{\\\"a}t} bei Husserl},\n"
        "  journal = {Studia \\emph{Philosophica}}, year = 1969,\n}\n"
        "@book{knuth1984,\n  author = {Knuth, Donald}, title = {The \\textsc{TeX}book\\slash Volume A},\n"
        "  publisher = {Addison\\hyphen Wesley}, year = 1984,\n}\n"
    )
    site = site_builder(files(**{"references.bib": BIB + biblatex}))
    assert site.ok, site.messages
    page = text_of(site.html("bibliography/"))
    assert "methodology-independent solvation energies" in page
    assert "“intention” und “intentionalität” bei husserl" in page  # the plain style's sentence case
    assert "Studia Philosophica" in page and "TeXbook/Volume A" in page and "Addison-Wesley" in page
    refs = re.findall(r'<p class="pkb-ref.*?</p>', site.html("bibliography/"), flags=re.S)
    assert refs and not any(re.search(r"\\[a-zA-Z]", ref) for ref in refs), [r for r in refs if "\\" in r]


def test_zotero_export_quirks_read_as_text_in_references_and_notes(site_builder):
    """A Zotero export writes an accent found beside its letter as {\\textasciicaron} and a
    publisher as \\url{...}: references showed "\\textasciicaron" and "\\url"."""
    zotero = (
        "@article{hubacekScore2019,\n"
        "  title = {Score-Based Soccer Match Outcome Modeling \\textendash{} an Experimental Review},\n"
        "  author = {Huba{\\textasciicaron}cek, Ond{\\textasciicaron}rej and S{\\textasciicaron}ourek, Gustav},\n"
        "  year = {2019}, journal = {Machine Learning}, volume = {108}, pages = {1--19},\n"
        "  file = {/Users/someone/Zotero/storage/ABCD1234/Hubacek - 2019.pdf}\n}\n"
        "@book{hottbook,\n  author = {The {Univalent Foundations Program}},\n"
        "  title = {Homotopy Type Theory: Univalent Foundations of Mathematics},\n"
        "  publisher = {\\url{https://homotopytypetheory.org/book}}, address = {Institute for Advanced Study},\n"
        "  year = 2013}\n")
    site = site_builder({"references.bib": zotero, "papers/hubacekScore2019.md": "---\nyear: 2019\n---\nRead.\n",
                         "papers/hottbook.md": "---\nyear: 2013\n---\nRead.\n"})
    assert site.ok, site.messages
    bibliography = site.html("bibliography/")
    page = text_of(bibliography)
    assert "Ondřej Hubaček and Gustav Šourek" in page, page
    assert "https://homotopytypetheory.org/book" in page
    refs = re.findall(r'<p class="pkb-ref.*?</p>', bibliography, flags=re.S)
    assert len(refs) == 2 and not any(re.search(r"\\[a-zA-Z]", ref) for ref in refs), refs
    assert "Ondřej Hubaček" in site.html("papers/hubacekScore2019/")  # the card, from latex_to_text
    assert "Zotero/storage" not in site.all_text()  # the file field is private


def test_a_note_title_with_angle_brackets_reads_as_written_in_its_reference(site_builder):
    """The BibTeX made from a note writes "<" as \\textless{}; its formatted reference showed the command."""
    site = site_builder(files(**{"papers/tay2021.md": note(
        "When Is Attention <= Convolution? <Sometimes>", key="tay2021when", year=2021, venue="ICLR",
        authors=["Yi Tay"])}))
    assert site.ok, site.messages
    page = site.html("papers/tay2021/")
    reference = re.search(r'<p class="pkb-cite-block__ref">(.*?)</p>', page, flags=re.S).group(1)
    assert "&lt;= convolution? &lt;sometimes&gt;" in reference.lower() and "textless" not in reference, reference
    assert "<sometimes>" not in page.lower()
