"""Moments are stored as instants on both backends, whatever zone their datetime carries.

SQLite has no time zone type: SQLAlchemy writes an aware datetime's wall time and drops the
offset, and pmsync reads naive values back as UTC. A time from Jira (``+0200``) or a clock in
another zone was therefore shifted by its offset: status history off by hours, and an intent's
attempt time moved back so that the search-lag bound "passed" early (a lookup miss then taken as
proof of absence: a duplicate ticket)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from sync.core.tickets import TicketKind
from sync.store.repository import IntentClaim, SqlStateStore
from sync.store.write_ledger import SqlWriteLedger

INSTANT = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
WEST = dt.timezone(dt.timedelta(hours=-5))
EAST = dt.timezone(dt.timedelta(hours=2))


def test_an_intent_attempt_time_keeps_its_instant_with_a_clock_in_another_zone(engine: Engine) -> None:
    store = SqlStateStore(engine, "local", clock=lambda: INSTANT.astimezone(WEST))
    outcome = store.claim_intents([IntentClaim("INC-1#1", TicketKind.ITEM.value, "pmsync:INC-1#1")], "run-1")
    assert outcome.claimed == ["INC-1#1"]
    (row,) = store.intents()
    assert row.attempted_at == INSTANT
    assert row.attempted_at.utcoffset() == dt.timedelta(0)


def test_write_ledger_times_keep_their_instant_and_filter_by_instant(engine: Engine) -> None:
    ledger = SqlWriteLedger(engine, "api.github.com")
    ledger.record(INSTANT.astimezone(EAST))
    assert list(ledger.recent(INSTANT - dt.timedelta(minutes=1))) == [INSTANT]
    # 00:30 UTC written as 02:30+02:00 is after 00:10 UTC, and before 00:40 UTC.
    ledger.record((INSTANT + dt.timedelta(minutes=30)).astimezone(EAST))
    assert list(ledger.recent((INSTANT + dt.timedelta(minutes=10)).astimezone(WEST))) == [
        INSTANT + dt.timedelta(minutes=30)
    ]
    assert list(ledger.recent(INSTANT + dt.timedelta(minutes=40))) == []
