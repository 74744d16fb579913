"""Read .bib files with bibtexparser (v2): entries with their lines, and every broken block
reported as ``path:line: message`` while the valid entries of the file are still used."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model as bpm
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.middlewares import RemoveEnclosingMiddleware

from ..problems import Problem, ProblemLog, Severity
from ..symlinks import LinkGuard
from ..text_encoding import decode_utf16, utf16_variant
from .entry import BibEntry, BibField, Source


@dataclass
class BibFile:
    path: Path
    shown_as: str
    entries: list[BibEntry]
    problems: list[Problem]


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs broken blocks itself; paperkb reports them with file and line instead."""
    logger = logging.getLogger("bibtexparser")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


def _decode(raw: bytes, log: ProblemLog) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        variant = utf16_variant(raw)
        if variant:
            log.warning(1, f"file is {variant}, not UTF-8; read it as {variant} — save it as UTF-8")
            return decode_utf16(raw)
        line = raw.count(b"\n", 0, exc.start) + 1
        log.warning(line, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); read it as Latin-1 — save it as UTF-8")
        return raw.decode("latin-1")


def _line_at(text: str, index: int | None) -> int | None:
    return None if index is None else text.count("\n", 0, index) + 1


def _to_entry(block: bpm.Entry, shown_as: str) -> BibEntry:
    fields = tuple(
        BibField(f.key.lower(), f.value if isinstance(f.value, str) else str(f.value),
                 f.enclosing if f.enclosing == "no-enclosing" else None,
                 (f.start_line + 1) if f.start_line is not None else 0)
        for f in block.fields
    )
    return BibEntry(block.key, block.entry_type.lower(), fields, Source(shown_as, (block.start_line or 0) + 1))


def parse_bib_text(text: str, shown_as: str) -> tuple[list[BibEntry], list[Problem]]:
    log = ProblemLog(shown_as)
    try:
        with _quiet_bibtexparser():
            library = bibtexparser.parse_string(text)
    except Exception as exc:  # a bibtexparser bug must not stop the build: report the file
        log.error(1, f"could not read this BibTeX file: {exc}")
        return [], log.problems

    entries: list[BibEntry] = []
    seen: dict[str, BibEntry] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bpm.Entry):
            entry = _to_entry(block, shown_as)
        elif isinstance(block, bpm.DuplicateFieldKeyBlock):
            # Middlewares skip failed blocks: take the enclosing braces off here; BibEntry keeps the first value.
            raw_entry = RemoveEnclosingMiddleware().transform_entry(block.ignore_error_block, library)
            entry = _to_entry(raw_entry, shown_as)
            fields = ", ".join(sorted(block.duplicate_keys))
            log.warning(line, f"entry '{entry.key}' sets {fields} more than once; the first value is used")
        elif isinstance(block, bpm.DuplicateBlockKeyBlock):
            first = seen.get(block.key)
            where = f" (first defined on line {first.source.line})" if first and first.source else ""
            log.warning(line, f"duplicate BibTeX key '{block.key}'{where}; this entry is ignored")
            continue
        elif isinstance(block, bpm.ParsingFailedBlock):
            error = block.error
            if isinstance(error, BlockAbortedException):
                end = _line_at(text, error.end_index)
                until = f" (the entry stops being valid before line {end})" if end and end > line else ""
                reason = " ".join(error.abort_reason.split())
                log.error(line, f"broken BibTeX entry, skipped: {reason}{until}")
            else:
                log.error(line, f"broken BibTeX entry, skipped: {' '.join(str(error).split())}")
            continue
        else:
            continue  # @string (already substituted), @preamble, @comment, plain comments
        if not entry.key:
            log.error(line, f"@{entry.entry_type} entry has no key; skipped")
            continue
        seen[entry.key] = entry
        entries.append(entry)
    return entries, log.problems


@dataclass
class _CachedFile:
    stamp: tuple[int, int]
    parsed: BibFile


@dataclass
class BibFileCache:
    """Parsed .bib files by path and (mtime, size): `mkdocs serve` re-reads only what changed."""

    files: dict[str, _CachedFile] = field(default_factory=dict)

    def read(self, path: Path, shown_as: str) -> BibFile:
        try:
            stat = path.stat()
        except OSError as exc:
            problem = Problem(shown_as, 1, Severity.ERROR, f"cannot read BibTeX file: {exc.strerror or exc}")
            return BibFile(path, shown_as, [], [problem])
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self.files.get(str(path))
        if cached is not None and cached.stamp == stamp and cached.parsed.shown_as == shown_as:
            return cached.parsed
        log = ProblemLog(shown_as)
        text = _decode(path.read_bytes(), log)
        entries, problems = parse_bib_text(text, shown_as)
        parsed = BibFile(path, shown_as, entries, log.problems + problems)
        self.files[str(path)] = _CachedFile(stamp, parsed)
        return parsed


def find_bib_files(folder: Path, guard: LinkGuard | None = None) -> list[Path]:
    """Every .bib file below ``folder`` (hidden folders skipped), in a stable order; symbolic
    links are followed unless ``guard`` blocks them (dangling, looping, leaving ``folder``)."""
    guard = guard or LinkGuard(folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not guard.blocks(Path(dirpath, d)))
        found.extend(Path(dirpath, n) for n in sorted(filenames)
                     if n.endswith(".bib") and not n.startswith(".") and not guard.blocks(Path(dirpath, n)))
    return found


def unique_paths(paths: Sequence[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for path in paths:
        resolved = Path(path).resolve()
        if resolved not in seen:
            seen.add(resolved)
            out.append(Path(path))
    return out
