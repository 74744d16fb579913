"""Markdown links whose address would run code when clicked (``javascript:``, ``vbscript:``,
``data:``), found with their lines so the site can warn ``path:line`` (render/url_guard.py makes
them inert in the HTML)."""

from __future__ import annotations

import re

from .body_scan import Prose, iter_prose_lines
from .urls import script_scheme

# An inline link's destination: everything up to the closing parenthesis (python-markdown keeps
# tabs and spaces inside it), with one level of balanced parentheses (``alert(1)``).
_INLINE_DESTINATION = re.compile(r"\]\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[(?!\^)[^\]\n]+\]:\s*(\S.*)$")
# An address in raw HTML: href="..." (any scheme counts) or src="..." (a data: image is fine).
_HTML_ADDRESS = re.compile(r"""\b(href|src|action|formaction)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)


def find_script_links(text: str, first_line: int, prose: Prose | None = None) -> list[tuple[int, str]]:
    """(file line, scheme) of each link in ``text`` (code spans and blocks left out) whose
    address is a ``javascript:``, ``vbscript:`` or ``data:`` URL."""
    found = []
    for index, line in prose if prose is not None else iter_prose_lines(text):
        if ":" not in line:
            continue
        destinations = [m.group(1) for m in _INLINE_DESTINATION.finditer(line)]
        definition = _REFERENCE_DEFINITION.match(line)
        if definition:
            destinations.append(definition.group(1))
        for destination in destinations:
            scheme = script_scheme(destination.strip().lstrip("<"))
            if scheme:
                found.append((first_line + index, scheme))
        if "=" in line:
            for match in _HTML_ADDRESS.finditer(line):
                scheme = script_scheme(match.group(2).strip("\"'"))
                if scheme and (match.group(1).lower() != "src" or scheme != "data"):
                    found.append((first_line + index, scheme))
    return found


def script_link_message(scheme: str) -> str:
    return (f"link to a '{scheme}:' address: it would run code or open a page the site does not control, so it is "
            "shown as text, not a link (link to an http(s) page instead)")
