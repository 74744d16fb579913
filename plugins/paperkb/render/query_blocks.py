"""``paperkb-query`` fenced blocks: a YAML query in a page, rendered as a table of the notes it finds.

Two ways to put the result into a page, sharing the scanner and the renderer:

- ``FencedQueries`` (used when pymdownx.superfences is on): the block stays in the Markdown and a
  superfences custom fence asks for its HTML. Superfences then decides what is a fence, exactly as
  for any code block, so a query works inside admonitions, lists and tabs, and a query shown inside
  another code block is never run. ``prepare`` runs every block of the page up front, with its line
  for messages; the fence formatter hands out the result.
- ``expand_query_blocks``: a plain Markdown transform for sites without superfences; each top-level
  block becomes one line of raw HTML (plus blank lines, so later line numbers do not move).
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..core.library import Library
from ..core.query import Query, QueryError, QueryResult, evaluate
from ..core.urls import SiteUrls
from .escape import Markup, escape, html
from .site_map import SiteMap
from .tables import NoteTable

FENCE_NAME = "paperkb-query"
DEFAULT_COLUMNS = ("year", "title", "venue")
EXTRA_COLUMNS = ("score", "distance")  # query-only columns added to NoteTable's

Warn = Callable[[int, str], None]  # (0-based line index in the page's Markdown, message)

def query_columns() -> tuple[str, ...]:
    """Column names a query's ``columns`` may use: NoteTable's and the query-only ones."""
    return NoteTable(SiteMap(SiteUrls())).column_names + EXTRA_COLUMNS


_QUOTE = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)*")
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")


@dataclass(frozen=True)
class QueryBlock:
    start: int  # 0-based line of the opening fence
    end: int  # line after the closing fence (start + 1 for an unclosed block)
    indent: str
    source: str  # the YAML between the fences, without the fence's indentation
    closed: bool

    def line_of(self, error: QueryError) -> int:
        """Line (0-based, in the page) to blame: the offending key's line when known, else the fence."""
        return self.start + 1 + error.line if error.line is not None else self.start


def find_query_blocks(markdown: str) -> list[QueryBlock]:
    """Every ``paperkb-query`` fence, skipping fenced code of other languages (and anything in it).

    A fence is ``` or ~~~ (3 or more), closed by the same character at least as many times; an
    unclosed query fence is returned with ``closed=False``; other unclosed fences are not code."""
    lines = markdown.split("\n")
    blocks: list[QueryBlock] = []
    index = 0
    while index < len(lines):
        opening = _fence_open(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence, info = opening
        close = _find_close(lines, index + 1, fence)
        is_query = info.split(None, 1)[0] == FENCE_NAME if info else False
        if close is None:
            if is_query:
                blocks.append(QueryBlock(index, index + 1, indent, "", closed=False))
            index += 1
            continue
        if is_query:
            body = [_dedent(_strip_quote(line), len(indent.expandtabs(4))) for line in lines[index + 1:close]]
            blocks.append(QueryBlock(index, close + 1, indent, "\n".join(body), closed=True))
        index = close + 1
    return blocks


def _strip_quote(line: str) -> str:
    return line[_QUOTE.match(line).end():]


def _fence_open(line: str) -> tuple[str, str, str] | None:
    match = _OPEN.match(_strip_quote(line))
    if match is None:
        return None
    fence, info = match.group("fence"), match.group("info")
    if fence[0] == "`" and "`" in info:  # not a fence: an inline code span such as ```x```
        return None
    return match.group("indent"), fence, info


def _find_close(lines: list[str], start: int, fence: str) -> int | None:
    closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for index in range(start, len(lines)):
        if closing.match(_strip_quote(lines[index])):
            return index
    return None


def _dedent(line: str, width: int) -> str:
    removed = 0
    for position, char in enumerate(line):
        if removed >= width or char not in " \t":
            return line[position:]
        removed += 4 - removed % 4 if char == "\t" else 1
    return ""


def normalize_source(source: str) -> str:
    """The same text whoever extracted it (our scanner or superfences): dedented, no edge blanks."""
    return textwrap.dedent("\n".join(line.rstrip() for line in source.split("\n"))).strip("\n")


# -- rendering ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RenderedQuery:
    html: Markup
    error: QueryError | None = None


class QueryBlockRenderer:
    """Runs a block's query against the library and renders the result for the page ``here``."""

    def __init__(self, library: Library, site: SiteMap) -> None:
        self.library = library
        self.site = site
        self.column_names = query_columns()

    def render(self, source: str, here: str) -> RenderedQuery:
        query: Query | None = None
        try:
            query = Query.from_yaml(source, column_names=self.column_names)
            result = evaluate(self.library, query)
        except QueryError as error:
            if error.line is None and error.key is not None and query is not None:
                error.line = query.lines.get(error.key)  # e.g. an unknown note: blame its key's line
            return RenderedQuery(error_html(error.message, source), error)
        return RenderedQuery(self._table(result, here))

    def render_query(self, query: Query, here: str) -> RenderedQuery:
        """The answer to a query read elsewhere (a project's saved queries), its columns checked here."""
        try:
            query = Query.from_mapping(query.as_mapping(), column_names=self.column_names)
            result = evaluate(self.library, query)
        except QueryError as error:
            return RenderedQuery(error_html(error.message), error)
        return RenderedQuery(self._table(result, here))

    def _title(self, key: str) -> str:
        note = self.library.get(key)
        return f"“{' '.join(note.title.split())}”" if note is not None else key  # a dataset may be a plain name

    def _table(self, result: QueryResult, here: str) -> Markup:
        query = result.query
        shown = len(result.notes)
        if result.total == 0:
            count = "no notes match"
        elif shown < result.total:
            count = f"{result.total} notes match; the first {shown} are shown"
        else:
            count = f"{result.total} note{'s' if result.total != 1 else ''} match{'es' if result.total == 1 else ''}"
        caption = html('<p class="pkb-query__caption">{}: {}.</p>', query.describe(self._title), count)
        if not result.notes:
            return html('<div class="pkb-query" data-pkb-query="0">{}'
                          '<p class="pkb-query__empty">No notes match this query.</p></div>', caption)
        columns = query.columns or (DEFAULT_COLUMNS + (("score",) if query.ranked else ()))
        table = NoteTable(self.site, self.library)
        scores, distance = result.scores or {}, result.distance or {}
        table.cells["score"] = (query.score_label if query.ranked else "Score",
                                lambda note, _here: escape(scores.get(note.key, "")))
        table.cells["distance"] = ("Distance", lambda note, _here: escape(distance.get(note.key, "")))
        return html('<div class="pkb-query" data-pkb-query="{}">{}{}</div>',
            shown, caption, table.render(result.notes, here, columns))


def error_html(message: str, source: str | None = None) -> Markup:
    """A failure admonition (mkdocs-material's styles) showing the message and the query."""
    listing = html("<pre><code>{}</code></pre>", source) if source and source.strip() else Markup("")
    return html('<div class="admonition failure pkb-query-error"><p class="admonition-title">'
                  "paperkb-query error</p><p>{}</p>{}</div>", message, listing)


def _warn_error(warn: Warn, block: QueryBlock, error: QueryError) -> None:
    warn(block.line_of(error), f"{FENCE_NAME}: {error.message}")


_UNCLOSED = "the block is never closed (end it with a line of {} matching its opening fence)"


def _unclosed_error(warn: Warn, markdown_lines: list[str], block: QueryBlock) -> str:
    fence = _fence_open(markdown_lines[block.start])
    message = _UNCLOSED.format(fence[1] if fence else "```")
    warn(block.start, f"{FENCE_NAME}: {message}")
    return block.indent + markdown_inert(error_html(message))


# -- way 1: superfences custom fence -------------------------------------------------------------
class FencedQueries:
    """Query results of one page, computed by ``prepare`` and handed out by the fence formatter."""

    def __init__(self, renderer: QueryBlockRenderer) -> None:
        self.renderer = renderer
        self.here = "index.md"
        self.warn: Warn = lambda _line, _message: None
        self._pending: dict[str, list[tuple[QueryBlock, RenderedQuery]]] = defaultdict(list)

    def prepare(self, markdown: str, here: str, warn: Warn) -> str:
        """Run the page's blocks; the returned Markdown differs only where a block is never closed."""
        self.here, self.warn = here, warn
        self._pending.clear()
        if FENCE_NAME not in markdown:
            return markdown
        lines = markdown.split("\n")
        for block in find_query_blocks(markdown):
            if not block.closed:
                lines[block.start] = _unclosed_error(warn, lines, block)
                continue
            self._pending[normalize_source(block.source)].append((block, self.renderer.render(block.source, here)))
        return "\n".join(lines)

    def html(self, source: str) -> str:
        """HTML for a block superfences found; its warning is logged now that it is really shown."""
        pending = self._pending.get(normalize_source(source))
        if pending:
            block, rendered = pending.pop(0)
            if rendered.error is not None:
                _warn_error(self.warn, block, rendered.error)
            return str(rendered.html)
        # A block seen twice (e.g. a blog excerpt rendering a post again): same result, no new warning.
        return str(self.renderer.render(source, self.here).html)


# -- way 2: plain Markdown transform -------------------------------------------------------------
def expand_query_blocks(markdown: str, here: str, library: Library, site: SiteMap, warn: Warn,
                        renderer: QueryBlockRenderer | None = None) -> str:
    """Replace top-level ``paperkb-query`` blocks with their results as raw HTML, keeping the line count."""
    if FENCE_NAME not in markdown:
        return markdown
    renderer = renderer or QueryBlockRenderer(library, site)
    lines = markdown.split("\n")
    for block in find_query_blocks(markdown):
        if _strip_quote(lines[block.start]) != lines[block.start] or len(block.indent.expandtabs(4)) > 3:
            continue  # nested blocks need superfences; plain Markdown shows them as code
        if not block.closed:
            lines[block.start] = _unclosed_error(warn, lines, block)
            continue
        rendered = renderer.render(block.source, here)
        if rendered.error is not None:
            _warn_error(warn, block, rendered.error)
        size = block.end - block.start
        lines[block.start:block.end] = [block.indent + markdown_inert(rendered.html)] + [""] * (size - 1)
    return "\n".join(lines)


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_ATTRIBUTE_VALUE = re.compile(r'"([^"]*)"')
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]!~^=:${}|]")
_BEFORE_TAGS = re.compile(r"[\\`]")  # the only inline patterns Python-Markdown runs before raw tags


def markdown_inert(html: Markup | str) -> str:
    """One line of HTML that no Markdown extension rewrites, even where Python-Markdown treats it
    as inline text (inside lists and admonitions): characters Markdown reacts to become numeric
    character references, which browsers read back as the same text."""
    def encode(text: str, special: re.Pattern[str] = _MARKDOWN_SPECIAL) -> str:
        return special.sub(lambda m: f"&#{ord(m.group(0))};", text)

    def part(match: re.Match[str]) -> str:
        if match.group(1):
            return _ATTRIBUTE_VALUE.sub(lambda m: '"' + encode(m.group(1), _BEFORE_TAGS) + '"', match.group(1))
        return encode(match.group(2))

    return _TAG_OR_TEXT.sub(part, str(html).replace("\r", " ").replace("\n", " "))
