"""The "Cite" block at the end of a note page: the formatted reference and its BibTeX."""

from __future__ import annotations

from ..core.bib.formatting import FormattedReference
from ..core.bib.references import Reference
from .bib_html import inert
from .escape import Markup, html


def cite_block_html(ref: Reference, formatted: FormattedReference, bibtex: str | None = None) -> Markup:
    """The reference (pybtex HTML) and the BibTeX entry as a code block in mkdocs-material's own
    markup (``div.highlight > pre > code``), so its copy button (``content.code.copy``) applies.

    Finished HTML: no Markdown or Pygments pass over 2000 BibTeX entries, and
    ``data-search-exclude`` keeps BibTeX fields out of the search index (the card already has them)."""
    reference = inert(html('<p class="pkb-cite-block__ref">{}</p>', formatted.html))
    return html(
        '<div class="pkb-cite-block" data-pkb-key="{}" data-search-exclude>\n{}\n'
        '<div class="language-bibtex highlight"><pre><span></span><code>{}</code></pre></div>\n</div>',
        ref.key, reference, (ref.bibtex() if bibtex is None else bibtex).rstrip())
