"""The "Cite" block at the end of a note page: the formatted reference and its BibTeX."""

from __future__ import annotations

import re

from ..core.bib.formatting import FormattedReference
from ..core.bib.references import Reference
from .bib_html import inert
from .escape import Markup


def _fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so no value can close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def cite_block(ref: Reference, formatted: FormattedReference) -> str:
    """Markdown: a heading, the reference (HTML) and the BibTeX entry in a code block, which
    mkdocs-material gives a copy button (``content.code.copy``)."""
    bibtex = ref.bibtex()
    fence = _fence_for(bibtex)
    reference = inert(Markup('<div class="pkb-cite-block" data-pkb-key="{}">\n<p class="pkb-cite-block__ref">{}</p>\n</div>')
                      .format(ref.key, formatted.html))
    return f"## Cite\n\n{reference}\n\n{fence}bibtex\n{bibtex.rstrip()}\n{fence}\n"
