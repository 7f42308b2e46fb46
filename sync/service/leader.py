"""One leader among the replicas: only the leader runs scheduled jobs; every replica serves health,
metrics and webhooks.

- **PostgreSQL:** a session-level advisory lock held on a dedicated connection. It dies with the
  connection, so when the leader's process dies (or its network does), the server releases it and
  the next follower to ask — followers ask every ``lease_seconds`` — takes over. The leader checks
  its connection before each round; if it is gone, so is the lock, and it steps down.
- **SQLite:** an ``flock`` on ``<db>.leader.lock`` (one machine; released when the process dies).
- An in-memory database is private to one process, which is therefore the leader.

Leadership is not the only guard: each job slot is claimed in the database before it runs
(:class:`~sync.store.service_store.SlotLedger`), so even two leaders for a moment (a partitioned
old leader finishing its job) cannot run one slot twice.

**Fencing.** :meth:`Leadership.held` confirms the lock *now* (on PostgreSQL: the leader session
still holds the advisory lock, the run lock's own check), without taking it. The service puts it
before every tracker call of a job (a :class:`~sync.store.lock.RunLock` fence, as apply does with
the run lock) and reads it for ``pmsync_leader`` at each scrape, so a replica that lost its lock
makes no further tracker call and reports 0 at once; the server grants the lock to one session
at a time, hence 1 on at most one replica.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text

from sync.store.lock import advisory_key, advisory_lock_held, file_lock_held

log = logging.getLogger(__name__)

LEADER_LOCK = "service-leader"


class Leadership(Protocol):
    """Try to be (or stay) the leader."""

    def check(self) -> bool:
        """Whether this replica leads now; acquires leadership when it is free."""
        ...

    def held(self) -> bool:
        """Whether this replica holds leadership at this instant (never acquires; thread-safe)."""
        ...

    def release(self) -> None:
        """Give leadership up (on stop), so a follower takes over at once."""
        ...


class PgLeadership:
    """Leadership as a PostgreSQL advisory lock on a connection of its own."""

    def __init__(self, engine: Engine, name: str = LEADER_LOCK) -> None:
        self.engine = engine
        self.name = name
        self.key: int | None = None  # known after the first check (it depends on the schema)
        self._conn: Connection | None = None
        # The connection is shared by the schedule loop, the job fence and metrics scrapes.
        self._guard = threading.Lock()

    def held(self) -> bool:
        # A scrape must not wait behind a slow (re)connect: not confirmed in time is not held.
        if not self._guard.acquire(timeout=1.0):
            return False
        try:
            return self._confirmed()
        finally:
            self._guard.release()

    def _confirmed(self) -> bool:
        if self._conn is None or self.key is None:
            return False
        try:
            return advisory_lock_held(self._conn, self.key)
        except Exception:  # the session (and with it the lock) is gone
            return False

    def check(self) -> bool:
        with self._guard:
            return self._check()

    def _check(self) -> bool:
        if self._conn is not None:
            if self._confirmed():
                return True
            log.warning("lost the leader lock: its session ended or no longer holds it")
            self._discard()
        try:
            conn = self.engine.connect()
        except Exception:
            log.warning("cannot reach the database to elect a leader", exc_info=True)
            return False
        try:
            self.key = advisory_key(conn, self.name)  # per schema, like the run lock's
            held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar_one())
            conn.commit()
        except Exception:
            log.warning("leader election query failed", exc_info=True)
            conn.close()
            return False
        if not held:
            conn.close()
            return False
        self._conn = conn
        log.info("this replica is now the scheduler leader")
        return True

    def release(self) -> None:
        with self._guard:
            self._release()

    def _release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._conn.commit()
        except Exception:  # closing the connection releases the lock anyway
            log.debug("advisory unlock failed", exc_info=True)
        self._discard()

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                # A pooled connection would keep the session (and the lock) alive: close it for real.
                conn.invalidate()
                conn.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)


class FileLeadership:
    """Leadership as an ``flock`` on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def check(self) -> bool:
        if self._fd is not None:
            if self.held():
                return True
            log.warning("lost the leader lock: %s was removed or replaced", self.path)
            self.release()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        log.info("this replica is now the scheduler leader")
        return True

    def held(self) -> bool:
        fd = self._fd
        try:
            return fd is not None and file_lock_held(fd, self.path)
        except OSError:  # closed meanwhile, or the file was removed
            return False

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class SoleLeadership:
    """A private (in-memory) database has one process: it leads."""

    def check(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        return None


def leadership_for(engine: Engine) -> Leadership:
    """The leader election that fits the state database."""
    if engine.url.get_backend_name() == "postgresql":
        return PgLeadership(engine)
    database = engine.url.database
    if not database or database == ":memory:":
        return SoleLeadership()
    return FileLeadership(Path(f"{database}.leader.lock"))
