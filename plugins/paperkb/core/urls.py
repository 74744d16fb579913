"""Page URLs computed the way MkDocs computes them, so the core can link without MkDocs."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import urlsplit

# ASCII characters a file name may hold but a URL path may not (`My Note.md` -> `My%20Note/`, as
# MkDocs writes it); other characters stay as they are, which browsers accept.
_URL_UNSAFE = re.compile(r"[\x00-\x20\"#%<>?\\^`{|}\[\]\x7f]")
_SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "doi", ""}
_SCRIPT_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.I)
# What a browser ignores in a URL before it reads the scheme: C0 controls and spaces anywhere
# (``java\tscript:`` runs), after character references are decoded (``&#106;avascript:``).
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_RUNNING_SCHEME = re.compile(r"(javascript|vbscript|data):")


class SiteUrls:
    def __init__(self, use_directory_urls: bool = True) -> None:
        self.use_directory_urls = use_directory_urls
        # Pages another plugin placed elsewhere (blog posts live at blog/YYYY/MM/DD/slug/).
        self.moved: dict[str, str] = {}
        # Each page's URL where MkDocs places it, once worked out: a build asks for a note's
        # URL on every page that links to it (Cites lists, cards, diagrams: ~15 times a note).
        self._placed: dict[str, str] = {}

    def url(self, src_uri: str) -> str:
        """Site-relative URL of the page built from ``src_uri`` ('' for the home page)."""
        moved = self.moved.get(src_uri)
        if moved is not None:
            return moved
        placed = self._placed.get(src_uri)
        if placed is None:
            placed = self._placed[src_uri] = self._place(src_uri)
        return placed

    def _place(self, src_uri: str) -> str:
        stem, _ = posixpath.splitext(_URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", src_uri))
        directory, name = posixpath.split(stem)
        if name == "README":
            stem = posixpath.join(directory, "index")
        if not self.use_directory_urls:
            return f"{stem}.html"
        if name in ("index", "README"):
            return f"{directory}/" if directory else ""
        return f"{stem}/"

    def href(self, from_src: str, to_src: str, fragment: str = "") -> str:
        """Relative link from the page of ``from_src`` to the page of ``to_src``."""
        return self.relative(from_src, self.url(to_src)) + (f"#{fragment}" if fragment else "")

    def relative(self, from_src: str, target_url: str) -> str:
        """Relative link from the page of ``from_src`` to a site-relative ``target_url``."""
        return relative_url(self.url(from_src), target_url)


def url_folder(url: str) -> str:
    """The folder a relative link from the page at site URL ``url`` starts from ("" at the root):
    pages in one folder link to any page the same way."""
    return url if url.endswith("/") or not url else url.rsplit("/", 1)[0] + "/" if "/" in url else ""


def relative_url(from_url: str, to_url: str) -> str:
    """Link from the page at site URL ``from_url`` to site URL ``to_url`` (both as SiteUrls.url
    gives them). A string operation: posixpath.relpath asks the OS for the working directory."""
    folder = url_folder(from_url)
    # Most links stay in the page's folder or go to a sibling's (a note's lists and card link
    # notes in its own folder): a prefix then says it (a build makes ~15 links a note page).
    if to_url.startswith(folder):
        return to_url[len(folder):] or "./"
    parent = folder[:folder.rfind("/", 0, len(folder) - 1) + 1]  # ("" for a top-level folder)
    if to_url.startswith(parent):
        return "../" + to_url[len(parent):]
    base_parts = folder.split("/")[:-1]
    target_parts = to_url.split("/")
    common = shared_folders(base_parts, target_parts)
    rel = "../" * (len(base_parts) - common) + "/".join(target_parts[common:])
    return rel or "./"


def shared_folders(base_parts: list[str], target_parts: list[str]) -> int:
    """How many leading folders a page's folder (``base_parts``, its URL's folders) shares with
    a target URL's parts (never counting the target's last part, its page)."""
    common, limit = 0, min(len(base_parts), len(target_parts) - 1)
    while common < limit and base_parts[common] == target_parts[common]:
        common += 1
    return common


def safe_url(url: str) -> str | None:
    """The URL if its scheme is harmless (no ``javascript:``/``data:``), else None."""
    url = str(url).strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in _SAFE_SCHEMES and not _SCRIPT_SCHEME.match(url) else None


def script_scheme(url: str) -> str | None:
    """``javascript``, ``vbscript`` or ``data`` when a browser would read ``url`` (an attribute
    value or a Markdown link destination) with that scheme, whatever its case, entities or the
    tabs and spaces inside it; else None."""
    text = _URL_IGNORED.sub("", html.unescape(str(url))).lower()
    match = _RUNNING_SCHEME.match(text)
    return match.group(1) if match else None
