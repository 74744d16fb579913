"""``![[page]]``, ``![[page#Heading]]`` and ``![[page#^block-id]]`` on a line of their own: the
other page's text shown in place, as Obsidian shows it, under a caption linking its source.

The embedded Markdown joins the page's own before any other text pass, so it is rendered,
escaped and sanitised as the page's text is; its relative links are rewritten for the page it
now stands in, its footnotes renamed apart, its Obsidian comments left out, and a code block or
comment it leaves open is closed. Embeds inside it are expanded too, up to ``MAX_DEPTH`` pages
deep; a page embedding itself again (directly or through others) gets a link there instead.
A whole paper note embeds as its card (render/wikilinks.py); a section of one as text.
Drafts and pages marked ``publish: false`` embed as nothing."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from ..core.body_scan import WIKILINK, find_links, heading_anchor, is_attachment, iter_prose_lines, map_prose, \
    rebase_links, strip_obsidian_comments
from ..core.frontmatter_source import FrontMatterError, parse_front_matter, split_front_matter
from ..core.library import Library
from ..core.note_parser import first_heading
from ..core.obsidian_syntax import obsidian_to_markdown
from ..core.page_sections import Outline, block, heading_section, is_block_fragment, without_leading_title
from .escape import md_text

MAX_DEPTH = 4  # pages embedded in embedded pages, at most
MAX_EMBEDS = 200  # embeds expanded on one page, nested ones counted
MAX_CHARS = 2_000_000  # characters of embedded text on one page

_EMBED = re.compile(r"^!\[\[[^\]\n]+\]\][ \t]*$")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
# What may close a block left open: the shortest fence that does is the one that opened it
# (Python-Markdown's fences close only at the same length).
_CLOSERS = ("-->", *(mark * length for length in range(3, 13) for mark in "`~"))


@dataclass(frozen=True)
class EmbedSource:
    """The text ``![[name]]`` names."""

    src: str  # docs-relative path of its page
    title: str
    markdown: str  # its body as written (front-matter left out)
    key: str | None = None  # the paper note's key, when it is one


@dataclass
class Expansion:
    """A page's Markdown with its embeds expanded."""

    markdown: str
    origin: list[int | None]  # per line of ``markdown``: the line of the page it came from (None: embedded)
    reads: set[str] = field(default_factory=set)  # src paths, keys and ``[[name]]``s of what it embeds
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line of the page, warning)


@dataclass
class _Budget:
    embeds: int = 0
    chars: int = 0


@dataclass
class _Walk:
    """One embed written on the page being rendered, followed into the pages it embeds: what
    goes wrong on the way is reported at its line (once per kind of problem)."""

    page: str
    expansion: Expansion
    budget: _Budget
    line: int
    written: str  # the embed as written there

    def report(self, message: str) -> None:
        problem = (self.line, message)
        if problem not in self.expansion.problems and not (message.startswith("more than") and any(
                m.startswith("more than") for _, m in self.expansion.problems)):
            self.expansion.problems.append(problem)


def _quiet(_message: str) -> None:
    """Problems of an embedded page's own lines: reported on its own page."""


class Transcluder:
    """Expands the embeds of the pages of one build (the pages' texts are read once each)."""

    def __init__(self, library: Library, docs_dir: Path | str, published: Collection[str] | None = None) -> None:
        """``published``: the src paths of the pages the build publishes, when it knows them; a
        page it leaves out (reported with errors: a project page that failed, a duplicate key)
        is never shown through an embed either."""
        self.library = library
        self.docs_dir = Path(docs_dir)
        self.published = published
        self._pages: dict[str, EmbedSource | None] = {}
        # by src: (its text, its outline): each page scanned once, however often it is embedded
        self._outlines: dict[str, tuple[str, Outline]] = {}

    def expand(self, markdown: str, here: str) -> Expansion:
        """``markdown``, the text of the page ``here``, with the embeds on its own lines expanded."""
        lines = markdown.split("\n")
        out: list[str] = []
        origin: list[int | None] = []
        expansion = Expansion("", origin)
        budget = _Budget()
        embeds = {index for index, line in iter_prose_lines(markdown) if line.startswith("![[") and _EMBED.match(line)}
        for index, line in enumerate(lines):
            text = None
            if index in embeds:
                walk = _Walk(here, expansion, budget, index, line.strip())
                text = self._embed(line, here, ((here, ""),), walk)
            if text is None:
                out.append(line)
                origin.append(index)
                continue
            block_lines = text.split("\n")
            out.extend(block_lines)
            origin.extend([index] + [None] * (len(block_lines) - 1))
        expansion.markdown = "\n".join(out)
        return expansion

    # -- one embed --------------------------------------------------------------------------------
    def _embed(self, line: str, here: str, stack: tuple[tuple[str, str], ...], walk: _Walk) -> str | None:
        """What replaces the embed ``line`` written on the page ``here`` (None: left as written,
        for the wikilink pass). ``stack``: the (page, fragment) embeds that led here, the page
        being rendered first."""
        match = WIKILINK.match(line.strip())
        if match is None or not match.group(1):
            return None
        name, fragment = match.group(2).strip(), (match.group(3) or "").strip()
        if is_attachment(name):
            return None
        expansion = walk.expansion
        expansion.reads.add(embed_read(name))  # a page of that name may come later (serve)
        if name in self.library.drafts or self.library.is_unpublished_page(name):
            return ""  # a draft appears nowhere
        note = self.library.note_named(name)
        if note is not None and not fragment:
            expansion.reads.add(note.key)
            return None  # a paper note embeds as its card (render/wikilinks.py)
        source = self._note_source(note) if note is not None else self._page_source(name)
        if source is None:
            return None  # an unknown name: the wikilink pass reports it
        expansion.reads.update({source.src, *([source.key] if source.key else [])})
        entry = (source.src, heading_anchor(fragment) if fragment else "")
        if entry in stack:
            pages = [src for src, _ in stack]
            if source.src == walk.page:  # (a loop among the pages it embeds is theirs to report)
                loop = " → ".join(posixpath.basename(s) for s in (*pages[pages.index(source.src):], source.src))
                walk.report(f"{walk.written} embeds this page in itself ({loop}); a link stands there instead")
            return self._link(source, here, fragment)
        if len(stack) > MAX_DEPTH:
            walk.report(f"{walk.written}: embeds nested more than {MAX_DEPTH} pages deep; the deeper ones are links")
            return self._link(source, here, fragment)
        if walk.budget.embeds >= MAX_EMBEDS or walk.budget.chars > MAX_CHARS:  # spent: no more text is read
            walk.report(f"more than {MAX_EMBEDS} embeds or {MAX_CHARS:,} characters of embedded text on this "
                        "page; the rest are links")
            return self._link(source, here, fragment)
        text = self._part(source, fragment, walk.report if len(stack) == 1 else _quiet)
        if text is None:
            return self._link(source, here, fragment)
        walk.budget.embeds += 1
        walk.budget.chars += len(text)
        if walk.budget.chars > MAX_CHARS:
            walk.report(f"more than {MAX_EMBEDS} embeds or {MAX_CHARS:,} characters of embedded text on this "
                        "page; the rest are links")
            return self._link(source, here, fragment)
        text = self._nested(obsidian_to_markdown(text), source.src, (*stack, entry), walk)
        text = _renamed_footnotes(rebase_links(text, source.src, here), walk.budget.embeds)
        expansion.reads.update(link.target for link in find_links(text, 0, here))  # (their titles show)
        caption = self._link(source, here, fragment)
        return (f'\n<div class="pkb-transclusion" markdown="1">\n'
                f'<p class="pkb-transclusion__source" markdown="span">{caption}</p>\n\n'
                f"{_closed(text)}\n\n</div>\n")

    def _nested(self, text: str, src: str, stack: tuple[tuple[str, str], ...], walk: _Walk) -> str:
        if "![[" not in text:
            return text
        lines = text.split("\n")
        for index, line in iter_prose_lines(text):
            if line.startswith("![[") and _EMBED.match(line):
                replaced = self._embed(lines[index], src, stack, walk)
                if replaced is not None:
                    lines[index] = replaced
        return "\n".join(lines)

    def _part(self, source: EmbedSource, fragment: str, report: Callable[[str], None]) -> str | None:
        """The whole text, or the heading's section, or the block; None (reported) when missing."""
        known = self._outlines.get(source.src)
        if known is not None and known[0] == source.markdown:
            outline = known[1]
        else:
            outline = Outline(strip_obsidian_comments(source.markdown))
            self._outlines[source.src] = (source.markdown, outline)
        if not fragment:
            return without_leading_title(outline.markdown)
        if is_block_fragment(fragment):
            part = block(outline, fragment)
            if part is None:
                report(f"no block '{fragment}' in {source.src}; the embed links the page instead")
            return part
        part = heading_section(outline, fragment)
        if part is None:
            names = ", ".join(h.text for h in outline.headings[:8]) or "none"
            report(f"no heading '{fragment}' in {source.src} (its headings: {names}); the embed links the page instead")
        return part

    # -- what a name finds ------------------------------------------------------------------------
    def _note_source(self, note) -> EmbedSource:
        return EmbedSource(note.src_uri, note.title, note.body, note.key)

    def _page_source(self, name: str) -> EmbedSource | None:
        src = self.library.page_named(name)
        if src is None or (self.published is not None and src not in self.published):
            return None
        if src not in self._pages:
            self._pages[src] = self._read(src)
        return self._pages[src]

    def _read(self, src: str) -> EmbedSource | None:
        try:
            text = (self.docs_dir / src).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None  # reported where the page itself is read
        stem = posixpath.splitext(posixpath.basename(src))[0]
        try:
            front = parse_front_matter(text)
            body = front.body
            title = front.data.get("title") if isinstance(front.data.get("title"), str) else None
        except FrontMatterError:
            body, title = split_front_matter(text)[1], None
        return EmbedSource(src, (title or "").strip() or first_heading(body) or stem, body)

    # -- links ------------------------------------------------------------------------------------
    def _link(self, source: EmbedSource, here: str, fragment: str) -> str:
        path = posixpath.relpath(source.src, posixpath.dirname(here) or ".")
        label, anchor = source.title, ""
        if is_block_fragment(fragment):
            anchor = "#" + fragment
        elif fragment:
            heading = fragment.split("#")[-1].strip()
            anchor, label = "#" + heading_anchor(heading), f"{label} › {heading}"
        return f"[{md_text(label)}](<{path}{anchor}>)"


def embed_read(name: str) -> str:
    """What a page records reading when it embeds ``[[name]]`` (whatever ``name`` finds now)."""
    folded = name.strip().casefold()
    for suffix in (".md", ".markdown"):
        folded = folded.removesuffix(suffix)
    return f"[[{folded}]]"


def _renamed_footnotes(text: str, number: int) -> str:
    """Footnote labels of embedded text made its own (``[^1]`` of two pages are two notes)."""
    if "[^" not in text:
        return text
    return map_prose(text, lambda line, _index: _FOOTNOTE.sub(lambda m: f"[^{m.group(1)}-e{number}]", line))


def _closed(text: str) -> str:
    """``text`` with a code block or an HTML comment it leaves open closed, so the page after
    the embed is not swallowed into it."""
    probe = text + "\n\n\x00"
    if _ends_in_prose(probe):
        return text
    for closer in _CLOSERS:
        if _ends_in_prose(f"{text}\n{closer}\n\n\x00"):
            return f"{text}\n{closer}"
    return text


def _ends_in_prose(text: str) -> bool:
    last = text.count("\n")
    return any(index == last for index, _ in iter_prose_lines(text))
