"""Notes written by other tools, in the shapes they really have (issue 13): an Obsidian vault."""

from __future__ import annotations

import html
import json

import re
import shutil
from pathlib import Path

from paperkb.core.loader import load_library

from ..conftest import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _vault(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    shutil.copytree(FIXTURES / "obsidian_vault", notes)
    return notes


def test_obsidian_vault_titles_links_and_markdown_files(tmp_path):
    notes = _vault(tmp_path)
    library = load_library(notes)
    attention = library.get("2017-attention-is-all-you-need")
    seq2seq = library.get("2014-sequence-to-sequence-learning")  # a .markdown file is a note too
    bahdanau = library.get("neural-machine-translation-by-jointly-learning-to-align-and-translate")
    assert attention is not None and seq2seq is not None and bahdanau is not None
    # No `title`: the first `# heading`, else the file name (Obsidian's convention).
    assert attention.title == "Attention Is All You Need"
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]  # one string, as templates write it
    assert seq2seq.title == "Sequence to Sequence Learning with Neural Networks"
    assert bahdanau.title == "Neural Machine Translation by Jointly Learning to Align and Translate"
    # Extension-less relative links are citation edges (the one inside code is not), and so are
    # wikilinks by file name; [[alias]] finds the note whose `aliases` has it (a later note: a mention).
    assert [e.target for e in library.cites(attention.key)] == [seq2seq.key, bahdanau.key]
    assert [e.target for e in library.cites(bahdanau.key)] == [seq2seq.key]
    assert [e.target for e in library.mentions_out[seq2seq.key]] == [attention.key]
    # [[page]] to a plain page is a link, not an unknown citation.
    assert [str(p) for p in library.problems] == []


def test_obsidian_vault_builds_strict_with_working_links(tmp_path):
    _vault(tmp_path)
    site = build_site(tmp_path, {}, strict=True)
    assert site.ok, site.messages
    page = site.html("Papers/2017-attention-is-all-you-need/")
    assert '<a href="../2014-sequence-to-sequence-learning/">Seq2seq</a>' in page
    assert '<a href="../2014-sequence-to-sequence-learning/#method">the seq2seq paper</a>' in page
    assert '<a href="../../how%20I%20read%20papers/">how I read papers</a>' in page
    assert '<a href="../../Reading%20index/">the index</a>' in page
    # ![[file.png|400]]: the vault's attachment, found by its file name
    assert '<img alt="" src="../../attachments/Pasted%20image%2020240105.png"' in page
    # (a link to a note is titled with its title, year and venue)
    assert re.search(r'<a href="\.\./Neural%20Machine%20Translation%20by%20Jointly%20Learning%20to%20Align%20and%20Translate/"'
                     r' title="Neural Machine Translation[^"]*">Neural Machine Translation by Jointly Learning to Align and '
                     r'Translate</a>', page)
    assert '<a href="../Neural Machine' not in page  # the Cites list's link is encoded too
    assert re.search(r'<a href="\.\./2017-attention-is-all-you-need/" title="[^"]*">the Transformer</a>',
                     site.html("Papers/2014-sequence-to-sequence-learning/"))
    assert "unknown citation" not in "\n".join(site.messages)
    index = site.html("Reading index/")
    assert '<a href="../Papers/2017-attention-is-all-you-need/">Attention</a>' in index
    seq2seq = site.html("Papers/2014-sequence-to-sequence-learning/")
    assert "<h1" in seq2seq and "Sequence to Sequence Learning with Neural Networks" in seq2seq


SEQ2SEQ_BIB = """@inproceedings{sutskever2014seq2seq,
  author = {Sutskever, Ilya and Vinyals, Oriol and Le, Quoc V.},
  title = {Sequence to Sequence Learning with Neural Networks},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2014},
}
"""


def test_a_cites_key_found_only_in_a_bib_file_is_listed_with_its_reference(tmp_path):
    files = {
        "references.bib": SEQ2SEQ_BIB,
        "papers/vaswani2017attention.md": (
            "---\ntitle: Attention Is All You Need\nyear: 2017\ncites:\n"
            "  - {key: sutskever2014seq2seq, role: builds-on}\n---\nBody.\n"),
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.warnings()
    page = site.html("papers/vaswani2017attention/")
    cites = page[page.index('class="pkb-cites pkb-cites--out"'):page.index('class="pkb-cites pkb-cites--in"')]
    assert "Builds on" in cites
    assert "sutskever, oriol vinyals, and quoc&nbsp;v. le. sequence to sequence learning" in cites.lower()
    assert '<a class="pkb-cites__bib" href="../../bibliography/#ref-sutskever2014seq2seq">' in cites
    assert 'id="ref-sutskever2014seq2seq"' in site.html("bibliography/")
    # Only a key found nowhere warns.
    library = load_library(tmp_path / "notes")
    assert library.problems == []
    (tmp_path / "notes/papers/vaswani2017attention.md").write_text(
        "---\ntitle: A\ncites: [sutskever2014seq2seq, nowhere2020]\n---\n", encoding="utf-8")
    assert [p.message for p in load_library(tmp_path / "notes").problems] == [
        "unknown citation 'nowhere2020' (no note or .bib entry has this key; a paper with no note yet can be cited as \"[[nowhere2020]]\")"]


def test_a_body_link_to_a_later_note_is_a_mention_not_a_citation(tmp_path):
    files = {
        "papers/vaswani2017attention.md": (
            "---\ntitle: Attention Is All You Need\nyear: 2017\n---\n"
            "- Later used by [[devlin2019bert]] and [ViT](dosovitskiy2021vit.md).\n"
            "- Builds on [[bahdanau2015attention]].\n"),
        "papers/devlin2019bert.md": "---\ntitle: BERT\nyear: 2019\ncites: [vaswani2017attention]\n---\n",
        "papers/dosovitskiy2021vit.md": "---\ntitle: ViT\nyear: 2021\n---\n",
        "papers/bahdanau2015attention.md": "---\ntitle: Additive attention\nyear: 2015\n---\n",
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.warnings()
    library = load_library(tmp_path / "notes")
    assert [e.target for e in library.cites("vaswani2017attention")] == ["bahdanau2015attention"]
    assert library.cycles == []  # BERT cites the Transformer; the Transformer only mentions BERT
    assert [e.source for e in library.cited_by("devlin2019bert")] == []
    assert [e.target for e in library.mentions_out["vaswani2017attention"]] == ["devlin2019bert", "dosovitskiy2021vit"]
    from paperkb.core.query import Query, run_query  # the engine the CLI and query blocks share
    query = Query.from_mapping({"descendants": "vaswani2017attention"})
    assert [n.key for n in run_query(library, query)] == ["devlin2019bert"]
    page = site.html("papers/vaswani2017attention/")
    cites = page[page.index('class="pkb-cites pkb-cites--out"'):page.index('class="pkb-cites pkb-cites--in"')]
    assert "Linked in the text" in cites and "BERT" in cites and "ViT" in cites
    bert = site.html("papers/devlin2019bert/")
    cited_by = bert[bert.index('class="pkb-cites pkb-cites--in"'):]
    assert "Linking to it in their text" in cited_by and "Attention Is All You Need" in cited_by
    # The diagram draws BERT -> Transformer only: no edge back from the mention.
    figure = page[page.index('<figure class="pkb-graph'):]
    figure = figure[:figure.index("</figure>")]
    assert "3 notes, 2 citations" in figure and figure.count('<g class="edge') == 2
    assert "ViT" not in figure


def test_fields_venues_and_tags_differing_in_case_or_spaces_are_one_value(tmp_path):
    files = {
        "papers/a.md": "---\ntitle: A\nyear: 2023\nfields: [LLM]\nvenue: NeurIPS\ntags: [Scaling-Law]\n---\n",
        "papers/b.md": "---\ntitle: B\nyear: 2022\nfields: [llm]\nvenue: neurips\ntags: [scaling-law]\n---\n",
        "papers/c.md": "---\ntitle: C\nyear: 2021\nfield: 'Llm '\nvenue: ' NeurIPS'\ntags: [scaling-law]\n---\n",
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.warnings()
    fields = sorted(p.name for p in (site.site_dir / "fields").iterdir() if p.name != "index.html")
    venues = sorted(p.name for p in (site.site_dir / "venues").iterdir() if p.name != "index.html")
    assert fields == ["llm"] and venues == ["neurips"]
    llm = site.html("fields/llm/")
    assert all(f'href="../../papers/{k}/"' in llm for k in "abc")
    assert all(f'href="../../papers/{k}/"' in site.html("venues/neurips/") for k in "abc")
    tags = site.html("tags/")
    assert tags.count('id="tag:') == 1 and "scaling-law" in tags  # the spelling most notes use
    for key in "abc":
        assert '<a href="../../fields/llm/">LLM</a>' in site.html(f"papers/{key}/")  # tie: the capitals win




def _article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def test_display_math_as_typora_and_obsidian_write_it(tmp_path):
    """`$$` blocks right under text or an image, and indented under list items, render in a
    note, a plain page and a blog post; the ones in code stay code."""
    from paperkb.default_config import BLOG_OPTIONS

    typora = (Path(__file__).resolve().parent / "fixtures" / "typora_note.md").read_text(encoding="utf-8")
    body = typora.split("---\n", 2)[2]
    post = "---\ndate:\n  created: 2024-05-01\n---\n" + body.replace("# DDPM 学习笔记", "# DDPM 读后感")
    files = {
        "papers/ho2020ddpm.md": typora,
        "study/ddpm.md": body,  # a plain page
        "blog/index.md": "# Blog\n",
        "blog/posts/ddpm.md": post,
        **{f"{folder}/assets/forward.png": b"\x89PNG\r\n" for folder in ("papers", "study", "blog/posts")},
    }
    site = build_site(tmp_path, files, strict=True,
                      plugins=["search", "tags", {"blog": dict(BLOG_OPTIONS)}, "paperkb"])
    assert site.ok, site.warnings()
    post_page = next((site.site_dir / "blog" / "2024").rglob("index.html")).read_text(encoding="utf-8")
    for html in (site.html("papers/ho2020ddpm/"), site.html("study/ddpm/"), post_page):
        article = _article(html)
        assert article.count('<div class="arithmatex"') == 8, article
        assert re.search(r"<blockquote>.*?\\bar\\alpha_t = \\prod.*?</blockquote>", article, flags=re.S)  # in a quote
        assert "\\mathcal{N}(x_t; \\sqrt{1-\\beta_t}" in article
        # formulas under list items stay in their items
        items = re.findall(r"<li>(.*?)</li>", article, flags=re.S)
        assert any("二级列表" in i and "x_{t-1} = \\mu_\\theta" in i and "arithmatex" in i for i in items)
        assert any("损失函数" in i and "L_\\text{simple}" in i and "arithmatex" in i for i in items)
        assert any("重参数化" in i and "\\mu_\\theta" in i and "arithmatex" in i for i in items)
        # indented with a tab (Obsidian): still a formula, `[f](x)` in it no link
        assert any("边缘化算子" in i and "\\mathcal{I}[f](x_{1}, \\dots, x_{m})" in i and "arithmatex" in i for i in items)
        assert 'href="x_{1}' not in article
        text_outside_code = re.sub(r"<pre.*?</pre>", "", article, flags=re.S)
        assert "$$" not in text_outside_code
        code = article[article.index("<pre"):article.index("</pre>")]
        assert "$$" in code and "arithmatex" not in code


OBSIDIAN_MATH = """\
# Greybox fuzzing

Let $$T_f$$ be the functions such that $$\\forall n \\in N(m), R(n, T_f) \\neq \\emptyset$$.

- (identity) $$e \\cdot x = x$$ for all $$x$$

>[!def] shift
> 1. shift variables
 >   $$\\uparrow_c^d(k) = k + d$$
> 2. shift abstractions
 >   $$\\uparrow_c^d(\\lambda . t) = \\lambda . \\uparrow_{c+1}^d(t)$$

$$alone = 1$$

> [!note] Diagrams
> - We pick a *functor* $$D: \\mathscr I \\to \\mathscr C$$ and call it a diagram.

Code stays: `$$x$$ in code`.
"""


def test_display_math_inside_text_and_callout_lists_as_obsidian_writes_it(tmp_path):
    """`$$x$$` inside a sentence or a list item (Obsidian shows it as a formula, not `$` signs
    around one) and `$$` lines under the numbered items of a callout (Obsidian vaults)."""
    site = build_site(tmp_path, {"fuzzing.md": OBSIDIAN_MATH}, strict=True)
    assert site.ok, site.warnings()
    article = _article(site.html("fuzzing/"))
    assert "$<span" not in article and "</span>$" not in article
    inline = re.findall(r'<span class="arithmatex"[^>]*>(.*?)</span>', article)
    assert "\\(\\displaystyle T_f\\)" in inline and "\\(\\displaystyle e \\cdot x = x\\)" in inline
    assert any("\\forall n \\in N(m)" in i for i in inline)
    callout = article[article.index('<div class="admonition def">'):]
    items = re.findall(r"<li>(.*?)</li>", callout, flags=re.S)
    assert len(items) == 3 and all('<div class="arithmatex"' in i for i in items[:2]), items
    assert '<div class="arithmatex" data-search-exclude>\\[alone = 1\\]</div>' in article
    assert "\\(\\displaystyle D: \\mathscr I \\to \\mathscr C\\)" in inline  # in a callout's list
    assert "<code>$$x$$ in code</code>" in article


def test_a_missing_obsidian_attachment_is_one_warning_not_a_citation(tmp_path):
    files = {"papers/x.md": "---\ntitle: X\nyear: 2020\n---\nThe PDF: [[x-paper.pdf]], a figure:\n\n![[fig 1.png]]\n"}
    library = load_library(_write(tmp_path, files))
    assert library.problems == [] and library.cites("x") == []
    site = build_site(tmp_path, {})
    assert site.ok
    assert [m for m in site.warnings() if "attachment" in m] == [
        "WARNING: notes/papers/x.md:5: attachment 'x-paper.pdf' is not in the notes folder",
        "WARNING: notes/papers/x.md:7: attachment 'fig 1.png' is not in the notes folder"]


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    from ..conftest import write_tree

    write_tree(tmp_path / "notes", files)
    return tmp_path / "notes"


def test_hide_that_is_no_list_warns_and_the_page_is_published(tmp_path):
    """Hexo's hide-posts plugin writes `hide: true`; mkdocs-material's `hide` lists parts of the
    page, and a bool stopped the whole build (in the blog plugin for a post, in the theme for a
    page). Now: a warning naming the line, the page published with its words; one name is a list."""
    from paperkb.default_config import BLOG_OPTIONS

    files = {
        "about.md": "---\ntitle: About\nhide: true\n---\n# About\nThe about page words.\n",
        "papers/sutskever2014seq2seq.md": "---\ntitle: Seq2seq\nyear: 2014\nhide: toc\n---\n## Method\nSeq2seq words.\n",
        "blog/index.md": "# Blog\n",
        "blog/posts/hidden.md": "---\ntitle: A hidden Hexo post\ndate: 2022-03-26\ncategories:\n- Notes\n"
                                "hide: true\ndescription: <i>Hexo</i>\n---\nThe hidden post words.\n",
        "blog/posts/no-toc.md": "---\ntitle: No toc\ndate: 2022-03-27\nhide: toc, footer\n---\n## Part\nNo toc words.\n",
    }
    site = build_site(tmp_path, files, plugins=["search", "tags", {"blog": dict(BLOG_OPTIONS)}, "paperkb"])
    assert site.ok, site.messages
    warnings = site.warnings()
    assert any("notes/about.md:3: 'hide' lists the parts of the page to hide" in w for w in warnings), warnings
    assert any("notes/blog/posts/hidden.md:6: 'hide' lists the parts" in w for w in warnings), warnings
    assert len([w for w in warnings if "'hide'" in w]) == 2
    # the post's other warnings name its file, not the copy the blog plugin read
    assert any("notes/blog/posts/hidden.md:7: the post's description holds HTML markup" in w for w in warnings), warnings
    assert "The about page words." in site.html("about/")
    posts = {p.parent.name: p.read_text(encoding="utf-8") for p in (site.site_dir / "blog" / "2022").rglob("index.html")}
    assert "The hidden post words." in posts["a-hidden-hexo-post"]
    assert "No toc words." in posts["no-toc"]
    hidden_toc = 'data-md-type="toc" hidden>'
    assert hidden_toc in posts["no-toc"] and hidden_toc not in posts["a-hidden-hexo-post"]  # `toc, footer`: that list
    assert hidden_toc in site.html("papers/sutskever2014seq2seq/") and hidden_toc not in site.html("about/")
    assert (tmp_path / "notes" / "blog" / "posts" / "hidden.md").read_text(encoding="utf-8").count("hide: true") == 1


def test_vault_links_in_another_case_and_to_headings_by_their_text(tmp_path):
    """Obsidian (and macOS) find `1%20maximum%20likelihood.md` for `1 Maximum Likelihood.md`, and
    a heading by its text (`#3%20E%20Step`, `other.md#Heading%20Text`): on Linux MkDocs found
    neither (a broken-link warning that fails --strict, an anchor that goes nowhere)."""
    files = {
        "Generative/1 Maximum Likelihood.md": "# Maximum likelihood\n\n## 1.2 **Log** Likelihood\n\nMLE words.\n",
        "Generative/2 Expectation Maximization.md": (
            "# EM\n\nStarts from [MLE](1%20maximum%20likelihood.md) and its "
            "[log form](1%20Maximum%20Likelihood.md#1.2%20**Log**%20Likelihood); see [the E step](#3%20E%20Step), "
            "[again](<1 MAXIMUM likelihood.md>).\n\n## 3 E Step\n\nEM words.\n"),
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.messages
    page = site.html("Generative/2 Expectation Maximization/")
    assert '<a href="../1%20Maximum%20Likelihood/">MLE</a>' in page
    assert '<a href="../1%20Maximum%20Likelihood/#12-log-likelihood">log form</a>' in page
    assert 'id="12-log-likelihood"' in site.html("Generative/1 Maximum Likelihood/")
    assert '<a href="#3-e-step">the E step</a>' in page and 'id="3-e-step"' in page
    assert '<a href="../1%20Maximum%20Likelihood/">again</a>' in page
    assert not [m for m in site.messages if "anchor" in m or "not found" in m]


def test_a_formula_that_is_a_list_items_text(tmp_path):
    """Typora users number formulas as list items (`1. $$` … `   $$`): each renders in its item."""
    page = ("# Proof\n\n1. $$\n   \\mathbf v \\cdot (\\mathbf u \\times \\mathbf v) = 0\n   $$\n"
            "2. $$\n   \\mathbf u \\cdot (\\mathbf u \\times \\mathbf v) = 0\n   $$\n\nBoth hold.\n")
    site = build_site(tmp_path, {"algebra/proof.md": page}, strict=True)
    assert site.ok, site.messages
    items = re.findall(r"<li>(.*?)</li>", _article(site.html("algebra/proof/")), flags=re.S)
    assert len(items) == 2 and all('<div class="arithmatex"' in item for item in items), items
    assert "$$" not in re.sub(r'<div class="arithmatex".*?</div>', "", "".join(items), flags=re.S)


def _zotero_vault_note(citekey: str, title: str, year: str, item_type: str, body: str) -> str:
    """A literature note as Zotero's Obsidian integrations write one (their template's keys)."""
    return (f"---\ncitekey: {citekey}\ntitle: \"{title}\"\nauthors: [\"Manzini, Paola\", \"Mariotti, Marco\"]\n"
            f"year: {year}\ntype: {item_type}\ndoi: \"\"\nzotero: \"zotero://select/library/items/7T8EN6NA\"\n"
            f"tags: [literature]\nkeywords: [bounded-rationality]\nrelated: []\nadded: 2026-05-30\n---\n\n"
            f"> [!abstract] Abstract\n> (no abstract in Zotero)\n\n## Summary\n{body}\n")


def test_a_zotero_vault_of_literature_notes(tmp_path):
    """`type: journalArticle` (the item's type) and `year: ""`: every note of a real vault was an
    error and the site had none; `[[@Manzini2007|Manzini (2007)]]` read as a pandoc citation."""
    files = {
        "literature/@Manzini2007.md": _zotero_vault_note(
            "Manzini2007", "Sequentially Rationalizable Choice", "2007", "journalArticle", "Choice by rationales."),
        "literature/@Manzini2012.md": _zotero_vault_note(
            "Manzini2012", "Categorize Then Choose", "2012", "conferencePaper",
            "Extends [[@Manzini2007|Manzini and Mariotti (2007)]] with categories."),
        "literature/@Kramer.md": _zotero_vault_note("Kramer", "An Undated Working Paper", '""', "preprint", "Undated."),
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.messages
    later = html.unescape(site.html("literature/@Manzini2012/"))
    assert '<a href="../%40Manzini2007/" title="Sequentially Rationalizable Choice (2007)">Manzini and Mariotti (2007)</a>' \
        in later
    library = load_library(tmp_path / "notes")
    assert sorted(library.notes) == ["Kramer", "Manzini2007", "Manzini2012"]  # keyed by their citekey
    assert [e.target for e in library.cites("Manzini2012")] == ["Manzini2007"]
    note = library.notes["Manzini2012"]
    assert note.type is None and note.extra["item_type"] == "conferencePaper" and library.notes["Kramer"].year is None
    assert "conferencePaper" in later  # shown in the card with the other keys
    all_bib = (site.site_dir / "all.bib").read_text(encoding="utf-8")
    assert "@inproceedings{Manzini2012," in all_bib and "@article{Manzini2007," in all_bib


def test_a_vault_with_its_own_kinds_of_page(tmp_path):
    """`type: MOC`, `type: concept`, `type: area` (the vault's own kinds of page) and
    `type: literature-note` were errors that left the pages out (a template's empty `authors:`
    makes no paper note). A page whose type is the vault's
    own and that has no paper fields is a plain page; a literature note is a paper note; a paper
    note of an unknown type is published, with a warning naming the line."""
    shutil.copytree(FIXTURES / "topic_vault", tmp_path / "notes")
    site = build_site(tmp_path, {})
    assert site.ok, site.messages
    assert site.warnings() == [
        "WARNING: notes/Papers/Score-Based Generative Modeling.md:2: 'type' is 'method', not one of paperkb's types "
        "(application, dataset, analysis, survey), a publication type (journalArticle, conferencePaper, book, ...) "
        "or literature-note; the note is published without a type (its card shows 'method')"]
    for plain in ("Maps/Diffusion MOC/", "Concepts/Noise schedule/", "Areas/Generative models/", "Concepts/Sampler/"):
        page = site.html(plain)
        assert "pkb-card" not in page[page.index("<article"):page.index("</article>")], plain
    notes = json.loads((site.site_dir / "assets" / "paperkb" / "notes.json").read_text(encoding="utf-8"))
    assert [n["title"] for n in notes["notes"]] == ["Improved Denoising Diffusion Probabilistic Models",
                                                     "Denoising Diffusion Probabilistic Models",
                                                     "Generative Modeling by Estimating Gradients of the Data Distribution"]
    # Obsidian's links left unquoted in the front-matter (`- [[Alex Nichol]]`, YAML reads a list in
    # a list; `type: [[Literature]]`) are their text; `bibtex:` gives the key as seldon writes it
    improved = load_library(tmp_path / "notes").notes["nichol2021ImprovedDenoising"]
    assert improved.authors == ["Alex Nichol", "Dhariwal, P."] and improved.type is None
    assert "Alex Nichol" in site.html("Papers/@nichol2021ImprovedDenoising/")
    ddpm = site.html("Papers/Denoising Diffusion Probabilistic Models/")
    assert 'class="pkb-card"' in ddpm and "literature-note" not in ddpm  # (the kind of note, not a fact about it)
    score = site.html("Papers/Score-Based Generative Modeling/")
    assert "<dt>type</dt><dd>method</dd>" in score
    assert not build_site(tmp_path, {}, strict=True).ok  # the unknown type fails --strict


def test_a_citekey_written_as_an_unquoted_obsidian_link(tmp_path):
    """`bibtex: [[Key2020]]` unquoted (Obsidian users write the key as a link to the note; YAML
    reads it as a list in a list, [['Key2020']]) is the note's key, as quoted ones are; so are
    `citekey: "[[Smith2021|Smith (2021)]]"` (the link's target, not its label) and `"@Key"`."""
    files = {
        "Papers/Denoising Diffusion.md": "---\ntitle: Denoising Diffusion Probabilistic Models\nyear: 2020\n"
                                         "bibtex: [[Ho2020]]\n---\nThe DDPM paper.\n",
        "Papers/Score SDE.md": "---\ntitle: Score-Based Generative Modeling through SDEs\nyear: 2021\n"
                               "citekey: \"[[Song2021|Song et al. (2021)]]\"\ncites: [Ho2020]\n---\n"
                               "Builds on [[Ho2020]].\n",
        "Papers/Latent Diffusion.md": "---\ntitle: High-Resolution Image Synthesis with Latent Diffusion Models\n"
                                      "year: 2022\ncitationKey: \"@Rombach2022\"\ncites:\n  - Song2021\n---\nLDM.\n",
    }
    site = build_site(tmp_path, files, strict=True)
    assert site.ok, site.messages
    library = load_library(tmp_path / "notes")
    assert sorted(library.notes) == ["Ho2020", "Rombach2022", "Song2021"]
    assert [e.target for e in library.cites("Song2021")] == ["Ho2020"]
    assert [e.target for e in library.cites("Rombach2022")] == ["Song2021"]
    all_bib = (site.site_dir / "all.bib").read_text(encoding="utf-8")
    assert all(f"{{{key}," in all_bib for key in ("Ho2020", "Song2021", "Rombach2022")), all_bib
    score = html.unescape(site.html("Papers/Score SDE/"))
    assert '<a href="../Denoising%20Diffusion/"' in score and "Ho2020" in score


def test_papers_not_written_yet_are_a_reading_list_and_typos_are_warned(tmp_path):
    """Obsidian users cite and link papers they have no note for yet (`- [[Neural Turing
    Machines]]`): Obsidian shows such links, Publish greys them, Quartz renders them as text. Each
    was an "unknown citation" warning, so `--strict` failed on most real vaults. A [[link]] in
    `cites` to a paper with no note is listed under Cites by its name, unlinked, with no warning;
    one in the text stays text. A name close to a known one is a likely typo: still a warning,
    naming it."""
    files = {
        "Papers/Sequence to Sequence Learning.md": "---\nyear: 2014\nfield: NLP\n---\n# Sequence to Sequence Learning\n",
        "Papers/Attention Is All You Need.md": (
            "---\nyear: 2017\nfield: NLP\ncites:\n"
            "  - [[Sequence to Sequence Learning]]\n"          # unquoted: YAML reads a list in a list
            "  - \"[[Neural Turing Machines|NTM]]\"\n"         # no note yet
            "  - {key: \"[[Layer Normalization]]\", role: builds-on}\n"
            "---\n# Attention Is All You Need\n\nMemory as in [[End-To-End Memory Networks]], "
            "recurrence as in [[Sequence to Sequence Learning|seq2seq]].\n"),
        "Papers/BERT.md": (
            "---\nyear: 2019\nfield: NLP\ncites:\n  - \"[[Atention Is All You Need]]\"\n---\n# BERT\n\n"
            "Unlike [[Sequense to Sequence Learning]], and like [[ELMo]].\n"),
    }
    site = build_site(tmp_path, files)
    assert site.ok, site.messages
    assert site.warnings() == [
        "WARNING: notes/Papers/BERT.md:5: unknown citation 'Atention Is All You Need' (no note or .bib entry has "
        "this name; did you mean 'Attention Is All You Need'?)",
        "WARNING: notes/Papers/BERT.md:9: unknown citation 'Sequense to Sequence Learning' in wikilink "
        "[[Sequense to Sequence Learning]] (did you mean 'Sequence to Sequence Learning'?)"]
    library = load_library(tmp_path / "notes")
    attention = library.note_named("Attention Is All You Need")
    seq2seq = library.note_named("Sequence to Sequence Learning")
    assert [e.target for e in library.cites(attention.key)] == [seq2seq.key]  # the [[link]] in cites is a citation
    assert [(c.key, c.role) for c in library.unwritten_cites[attention.key]] == [
        ("Neural Turing Machines", "related"), ("Layer Normalization", "builds-on")]
    page = site.html("Papers/Attention Is All You Need/")
    cites = page[page.index('class="pkb-cites pkb-cites--out"'):]
    cites = cites[:cites.index("</div>")]
    assert '<li><span class="pkb-cites__unwritten" title="No note yet">Neural Turing Machines</span></li>' in cites
    builds_on = cites[cites.index("pkb-role--builds-on"):]
    assert "Layer Normalization" in builds_on and "<a " not in builds_on  # in its role's group, unlinked
    assert '../Sequence%20to%20Sequence%20Learning/' in cites
    article = page[page.index("<article"):page.index("</article>")]
    assert "Memory as in End-To-End Memory Networks, recurrence" in html.unescape(article)  # text, not a link
    assert not build_site(tmp_path, {}, strict=True).ok  # the typos fail --strict ...
    files["Papers/BERT.md"] = files["Papers/BERT.md"].replace("Atention", "Attention").replace("Sequense", "Sequence")
    fixed = build_site(tmp_path, files, strict=True)  # ... papers with no note yet do not
    assert fixed.ok and not fixed.warnings(), fixed.messages
