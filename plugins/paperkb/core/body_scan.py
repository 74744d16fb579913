"""Scan a note body: insight bullets and links to other notes, skipping code and comments.

What counts as code follows Markdown: fenced blocks (at any indentation, so fences inside list
items count), indented code blocks (four spaces after a blank line, outside lists), inline code
spans; HTML comments (`<!-- ... -->`, across lines too) are not prose either."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote, unquote

from .model import BodyLink, Insight, LinkKind

INSIGHT_BULLET = re.compile(r"^\s{0,12}(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(\[(?:想法|idea)\])\s*(.*)$", re.IGNORECASE)
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<quote>(?:>\s*)*)(?P<fence>`{3,}|~{3,})")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])(?:\s|$)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_BLOCK_COMMENT = re.compile(r"^\s{0,3}<!--")
# Not followed by "(": `[[1]](url)` / `[[code]](url)` in reading lists is a Markdown link labelled "[1]".
# `\|` separates the label too: Obsidian escapes the pipe inside table cells.
WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n\\]+?)(?:#([^\[\]|\n\\]*))?(?:\\?\|([^\[\]\n]*))?\]\](?!\()")
# An inline link to a .md file: [text](path.md#frag "title") or [text](<path with spaces.md>),
# the title in "", '' or (); the path is group "bare" or group "angled".
_MD_LINK = re.compile(
    r"(?<!!)\[([^\]\n]*)\]\(\s*(?:<(?P<angled>[^<>\n]+?\.(?:md|markdown))(?:#[^<>\n]*)?>|(?P<bare>[^)\s<>]+?\.(?:md|markdown))(?:#[^)\s]*)?)"
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)""")
# A link reference definition: [label]: path.md#frag "title" (not a footnote, [^1]: ...)
_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)([^\]\n]+)\]:\s*<?([^\s>]+?\.md)(?:#[^\s>]*)?>?(?:\s.*)?$")
# Uses of a reference: [text][label], [label][] and the shortcut [label] (not an image's, not a
# footnote's, not the second half of [text][label]).
_REF_USE = re.compile(r"(?<![!\\\]])\[(?!\^)([^\[\]\n]+)\](?:\[([^\[\]\n]*)\]|(?![\[(:]))")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
_COMMENT_START, _COMMENT_END = "<!--", "-->"


def _lines(text: str) -> list[str]:
    """The lines of ``text`` as Markdown counts them: only "\n" ends a line (str.splitlines
    also splits at form feeds and U+2028, which notes pasted from PDFs contain)."""
    return text.split("\n")


def _prose_lines(text: str) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """(0-based line index, line, spans that are not prose: inline code and comment parts)
    for every line outside code blocks and outside comments."""
    fence: str | None = None
    fence_indent = fence_quote = 0
    in_comment = in_list = False
    previous_blank = True  # also after a heading or a code block: what follows starts a block
    indented_code = False
    for index, line in enumerate(_lines(text)):
        blank = not line.strip()
        if fence is not None:
            indent = len(line) - len(line.lstrip())
            if fence_quote and not line.lstrip().startswith(">"):
                fence = None  # the block quote it opened in has ended: this line is read as usual
            elif fence_indent and not fence_quote and not blank and indent < fence_indent:
                fence = None  # so has the list item it opened in
            else:
                stripped = line.strip().lstrip("> ").strip()
                if stripped.startswith(fence) and set(stripped) <= {fence[0]}:
                    fence, previous_blank = None, True
                continue
        spans: list[tuple[int, int]] = []
        start = 0
        if in_comment:
            end = line.find(_COMMENT_END)
            if end < 0:
                continue
            in_comment = False
            start = end + len(_COMMENT_END)
            spans.append((0, start))
        elif not blank and _INDENTED.match(line) and not in_list and (previous_blank or indented_code):
            indented_code = True
            continue
        else:
            match = _FENCE.match(line)
            if match:
                fence = match.group("fence")[0] * len(match.group("fence"))
                fence_indent, fence_quote = len(match.group("indent")), match.group("quote").count(">")
                continue
        if not blank:
            indented_code = False
            if _LIST_ITEM.match(line):
                in_list = True
            elif previous_blank and not _INDENTED.match(line):
                in_list = False  # a paragraph, heading or table after a blank line ends the list
        previous_blank = blank or bool(_ATX_HEADING.match(line))
        in_comment = _scan_inline(line, start, spans, block_comment=start == 0 and bool(_BLOCK_COMMENT.match(line)))
        yield index, line, spans


def _scan_inline(line: str, start: int, spans: list[tuple[int, int]], *, block_comment: bool) -> bool:
    """Add the inline code spans and comments of ``line[start:]`` to ``spans``; True when a
    comment stays open at the end of the line. Only a comment that starts a block
    (``block_comment``) runs on across lines: an unclosed "<!--" inside a paragraph is text."""
    position = start
    while position < len(line):
        code = _INLINE_CODE.search(line, position)
        comment = line.find(_COMMENT_START, position)
        if code is not None and (comment < 0 or code.start() < comment):
            spans.append(code.span())
            position = code.end()
        elif comment >= 0:
            end = line.find(_COMMENT_END, comment + len(_COMMENT_START))
            if end < 0:
                if not (block_comment and not line[:comment].strip()):
                    return False
                spans.append((comment, len(line)))
                return True
            spans.append((comment, end + len(_COMMENT_END)))
            position = end + len(_COMMENT_END)
        else:
            break
    return False


def iter_prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line index, line) for lines of prose, inline code and comments blanked."""
    for index, line, spans in _prose_lines(text):
        for begin, end in spans:
            line = line[:begin] + " " * (end - begin) + line[end:]
        yield index, line


def strip_obsidian_comments(text: str) -> str:
    """``text`` without Obsidian's ``%% comments %%`` (inline, or across lines; one never closed
    runs to the end, as Obsidian hides it), which Obsidian shows only while editing: never
    published. ``%%`` in code is text. Line breaks stay, so every line keeps its number."""
    if "%%" not in text:
        return text
    lines = _lines(text)
    code_spans = {index: spans for index, _line, spans in _prose_lines(text)}
    hidden = False
    for index, line in enumerate(lines):
        spans = code_spans.get(index)
        if spans is None:  # a line of a code block
            lines[index] = "" if hidden else line
            continue
        kept, start, position = [], 0, 0
        while (found := line.find("%%", position)) >= 0:
            inside = next((end for begin, end in spans if begin <= found < end), None)
            if inside is not None:  # in inline code or an HTML comment: text
                position = inside
                continue
            if not hidden:
                kept.append(line[start:found])
            hidden, start, position = not hidden, found + 2, found + 2
        if not hidden:
            kept.append(line[start:])
        lines[index] = "".join(kept)
    return "\n".join(lines)


LineTransform = Callable[[str, int], str]  # (a line of prose, its 0-based index) -> its new text


class Hold:
    """Where a text pass's line transforms may hand over an inline construct as finished HTML
    (``put`` gives the marker that Markdown passes through for it): on ``lines`` (0-based)."""

    lines: frozenset[int]

    def put(self, html: str) -> str:
        raise NotImplementedError


def chain(*transforms: LineTransform) -> LineTransform:
    """One transform applying ``transforms`` in turn, so that a page's text passes map_prose once."""
    if len(transforms) == 1:
        return transforms[0]

    def apply(line: str, index: int) -> str:
        for transform in transforms:
            line = transform(line, index)
        return line

    return apply


def map_prose(text: str, transform: LineTransform) -> str:
    """Apply ``transform(line, index)`` to every line of prose, keeping code and comments untouched.

    Inline code spans and comments are protected by placeholders so transforms never rewrite them."""
    lines = _lines(text)
    for index, original, spans in _prose_lines(text):
        if "[" not in original:
            continue
        kept: list[str] = []
        protected, last = [], 0
        for begin, end in spans:
            kept.append(original[begin:end])
            protected += [original[last:begin], f"\x00{len(kept) - 1}\x00"]
            last = end
        protected.append(original[last:])
        changed = transform("".join(protected), index)
        lines[index] = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], changed)
    return "\n".join(lines)


_BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s|^\s*(?:#|>|```|~~~|\|)")


Prose = list[tuple[int, str]]  # iter_prose_lines of a text, computed once and shared by the scans


def find_insights(body: str, body_line: int, prose: Prose | None = None) -> list[Insight]:
    """``[想法]`` / ``[idea]`` bullets, each with the lines that continue its paragraph."""
    insights = []
    lines = _lines(body)
    for index, line in prose if prose is not None else iter_prose_lines(body):
        match = INSIGHT_BULLET.match(line)
        if match and match.group(2).strip():
            text = lines[index]
            parts = [text[text.find(match.group(1)) + len(match.group(1)):].strip()]
            following = index + 1
            while following < len(lines) and lines[following].strip() and not _BLOCK_START.match(lines[following]):
                parts.append(lines[following].strip())
                following += 1
            insights.append(Insight(" ".join(parts), body_line + index, in_body=True))
    return insights


def find_wikilinks(text: str, line: int) -> list[BodyLink]:
    """Wikilinks in a front-matter Markdown value, all reported at the value's ``line``."""
    return [BodyLink(m.group(2).strip(), line, LinkKind.WIKILINK) for _, prose in iter_prose_lines(text)
            for m in WIKILINK.finditer(prose) if not is_attachment(m.group(2))]


def find_links(body: str, body_line: int, src_uri: str, prose: Prose | None = None) -> list[BodyLink]:
    """Wikilinks (by key) and relative Markdown links to ``.md`` files (as docs-relative paths)."""
    links: list[BodyLink] = []
    base = posixpath.dirname(src_uri)
    for index, line in prose if prose is not None else iter_prose_lines(body):
        if "[" not in line:
            continue
        for match in WIKILINK.finditer(line):
            if not is_attachment(match.group(2)):  # ![[figure.png]] embeds a file, not a note
                links.append(BodyLink(match.group(2).strip(), body_line + index, LinkKind.WIKILINK))
        targets = [_link_target(m) for m in _MD_LINK.finditer(line)]
        targets += [t for m in _ANY_INLINE_LINK.finditer(line)
                    if not m.group(1).startswith("!") and is_extensionless(t := _link_target(m).partition("#")[0])]
        definition = _REF_DEF.match(line)
        if definition:
            targets.append(definition.group(2))
        for target in map(unquote, targets):
            if "://" in target or target.startswith("/"):
                continue
            links.append(BodyLink(posixpath.normpath(posixpath.join(base, target)), body_line + index, LinkKind.LINK))
    return links


_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
PAGE_SUFFIXES = (".md", ".markdown")


# Files an Obsidian vault embeds or links with ![[...]] / [[...]] (its attachments), by extension.
ATTACHMENT_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif", ".tif", ".tiff",
    ".pdf", ".mp4", ".webm", ".mov", ".mp3", ".wav", ".ogg", ".m4a", ".excalidraw", ".canvas"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"})


def is_attachment(target: str) -> bool:
    """``![[Pasted image 20240101.png]]``: a file of the vault, not a note."""
    return posixpath.splitext(target.strip())[1].lower() in ATTACHMENT_SUFFIXES


def attachment_index(src_uris: Iterable[str]) -> dict[str, str]:
    """The vault's attachments among ``src_uris`` by path and by file name, case-folded, as
    Obsidian finds ``![[figure.png]]`` (the first file of a name wins)."""
    found: dict[str, str] = {}
    for src in src_uris:
        if is_attachment(src):
            found.setdefault(src.casefold(), src)
            found.setdefault(posixpath.basename(src).casefold(), src)
    return found


def is_extensionless(target: str) -> bool:
    """A relative link target naming a page without its extension, as Obsidian and Quartz
    write them (``[Seq2seq](2014-sequence-to-sequence-learning)``); not a URL, anchor or file."""
    if not target or _NOT_RELATIVE.match(target) or target.endswith("/"):
        return False
    return not _FILE_EXTENSION.search(posixpath.basename(unquote(target)))


def resolve_page(path: str, pages: "set[str] | dict[str, object]") -> str | None:
    """The page ``path`` (docs-relative, normalised) names: itself, or with .md / .markdown added."""
    if path in pages:
        return path
    return next((path + suffix for suffix in PAGE_SUFFIXES if path + suffix in pages), None)


def heading_anchor(fragment: str) -> str:
    """Obsidian links to a heading by its text (``#Related Work``); the page's anchor is its slug."""
    if fragment == fragment.lower() and not any(c in fragment for c in " `<") and "%20" not in fragment:
        return fragment
    # As Python-Markdown's toc slugify makes it: what reads as a tag (`Box<T>` in a code span)
    # dropped with the code marks, punctuation and emphasis marks dropped, spaces as "-".
    text = re.sub(r"<[^<>]*>", "", unquote(fragment).replace("`", ""))
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())


def extensionless_transform(src_uri: str, pages: "set[str]") -> LineTransform:
    """A line transform (map_prose) for links as Obsidian resolves them: extension-less links
    get the page's file name (``[x](seq2seq)`` -> ``[x](seq2seq.md)``); a page named in another
    case (``1%20maximum%20likelihood.md`` for ``1 Maximum Likelihood.md``: Obsidian and the
    macOS file system find it) gets its real name; a heading named by its text
    (``#Related%20Work``, on this page or another) gets its anchor. MkDocs then resolves them."""
    base = posixpath.dirname(src_uri)
    folded: dict[str, str] = {}
    for page_uri in sorted(pages):
        folded.setdefault(page_uri.casefold(), page_uri)

    def find(path: str) -> str | None:
        """The page ``path`` names: exactly, without its extension, or in another case."""
        candidates = (path, *(path + suffix for suffix in PAGE_SUFFIXES)) if is_extensionless(path) else (path,)
        return resolve_page(path, pages) if is_extensionless(path) and resolve_page(path, pages) else next(
            (p if p in pages else folded[p.casefold()] for p in candidates if p in pages or p.casefold() in folded), None)

    def rewrite(match: re.Match[str]) -> str:
        target = _link_target(match)
        path, hash_, fragment = target.partition("#")
        if match.group(1).startswith("!") or _NOT_RELATIVE.match(path):
            return match.group(0)
        written = path
        if path:
            if not (is_extensionless(path) or path.lower().endswith(PAGE_SUFFIXES)):
                return match.group(0)
            resolved = posixpath.normpath(posixpath.join(base, unquote(path)))
            page = find(resolved)
            if page is None:
                return match.group(0)
            if page.startswith(resolved):  # only the extension was left out
                written = path + page[len(resolved):]
            elif page != resolved:  # named in another case: the page's own name
                written = posixpath.relpath(page, base or ".")
                written = written if match.group("angled") else quote(written)
        anchor = heading_anchor(fragment) if hash_ else ""
        if written == path and anchor == fragment:
            return match.group(0)
        return match.group(1) + (f"<{written}" if match.group("angled") else written) + hash_ + anchor \
            + (">" if match.group("angled") else "")

    return lambda line, _index: _ANY_INLINE_LINK.sub(rewrite, line) if "](" in line else line


def unlink_transform(markdown: str, src_uri: str, hidden: set[str]) -> LineTransform:
    """A line transform (map_prose) for ``markdown``: relative Markdown links to the pages in
    ``hidden`` (drafts) turned into their plain text, so a draft appears nowhere, not even as a
    link, and its absence is no broken-link warning. Reference-style links lose their definition
    and show their text."""
    base = posixpath.dirname(src_uri)

    def is_hidden(target: str) -> bool:
        return posixpath.normpath(posixpath.join(base, unquote(target))) in hidden

    hidden_labels = {
        _ref_label(m.group(1)) for _, line in (iter_prose_lines(markdown) if "]:" in markdown else ())
        if (m := _REF_DEF.match(line)) and is_hidden(m.group(2))}

    def inline(match: re.Match[str]) -> str:
        return match.group(1) if is_hidden(_link_target(match)) else match.group(0)

    def reference(match: re.Match[str]) -> str:
        label = match.group(2) or match.group(1)
        return match.group(1) if _ref_label(label) in hidden_labels else match.group(0)

    def transform(line: str, _index: int) -> str:
        definition = _REF_DEF.match(line)
        if definition and _ref_label(definition.group(1)) in hidden_labels:
            return ""
        line = _MD_LINK.sub(inline, line) if ".md" in line else line
        return _REF_USE.sub(reference, line) if hidden_labels else line

    return transform


_ANY_INLINE_LINK = re.compile(r"(!?\[[^\]\n]*\]\(\s*)(?:<(?P<angled>[^<>\n]+)>|(?P<bare>[^)\s<>]+))")
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/)")


def rebase_links(markdown: str, from_src: str, to_src: str) -> str:
    """Markdown written in the page of ``from_src`` with its relative link and image targets
    rewritten for the page of ``to_src`` (text copied to another page, e.g. the Insights page)."""
    source_dir, target_dir = posixpath.dirname(from_src), posixpath.dirname(to_src) or "."
    if source_dir == posixpath.dirname(to_src):
        return markdown

    def rebase(match: re.Match[str]) -> str:
        target = _link_target(match)
        if _NOT_RELATIVE.match(target):
            return match.group(0)
        path, hash_, fragment = target.partition("#")
        path = path or posixpath.basename(from_src)  # "#section" is a heading of the source page
        moved = posixpath.relpath(posixpath.normpath(posixpath.join(source_dir, path)), target_dir)
        moved += ("/" if path.endswith("/") else "") + hash_ + fragment  # a folder link stays one
        return match.group(1) + (f"<{moved}>" if match.group("angled") or " " in moved else moved)

    return map_prose(markdown, lambda line, _index: _ANY_INLINE_LINK.sub(rebase, line))


def _link_target(match: re.Match[str]) -> str:
    return match.group("bare") or match.group("angled")


def is_relative_target(target: str) -> bool:
    """A link target naming a file of the site (not a URL, a mail address or an absolute path)."""
    return not _NOT_RELATIVE.match(target)


def relative_link_targets(line: str) -> Iterator[tuple[str, bool]]:
    """(target as written, is an image) of the inline links and images on ``line`` that point
    at a file of the site (not a URL, a mail address or an absolute path)."""
    for match in _ANY_INLINE_LINK.finditer(line):
        target = _link_target(match)
        if not _NOT_RELATIVE.match(target):
            yield target, match.group(1).startswith("!")


def _ref_label(label: str) -> str:
    """Reference labels match case-insensitively, with runs of white space as one space."""
    return " ".join(label.split()).casefold()
