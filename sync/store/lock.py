"""A run lock so that two ``pmsync sync`` processes never apply at the same time.

The lock dies with its holder — no expiry to wait out after a crash: on PostgreSQL a session-level
advisory lock (released when the connection closes), on SQLite an ``flock`` on a file beside the
database (released when the process exits). A second run waits up to ``timeout`` seconds.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from sync.errors import StateError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


def _lock_id(name: str) -> int:
    # Advisory locks take a signed 64-bit key.
    return int.from_bytes(hashlib.sha256(f"pmsync:{name}".encode()).digest()[:8], "big", signed=True)


def _busy(name: str, timeout: float) -> StateError:
    return StateError(
        f"another pmsync run holds the {name!r} lock (waited {timeout:.0f}s)",
        hint="wait for it to finish, or raise --lock-timeout",
    )


@contextlib.contextmanager
def run_lock(
    engine: Engine, name: str = "sync", *, timeout: float = 600.0, sleep: Callable[[float], None] = time.sleep
) -> Iterator[None]:
    """Hold the named run lock for the duration of the ``with`` block."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _pg_lock(engine, name, timeout, sleep):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a private in-memory database cannot be shared by two processes
        return
    with _file_lock(Path(f"{database}.lock"), name, timeout, sleep):
        yield


@contextlib.contextmanager
def _pg_lock(engine: Engine, name: str, timeout: float, sleep: Callable[[float], None]) -> Iterator[None]:
    key = _lock_id(name)
    with engine.connect() as conn:
        deadline = time.monotonic() + timeout
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            conn.rollback()
            if time.monotonic() >= deadline:
                raise _busy(name, timeout)
            sleep(POLL_SECONDS)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


@contextlib.contextmanager
def _file_lock(path: Path, name: str, timeout: float, sleep: Callable[[float], None]) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(name, timeout) from None
                sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
