"""SQLite commits without an fsync except where a remote create relies on them (issue 26).

A commit per item with ``synchronous = FULL`` was most of a big run's time. In WAL mode ``NORMAL``
survives a crash of the process (the exactly-once tests kill runs with SIGKILL); only power loss
can undo the last commits. The intent written before a create is sent must survive even that, so
its transaction — and the ones that re-arm it — run with ``FULL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from sync.core.model import Status
from sync.core.tickets import TicketRef
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import IntentClaim, SqlStateStore


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _levels(engine: Engine) -> list[tuple[str, int]]:
    """``(first word of each write statement, synchronous level in force)``, as they execute."""
    seen: list[tuple[str, int]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verb = statement.split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            level = conn.connection.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0]
            table = statement.split()[1 if verb == "UPDATE" else 2]
            seen.append((f"{verb} {table}", level))

    return seen


FULL, NORMAL = 2, 1


def test_intents_are_synced_and_the_rest_is_not(engine: Engine) -> None:
    store = SqlStateStore(engine, "local")
    seen = _levels(engine)
    outcome = store.claim_intents([IntentClaim("INC-1#1", "item", "INC-1#1", then_status=Status.DONE)], "run-a")
    assert outcome.claimed == ["INC-1#1"]
    store.touch_intent("INC-1#1")
    assert store.take_over_intent("INC-1#1", "run-a", "run-b")
    store.record_ticket("INC-1#1", "item", TicketRef("local", "LOC-1"), fields={}, status=Status.OPEN)
    store.record_failure("INC-1#2", 1, "boom")
    by_statement: dict[str, set[int]] = {}
    for statement, level in seen:
        by_statement.setdefault(statement, set()).add(level)
    assert by_statement["INSERT create_intents"] == {FULL}
    assert by_statement["UPDATE create_intents"] == {FULL}
    assert by_statement["INSERT tickets"] == {NORMAL}
    assert by_statement["INSERT item_failures"] == {NORMAL}


def test_a_connection_back_from_a_durable_write_is_normal_again(engine: Engine) -> None:
    store = SqlStateStore(engine, "local")
    store.claim_intents([IntentClaim("INC-1#1", "item", "INC-1#1")], "run-a")
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0] == NORMAL  # type: ignore[union-attr]
