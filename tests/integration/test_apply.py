"""Exactly-once creation: apply, rerun, crash at every step, and race two processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sync.apply import apply_plan
from sync.core.model import ActionItem, PostMortem, Status, TicketLink
from sync.core.plan import PlanInput, plan
from sync.errors import RateLimited, TrackerAuthError, TrackerUnavailable
from sync.pull import pull
from sync.retry import NO_WAIT
from sync.store import tables
from sync.store.repository import SqlStateStore
from sync.trackers.local_tracker import LocalTracker
from tests.integration.apply_harness import CRASH_POINTS, CrashingTracker, SimulatedCrash, documents, run_once
from tests.planning import TODAY, FixedPolicy, doc, item

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_ITEMS = {"INC-1#1", "INC-1#2", "INC-1#3", "INC-2#1"}


def assert_exactly_once(engine: Engine) -> None:
    """One tracker ticket per item and per incident, and every item has its ticket recorded."""
    with engine.connect() as conn:
        markers = conn.execute(select(tables.local_tickets.c.marker_key)).scalars().all()
        owners = dict(conn.execute(select(tables.tickets.c.owner_key, tables.tickets.c.ticket_key)).all())
        intents = conn.execute(select(tables.create_intents.c.owner_key)).scalars().all()
    duplicates = [marker for marker, count in Counter(markers).items() if count > 1]
    assert duplicates == []
    assert sorted(markers) == sorted(EXPECTED_ITEMS | {"INC-1", "INC-2"})
    assert set(owners) == EXPECTED_ITEMS | {"INC-1", "INC-2"}
    assert intents == []


def test_second_run_creates_nothing(db_url: str, engine: Engine) -> None:
    first = run_once(db_url)
    assert sorted(first.created) == sorted(EXPECTED_ITEMS)
    assert first.linked == 2 and first.failures == {}
    second = run_once(db_url)
    assert (second.created, second.updated, second.recovered, second.linked) == ([], [], [], 0)
    assert_exactly_once(engine)


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_crash_at_any_step_then_rerun_leaves_exactly_one_ticket_each(db_url: str, engine: Engine, point: str) -> None:
    def die() -> None:
        raise SimulatedCrash(point)

    with pytest.raises(SimulatedCrash):
        run_once(db_url, lambda local: CrashingTracker(local, point, die))
    rerun = run_once(db_url)
    assert rerun.failures == {}
    assert_exactly_once(engine)
    if point == "after-create":
        # The ticket made just before the crash was found by its marker, not created again.
        assert rerun.recovered == ["INC-1#1"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-create", "after-create", "after-first-item"])
def test_killed_process_then_rerun(db_url: str, engine: Engine, point: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-m", "tests.integration.apply_harness", db_url, point],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 17, killed.stderr
    rerun = run_once(db_url)
    assert rerun.failures == {}
    assert_exactly_once(engine)


@pytest.mark.slow
def test_two_processes_at_once_create_each_ticket_once(db_url: str, engine: Engine) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.integration.apply_harness", db_url]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=180) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    created = sorted(int(out.split("created=")[1].split()[0]) for out, _err in outputs)
    assert created == [0, len(EXPECTED_ITEMS)]  # one run did the work, the other found it done
    assert_exactly_once(engine)


@pytest.mark.slow
def test_two_processes_without_the_run_lock_still_create_each_ticket_once(db_url: str, engine: Engine) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.integration.apply_harness", db_url, "no-lock"]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=180) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    for _ in range(3):  # whatever a racing run left pending or failed is settled by the next ones
        rerun = run_once(db_url)
        if not rerun.pending and not rerun.failures:
            break
    assert_exactly_once(engine)
    print(f"faults injected: {len(procs)} lock-free concurrent runs, duplicates: 0, lost: 0")


class FlakyTracker(CrashingTracker):
    """Fails the first create with a retryable error after the ticket was made (a timeout)."""

    def __init__(self, inner: LocalTracker, error: Exception) -> None:
        super().__init__(inner, "", lambda: None)
        self.error = error
        self.calls = 0

    def create_many(self, drafts):  # type: ignore[no-untyped-def]
        results = []
        for draft in drafts:
            self.calls += 1
            results.extend(self.inner.create_many([draft]))
            if self.calls == 1:
                raise self.error
        return results


@pytest.mark.parametrize(
    "error",
    [
        RateLimited("slow down", tracker="local", op="create", retry_after=0),
        TrackerUnavailable("timed out", tracker="local", op="create"),
    ],
)
def test_retried_create_checks_the_marker_first(db_url: str, engine: Engine, error: Exception) -> None:
    wrappers: list[FlakyTracker] = []

    def wrap(local: LocalTracker) -> FlakyTracker:
        wrappers.append(FlakyTracker(local, error))
        return wrappers[0]

    result = run_once(db_url, wrap)
    assert result.failures == {}
    assert wrappers[0].calls == len(EXPECTED_ITEMS) + 2  # no second create for the timed-out one
    assert_exactly_once(engine)


def test_auth_failure_stops_tracker_calls_but_records_documents(engine: Engine) -> None:
    class Rejecting(CrashingTracker):
        def create_many(self, drafts):  # type: ignore[no-untyped-def]
            raise TrackerAuthError("401 Unauthorized", tracker="local", op="create")

    store = SqlStateStore(engine, "local")
    tracker = Rejecting(LocalTracker(engine), "", lambda: None)
    current = plan([PlanInput(pm) for pm in documents()], store.snapshot(), FixedPolicy(), TODAY)
    result = apply_plan(current, tracker, store, retry=NO_WAIT, run_id=store.start_run("t"))  # type: ignore[arg-type]
    assert result.created == []
    assert set(result.failures) >= EXPECTED_ITEMS | {"INC-1", "INC-2"}
    assert all("401" in message for message in result.failures.values())
    assert set(store.failures()) == set(result.failures)
    assert len(store.snapshot().items) == len(EXPECTED_ITEMS)  # documents still recorded
    retried = apply_plan(
        plan([PlanInput(pm) for pm in documents()], store.snapshot(), FixedPolicy(), TODAY),
        LocalTracker(engine),
        store,
        retry=NO_WAIT,
        run_id=store.start_run("t"),
    )
    assert sorted(retried.created) == sorted(EXPECTED_ITEMS)
    assert store.failures() == {}


def test_pull_appends_history_incrementally(db_url: str, engine: Engine) -> None:
    run_once(db_url)
    store = SqlStateStore(engine, "local")
    local = LocalTracker(engine)
    first = pull(local, store, retry=NO_WAIT)
    assert first.changed == 0 and first.seen == len(EXPECTED_ITEMS) + 2
    key = store.ticket_for("INC-1#2")
    assert key is not None
    local.set_status(key.key, Status.IN_PROGRESS)
    local.set_status(key.key, Status.DONE)
    second = pull(local, store, retry=NO_WAIT)
    assert (second.seen, second.changed) == (1, 1)
    assert [h.status for h in store.history("INC-1#2")] == [Status.OPEN, Status.DONE]
    third = pull(local, store, retry=NO_WAIT)
    assert (third.seen, third.changed) == (0, 0)


def test_crash_after_create_then_a_renumbering_edit_recovers_the_right_item(db_url: str, engine: Engine) -> None:
    def die() -> None:
        raise SimulatedCrash("after-create")

    with pytest.raises(SimulatedCrash):
        run_once(db_url, lambda local: CrashingTracker(local, "after-create", die))

    def edited() -> list[PostMortem]:
        first, second = documents()
        inserted = (ActionItem(number=1, text="Define an SLO for checkout", line=5),) + tuple(
            item.model_copy(update={"number": item.number + 1}) for item in first.action_items
        )
        return [first.model_copy(update={"action_items": inserted}), second]

    rerun = run_once(db_url, docs=edited)
    assert rerun.failures == {}
    assert rerun.recovered == ["INC-1#1"]  # settled before planning, under the key it had
    store = SqlStateStore(engine, "local")
    local = LocalTracker(engine)
    titles = {row.item_key: local.get(row.ticket).title for row in store.status_rows() if row.ticket and row.present}
    assert titles["INC-1#2"] == "Route config pushes through the canary stage"
    assert titles["INC-1#1"] == "Define an SLO for checkout"
    with engine.connect() as conn:
        markers = conn.execute(select(tables.local_tickets.c.marker_key)).scalars().all()
    assert len(markers) == len(set(markers)) == 7  # 5 items + 2 parents, none twice


def test_a_named_ticket_that_does_not_exist_is_replaced_by_a_new_one(engine: Engine) -> None:
    store = SqlStateStore(engine, "local")
    named = doc(item(1, "Add canary", tickets=(TicketLink(system="local", key="LOC-99"),)))
    current = plan([PlanInput(named)], store.snapshot(), FixedPolicy(), TODAY)
    assert [type(a).__name__ for a in current.tracker_actions][:2] == ["EnsureParent", "AdoptTicket"]
    result = apply_plan(current, LocalTracker(engine), store, retry=NO_WAIT, run_id=store.start_run("t"))
    assert result.failures == {} and result.created == ["INC-1#1"] and result.adopted == []
    assert store.ticket_for("INC-1#1") is not None
