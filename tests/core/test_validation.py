"""Every validation message names the file and the line of the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkb.core.loader import load_library
from paperkb.core.model import LinkKind
from paperkb.core.problems import Severity

from ..conftest import write_tree


def load(tmp_path: Path, files: dict[str, str | bytes]):
    write_tree(tmp_path / "notes", files)
    return load_library(tmp_path / "notes", project_root=tmp_path)


def messages(library) -> list[str]:
    return [f"{p.path}:{p.line}: {p.message}" for p in library.problems]


GOOD = "---\ntitle: Good note\nyear: 2020\n---\nBody\n"


def test_valid_note_has_no_problems(tmp_path):
    library = load(tmp_path, {"papers/good.md": GOOD})
    assert library.problems == []
    assert list(library.notes) == ["good"]


def test_yaml_syntax_error_names_line_and_skips_only_that_note(tmp_path):
    bad = "---\ntitle: Broken\nyear: 2020\ntags: [a, b\nvenue: ICML\n---\nBody\n"
    library = load(tmp_path, {"papers/bad.md": bad, "papers/good.md": GOOD})
    assert list(library.notes) == ["good"]
    (problem,) = library.problems
    assert problem.path == "notes/papers/bad.md"
    assert problem.line == 4  # the flow sequence that never closes starts on line 4
    assert problem.severity is Severity.ERROR
    assert "YAML syntax error" in problem.message


def test_year_must_be_an_integer(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nvenue: ICML\nyear: twenty twenty\n---\n"})
    assert messages(library) == ["notes/papers/x.md:4: 'year' must be an integer such as 2023, got str 'twenty twenty'"]
    assert library.notes == {}


def test_quoted_digit_year_is_accepted(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nyear: '2021'\n---\n"})
    assert library.problems == [] and library.notes["x"].year == 2021


def test_cites_must_be_a_list(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\ncites: other2020\n---\n"})
    assert messages(library) == [
        "notes/papers/x.md:3: 'cites' must be a list of keys or {key, role} mappings, got str 'other2020'"]


@pytest.mark.parametrize(
    "key, value, allowed",
    [
        ("level", "thorough", "skim, browse, deep"),
        ("relation", "cousin", "peer, upstream"),
    ],
)
def test_enum_values_list_the_allowed_values(tmp_path, key, value, allowed):
    library = load(tmp_path, {"papers/x.md": f"---\ntitle: X\nyear: 2020\n{key}: {value}\n---\n"})
    assert messages(library) == [f"notes/papers/x.md:4: '{key}' is '{value}'; allowed values: {allowed}"]


TYPE_HINT = ("one of paperkb's types (application, dataset, analysis, survey), a publication type (journalArticle, "
             "conferencePaper, book, ...) or literature-note")


def test_unknown_type_on_a_paper_note_is_a_warning_and_the_note_is_kept(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nyear: 2020\ntype: method\n---\n"})
    assert messages(library) == [f"notes/papers/x.md:4: 'type' is 'method', not {TYPE_HINT}; the note is "
                                 "published without a type (its card shows 'method')"]
    assert [p.severity for p in library.problems] == [Severity.WARNING]
    note = library.notes["x"]
    assert note.type is None and note.extra == {"type": "method"}


def test_misspelt_type_is_a_warning_with_the_type_meant(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\ntype: applicaton\n---\n"})
    assert messages(library) == [f"notes/papers/x.md:3: 'type' is 'applicaton': did you mean 'application'? It should "
                                 f"be {TYPE_HINT}; the note is published without a type"]
    assert library.notes["x"].type is None and library.notes["x"].extra == {}


@pytest.mark.parametrize("front_matter", [
    "type: moc\ntitle: Diffusion MOC\ntags: [moc]\nstatus: evergreen",  # a map of content
    "type: topic\naliases: [Diffusion]",
    "type: \"[[Area]]\"\ncreated: 2024-01-02",  # Obsidian properties link their kind
    "type: [area, hub]",
    "type: event\ntitle: Lab meeting",  # an item type that is also a common word
    "title: Admonition\ntype: [[Tool]]\nauthors:\nsummary:",  # a template's paper fields left empty
])
def test_a_vaults_own_kind_of_page_stays_a_plain_page(tmp_path, front_matter):
    library = load(tmp_path, {"topics/diffusion.md": f"---\n{front_matter}\n---\n# Diffusion\n"})
    assert library.problems == [] and library.notes == {}
    assert library.page_named("diffusion") == "topics/diffusion.md"  # still a page: [[diffusion]] finds it


@pytest.mark.parametrize("front_matter, paper_type, extra", [
    ("type: Survey", "survey", {}),
    ("type: literature-note\nauthor: A. Writer\nsource_url: https://example.org/talk", None, {}),
    ("type: \"[[Literature Note]]\"", None, {}),
    ("type: 论文笔记", None, {}),
    ("type: [[Literature]]", None, {}),  # an Obsidian link left unquoted: YAML reads a list in a list
    ("type:\n  - \"[[Literature]]\"\n  - \"[[Tool]]\"", None, {}),  # several: the one naming a note
    ("type: conferencePaper", None, {"item_type": "conferencePaper"}),
    ("type: preprint", None, {"item_type": "preprint"}),
    ("type: post\nauthors: [A. Writer]", None, {"item_type": "post"}),  # a common word, on a paper note
    ("type: topic\ncitekey: writer2020", None, {"type": "topic"}),
])
def test_types_that_make_a_paper_note(tmp_path, front_matter, paper_type, extra):
    library = load(tmp_path, {"papers/x.md": f"---\n{front_matter}\n---\n# A paper\n"})
    assert [p.severity for p in library.problems] == ([Severity.WARNING] if "type" in extra else [])
    (note,) = library.notes.values()
    assert note.type == paper_type and {k: note.extra[k] for k in ("type", "item_type") if k in note.extra} == extra


def test_level_accepts_deep_read_spelling(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nlevel: Deep read\n---\n"})
    assert library.notes["x"].level == "deep"


def test_citation_role_outside_enum(tmp_path):
    text = "---\ntitle: X\ncites:\n  - a2020\n  - {key: b2020, role: inspiration}\n---\n"
    library = load(tmp_path, {"papers/x.md": text})
    assert messages(library) == [
        "notes/papers/x.md:5: citation role is 'inspiration'; allowed values: "
        "background, related, builds-on, baseline, dataset, metric"]


def test_duplicate_keys_across_files(tmp_path):
    library = load(tmp_path, {
        "papers/a.md": "---\ntitle: A\nkey: same2020\n---\n",
        "papers/b.md": "---\ntitle: B\nyear: 2020\nkey: same2020\n---\n",
    })
    assert [n.title for n in library.notes.values()] == ["A"]
    assert messages(library) == ["notes/papers/b.md:4: duplicate key 'same2020': already used by notes/papers/a.md"]


def test_duplicate_key_inside_one_front_matter(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nyear: 2020\nyear: 2021\n---\n"})
    assert messages(library) == ["notes/papers/x.md:4: duplicate key 'year' in the front-matter (first set on line 3)"]


@pytest.mark.parametrize("bad_key", ["../x", "has space", "a/b", "..", "x..y"])
def test_path_like_keys_are_rejected(tmp_path, bad_key):
    library = load(tmp_path, {"papers/x.md": f"---\ntitle: X\nkey: '{bad_key}'\n---\n"})
    (problem,) = library.problems
    assert (problem.path, problem.line) == ("notes/papers/x.md", 3)
    assert f"key '{bad_key}' is not a safe slug" in problem.message
    assert library.notes == {}


def test_non_utf8_file(tmp_path):
    raw = "---\ntitle: Café\n---\nline two\n".encode("latin-1")
    library = load(tmp_path, {"papers/latin.md": raw, "papers/good.md": GOOD})
    assert list(library.notes) == ["good"]
    (problem,) = library.problems
    assert problem.path == "notes/papers/latin.md" and problem.line == 2
    assert "not valid UTF-8" in problem.message


def test_empty_title_is_an_error_and_a_missing_one_comes_from_the_heading_or_file_name(tmp_path):
    library = load(tmp_path, {
        "papers/empty.md": "---\ntitle: ''\nyear: 2020\n---\n",
        "papers/missing.md": "---\nyear: 2020\nvenue: ICML\n---\n",
        "papers/headed.md": "---\nyear: 2020\n---\n```\n# not this\n```\n# Deep Residual Learning\n",
    })
    assert messages(library) == ["notes/papers/empty.md:2: 'title' is empty"]
    assert library.notes["missing"].title == "missing"
    assert library.notes["headed"].title == "Deep Residual Learning"


def test_unknown_citation_is_a_warning_and_the_note_is_kept(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\ncites:\n  - ghost2019\n---\n"})
    assert "x" in library.notes
    (problem,) = library.problems
    assert problem.severity is Severity.WARNING
    assert str(problem) == "notes/papers/x.md:4: warning: unknown citation 'ghost2019' (no note or .bib entry has this key; a paper with no note yet can be cited as \"[[ghost2019]]\")"


def test_a_cited_key_close_to_a_known_one_names_it(tmp_path):
    library = load(tmp_path, {
        "papers/vaswani2017attention.md": "---\ntitle: Attention Is All You Need\n---\n",
        "papers/x.md": "---\ntitle: X\ncites:\n  - vaswani2017atention\n  - \"[[Vaswani2017Attention]]\"\n---\n"})
    assert [str(p) for p in library.problems] == [
        "notes/papers/x.md:4: warning: unknown citation 'vaswani2017atention' (no note or .bib entry has this key; "
        "did you mean 'vaswani2017attention'?)"]
    assert [e.target for e in library.cites("x")] == ["vaswani2017attention"]  # a link finds it in any case


def test_plain_pages_without_note_keys_are_not_notes(tmp_path):
    library = load(tmp_path, {"about.md": "---\nhide: [toc]\n---\n# About\n", "index.md": "# Home\n"})
    assert library.notes == {} and library.problems == []


def test_unknown_keys_are_kept(tmp_path):
    library = load(tmp_path, {"papers/x.md": "---\ntitle: X\nreviewer_score: 8\nmy_rating: [4, 5]\n---\n"})
    assert library.notes["x"].extra == {"reviewer_score": 8, "my_rating": [4, 5]}


def test_insights_from_front_matter_and_body(tmp_path):
    text = (
        "---\ntitle: X\ninsights:\n  - front insight\n---\n\n"
        "- [想法] 中文的想法\n- ordinary bullet\n  * [idea] nested English idea\n    that goes on\n  * next\n\n"
        "```\n- [idea] inside code, not an insight\n```\n"
    )
    library = load(tmp_path, {"papers/x.md": text})
    insights = library.notes["x"].insights
    assert [(i.text, i.line, i.in_body) for i in insights] == [
        ("front insight", 4, False), ("中文的想法", 7, True), ("nested English idea that goes on", 9, True)]


def test_files_are_never_rewritten(tmp_path):
    files = {"papers/bad.md": "---\ntitle: [unclosed\n---\n", "papers/good.md": GOOD}
    load(tmp_path, files)
    for rel, text in files.items():
        assert (tmp_path / "notes" / rel).read_text(encoding="utf-8") == text


def test_every_kind_of_link_is_a_citation_edge(tmp_path):
    library = load(tmp_path, {
        "papers/a.md": "---\ntitle: A\ncites: [{key: b, role: baseline}]\nproblem: Unlike [@e], ...\n---\n"
                       "See [[c]], [the D paper](d.md) and [@b; @e]. Mail me@example.org; [[a]] is me.\n",
        "papers/b.md": GOOD.replace("Good note", "B"), "papers/c.md": GOOD.replace("Good note", "C"),
        "papers/d.md": GOOD.replace("Good note", "D"), "papers/e.md": GOOD.replace("Good note", "E"),
    })
    edges = {(e.target, e.role, e.via, e.line) for e in library.cites("a")}
    assert edges == {("b", "baseline", LinkKind.CITES, 3), ("c", "related", LinkKind.WIKILINK, 6),
                     ("d", "related", LinkKind.LINK, 6), ("e", "related", LinkKind.PANDOC_CITE, 4)}
    assert [e.source for e in library.cited_by("e")] == ["a"]


def test_front_matter_that_is_not_closed_or_starts_late_is_an_error_not_a_crash(tmp_path):
    library = load(tmp_path, {
        "papers/open.md": "---\ntitle: Unterminated\nyear: 2020\nbody text\n",
        "papers/late.md": "\n\n---\ntitle: Late\n---\nBody\n",
        "papers/only-dashes.md": "---\n",  # what an editor holds a moment after typing '---'
        "papers/rule.md": "---\n\nA page that opens with a horizontal rule.\n",
        "papers/pandoc.md": "---\ntitle: \"Example PDF\"\nauthor: [Author]\n...\n\n# Body\n",  # pandoc's closing line
        "papers/good.md": GOOD,
    })
    assert list(library.notes) == ["good"]
    assert messages(library) == [
        "notes/papers/late.md:3: front-matter must start on the first line: remove the blank lines above '---'",
        "notes/papers/open.md:1: front-matter is not closed: add a line '---' after its last key",
        "notes/papers/pandoc.md:4: front-matter ends with pandoc's '...' line, which MkDocs does not read: "
        "write '---' there",
    ]


def test_yaml_errors_point_at_the_offending_line(tmp_path):
    library = load(tmp_path, {"papers/tab.md": "---\ntitle: Tabs\n\tyear: 2020\n---\n",
                              "papers/quote.md": "---\ntitle: \"Open quote\nyear: 2020\n---\n"})
    found = {p.path.rsplit("/", 1)[1]: (p.line, p.message) for p in library.problems}
    assert found["tab.md"][0] == 3 and "tab character" in found["tab.md"][1]
    assert "starts on line 2" in found["tab.md"][1]
    assert found["quote.md"][0] == 2  # an unclosed quote is found where it opens


def test_a_templates_placeholder_in_yaml_gets_a_hint(tmp_path):
    """An Obsidian / Templater template in the notes folder: `title: {{title}}` is no YAML string."""
    library = load(tmp_path, {"templates/Literature.md": "---\ntitle: {{title}}\nyear: 2020\n---\n"})
    (problem,) = library.problems
    assert problem.line == 2 and problem.message.endswith(
        "; '{{title}}' is a template's placeholder, which YAML reads as a mapping: quote it (\"{{title}}\"), "
        "or move the templates out of the notes folder")


@pytest.mark.parametrize("value, message", [("yes", "'title' must be a string, got a boolean"),
                                            ("[A, B]", "'title' must be a string, got a list"),
                                            ("''", "'title' is empty"), ("", "'title' is empty")])
def test_a_bad_title_gets_one_message(tmp_path, value, message):
    library = load(tmp_path, {"papers/t.md": f"---\ntitle: {value}\nyear: 2020\n---\n"})
    assert messages(library) == [f"notes/papers/t.md:2: {message}"]


def test_file_names_without_ascii_words_get_distinct_stable_keys(tmp_path):
    files = {"papers/注意力机制.md": "---\ntitle: 注意力\nyear: 2017\n---\n",
             "papers/扩散模型.md": "---\ntitle: 扩散\nyear: 2020\n---\n",
             "papers/My Paper.md": "---\ntitle: Spaces\n---\n"}
    library = load(tmp_path, files)
    assert library.problems == []
    keys = {n.title: n.key for n in library}
    assert keys["Spaces"] == "my-paper"
    assert keys["注意力"] != keys["扩散"] and all(keys[t].startswith("paper-") for t in ("注意力", "扩散"))
    assert keys == {n.title: n.key for n in load(tmp_path, {})}  # the same on every load


def test_duplicate_keys_inside_nested_values_are_errors(tmp_path):
    text = ("---\ntitle: Nested\nlinks:\n  paper: https://a.org\n  paper: https://b.org\n"
            "cites:\n  - {key: x, role: baseline, role: dataset}\n---\n")
    library = load(tmp_path, {"papers/n.md": text, "papers/x.md": GOOD.replace("Good note", "X")})
    assert messages(library) == [
        "notes/papers/n.md:5: duplicate key 'links.paper' in the front-matter (first set on line 4)",
        "notes/papers/n.md:7: duplicate key 'cites[0].role' in the front-matter (first set on line 7)",
    ]


def test_links_with_unsafe_schemes_are_reported_and_left_out(tmp_path):
    text = "---\ntitle: Links\nlinks:\n  paper: javascript:alert(1)\n  code: https://github.com/x/y\n---\n"
    library = load(tmp_path, {"papers/l.md": text})
    assert messages(library) == ["notes/papers/l.md:3: link 'paper' is not a web address paperkb links to "
                                 "('javascript:alert(1)'); it is left out of the card"]
    assert library.notes["l"].links == {"code": "https://github.com/x/y"}


def test_a_page_opening_with_a_rule_and_a_colon_stays_a_page(tmp_path):
    library = load(tmp_path, {"about.md": "---\nUpdate: this site moved.\n\nWelcome\n",
                              "papers/crlf.md": "---\r\ntitle: Open\r\nyear: 2020\r\n\r\nbody\r\n"})
    assert messages(library) == ["notes/papers/crlf.md:1: front-matter is not closed: add a line '---' after its last key"]


def test_recursive_yaml_aliases_are_no_crash(tmp_path):
    library = load(tmp_path, {"papers/alias.md": "---\ntitle: Alias\nlinks: &a [*a]\n---\n",
                              "papers/wide.md": "---\ntitle: Wide\nx: &a [1, 2]\ny: &b [*a, *a, *a, *a]\n"
                                                "z: [*b, *b, *b, *b]\n---\n"})
    assert "wide" in library.notes
    assert all(p.path.endswith("alias.md") for p in library.problems)


def test_yaml_mistakes_get_a_hint(tmp_path):
    library = load(tmp_path, {
        "papers/tab.md": "---\ntitle: X\nauthors:\n\t- Ashish Vaswani\n---\n",
        "papers/colon.md": "---\nyear: 2019\ntitle: BERT: Pre-training of Deep Bidirectional Transformers\n---\n",
        "papers/folded.md": "---\ntitle: Folded\ninsights:\n  - Scaling works\n    - but data runs out\n  - Second\n---\n",
    })
    assert messages(library) == [
        "notes/papers/colon.md:3: YAML syntax error: mapping values are not allowed in this context; a colon "
        "followed by a space cannot stand in an unquoted value: quote the value, "
        'title: "BERT: Pre-training of Deep Bidirectional Transformers"',
        "notes/papers/folded.md:5: this '- ' line is indented under the list item above, so YAML reads both as "
        "one text ('Scaling works - but data runs out'): indent it like the other items (or quote the text if it "
        "is one)",
        "notes/papers/tab.md:4: YAML syntax error: found character that cannot start any token (while scanning for "
        "the next token); YAML does not allow tabs: indent with spaces",
    ]
    assert library.notes["folded"].insights[0].text == "Scaling works - but data runs out"  # a warning, kept


@pytest.mark.parametrize("front_matter, authors", [
    ("authors:\n  - [[Jocelyne Piret]]\n  - [[Guy Boivin]]", ["Jocelyne Piret", "Guy Boivin"]),  # unquoted links
    ("authors:\n  - [[Katherine Eaton\\|Eaton, K.]]", ["Eaton, K."]),  # YAML split `[[a\\|b, c]]` at the comma
    ("authors:\n  - \"[[Leo Featherstone|L. Featherstone]]\"", ["L. Featherstone"]),
    ("authors:\n  - name: [ [ Katherine Eaton ] ]\n    orcid: 0000-0001-6862-7756\n  - name: Hendrik Poinar",
     ["Katherine Eaton", "Hendrik Poinar"]),  # pandoc's and Quarto's author records
])
def test_authors_written_as_obsidian_links_or_author_records(tmp_path, front_matter, authors):
    library = load(tmp_path, {"papers/x.md": f"---\ntitle: X\nyear: 2021\n{front_matter}\n---\n"})
    assert library.problems == [] and library.notes["x"].authors == authors


def test_the_bibtex_key_seldon_writes_keys_the_note(tmp_path):
    library = load(tmp_path, {"lit/@piret2021Pandemics.md": "---\ntitle: P\nbibtex: \"piret2021Pandemics\"\n---\n"})
    assert list(library.notes) == ["piret2021Pandemics"]


def test_aliases_are_measured_only_in_front_matter_that_can_hold_one(monkeypatch):
    """The 'billion laughs' guard walks every list and mapping of a front-matter; YAML writes an
    alias as ``*name``, so a front-matter without a '*' is not walked (~30% of parsing a note)."""
    from paperkb.core import frontmatter_source

    measured: list[str] = []
    real = frontmatter_source._check_alias_expansion
    monkeypatch.setattr(frontmatter_source, "_check_alias_expansion",
                        lambda key, *a: measured.append(key) or real(key, *a))
    plain = frontmatter_source.parse_front_matter(
        "---\ntitle: A\ncites: [b2020, {key: c2021, role: baseline}]\nlinks: {paper: 'https://x.org/a*b'}\n---\n")
    assert plain.data["cites"][1] == {"key": "c2021", "role": "baseline"}
    assert measured == ["title", "cites", "links"]  # a '*' in a value: measured, to be safe
    measured.clear()
    frontmatter_source.parse_front_matter("---\ntitle: A\ncites: [b2020, {key: c2021}]\ntags: [x, y]\n---\n")
    assert measured == []
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n"
    with pytest.raises(frontmatter_source.FrontMatterError, match="'c' repeats YAML anchors"):
        frontmatter_source.parse_front_matter(bomb)
