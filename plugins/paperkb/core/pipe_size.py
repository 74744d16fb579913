"""Pipes to helper processes that hold more than the system's default 64 KB (Linux).

A helper's pipe is read or written by a thread of the build, which needs the GIL for every
system call while the build's main thread runs Python: each call then waits up to the switch
interval (5 ms). With 64 KB pipes a helper blocked on a full pipe for as long as the build's
thread took to empty it in several calls: a diagram worker's parsed notes (~90 KB per 50 notes)
kept it waiting about as long as it had worked (~17 ms a job), and the build blocked writing
to the search documents' process whenever that one was busy."""

from __future__ import annotations

from typing import IO, Any

# 1 MB: the most any user may ask for by default (/proc/sys/fs/pipe-max-size). The kernel
# allocates a pipe's pages as they fill, not when it is widened.
PIPE_SIZE = 1 << 20


def widen_pipe(stream: IO[Any]) -> None:
    """Let ``stream``'s pipe hold PIPE_SIZE bytes where the system allows; else leave it."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit
        pass
