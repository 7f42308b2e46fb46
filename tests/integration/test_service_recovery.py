"""Issue 29, items 1 and 2 in-process, on SQLite and PostgreSQL: a slot whose holder died part-way
(or that was stopped) is taken over and run again at once by the next leader — once, by one
replica, and only while it is still its job's newest (a calendar job's only in its own period);
a leader that loses its lock stops its job before the next tracker call and reports
``pmsync_leader 0``. The process-level version (SIGKILL, ``pg_terminate_backend``) is in
``tests/cli/test_cli_serve_failures.py``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sync.service.app import GuardedTracker, JobBook, Service, _wait
from sync.service.leader import PgLeadership
from sync.service.schedule import Daily, Every, Job, JobOutcome, JobRunner, LeadershipLost, Weekly
from sync.store.engine import make_engine
from sync.store.lock import RunLock, holder_lease
from sync.store.service_store import JobRun, SlotLedger
from sync.trackers.local_tracker import LocalTracker
from tests.integration.service_harness import runtime, settings, wait_for

NOW = dt.datetime(2026, 12, 2, 10, 0, 5, tzinfo=dt.UTC)  # a Wednesday
EVERY = Every(dt.timedelta(minutes=1))


def ledger(engine: Engine, holder: str, clock: dt.datetime = NOW) -> SlotLedger:
    return SlotLedger(engine, holder, clock=lambda: clock)


def runner(engine: Engine, jobs: list[Job], holder: str) -> JobRunner:
    return JobRunner(jobs, ledger(engine, holder), clock=lambda: NOW)


def left_running(engine: Engine, job: str, slot: str, holder: str, at: dt.datetime = NOW) -> None:
    """A slot claimed by ``holder``, which then died (its lease is not held by anyone)."""
    assert ledger(engine, holder, at).claim(job, slot)


def test_a_slot_left_running_by_a_dead_holder_runs_again_at_once(engine: Engine) -> None:
    slot = EVERY.slot(NOW)
    assert slot is not None
    left_running(engine, "sync", slot, "dead-replica")
    ran: list[str] = []
    survivor = runner(engine, [Job("sync", lambda: ran.append("sync"), EVERY)], "survivor")
    outcomes = survivor.recover()
    assert [(o.job, o.slot, o.outcome) for o in outcomes] == [("sync", slot, "ok")]
    assert ran == ["sync"]
    (row,) = ledger(engine, "x").runs("sync")
    assert (row.holder, row.outcome) == ("survivor", "ok")
    assert survivor.recover() == []  # done: nothing interrupted any more
    assert survivor.run_once() == []  # and the slot is not run a third time


def test_an_interval_slot_is_resumed_even_after_its_interval_passed(engine: Engine) -> None:
    earlier = NOW - dt.timedelta(minutes=3)
    slot = EVERY.slot(earlier)
    assert slot is not None
    left_running(engine, "sync", slot, "dead-replica", at=earlier)
    ran: list[str] = []
    survivor = runner(engine, [Job("sync", lambda: ran.append("sync"), EVERY)], "survivor")
    assert [o.slot for o in survivor.recover()] == [slot]
    assert ran == ["sync"]


def test_a_live_holders_running_slot_is_left_alone(engine: Engine) -> None:
    slot = EVERY.slot(NOW)
    assert slot is not None
    with holder_lease(engine, "busy-replica"):
        left_running(engine, "sync", slot, "busy-replica")
        ran: list[str] = []
        other = runner(engine, [Job("sync", lambda: ran.append("sync"), EVERY)], "other")
        assert other.recover() == []
        assert ran == []


def test_a_stopped_slot_runs_again(engine: Engine) -> None:
    slot = EVERY.slot(NOW)
    assert slot is not None
    stopped = ledger(engine, "replica-a")
    assert stopped.claim("pull", slot)
    stopped.finish("pull", slot, "stopped", "leadership lost")
    ran: list[str] = []
    assert [o.outcome for o in runner(engine, [Job("pull", lambda: ran.append("p"), EVERY)], "b").recover()] == ["ok"]
    assert ran == ["p"]


def test_only_one_replica_takes_an_interrupted_slot_over(engine: Engine) -> None:
    slot = EVERY.slot(NOW)
    assert slot is not None
    left_running(engine, "sync", slot, "dead-replica")
    a, b = ledger(engine, "replica-a"), ledger(engine, "replica-b")
    seen_a, seen_b = a.interrupted("sync"), b.interrupted("sync")
    assert seen_a is not None and seen_b is not None
    assert a.take_over(seen_a) is True
    assert b.take_over(seen_b) is False  # it changed hands after b looked
    (row,) = ledger(engine, "x").runs("sync")
    assert (row.holder, row.outcome) == ("replica-a", "running")


def test_a_superseded_slot_is_not_run_again_but_closed(engine: Engine) -> None:
    earlier = NOW - dt.timedelta(minutes=3)
    old_slot, new_slot = EVERY.slot(earlier), EVERY.slot(NOW)
    assert old_slot is not None and new_slot is not None
    left_running(engine, "sync", old_slot, "dead-replica", at=earlier)
    later = ledger(engine, "replica-a")
    assert later.claim("sync", new_slot)
    later.finish("sync", new_slot, "ok")
    ran: list[str] = []
    survivor = runner(engine, [Job("sync", lambda: ran.append("sync"), EVERY)], "survivor")
    assert survivor.recover() == []
    survivor.abandon_orphans()
    outcomes = {r.slot: r.outcome for r in ledger(engine, "x").runs("sync")}
    assert outcomes == {old_slot: "abandoned", new_slot: "ok"}
    assert ran == []


def test_a_weekly_report_killed_part_way_is_sent_once_in_its_week(engine: Engine) -> None:
    weekly = Weekly(0, dt.time(9, 0), dt.UTC)  # type: ignore[arg-type]
    this_week = weekly.slot(NOW)
    assert this_week is not None
    left_running(engine, "weekly_report", this_week, "dead-replica")
    sent: list[str] = []
    jobs = [Job("weekly_report", lambda: sent.append("report"), weekly)]
    survivor = runner(engine, jobs, "survivor")
    assert [o.outcome for o in survivor.recover()] == ["ok"]
    assert survivor.run_once() == []
    assert runner(engine, jobs, "third").run_once() == []
    assert sent == ["report"]  # not lost, not twice


def test_last_weeks_interrupted_report_is_not_sent_this_week(engine: Engine) -> None:
    weekly = Weekly(0, dt.time(9, 0), dt.UTC)  # type: ignore[arg-type]
    last_week = NOW - dt.timedelta(days=7)
    slot = weekly.slot(last_week)
    assert slot is not None
    left_running(engine, "weekly_report", slot, "dead-replica", at=last_week)
    sent: list[str] = []
    survivor = runner(engine, [Job("weekly_report", lambda: sent.append("report"), weekly)], "survivor")
    assert survivor.recover() == []
    assert [o.slot for o in survivor.run_once()] == [weekly.slot(NOW)]  # this week's, once
    assert sent == ["report"]


def test_a_daily_nudge_slot_is_resumed_on_its_day(engine: Engine) -> None:
    daily = Daily(dt.time(9, 30), dt.UTC)  # type: ignore[arg-type]
    slot = daily.slot(NOW)
    assert slot is not None
    left_running(engine, "overdue_nudges", slot, "dead-replica")
    sent: list[str] = []
    survivor = runner(engine, [Job("overdue_nudges", lambda: sent.append("n"), daily)], "survivor")
    assert [o.outcome for o in survivor.run_once()] == ["ok"]  # --once recovers too
    assert sent == ["n"]


# --- a leader that loses its lock stops before the next tracker call ---------------------------


class Fence:
    def __init__(self) -> None:
        self.held = True

    def check(self) -> None:
        RunLock("service-leader", lambda: self.held).check()


def test_the_guarded_tracker_refuses_calls_once_leadership_is_lost(engine: Engine) -> None:
    inner = LocalTracker(engine)
    fence = Fence()
    guard = GuardedTracker(inner, None, threading.Event())
    guard.fence = fence.check
    assert guard.fetch([]) == []  # a call while leading goes through
    fence.held = False
    with pytest.raises(LeadershipLost, match="service-leader"):
        guard.fetch([])


def test_a_job_that_loses_leadership_is_marked_stopped_and_resumed_elsewhere(engine: Engine) -> None:
    fence = Fence()
    guard = GuardedTracker(LocalTracker(engine), None, threading.Event())
    guard.fence = fence.check
    calls: list[int] = []

    def sync() -> None:
        for n in range(5):
            if n == 2:
                fence.held = False  # the leader session was killed here
            guard.fetch([])
            calls.append(n)

    slot = EVERY.slot(NOW)
    old = runner(engine, [Job("sync", sync, EVERY)], "old-leader")
    with pytest.raises(LeadershipLost):
        old.run_once()
    assert calls == [0, 1]  # no call after the lock was gone
    (row,) = ledger(engine, "x").runs("sync")
    assert (row.outcome, row.error) == ("stopped", "leadership lost")
    ran: list[str] = []
    new = runner(engine, [Job("sync", lambda: ran.append("sync"), EVERY)], "new-leader")
    assert [(o.slot, o.outcome) for o in new.recover()] == [(slot, "ok")]
    assert ran == ["sync"]


def test_a_child_job_is_ended_when_leadership_is_lost(engine: Engine, tmp_path: Path) -> None:
    fence = Fence()
    guard = GuardedTracker(LocalTracker(engine), None, threading.Event())
    guard.fence = fence.check
    book = JobBook(runtime(engine, LocalTracker(engine)), tmp_path, check=guard.check)
    marker = tmp_path / "child-ran-to-the-end"
    script = f"import time, pathlib; time.sleep(30); pathlib.Path({str(marker)!r}).write_text('x')"
    # The waiting loop of every child job (command_job), around a child that would take 30 s.
    child = subprocess.Popen([sys.executable, "-c", script], text=True)
    threading.Timer(0.5, lambda: setattr(fence, "held", False)).start()
    started = time.monotonic()
    with pytest.raises(LeadershipLost):
        _wait(child, book.check)
    assert time.monotonic() - started < 10
    assert child.poll() is not None  # ended, not left running
    assert not marker.exists()


# --- PostgreSQL: the real lock, a killed session ------------------------------------------------


def _terminate_lock_session(pg_url: str, key: int) -> None:
    admin = make_engine(pg_url)
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    try:
        with admin.connect() as conn:
            (pid,) = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND classid = CAST(:hi AS oid) AND objid = CAST(:lo AS oid)"
                ),
                {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
            ).scalars()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_pg_held_is_false_the_moment_the_leader_session_is_killed(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        a, b = PgLeadership(engine), PgLeadership(engine)
        assert a.check() and a.held()
        assert not b.held()  # a follower never reports leading
        assert a.key is not None
        _terminate_lock_session(pg_url, a.key)
        assert a.held() is False  # before any check() noticed
        assert b.check() and b.held()
        assert not a.held()
        b.release()
        assert not b.held()
        a.release()  # closes its dead connection
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_service_whose_leader_session_is_killed_stops_its_sync_and_steps_down(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    from sync.store.migrations import migrate

    migrate(engine)
    calls: list[float] = []
    invocations: list[int] = []
    leadership = PgLeadership(engine)

    config = settings(
        schedule={"sync_every": "1h", "pull_every": "1h", "jitter": "0s"},
        service={"lease_seconds": 0.2, "listen": "127.0.0.1:0", "stop_timeout_seconds": 5},
    )
    service = Service(
        runtime(engine, LocalTracker(engine), config),
        base_dir=tmp_path,
        environ={},
        leadership=leadership,
        factories={},
    )

    def slow_sync() -> None:
        """The first run makes a tracker call every 50 ms until stopped; a re-run returns at once."""
        invocations.append(len(invocations) + 1)
        while len(invocations) == 1:
            service.tracker.fetch([])
            calls.append(time.monotonic())
            time.sleep(0.05)

    service.runner = JobRunner([Job("sync", slow_sync, Every(dt.timedelta(hours=1)))], service.ledger, service.metrics)
    thread = threading.Thread(target=service.serve)
    thread.start()
    try:
        assert wait_for(lambda: len(calls) >= 3)
        assert service.metrics.registry.get_sample_value("pmsync_leader") == 1.0
        assert leadership.key is not None
        _terminate_lock_session(pg_url, leadership.key)
        killed_at = time.monotonic()
        assert service.metrics.registry.get_sample_value("pmsync_leader") == 0.0  # at once
        # It stepped down, was elected again (no other replica here) and re-ran the stopped slot.
        assert wait_for(lambda: invocations == [1, 2])
        after = [t for t in calls if t > killed_at]
        # The call in flight when the session died may finish; none starts after the fence saw it.
        assert len(after) <= 1, after
        assert wait_for(lambda: [r.outcome for r in ledger(engine, "x").runs("sync")] == ["ok"])
    finally:
        service.request_stop()
        thread.join(10)
        engine.dispose()
    assert not thread.is_alive()


def test_job_outcome_of_recover_is_observed(engine: Engine) -> None:
    observed: list[JobOutcome] = []

    class Observer:
        def job_finished(self, outcome: JobOutcome) -> None:
            observed.append(outcome)

    slot = EVERY.slot(NOW)
    assert slot is not None
    left_running(engine, "pull", slot, "dead-replica")
    run = JobRunner([Job("pull", lambda: None, EVERY)], ledger(engine, "b"), Observer(), clock=lambda: NOW)
    run.recover()
    assert [(o.job, o.outcome) for o in observed] == [("pull", "ok")]
    assert isinstance(ledger(engine, "x").runs()[0], JobRun)


def test_a_stop_lets_a_child_job_finish_like_a_call_in_flight(engine: Engine, tmp_path: Path) -> None:
    stop = threading.Event()
    guard = GuardedTracker(LocalTracker(engine), None, stop)
    marker = tmp_path / "child-ran-to-the-end"
    script = f"import time, pathlib; time.sleep(1.5); pathlib.Path({str(marker)!r}).write_text('x')"
    child = subprocess.Popen([sys.executable, "-c", script], text=True)
    threading.Timer(0.3, stop.set).start()
    assert _wait(child, guard.check) == 0
    assert marker.exists()  # not cut short: a report half-posted would be posted again on resume
