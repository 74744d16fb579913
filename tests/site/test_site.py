"""Build real sites from notes in a temporary folder and read the HTML they wrote."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from ..conftest import note, pagefind_pages

XSS = "<script>alert(1)</script>"


def corpus() -> dict[str, str]:
    return {
        "papers/vaswani2017attention.md": note(
            "Attention Is All You Need", "# Attention is all  you need\n\n## Notes\n\nSelf-attention everywhere.\n\n- [想法] 注意力就是全部\n",
            year=2017, venue="NeurIPS", authors=["Ashish Vaswani", "Noam Shazeer"], fields=["LLM"],
            type="application", level="deep", relation="upstream", tags=["transformer"],
            links={"paper": "https://arxiv.org/abs/1706.03762", "code": "https://github.com/tensorflow/tensor2tensor"},
            arxiv="1706.03762", doi="10.5555/3295222.3295349",
            problem="Recurrent models are **slow** to train.", method="Only attention: $softmax(QK^T/\\sqrt{d})V$.",
            results="28.4 BLEU on WMT14 En-De.", insights=["Parallelism beats recurrence."],
            datasets=["WMT14"], metrics=["BLEU"], reviewer_note="kept as written"),
        "papers/devlin2019bert.md": note(
            "BERT: Pre-training *deep* [bidirectional] Transformers", "Masked LM.\n", year=2019, venue="NAACL", fields=["LLM"], type="application", level="browse",
            tags=["transformer", "pretraining"], problem="Unidirectional LMs limit fine-tuning.",
            cites=[{"key": "vaswani2017attention", "role": "builds-on"}]),
        "papers/brown2020gpt3.md": note(
            "Language Models are Few-Shot Learners", "", year=2020, venue="NeurIPS", fields=["LLM"],
            type="analysis", level="skim", cites=["vaswani2017attention", "devlin2019bert"],
            insights=["In-context learning is emergent."]),
        "papers/he2016resnet.md": note(
            "Deep Residual Learning for Image Recognition",
            "- [idea] shortcuts are identity priors\n\n## Cite\n\nThis is how I cite it in talks.\n",
            year=2016, venue="CVPR", fields=["Vision"], type="application", level="deep"),
        "papers/deng2009imagenet.md": note(
            "ImageNet", "", year=2009, venue="CVPR", fields=["Vision"], type="dataset", level="skim"),
        "papers/secret.md": note(
            "Secret unpublished draft zqxj", "Body of the draft zqxj.\n", key="secretdraft2024", year=2024,
            venue="DraftConf", fields=["Hidden Field"], type="survey", level="deep", tags=["draft-only-tag"], draft=True,
            insights=["draft insight zqxj"]),
        "papers/hostile.md": note(
            XSS, "", key="hostile2021", year=2021, venue=XSS, fields=["Vision"], type="survey", level="skim",
            tags=["<b>bold</b>"], authors=[XSS], links={"paper": "javascript:alert(1)"}, problem=f"Problem {XSS}"),
    }


class _Rows(HTMLParser):
    """Rows of the paperkb tables in a page: (data-pkb-key, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-pkb-key" in attrs:
            self.rows.append((attrs["data-pkb-key"], []))
        elif tag == "td" and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[tuple[str, list[str]]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def test_note_page_card_and_sections(site_builder):
    site = site_builder(corpus())
    assert site.ok, site.messages
    html = site.html("papers/vaswani2017attention/")
    card = html[html.index('class="pkb-card"'):html.index("</div>", html.index('class="pkb-card"'))]
    assert '<h1 class="pkb-card__title">Attention Is All You Need</h1>' in card
    assert "Ashish Vaswani, Noam Shazeer" in card
    assert re.search(r'<a href="\.\./\.\./venues/neurips/">NeurIPS</a> <a href="\.\./\.\./years/2017/">2017</a>', card)
    assert "pkb-badge--application" in card and "Deep read" in card and "upstream" in card
    assert '<a href="../../fields/llm/">LLM</a>' in card
    assert 'href="https://arxiv.org/abs/1706.03762"' in card and "arXiv:1706.03762" in card
    assert 'href="https://doi.org/10.5555/3295222.3295349"' in card
    assert 'href="https://github.com/tensorflow/tensor2tensor"' in card
    assert "<dt>Datasets</dt><dd>WMT14</dd>" in card and "<dt>Metrics</dt><dd>BLEU</dd>" in card
    assert "<dt>reviewer_note</dt><dd>kept as written</dd>" in card  # unknown keys are shown
    # Front-matter sections are rendered Markdown, then the body follows.
    assert re.search(r'<h2 id="problem">Problem.*?</h2>\s*<p>Recurrent models are <strong>slow</strong> to train.</p>', html)
    assert re.search(r'<h2 id="method">Method', html) and 'class="arithmatex"' in html
    assert re.search(r'<h2 id="results">Results', html) and "28.4 BLEU" in html
    assert re.search(r'<h2 id="insights">Insights.*?</h2>\s*<ul>\s*<li>Parallelism beats recurrence.</li>', html, re.S)
    assert html.index('id="insights"') < html.index("Self-attention everywhere.")
    assert "<title>Attention Is All You Need - Test notes</title>" in html
    assert html.count("<h1") == 1  # the body's "# Title" repeats the card's title and is dropped


def test_hostile_values_are_escaped_everywhere(site_builder):
    site = site_builder(corpus())
    assert site.ok
    everything = site.all_text()
    assert XSS not in everything
    assert "<b>bold</b>" not in everything
    assert "javascript:alert" not in everything
    page = site.html("papers/hostile/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - Test notes</title>" in page
    assert "Problem &lt;script&gt;" in page


def test_field_page_table_sorted_by_year_descending(site_builder):
    site = site_builder(corpus())
    rows = table_rows(site.html("fields/llm/"))
    assert [key for key, _ in rows] == ["brown2020gpt3", "devlin2019bert", "vaswani2017attention"]
    assert rows[1][1] == ["2019", "BERT: Pre-training *deep* [bidirectional] Transformers", "Application", "NAACL", "Browse", "Unidirectional LMs limit fine-tuning."]
    html = site.html("fields/llm/")
    assert re.search(r'<a href="../../papers/devlin2019bert/" title="BERT: Pre-training \*deep\* \[bidirectional\] '
                     r'Transformers \(2019, NAACL\)">BERT: Pre-training \*deep\* \[bidirectional\] Transformers</a>', html)
    assert "3 papers" in html


def test_year_type_and_venue_pages(site_builder):
    site = site_builder(corpus())
    assert [k for k, _ in table_rows(site.html("years/2016/"))] == ["he2016resnet"]
    assert [k for k, _ in table_rows(site.html("types/dataset/"))] == ["deng2009imagenet"]
    assert [k for k, _ in table_rows(site.html("venues/cvpr/"))] == ["he2016resnet", "deng2009imagenet"]
    assert [k for k, _ in table_rows(site.html("venues/neurips/"))] == ["brown2020gpt3", "vaswani2017attention"]
    overview = site.html("years/")
    assert overview.index(">2021<") < overview.index(">2009<")


def test_home_page_statistics(site_builder):
    site = site_builder(corpus())
    home = site.html("")
    assert '<strong>Total Count: 6</strong>' in home
    counts = dict(re.findall(r'<td><a href="fields/[^"]+">([^<]+)</a></td><td class="pkb-count">(\d+)</td>', home))
    assert counts == {"LLM": "3", "Vision": "3"}
    years = dict(re.findall(r'<td><a href="years/[^"]+">(\d+)</a></td><td class="pkb-count">(\d+)</td>', home))
    assert years == {"2021": "1", "2020": "1", "2019": "1", "2017": "1", "2016": "1", "2009": "1"}
    types = dict(re.findall(r'<td><a href="types/[^"]+">(\w+)</a></td><td class="pkb-count">(\d+)</td>', home))
    assert types == {"Application": "3", "Dataset": "1", "Analysis": "1", "Survey": "1"}
    levels = dict(re.findall(r'<tr><td>(Skim|Browse|Deep read)</td><td class="pkb-count">(\d+)</td>', home))
    assert levels == {"Deep read": "2", "Browse": "1", "Skim": "3"}  # the deep-read draft is not counted
    assert "<title>Test notes</title>" in home  # the site name once


def test_insights_page_groups_by_field_and_links_back(site_builder):
    site = site_builder(corpus())
    html = site.html("insights/")
    llm = html[html.index('id="llm"'):html.index('id="vision"')]
    assert '<a href="../papers/vaswani2017attention/">Attention Is All You Need</a>' in llm
    assert "Parallelism beats recurrence." in llm and "注意力就是全部" in llm
    assert "In-context learning is emergent." in llm
    vision = html[html.index('id="vision"'):]
    assert "shortcuts are identity priors" in vision


def test_insight_bullets_keep_their_place_in_the_body_with_a_badge(site_builder):
    site = site_builder(corpus())
    attention = site.html("papers/vaswani2017attention/")
    assert re.search(r'<li><span class="pkb-idea" title="My own insight">想法</span> 注意力就是全部</li>', attention)
    assert '<span class="pkb-idea" title="My own insight">idea</span> shortcuts are identity priors' in \
        site.html("papers/he2016resnet/")
    assert "[想法]" not in attention and "[idea]" not in site.html("papers/he2016resnet/")


def test_tags_page_uses_material_tags(site_builder):
    site = site_builder(corpus())
    html = site.html("tags/")
    assert 'id="tag:transformer"' in html
    assert "../papers/devlin2019bert/" in html and "../papers/vaswani2017attention/" in html


def test_drafts_appear_nowhere(site_builder):
    site = site_builder(corpus(), plugins=["search", "tags", "paperkb"])
    assert site.ok
    everything = site.all_text()
    for needle in ("zqxj", "secretdraft2024", "DraftConf", "Hidden Field", "draft-only-tag", "secret"):
        assert needle not in everything, needle
    assert not (site.site_dir / "papers" / "secret").exists()
    assert pagefind_pages(site.site_dir) and not any("secret" in url for url in pagefind_pages(site.site_dir))
    assert '<strong>Total Count: 6</strong>' in site.html("")


def test_navigation_holds_indexes_not_notes(site_builder):
    site = site_builder(corpus())
    for page in ("", "papers/devlin2019bert/"):
        html = site.html(page)
        nav_links = re.findall(r'<a href="([^"]*)"[^>]*class="md-(?:nav|tabs)__link[^"]*"', html)
        nav_links = [link for link in nav_links if not link.startswith("#")]
        assert nav_links, "the page has a navigation"
        assert not [link for link in nav_links if "papers/" in link]
        assert any(link.rstrip("/").endswith("fields") for link in nav_links)
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', site.html(""))
    for title in ("Home", "Fields", "Years", "Types", "Venues", "Tags", "Insights"):
        assert title in labels


def test_bad_notes_are_skipped_and_strict_fails(site_builder, tmp_path):
    files = corpus()
    files["papers/broken.md"] = "---\ntitle: Broken\nyear: [2020\n---\nbody\n"
    site = site_builder(files)
    assert site.ok  # the rest of the site builds
    assert any("notes/papers/broken.md:3: YAML syntax error" in m for m in site.warnings())
    assert not (site.site_dir / "papers" / "broken").exists()
    assert (site.site_dir / "papers" / "devlin2019bert" / "index.html").exists()


def test_strict_build_fails_on_validation_errors(tmp_path):
    from ..conftest import build_site

    files = corpus()
    files["papers/badyear.md"] = note("Bad year", year="soon")
    site = build_site(tmp_path, files, strict=True)
    assert not site.ok
    assert any("notes/papers/badyear.md:3: 'year' must be an integer" in m for m in site.messages)


def test_strict_build_passes_on_clean_notes(tmp_path):
    from ..conftest import build_site

    files = {path: text for path, text in corpus().items() if path != "papers/hostile.md"}  # its javascript: link warns
    # Links to a draft become plain text: the draft stays invisible and the build stays clean.
    files["papers/he2016resnet.md"] = files["papers/he2016resnet.md"] + "\nSee [my unfinished survey](secret.md).\n"
    site = build_site(tmp_path, files, strict=True)
    assert "See my unfinished survey." in site.html("papers/he2016resnet/")
    assert site.ok, site.warnings()
    assert site.warnings() == []


def test_wikilinks_render_as_links_with_titles(site_builder):
    files = corpus()
    files["papers/x.md"] = note("X", "See [[vaswani2017attention]], [[devlin2019bert]] and [[devlin2019bert|the BERT paper]].\n"
                                     "`[[not-a-link]]` stays code.\n", year=2022)
    site = site_builder(files)
    html = site.html("papers/x/")
    # Links to notes carry a title with year and venue (what a hover shows without scripts).
    assert '<a href="../vaswani2017attention/" title="Attention Is All You Need &#40;2017, NeurIPS&#41;">Attention Is All You Need</a>' in html
    assert re.search(r'<a href="../devlin2019bert/" title="BERT[^"]*&#40;2019, NAACL&#41;">the BERT paper</a>', html)
    # Titles keep their punctuation as text: no stray backslashes, no Markdown emphasis.
    body = html.split('id="cites"')[0]  # the Cites list after the body links BERT once more
    texts = [unescape(t) for t in re.findall(r'<a href="\.\./devlin2019bert/" title="[^"]*">([^<]*)</a>', body)]
    assert texts == ["BERT: Pre-training *deep* [bidirectional] Transformers", "the BERT paper"]
    assert "<code>[[not-a-link]]</code>" in html


def test_search_lands_on_notes_not_on_pages_that_repeat_them(site_builder):
    site = site_builder(corpus(), plugins=["search", "tags", "paperkb"])
    pages = pagefind_pages(site.site_dir)
    assert not {url for url in pages if url.startswith(("insights/", "bibliography/"))}
    holding = {url for url, page in pages.items() if "Parallelism beats recurrence." in page["content"]}
    assert holding == {"papers/vaswani2017attention/"}
    assert (site.site_dir / "insights" / "index.html").is_file()  # the page itself is still built
    # The headings paperkb appends (lists, diagram, BibTeX) are no empty search results...
    appended = {"cites", "cited-by", "citation-graph", "cite", "cite_1"}
    indexed = {(url, a["id"]) for url, page in pages.items() if url.startswith("papers/")
               for a in page["anchors"] if a["id"] in appended}
    assert indexed == {("papers/he2016resnet/", "cite")}  # only the user's own "## Cite"
    # ...while a heading of that name that the user wrote stays searchable.
    assert "how I cite it" in pages["papers/he2016resnet/"]["content"]
    html = site.html("papers/he2016resnet/")
    assert html.index('<h2 id="cite">') < html.index('<h2 id="cite_1">')


def test_plain_pages_keep_their_folders_as_sections(site_builder):
    """A real collection of pages without front-matter (3,700 in folders per venue and topic)
    became 3,700 tabs and sidebar entries on every page: 2.5 MB of navigation a page."""
    files = corpus()
    for venue in ("CVPR2025", "ACL2025"):
        for i in range(24):
            files[f"{venue}/topic_{i % 3}/paper_{i}.md"] = f"# {venue} paper {i}\n\nText.\n"
    site = site_builder(files)
    assert site.ok
    html = site.html("CVPR2025/topic_1/paper_4/")
    tabs = re.findall(r'<li class="md-tabs__item[^"]*">\s*<a href="([^"]*)"', html)
    assert 2 < len(tabs) < 20, tabs  # the index pages and one tab per folder, not one per page
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', html)
    assert {"CVPR2025", "ACL2025", "Topic 1"} <= set(labels)
    links = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link', html)
    assert any(link.endswith("paper_7/") for link in links)  # this page's own section is listed
    # navigation.prune: another folder's pages are not in this page, only its section's first page
    assert len({link for link in links + tabs if "ACL2025/" in link}) <= 1
    assert len(html) < 60_000
