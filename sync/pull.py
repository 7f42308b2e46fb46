"""Pull: ticket status back from the tracker into the status history, incrementally.

Per tracker scope (project / repository: routing may send incidents to several), one
``changed_since(cursor, scope)`` call per page until the adapter says no more pages follow. The
cursor is opaque and owned by the adapter; it is saved after each page, so an interrupted pull
resumes where it stopped. Each page is recorded in one transaction. Tickets are matched to items
by their immutable id (a Jira issue moved to another project keeps it), and history appends are
idempotent, so re-delivered tickets are harmless.
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
    seen = changed = pages = 0
    scopes = [None] if tracker.capabilities.pull_spans_scopes else store.scopes()
    for scope in scopes:
        cursor = store.cursor(scope)
        for _ in range(MAX_PAGES):
            page = retry.retrying()(lambda c=cursor, s=scope: tracker.changed_since(c, s))
            pages += 1
            for observed in store.observe_page(page.tickets):
                seen += 1
                if observed.changed:
                    changed += 1
                    ticket = observed.ticket
                    log.info("%s is now %s (%s)", ticket.ref.key, ticket.status.value, observed.owner_key)
            store.set_cursor(page.next_cursor, scope)
            cursor = page.next_cursor
            if not page.more:
                break
    return PullResult(seen=seen, changed=changed, pages=pages)
