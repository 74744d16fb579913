"""The theme's navigation rendered once for every page that shows it the same way.

mkdocs-material renders the whole navigation (``partials/nav.html``) and, with
``navigation.tabs``, the tabs (``partials/tabs.html``) into every page: at 2,000 notes that is
about as much time as the Markdown of the notes' bodies. For a page that is not in the
navigation (every note, every index page but the overviews) no item is marked active, so the
only thing that differs from page to page is the relative links, and those are the same for
all pages whose addresses differ only in their last folder (``papers/a/`` and ``papers/b/``),
as long as no navigation entry lies inside the page's own folder. A loader in front of the
theme's answers these two partials with a call that renders the theme's own template once per
such group and hands out the same HTML afterwards. Every other page (one in the navigation, a
blog post attached to it, a page whose folder holds navigation entries) is rendered as before,
and so is a partial that the site overrides in its ``custom_dir`` (it may show page data).

Two more things every page repeats are done once a build: the search box and the colour
palette's toggles (``partials/search.html``, ``partials/palette.html``: made of the
configuration and its translations only, no page data, no relative link), and the theme's
translations. ``lang.t(key)``, ~20 times a page, called a macro that built the language's whole
table of ~100 phrases to look up one, and each page imported ``partials/language.html`` again
with its two languages' templates; the loader answers that name with a template whose ``t``
looks each phrase up once per language, through the theme's own macro.

The header (``partials/header.html``) differs between such pages only in the page's title: it
is rendered once per group with a stand-in for the title, and each page gets the two halves
around its own title, written the way the template writes it."""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Callable
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup

CACHED = ("partials/nav.html", "partials/tabs.html")
SAME_ON_EVERY_PAGE = ("partials/search.html", "partials/palette.html")  # (see module docstring)
LANGUAGE = "partials/language.html"
AROUND_TITLE = "partials/header.html"  # (see module docstring)
_THEMES = "paperkb-theme/"  # the theme's own template behind a cached name
_CALL = "paperkb_shared_partial"
_TRANSLATIONS = "paperkb_translations"
# Where a page's title goes in a shared header. Its < & " ' > are found again only if the header
# writes the title as it stands (as _title does): a theme version that escapes or filters it is
# not shared (mkdocs-material>=9.6,<10 is allowed, not only the version this was made with).
_TITLE = f"paperkb-title-{uuid.uuid4().hex}<&\"'>"


class SharedPartials:
    def __init__(self) -> None:
        self._rendered: dict[tuple, str] = {}
        self._around: dict[tuple, tuple[str, str] | None] = {}  # the header's halves (None: not shared)
        self._templates: dict[str, jinja2.Template] = {}  # the theme's partials, looked up once a build
        self._nav_prefixes: set[tuple[str, ...]] = set()
        self._nav_items: list = []  # every entry of the navigation, children too
        self._nav_files: set[int] | None = set()  # (ids of) the files of the pages in the navigation
        self._nav = None
        self._translations: dict[str, Callable[[str], str]] = {}  # language -> its memoised ``t``
        self._same: dict[tuple, str] = {}  # (partial, language) -> its HTML on every page

    def clear(self) -> None:
        """A new build (or `serve` re-planning after an edit): titles and entries may differ."""
        self._rendered.clear()
        self._around.clear()
        self._templates.clear()
        self._translations.clear()
        self._same.clear()
        self._nav = None

    def install(self, env: jinja2.Environment, custom_dir: str | None) -> None:
        """Put the loader in front of ``env``'s own (once per environment)."""
        if isinstance(env.loader, _Loader) or env.loader is None:
            return
        env.loader = _Loader(env.loader, custom_dir)
        env.globals[_CALL] = jinja2.pass_context(lambda context, name: self._render(context, name))
        env.globals[_TRANSLATIONS] = lambda config: self._translator(env, config)
        self.clear()

    def _translator(self, env: jinja2.Environment, config) -> Callable[[str], str]:
        """The theme's ``t`` for ``config``'s language, each phrase asked of it once: a
        language's phrases are fixed (its template is imported without the page's context)."""
        language = _language(env, config)
        found = self._translations.get(language)
        if found is None:
            theirs = env.get_template(_THEMES + LANGUAGE, globals={"config": config}).module.t
            memo: dict[str, str] = {}

            def found(key: str) -> str:
                phrase = memo.get(key)
                if phrase is None:
                    phrase = memo[key] = theirs(key)
                return phrase

            self._translations[language] = found
        return found

    def _render(self, context, name: str) -> Markup:
        env = context.environment
        template = self._templates.get(name)
        if template is None or template.environment is not env:
            template = self._templates[name] = env.get_template(_THEMES + name)
        config = context.get("config")
        if name == AROUND_TITLE and getattr(template, "paperkb_shared", False):
            return self._around_title(context, template)
        if not getattr(template, "paperkb_shared", False):
            key, rendered = None, self._rendered
        elif name in SAME_ON_EVERY_PAGE:  # (kept when the navigation changes)
            key, rendered = ((name, _language(env, config)) if config is not None else None), self._same
        else:
            key, rendered = self._key(context, name), self._rendered
        if key is None:
            return Markup(template.render(context.get_all()))
        found = rendered.get(key)
        if found is None:
            found = rendered[key] = template.render(context.get_all())
        return Markup(found)

    def _around_title(self, context, template: jinja2.Template) -> Markup:
        """The header: the halves its group shares, around this page's title."""
        # (with sticky tabs, the header holds the tabs, which mark the page's place; an
        # environment that escapes would write the title escaped)
        sticky_tabs = "navigation.tabs.sticky" in (context.get("features") or ())
        key = None if sticky_tabs or context.eval_ctx.autoescape else self._key(context, AROUND_TITLE)
        if key is not None and key not in self._around:
            html = template.render({**context.get_all(), "page": _TitleStandIn(context["page"])})
            before, found, after = html.partition(_TITLE)
            self._around[key] = (before, after) if found and _TITLE not in after else None
        halves = self._around.get(key) if key is not None else None
        if halves is None:
            return Markup(template.render(context.get_all()))
        return Markup(f"{halves[0]}{_title(context.environment, context['page'])}{halves[1]}")

    def _key(self, context, name: str) -> tuple | None:
        """What the partial's HTML depends on for this page, or None when it depends on the page."""
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or getattr(page, "url", None) is None:
            return None
        if nav is not self._nav:
            self._nav, self._nav_prefixes = nav, _prefixes(nav, context.get("config"))
            self._nav_items = list(_items(nav.items))
            plain = all(type(p.file).__eq__ is object.__eq__ for p in nav.pages)
            self._nav_files = {id(p.file) for p in nav.pages} if plain else None
            self._rendered.clear()
            self._around.clear()
        if any(getattr(item, "active", False) for item in self._nav_items) or self._in_nav(page, nav):
            return None
        parts = _base_parts(page.url)
        if not parts or parts in self._nav_prefixes:  # a navigation entry inside the page's folder
            return None
        return (name, parts[:-1], len(parts))

    def _in_nav(self, page, nav) -> bool:
        """``page in nav.pages``, where a page equals a navigation page only with its very file
        (MkDocs' Page.__eq__; File has no __eq__ of its own): asked only of those."""
        if (self._nav_files is not None and type(page.file).__eq__ is object.__eq__
                and id(page.file) not in self._nav_files):
            return False
        return page in nav.pages


class _Loader(jinja2.BaseLoader):
    """The theme's loader, but for the shared partials, which call back (see module docstring)."""

    def __init__(self, inner: jinja2.BaseLoader, custom_dir: str | None) -> None:
        self.inner = inner
        self.custom_dir = Path(custom_dir).resolve() if custom_dir else None

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template in CACHED or template in SAME_ON_EVERY_PAGE or template == AROUND_TITLE:
            return f"{{{{ {_CALL}({template!r}) }}}}", None, lambda: True
        if template == LANGUAGE and not self._overridden(environment, template):
            return f"{{% set t = {_TRANSLATIONS}(config) %}}", None, lambda: True
        if template.startswith(_THEMES):
            return self.inner.get_source(environment, template[len(_THEMES):])
        return self.inner.get_source(environment, template)

    def load(self, environment: jinja2.Environment, name: str, globals=None) -> jinja2.Template:
        template = super().load(environment, name, globals)
        if name.startswith(_THEMES):
            # (a language.html of the site's own may translate by page data too; so may a
            # partial of the site's own that the shared one includes: the header's logo.html or
            # source.html, the navigation's nav-item.html)
            template.paperkb_shared = not (self._overridden_within(environment, name[len(_THEMES):], set())  # type: ignore[attr-defined]
                                           or self._overridden(environment, LANGUAGE))
        return template

    def _overridden_within(self, environment: jinja2.Environment, name: str, seen: set[str]) -> bool:
        """Whether the site's ``custom_dir`` has its own ``name`` or its own template of one that
        ``name`` includes, imports or extends by a fixed name, however deep (an icon, named by
        a variable, is no template to show page data)."""
        if name in seen:
            return False
        seen.add(name)
        try:
            source, filename, _ = self.inner.get_source(environment, name)
        except jinja2.TemplateNotFound:
            return False
        if self._own(filename):
            return True
        return any(self._overridden_within(environment, used, seen)
                   for used in jinja2.meta.find_referenced_templates(environment.parse(source)) if used)

    def _overridden(self, environment: jinja2.Environment, name: str) -> bool:
        """Whether the site's ``custom_dir`` has its own ``name`` (it may show page data)."""
        _source, filename, _ = self.inner.get_source(environment, name)
        return self._own(filename)

    def _own(self, filename: str | None) -> bool:
        """Whether the template file ``filename`` is in the site's ``custom_dir``."""
        return bool(filename and self.custom_dir and Path(filename).resolve().is_relative_to(self.custom_dir))

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


class _TitleStandIn:
    """A page whose title is the marker ``_TITLE``; all else is the page's own (its url, for
    the relative links)."""

    def __init__(self, page) -> None:
        self._page = page
        self.meta = {"title": _TITLE}
        self.title = _TITLE

    def __getattr__(self, name: str):
        return getattr(self._page, name)


def _title(env: jinja2.Environment, page) -> str:
    """What mkdocs-material's header writes as the page's title: ``page.meta.title`` when the
    page has one, else ``page.title`` (as text, the environment escaping nothing)."""
    meta = env.getattr(page, "meta")
    title = env.getattr(meta, "title") if meta else None
    return str(title if meta and title else env.getattr(page, "title"))


def _language(env: jinja2.Environment, config):
    """``config.theme.language`` as the theme's templates read it (Theme is a mapping)."""
    return env.getattr(config.theme, "language")


def _base_parts(url: str) -> tuple[str, ...]:
    """The folders a page's relative links start from (as MkDocs' get_relative_url sees them)."""
    folder, _, last = url.rpartition("/")
    if "." in last:
        url = folder
    path = posixpath.normpath("/" + url)[1:]
    return tuple(path.split("/")) if path else ()


def _prefixes(nav, config) -> set[tuple[str, ...]]:
    """Every folder that holds a navigation entry (or the logo the partial links)."""
    urls = [p.url for p in nav.pages] + [getattr(i, "url", "") or "" for i in _items(nav.items)]
    logo = getattr(getattr(config, "theme", None), "get", lambda _k: None)("logo") if config is not None else None
    if logo:
        urls.append(str(logo))
    found: set[tuple[str, ...]] = set()
    for url in urls:
        parts = _base_parts(url.split("#", 1)[0].split("?", 1)[0])
        for i in range(len(parts) + 1):
            found.add(parts[:i])
    return found


def _items(items):
    for item in items:
        yield item
        yield from _items(getattr(item, "children", None) or [])
