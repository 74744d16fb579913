"""Work split between this process and a worker, from both ends: neither waits for the other.

A first build has long runs of independent jobs it needs done before it can go on (parsing
every note, formatting every reference) and a worker process with a core to spare. Every chunk
is offered to the worker in order; this process takes back the chunks the worker has not started,
from the last one, and does them meanwhile, so the two meet wherever the worker's start-up and
the machine's load put them (a fixed share left one of them waiting). What the worker does not
deliver (it died, or there is no worker) is left to the caller's usual path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

Item = TypeVar("Item")
# Runs ``job(*args)`` in a worker process: its Future, or None when there is no worker.
WorkerRun = Callable[..., "Future | None"]
# Chunks offered to a worker, each with its Future (offer_to_worker).
Offered = list[tuple[list[Any], Future]]


def share_with_worker(items: Sequence[Item], chunk_size: int, offer: Callable[[list[Item]], Future | None],
                      here: Callable[[list[Item]], None], take: Callable[[list[Item], Any], None]) -> int:
    """``offer(chunk)`` each chunk to the worker (its Future, None when there is none), ``here(chunk)``
    the chunks this process takes back, then ``take(chunk, result)`` each chunk the worker did.
    Returns how many items this process did itself."""
    return finish_with_worker(offer_to_worker(items, chunk_size, offer), here, take)


def offer_to_worker(items: Sequence[Item], chunk_size: int,
                    offer: Callable[[list[Item]], Future | None]) -> Offered:
    """The first half of ``share_with_worker``: every chunk offered, in order, until ``offer``
    finds no worker. A caller with other work to do meanwhile finishes later (``finish_with_worker``)."""
    offered: Offered = []
    for chunk in (list(items[i:i + chunk_size]) for i in range(0, len(items), chunk_size)):
        future = offer(chunk)
        if future is None:
            break  # no worker (or it broke): the rest is left to the caller
        offered.append((chunk, future))
    return offered


def finish_with_worker(offered: Offered, here: Callable[[list[Item]], None],
                       take: Callable[[list[Item], Any], None]) -> int:
    """The second half of ``share_with_worker``: the chunks the worker has not started are
    done here, from the last one back, the others taken from the worker."""
    done_here = 0
    # Chunks the worker has started (and, the queue being first in first out, every one before
    # them) are its own; the others are cancelled and done here.
    for chunk, future in reversed(offered):
        if not future.cancel():
            break
        here(chunk)
        done_here += len(chunk)
    for chunk, future in offered:
        if future.cancelled():
            continue
        try:
            result = future.result()
        except Exception:  # noqa: BLE001 - a worker that died: its chunks are left to the caller
            continue
        take(chunk, result)
    return done_here
