"""Each page's Markdown conversion, kept from one full build to the next: a page whose final
Markdown and everything else its conversion reads are the same takes the kept result instead of
going through Python-Markdown again (30% of a warm build's process at 2,000 short notes).

What a conversion gives (shared_markdown.py, as MkDocs' ``Page.render``): the HTML, the table of
contents, the title from the first heading, the anchors the page has, the links it makes to
anchors of pages (by src path; MkDocs checks them after every page is rendered, as before), and
the log messages the conversion emitted (MkDocs' link warnings, extensions' messages), which a
kept entry replays through the same loggers, so a warm build warns, and fails under --strict,
exactly as a cold one (filters such as link_messages.py's run again and read the file as it is).

An entry is keyed by the page's final Markdown (after every plugin's on_page_markdown), its src
path, URL and whether it is excluded, and the build's fingerprint: markdown_extensions and
mdx_configs, link validation, use_directory_urls, the log levels, and the versions of Python,
MkDocs, Python-Markdown, pymdown-extensions, Pygments, mkdocs-material and paperkb's code. The
conversion resolves the page's links against the site's files: it sees them through
``_LookedUp``, which notes every path it looked up and what it found (the file's URL and whether
it is excluded, or nothing); a kept entry is taken only when each of those paths finds the same
now, so a note added, renamed or deleted converts again just the pages whose links it changes.
Only the extensions read for it (shared_markdown.REUSABLE: pure functions of the text) are kept
for: a site with another extension (one that includes other files, such as pymdownx.snippets, or of
unknown code) converts every page as before, and so does a page using a custom fence whose
formatter is not pymdown-extensions' or mkdocs-material's own (paperkb's query blocks answer
from the notes). The file is one per site (core/kept_entries.py: signed, read entry by entry)."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..core.kept_entries import KeptEntries
from ..core.note_cache import keeps_on_disk
from ..render.diagram_plans import code_fingerprint
from .messages import log
from .shared_markdown import reusable

KEPT_FILE = "conversions.bin"
_CONTEXT = "page-conversions"
_FORMAT = 2
_DISTRIBUTIONS = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
_PURE_FORMATTERS = ("pymdownx.", "material.")  # custom fences' formatters that read nothing but the text
_KNOWN_CODE = ("pymdownx.", "markdown.", "material.", "mkdocs.", "paperkb.")  # callables stamped by versions/code
_LOGGERS = ("", "mkdocs", "mkdocs.structure.pages", "mkdocs.plugins", "MARKDOWN", "py.warnings")


class Unstable(Exception):
    """A configuration value without a repr that is the same from build to build."""


def stable_repr(value: Any) -> str:
    """A repr of a configuration value that is the same in every process (functions by their
    qualified name, extensions by their class and options); Unstable when there is none."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{stable_repr(k)}:{stable_repr(v)}" for k, v in
                              sorted(value.items(), key=lambda item: repr(item[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, functools.partial):
        return f"partial({_callable_name(value.func)},{stable_repr(value.args)},{stable_repr(value.keywords)})"
    if isinstance(value, markdown.extensions.Extension):
        return f"{_callable_name(type(value))}({stable_repr(value.getConfigs())})"
    if callable(value):
        return _callable_name(value)
    text = repr(value)
    if " at 0x" in text or "object at" in text:
        raise Unstable(text)
    return f"{type(value).__module__}.{type(value).__qualname__}:{text}"


def _callable_name(value: Any) -> str:
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None)
    if name is None or "<lambda>" in name or "<locals>" in name:
        raise Unstable(repr(value))
    if not module.startswith(_KNOWN_CODE):  # (code no version in the fingerprint names)
        raise Unstable(f"{module}.{name}")
    return f"{module}.{name}"


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    return repr((sys.version_info[:3], [_version(d) for d in _DISTRIBUTIONS], code_fingerprint()))


def _impure_fences(mdx_configs: Mapping[str, Any]) -> list[str]:
    """Names of custom fences and inline code whose formatter may read more than the text."""
    names = []
    for extension, option in (("pymdownx.superfences", "custom_fences"), ("pymdownx.inlinehilite", "custom_inline")):
        for entry in (mdx_configs.get(extension) or {}).get(option) or []:
            functions = [entry.get("format"), entry.get("validator")]
            if any(f is not None and not getattr(f, "__module__", "").startswith(_PURE_FORMATTERS) for f in functions):
                names.append(str(entry.get("name", "")))
    return names


def build_fingerprint(config: MkDocsConfig) -> bytes | None:
    """What every page's conversion in this build depends on besides its own text and place
    (see the module); None when a part of it cannot be told apart from build to build, or an
    extension may read more than the page's text."""
    if not reusable(list(config["markdown_extensions"])):
        return None
    try:
        settings = stable_repr((config["markdown_extensions"], config["mdx_configs"] or {},
                                dict(config["validation"]), config["use_directory_urls"]))
    except Unstable:
        return None
    levels = [logging.getLogger(name).getEffectiveLevel() for name in _LOGGERS]
    return hashlib.sha256(repr((_FORMAT, _versions(), settings, levels)).encode("utf-8")).digest()


class _LookedUp:
    """The site's files as a page's conversion sees them: each path looked up, and what it found
    (URL and whether excluded; None: no such file), is noted. Any other use of the files (a
    later MkDocs's) marks the conversion as one that cannot be kept."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.found: dict[str, list[Any] | None] = {}
        self.other_use = False

    def get_file_from_path(self, path: str) -> Any:
        file = self._files.get_file_from_path(path)
        self.found[path] = _what_was_found(file)
        return file

    def __getattr__(self, name: str) -> Any:
        self.other_use = True
        return getattr(self._files, name)

    def __iter__(self) -> Any:
        self.other_use = True
        return iter(self._files)

    def __len__(self) -> int:
        self.other_use = True
        return len(self._files)

    def __contains__(self, item: Any) -> bool:
        self.other_use = True
        return item in self._files


def _what_was_found(file: Any) -> list[Any] | None:
    """What a conversion's lookup of a path found, as an entry keeps it (JSON): the file's URL
    and whether it is excluded; None: no such file."""
    return None if file is None else [file.url, file.inclusion.is_excluded()]


def _finds_the_same(files: Files, found: dict[str, list[Any] | None]) -> bool:
    return all(_what_was_found(files.get_file_from_path(path)) == was for path, was in found.items())


class _LogRecorder:
    """Every log record this thread makes between ``start`` and ``stop``, as made (before any
    filter rewrote it); None for one that cannot be kept (an exception attached, arguments JSON
    cannot hold)."""

    def __init__(self) -> None:
        self.records: list[list[Any] | None] = []
        self._make = logging.getLogRecordFactory()
        self._thread = threading.get_ident()

    def _capture(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self._make(*args, **kwargs)
        if threading.get_ident() == self._thread:
            plain = (isinstance(record.msg, str) and record.exc_info is None and record.stack_info is None
                     and isinstance(record.args, tuple)
                     and all(a is None or isinstance(a, (str, int, float, bool)) for a in record.args))
            self.records.append([record.name, record.levelno, record.pathname, record.lineno, record.funcName,
                                 record.msg, list(record.args)] if plain else None)
        return record

    def start(self) -> None:
        logging.setLogRecordFactory(self._capture)

    def stop(self) -> None:
        logging.setLogRecordFactory(self._make)


def _toc_tokens(items: Any) -> list[dict[str, Any]]:
    """The tokens ``get_toc`` makes a page's table of contents from, read back from it."""
    return [{"name": i.title, "id": i.id, "level": i.level, "children": _toc_tokens(i.children)} for i in items or ()]


def _replay(records: list[list[Any]]) -> None:
    for name, level, pathname, lineno, function, message, args in records:
        logger = logging.getLogger(name)
        if logger.isEnabledFor(level):
            logger.handle(logger.makeRecord(name, level, pathname, lineno, message, tuple(args), None, function))


class KeptConversions:
    """The kept conversions of one site (``path``), for the builds of one process."""

    # Like parsed notes (core/note_cache.py), only sites of some size keep them: a few dozen
    # pages convert in a fraction of a second, and get no cache folder (None: the note cache's threshold).
    min_pages: int | None = None

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: KeptEntries | None = None
        self._files: Files | None = None
        self._fingerprint: bytes | None = None
        self._impure: list[str] = []
        self.hits = self.misses = 0

    def begin_build(self) -> None:
        """A new build: the fingerprint is taken at its first page (the files are final then)."""
        self.abandon()
        self._files = None
        self.hits = self.misses = 0

    def _for(self, config: MkDocsConfig, files: Files) -> KeptEntries | None:
        if files is not self._files:  # (the build's first page)
            self.abandon()
            self._files = files
            self._fingerprint = build_fingerprint(config)
            self._impure = _impure_fences(config["mdx_configs"] or {})
            # (MkDocs keeps no anchor links at DEBUG, and debug messages vary)
            if self.path is not None and self._fingerprint is not None and \
                    mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG and \
                    keeps_on_disk(sum(1 for _ in files.documentation_pages()), self.min_pages):
                self._entries = KeptEntries(self.path, _CONTEXT)
                self._entries.begin(self._fingerprint)
        return self._entries

    def _key(self, page: Page) -> bytes:
        file = page.file
        digest = hashlib.blake2b(self._fingerprint or b"", digest_size=16)
        digest.update(f"{file.src_uri}\0{file.url}\0{int(file.inclusion.is_excluded())}\0".encode("utf-8", "surrogatepass"))
        digest.update((page.markdown or "").encode("utf-8", "surrogatepass"))
        return digest.digest()

    def convert(self, page: Page, config: MkDocsConfig, files: Files, convert: Callable[[Files], None]) -> None:
        """``convert(files)`` the page, or set what a kept conversion of the same inputs gave."""
        entries = self._for(config, files)
        if entries is None or any(name in (page.markdown or "") for name in self._impure):
            convert(files)
            return
        key = self._key(page)
        kept = entries.get(key)
        if kept is not None and self._take(page, files, kept):
            self.hits += 1
            return
        recorder, looked_up = _LogRecorder(), _LookedUp(files)
        recorder.start()
        try:
            convert(looked_up)  # type: ignore[arg-type]
        finally:
            recorder.stop()
        self.misses += 1
        entry = None if looked_up.other_use else self._entry(page, recorder.records, looked_up.found)
        if entry is not None:
            entries.put(key, entry)

    @staticmethod
    def _entry(page: Page, records: list[list[Any] | None], found: dict[str, list[Any] | None]) -> bytes | None:
        """What the conversion gave: a line of JSON, then the HTML (not escaped into the JSON)."""
        if any(r is None for r in records) or not isinstance(page.content, str):
            return None
        links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
        try:
            about = json.dumps([_toc_tokens(page.toc), page._title_from_render, sorted(page.present_anchor_ids or ()),
                                links, records, found], ensure_ascii=False, separators=(",", ":"))
            return b"%s\n%s" % (about.encode("utf-8"), page.content.encode("utf-8"))
        except (TypeError, ValueError):  # (ValueError: a lone surrogate, which UTF-8 cannot hold)
            return None

    @staticmethod
    def _take(page: Page, files: Files, kept: bytes) -> bool:
        try:
            about, _, html = kept.partition(b"\n")  # (JSON escapes a line break inside its strings)
            toc_tokens, title, anchors, links, records, found = json.loads(about)
            if not _finds_the_same(files, found):
                return False  # (a link of the page resolves otherwise now)
            content = html.decode("utf-8")
            linked = {}
            for src_uri, anchors_linked in links.items():
                target = files.get_file_from_path(src_uri)
                if target is None:
                    return False
                linked[target] = anchors_linked
            toc = get_toc(toc_tokens)
        except (ValueError, TypeError, KeyError, AttributeError):  # (not the shape this code writes)
            return False
        page.content = content
        page.toc = toc
        page._title_from_render = title
        page.present_anchor_ids = set(anchors)
        page.links_to_anchors = linked
        _replay(records)
        return True

    def finish(self) -> None:
        """The build is done: the entries it used (and made) are kept for the next."""
        if self._entries is not None:
            self._entries.finish()
            log.debug(f"paperkb: {self.hits} pages' Markdown conversions taken as kept, {self.misses} made")
        self._entries, self._files = None, None

    def abandon(self) -> None:
        """The build failed (or another starts): what it made is not kept."""
        if self._entries is not None:
            self._entries.abandon()
        self._entries = None
