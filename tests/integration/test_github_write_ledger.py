"""The write ledger in the state store: shared by processes, kept for an hour, per budget."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from sync.store.tables import tracker_writes
from sync.store.write_ledger import SqlWriteLedger

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def test_two_ledgers_on_one_database_see_each_other(engine: Engine) -> None:
    first = SqlWriteLedger(engine, "github:https://api.github.com")
    second = SqlWriteLedger(engine, "github:https://api.github.com")
    other_host = SqlWriteLedger(engine, "github:https://ghe.example.com/api/v3")
    first.record(T0)
    second.record(T0 + dt.timedelta(seconds=1))
    other_host.record(T0)
    assert first.recent(T0) == [T0, T0 + dt.timedelta(seconds=1)]
    assert all(t.tzinfo is not None for t in second.recent(T0))
    assert other_host.recent(T0) == [T0]


def test_rows_older_than_an_hour_are_dropped(engine: Engine) -> None:
    ledger = SqlWriteLedger(engine, "github:x")
    ledger.record(T0)
    ledger.record(T0 + dt.timedelta(hours=2))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tracker_writes)).scalar_one() == 1
    assert ledger.recent(T0 - dt.timedelta(days=1)) == [T0 + dt.timedelta(hours=2)]
