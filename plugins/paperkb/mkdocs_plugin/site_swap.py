"""Glue: a build writes into a fresh folder and replaces the site only when it succeeded
(core/site_swap.py), for `paperkb build` and a plain `mkdocs build` alike.

``begin`` runs first at on_pre_build, before MkDocs empties ``site_dir``: from then on
``config.site_dir`` is the temporary folder, so MkDocs and every plugin write there. ``finish``
runs last at on_post_build: the folder is swapped in and ``config.site_dir`` is the real one
again (`mkdocs gh-deploy` publishes it next). A build that fails (``fail``, on_build_error)
or that ``--strict`` will fail for its warnings leaves the previous site as it was.
`mkdocs serve` (its own temporary folder) and ``--dirty`` builds (which update the site in
place) are left alone, and so is a site folder that is a symbolic link or a mount point."""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig

from ..core.site_swap import SiteSwap, can_swap
from .messages import log


class _WarningCount(logging.Handler):
    """Counts the warnings MkDocs' strict mode will fail on (it counts the same logger)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PublishedSite:
    def __init__(self) -> None:
        self.swap: SiteSwap | None = None
        self.config: MkDocsConfig | None = None
        self.site_dir = ""
        self.warnings: _WarningCount | None = None

    def begin(self, config: MkDocsConfig, *, command: str, dirty: bool) -> None:
        self.swap = None
        if command == "serve" or dirty or not can_swap(config.site_dir):
            return
        swap = SiteSwap(config.site_dir)
        try:
            building = swap.begin()
        except OSError as exc:  # e.g. the parent folder is read-only: build in place as MkDocs does
            log.info(f"paperkb: building {config.site_dir} in place: {exc}")
            return
        self.swap, self.config, self.site_dir = swap, config, config.site_dir
        config.site_dir = str(building)
        if config.strict:
            self.warnings = _WarningCount()
            logging.getLogger("mkdocs").addHandler(self.warnings)

    def finish(self, config: MkDocsConfig) -> None:
        swap, self.swap = self.swap, None
        if swap is None:
            return
        failed_strict = self.warnings is not None and self.warnings.count > 0
        self._stop_counting()
        config.site_dir = self.site_dir
        if failed_strict:  # MkDocs aborts next: the previous site stays
            swap.abort()
            return
        try:
            swap.commit()
        except OSError as exc:
            swap.abort()
            log.error(f"paperkb: could not replace {self.site_dir} with the new build: {exc}")
            raise

    def fail(self) -> None:
        swap, self.swap = self.swap, None
        self._stop_counting()
        if swap is not None and self.config is not None:
            self.config.site_dir = self.site_dir
            swap.abort()

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None
