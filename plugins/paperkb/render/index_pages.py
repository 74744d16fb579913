"""Generated pages: home with statistics, per-facet indexes, insights, tags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import yaml

from ..core.body_scan import rebase_links
from ..core.library import Library, by_level, newest_first
from ..core.note_memo import NoteMemo
from ..core.model import LEVEL_LABELS, LEVELS, PAPER_TYPES, TYPE_LABELS, Note
from .escape import Markup, escape, html, md_text, neutralize_html
from .plain_text import PlainText
from .site_map import FACETS, SiteMap
from .tables import NoteTable, count_table


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    markdown: str
    # Pages that only repeat what note pages already say stay out of the search index, so a
    # search lands on the note (and the index does not parse megabytes twice at 10,000 notes).
    searchable: bool = True
    # mkdocs-material's `hide` (navigation, toc): wide pages such as graphs get the whole width.
    hide: tuple[str, ...] = ()

    @cached_property  # (`serve` keeps pages no edit reached: their text is made once)
    def source(self) -> str:
        """The page file's text. The title goes in the front-matter already HTML-escaped, because
        mkdocs-material writes ``page.meta.title`` into <title> and the nav without escaping it
        (and a title taken from the heading would come back unescaped by Jinja's ``striptags``)."""
        # The home page's <title> is the site name alone (the theme adds " - site name" to a set title).
        meta: dict = {} if self.src_uri == "index.md" else {"title": str(escape(self.title))}
        if not self.searchable:
            meta["search"] = {"exclude": True}  # mkdocs-material's search plugin skips the page
        if self.hide:
            meta["hide"] = list(self.hide)
        front = yaml.safe_dump(meta, allow_unicode=True, width=10_000)
        return f"---\n{front}---\n\n{self.markdown}"


def _facet_label(facet: str, value: object) -> str:
    if facet == "type":
        return TYPE_LABELS.get(str(value), str(value))
    return str(value)


def _facet_order(facet: str, values) -> list:
    if facet == "year":
        return sorted(values, reverse=True)
    if facet == "type":
        return [t for t in PAPER_TYPES if t in values]
    return sorted(values, key=lambda v: str(v).lower())


class IndexPages:
    def __init__(self, library: Library, site: SiteMap, *, site_name: str = "Paper notes",
                 plain: PlainText | None = None, memo: NoteMemo | None = None) -> None:
        self.library = library
        self.site = site
        self.plain = plain or PlainText(library, site.urls)  # plain insights skip Markdown
        self.site_name = site_name
        self.memo = memo  # `serve`: rows and insights made in the last build (core/note_memo.py)
        # (a build not followed by another keeps rows for its own pages: a note is a row on its
        # year's, fields', tags' and venue's pages, ~4 rows a note)
        self.table = NoteTable(site, library, memo) if memo is not None else \
            NoteTable(site, library, NoteMemo(), rows_by_link=True)
        self.groups = {facet: library.groups(values_of) for facet, (_f, _t, values_of) in FACETS.items()}
        # `serve` (IndexPlan): pages the last plan made that no edit reached since, and the pages made now
        self.kept: IndexPlan = IndexPlan()
        self.made: IndexPlan = IndexPlan()

    def all_pages(self, extra_home_markdown: str = "", kept: IndexPlan | None = None) -> list[GeneratedPage]:
        """Every index page; ``kept``: pages of the last plan still right (`serve`), taken as they are."""
        self.kept = kept or IndexPlan()
        self.made = IndexPlan()
        insights = self.kept.insights or self.insights()
        self.made.insights = insights
        pages = [self.home(extra_home_markdown), insights, self.tags()]
        for facet in FACETS:
            pages.append(self.overview(facet))
            pages.extend(self.facet_page(facet, value) for value in self.groups[facet])
        return pages

    def facet_pages(self, values: Iterable[tuple[str, object]]) -> dict[tuple[str, object], GeneratedPage]:
        """The pages of these (facet, value)s that have notes (`serve`'s first round after an
        edit makes those of the values the edited notes had or have, and keeps the others)."""
        return {(facet, value): self.facet_page(facet, value) for facet, value in values if value in self.groups[facet]}

    # -- pieces -------------------------------------------------------------
    def _facet_counts(self, facet: str, here: str) -> Markup:
        groups = self.groups[facet]
        values = _facet_order(facet, groups)
        if facet in ("field", "venue"):
            values = sorted(values, key=lambda v: (-len(groups[v]), str(v).lower()))
        rows = [
            (html('<a href="{}">{}</a>',
                self.site.urls.href(here, self.site.facet_page(facet, v)), _facet_label(facet, v)), len(groups[v]))
            for v in values
        ]
        return count_table(rows, FACETS[facet][1][:-1], len(self.library))

    def home(self, extra_markdown: str = "") -> GeneratedPage:
        here = self.site.statistics
        total = len(self.library)
        levels = self.library.groups(by_level)
        level_rows = [(escape(LEVEL_LABELS[lv]), len(levels[lv])) for lv in LEVELS if lv in levels]
        links = " · ".join(
            f"[{FACETS[f][1]}]({_rel(here, self.site.overview_page(f))})" for f in FACETS
        )
        recent = newest_first(self.library)[:10]
        parts = [
            f"# {md_text(self.site_name)}\n",
            *([extra_markdown] if extra_markdown else []),
            f'<p class="pkb-total" data-pkb-total="{total}"><strong>Total Count: {total}</strong> papers</p>\n',
            f"Browse by {links} · [Tags]({_rel(here, self.site.tags)}) · [Insights]({_rel(here, self.site.insights)})"
            + (f" · [Projects]({_rel(here, self.site.projects)})" if self.site.projects else "") + "\n",
            "## By field\n", str(self._facet_counts("field", here)), "",
            "## By year\n", str(self._facet_counts("year", here)), "",
            "## By type\n", str(self._facet_counts("type", here)), "",
            "## By reading depth\n", str(count_table(level_rows, "Level", total)), "",
        ]
        if recent:
            parts += ["## Latest papers\n", str(self.table.render(recent, here)), ""]
        return GeneratedPage(here, self.site_name, "\n".join(parts))

    def overview(self, facet: str) -> GeneratedPage:
        here = self.site.overview_page(facet)
        title = FACETS[facet][1]
        body = f"# {title}\n\n{self._facet_counts(facet, here)}\n"
        return GeneratedPage(here, title, body)

    def facet_page(self, facet: str, value: object) -> GeneratedPage:
        here = self.site.facet_page(facet, value)
        graph = self.site.graph_page(value) if facet == "field" else None
        kept = self.kept.facets.get((facet, value))
        if kept is not None and kept[0] == (here, graph):
            self.made.facets[(facet, value)] = kept
            return kept[1]
        notes = newest_first(self.groups[facet][value])
        label = _facet_label(facet, value)
        heading = f"{FACETS[facet][1][:-1]}: {label}"
        count = f'<p class="pkb-count-line">{len(notes)} {"paper" if len(notes) == 1 else "papers"}</p>'
        if graph:
            count += f"\n\n[Citation graph of this field]({_rel(here, graph)})"
        body = f"# {md_text(heading)}\n\n{count}\n\n{self.table.render(notes, here)}\n"
        # A table page has no headings to list: the table gets the width of the table of contents.
        page = GeneratedPage(here, heading, body, hide=("toc",))
        self.made.facets[(facet, value)] = ((here, graph), page)
        return page

    def insights(self) -> GeneratedPage:
        here = self.site.insights
        by_field: dict[str, list[Note]] = {}
        for note in newest_first(self.library):
            if note.insights:
                for field_name in note.fields or ["Other"]:
                    by_field.setdefault(field_name, []).append(note)
        count = sum(len(n.insights) for n in self.library)
        parts = ["# Insights\n", f"{count} insights from {sum(1 for n in self.library if n.insights)} notes, by field.\n"]
        items: dict[str, Markup | None] = {}  # a note listed under two fields is rendered once
        for field_name in sorted(by_field, key=str.lower):
            parts.append(f"## {md_text(field_name)}\n")
            # Notes whose insights are plain prose go out as finished HTML (held out of Markdown
            # by the plugin: ~1 MB of list Markdown at 2000 notes); the others stay Markdown
            # so their math, links and emphasis render.
            plain_run: list[Markup] = []
            for note in by_field[field_name]:
                if note.key not in items:
                    items[note.key] = self._insights_entry(note, here)
                held = items[note.key]
                if held is not None:
                    plain_run.append(held)
                    continue
                parts += [_held_list(plain_run)] if plain_run else []
                plain_run = []
                parts += ["", insights_markdown(note, here), ""]
            parts += [_held_list(plain_run)] if plain_run else []
            parts.append("")
        return GeneratedPage(here, "Insights", "\n".join(parts), searchable=False)

    def _insights_entry(self, note: Note, here: str) -> Markup | None:
        """The note's list item on the insights page as finished HTML, or None when its insights
        need Markdown. `serve` keeps it while the note and what its [[links]] show are the same."""
        texts = [i.text for i in note.insights]

        def make() -> Markup | None:
            items = self.plain.items(texts, here)
            if items is None:
                return None
            return html('<li><a href="{}">{}</a>{}{}</li>', self.site.urls.href(here, note.src_uri), note.title,
                        f" ({note.year})" if note.year else "", items)

        return make() if self.memo is None else self.memo.get(note, make, "insights", here, self.plain.link_targets(texts))

    def tags(self) -> GeneratedPage:
        return GeneratedPage(self.site.tags, "Tags", "# Tags\n\n<!-- material/tags -->\n")


@dataclass
class IndexPlan:
    """Index pages a plan made, to be kept by the next one (`serve`) where no edit reached them."""

    facets: dict[tuple[str, object], tuple[tuple, GeneratedPage]] = field(default_factory=dict)  # (facet, value) -> ((page, graph page), page)
    insights: GeneratedPage | None = None

    def without(self, before: Library, after: Library, touched: Iterable[str]) -> IndexPlan:
        """What still holds after an edit that changed the notes ``touched`` (their data or links):
        the pages of every facet value they had or have are made again, and the insights page if
        the entry of one of them there changed (its insights, title, year, fields or place), or a
        note's insights link to notes and one of them came, went, moved or changed its title."""
        touched = set(touched)
        dirty = facet_values(before, after, touched)
        kept = IndexPlan({fv: made for fv, made in self.facets.items() if fv not in dirty}, self.insights)
        if any(_insights_entry_changed(before.notes.get(key), after.notes.get(key)) for key in touched) or (
                _names_changed(before, after, touched) and any("[[" in i.text for n in after for i in n.insights)):
            kept.insights = None
        return kept


def facet_values(before: Library, after: Library, keys: Iterable[str], *, moved: bool = False) -> set[tuple[str, object]]:
    """(facet, value) of every facet value a note among ``keys`` had or has: the pages an edit
    of them reached; ``moved``: only those it came to or left (a new year, a note gone)."""
    found: set[tuple[str, object]] = set()
    for key in keys:
        had, has = (_values(lib.notes.get(key)) for lib in (before, after))
        found |= (had ^ has) if moved else (had | has)
    return found


def _values(note: Note | None) -> set[tuple[str, object]]:
    if note is None:
        return set()
    return {(facet, value) for facet, (_f, _t, values_of) in FACETS.items() for value in values_of(note)}


def _insights_entry_changed(before: Note | None, after: Note | None) -> bool:
    """The note's entry on the insights page is not what it was (a tag or a citation leaves it)."""
    def entry(note: Note | None) -> tuple | None:
        if note is None or not note.insights:
            return None
        return (note.title, note.year, note.src_uri, tuple(note.fields), tuple(i.text for i in note.insights))

    return entry(before) != entry(after)


def _names_changed(before: Library, after: Library, keys: set[str]) -> bool:
    """A note among ``keys`` came, went, moved or changed a name a [[link]] finds or shows it by."""
    for key in keys:
        a, b = before.notes.get(key), after.notes.get(key)
        if a is None or b is None or (a.title, a.src_uri, a.extra.get("aliases")) != (b.title, b.src_uri, b.extra.get("aliases")):
            return True
    return False


def _held_list(entries: list[Markup]) -> str:
    """Finished list items, held out of Markdown by the plugin (html_slots.py)."""
    return f'\n<div class="pkb-held"><ul>\n{Markup(chr(10)).join(entries)}\n</ul></div><!--/pkb-held-->\n'


def insights_markdown(note: Note, here: str) -> str:
    """A Markdown list item linking ``note`` from the page ``here``, its insights nested under it."""
    link = f"[{md_text(note.title)}]({_rel(here, note.src_uri)})"
    year = f" ({note.year})" if note.year else ""
    lines = [f"- {link}{year}"]
    for insight in note.insights:  # links in it were written relative to the note
        lines.append(f"    - {neutralize_html(rebase_links(' '.join(insight.text.split()), note.src_uri, here))}")
    return "\n".join(lines)


def _rel(from_src: str, to_src: str) -> str:
    import posixpath

    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")

