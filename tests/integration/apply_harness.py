"""Runs one plan-and-apply cycle against the local tracker, optionally dying at a chosen step.

Used in-process by the tests and as a subprocess (``python -m tests.integration.apply_harness URL
[CRASH_POINT]``) where "dying" is ``os._exit`` — no cleanup, no finally blocks, like a kill -9.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from sync.apply import ApplyResult, apply_plan, resolve_pending_intents
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
from sync.retry import NO_WAIT
from sync.store.engine import make_engine
from sync.store.lock import run_lock
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.trackers.base import CreateResult, Tracker
from sync.trackers.local_tracker import LocalTracker
from tests.planning import TODAY, FixedPolicy, doc, item

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


def run_once(
    url: str,
    tracker_wrapper: Callable[[LocalTracker], object] | None = None,
    docs: Callable[[], list[PostMortem]] = documents,
) -> ApplyResult:
    engine = make_engine(url)
    try:
        migrate(engine)
        store = SqlStateStore(engine, "local")
        local = LocalTracker(engine)
        tracker = tracker_wrapper(local) if tracker_wrapper else local
        with run_lock(engine, timeout=120):
            recovered = resolve_pending_intents(tracker, store, retry=NO_WAIT)  # type: ignore[arg-type]
            current = plan([PlanInput(pm) for pm in docs()], store.snapshot(), FixedPolicy(), TODAY)
            result = apply_plan(current, tracker, store, retry=NO_WAIT, run_id=store.start_run("test"))  # type: ignore[arg-type]
            result.recovered[:0] = recovered
            return result
    finally:
        engine.dispose()


def _hard_exit() -> None:
    sys.stdout.flush()
    os._exit(17)


if __name__ == "__main__":
    db_url = sys.argv[1]
    point = sys.argv[2] if len(sys.argv) > 2 else ""
    wrapper = (lambda local: CrashingTracker(local, point, _hard_exit)) if point else None
    result = run_once(db_url, wrapper)
    print(f"created={len(result.created)} recovered={len(result.recovered)} failures={len(result.failures)}")
