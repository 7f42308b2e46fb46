"""``fan_out``: a few independent remote writes in flight at once, their results recorded in order.

Apply's follow-up writes (attaches, transitions, links) and Jira's remote links do not depend on
each other, and at tens of milliseconds per request a thousand of them sent one by one are most
of a big run's time. ``fan_out`` sends them from up to ``limit`` worker threads, while the thread
that called it keeps everything else: it takes the next item only when a slot is free (so what it
reads to prepare an item is fresh), and it records every outcome itself, in the items' order (so
the state store stays single-threaded and a run's log and report read the same each time).

A failed send is that item's outcome, handed to ``record`` like a result: it never stops the
others. Only an exception raised on the calling thread (by ``record`` or while taking the next
item) stops the fan-out: nothing more is sent, the sends in flight are awaited, and the exception
propagates. With ``limit`` 1 everything runs on the calling thread, exactly as a plain loop.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Outcome", "fan_out"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What one send came to: its result, or the exception it raised."""

    value: R | None = None
    error: BaseException | None = None

    def get(self) -> R:
        """The result, or the send's exception raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value] # a send returning None is an R of None


def _run(send: Callable[[T], R], item: T) -> Outcome[R]:
    try:
        return Outcome(value=send(item))
    except Exception as exc:  # the item's outcome, recorded by the caller: never lost in a worker
        return Outcome(error=exc)


def fan_out(
    items: Iterable[T],
    send: Callable[[T], R],
    record: Callable[[T, Outcome[R]], None],
    *,
    limit: int,
    name: str = "pmsync-write",
) -> None:
    """``send(item)`` for each item on up to ``limit`` threads; ``record(item, outcome)`` on the
    calling thread, in the items' order (see the module docstring)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if limit == 1:
        for item in items:
            record(item, _run(send, item))
        return
    queue: collections.deque[tuple[T, Future[Outcome[R]]]] = collections.deque()
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix=name) as pool:
        try:
            for item in items:
                queue.append((item, pool.submit(_run, send, item)))
                _record_done(queue, record)
                while sum(not future.done() for _item, future in queue) >= limit:
                    wait([future for _item, future in queue], return_when=FIRST_COMPLETED)
                    _record_done(queue, record)
            while queue:
                head, future = queue.popleft()
                record(head, future.result())
        finally:
            # A stop on this thread: nothing more is submitted; leaving the ``with`` awaits the
            # sends in flight, so no worker outlives the call.
            for _item, future in queue:
                future.cancel()


def _record_done(
    queue: collections.deque[tuple[T, Future[Outcome[R]]]], record: Callable[[T, Outcome[R]], None]
) -> None:
    """Record the finished sends at the head of the queue: a later one waits for those before it."""
    while queue and queue[0][1].done():
        item, future = queue.popleft()
        record(item, future.result())
