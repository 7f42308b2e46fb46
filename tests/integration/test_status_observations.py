"""Issue 23.3: a lagging search index serves issues as they were. An observation not newer than
the recorded one (by the tracker's change time) never becomes the current status; a fresh one
repairs a record that disagrees with it, even one an older pmsync got wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, update

from sync.core.model import Status
from sync.core.tickets import TicketRef
from sync.store import tables
from sync.store.repository import SqlStateStore
from tests.integration.test_store import TODAY, postmortem, record

T0 = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)


@pytest.fixture
def store(engine: Engine) -> SqlStateStore:
    store = SqlStateStore(engine, "jira")
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A")], seen_on=TODAY)
    store.record_ticket("INC-1#1", "item", TicketRef("jira", "OPS-1", id="10001"), fields={}, status=Status.OPEN)
    return store


def current(store: SqlStateStore) -> Status | None:
    owner = store.owner_of_ticket(TicketRef("jira", "OPS-1", id="10001"))
    assert owner is not None
    return owner[2]


def test_an_older_or_equally_old_observation_never_replaces_the_recorded_status(store: SqlStateStore) -> None:
    later = T0 + dt.timedelta(seconds=5)
    assert store.record_status("INC-1#1", "OPS-1", Status.IN_PROGRESS, "In Progress", later) is True
    # The index's copy from before the transition, then one with the same time stamp.
    assert store.record_status("INC-1#1", "OPS-1", Status.OPEN, "To Do", T0) is False
    assert store.record_status("INC-1#1", "OPS-1", Status.OPEN, "To Do", later) is False
    assert current(store) is Status.IN_PROGRESS
    assert [h.status for h in store.history("INC-1#1")] == [Status.OPEN, Status.IN_PROGRESS]
    # A newer one does.
    assert store.record_status("INC-1#1", "OPS-1", Status.DONE, "Done", later + dt.timedelta(seconds=1)) is True
    assert current(store) is Status.DONE


def test_a_fresh_read_repairs_a_stale_record_an_older_pmsync_made(store: SqlStateStore, engine: Engine) -> None:
    fresh = T0 + dt.timedelta(seconds=5)
    store.record_status("INC-1#1", "OPS-1", Status.IN_PROGRESS, "In Progress", fresh)
    # What an older pmsync did: recorded the index's older copy on top, without a change time.
    with engine.begin() as conn:
        conn.execute(
            update(tables.tickets)
            .where(tables.tickets.c.owner_key == "INC-1#1")
            .values(status="open", status_raw="To Do", status_changed_at=None)
        )
    assert current(store) is Status.OPEN
    # The next pull delivers the issue as it is: already in the history, and still the repair.
    assert store.record_status("INC-1#1", "OPS-1", Status.IN_PROGRESS, "In Progress", fresh) is True
    assert current(store) is Status.IN_PROGRESS
    assert [h.status for h in store.history("INC-1#1")] == [Status.OPEN, Status.IN_PROGRESS], "no duplicate history"


def test_an_observation_without_a_tracker_time_counts_as_now(store: SqlStateStore) -> None:
    store.record_status("INC-1#1", "OPS-1", Status.DONE, "Done", None)
    assert store.record_status("INC-1#1", "OPS-1", Status.OPEN, "To Do", T0) is False
    assert current(store) is Status.DONE


def test_a_pull_page_is_decided_ticket_by_ticket_and_written_in_a_few_statements(
    store: SqlStateStore, engine: Engine
) -> None:
    # Issue 26: three statements per ticket made most of a pull of 10,000 changes.
    from sqlalchemy import event

    from sync.core.tickets import Ticket

    items = [record(f"INC-1#{n}", n, f"item {n}") for n in range(1, 41)]
    store.upsert_incident("INC-1", postmortem(), items, seen_on=TODAY)
    for n in range(2, 41):
        ref = TicketRef("jira", f"OPS-{n}", id=str(10000 + n))
        store.record_ticket(f"INC-1#{n}", "item", ref, fields={}, status=Status.OPEN)
    store.record_status("INC-1#2", "OPS-2", Status.DONE, "Done", T0)  # already pulled: re-delivered below

    def seen(n: int, status: Status, raw: str, at: dt.datetime) -> Ticket:
        return Ticket(TicketRef("jira", f"OPS-{n}", id=str(10000 + n)), f"item {n}", status, raw, at)

    later = T0 + dt.timedelta(minutes=1)
    page = [seen(n, Status.IN_PROGRESS, "In Progress", later) for n in range(1, 41)]
    page[1] = seen(2, Status.DONE, "Done", T0)
    page.append(seen(3, Status.OPEN, "To Do", T0))  # the index's older copy, later in the same page
    page.append(seen(4, Status.DONE, "Done", later + dt.timedelta(seconds=1)))  # and a newer one
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    observed = store.observe_page(page)
    assert len(statements) <= 8, statements
    changed = {o.owner_key for o in observed if o.changed}
    assert changed == {f"INC-1#{n}" for n in range(1, 41)} - {"INC-1#2"}
    assert current(store) is Status.IN_PROGRESS  # OPS-1
    assert [h.status for h in store.history("INC-1#2")] == [Status.OPEN, Status.DONE]
    assert [h.status for h in store.history("INC-1#3")] == [Status.OPEN, Status.IN_PROGRESS]
    assert [h.status for h in store.history("INC-1#4")] == [Status.OPEN, Status.IN_PROGRESS, Status.DONE]
    assert store.owner_of_ticket(TicketRef("jira", "OPS-4", id="10004")) == ("INC-1#4", "item", Status.DONE)
    assert store.owner_of_ticket(TicketRef("jira", "OPS-3", id="10003")) == ("INC-1#3", "item", Status.IN_PROGRESS)
