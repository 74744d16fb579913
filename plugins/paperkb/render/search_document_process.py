"""Search documents made by a separate process, so that jieba's dictionary stays out of the build.

Cutting Chinese text into words (render/search_document.py) loads jieba's dictionary: about
60 MB in the process that holds it, for the rest of its life. A full build hands each page's
document parts to a child process instead (one JSON line each, through a pipe); the child makes
the documents, writes them where Pagefind reads them, lists each one's digest in a file, and
ends before Pagefind starts. The build process never loads jieba, and the child works on the
second core while MkDocs renders.

``mkdocs serve`` keeps making documents in its own process (serve.py re-renders a few pages at a
time, and a process at every edit would cost more than the dictionary)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from ..core.pagefind_bundle import write_document
from .search_document import search_document


class DocumentProcessFailed(RuntimeError):
    """The child process could not make every document."""


class DocumentProcess:
    """The child process making search documents; started by the first ``put``."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._made: Path | None = None  # where the child lists (path, made_from, digest) of each document

    def put(self, path: Path, made_from: str, **parts: Any) -> None:
        """Have the document of ``parts`` (``search_document``'s arguments) written to ``path``."""
        if self._child is None:
            handle, name = tempfile.mkstemp(prefix="paperkb-documents-", suffix=".jsonl")
            os.close(handle)
            self._made = Path(name)
            self._child = subprocess.Popen([sys.executable, "-m", __name__, name],
                                           stdin=subprocess.PIPE, text=True, encoding="utf-8")
        assert self._child.stdin is not None
        try:
            self._child.stdin.write(json.dumps({"path": str(path), "made_from": made_from, **parts},
                                               ensure_ascii=False) + "\n")
        except (BrokenPipeError, OSError) as exc:
            raise DocumentProcessFailed(f"the search documents' process ended early ({exc})") from exc

    def finish(self) -> list[tuple[Path, str, str]]:
        """Wait until every document is written (the process ends): each one's path, what it was
        made from and the digest of its bytes; raises if one was not written."""
        child, made, self._child, self._made = self._child, self._made, None, None
        if child is None or made is None:
            return []
        try:
            try:
                if child.stdin is not None:
                    child.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            if child.wait() != 0:
                raise DocumentProcessFailed(f"the search documents' process failed (exit {child.returncode})")
            lines = made.read_text(encoding="utf-8").splitlines()
            return [(Path(p), m, d) for p, m, d in (json.loads(line) for line in lines)]
        finally:
            made.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop the process without waiting for its documents (a failed or interrupted build)."""
        child, made, self._child, self._made = self._child, self._made, None, None
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        if made is not None:
            made.unlink(missing_ok=True)


def main(made_file: str, lines: IO[str] = sys.stdin) -> int:
    with open(made_file, "w", encoding="utf-8") as made:
        for line in lines:
            job = json.loads(line)
            path, made_from = Path(job.pop("path")), job.pop("made_from")
            digest = write_document(path, search_document(**job))
            made.write(json.dumps([str(path), made_from, digest]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
