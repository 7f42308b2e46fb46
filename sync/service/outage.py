"""Whether the state database is up, as the service last saw it — for ``/healthz``, ``/metrics``,
the webhook worker (which waits while it is down) and the logs (one line when it goes down, one
when it comes back, not one per failed query).

A monitor thread probes it every few seconds; the webhook worker also reports what its own queries
see, so an outage is noticed at the first failed delivery.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database could not be reached, as opposed to a
    query it refused: a connection error is worth retrying, a bug is not."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, OperationalError | InterfaceError | DisconnectionError):
            return True
        if isinstance(seen, SQLAlchemyError) and getattr(seen, "connection_invalidated", False):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class DatabaseStatus:
    """Up or down, and since when (thread-safe)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.up = True  # optimistic until a query says otherwise
        self.since = clock()
        self.error: str | None = None
        self._came_up = threading.Condition()

    def mark(self, up: bool, error: str | None = None) -> None:
        with self._came_up:
            changed = up != self.up
            self.up, self.error = up, (None if up else error)
            if changed:
                self.since = self.clock()
                if up:
                    log.warning("state database reachable again; applying spooled webhook deliveries")
                    self._came_up.notify_all()
                else:
                    log.error("state database unreachable (%s); webhook deliveries are spooled on disk", error)

    def wait_up(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the database to be marked up; whether it is."""
        with self._came_up:
            if not self.up:
                self._came_up.wait(timeout)
            return self.up

    def detail(self) -> dict[str, object]:
        return {"database": "up" if self.up else "down", "database_since": self.since.isoformat(timespec="seconds")}


class DatabaseMonitor:
    """Probes the database every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, probe: Callable[[], str | None], status: DatabaseStatus, interval: float) -> None:
        self.probe = probe  # None when the database answers, else why not
        self.status = status
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pmsync-db-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop probing; waits for a probe in flight, so that no connection outlives the service."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def check(self) -> None:
        error = self.probe()
        self.status.mark(error is None, error)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a monitor must outlive anything a probe does
                log.exception("database probe failed")
