"""``[@key]`` / ``[@a; @b]`` in any page -> author-year links, plus the page's References list."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

from ..core.bib.pandoc_cites import Cite, CiteGroup, find_cite_groups
from ..core.bib.formatting import FormattedReference, ReferenceFormatter
from ..core.bib.references import References
from ..core.body_scan import LineTransform
from ..core.library import unknown_cite_key_message
from .bib_html import LABELLED_STYLES, ref_anchor, reference_html, reference_list
from .card import link_title
from .escape import md_text
from .site_map import SiteMap


class CitedKeys:
    """The keys a page cites, in the order of their first citation."""

    def __init__(self) -> None:
        self.keys: dict[str, None] = {}

    def add(self, key: str) -> None:
        self.keys.setdefault(key, None)

    def __iter__(self):
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


def _rel(here: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


class PandocCiteRenderer:
    def __init__(self, references: References, site: SiteMap) -> None:
        self.references = references
        self.site = site

    def _cite(self, cite: Cite, here: str, cited: CitedKeys, unknown: list[str]) -> str:
        ref = self.references.get(cite.key)
        if ref is None:
            if not self.references.is_draft(cite.key):
                unknown.append(cite.key)
            label = md_text(cite.key) + ("?" if not self.references.is_draft(cite.key) else "")
        else:
            cited.add(cite.key)
            text = ref.year_label() if cite.suppress_author else f"{ref.author_label()}, {ref.year_label()}"
            title = ""
            if ref.note is not None:
                target = _rel(here, ref.note.src_uri)
                title = f' "{md_text(link_title(ref.note))}"'
            elif self.site.bibliography:
                target = f"{_rel(here, self.site.bibliography)}#{ref_anchor(ref.key)}"
            else:
                target = None
            label = f"[{md_text(text)}](<{target}>{title})" if target else md_text(text)
        prefix = f"{cite.prefix} " if cite.prefix else ""
        suffix = cite.suffix
        if suffix and not re.match(r"^[,.;:)]", suffix):
            suffix = ", " + suffix
        return f"{prefix}{label}{suffix}"

    def _group(self, group: CiteGroup, original: str, here: str, cited: CitedKeys,
               warn: Callable[[str], None]) -> str:
        unknown: list[str] = []
        parts = [self._cite(c, here, cited, unknown) for c in group.cites]
        for key in unknown:
            warn(unknown_cite_key_message(key))
        if len(unknown) == len(group.cites):
            return original  # nothing known: leave the author's text as written
        return f'<span class="pkb-cite">({"; ".join(parts)})</span>'

    def transform(self, here: str, warn: Callable[[int, str], None], cited: CitedKeys,
                  found: Callable[[Iterable[str]], None] | None = None) -> LineTransform:
        """A line transform (body_scan.map_prose) replacing citations with author-year links and
        collecting their keys in ``cited``; ``warn(line_index, message)`` for unknown keys;
        ``found`` gets every key written, known or not (what the page's text depends on)."""

        def transform(line: str, index: int) -> str:
            groups = find_cite_groups(line) if "@" in line else None
            if not groups:
                return line
            out, last = [], 0
            for group in groups:
                if found is not None:
                    found(cite.key for cite in group.cites)
                out.append(line[last:group.start])
                out.append(self._group(group, line[group.start:group.end], here, cited,
                                       lambda message: warn(index, message)))
                last = group.end
            out.append(line[last:])
            return "".join(out)

        return transform

    def references_section(self, cited: CitedKeys, here: str, formatter: ReferenceFormatter,
                           formatted: dict[str, FormattedReference]) -> str:
        refs = [r for r in (self.references.get(k) for k in cited) if r is not None]
        if not refs:
            return ""
        by_key = {r.key: r for r in refs}
        show_label = formatter.style_name in LABELLED_STYLES
        items = []
        for entry in formatter.sort([r.entry for r in refs]):
            ref = by_key[entry.key]
            fmt = formatted.get(ref.key) or formatter.format_one(ref.entry)
            items.append(reference_html(ref, fmt, self.site, here, show_label=show_label))
        return "## References\n\n" + reference_list(items) + "\n"
