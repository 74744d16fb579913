"""The structured card and front-matter sections at the top of a note page."""

from __future__ import annotations

import re

from dataclasses import dataclass

from pymdownx.slugs import slugify as _pymdownx_slugify

from ..core.model import LEVEL_LABELS, TYPE_LABELS, Note
from ..core.urls import SiteUrls, url_folder
from .escape import Markup, escape, html, html_join, md_text, neutralize_html, safe_url
from .plain_text import PlainText
from .site_map import SiteMap

_tag_slug = _pymdownx_slugify(case="lower")
LINK_LABELS = {"paper": "Paper", "pdf": "PDF", "code": "Code", "project": "Project", "video": "Video", "slides": "Slides"}
SECTIONS = (("problem", "Problem"), ("method", "Method"), ("results", "Results"))


def _link(href: str, text: str, css: str = "") -> Markup:
    cls = html(' class="{}"', css) if css else ""
    return html('<a href="{}"{}>{}</a>', href, cls, text)


def _facet_link(site: SiteMap, here: str, facet: str, value: object, text: str | None = None) -> Markup:
    key = (facet, type(value), value, text, url_folder(site.urls.url(here)))
    link = site.facet_links.get(key)
    if link is None:
        target = site.facet_page(facet, value)
        label = text if text is not None else str(value)
        link = site.facet_links[key] = _link(site.urls.href(here, target), label) if target else escape(label)
    return link


# What one unknown front-matter key may show on the card: a key is free-form, so a huge or deeply
# nested value (or one that repeats itself through YAML aliases) shows its start and an ellipsis.
EXTRA_MAX_VALUES = 100
EXTRA_MAX_DEPTH = 4
EXTRA_MAX_CHARS = 500


def _extra_value(value: object) -> Markup:
    budget = [EXTRA_MAX_VALUES]
    return _bounded_value(value, budget, EXTRA_MAX_DEPTH)


def _bounded_value(value: object, budget: list[int], depth: int) -> Markup:
    if budget[0] <= 0 or (depth <= 0 and isinstance(value, (list, dict))):
        return Markup("…")
    if isinstance(value, list):
        return html_join(_bounded_items(value, lambda v: _bounded_value(v, budget, depth - 1), budget))
    if isinstance(value, dict):
        return html_join(_bounded_items(
            value.items(), lambda kv: html("{}: {}", _short(kv[0]), _bounded_value(kv[1], budget, depth - 1)), budget),
            "; ")
    budget[0] -= 1
    return escape(_short(value))


def _bounded_items(items, render, budget: list[int]):
    for item in items:
        if budget[0] <= 0:
            yield Markup("…")
            return
        yield render(item)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= EXTRA_MAX_CHARS else text[: EXTRA_MAX_CHARS - 1] + "…"


def render_card(note: Note, site: SiteMap, *, show_tags: bool = True, here: str | None = None,
                heading: str = "h1", extra: Markup | None = None) -> Markup:
    """The card; ``here`` is the page it lands on (the note's own page unless it is embedded);
    ``extra`` is finished HTML that ends it (what Semantic Scholar says of the paper)."""
    here = here or note.src_uri
    parts: list[Markup] = [html('<div class="pkb-card" data-pkb-key="{}">', note.key)]
    if heading == "h1":
        parts.append(html('<h1 class="pkb-card__title">{}</h1>', note.title))
    else:  # an embedded card links to its note
        parts.append(html('<p class="pkb-card__title"><a href="{}" title="{}">{}</a></p>',
            site.urls.href(here, note.src_uri), link_title(note), note.title))

    byline = []
    if note.authors:
        byline.append(html('<span class="pkb-card__authors">{}</span>', ", ".join(note.authors)))
    venue_year = []
    if note.venue:
        venue_year.append(_facet_link(site, here, "venue", note.venue))
    if note.year is not None:
        venue_year.append(_facet_link(site, here, "year", note.year))
    if venue_year:
        byline.append(html('<span class="pkb-card__venue">{}</span>', html_join(venue_year, " ")))
    if byline:
        parts.append(html('<p class="pkb-card__byline">{}</p>', html_join(byline, " · ")))

    badges = []
    if note.type:
        badges.append(html('<span class="pkb-badge pkb-badge--type pkb-badge--{}">{}</span>',
            note.type, _facet_link(site, here, "type", note.type, TYPE_LABELS[note.type])))
    if note.level:
        badges.append(html('<span class="pkb-badge pkb-badge--level pkb-badge--{}" title="Reading depth">{}</span>',
            note.level, LEVEL_LABELS[note.level]))
    if note.relation:
        badges.append(html('<span class="pkb-badge pkb-badge--relation" title="Relation to my work">{}</span>',
            note.relation))
    if badges:
        parts.append(html('<p class="pkb-card__badges">{}</p>', html_join(badges, " ")))

    facts: list[tuple[str, Markup]] = []
    if note.fields:
        facts.append(("Fields", html_join(_facet_link(site, here, "field", f) for f in note.fields)))
    if note.tags and show_tags:
        facts.append(("Tags", html_join(
            _link(site.urls.href(here, site.tags, f"tag:{_tag_slug(t, '-')}"), t, "pkb-tag") for t in note.tags)))
    if note.datasets:
        facts.append(("Datasets", escape(", ".join(note.datasets))))
    if note.metrics:
        facts.append(("Metrics", escape(", ".join(note.metrics))))
    for name, value in note.extra.items():
        facts.append((str(name), _extra_value(value)))
    if facts:
        rows = html_join((html("<dt>{}</dt><dd>{}</dd>", k, v) for k, v in facts), "")
        parts.append(html('<dl class="pkb-card__facts">{}</dl>', rows))

    links = []
    for name, url in note.links.items():
        href = safe_url(url)
        label = LINK_LABELS.get(name.lower(), name.replace("_", " ").title())
        if href:
            links.append(_link(href, label, f"pkb-link pkb-link--{name.lower()}"))
    if note.arxiv:
        links.append(_link(f"https://arxiv.org/abs/{note.arxiv}", f"arXiv:{note.arxiv}", "pkb-link pkb-link--arxiv"))
    if note.doi:
        links.append(_link(f"https://doi.org/{note.doi}", f"DOI:{note.doi}", "pkb-link pkb-link--doi"))
    if links:
        parts.append(html('<p class="pkb-card__links">{}</p>', html_join(links, " ")))
    if extra:
        parts.append(extra)
    parts.append(Markup("</div>"))
    return html_join(parts, "\n")


@dataclass(frozen=True)
class Section:
    """One front-matter section of a note page: its content as Markdown, and as finished HTML
    when it is plain prose (see plain_text.py) so the page need not send it through Markdown."""

    anchor: str
    title: str
    markdown: str
    html: Markup | None = None


def note_sections(note: Note, plain: PlainText | None = None, here: str | None = None) -> list[Section]:
    """Problem / Method / Results / Insights, rendered like the body (math, links, wikilinks)."""
    here = here or note.src_uri
    sections = []
    for attr, heading in SECTIONS:
        value = getattr(note, attr)
        if value:
            html = plain.paragraph(value, here) if plain else None
            sections.append(Section(attr, heading, neutralize_html(value), html))
    front_insights = [i.text for i in note.insights if not i.in_body]
    if front_insights:
        items = "\n".join(f"- {neutralize_html(' '.join(text.split()))}" for text in front_insights)
        sections.append(Section("insights", "Insights", items, plain.items(front_insights, here) if plain else None))
    return sections


def link_title(note: Note) -> str:
    """The ``title`` of every link to a note: its title with year and venue, seen on hover
    (paperkb-preview.js shows the card instead when scripts run)."""
    meta = ", ".join(str(x) for x in (note.year, note.venue) if x)
    title = " ".join(note.title.split())
    return f"{title} ({meta})" if meta else title


def wikilink_markdown(note: Note, from_src: str, label: str | None = None, anchor: str = "") -> str:
    """A Markdown link to ``note`` (at ``#anchor`` of its page, if given) from the page of
    ``from_src`` (MkDocs validates and rewrites it), titled with ``link_title`` (as entities:
    Markdown keeps them as they are in a link title)."""
    import posixpath

    rel = posixpath.relpath(note.src_uri, posixpath.dirname(from_src) or ".")
    fragment = f"#{anchor}" if anchor else ""
    return f'[{md_text(label if label is not None else note.title)}](<{rel}{fragment}> "{md_text(link_title(note))}")'


# What makes the HTML of a link less than certain: a page URL with any character that MkDocs
# percent-encodes (urllib's quote: all but these) where SiteUrls may not (``@``, spaces, non-ASCII),
# and in the text what magiclink reads (an "@") or Markdown's own (control characters, spaces around).
_UNSURE_URL = re.compile(r"[^A-Za-z0-9_.~/-]")
_UNSURE_TEXT = re.compile(r"[@\x00-\x1f]|^\s|\s$")


def wikilink_html(note: Note, from_src: str, urls: SiteUrls, label: str | None = None) -> str | None:
    """The HTML that Markdown and MkDocs make of ``wikilink_markdown(note, from_src, label)``
    (no anchor) on a line of plain prose (render/plain_text.py: ``inline_hold_lines``), or None
    where that is not certain; tests/site/test_inline_holds.py compares the two."""
    target = urls.url(note.src_uri)
    if _UNSURE_URL.search(target) or _UNSURE_URL.search(urls.url(from_src)):
        return None
    text, title = md_text(label if label is not None else note.title), md_text(link_title(note))
    if _UNSURE_TEXT.search(text) or _UNSURE_TEXT.search(title):
        return None
    return f'<a href="{urls.relative(from_src, target)}" title="{title}">{text}</a>'


# `[^\n]*\S[ \t\r]*\n` rather than `[^\n]*\S[^\n]*\n`: the latter backtracks quadratically on a long line
# (a 2 MB one-line note took minutes).
_LEADING_H1 = re.compile(r"\s*(?:#[ \t]+(?P<atx>.+?)(?:[ \t]+#+)?[ \t]*|(?P<setext>[^\n]*\S)[ \t\r]*\n=+[ \t]*)(?:\n|$)")
# A body opening with a heading, after any HTML comments (a template's `<!-- started ... -->` line).
STARTS_WITH_HEADING = re.compile(r"\s*(?:<!--[\s\S]*?-->\s*)*(?:#{1,6}[ \t]|[^\n]*\S[ \t\r]*\n(?:=+|-+)[ \t]*(?:\n|$))")


def fit_leading_title(body: str, title: str) -> str:
    """The body with its leading level-1 heading fitted under the card, which holds the page's <h1>.

    Notes written for a plain editor often start with the title as a heading: one that only
    repeats the card's title is dropped; one that says more ("ResNet（残差网络）") is kept as
    the <h2> that opens the body, so it reads as the body's heading rather than a second title
    halfway down the page."""
    match = _LEADING_H1.match(body)
    if not match:
        return body
    text = (match.group("atx") or match.group("setext")).strip()
    rest = body[match.end():]
    if " ".join(text.split()).casefold() == " ".join(title.split()).casefold():
        return rest
    return f"## {text}\n{rest}"
