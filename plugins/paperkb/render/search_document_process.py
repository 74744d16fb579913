"""Search documents made by a separate process, so that jieba's dictionary stays out of the build.

Cutting Chinese text into words (render/search_document.py) loads jieba's dictionary: about
60 MB in the process that holds it, for the rest of its life. A full build hands each page's
document parts to a child process instead (one JSON line each, through a pipe); the child makes
the documents, writes them where Pagefind reads them, and ends before Pagefind starts. The
build process never loads jieba, and the child works on the second core while MkDocs renders.

``mkdocs serve`` keeps making documents in its own process (serve.py re-renders a few pages at a
time, and a process at every edit would cost more than the dictionary)."""

from __future__ import annotations

import json
import subprocess
import sys
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
        self._pipe: IO[str] | None = None

    def put(self, path: Path, **parts: Any) -> None:
        """Have the document of ``parts`` (``search_document``'s arguments) written to ``path``."""
        if self._child is None:
            self._child = subprocess.Popen(
                [sys.executable, "-m", __name__], stdin=subprocess.PIPE, text=True, encoding="utf-8")
            self._pipe = self._child.stdin
        assert self._pipe is not None
        try:
            self._pipe.write(json.dumps({"path": str(path), **parts}, ensure_ascii=False) + "\n")
        except (BrokenPipeError, OSError) as exc:
            raise DocumentProcessFailed(f"the search documents' process ended early ({exc})") from exc

    def finish(self) -> None:
        """Wait until every document is written (the process ends); raises if one was not."""
        child, self._child = self._child, None
        if child is None:
            return
        try:
            if child.stdin is not None:
                child.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        if child.wait() != 0:
            raise DocumentProcessFailed(f"the search documents' process failed (exit {child.returncode})")

    def close(self) -> None:
        """Stop the process without waiting for its documents (a failed or interrupted build)."""
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()


def main(lines: IO[str] = sys.stdin) -> int:
    for line in lines:
        job = json.loads(line)
        path = Path(job.pop("path"))
        write_document(path, search_document(**job))
    return 0


if __name__ == "__main__":
    sys.exit(main())
