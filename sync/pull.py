"""Pull: ticket status back from the tracker into the status history, incrementally.

One ``changed_since(cursor)`` call per page (batched by the adapter), stopping when a page comes
back empty or the cursor stops moving. The cursor is saved after each page, so an interrupted pull
resumes where it stopped and never re-reads everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sync.retry import RetryPolicy
from sync.store.repository import SqlStateStore
from sync.trackers.base import Tracker

log = logging.getLogger(__name__)

MAX_PAGES = 1000


@dataclass(frozen=True)
class PullResult:
    seen: int
    changed: int
    pages: int


def pull(tracker: Tracker, store: SqlStateStore, *, retry: RetryPolicy) -> PullResult:
    cursor = store.cursor()
    seen = changed = pages = 0
    while pages < MAX_PAGES:
        page = retry.retrying()(lambda c=cursor: tracker.changed_since(c, None))
        pages += 1
        for ticket in page.tickets:
            owner = store.owner_of_ticket(ticket.ref.key)
            if owner is None:
                continue  # not ours (or a parent created by a run that crashed before recording it)
            owner_key, kind, _status = owner
            seen += 1
            if kind != "item":
                continue
            if store.record_status(owner_key, ticket.ref.key, ticket.status, ticket.status_raw, ticket.updated_at):
                changed += 1
                log.info("%s is now %s (%s)", ticket.ref.key, ticket.status.value, owner_key)
        store.set_cursor(page.next_cursor)
        cursor = page.next_cursor
        if not page.more:
            break
    return PullResult(seen=seen, changed=changed, pages=pages)
