"""The one way importers write files: never overwrite, honour dry-run, remember every outcome."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from ..core.problems import display_path


class Outcome(str, Enum):
    CREATED = "created"
    WOULD_CREATE = "would create"
    UNCHANGED = "unchanged"  # the file exists with exactly the text we would write
    EXISTS = "exists"  # the file exists with other text: left alone
    UPDATED = "updated"  # paperkb's own state file, rewritten (never a user's file)
    WOULD_UPDATE = "would update"


@dataclass(frozen=True)
class WriteResult:
    path: Path
    outcome: Outcome

    @property
    def skipped(self) -> bool:
        return self.outcome in (Outcome.UNCHANGED, Outcome.EXISTS)

    @property
    def skip_reason(self) -> str:
        return "exists, unchanged" if self.outcome is Outcome.UNCHANGED else "exists with other text, kept"


@dataclass
class SafeWriter:
    """Creates files with ``open(path, "x")``: an existing file (even one created meanwhile) is never
    replaced; it is reported as unchanged (same text) or skipped (other text)."""

    dry_run: bool = False
    root: Path | None = None  # paths in messages are shown relative to this
    results: list[WriteResult] = field(default_factory=list)
    _planned: set[Path] = field(default_factory=set)

    def write(self, path: Path, text: str) -> WriteResult:
        path = Path(path)
        resolved = path.resolve()
        if path.exists() or resolved in self._planned:
            outcome = Outcome.UNCHANGED if path.is_file() and _same_text(path, text) else Outcome.EXISTS
            if resolved in self._planned and not path.exists():
                outcome = Outcome.EXISTS  # planned earlier in this dry run
            return self._record(path, outcome)
        if self.dry_run:
            self._planned.add(resolved)
            return self._record(path, Outcome.WOULD_CREATE)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:  # created by someone else between the check and the write
            return self._record(path, Outcome.UNCHANGED if _same_text(path, text) else Outcome.EXISTS)
        self._planned.add(resolved)
        return self._record(path, Outcome.CREATED)

    def replace(self, path: Path, text: str) -> WriteResult:
        """Rewrite ``path``: only for paperkb's own state files, or a user's file when the user asked
        for it with an explicit flag. Atomic (through a temporary file): a crash leaves the old or
        the new text, never half of one."""
        path = Path(path)
        if path.is_file() and _same_text(path, text):
            return self._record(path, Outcome.UNCHANGED)
        if not path.exists():
            return self.write(path, text)
        if self.dry_run:
            return self._record(path, Outcome.WOULD_UPDATE)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
        return self._record(path, Outcome.UPDATED)

    def _record(self, path: Path, outcome: Outcome) -> WriteResult:
        result = WriteResult(path, outcome)
        self.results.append(result)
        return result

    def show(self, path: Path) -> str:
        return display_path(Path(path), self.root)

    def count(self, *outcomes: Outcome) -> int:
        return sum(r.outcome in outcomes for r in self.results)

    @property
    def created(self) -> list[WriteResult]:
        return [r for r in self.results if r.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE)]

    @property
    def skipped(self) -> list[WriteResult]:
        return [r for r in self.results if r.skipped]


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8-sig") == text
    except (OSError, UnicodeDecodeError):
        return False


# -- YAML front-matter ---------------------------------------------------------------------------
class _FrontMatterDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: ~10x faster
    """Block style, user strings kept exactly: multi-line strings as literal blocks when YAML can
    hold them that way, otherwise quoted (the emitter picks quoting that round-trips)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _PythonFrontMatterDumper(yaml.SafeDumper):
    """The same in PyYAML's own emitter, which writes characters beyond the Basic Multilingual
    Plane (emoji: 🔥) as they are; libyaml's escapes them ("\\U0001F525")."""


for _dumper in (_FrontMatterDumper, _PythonFrontMatterDumper):
    _dumper.add_representer(str, _represent_str)


def dump_yaml(data: Mapping[str, Any]) -> str:
    options = dict(allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)
    text = yaml.dump(dict(data), Dumper=_FrontMatterDumper, **options)
    if "\\U" in text:  # an escaped emoji, or a user's own backslash-U: the Python emitter keeps both right
        text = yaml.dump(dict(data), Dumper=_PythonFrontMatterDumper, **options)
    return text


def markdown_file(front: Mapping[str, Any], body: str) -> str:
    """A Markdown file: ``---`` YAML front-matter ``---``, a blank line, the body, one final newline."""
    text = f"---\n{dump_yaml(front)}---\n"
    body = body.strip("\n")
    return f"{text}\n{body}\n" if body else text
