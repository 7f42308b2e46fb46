"""The state store's record of recent tracker writes (GitHub's secondary limits span runs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine, delete, insert, select

from sync.store.tables import tracker_writes

_KEEP = dt.timedelta(hours=1)


class SqlWriteLedger:
    """:class:`sync.trackers.github_pacing.WriteLedger` over the ``tracker_writes`` table.

    Every process writing through the same ``budget`` key (one per API host) sees the others'
    writes, so two runs in a row, or a restarted service, share one minute/hour window."""

    def __init__(self, engine: Engine, budget: str) -> None:
        self._engine = engine
        self._budget = budget

    @classmethod
    def for_github(cls, engine: Engine, api_url: str) -> SqlWriteLedger:
        """The ledger of one GitHub host: the tracker and the write-back pull request share it, as
        GitHub counts their writes against one token's windows."""
        return cls(engine, f"github:{api_url}")

    def recent(self, since: dt.datetime) -> Sequence[dt.datetime]:
        query = (
            select(tracker_writes.c.at)
            .where(tracker_writes.c.budget == self._budget, tracker_writes.c.at >= since)
            .order_by(tracker_writes.c.at)
        )
        with self._engine.connect() as conn:
            return [_aware(at) for at in conn.execute(query).scalars()]

    def record(self, at: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(insert(tracker_writes).values(budget=self._budget, at=at))
            conn.execute(
                delete(tracker_writes).where(tracker_writes.c.budget == self._budget, tracker_writes.c.at < at - _KEEP)
            )


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands naive datetimes back; everything pmsync stores is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
