"""pybtex's style templates made with less work: the same template nodes, built faster.

pybtex's styles build each entry's template anew (``toplevel [ sentence [...] ...]``): every
``node(...)`` and ``node[...]`` copies the node through ``Node._clone``, which makes a node
with empty lists and a dict only to replace them by copies (~8% of formatting a reference).
``install`` gives ``Node`` a call and an index that make the copy at once: the same name,
function, arguments, keyword arguments and children, in the same order
(tests/core/test_bib_reading.py compares whole references with pybtex's own)."""

from __future__ import annotations

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
