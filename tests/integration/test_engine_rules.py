"""The engine's rules for remote trackers (issue 12), each on the lagging fake and where it
matters on the local tracker: people's edits, status on create, moved tickets, fencing, live
holders, duplicates found elsewhere, the run's budget."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sync.apply import apply_plan, resolve_pending_intents
from sync.core.model import PostMortem, Priority, Status
from sync.core.plan import PlanInput, plan
from sync.core.tickets import Marker, TicketChanges, TicketDraft, TicketRef
from sync.errors import LockLost, RateLimited, TrackerError
from sync.pacing import BudgetPacer
from sync.pull import pull
from sync.retry import NO_WAIT, RetryPolicy
from sync.store.engine import make_engine
from sync.store.lock import advisory_key, holder_alive, holder_lease, run_lock
from sync.store.migrations import migrate
from sync.store.repository import IntentClaim, SqlStateStore
from sync.trackers.base import Tracker
from sync.trackers.local_tracker import LocalTracker
from tests.fakes.lagging_tracker import NAME, FakeClock, LaggingTracker
from tests.integration.apply_harness import SimulatedCrash, documents, run_cycle
from tests.planning import TODAY, FixedPolicy, doc, item


def fresh_url(tmp_path: Path, name: str = "state") -> str:
    url = f"sqlite:///{tmp_path / f'{name}.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def const(tracker: Tracker) -> Callable[[Engine], Tracker]:
    return lambda _engine: tracker


def edited_documents() -> list[PostMortem]:
    """The first item moves from P0 to P1 with an explicit deadline."""
    first, second = documents()
    items = list(first.action_items)
    items[0] = items[0].model_copy(update={"priority": Priority.P1, "deadline": dt.date(2026, 4, 30)})
    return [first.model_copy(update={"action_items": tuple(items)}), second]


def store_of(url: str, name: str, clock: Callable[[], dt.datetime] | None = None) -> tuple[Engine, SqlStateStore]:
    engine = make_engine(url)
    return engine, SqlStateStore(engine, name, **({"clock": clock} if clock else {}))


# --- people's edits ------------------------------------------------------------------------------


def test_a_person_s_label_and_due_date_survive_a_document_edit_on_the_lagging_tracker(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    run_cycle(url, const(fake), clock=clock)
    engine, store = store_of(url, NAME)
    try:
        ref = store.ticket_for("INC-1#1")
        assert ref is not None
        person_due = dt.date(2026, 5, 15)
        fake.edit(ref, due=person_due, labels=[*fake.get(ref).labels, "customer-facing"])

        fake.reads.clear()
        result = run_cycle(url, const(fake), edited_documents, clock=clock)
        assert fake.reads == {"fetch": 1}  # the tickets to update are read in one request
        ticket = fake.get(ref)
        assert ticket.due == person_due  # the person's date is kept...
        assert any("INC-1#1 due" in c and "2026-05-15" in c for c in result.conflicts)  # ...and reported
        assert ticket.priority is Priority.P1  # fields nobody touched follow the document
        assert "customer-facing" in ticket.labels  # a person's label is never removed
        assert Marker("INC-1#1").label in ticket.labels  # nor the marker label
        assert "priority-p1" in ticket.labels and "priority-p0" not in ticket.labels
        assert result.updated == ["INC-1#1"]

        again = run_cycle(url, const(fake), edited_documents, clock=clock)
        assert fake.get(ref).due == person_due
        assert len(again.conflicts) == 1  # still reported, still left alone
        assert again.updated == []
    finally:
        engine.dispose()


def test_a_person_s_title_survives_on_the_local_tracker(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    first = run_cycle(url, LocalTracker)
    assert first.failures == {}
    engine, store = store_of(url, "local")
    try:
        local = LocalTracker(engine)
        ref = store.ticket_for("INC-1#2")
        assert ref is not None
        local.update(ref, TicketChanges(title="Fail rendering on missing vars (owned by infra)"))
        local.update(ref, TicketChanges(labels_add=frozenset({"infra"})))

        def retitled() -> list[PostMortem]:
            first_doc, second_doc = documents()
            items = list(first_doc.action_items)
            items[1] = items[1].model_copy(update={"text": "Fail template rendering on any missing variable"})
            return [first_doc.model_copy(update={"action_items": tuple(items)}), second_doc]

        result = run_cycle(url, LocalTracker, retitled)
        ticket = local.get(ref)
        assert ticket.title == "Fail rendering on missing vars (owned by infra)"
        assert "infra" in ticket.labels
        assert ticket.body is not None and "any missing variable" in ticket.body  # the body nobody edited follows
        (conflict,) = result.conflicts
        assert "INC-1#2 title" in conflict and "Fail template rendering on any missing variable" in conflict
    finally:
        engine.dispose()


# --- status on create ----------------------------------------------------------------------------


class CrashOnTransition(LaggingTracker):
    def transition(self, ref: TicketRef, status: Status) -> None:
        raise SimulatedCrash("between the create and the status change")


def done_document() -> list[PostMortem]:
    return [doc(item(1, "Rotate the leaked key", status=Status.DONE), item(2, "Audit key usage"))]


def test_status_on_create_is_a_second_write_and_survives_a_crash_in_between(tmp_path: Path) -> None:
    clock = FakeClock()
    crashing = CrashOnTransition(clock)
    url = fresh_url(tmp_path)
    with pytest.raises(SimulatedCrash):
        run_cycle(url, const(crashing), done_document, clock=clock)
    fake = LaggingTracker(clock)
    fake.tickets = crashing.tickets  # the same tracker, now without the crash
    fake.lookups = crashing.lookups
    result = run_cycle(url, const(fake), done_document, clock=clock)
    assert result.transitioned == 1 and result.created == []
    engine, store = store_of(url, NAME)
    try:
        ref = store.ticket_for("INC-1#1")
        assert ref is not None
        assert fake.get(ref).status is Status.DONE
        assert run_cycle(url, const(fake), done_document, clock=clock).transitioned == 0
    finally:
        engine.dispose()


def test_a_backend_that_creates_in_any_state_needs_no_second_write(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    result = run_cycle(url, LocalTracker, done_document)
    assert result.transitioned == 0 and result.attached == 0
    engine, store = store_of(url, "local")
    try:
        ref = store.ticket_for("INC-1#1")
        assert ref is not None and LocalTracker(engine).get(ref).status is Status.DONE
    finally:
        engine.dispose()


# --- pull follows ids ------------------------------------------------------------------------------


def test_pull_follows_a_ticket_moved_to_another_key(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    run_cycle(url, const(fake), clock=clock, do_pull=True)
    engine, store = store_of(url, NAME, clock)
    try:
        ref = store.ticket_for("INC-1#3")
        assert ref is not None and ref.id is not None
        clock.advance(60)
        fake.move(ref, "NET-77")
        fake.set_status(ref, Status.IN_PROGRESS)
        result = pull(fake, store, retry=NO_WAIT)
        assert result.changed == 1
        moved = store.ticket_for("INC-1#3")
        assert moved is not None and (moved.key, moved.id) == ("NET-77", ref.id)
        assert [h.status for h in store.history("INC-1#3")][-1] is Status.IN_PROGRESS
        again = pull(fake, store, retry=NO_WAIT)  # the margin re-delivers: nothing appended
        assert again.changed == 0
    finally:
        engine.dispose()


# --- fencing ---------------------------------------------------------------------------------------


def test_a_lost_run_lock_stops_the_run_before_the_next_write(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    engine, store = store_of(url, "local")
    try:
        tracker = LocalTracker(engine)
        checks: list[int] = []

        def fence() -> None:
            checks.append(1)
            if len(checks) > 1:
                raise LockLost("this run no longer holds the 'sync' lock", hint="run again")

        current = plan([PlanInput(pm) for pm in documents()], store.snapshot(), FixedPolicy(), TODAY)
        result = apply_plan(current, tracker, store, retry=NO_WAIT, run_id=store.start_run("t"), fence=fence)
        assert result.stopped is not None and "no longer holds" in result.stopped
        assert result.parents == ["INC-1", "INC-2"]  # the first write went through and is recorded
        assert result.created == []  # nothing after the fence failed
        assert len(tracker.list_tickets()) == 2
        rerun = run_cycle(url, LocalTracker)
        assert sorted(rerun.created) == ["INC-1#1", "INC-1#2", "INC-1#3", "INC-2#1"]
    finally:
        engine.dispose()


def test_the_file_lock_fence_notices_its_file_was_replaced(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    engine = make_engine(url)
    try:
        with run_lock(engine, timeout=1) as lock:
            lock.check()
            path = Path(f"{engine.url.database}.lock")
            path.unlink()
            path.write_text("")  # an operator "cleaned up": another run could now lock the new file
            with pytest.raises(LockLost, match="no longer holds"):
                lock.check()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_advisory_lock_fence_notices_a_killed_session(pg_url: str) -> None:
    engine = make_engine(pg_url)
    migrate(engine)
    try:
        with run_lock(engine, timeout=1) as lock:
            lock.check()
            with engine.connect() as admin:
                # Only the session holding this schema's run lock: other test runs sharing the
                # database keep theirs.
                key = advisory_key(admin, "sync")
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND pid <> pg_backend_pid() AND classid::bigint = :hi AND objid::bigint = :lo"
                    ),
                    {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF},
                )
                admin.commit()
            with pytest.raises(LockLost):
                lock.check()
    finally:
        engine.dispose()


# --- live holders, duplicates, budget ----------------------------------------------------------------


def test_an_intent_held_by_a_live_run_is_skipped_not_created(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    engine, store = store_of(url, NAME, clock)
    try:
        run_cycle(url, const(fake), clock=clock)  # everything exists; now a new item appears

        def newer() -> list[PostMortem]:
            second = doc(
                item(1, "Renew certificates automatically"), item(2, "Add cert expiry alert"), incident_id="INC-2"
            )
            return [documents()[0], second.model_copy(update={"path": "pm/inc-2.md"})]

        with holder_lease(engine, "someone-else"):
            assert holder_alive(engine, "someone-else")
            store.claim_intents([IntentClaim("INC-2#2", "item", "INC-2#2")], "someone-else")
            busy = run_cycle(url, const(fake), newer, clock=clock)
            assert "another pmsync run is creating" in busy.pending["INC-2#2"]
            assert "INC-2#2" not in fake.markers()
        assert not holder_alive(engine, "someone-else")  # it died without creating anything
        clock.advance(fake.lag_seconds)
        settled = run_cycle(url, const(fake), newer, clock=clock)
        assert settled.created == ["INC-2#2"] and settled.pending == {}
        assert fake.markers().count("INC-2#2") == 1
    finally:
        engine.dispose()


def test_duplicates_made_elsewhere_are_reported_and_the_oldest_kept(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    engine, store = store_of(url, NAME, clock)
    try:
        # A run died after its create; meanwhile someone filed the same ticket again by script.
        store.claim_intents([IntentClaim("INC-1", "incident", "INC-1")], "dead-run")
        draft = TicketDraft(marker=Marker("INC-1"), title="INC-1: Checkout 502s", body="")
        first, second = fake.create_many([draft, draft])
        clock.advance(fake.lag_seconds)
        report = resolve_pending_intents(fake, store, retry=NO_WAIT, holder="me", clock=clock)
        assert report.recovered == ["INC-1"]
        (duplicate,) = report.duplicates
        assert isinstance(first, TicketRef) and isinstance(second, TicketRef)
        assert second.key in duplicate and f"kept the oldest, {first.key}" in duplicate
        assert store.ticket_for("INC-1") == first
    finally:
        engine.dispose()


class RateLimitedTracker(LaggingTracker):
    def link(self, a: TicketRef, b: TicketRef, kind: object) -> None:  # type: ignore[override]
        raise RateLimited("429 Too Many Requests", tracker=NAME, op="link", retry_after=7200)


def test_a_rate_limit_wait_past_the_budget_stops_the_run_cleanly(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = RateLimitedTracker(clock)
    url = fresh_url(tmp_path)
    engine, store = store_of(url, NAME, clock)
    try:
        pacer = BudgetPacer(clock=clock, sleep=lambda seconds: clock.advance(seconds), budget_seconds=900)
        retry = RetryPolicy(attempts=3, initial_wait=1.0, sleep=pacer.wait)
        current = plan(
            [PlanInput(pm) for pm in documents()],
            store.snapshot(),
            FixedPolicy(),
            TODAY,
            capabilities=fake.capabilities,
        )
        result = apply_plan(current, fake, store, retry=retry, run_id=store.start_run("t"), clock=clock)
        assert result.stopped is not None and "run pmsync again after 2026-03-10T11:00:00" in result.stopped
        assert sorted(result.created) == ["INC-1#1", "INC-1#2", "INC-1#3", "INC-2#1"]  # recorded before the stop
        assert result.linked == 0
    finally:
        engine.dispose()


def test_holder_leases_without_a_file_database_are_never_alive() -> None:
    engine = make_engine("sqlite://")
    try:
        with holder_lease(engine, "me"):
            assert not holder_alive(engine, "me")
        with run_lock(engine) as lock:
            lock.check()
    finally:
        engine.dispose()
    assert os.environ is not None


def test_each_remote_write_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    url = fresh_url(tmp_path)
    run_cycle(url, LocalTracker)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    created = [line for line in lines if line.startswith("Created ")]
    assert len(created) == 6 and len(set(created)) == 6  # 2 parents + 4 items, once each
    assert "Created LOC-1 for INC-1" in created
    assert sum(line.startswith("Linked ") for line in lines) == 2
    assert not any(line.startswith("Parent ") for line in lines)
    assert {r.name for r in caplog.records if r.levelno == logging.INFO} <= {"sync.apply"}
    caplog.clear()
    run_cycle(url, LocalTracker)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == []  # nothing written


def test_a_failed_element_of_a_batch_is_retried_alone(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock, max_batch=3)
    fake.refuse_once["INC-1#2"] = RateLimited("429 for this element", tracker=NAME, op="create", retry_after=1)
    fake.refuse_once["INC-1#3"] = TrackerError("summary: too long", tracker=NAME, op="create")
    url = fresh_url(tmp_path)
    result = run_cycle(url, const(fake), clock=clock)
    assert sorted(result.created) == ["INC-1#1", "INC-1#2", "INC-2#1"]
    assert "too long" in result.failures["INC-1#3"]
    assert fake.create_calls == 4  # parents, items (one batch of 3 and one of 1)... and INC-1#2 alone
    assert sorted(fake.markers()) == ["INC-1", "INC-1#1", "INC-1#2", "INC-2", "INC-2#1"]
    engine, store = store_of(url, NAME)
    try:
        assert store.pending_intents() == []  # the refused one left no intent behind
    finally:
        engine.dispose()
    rerun = run_cycle(url, const(fake), clock=clock)
    assert rerun.created == ["INC-1#3"] and rerun.failures == {}


def test_an_intent_whose_ticket_already_tracks_another_item_is_forgotten(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    engine, store = store_of(url, "local")
    try:
        local = LocalTracker(engine)
        (ref,) = local.create_many([TicketDraft(marker=Marker("INC-1#1"), title="A", body="")])
        assert isinstance(ref, TicketRef)
        store.record_ticket("INC-9#4", "item", ref, fields=None, status=Status.OPEN)
        store.claim_intents([IntentClaim("INC-1#1", "item", "INC-1#1")], "dead-run")
        report = resolve_pending_intents(local, store, retry=NO_WAIT, holder="me")
        assert report.recovered == [] and report.pending == {}
        assert store.pending_intents() == []
    finally:
        engine.dispose()


def test_a_stopped_run_writes_nothing_back(tmp_path: Path) -> None:
    # The budget ran out mid-run: what was created is recorded, and the documents are left for the
    # next run to write back (a run that lost its lock must not touch them either).
    from sync.core.parse import ParseOptions
    from sync.pipeline import SyncOptions, run_sync
    from tests.cli.test_cli_sync import write_doc

    clock = FakeClock()
    fake = RateLimitedTracker(clock)
    url = fresh_url(tmp_path)
    engine, store = store_of(url, NAME, clock)
    doc = write_doc(tmp_path / "inc-100.md")
    before = doc.read_bytes()
    try:
        pacer = BudgetPacer(clock=clock, sleep=lambda seconds: clock.advance(seconds), budget_seconds=900)
        report = run_sync(
            [doc],
            tracker=fake,
            store=store,
            policy=FixedPolicy(),
            parse_options=ParseOptions(),
            today=TODAY,
            options=SyncOptions(write_back=True, pull=False),
            retry=RetryPolicy(attempts=3, initial_wait=1.0, sleep=pacer.wait),
        )
        assert report.applied is not None and report.applied.stopped is not None
        assert report.applied.created, "creates before the stop are recorded"
        assert report.written == {} and doc.read_bytes() == before
    finally:
        engine.dispose()
