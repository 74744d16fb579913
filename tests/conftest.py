"""Shared fixtures: write notes into a temporary folder, build a real site, read what it wrote."""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


@dataclass
class BuiltSite:
    root: Path
    site_dir: Path
    ok: bool
    messages: list[str] = field(default_factory=list)

    def html(self, url_path: str) -> str:
        """The HTML of the page at ``url_path`` ('' for home, 'papers/x/' for a note)."""
        path = self.site_dir / url_path
        if url_path.endswith("/") or url_path == "":
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def all_text(self) -> str:
        """Every text file the build wrote, concatenated (to prove something appears nowhere)."""
        chunks = []
        for path in sorted(self.site_dir.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".json", ".xml", ".svg", ".bib", ".js", ".txt", ".css"}:
                chunks.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(chunks)

    def warnings(self) -> list[str]:
        return [m for m in self.messages if m.startswith(("WARNING", "ERROR"))]


def note(title: str, body: str = "", **front) -> str:
    """A note file's text from keyword front-matter (None values are left out)."""
    data = {"title": title, **{k: v for k, v in front.items() if v is not None}}
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{dumped}---\n\n{textwrap.dedent(body)}"


def pagefind_pages(site_dir: Path) -> dict[str, dict]:
    """What Pagefind indexed, read back from the bundles of every slice the site lists: page URL ->
    its fragment (``content``, ``filters``, ``meta``, ``anchors``). A fragment is gzip of
    b"pagefind_dcd" + JSON. A page indexed twice fails the test."""
    pages: dict[str, dict] = {}
    for folder in pagefind_slices(site_dir).values():
        for url, fragment in pagefind_pages_in(folder).items():
            assert url not in pages, f"{url} is in two slices"
            pages[url] = fragment
    return pages


def pagefind_pages_in(bundle: Path) -> dict[str, dict]:
    """The pages of one Pagefind bundle (a slice): URL -> fragment."""
    import gzip
    import json

    pages = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        pages[fragment["url"].lstrip("/")] = fragment
    return pages


def pagefind_slices(site_dir: Path) -> dict[str, Path]:
    """The bundles of the search index's slices the site lists (name -> folder), in order."""
    import json

    listed = json.loads((site_dir / "pagefind" / "paperkb-slices.json").read_text(encoding="utf-8"))["slices"]
    return {name: site_dir / "pagefind" / name for name in listed}


def built_files(site_dir: Path) -> dict[str, bytes]:
    """A built site's pages and data files (not Pagefind's bundles, whose names change from run
    to run): path in the site -> bytes, for comparing two builds byte for byte."""
    return {str(p.relative_to(site_dir)): p.read_bytes() for p in sorted(site_dir.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts and p.suffix in {".html", ".xml", ".json", ".bib"}}


def html_pages(site_dir: Path) -> dict[str, str]:
    """Every HTML page a build wrote: path in the site -> its text."""
    return {p.relative_to(site_dir).as_posix(): p.read_text(encoding="utf-8") for p in site_dir.rglob("*.html")}


def assert_same_pages(site: "BuiltSite", other: "BuiltSite", at_least: int = 1) -> None:
    """Both builds wrote the same HTML pages, byte for byte."""
    assert site.ok and other.ok, site.messages + other.messages
    pages, other_pages = html_pages(site.site_dir), html_pages(other.site_dir)
    assert pages.keys() == other_pages.keys() and len(pages) >= at_least
    for uri, html in pages.items():
        assert html == other_pages[uri], uri


def diagram_cache_records(cache: Path) -> dict[str, tuple[str, int, int]]:
    """A diagram cache folder's entries: each key's last record as (pack file, offset, length)."""
    from paperkb.render.graph_svg import SvgDiskCache

    return {key: (pack, at, length) for key, pack, at, length in SvgDiskCache(cache).packs.entries()}


def spoil_diagram(cache: Path, key: str, old: bytes = b'role="img"', new: bytes = b'onload="x"') -> None:
    """Edit a cached SVG behind its signature's back: ``old`` becomes ``new`` (as long) in place."""
    assert len(old) == len(new)
    pack, at, length = diagram_cache_records(cache)[key]
    with open(pack, "r+b") as file:
        file.seek(at)
        record = file.read(length)
        assert old in record
        file.seek(at)
        file.write(record.replace(old, new, 1))


def drop_diagram(cache: Path, key: str) -> None:
    """Take an SVG out of a diagram cache, as if a person had cleaned it: its record's key is
    overwritten (no key of a diagram), so no reader finds it any more."""
    from paperkb.core.record_packs import HEAD

    pack, at, _length = diagram_cache_records(cache)[key]
    with open(pack, "r+b") as file:
        file.seek(at + HEAD.size)
        file.write(b"-" * len(key.encode("utf-8")))


def example_notes() -> dict[str, bytes]:
    """The example site's notes folder, file by file."""
    return {p.relative_to(REPO / "notes").as_posix(): p.read_bytes() for p in (REPO / "notes").rglob("*") if p.is_file()}


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.levelname}: {record.getMessage()}")


def build_site(root: Path, files: dict[str, str | bytes], *, strict: bool = False, plugins: list | None = None,
               config: dict | None = None) -> BuiltSite:
    """Write ``files`` under ``root/notes`` and build them with MkDocs in-process."""
    from mkdocs.exceptions import MkDocsException

    from paperkb.cli.site import build_once

    from paperkb.default_config import default_config

    write_tree(root / "notes", files)
    cfg = default_config(root / "notes", root / "site", site_name="Test notes")
    cfg["plugins"] = plugins if plugins is not None else ["tags", "paperkb"]
    cfg.update(config or {})
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    ok = True
    try:
        build_once(str(config_file), strict=strict)
    except MkDocsException as exc:
        ok = False
        handler.records.append(f"ABORT: {exc}")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return BuiltSite(root, root / "site", ok, handler.records)


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory):
    """paperkb keeps the key that signs its cache files in the user's cache folder: tests get their own."""
    import os

    folder = tmp_path_factory.mktemp("cache-home")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture
def site_builder(tmp_path):
    def _build(files: dict[str, str | bytes], **kwargs) -> BuiltSite:
        return build_site(tmp_path, files, **kwargs)

    return _build
