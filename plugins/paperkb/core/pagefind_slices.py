"""A site's search index cut into slices: a Pagefind bundle per slice of pages, one indexer at a time.

Pagefind's indexer holds every page it indexes in memory until it writes the bundle (~280 KB a
long note, ~94 KB a short one): a whole site of 10,000 notes at once took 2.8 GB. A slice holds
at most ``slice_size`` pages and SLICE_TEXT of their
text; ``write_slice`` feeds a slice's pages to one Pagefind process,
which writes its bundle and ends before the next slice starts, so the indexer's memory stays
that of one slice. The browser loads the slices as one search (Pagefind's ``mergeIndex``: the search
worker, assets/search-worker.js): results are merged by score and filter counts added up.

On the site::

    pagefind/paperkb-slices.json   {"slices": ["0", "1", ...]}: the bundles to load, the first one primary
    pagefind/0/                    a whole Pagefind bundle (pagefind.js, its WASM, index, fragments)
    pagefind/1/ ...

Which page goes into which slice is decided by core/pagefind_bundle.py (a new page joins the
last slice while it has room), so a slice keeps its pages from one `serve` update to the next
and an update indexes again only the slices it changed.

A full build with a cache folder keeps each slice's bundle there (``KeptSlices``): the next
build, whose slice holds the same pages with the same documents (the usual warm build), copies
the bundle instead of indexing it again (~3.4 s of Pagefind's CPU per 1,000 deep pages). A
kept bundle is named by a digest of its pages' URLs and documents, Pagefind's binary, paperkb's core
code (which mends Pagefind's script: core/pagefind_script.py) and this
format; a signed manifest lists the digest of every file, and a file that does not match sends
the slice to Pagefind again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .cache_file import code_stamps, file_sha256, read_signed_cache_file, write_signed_cache_file
from .foreground import IDLE, Foreground
from .pagefind_script import mend_filter_only_search
from .pagefind_service import PagefindService, pagefind_executable

# Pages per slice at most: 25 slices at 10,000 short notes. Pagefind's indexer holds ~31 MB
# after 1,000 short pages and spikes to 101-110 MB while it writes their bundle (500 pages: 61 MB,
# 400: ~51 MB), and the last full slices are indexed as MkDocs finishes rendering, when the build
# process is at its largest beside the documents' process and the diagram worker: 400 pages keep
# a short-note site's peak ~55 MB lower than 1,000, for an index chunk more per 400 pages in a
# reader's first query (10,000 notes, bench/search.py: 763 kB at most, 26 slices; 692 kB at 21).
SLICE_SIZE = 400
# Pagefind's indexer holds ~45 KB a page plus ~45 bytes per character of the page's HTML while it
# writes the bundle (measured: 1,000 pages of ~1.2 KB of HTML took 94 MB, of ~5.2 KB 288 MB). A
# slice also holds at most SLICE_TEXT of ``page_weight``: an indexer of at most ~150 MB, whether
# the notes are short (500 a slice) or long (~480 a slice).
SLICE_TEXT = 3_000_000
PAGE_TEXT_OVERHEAD = 1000  # what a page costs the indexer beyond its text, in characters of text


def page_weight(html_length: int) -> int:
    """What a page of ``html_length`` characters of HTML counts against a slice's SLICE_TEXT."""
    return html_length + PAGE_TEXT_OVERHEAD


SLICES_FILE = "paperkb-slices.json"
# What the search page needs from Pagefind's output; its own UIs are not shipped.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_SLICE_NAME = re.compile(r"^\d+$")


def page_address(url: str) -> str:
    """The address Pagefind gives a page's results: the site path of its MkDocs URL."""
    return "/" + url.lstrip("/")


@dataclass(frozen=True)
class SliceResult:
    number: int
    pages: int  # pages in its bundle
    failed: list[str]  # Pagefind's message for each page it refused
    kept: bool = field(default=False, compare=False)  # copied from the last build (KeptSlices)
    # The SHA-256 of each file of its bundle as written (name in the bundle -> hex), for
    # KeptSlices.keep; empty when not known.
    files: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def write_slice(language: str, output: Path, number: int, pages: Iterable[tuple[str, str]],
                foreground: Foreground = IDLE) -> SliceResult:
    """Index ``pages`` (MkDocs URL, search document) with one Pagefind process and write their
    bundle into ``output/<number>`` (the site's ``pagefind`` folder), replacing the slice's old one.
    ``foreground``: `serve`'s updates, which the indexing steps aside for (core/foreground.py)."""
    staging = output / f"{number}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    service = PagefindService(language, foreground)
    try:
        for url, html in pages:
            foreground.wait_turn()
            service.add(page_address(url), html)
        foreground.wait_turn()
        count = service.write(staging, leave_out=_UNUSED)
        files = service.written
        for name in mend_filter_only_search(staging):  # (no index chunks for a search with filters and no words)
            files[name] = file_sha256(staging / name)
    except BaseException:
        service.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = output / str(number)
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return SliceResult(number, count, service.failed, files=files)


def write_slices_file(output: Path, slices: list[int]) -> None:
    """Name the bundles the browser loads (``slices``, in order) and remove the folders of
    slices that are no longer there (pages deleted while serving, an earlier `--dirty` build)."""
    output.mkdir(parents=True, exist_ok=True)
    names = [str(n) for n in sorted(slices)]
    for folder in output.iterdir():
        if folder.is_dir() and _SLICE_NAME.match(folder.name.removesuffix(".tmp")) and (
                folder.name not in names):
            shutil.rmtree(folder, ignore_errors=True)
    part = output / (SLICES_FILE + ".part")  # (`serve`: a reader loading meanwhile gets the old list or the new)
    part.write_text(json.dumps({"slices": names}), encoding="utf-8")
    os.replace(part, output / SLICES_FILE)


KEPT_FORMAT = "paperkb-kept-slice-1"  # change when what a kept bundle holds changes


def _link_or_copy(source: str | os.PathLike[str], target: Path) -> None:
    """``target`` as a hard link to ``source``; a copy where the file system has no links
    (or the two are on different ones)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class KeptSlices:
    """The bundles of the last full build's slices in a cache folder: ``<number>/`` (the
    bundle's files) and ``<number>.json`` (signed: the slice's key, its result, each file's
    SHA-256)."""

    def __init__(self, folder: Path, language: str) -> None:
        self.folder = folder
        self.language = language
        self._binary: str | None = None

    def key(self, pages: list[tuple[str, str]], read: Callable[[str], bytes | None],
            made: Mapping[str, bytes] | None = None) -> str | None:
        """What names the bundle of ``pages`` (URL, document name), in order; None when a
        document cannot be ``read`` (Pagefind then reports it). ``made``: the SHA-256 of documents
        this process made itself (by name), which are not read back for it."""
        if self._binary is None:
            executable = pagefind_executable()
            stat = executable.stat()
            # (and paperkb's code: it mends Pagefind's script, core/pagefind_script.py)
            code = repr(code_stamps(Path(__file__).resolve().parent))
            self._binary = f"{executable}\0{stat.st_size}\0{stat.st_mtime_ns}\0{code}"
        digest = hashlib.sha256(f"{KEPT_FORMAT}\0{self.language}\0{self._binary}\0{_UNUSED}".encode("utf-8"))
        for url, name in pages:
            known = made.get(name) if made else None
            if known is None:
                data = read(name)
                if data is None:
                    return None
                known = hashlib.sha256(data).digest()
            digest.update(url.encode("utf-8") + b"\0" + known)
        return digest.hexdigest()

    def _manifest(self, number: int) -> Path:
        return self.folder / f"{number}.json"

    @staticmethod
    def _context(number: int) -> str:
        return f"search slice {number}"

    def restore(self, number: int, key: str, output: Path) -> SliceResult | None:
        """Put the kept bundle named ``key`` into ``output/<number>`` (hard links, as ``keep``
        makes them: copies where the file system has none); None when there is none or any of
        its files is not what the manifest says (nothing is left behind then)."""
        data = read_signed_cache_file(self._manifest(number), self._context(number))
        try:
            manifest = json.loads(data) if data is not None else None
            if not isinstance(manifest, dict) or manifest.get("key") != key:
                return None
            files = dict(manifest["files"])
            result = SliceResult(number, int(manifest["pages"]), [str(m) for m in manifest["failed"]], kept=True)
        except (ValueError, TypeError, KeyError):
            return None
        source = self.folder / str(number)
        staging = output / f"{number}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        folders: set[Path] = set()
        try:
            for name, expected in files.items():
                parts = PurePosixPath(name).parts
                if not parts or name.startswith("/") or ".." in parts:
                    raise ValueError(name)
                kept = source.joinpath(*parts)
                if file_sha256(kept) != expected:
                    raise ValueError(name)
                target = staging.joinpath(*parts)
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                _link_or_copy(kept, target)
        except (OSError, ValueError, TypeError):
            shutil.rmtree(staging, ignore_errors=True)
            return None
        final = output / str(number)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        return result

    def keep(self, number: int, key: str, output: Path, result: SliceResult) -> None:
        """Keep the bundle just written to ``output/<number>`` for the next build; a cache
        folder that cannot be written only costs the next build the indexing.

        Each file is kept as a hard link to the site's (a copy where the file system has none):
        copying a slice's ~500 files cost ~0.1 s of CPU. The manifest holds what each file held
        when kept, so a site file edited in place later (through the link) is noticed by
        ``restore``, which then has Pagefind index the slice again."""
        manifest = self._manifest(number)
        staging = self.folder / f"{number}.tmp"
        final = self.folder / str(number)
        try:
            manifest.unlink(missing_ok=True)  # (no manifest names files that are being replaced)
            shutil.rmtree(staging, ignore_errors=True)
            files: dict[str, str] = {}
            bundle = output / str(number)
            for folder, _folders, names in os.walk(bundle):
                inside = PurePosixPath(Path(folder).relative_to(bundle).as_posix())
                target_folder = staging.joinpath(*inside.parts)
                target_folder.mkdir(parents=True, exist_ok=True)
                for file in names:
                    source = os.path.join(folder, file)
                    name = (inside / file).as_posix()
                    files[name] = result.files.get(name) or file_sha256(source)
                    _link_or_copy(source, target_folder / file)
            shutil.rmtree(final, ignore_errors=True)
            staging.rename(final)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            return
        record = {"key": key, "pages": result.pages, "failed": result.failed, "files": files}
        write_signed_cache_file(manifest, json.dumps(record, sort_keys=True).encode("utf-8"), self._context(number))

    def prune(self, slices: set[int]) -> None:
        """Remove the kept bundles of slices other than ``slices`` (the site has fewer now)."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            name = entry.name.removesuffix(".json").removesuffix(".tmp")
            if _SLICE_NAME.match(name) and int(name) not in slices:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
