"""A pull page is recorded in one transaction, with the rules of one ticket at a time (issue 26).

Two lookups and a transaction per pulled ticket made a pull of 10,000 changes slower than a naive
client reading every ticket; the page-at-a-time path must match each ticket the same way (by its
immutable id first, following a moved key) and record statuses the same way (stale copies ignored).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, event

from sync.core.model import Status
from sync.core.tickets import Ticket, TicketRef
from sync.store.repository import SqlStateStore

T0 = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def _ticket(key: str, status: Status, minutes: int, *, id: str | None = None) -> Ticket:
    ref = TicketRef("jira", key, url=f"https://example.atlassian.net/browse/{key}", id=id)
    return Ticket(
        ref=ref, title=key, status=status, status_raw=status.value, updated_at=T0 + dt.timedelta(minutes=minutes)
    )


def _commits(engine: Engine) -> list[int]:
    commits: list[int] = []

    @event.listens_for(engine, "commit")
    def _count(_conn: Any) -> None:
        commits.append(1)

    return commits


def test_a_page_is_matched_and_recorded_in_one_transaction(engine: Engine) -> None:
    store = SqlStateStore(engine, "jira")
    store.record_ticket("INC-1", "incident", TicketRef("jira", "OPS-1", id="10001"), fields=None, status=None)
    store.record_ticket("INC-1#1", "item", TicketRef("jira", "OPS-2", id="10002"), fields={}, status=Status.OPEN)
    store.record_ticket("INC-1#2", "item", TicketRef("jira", "OPS-3", id="10003"), fields={}, status=Status.OPEN)
    store.record_ticket("INC-1#3", "item", TicketRef("jira", "OPS-4"), fields={}, status=Status.OPEN)
    commits = _commits(engine)
    page = [
        _ticket("OPS-1", Status.OPEN, 1, id="10001"),  # the parent: seen, never a status change
        _ticket("PAY-7", Status.IN_PROGRESS, 2, id="10002"),  # moved to another project: found by id
        _ticket("OPS-3", Status.DONE, 3, id="10003"),
        _ticket("OPS-4", Status.OPEN, 4),  # same status: seen, not changed
        _ticket("OPS-99", Status.DONE, 5, id="10099"),  # not ours
    ]
    observed = store.observe_page(page)
    assert commits == [1]
    assert [(o.owner_key, o.kind, o.changed) for o in observed] == [
        ("INC-1", "incident", False),
        ("INC-1#1", "item", True),
        ("INC-1#2", "item", True),
        ("INC-1#3", "item", False),
    ]
    assert store.ticket_for("INC-1#1") == TicketRef(
        "jira", "PAY-7", url="https://example.atlassian.net/browse/PAY-7", id="10002"
    )
    assert [(h.item_key, h.status) for h in store.history() if h.ticket_key != "OPS-4"][-2:] == [
        ("INC-1#1", Status.IN_PROGRESS),
        ("INC-1#2", Status.DONE),
    ]
    # A lagging index serves the older copy again: nothing changes, nothing is appended.
    before = len(store.history())
    again = store.observe_page([_ticket("PAY-7", Status.OPEN, 1, id="10002")])
    assert [o.changed for o in again] == [False]
    assert len(store.history()) == before
    assert store.owner_of_ticket(TicketRef("jira", "PAY-7", id="10002")) == ("INC-1#1", "item", Status.IN_PROGRESS)


def test_a_page_bigger_than_one_in_list_is_matched_whole(engine: Engine) -> None:
    store = SqlStateStore(engine, "jira")
    for n in range(1, 2001):
        store.record_ticket(
            f"INC-1#{n}", "item", TicketRef("jira", f"OPS-{n}", id=str(10000 + n)), fields={}, status=Status.OPEN
        )
    observed = store.observe_page([_ticket(f"OPS-{n}", Status.DONE, 1, id=str(10000 + n)) for n in range(1, 2001)])
    assert len(observed) == 2000 and all(o.changed for o in observed)
