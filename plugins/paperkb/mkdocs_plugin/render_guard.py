"""One page whose Markdown cannot be turned into HTML never stops the site.

Python-Markdown and its extensions can raise on strange input (a recursion limit, a bug of an
extension) or take very long on it; MkDocs would then abort the whole build, or `serve` would
stop updating. Each page's ``render`` is guarded here: on an exception, or after
``page_render_timeout`` seconds (in the main thread, where a build runs; a timer signal stops
the conversion), the page shows an error box and its text exactly as written (escaped), and the
error is logged with the file's name, so ``--strict`` fails and the author can fix it."""

from __future__ import annotations

import functools
import signal
import threading
from contextlib import contextmanager
from collections.abc import Callable, Iterator

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..core.body_scan import strip_obsidian_comments
from ..render.escape import html
from .messages import log


class PageRenderTimeout(Exception):
    pass


def guard_render(page: Page, source: str, shown_as: str, timeout: float,
                 render_with: Callable[[Page, MkDocsConfig, Files], None] | None = None,
                 on_fallback: Callable[[], None] | None = None) -> None:
    """Make ``page.render`` (MkDocs calls it right after on_page_markdown) fall back to
    ``source`` (the page's text as written, its Obsidian comments left out when shown) when it
    fails or overruns ``timeout`` seconds. ``render_with(page, config, files)`` renders in place
    of the page's own ``render`` (shared_markdown.py); ``on_fallback()`` is called when the
    page shows its source instead."""
    if render_with is not None:
        render = functools.partial(render_with, page)
    else:
        render = type(page).render.__get__(page)  # the class's method: never a guard around a guard

    def guarded(config, files) -> None:
        # One render per guard (on_page_markdown sets a new one each time): afterwards the page
        # is a plain Page again and the source it kept (its Markdown as written) goes.
        del page.render
        try:
            with _time_limit(timeout):
                render(config, files)
        except (Exception, RecursionError) as error:  # noqa: BLE001 - any failure of any extension
            reason = "took longer than {:g} s".format(timeout) if isinstance(error, PageRenderTimeout) \
                else f"{type(error).__name__}: {error}"
            log.error(f"{shown_as}: the page could not be made into HTML ({reason[:300]}); "
                      "it shows its text as written")
            page.content = str(fallback_html(strip_obsidian_comments(source), reason))
            page.toc = get_toc([])
            page.present_anchor_ids = set()
            if on_fallback is not None:
                on_fallback()

    page.render = guarded  # type: ignore[method-assign]


def fallback_html(source: str, reason: str) -> Markup:
    return html('<div class="admonition failure"><p class="admonition-title">This page could not be made '
                "into HTML ({}): its text is shown as written</p></div><pre class=\"pkb-source\">{}</pre>",
                reason[:300], source)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise PageRenderTimeout after ``seconds`` (main thread only, where signals arrive; elsewhere,
    e.g. a `serve` rebuild thread, no limit)."""
    usable = seconds > 0 and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
        yield
        return

    def expire(_signum, _frame) -> None:
        raise PageRenderTimeout()

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
