"""One Pagefind indexer: the ``pagefind`` binary in service mode, fed page by page.

The ``pagefind`` package's Python client reads one reply every 0.1 s, so adding pages one at
a time through it would take minutes at 10,000 pages. This client speaks the same protocol to
the same binary (found by the package: ``pagefind[extended]``, or ``PAGEFIND_BINARY_PATH``):
each request is base64 of a JSON message followed by a comma, and so is each reply. Requests go
out without waiting for replies (a thread reads them as they come), so pages stream into the
index as fast as Pagefind takes them; ``write`` waits for every reply, asks for the bundle's
files and writes them itself (Pagefind's own WriteFiles answers before its writes are done, and
a process that ends then leaves files cut short) and ends the process, which gives its memory
back. The index lives in the process's memory only:
one service holds one bundle's pages (core/pagefind_slices.py cuts a site into several)."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import tempfile
import threading
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import Any

from .foreground import IDLE, Foreground
from .whole_file import write_whole


class PagefindUnavailable(RuntimeError):
    """The pagefind package or its binary is missing, or the binary failed."""


def pagefind_executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency of paperkb
        raise PagefindUnavailable(f"the pagefind package is not installed ({exc})") from exc
    executable = get_executable()
    if executable is None:
        raise PagefindUnavailable("no pagefind binary (pip install 'pagefind[extended]')")
    return executable


class PagefindService:
    """A running ``pagefind --service`` with one index in it."""

    def __init__(self, language: str, foreground: Foreground = IDLE) -> None:
        """``foreground``: the process is stopped while it is held (core/foreground.py)."""
        self._errors = tempfile.TemporaryFile()  # the binary's own messages, shown when it fails
        try:
            self._process = subprocess.Popen([str(pagefind_executable()), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise PagefindUnavailable(f"pagefind could not start ({exc})") from exc
        self._foreground = foreground
        foreground.adopt(self._process)
        self._replies: dict[int, dict[str, Any]] = {}
        self._sent = 0
        self._ended = False  # the binary closed its output
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="paperkb-pagefind-replies", daemon=True)
        self._reader.start()
        self.pages = 0  # pages the index holds
        self.failed: list[str] = []  # Pagefind's message for each page it refused
        self.written: dict[str, str] = {}  # each file ``write`` wrote: its name in the bundle -> its SHA-256
        self._index = -1
        try:
            reply = self._wait(self._send({"type": "NewIndex", "config": {"force_language": language}}))
            self._index = int(reply["index_id"])
        except BaseException:
            self.close()
            raise

    def add(self, url: str, html: str) -> None:
        """Add the page at site path ``url`` ("/papers/x/") with the HTML document ``html``."""
        self._send({"type": "AddFile", "index_id": self._index, "url": url, "file_path": None,
                    "file_contents": html})

    def write(self, output: Path, leave_out: Collection[str] = ()) -> int:
        """Wait until every page is in, write the bundle's files (but those named in
        ``leave_out``) into ``output`` and end the process; the number of pages written."""
        try:
            for message_id in range(2, self._sent + 1):  # (1 made the index)
                reply = self._wait(message_id, fail=False)
                if reply.get("type") == "Error":  # one page Pagefind cannot read: the rest go on
                    self.failed.append(str(reply.get("message")))
                else:
                    self.pages += 1
            files = self._wait(self._send({"type": "GetFiles", "index_id": self._index})).get("files", [])
            folders: set[Path] = set()
            files.reverse()
            while files:  # (each file's text let go once written)
                file = files.pop()
                name = str(file["path"])
                parts = PurePosixPath(name).parts
                if name in leave_out:
                    continue
                if not parts or name.startswith("/") or ".." in parts:
                    raise PagefindUnavailable(f"pagefind named a file outside its bundle: {name}")
                path = output.joinpath(*parts)
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                data = base64.b64decode(file["content"])
                write_whole(path, data)
                # (what a kept slice's manifest lists: core/pagefind_slices.KeptSlices, without reading it back)
                self.written[name] = hashlib.sha256(data).hexdigest()
            return self.pages
        finally:
            self.close()

    def close(self) -> None:
        """End the process (its index is dropped unless ``write`` wrote it)."""
        process = self._process
        self._foreground.let_go(process)  # (a stopped process goes on, to end)
        if process.poll() is None:
            try:
                if process.stdin is not None:
                    process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
        self._errors.close()

    # -- the protocol ---------------------------------------------------------------------------------
    def _send(self, payload: dict[str, Any]) -> int:
        self._sent += 1
        message = {"message_id": self._sent, "payload": payload}
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            self._process.stdin.flush()
        except OSError as exc:
            raise PagefindUnavailable(f"pagefind ended early ({exc}){self._stderr()}") from exc
        return self._sent

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        pending: list[bytes] = []  # the start of a reply still coming (the bundle's files: megabytes)
        try:
            while chunk := stream.read1(1 << 16):
                if b"," not in chunk:  # (joined once it is whole, not again at every chunk)
                    pending.append(chunk)
                    continue
                head, _comma, rest = chunk.partition(b",")
                pending.append(head)
                messages = [b"".join(pending)]
                del head  # (the bundle's reply arrives as the indexer is at its largest: one copy at a time)
                pending.clear()
                *more, rest = rest.split(b",")
                messages += more
                pending.append(rest)
                replies = []
                while messages:
                    message = base64.b64decode(messages.pop(0))
                    if message.strip():
                        replies.append(json.loads(message))
                    del message
                with self._cond:
                    for reply in replies:
                        if reply and reply.get("message_id") is not None:
                            self._replies[int(reply["message_id"])] = reply["payload"]
                    self._cond.notify_all()
                del replies
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _wait(self, message_id: int, *, fail: bool = True) -> dict[str, Any]:
        with self._cond:
            self._cond.wait_for(lambda: message_id in self._replies or self._ended)
            reply = self._replies.pop(message_id, None)
        if reply is None:
            raise PagefindUnavailable(f"pagefind ended without a reply{self._stderr()}")
        if fail and reply.get("type") == "Error":
            raise PagefindUnavailable(f"pagefind failed: {reply.get('message')}")
        return reply

    def _stderr(self) -> str:
        try:
            self._errors.seek(0)
            text = self._errors.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f": {text}" if text else ""
