"""MkDocs' warning about a link whose target is missing names the page by its docs path and
no line ("Doc file 'papers/x.md' contains a link 'fig.png', but the target ... is not found").
Here the same warning (still one warning, so `--strict` counts it once) names the file as the
terminal opens it, the line the link is on, and a hint for the usual slips (core/link_check.py).

MkDocs is the one that finds such links (in every page, in every link form Markdown has);
paperkb only makes its message say where and why."""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..core.link_check import LinkTargets, link_hint
from ..core.problems import display_path
from ..render.index_pages import GeneratedPage
from .config import PaperKBConfig
from .feature import Build, Feature

_MKDOCS_LINK_WARNING = re.compile(
    r"^Doc file '(?P<src>[^']+)' contains (?:a link|an unrecognized relative link) '(?P<url>[^']+)'")


class _LastRead:
    """The text of the file read last: MkDocs warns of a page's links one after another, and a
    real page may hold 1,600 broken ones (a generated to-do list of 2,300 links, 400 KB):
    reading and scanning it line by line for each warning took a minute."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.text = ""

    def text_of(self, path: Path) -> str | None:
        if path != self.path:
            try:
                self.text = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                return None
            self.path = path
        return self.text


class _WhereLinksAre(logging.Filter):
    """Rewrites MkDocs' link warnings as they are logged (a filter on MkDocs' pages logger)."""

    def __init__(self) -> None:
        super().__init__()
        self.build: Build | None = None  # the files of the build under way (looked at on a warning only)
        self._sources: dict[str, Path] | None = None
        self._targets: LinkTargets | None = None
        self.project_root = Path.cwd()
        self._read = _LastRead()

    def begin(self, build: Build | None) -> None:
        self.build, self._sources, self._targets = build, None, None
        self._read = _LastRead()  # (a file may have changed since the last build)

    @property
    def sources(self) -> dict[str, Path]:
        """src path -> the file it was read from."""
        if self._sources is None:
            files = self.build.files if self.build is not None else ()
            self._sources = {f.src_uri: Path(f.abs_src_path) for f in files
                             if f.abs_src_path and not f.generated_by and f.is_documentation_page()}
        return self._sources

    @property
    def targets(self) -> LinkTargets:
        if self._targets is None:
            build = self.build
            self._targets = LinkTargets([*build.files.src_uris, *build.site.generated_uris()] if build else ())
        return self._targets

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not isinstance(record.msg, str):
            return True
        match = _MKDOCS_LINK_WARNING.match(record.msg)
        path = self.sources.get(match.group("src")) if match else None
        if match is None or path is None:
            return True
        url, src = match.group("url"), match.group("src")
        text = self._read.text_of(path)
        line = _line_of(text, url) if text is not None else None
        where = display_path(path, self.project_root) + (f":{line}" if line else "")
        message = f"{where}: {record.msg}"
        if "Did you mean" not in record.msg:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), url.partition("#")[0]))
            hint = link_hint(url, resolved, posixpath.dirname(src), self.targets)
            message += f" {hint}" if hint else ""
        record.msg, record.args = message, ()
        return True


_FILTER = _WhereLinksAre()  # one for the process: builds replace its state, never stack filters


class LinkMessages(Feature):
    def configure(self, options: PaperKBConfig, config: MkDocsConfig, project_root: Path) -> None:
        _FILTER.project_root = project_root
        logger = logging.getLogger("mkdocs.structure.pages")
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

    def start(self, build: Build) -> list[GeneratedPage]:
        _FILTER.begin(build)  # (what the messages need is worked out at the first one)
        return []

    def close(self) -> None:
        logging.getLogger("mkdocs.structure.pages").removeFilter(_FILTER)
        _FILTER.begin(None)


def _line_of(text: str, url: str) -> int | None:
    """The first line of ``text`` that holds ``url`` as a link's target, as written or with
    its spaces escaped."""
    written = (url, url.replace(" ", "%20"), url.replace("%20", " "))
    for marks in (("(", "<", ": "), ("",)):  # a link's target first, then anywhere
        found = [at for mark in marks for w in written if (at := text.find(f"{mark}{w}")) >= 0]
        if found:
            return text.count("\n", 0, min(found)) + 1
    return None
