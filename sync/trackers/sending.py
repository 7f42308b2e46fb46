"""The moment a create leaves pmsync.

A create's lag bound (:attr:`sync.core.tickets.Capabilities.settle_seconds`) counts from when its
request was sent. Only the adapter knows that moment: the pacer may hold the request for a learnt
rate-limit window first, and an adapter may send a second request for some of a batch's drafts.
Apply registers a callback for the batch it creates (:func:`stamping`); the adapter calls
:func:`sending_create` right before each create request goes out, after any wait. Both run on the
thread that creates (apply's own), so the callback may write the state store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

_before_create: ContextVar[Callable[[], None] | None] = ContextVar("pmsync_before_create", default=None)


@contextlib.contextmanager
def stamping(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` whenever a create request of this block is about to be sent."""
    token = _before_create.set(callback)
    try:
        yield
    finally:
        _before_create.reset(token)


def sending_create() -> None:
    """Called by an adapter right before it sends a create request."""
    callback = _before_create.get()
    if callback is not None:
        callback()
