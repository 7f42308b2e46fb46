"""A run lock so that two ``pmsync sync`` processes never apply at the same time, and holder
leases that say whether the run that wrote an intent is still alive.

The lock dies with its holder — no expiry to wait out after a crash: on PostgreSQL a session-level
advisory lock (released when the connection closes), on SQLite an ``flock`` on a file beside the
database (released when the process exits). A second run waits up to ``timeout`` seconds.

**Fencing.** Holding the lock when the run started is not enough: the PostgreSQL session may be
killed (the lock silently released) or the lock file removed and recreated by an operator. The
``with`` block yields a :class:`RunLock` whose :meth:`RunLock.check` apply calls before every
remote write; it raises :class:`sync.errors.LockLost` when the lock is no longer ours.

**Holder leases** (:func:`holder_lease`, :func:`holder_alive`) use the same mechanism under a
per-run name: an intent written by a run whose lease is still held is "being created right now"
and is left alone, even when the run lock is not used at all.
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

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from sync.errors import LockLost, StateError
from sync.store.boundary import describe_db_error

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


def advisory_key(conn: Connection, name: str) -> int:
    """The PostgreSQL advisory-lock key of ``name`` in this connection's schema: the run lock, the
    holders' leases and the service's leader lock all take theirs here. Advisory locks are per
    database, not per schema: two deployments in two schemas of one database must neither
    serialise on each other's locks nor see each other's holders as alive. Advisory locks take a
    signed 64-bit key: the first 8 bytes of a SHA-256 of ``pmsync:<schema>:<name>``."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one_or_none() or ""
    digest = hashlib.sha256(f"pmsync:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def _database_errors(what: str) -> Iterator[None]:
    """Locks talk to the database directly: their errors leave as :class:`StateError` too."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StateError(f"{what}: {describe_db_error(exc)}", hint="check that [state] url is reachable") from exc


def _busy(name: str, timeout: float) -> StateError:
    return StateError(
        f"another pmsync run holds the {name!r} lock (waited {timeout:.0f}s)",
        hint="wait for it to finish, or raise --lock-timeout",
    )


class RunLock:
    """A held run lock; :meth:`check` is the fence apply calls before each remote write."""

    def __init__(self, name: str, still_held: Callable[[], bool]) -> None:
        self.name = name
        self._still_held = still_held

    def check(self) -> None:
        """Raise :class:`LockLost` unless this process still holds the lock."""
        try:
            held = self._still_held()
        except Exception:  # a dead session or a vanished file: either way, not ours any more
            held = False
        if not held:
            raise LockLost(
                f"this run no longer holds the {self.name!r} lock; stopped before the next tracker write",
                hint="another pmsync run may be working now; run again once it has finished",
            )


NO_LOCK = RunLock("none", lambda: True)
"""The fence of a run that takes no lock (tests racing runs without one; in-memory databases)."""


def advisory_lock_held(conn: Connection, key: int) -> bool:
    """Whether the session of ``conn`` holds the advisory lock ``key`` (the fence of a PostgreSQL
    lock: the run lock's and the service leader's). A killed session raises."""
    held = conn.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid() AND classid::bigint = :hi AND objid::bigint = :lo"
        ),
        # A bigint advisory key is shown as its high and low 32 bits.
        {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF},
    ).scalar_one()
    conn.commit()
    return bool(held)


def file_lock_held(fd: int, path: Path) -> bool:
    """Whether the ``flock`` held on ``fd`` still excludes others: it is ours for as long as the
    descriptor is open, and stops excluding once the file at ``path`` is not the one locked."""
    return os.fstat(fd).st_ino == os.stat(path).st_ino


@contextlib.contextmanager
def run_lock(
    engine: Engine, name: str = "sync", *, timeout: float = 600.0, sleep: Callable[[float], None] = time.sleep
) -> Iterator[RunLock]:
    """Hold the named run lock for the duration of the ``with`` block."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _pg_lock(engine, name, timeout, sleep) as lock:
            yield lock
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield NO_LOCK  # a private in-memory database cannot be shared by two processes
        return
    with _file_lock(Path(f"{database}.lock"), name, timeout, sleep) as lock:
        yield lock


@contextlib.contextmanager
def _pg_lock(engine: Engine, name: str, timeout: float, sleep: Callable[[float], None]) -> Iterator[RunLock]:
    with _database_errors(f"taking the {name!r} lock"):
        conn = engine.connect()
    try:
        with _database_errors(f"taking the {name!r} lock"):
            key = advisory_key(conn, name)
            deadline = time.monotonic() + timeout
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
                conn.rollback()
                if time.monotonic() >= deadline:
                    raise _busy(name, timeout)
                sleep(POLL_SECONDS)
            conn.commit()

        try:
            yield RunLock(name, lambda: advisory_lock_held(conn, key))
        finally:
            with contextlib.suppress(Exception):  # a killed session already released it
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
    finally:
        with contextlib.suppress(Exception):
            conn.close()


@contextlib.contextmanager
def _file_lock(path: Path, name: str, timeout: float, sleep: Callable[[float], None]) -> Iterator[RunLock]:
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
            yield RunLock(name, lambda: file_lock_held(fd, path))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- holder leases ------------------------------------------------------------------------------


@contextlib.contextmanager
def holder_lease(engine: Engine, holder: str) -> Iterator[None]:
    """Hold ``holder``'s liveness lease for the ``with`` block (one per run)."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _database_errors("taking the run's holder lease"):
            conn = engine.connect()
            key = advisory_key(conn, f"holder:{holder}")
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            with contextlib.suppress(Exception):
                conn.close()
        return
    path = _lease_path(engine, holder)
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def holder_alive(engine: Engine, holder: str) -> bool:
    """Whether the run ``holder`` still holds its lease (is alive). A run that died released it."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _database_errors("checking another run's holder lease"), engine.connect() as conn:
            key = advisory_key(conn, f"holder:{holder}")
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one()
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
        return not got
    path = _lease_path(engine, holder)
    if path is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        # A dead run's lease file (it was killed before it could remove it): tidy up.
        with contextlib.suppress(OSError):
            path.unlink()
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _lease_path(engine: Engine, holder: str) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return None  # one process only: every other holder is a dead run of this process's past
    return Path(f"{database}.holder-{holder}.lock")
