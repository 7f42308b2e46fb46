"""Runs one plan-and-apply cycle against the local tracker, optionally dying at a chosen step.

Used in-process by the tests and as a subprocess (``python -m tests.integration.apply_harness URL
[CRASH_POINT]``) where "dying" is ``os._exit`` — no cleanup, no finally blocks, like a kill -9.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Engine

from sync.apply import ApplyResult, apply_plan, resolve_pending_intents
from sync.clock import Clock, utc_now
from sync.core.model import PostMortem, Priority, Status
from sync.core.plan import PlanInput, plan
from sync.core.tickets import (
    Capabilities,
    ChangedPage,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.pull import pull
from sync.retry import NO_WAIT
from sync.store.engine import make_engine
from sync.store.lock import NO_LOCK, holder_alive, holder_lease, run_lock
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.trackers.base import CreateResult, Tracker
from sync.trackers.local_tracker import LocalTracker
from tests.planning import TODAY, FixedPolicy, doc, item

T = TypeVar("T")

CRASH_POINTS = (
    "before-create",  # intent recorded, tracker not called
    "after-create",  # ticket exists in the tracker, not recorded in the state
    "after-parent",  # parent created and recorded, no child yet
    "after-first-item",  # first item fully recorded, second not started
    "before-link",  # every ticket recorded, links not made
)


class SimulatedCrash(BaseException):
    """Not an Exception: apply's per-item isolation must not swallow it."""


class CrashingTracker:
    """Delegates to a real tracker and dies at one step."""

    def __init__(self, inner: Tracker, point: str, die: Callable[[], None]) -> None:
        self.inner = inner
        self.point = point
        self.die = die
        self.items_created = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        return self.inner.find_by_markers(markers)

    def get(self, ref: TicketRef) -> Ticket:
        return self.inner.get(ref)

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        return self.inner.fetch(refs)

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        results: list[CreateResult] = []
        for draft in drafts:
            item = draft.kind is TicketKind.ITEM
            if item and self.point in ("before-create", "after-parent"):
                self.die()
            if item and self.point == "after-first-item" and self.items_created == 1:
                self.die()
            results.extend(self.inner.create_many([draft]))
            if item:
                self.items_created += 1
                if self.point == "after-create":
                    self.die()
        return results

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        self.inner.update(ref, changes)

    def transition(self, ref: TicketRef, status: Status) -> None:
        self.inner.transition(ref, status)

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        self.inner.attach(child, parent)

    def comment(self, ref: TicketRef, body: str) -> None:
        self.inner.comment(ref, body)

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        if self.point == "before-link":
            self.die()
        self.inner.link(a, b, kind)

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        return self.inner.changed_since(cursor, scope)


def documents() -> list[PostMortem]:
    return [
        doc(
            item(1, "Route config pushes through the canary stage", owner="@dana", priority=Priority.P0),
            item(2, "Fail template rendering on missing variables", deadline=dt.date(2026, 3, 20)),
            item(3, "Alert on connection-pool exhaustion", priority=Priority.P1),
        ),
        doc(item(1, "Renew certificates automatically"), incident_id="INC-2", path="pm/inc-2.md"),
    ]


class StepCrasher:
    """Delegates to a tracker and dies before (or after) its ``at``-th remote call, counting every
    call; ``calls`` tells a clean run how many steps there are to crash at."""

    def __init__(self, inner: Tracker, at: int | None = None, *, after: bool = False) -> None:
        self.inner = inner
        self.at = at
        self.after = after
        self.calls = 0

    def _step(self, fn: Callable[[], T]) -> T:
        self.calls += 1
        if self.at == self.calls and not self.after:
            raise SimulatedCrash(f"before call {self.calls}")
        value = fn()
        if self.at == self.calls and self.after:
            raise SimulatedCrash(f"after call {self.calls}")
        return value

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        return self._step(lambda: self.inner.find_by_markers(markers))

    def get(self, ref: TicketRef) -> Ticket:
        return self._step(lambda: self.inner.get(ref))

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        return self._step(lambda: self.inner.fetch(refs))

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        return self._step(lambda: self.inner.create_many(drafts))

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        self._step(lambda: self.inner.update(ref, changes))

    def transition(self, ref: TicketRef, status: Status) -> None:
        self._step(lambda: self.inner.transition(ref, status))

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        self._step(lambda: self.inner.attach(child, parent))

    def comment(self, ref: TicketRef, body: str) -> None:
        self._step(lambda: self.inner.comment(ref, body))

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        self._step(lambda: self.inner.link(a, b, kind))

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        return self._step(lambda: self.inner.changed_since(cursor, scope))


def run_cycle(
    url: str,
    make_tracker: Callable[[Engine], Tracker],
    docs: Callable[[], list[PostMortem]] = documents,
    *,
    lock: bool = True,
    clock: Clock = utc_now,
    do_pull: bool = False,
) -> ApplyResult:
    """One run as ``pmsync sync`` makes it: lease, lock (unless ``lock`` is off), settle intents,
    plan with the tracker's capabilities, apply fenced by the lock (then pull)."""
    engine = make_engine(url)
    try:
        migrate(engine)
        tracker = make_tracker(engine)
        store = SqlStateStore(engine, tracker.name, clock=clock)
        holder = uuid.uuid4().hex
        alive = functools.partial(holder_alive, engine)
        locking = run_lock(engine, timeout=120) if lock else contextlib.nullcontext(NO_LOCK)
        with locking as fence, holder_lease(engine, holder):
            settled = resolve_pending_intents(tracker, store, retry=NO_WAIT, holder=holder, is_alive=alive, clock=clock)
            snapshot = store.snapshot()
            current = plan(
                [PlanInput(pm) for pm in docs()], snapshot, FixedPolicy(), TODAY, capabilities=tracker.capabilities
            )
            result = apply_plan(
                current,
                tracker,
                store,
                retry=NO_WAIT,
                run_id=store.start_run("test"),
                holder=holder,
                fence=fence.check,
                is_alive=alive,
                clock=clock,
            )
            result.recovered[:0] = settled.recovered
            result.duplicates[:0] = settled.duplicates
            result.pending.update(settled.pending)
            if do_pull and not result.stopped:
                pull(tracker, store, retry=NO_WAIT)
            return result
    finally:
        engine.dispose()


def run_once(
    url: str,
    tracker_wrapper: Callable[[LocalTracker], object] | None = None,
    docs: Callable[[], list[PostMortem]] = documents,
    *,
    lock: bool = True,
) -> ApplyResult:
    """One run against the local tracker (optionally wrapped)."""

    def make(engine: Engine) -> Tracker:
        local = LocalTracker(engine)
        return tracker_wrapper(local) if tracker_wrapper else local  # type: ignore[return-value]

    return run_cycle(url, make, docs, lock=lock)


def _hard_exit() -> None:
    sys.stdout.flush()
    os._exit(17)


if __name__ == "__main__":
    db_url = sys.argv[1]
    point = sys.argv[2] if len(sys.argv) > 2 else ""
    use_lock = point != "no-lock"
    point = "" if point == "no-lock" else point
    wrapper = (lambda local: CrashingTracker(local, point, _hard_exit)) if point else None
    result = run_once(db_url, wrapper, lock=use_lock)
    print(
        f"created={len(result.created)} recovered={len(result.recovered)} failures={len(result.failures)} "
        f"pending={len(result.pending)}"
    )
