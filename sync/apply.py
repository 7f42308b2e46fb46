"""Apply: the loop that carries a plan's writes (creates, updates, links, transitions) to the tracker. Exactly-once
by construction (docs/architecture.md, "Exactly once"). The other tracker writes are single recorded calls: write-back's
status push (:mod:`sync.pipeline`), repeat-incident links (:mod:`sync.repeat_links`), comments (:mod:`sync.publish`).

Creates (items and incident parents alike) go in batches of ``capabilities.max_batch``:

1. the whole batch's intents are committed in one transaction, as this run (the *holder*);
2. one ``create_many`` call is made (the run lock is checked first: fencing);
3. each element's ref is recorded and its intent cleared in one transaction; a failed element is
   retried alone — after a marker lookup when the failure was ambiguous (a time-out may have
   created the ticket).

An intent that is already there when we come to create is *held*: by a live run (someone is
creating it right now: skip and report), or by a dead one (settle it by marker lookup). A lookup
miss proves absence only on a consistent backend or once the backend's lag bound has passed since
the create was attempted; until then the item is **pending** — reported, never created again.
Lookups return every match: the oldest ticket is kept, the others are reported as duplicates.

Updates carry deltas. For every field pmsync writes, the store keeps the value it wrote; a field
a person changed in the tracker since then is left alone and reported as a conflict.

The follow-up phases (attaches, transitions, links: independent of each other) go through
:func:`sync.fanout.fan_out`, ``capabilities.parallel_writes`` at a time: workers only send,
this thread prepares each write and records each outcome in the plan's order, so the store is
used from one thread (docs/architecture.md, "Follow-up writes in parallel").

Each action is isolated: a :class:`PmsyncError` is recorded against its item (and persisted for
the next run) and the loop goes on; :class:`RunStopped` (the run lock was lost, or a rate-limit
wait would pass the run's budget) ends the loop cleanly with everything so far recorded; anything
else is a crash and propagates. One INFO audit line per remote write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, assert_never

from sync.clock import Clock, utc_now
from sync.core.bodies import with_kept_due
from sync.core.plan import (
    Action,
    AdoptTicket,
    AttachToParent,
    CreateTicket,
    EnsureParent,
    LinkTickets,
    Plan,
    RekeyItem,
    ReportRemoved,
    TransitionTicket,
    UpdateTicket,
    UpsertIncident,
)
from sync.core.tickets import (
    MARKER_LABEL_PREFIX,
    Capabilities,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.errors import (
    PmsyncError,
    RateLimited,
    RunStopped,
    StateError,
    TrackerAuthError,
    TrackerError,
    TrackerNotFound,
    TrackerUnavailable,
    WorkflowBlocked,
)
from sync.fanout import Outcome, fan_out
from sync.retry import RetryPolicy
from sync.store.repository import IntentClaim, IntentRow, NewTicket, SqlStateStore
from sync.trackers.base import CreateResult, Tracker
from sync.trackers.sending import stamping

log = logging.getLogger(__name__)
T = TypeVar("T")

Creation = EnsureParent | CreateTicket
FollowUp = LinkTickets | AttachToParent | TransitionTicket
StateOnly = (UpsertIncident, ReportRemoved, RekeyItem)


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: int = 0
    attached: int = 0
    transitioned: int = 0
    removed: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    stopped: str | None = None


def _never(_holder: str) -> bool:
    return False


class IntentSettler:
    """Settles intents a run finds already written: by lookup, within the lag rule."""

    def __init__(
        self,
        tracker: Tracker,
        store: SqlStateStore,
        result: ApplyResult,
        *,
        retry: RetryPolicy,
        holder: str,
        is_alive: Callable[[str], bool],
        clock: Clock,
    ) -> None:
        self.tracker = tracker
        self.store = store
        self.result = result
        self.retry = retry
        self.holder = holder
        self.is_alive = is_alive
        self.clock = clock

    @property
    def caps(self) -> Capabilities:
        return self.tracker.capabilities

    def lookup(self, owner_key: str, marker: Marker) -> TicketRef | None:
        """The oldest ticket carrying ``marker``; any others are reported as duplicates."""
        found = self.retry.retrying()(lambda: self.tracker.find_by_markers([marker])).get(marker, [])
        if not found:
            return None
        kept, *others = found
        if others:
            message = (
                f"{owner_key}: {', '.join(ref.key for ref in others)} also carry marker {marker.key}; "
                f"kept the oldest, {kept.key}"
            )
            self.result.duplicates.append(message)
            log.warning("Duplicate tickets for %s", message)
        return kept

    def bound_passed(self, attempted_at: dt.datetime) -> bool:
        """Whether a lookup miss now proves the create never happened."""
        if self.caps.consistent_lookup:
            return True
        return self.clock() - attempted_at >= dt.timedelta(seconds=self.caps.settle_seconds)

    def pending(self, owner_key: str, why: str) -> None:
        self.result.pending[owner_key] = why
        log.warning("%s is pending: %s", owner_key, why)

    def recover(self, row: IntentRow, ref: TicketRef, fields: Mapping[str, Any] | None) -> None:
        """Record a ticket found for an intent, with its current status at once (so a pull that
        ran between the crash and now cannot leave it without status or history)."""
        ticket = self.retry.retrying()(lambda: self.tracker.get(ref))
        attached = None
        if row.kind == TicketKind.ITEM.value and self.caps.native_parent:
            attached = ticket.parent is not None
        then = row.then_status if row.then_status is not None and row.then_status is not ticket.status else None
        self.store.record_ticket(
            row.owner_key,
            row.kind,
            ticket.ref,
            fields=fields,
            status=None,
            marker=row.marker,
            scope=ticket.scope,
            attached=attached,
            pending_status=then,
        )
        if row.kind == TicketKind.ITEM.value:
            self.store.record_status(row.owner_key, ticket.ref.key, ticket.status, ticket.status_raw, ticket.updated_at)
        self.result.recovered.append(row.owner_key)
        log.info("Recovered %s for %s (created by an interrupted attempt)", ticket.ref.key, row.owner_key)

    def settle(self, row: IntentRow, fields: Mapping[str, Any] | None = None) -> bool:
        """Settle a held intent. True when the create provably never happened and the intent is
        now this run's (the caller may create); False when recorded, pending or skipped."""
        if row.holder != self.holder and self.is_alive(row.holder):
            self.pending(row.owner_key, "another pmsync run is creating its ticket right now")
            return False
        ref = self.lookup(row.owner_key, Marker(row.marker))
        if ref is not None:
            self.recover(row, ref, fields)
            return False
        if not self.bound_passed(row.attempted_at):
            resume = row.attempted_at + dt.timedelta(seconds=self.caps.settle_seconds)
            self.pending(
                row.owner_key,
                "a create may have happened and the tracker's search lags behind creates; "
                f"confirmed (or retried) by a run after {resume.isoformat(timespec='seconds')}",
            )
            return False
        if row.holder == self.holder:
            return True
        if self.store.take_over_intent(row.owner_key, row.holder, self.holder):
            return True
        self.pending(row.owner_key, "another pmsync run took over its create")
        return False


class Applier:
    """Executes one plan against one tracker and the state store."""

    def __init__(
        self,
        tracker: Tracker,
        store: SqlStateStore,
        *,
        retry: RetryPolicy,
        run_id: int,
        holder: str,
        fence: Callable[[], None] = lambda: None,
        is_alive: Callable[[str], bool] = _never,
        clock: Clock = utc_now,
    ) -> None:
        self.tracker = tracker
        self.store = store
        self.retry = retry
        self.run_id = run_id
        self.holder = holder
        self.fence = _serialised(fence)
        self.result = ApplyResult()
        self.settler = IntentSettler(
            tracker, store, self.result, retry=retry, holder=holder, is_alive=is_alive, clock=clock
        )
        self._auth_failed: str | None = None
        self._current: dict[str, Ticket] = {}
        # Failures earlier runs recorded, read once: a success clears only those, instead of one
        # DELETE transaction per successful item (issue 26: a commit per item dominated big runs).
        # Runs are serialised by the run lock, so no other run records one meanwhile.
        self._failed_before: set[str] = set(store.failures())
        self._today = clock().date()

    @property
    def caps(self) -> Capabilities:
        return self.tracker.capabilities

    def _prefetch(self, actions: Sequence[Action]) -> None:
        """The tracker's current values of every ticket about to be updated, in as few requests
        as the adapter can make (the three-way check needs them)."""
        refs = [action.ref for action in actions if isinstance(action, UpdateTicket)]
        if not refs:
            return
        try:
            tickets = self._call(lambda: self.tracker.fetch(refs))
        except RunStopped:
            raise
        except TrackerAuthError as exc:
            self._auth_failed = exc.message  # every tracker action of the run is skipped and reported
            return
        except PmsyncError as exc:
            log.warning("Could not fetch the tickets to update in one go (%s); fetching one by one", exc.message)
            return
        self._current = {ticket.ref.key: ticket for ticket in tickets}
        self._current.update({ticket.ref.id: ticket for ticket in tickets if ticket.ref.id})

    def _call(self, fn: Callable[[], T]) -> T:
        """An idempotent tracker call, retried on rate limits and outages."""
        return self.retry.retrying()(fn)

    def _write(self, fn: Callable[[], T]) -> T:
        """A remote write: fenced by the run lock, then retried like any idempotent call."""

        def fenced() -> T:
            self.fence()
            return fn()

        return self._call(fenced)

    def run(self, plan: Plan) -> ApplyResult:
        actions = list(plan.actions)
        self._today = plan.today or self.settler.clock().date()
        for key in plan.pending:
            self.settler.pending(key, "a create may have happened and is not confirmed yet; never created again")
        index = 0
        try:
            self._prefetch(actions)
            while index < len(actions):
                action = actions[index]
                if isinstance(action, EnsureParent | CreateTicket):
                    batch = self._batch(actions, index)
                    self._isolated([_owner_key(a) for a in batch], functools.partial(self._create_batch, batch))
                    index += len(batch)
                    continue
                if isinstance(action, LinkTickets | AttachToParent | TransitionTicket):
                    phase = self._phase(actions, index)
                    self._follow_ups(phase)
                    index += len(phase)
                    continue
                state_only = isinstance(action, StateOnly)
                self._isolated([_owner_key(action)], functools.partial(self._dispatch, action), state_only=state_only)
                index += 1
        except RunStopped as exc:
            self.result.stopped = exc.message + (f" ({exc.hint})" if exc.hint else "")
            log.error("Run stopped: %s", self.result.stopped)
        return self.result

    def _batch(self, actions: Sequence[Action], start: int) -> list[Creation]:
        """Consecutive creates of one kind, at most ``max_batch``."""
        first = actions[start]
        kind = type(first)
        batch: list[Creation] = []
        for action in actions[start : start + self.caps.max_batch]:
            if type(action) is not kind:
                break
            batch.append(action)  # type: ignore[arg-type]
        return batch

    def _phase(self, actions: Sequence[Action], start: int) -> list[FollowUp]:
        """Consecutive follow-up writes of one kind: independent of each other (the planner puts
        each kind in a phase of its own, after the creates they follow up)."""
        kind = type(actions[start])
        phase: list[FollowUp] = []
        for action in actions[start:]:
            if type(action) is not kind:
                break
            phase.append(action)  # type: ignore[arg-type]
        return phase

    def _isolated(self, keys: list[str], step: Callable[[], None], *, state_only: bool = False) -> None:
        if self._auth_failed and not state_only:
            for key in keys:
                self._fail(key, f"skipped: {self._auth_failed}")
            return
        try:
            step()
        except RunStopped:
            raise
        except PmsyncError as exc:
            self._conclude(keys, exc)
            return
        self._conclude(keys, None, state_only=state_only)

    def _conclude(self, keys: list[str], error: PmsyncError | None, *, state_only: bool = False) -> None:
        """Record how the step for ``keys`` went: its failure, or a success that clears an earlier one."""
        if isinstance(error, TrackerAuthError):
            # Every further call would fail the same way and could lock the account.
            self._auth_failed = error.message
        if error is not None:
            for key in keys:
                self._fail(key, error.message)
            return
        for key in keys:
            settled = key not in self.result.failures and key not in self.result.pending
            if key in self._failed_before and not state_only and settled:
                self.store.clear_failure(key)
                self._failed_before.discard(key)

    def _fail(self, key: str, message: str) -> None:
        log.error("%s: %s", key, message)
        self.result.failures[key] = message
        try:
            self.store.record_failure(key, self.run_id, message)
        except StateError as exc:
            # Not persisted for the next run, but reported in this one; the run goes on.
            log.error("%s: could not record the failure: %s", key, exc.message)

    def _dispatch(self, action: Action) -> None:
        match action:
            case UpsertIncident():
                self.store.upsert_incident(action.incident_key, action.postmortem, action.items, seen_on=action.seen_on)
            case EnsureParent() | CreateTicket():
                self._create_batch([action])
            case AdoptTicket():
                self._adopt(action)
            case UpdateTicket():
                self._update(action)
            case RekeyItem():
                self.store.rekey_item(action.old_key, action.new_key)
                log.info("Renumbered %s -> %s (ticket kept)", action.old_key, action.new_key)
            case LinkTickets() | AttachToParent() | TransitionTicket():
                self._follow_up_now(action)
            case ReportRemoved():
                self.result.removed.append(action.item_key)
                where = f" (ticket {action.ticket.key} left as is)" if action.ticket else ""
                log.warning("%s is no longer in its document%s", action.item_key, where)
            case _:
                assert_never(action)

    # --- exactly-once creation ------------------------------------------------------------

    def _create_batch(self, batch: Sequence[Creation]) -> None:
        ready = [(action, draft) for action in batch if (draft := self._draft_with_parent(action)) is not None]
        todo = self._claim(ready)
        if todo:
            self._send(todo)

    def _claim(self, ready: Sequence[tuple[Creation, TicketDraft]]) -> list[tuple[Creation, TicketDraft]]:
        """Write the batch's intents in one transaction; the drafts this run may create now."""
        if not ready:
            return []
        claims = [
            IntentClaim(
                owner_key=_owner_key(action),
                kind=draft.kind.value,
                marker=draft.marker.key,
                then_status=action.then_status if isinstance(action, CreateTicket) else None,
            )
            for action, draft in ready
        ]
        outcome = self.store.claim_intents(claims, self.holder)
        held = {row.owner_key: row for row in outcome.held}
        mine = set(outcome.claimed)
        for action, _draft in ready:
            row = held.get(_owner_key(action))
            if row is not None and self.settler.settle(row, _fields(action)):
                mine.add(row.owner_key)
        return [(action, draft) for action, draft in ready if _owner_key(action) in mine]

    def _send(self, todo: Sequence[tuple[Creation, TicketDraft]]) -> None:
        """One ``create_many`` call for claimed drafts, then each element settled on its own."""
        try:
            self.fence()
        except RunStopped:
            for action, _draft in todo:
                self.store.drop_intent(_owner_key(action), self.holder)  # nothing was sent
            raise
        keys = [_owner_key(action) for action, _draft in todo]
        try:
            # The intents were stamped when claimed; lookups of held intents and a pacer wait may
            # have passed since. The adapter re-stamps them right before the request goes out.
            with stamping(lambda: self.store.touch_intents(keys)):
                results = self.tracker.create_many([draft for _action, draft in todo])
        except (RateLimited, TrackerUnavailable) as exc:
            # Each element is retried alone (after a marker check where it could have happened).
            results = [exc] * len(todo)
        except TrackerError:
            for action, _draft in todo:
                self.store.drop_intent(_owner_key(action), self.holder)  # refused: nothing was created
            raise
        if len(results) != len(todo):
            raise TrackerError(
                f"create_many answered {len(results)} results for {len(todo)} drafts",
                tracker=self.tracker.name,
                op="create",
            )
        # The elements created at once are recorded together, in one transaction; the others are
        # settled one by one (retries, marker checks).
        created = [
            (action, draft, ref)
            for (action, draft), ref in zip(todo, results, strict=True)
            if isinstance(ref, TicketRef)
        ]
        refused = self.store.record_tickets(
            [_new_ticket(action, draft, ref, self.caps) for action, draft, ref in created]
        )
        for action, _draft, ref in created:
            key = _owner_key(action)
            if key in refused:
                self._fail(key, refused[key].message)
            else:
                self._count_created(action, ref)
        for (action, draft), outcome in zip(todo, results, strict=True):
            if isinstance(outcome, TicketRef):
                continue
            try:
                self._settle_create(action, draft, outcome)
            except (RunStopped, TrackerAuthError):
                raise
            except PmsyncError as exc:
                self._fail(_owner_key(action), exc.message)

    def _draft_with_parent(self, action: Creation) -> TicketDraft | None:
        if isinstance(action, EnsureParent):
            return action.draft
        parent = self.store.ticket_for(action.incident_key)
        if parent is None:
            if action.incident_key in self.result.pending:
                self.settler.pending(action.item_key, "its incident's parent ticket is not confirmed yet")
            else:
                self._fail(action.item_key, "the incident's parent ticket could not be created; retried next run")
            return None
        on_create = self.caps.native_parent and self.caps.parent_on_create
        return dataclasses.replace(action.draft, parent=parent if on_create else None)

    def _settle_create(self, action: Creation, draft: TicketDraft, outcome: CreateResult) -> None:
        key = _owner_key(action)
        attempt = 1
        while not isinstance(outcome, TicketRef):
            error = outcome
            if not isinstance(error, RateLimited | TrackerUnavailable):
                self.store.drop_intent(key, self.holder)  # refused: nothing was created
                raise error
            if attempt >= self.retry.attempts:
                if isinstance(error, TrackerUnavailable):
                    self.settler.pending(key, f"the create may have happened ({error.message}); settled next run")
                    return
                self.store.drop_intent(key, self.holder)
                raise error
            self.retry.pause(attempt, error)
            attempt += 1
            if isinstance(error, TrackerUnavailable) or self.caps.consistent_lookup:
                # The failed attempt may have created the ticket before the error reached us (a
                # 429 should mean it did not; where a lookup is cheap and exact, check anyway).
                found = self.settler.lookup(key, draft.marker)
                if found is not None:
                    row = IntentRow(key, draft.kind.value, draft.marker.key, self.holder, self.settler.clock(), None)
                    self.settler.recover(_with_then(row, action), found, _fields(action))
                    return
                if not self.caps.consistent_lookup:
                    self.settler.pending(
                        key,
                        f"the create timed out and the tracker's search may miss it for up to "
                        f"{self.caps.settle_seconds:.0f}s; confirmed or retried by a later run",
                    )
                    return
            self.store.touch_intent(key)
            self.fence()
            outcome = self._create_one(key, draft)
        self._record_created(action, draft, outcome)

    def _create_one(self, key: str, draft: TicketDraft) -> CreateResult:
        """A lone retry: a whole-call failure is this element's failure."""
        try:
            with stamping(lambda: self.store.touch_intent(key)):
                (outcome,) = self.tracker.create_many([draft])
        except (RateLimited, TrackerUnavailable) as exc:
            return exc
        except TrackerAuthError:
            raise
        except TrackerError as exc:
            return exc
        return outcome

    def _record_created(self, action: Creation, draft: TicketDraft, ref: TicketRef) -> None:
        refused = self.store.record_tickets([_new_ticket(action, draft, ref, self.caps)])
        if refused:
            raise refused[_owner_key(action)]
        self._count_created(action, ref)

    def _count_created(self, action: Creation, ref: TicketRef) -> None:
        key = _owner_key(action)
        (self.result.parents if isinstance(action, EnsureParent) else self.result.created).append(key)
        log.info("Created %s for %s", ref.key, key)

    # --- the other actions ----------------------------------------------------------------

    def _adopt(self, action: AdoptTicket) -> None:
        try:
            ticket = self._call(lambda: self.tracker.get(action.ref))
        except TrackerNotFound:
            # A typo or a ticket from elsewhere: the item still gets a ticket, and the user hears of it.
            log.warning("%s names %s, which does not exist; creating a ticket instead", action.item_key, action.ref.key)
            self._create_fallback(action.fallback)
            return
        self.store.record_ticket(
            action.item_key,
            TicketKind.ITEM.value,
            ticket.ref,
            fields=action.fields,
            status=ticket.status,
            adopted=True,
            scope=ticket.scope,
        )
        self.result.adopted.append(action.item_key)
        log.info("Adopted %s for %s", ticket.ref.key, action.item_key)

    def _create_fallback(self, create: CreateTicket) -> None:
        """The create an adoption falls back to gets what the planner gives every create: the
        attach to the incident's parent and the status after the create, in this same run."""
        self._create_batch([create])
        if create.item_key not in self.result.created and create.item_key not in self.result.recovered:
            return  # failed or pending: planned again (as a create) by the next run
        if self.caps.native_parent and not self.caps.parent_on_create:
            self._follow_up_now(AttachToParent(item_key=create.item_key, incident_key=create.incident_key))
        if create.then_status is not None:
            self._follow_up_now(TransitionTicket(item_key=create.item_key, status=create.then_status))

    def _update(self, action: UpdateTicket) -> None:
        current = self._current.get(action.ref.id or "") or self._current.get(action.ref.key)
        if current is None:
            current = self._call(lambda: self.tracker.get(action.ref))
        # A fresh read: it repairs a recorded status a stale pull got wrong (older reads are ignored).
        self.store.record_status(
            action.item_key, current.ref.key, current.status, current.status_raw, current.updated_at
        )
        changes, kept = _without_conflicts(action, current, self.caps)
        written_body = _body_for_kept(action, changes, kept, current)
        if written_body is not None:
            changes = dataclasses.replace(changes, body=written_body if written_body != current.body else None)
        for name, (document, written, now) in kept.items():
            message = (
                f"{action.item_key} {name}: changed in the tracker since pmsync wrote it; left as is "
                f"(document: {document!r}, last written: {written!r}, tracker: {now!r})"
            )
            self.result.conflicts.append(message)
            log.warning("Conflict: %s", message)
        if not changes.is_empty():
            self._write(lambda: self.tracker.update(action.ref, changes))
            self.result.updated.append(action.item_key)
            log.info("Updated %s for %s (%s)", action.ref.key, action.item_key, ", ".join(changes.changed_fields()))
        # What pmsync has now written: the new values, except where a person's value was kept.
        written = {**action.previous, **{k: v for k, v in action.fields.items() if k not in kept}}
        if written_body is not None and "body" not in kept:
            written["body"] = written_body
        self.store.record_synced_fields(action.item_key, written)

    # --- follow-up writes: attaches, transitions, links -----------------------------------------

    def _follow_ups(self, phase: Sequence[FollowUp]) -> None:
        """One phase of follow-up writes, ``caps.parallel_writes`` in flight at once: prepared and
        recorded on this thread (the store stays single-threaded), sent from :mod:`sync.fanout`'s
        workers. One item's failure is recorded for it alone; a stop (lock lost, budget spent)
        sends nothing more, and what was in flight is still recorded before the run stops."""
        stopped: list[RunStopped] = []
        halt = threading.Event()  # set by the worker that meets a stop, before its outcome is recorded
        refused: list[str] = []  # a worker's auth failure, seen before its outcome is recorded
        scheduled: set[tuple[str, str]] = set()

        def prepared() -> Iterator[_Write]:
            for action in phase:
                if halt.is_set():
                    return
                key = _owner_key(action)
                if self._auth_failed or refused:
                    self._fail(key, f"skipped: {self._auth_failed or refused[0]}")
                    continue
                try:
                    write = self._prepare(action, scheduled)
                except RunStopped:
                    raise
                except PmsyncError as exc:
                    self._conclude([key], exc)
                    continue
                if write is None:
                    self._conclude([key], None)
                else:
                    yield write

        def record(write: _Write, outcome: Outcome[None]) -> None:
            try:
                try:
                    outcome.get()
                except PmsyncError as exc:
                    write.failed(exc)
                    raise
                write.done()
            except RunStopped as exc:
                stopped.append(exc)
            except PmsyncError as exc:  # the write's, or the store's recording it (as in a serial run)
                self._conclude([write.key], exc)
            else:
                self._conclude([write.key], None)

        def send(write: _Write) -> None:
            # On a worker thread: the tracker call only (fenced, retried); nothing touches the store.
            try:
                self._write(write.send)
            except RunStopped:
                halt.set()
                raise
            except TrackerAuthError as exc:
                refused.append(exc.message)  # no more writes with credentials the tracker refused
                raise

        fan_out(prepared(), send, record, limit=self.caps.parallel_writes)
        if stopped:
            raise stopped[0]

    def _follow_up_now(self, action: FollowUp) -> None:
        """One follow-up write on this thread (an adoption's fallback create)."""
        write = self._prepare(action, set())
        if write is None:
            return
        try:
            self._write(write.send)
        except PmsyncError as exc:
            write.failed(exc)
            raise
        write.done()

    def _prepare(self, action: FollowUp, scheduled: set[tuple[str, str]]) -> _Write | None:
        """What to send for ``action`` and what to record after; ``None`` when nothing is to be
        written. ``scheduled`` holds the pairs already being linked in this phase."""
        key = _owner_key(action)
        match action:
            case LinkTickets():
                a = self.store.ticket_for(action.a_key)
                b = self.store.ticket_for(action.b_key)
                if a is None or b is None:
                    return None
                pair = (min(a.key, b.key), max(a.key, b.key))
                if pair in scheduled or self.store.has_link(a, b):
                    return None
                scheduled.add(pair)
                send = functools.partial(self.tracker.link, a, b, action.kind)
                return _Write(key, send, functools.partial(self._linked, a, b, action))
            case AttachToParent():
                child = self.store.ticket_for(action.item_key)
                parent = self.store.ticket_for(action.incident_key)
                if child is None or parent is None:
                    return None  # not created (failed or pending): planned again with the create
                send = functools.partial(self.tracker.attach, child, parent)
                return _Write(key, send, functools.partial(self._attached, child, parent, action))
            case TransitionTicket():
                ref = self.store.ticket_for(action.item_key)
                if ref is None:
                    return None  # not created (failed or pending): planned again with the create
                return _Write(
                    key,
                    functools.partial(self.tracker.transition, ref, action.status),
                    functools.partial(self._transitioned, ref, action),
                    functools.partial(self._not_transitioned, action),
                )
            case _:
                assert_never(action)

    def _linked(self, a: TicketRef, b: TicketRef, action: LinkTickets) -> None:
        if self.store.record_link(a, b):
            self.result.linked += 1
            log.info("Linked %s %s %s", a.key, action.kind.value, b.key)

    def _attached(self, child: TicketRef, parent: TicketRef, action: AttachToParent) -> None:
        self.store.mark_attached(action.item_key)
        self.result.attached += 1
        log.info("Attached %s to %s", child.key, parent.key)

    def _transitioned(self, ref: TicketRef, action: TransitionTicket) -> None:
        self.store.clear_pending_status(action.item_key)
        self.result.transitioned += 1
        log.info("Moved %s to %s for %s", ref.key, action.status.value, action.item_key)

    def _not_transitioned(self, action: TransitionTicket, error: PmsyncError) -> None:
        if isinstance(error, WorkflowBlocked):
            # Trying again changes nothing until the workflow or the document does: the status
            # stays owed, and is tried again when the document's status changes or on a later day.
            self.store.mark_blocked(action.item_key, action.status, self._today)
        else:
            # The document's status was recorded with the plan: forget it, or the next run would
            # see nothing new in the document and never try this transition again.
            self.store.forget_doc_status(action.item_key)


def _nothing_to_undo(_error: PmsyncError) -> None:
    return None


@dataclass(frozen=True)
class _Write:
    """A follow-up write prepared on apply's thread: the tracker call (made by a worker), what to
    record once it succeeded and what to keep when it failed (both on apply's thread)."""

    key: str
    send: Callable[[], None]
    done: Callable[[], None]
    failed: Callable[[PmsyncError], None] = _nothing_to_undo


def _serialised(fence: Callable[[], None]) -> Callable[[], None]:
    """The fence as follow-up writers on several threads call it: one at a time (on PostgreSQL it
    asks the lock's own database session, which takes one query at a time)."""
    lock = threading.Lock()

    def fenced() -> None:
        with lock:
            fence()

    return fenced


def _new_ticket(action: Creation, draft: TicketDraft, ref: TicketRef, caps: Capabilities) -> NewTicket:
    """What to record for a ticket just created for ``action``."""
    if isinstance(action, EnsureParent):
        return NewTicket(
            _owner_key(action), TicketKind.INCIDENT.value, ref, None, None, marker=draft.marker.key, scope=draft.scope
        )
    return NewTicket(
        _owner_key(action),
        TicketKind.ITEM.value,
        ref,
        action.fields,
        draft.status,
        marker=draft.marker.key,
        scope=draft.scope,
        attached=(draft.parent is not None) if caps.native_parent else None,
        pending_status=action.then_status,
    )


def _with_then(row: IntentRow, action: Creation) -> IntentRow:
    then = action.then_status if isinstance(action, CreateTicket) else None
    return dataclasses.replace(row, then_status=then)


def _fields(action: Creation) -> Mapping[str, Any] | None:
    return action.fields if isinstance(action, CreateTicket) else None


def _body_for_kept(action: UpdateTicket, changes: TicketChanges, kept: Mapping[str, Any], ticket: Ticket) -> str | None:
    """The body to write when a person's due date was kept: the document's text, its Due line
    stating the kept date, so the body never contradicts the field (issue 23.7); ``None`` when
    no due date was kept or the body is not pmsync's to write."""
    if "due" not in kept or "body" in kept:
        return None
    body = changes.body if changes.body is not None else action.fields.get("body")
    if not isinstance(body, str):
        return None
    return with_kept_due(body, ticket.due)


def _current_value(name: str, ticket: Ticket, caps: Capabilities) -> tuple[bool, Any]:
    """``(readable, value)`` of a field as the tracker has it now, in the stored JSON form."""
    if name == "title":
        return True, ticket.title
    if name == "body":
        return ticket.body is not None, ticket.body
    if name == "assignee":
        return True, ticket.assignee
    if name == "priority":
        return ticket.priority is not None, ticket.priority.value if ticket.priority else None
    if name == "due":
        return caps.native_due_date, ticket.due.isoformat() if ticket.due else None
    return False, None  # pragma: no cover - only the names above are checked


_CHECKED = ("title", "body", "priority", "assignee", "due")


def _without_conflicts(
    action: UpdateTicket, ticket: Ticket, caps: Capabilities
) -> tuple[TicketChanges, dict[str, tuple[Any, Any, Any]]]:
    """The update minus every field a person changed since pmsync last wrote it (three-way:
    document, last written, tracker now), and those fields. A field pmsync has no record of
    writing is not checked. The marker label is never removed."""
    changes = action.changes
    kept: dict[str, tuple[Any, Any, Any]] = {}
    values: dict[str, Any] = {}
    for name in _CHECKED:
        wanted = getattr(changes, name)
        if wanted is None:
            continue
        readable, now = _current_value(name, ticket, caps)
        if name in action.previous and readable and now != action.previous[name]:
            kept[name] = (action.fields.get(name), action.previous[name], now)
            continue
        values[name] = wanted
    remove = frozenset(label for label in changes.labels_remove if not label.startswith(MARKER_LABEL_PREFIX))
    trimmed = TicketChanges(labels_add=changes.labels_add, labels_remove=remove, **values)
    return trimmed, kept


def _owner_key(action: Action) -> str:
    match action:
        case LinkTickets():
            return f"{action.a_key}~{action.b_key}"
        case RekeyItem():
            return action.new_key
        case UpsertIncident() | EnsureParent():
            return action.incident_key
        case _:
            return action.item_key


def apply_plan(
    plan: Plan,
    tracker: Tracker,
    store: SqlStateStore,
    *,
    retry: RetryPolicy,
    run_id: int,
    holder: str = "",
    fence: Callable[[], None] = lambda: None,
    is_alive: Callable[[str], bool] = _never,
    clock: Clock = utc_now,
) -> ApplyResult:
    """Execute ``plan``. ``holder`` names this run in its intents; ``fence`` raises
    :class:`sync.errors.LockLost` when the run lock is gone; ``is_alive`` tells whether another
    holder still runs."""
    applier = Applier(
        tracker,
        store,
        retry=retry,
        run_id=run_id,
        holder=holder or f"run-{run_id}",
        fence=fence,
        is_alive=is_alive,
        clock=clock,
    )
    return applier.run(plan)


@dataclass(frozen=True)
class SettleReport:
    recovered: list[str]
    pending: dict[str, str]
    duplicates: list[str]
    dropped: list[str]


def resolve_pending_intents(
    tracker: Tracker,
    store: SqlStateStore,
    *,
    retry: RetryPolicy,
    holder: str = "",
    is_alive: Callable[[str], bool] = _never,
    clock: Clock = utc_now,
) -> SettleReport:
    """Settle creates earlier runs may have made before dying (docs/architecture.md, "Exactly once"), before planning:
    a ticket carrying the intent's marker is recorded (the oldest; duplicates reported) with its
    status fetched at once; a miss drops the intent only on a consistent backend or once the lag
    bound has passed since the attempt (the planner then plans the create again); otherwise the
    item stays pending. Intents of live runs are left alone."""
    result = ApplyResult()
    settler = IntentSettler(tracker, store, result, retry=retry, holder=holder, is_alive=is_alive, clock=clock)
    dropped: list[str] = []
    for row in store.intents():
        try:
            if settler.settle(row) and store.drop_intent(row.owner_key, settler.holder):
                dropped.append(row.owner_key)
        except (RunStopped, TrackerAuthError):
            raise
        except StateError as exc:
            # The ticket found cannot be recorded for this item (it already tracks another):
            # keeping the intent would leave the item pending forever. The planner then creates
            # it under a fresh marker, so nothing is duplicated.
            log.error("%s: %s; the interrupted create is forgotten", row.owner_key, exc.message)
            store.drop_intent(row.owner_key)
        except PmsyncError as exc:
            log.error("%s: %s", row.owner_key, exc.message)
            result.pending[row.owner_key] = exc.message
    return SettleReport(
        recovered=result.recovered, pending=result.pending, duplicates=result.duplicates, dropped=dropped
    )
