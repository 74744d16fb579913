"""A page's front-matter values and where its Markdown starts, as MkDocs reads them.

MkDocs parses the YAML front-matter of every page again when it renders it, although paperkb's
loader parsed the note already (at 2,000 notes ~0.6 s of CPU, more for long front-matters). So
the note cache keeps with each parsed note what MkDocs would read from its bytes: the values,
pickled (each build gets fresh objects, which plugins change) and where its Markdown starts; the
plugin hands them to MkDocs for a file with the same bytes (mkdocs_plugin/page_source.py).

It is MkDocs' own reading (mkdocs.utils.meta.get_data), not the loader's: the two split a file
differently in rare cases (a pandoc ``...`` end line, a ``----`` line, a blank line under the
opening ``---``), and the page must get what MkDocs would give it. When both split it at the same
place (the same front-matter text, read by the same YAML loader) the loader's values are taken
rather than parsed again: a first build then reads each note's YAML once. Files with carriage
returns (which MkDocs' text mode turns into newlines) are left to MkDocs."""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .frontmatter_source import FrontMatter

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as MkDocs loads it
# mkdocs.utils.meta.YAML_RE (tests/core/test_page_source.py checks that they are the same).
MKDOCS_YAML_BLOCK = re.compile(r'^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n', re.UNICODE | re.DOTALL)


@dataclass(frozen=True)
class PageSource:
    meta: bytes  # the front-matter's values, pickled
    body_start: int  # where the Markdown starts in the file's text (before its leading newlines)

    def read(self, raw: bytes) -> tuple[str, dict[str, Any]]:
        """(Markdown, front-matter values) of ``raw``, the bytes this was made from."""
        return raw.decode("utf-8-sig")[self.body_start:].lstrip("\n"), pickle.loads(self.meta)


def page_source(raw: bytes, parsed: FrontMatter | None = None) -> PageSource | None:
    """What MkDocs reads from a file of these bytes; None when it finds no front-matter mapping
    there (it then keeps the text whole) or the file is one MkDocs reads otherwise. ``parsed``:
    the loader's reading of the same bytes (frontmatter_source.py), whose values are taken when
    it read the very text MkDocs reads."""
    if b"\r" in raw:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    block = MKDOCS_YAML_BLOCK.match(text)
    if block is None:
        return None
    # python-frontmatter's text keeps the newline that ends the opening line (YAML reads nothing there)
    same_text = parsed is not None and parsed.yaml_text == "\n" + block.group(1)
    try:
        data = parsed.data if same_text else yaml.load(block.group(1), _Loader)
        if not isinstance(data, dict):
            return None
        return PageSource(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), block.end())
    except Exception:  # noqa: BLE001 - MkDocs reads such a page itself (and keeps its text whole)
        return None
