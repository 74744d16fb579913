"""Formatted references as HTML: one paragraph per reference, used by every bibliography list."""

from __future__ import annotations

from urllib.parse import quote

from ..core.bib.formatting import FormattedReference
from ..core.bib.references import Reference
from .escape import Markup, html
from .site_map import SiteMap

# Styles whose labels mean something on their own ("VSP+17"); numeric labels only count a list.
LABELLED_STYLES = ("alpha", "unsrtalpha")


def ref_anchor(key: str) -> str:
    """The id of a reference on a page (and its URL fragment)."""
    return "ref-" + quote(key, safe="-_.:")


def inert(html: Markup) -> Markup:
    """HTML whose ``[`` can no longer start a wikilink or citation in the page's later passes."""
    return Markup(str(html).replace("[", "&#91;").replace("]", "&#93;"))


def reference_html(ref: Reference, formatted: FormattedReference, site: SiteMap, here: str, *,
                   show_label: bool, anchor: bool = True) -> Markup:
    label = html('<span class="pkb-ref__label">[{}]</span> ', formatted.label) if show_label else ""
    note_link = ""
    if ref.note is not None:
        note_link = html(' <a class="pkb-ref__note" href="{}">Reading note</a>',
            site.urls.href(here, ref.note.src_uri))
    status = "pkb-ref--note" if ref.note is not None else "pkb-ref--to-read"
    id_attr = html(' id="{}"', ref_anchor(ref.key)) if anchor else ""
    return inert(html('<p class="pkb-ref {}"{} data-pkb-key="{}">{}{}{}</p>',
        status, id_attr, ref.key, label, formatted.html, note_link))


def reference_list(items: list[Markup], css: str = "pkb-references") -> str:
    """A raw-HTML block (no blank lines inside, so Markdown leaves it alone)."""
    return str(html('<div class="{}">\n{}\n</div>', css, Markup("\n").join(items)))
