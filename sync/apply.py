"""Apply: the only loop that writes to a tracker. Exactly-once by construction (DESIGN.md §4).

For every create: (1) an intent row is committed, (2) the tracker call is made, (3) the ticket ref
is committed and the intent cleared in one transaction. A run that dies after (1) leaves an intent
without a ticket; the next run finds it, searches the tracker for the item's marker and adopts
what it finds before creating anything. The caller holds the run lock (``sync.store.lock``), so
an intent is never "in flight" in another process while we resolve it.

Each action is isolated: a :class:`PmsyncError` is recorded against its item (and persisted for
the next run) and the loop goes on; anything else is a crash and propagates.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from sync.core.model import Status
from sync.core.plan import (
    AdoptTicket,
    CreateTicket,
    EnsureParent,
    LinkTickets,
    Plan,
    RekeyItem,
    ReportRemoved,
    UpdateTicket,
    UpsertIncident,
)
from sync.core.tickets import Marker, TicketDraft, TicketRef
from sync.errors import PmsyncError, TrackerAuthError, TrackerError, TrackerNotFound
from sync.retry import RetryPolicy
from sync.store.repository import SqlStateStore, describe_db_error
from sync.trackers.base import Tracker

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: int = 0
    removed: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


class Applier:
    """Executes one plan against one tracker and the state store."""

    def __init__(self, tracker: Tracker, store: SqlStateStore, *, retry: RetryPolicy, run_id: int) -> None:
        self.tracker = tracker
        self.store = store
        self.retry = retry
        self.run_id = run_id
        self.attempt_id = uuid.uuid4().hex
        self.result = ApplyResult()
        self._auth_failed: str | None = None

    def _call(self, fn: Callable[[], T]) -> T:
        """An idempotent tracker call, retried on rate limits and outages."""
        return self.retry.retrying()(fn)

    def run(self, plan: Plan) -> ApplyResult:
        for action in plan.actions:
            key = _owner_key(action)
            if self._auth_failed and not isinstance(action, UpsertIncident | ReportRemoved | RekeyItem):
                self._fail(key, f"skipped: {self._auth_failed}")
                continue
            try:
                self._dispatch(action)
            except TrackerAuthError as exc:
                # Every further call would fail the same way and could lock the account.
                self._auth_failed = exc.message
                self._fail(key, exc.message)
            except PmsyncError as exc:
                self._fail(key, exc.message)
            except SQLAlchemyError as exc:
                # One item's database trouble must not take the batch down; if the database itself
                # is gone, recording the failure raises and ends the run.
                self._fail(key, f"state database error: {describe_db_error(exc)}")
            else:
                if key and not isinstance(action, UpsertIncident | ReportRemoved):
                    self.store.clear_failure(key)
        return self.result

    def _fail(self, key: str, message: str) -> None:
        log.error("%s: %s", key, message)
        self.result.failures[key] = message
        self.store.record_failure(key, self.run_id, message)

    def _dispatch(self, action: Any) -> None:
        if isinstance(action, UpsertIncident):
            self.store.upsert_incident(action.incident_key, action.postmortem, action.items, seen_on=action.seen_on)
        elif isinstance(action, EnsureParent):
            self._ensure_parent(action)
        elif isinstance(action, CreateTicket):
            self._create(action)
        elif isinstance(action, AdoptTicket):
            self._adopt(action)
        elif isinstance(action, UpdateTicket):
            self._update(action)
        elif isinstance(action, RekeyItem):
            self.store.rekey_item(action.old_key, action.new_key)
            log.info("Renumbered %s -> %s (ticket kept)", action.old_key, action.new_key)
        elif isinstance(action, LinkTickets):
            self._link(action)
        elif isinstance(action, ReportRemoved):
            self.result.removed.append(action.item_key)
            where = f" (ticket {action.ticket.key} left as is)" if action.ticket else ""
            log.warning("%s is no longer in its document%s", action.item_key, where)
        else:  # pragma: no cover - the Action union is closed
            raise TypeError(f"unknown plan action {action!r}")

    # --- exactly-once creation ------------------------------------------------------------

    def _create_once(
        self, owner_key: str, kind: str, marker: Marker, create: Callable[[], TicketRef], fields: Any, status: Status
    ) -> TicketRef:
        existing = self.store.ticket_for(owner_key)
        if existing is not None:
            return existing  # another run (or an earlier action) already did it
        if not self.store.begin_intent(owner_key, self.attempt_id, kind=kind, marker=marker.key):
            found = self._find(marker)
            if found is not None:
                self.store.record_ticket(owner_key, kind, found, fields=fields, status=status, marker=marker.key)
                self.result.recovered.append(owner_key)
                log.info("Recovered %s for %s after an interrupted run", found.key, owner_key)
                return found
        ref = self._create_with_marker_check(marker, create)
        self.store.record_ticket(owner_key, kind, ref, fields=fields, status=status, marker=marker.key)
        return ref

    def _create_with_marker_check(self, marker: Marker, create: Callable[[], TicketRef]) -> TicketRef:
        attempts = 0

        def attempt() -> TicketRef:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                # The failed attempt may have created the ticket before the error reached us.
                found = self._find(marker)
                if found is not None:
                    return found
            return create()

        return self._call(attempt)

    def _find(self, marker: Marker) -> TicketRef | None:
        found = self._call(lambda: self.tracker.find_by_markers([marker])).get(marker, [])
        return found[0] if found else None

    def _create_single(self, draft: TicketDraft) -> TicketRef:
        (result,) = self.tracker.create_many([draft])
        if isinstance(result, TrackerError):
            raise result
        return result

    def _ensure_parent(self, action: EnsureParent) -> None:
        ref = self._create_once(
            action.incident_key,
            "incident",
            action.draft.marker,
            lambda: self._create_single(action.draft),
            None,
            Status.OPEN,
        )
        log.info("Parent %s for incident %s", ref.key, action.incident_key)

    def _create(self, action: CreateTicket) -> None:
        parent = self.store.ticket_for(action.incident_key)
        if parent is None:
            raise TrackerError(
                "the incident's parent ticket could not be created; retried next run",
                tracker=self.tracker.name,
                op="create",
            )
        draft = dataclasses.replace(action.draft, parent=parent)
        before = len(self.result.recovered)
        ref = self._create_once(
            action.item_key,
            "item",
            draft.marker,
            lambda: self._create_single(draft),
            action.fields,
            draft.status,
        )
        if len(self.result.recovered) == before:
            self.result.created.append(action.item_key)
            log.info("Created %s for %s", ref.key, action.item_key)

    def _adopt(self, action: AdoptTicket) -> None:
        try:
            ticket = self._call(lambda: self.tracker.get(action.ref))
        except TrackerNotFound:
            # A typo or a ticket from elsewhere: the item still gets a ticket, and the user hears of it.
            log.warning("%s names %s, which does not exist; creating a ticket instead", action.item_key, action.ref.key)
            self._create(action.fallback)
            return
        self.store.record_ticket(
            action.item_key, "item", ticket.ref, fields=action.fields, status=ticket.status, adopted=True
        )
        self.result.adopted.append(action.item_key)
        log.info("Adopted %s for %s", ticket.ref.key, action.item_key)

    def _update(self, action: UpdateTicket) -> None:
        self._call(lambda: self.tracker.update(action.ref, action.changes))
        self.store.record_synced_fields(action.item_key, action.fields)
        self.result.updated.append(action.item_key)
        changed = action.changes.changed_fields()
        log.info("Updated %s for %s (%s)", action.ref.key, action.item_key, ", ".join(changed))

    def _link(self, action: LinkTickets) -> None:
        a = self.store.ticket_for(action.a_key)
        b = self.store.ticket_for(action.b_key)
        if a is None or b is None or self.store.has_link(a, b):
            return
        self._call(lambda: self.tracker.link(a, b, action.kind))
        if self.store.record_link(a, b):
            self.result.linked += 1


def _owner_key(action: Any) -> str:
    for name in ("item_key", "incident_key", "new_key"):
        value = getattr(action, name, None)
        if isinstance(value, str):
            return value
    if isinstance(action, LinkTickets):
        return f"{action.a_key}~{action.b_key}"
    return ""


def apply_plan(plan: Plan, tracker: Tracker, store: SqlStateStore, *, retry: RetryPolicy, run_id: int) -> ApplyResult:
    """Execute ``plan``; the caller holds the run lock."""
    return Applier(tracker, store, retry=retry, run_id=run_id).run(plan)


def resolve_pending_intents(tracker: Tracker, store: SqlStateStore, *, retry: RetryPolicy) -> list[str]:
    """Settle creates an earlier run may have made before dying (DESIGN.md §4), before planning:
    a ticket carrying the intent's marker is recorded for its owner, an intent with none is
    dropped. Runs under the run lock, so no intent here is in flight elsewhere."""
    recovered: list[str] = []
    for owner_key, kind, marker in store.pending_intent_rows():
        matches = retry.retrying()(lambda m=marker: tracker.find_by_markers([Marker(m)]))
        found = next(iter(matches.values()), [None])[0] if any(matches.values()) else None
        if found is None:
            store.drop_intent(owner_key)
            continue
        try:
            store.record_ticket(owner_key, kind, found, fields=None, status=None, marker=marker)
        except PmsyncError as exc:
            log.error("%s: %s", owner_key, exc.message)
            store.drop_intent(owner_key)
            continue
        recovered.append(owner_key)
        log.info("Recovered %s for %s after an interrupted run", found.key, owner_key)
    return recovered
