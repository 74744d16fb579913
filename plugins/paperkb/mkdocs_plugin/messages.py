"""Route core problems to MkDocs' logger: errors and warnings both fail `mkdocs build --strict`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from ..core.frontmatter_source import split_front_matter
from ..core.problems import Problem, Severity

log = logging.getLogger("mkdocs.plugins.paperkb")


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        text = f"{problem.path}:{problem.line}: {problem.message}"
        if problem.severity is Severity.ERROR:
            log.error(text)
        elif problem.severity is Severity.NOTE:
            log.info(text)
        else:
            log.warning(text)


class PageWarner:
    """Warns about a line of a page's Markdown, naming the source file and its real line."""

    def __init__(self, abs_src_path: str | None, shown_as: str, body_line: int | None = None) -> None:
        self.abs_src_path = abs_src_path
        self.shown_as = shown_as
        self._body_line = body_line

    def body_line(self) -> int:
        if self._body_line is None:
            self._body_line = 1
            if self.abs_src_path and Path(self.abs_src_path).is_file():
                text = Path(self.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
                self._body_line = split_front_matter(text)[3]
        return self._body_line

    def __call__(self, line_index: int, message: str) -> None:
        log.warning(f"{self.shown_as}:{self.body_line() + line_index}: {message}")
