"""What pmsync last wrote into each document's Status cell, so a person's edit of that cell is seen.

Keyed by ticket (tracker, ticket key), not by item key: a ticket follows its item when rows are
renumbered, and so does the cell that shows its status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import Engine, delete, insert, select

from sync.clock import utc_now
from sync.core.model import Status
from sync.store import tables as t
from sync.store.boundary import state_error_methods

Clock = Callable[[], dt.datetime]


@state_error_methods
class WrittenStatusStore:
    """Read and record the status label last written per ticket, for one tracker."""

    def __init__(self, engine: Engine, tracker: str, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.tracker = tracker
        self.clock = clock

    def last_written(self, ticket_keys: Iterable[str]) -> dict[str, Status]:
        """The status last written for each of ``ticket_keys`` that has one."""
        keys = sorted(set(ticket_keys))
        if not keys:
            return {}
        table = t.written_statuses
        query = select(table.c.ticket_key, table.c.status).where(
            table.c.tracker == self.tracker, table.c.ticket_key.in_(keys)
        )
        with self.engine.connect() as conn:
            return {row.ticket_key: Status(row.status) for row in conn.execute(query)}

    def record(self, written: Mapping[str, Status]) -> None:
        """Remember ``written`` (ticket key → status now shown in its document), in one transaction."""
        if not written:
            return
        table = t.written_statuses
        now = self.clock()
        with self.engine.begin() as conn:
            # Delete then insert: portable across SQLite and PostgreSQL without dialect upserts.
            conn.execute(delete(table).where(table.c.tracker == self.tracker, table.c.ticket_key.in_(sorted(written))))
            conn.execute(
                insert(table),
                [
                    {"tracker": self.tracker, "ticket_key": key, "status": status.value, "written_at": now}
                    for key, status in sorted(written.items())
                ],
            )
