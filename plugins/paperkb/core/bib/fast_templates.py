"""pybtex's style templates made with less work: the same template nodes, built faster.

pybtex's styles build each entry's template anew (``toplevel [ sentence [...] ...]``): every
``node(...)`` and ``node[...]`` copies the node through ``Node._clone``, which makes a node
with empty lists and a dict only to replace them by copies (~8% of formatting a reference).
``install`` gives ``Node`` a call and an index that make the copy at once: the same name,
function, arguments, keyword arguments and children, in the same order
(tests/core/test_bib_reading.py compares whole references with pybtex's own)."""

from __future__ import annotations

from collections.abc import Callable

from pybtex.database import Entry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import Node

_pybtex_call, _pybtex_getitem = Node.__call__, Node.__getitem__
_new = object.__new__


def _call(self, *args, **kwargs):
    result = _new(Node)
    result.name, result.f, result.children = self.name, self.f, list(self.children)
    result.args = [*self.args, *args]
    result.kwargs = {**self.kwargs, **kwargs}
    return result


def _getitem(self, children):
    result = _new(Node)
    result.name, result.f, result.args, result.kwargs = self.name, self.f, list(self.args), dict(self.kwargs)
    result.children = [*self.children, *children] if isinstance(children, (list, tuple)) else [*self.children, children]
    return result


def install() -> None:
    """Use the faster copies for every template node (idempotent)."""
    Node.__call__, Node.__getitem__ = _call, _getitem


def uninstall() -> None:
    """pybtex's own again (tests compare the two)."""
    Node.__call__, Node.__getitem__ = _pybtex_call, _pybtex_getitem


class KeptTemplates:
    """A style's ``get_<type>_template``, each template built once per kind of entry and kept.

    pybtex's styles build a template anew for every entry (~100 nodes, ~10% of formatting a
    reference), though a template depends on the entry only through whether it has editors
    and how many: the ``unsrt`` family (unsrt, plain, alpha, unsrtalpha) reads nothing else of
    it (``format_editor``'s "editor" / "editors", ``get_proceedings_template``'s editors or
    organisation). A template is only read when an entry is formatted, never changed."""

    def __init__(self, build: Callable[[Entry], Node]) -> None:
        self._build = build
        self._templates: dict[tuple[bool, bool], Node] = {}

    def __call__(self, entry: Entry) -> Node:
        editors = entry.persons["editor"] if "editor" in entry.persons else None
        kind = (editors is not None, editors is not None and len(editors) > 1)
        template = self._templates.get(kind)
        if template is None:
            template = self._templates[kind] = self._build(entry)
        return template


def keep_templates(style: object) -> None:
    """Keep ``style``'s templates (``KeptTemplates``) when it builds them exactly as pybtex's
    ``unsrt`` style does: none of the methods that build them is another's (idempotent)."""
    if not isinstance(style, UnsrtStyle) or not _builds_as_unsrt(type(style)):
        return
    for name in _TEMPLATE_GETTERS:
        if not isinstance(vars(style).get(name), KeptTemplates):
            setattr(style, name, KeptTemplates(getattr(style, name)))


_TEMPLATE_GETTERS = [name for name in dir(UnsrtStyle) if name.startswith("get_") and name.endswith("_template")]


def _builds_as_unsrt(style_class: type) -> bool:
    return all(getattr(style_class, name) is getattr(UnsrtStyle, name)
               for name in dir(UnsrtStyle) if name.startswith(("get_", "format_")) and callable(getattr(UnsrtStyle, name)))
