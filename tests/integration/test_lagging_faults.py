"""Exactly-once on a tracker as weak as the real ones (tests/fakes/lagging_tracker.py).

Marker search lags behind creates, nothing refuses a second ticket with the same marker, a create
can time out after it committed, pull re-delivers. Every test injects faults, reruns until nothing
is pending, and counts: duplicate tickets (markers carried by more than one ticket) and lost items
(items without a recorded ticket). Each prints ``faults injected: N, duplicates: D, lost: L``.

The lagging fake lives in one process, so its "processes" are threads, each with its own state
database connection, run lock attempt and holder lease — the same isolation two processes have
(file locks and advisory locks are per descriptor / per session). The local tracker's races are
real processes (``tests/integration/test_apply.py``).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sync.apply import ApplyResult
from sync.core.model import Status
from sync.core.tickets import TicketDraft
from sync.store import tables
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.trackers.base import CreateResult, Tracker
from sync.trackers.local_tracker import LocalTracker
from tests.fakes.lagging_tracker import NAME, FakeClock, LaggingTracker
from tests.integration.apply_harness import SimulatedCrash, StepCrasher, run_cycle

ITEMS = {"INC-1#1", "INC-1#2", "INC-1#3", "INC-2#1"}
OWNERS = ITEMS | {"INC-1", "INC-2"}
MAX_RERUNS = 6


def settle(url: str, fake: LaggingTracker, clock: FakeClock) -> list[ApplyResult]:
    """Rerun (letting the search lag pass between runs) until nothing is pending."""
    results = []
    for _ in range(MAX_RERUNS):
        result = run_cycle(url, tracker_of(fake), clock=clock)
        results.append(result)
        if not result.pending and not result.failures:
            return results
        clock.advance(fake.lag_seconds)
    raise AssertionError(f"still pending after {MAX_RERUNS} reruns: {results[-1].pending} {results[-1].failures}")


def count(url: str, fake: LaggingTracker) -> tuple[int, int]:
    """``(duplicates, lost)`` over the fake's tickets and the state."""
    duplicates = sum(n - 1 for n in Counter(fake.markers()).values() if n > 1)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            owned = set(
                conn.execute(select(tables.tickets.c.owner_key).where(tables.tickets.c.tracker == NAME)).scalars()
            )
            intents = conn.execute(select(tables.create_intents.c.owner_key)).scalars().all()
    finally:
        engine.dispose()
    assert intents == []
    return duplicates, len(OWNERS - owned)


def fresh_url(tmp_path: Path, name: str) -> str:
    """A migrated, empty SQLite database (copied from one migrated template: hundreds of runs)."""
    template = tmp_path / "template.db"
    if not template.exists():
        engine = make_engine(f"sqlite:///{template}")
        migrate(engine)
        engine.dispose()
    target = tmp_path / f"{name}.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def clean_run_calls() -> int:
    """How many tracker calls one undisturbed first run makes (the steps to crash at)."""
    clock = FakeClock()
    crasher = StepCrasher(LaggingTracker(clock))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_url(Path(tmp), "count")
        run_cycle(url, tracker_of(crasher), clock=clock)
    return crasher.calls


def test_a_clean_first_run_on_the_lagging_tracker(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path, "clean")
    first = run_cycle(url, tracker_of(fake), clock=clock)
    assert sorted(first.created) == sorted(ITEMS)
    assert sorted(first.parents) == ["INC-1", "INC-2"]
    assert first.attached == len(ITEMS)  # parents need a second write on this backend
    assert first.failures == {} and first.pending == {}
    assert fake.create_calls == 3  # 2 parents in one batch, 4 items in batches of 3
    again = run_cycle(url, tracker_of(fake), clock=clock)
    assert (again.created, again.updated, again.attached, again.linked) == ([], [], 0, 0)
    assert count(url, fake) == (0, 0)


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
def test_crash_at_every_step_then_at_every_step_of_the_rerun(tmp_path: Path, after: bool) -> None:
    """Die before (or after) the n-th tracker call of the first run, then before (or after) the
    m-th call of the rerun, for every n and m; then rerun until settled."""
    steps = clean_run_calls()
    faults = duplicates = lost = 0
    for first in range(1, steps + 1):
        for second in range(steps + 1):  # 0: the rerun is not disturbed
            clock = FakeClock()
            fake = LaggingTracker(clock)
            url = fresh_url(tmp_path, f"crash-{first}-{second}-{after}")
            with pytest.raises(SimulatedCrash):
                run_cycle(url, tracker_of(StepCrasher(fake, first, after=after)), clock=clock)
            faults += 1
            if second:
                clock.advance(fake.lag_seconds / 2)
                try:
                    run_cycle(url, tracker_of(StepCrasher(fake, second, after=after)), clock=clock)
                except SimulatedCrash:
                    faults += 1
            settle(url, fake, clock)
            d, lo = count(url, fake)
            duplicates += d
            lost += lo
    print(f"faults injected: {faults}, duplicates: {duplicates}, lost: {lost}")
    assert faults > steps * steps
    assert (duplicates, lost) == (0, 0)


def test_an_unconfirmed_create_stays_pending_until_the_lag_bound(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock, lag_lookups=100)  # only time makes tickets visible
    url = fresh_url(tmp_path, "pending")
    crasher = StepCrasher(fake, 2, after=True)  # the first item batch is created, then the run dies
    with pytest.raises(SimulatedCrash):
        run_cycle(url, tracker_of(crasher), clock=clock)
    before = len(fake.markers())
    early = run_cycle(url, tracker_of(fake), clock=clock)
    assert set(early.pending) >= {"INC-1#1", "INC-1#2", "INC-1#3"}
    assert len(fake.markers()) == before + 1  # only INC-2#1 was created; the pending ones were not
    engine = make_engine(url)
    try:
        rows = {row.item_key: row for row in SqlStateStore(engine, NAME).status_rows()}
    finally:
        engine.dispose()
    assert rows["INC-1#1"].pending and rows["INC-1#1"].ticket is None
    clock.advance(fake.lag_seconds)
    later = run_cycle(url, tracker_of(fake), clock=clock)
    assert sorted(later.recovered) == ["INC-1#1", "INC-1#2", "INC-1#3"]
    assert later.pending == {}
    print(f"faults injected: 1, duplicates: {count(url, fake)[0]}, lost: {count(url, fake)[1]}")
    assert count(url, fake) == (0, 0)


def test_a_create_committed_late_is_not_created_again_once_the_lag_alone_has_passed(tmp_path: Path) -> None:
    # The server commits a create 20 s after it was sent (within the 30 s request time-out), and its
    # search lags 120 s behind the commit: 120 s after the send, a miss proves nothing yet.
    clock = FakeClock()
    fake = LaggingTracker(clock, lag_lookups=100, commit_delay_seconds=20, write_timeout_seconds=30)
    url = fresh_url(tmp_path, "late")
    crasher = StepCrasher(fake, 2, after=True)  # the first item batch is sent and committed, then the run dies
    with pytest.raises(SimulatedCrash):
        run_cycle(url, tracker_of(crasher), clock=clock)
    clock.advance(fake.lag_seconds + 1)  # past the lag counted from the send, not from the commit
    early = run_cycle(url, tracker_of(fake), clock=clock)
    assert set(early.pending) >= {"INC-1#1", "INC-1#2", "INC-1#3"}
    assert sorted(fake.markers()) == sorted(set(fake.markers()))  # nothing created twice
    clock.advance(fake.write_timeout_seconds)
    later = run_cycle(url, tracker_of(fake), clock=clock)
    assert sorted(later.recovered) == ["INC-1#1", "INC-1#2", "INC-1#3"]
    assert count(url, fake) == (0, 0)


class _PacedCrasher(StepCrasher):
    """The pacer holds the create for a rate-limit window (the clock moves on) before it is sent."""

    def __init__(self, inner: Tracker, clock: FakeClock, at: int, wait: float) -> None:
        super().__init__(inner, at, after=True)
        self.clock, self.wait = clock, wait

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        self.clock.advance(self.wait)
        return super().create_many(drafts)


def test_a_create_held_by_the_pacer_counts_its_lag_from_when_it_was_sent(tmp_path: Path) -> None:
    # 200 s pass between the claim and the request (a Retry-After window); the run dies after the
    # commit. The bound (30 s time-out + 120 s lag) counts from the send, not from the claim.
    clock = FakeClock()
    fake = LaggingTracker(clock, lag_lookups=100, write_timeout_seconds=30)
    url = fresh_url(tmp_path, "paced")
    with pytest.raises(SimulatedCrash):
        run_cycle(url, tracker_of(_PacedCrasher(fake, clock, 2, wait=200)), clock=clock)
    clock.advance(1)
    early = run_cycle(url, tracker_of(fake), clock=clock)
    assert set(early.pending) >= {"INC-1#1", "INC-1#2", "INC-1#3"}
    assert sorted(fake.markers()) == sorted(set(fake.markers()))  # nothing created twice
    settle(url, fake, clock)
    assert count(url, fake) == (0, 0)


def test_time_outs_after_commit_are_never_created_twice(tmp_path: Path) -> None:
    faults = duplicates = lost = 0
    for marker in sorted(OWNERS):
        clock = FakeClock()
        fake = LaggingTracker(clock)
        fake.timeout_after_commit.add(marker)
        url = fresh_url(tmp_path, f"timeout-{marker.replace('#', '-')}")
        first = run_cycle(url, tracker_of(fake), clock=clock)
        faults += 1
        assert marker in first.pending  # created, not confirmed: never created again in this run
        settle(url, fake, clock)
        d, lo = count(url, fake)
        duplicates += d
        lost += lo
    print(f"faults injected: {faults}, duplicates: {duplicates}, lost: {lost}")
    assert (duplicates, lost) == (0, 0)


def test_every_create_timing_out_at_once(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    fake.timeout_after_commit.update(OWNERS)
    url = fresh_url(tmp_path, "all-timeouts")
    first = run_cycle(url, tracker_of(fake), clock=clock)
    assert set(first.pending) == OWNERS  # items wait for their parents' confirmation
    settle(url, fake, clock)
    print(f"faults injected: {len(OWNERS)}, duplicates: {count(url, fake)[0]}, lost: {count(url, fake)[1]}")
    assert count(url, fake) == (0, 0)


def race(url: str, fake: LaggingTracker, clock: FakeClock, *, lock: bool, runs: int = 2) -> list[BaseException]:
    """``runs`` runs at once, each with its own database connection and run holder."""
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []

    def one() -> None:
        barrier.wait()
        try:
            run_cycle(url, tracker_of(fake), clock=clock, lock=lock)
        except BaseException as exc:  # collected and asserted on by the caller
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.slow
@pytest.mark.parametrize("lock", [True, False], ids=["run-lock", "no-run-lock"])
def test_concurrent_runs_on_the_lagging_tracker(db_url: str, engine: Engine, lock: bool) -> None:
    rounds = 4
    duplicates = lost = 0
    for _round in range(rounds):
        clock = FakeClock()
        fake = LaggingTracker(clock)
        _reset(engine)
        errors = race(db_url, fake, clock, lock=lock, runs=3)
        assert errors == [], errors
        settle(db_url, fake, clock)
        d, lo = count(db_url, fake)
        duplicates += d
        lost += lo
    print(f"faults injected: {rounds * 3} concurrent runs, duplicates: {duplicates}, lost: {lost}")
    assert (duplicates, lost) == (0, 0)


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(tables.metadata.sorted_tables):
            if table.name != tables.schema_version.name:
                conn.execute(table.delete())


def test_a_pull_between_a_crash_and_its_recovery_keeps_status_and_history(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock, lag_lookups=100)
    url = fresh_url(tmp_path, "pull-gap")
    crasher = StepCrasher(fake, 2, after=True)  # items INC-1#1..3 created, not recorded
    with pytest.raises(SimulatedCrash):
        run_cycle(url, tracker_of(crasher), clock=clock)
    made = {t.draft.marker.key: t for t in fake.tickets.values()}
    clock.advance(5)
    fake.set_status(fake._ref(made["INC-1#2"]), Status.DONE)  # a person works it at once
    engine = make_engine(url)
    try:
        from sync.pull import pull
        from sync.retry import NO_WAIT

        store = SqlStateStore(engine, NAME, clock=clock)
        pull(fake, store, retry=NO_WAIT)  # the pull runs before the recovery: moves its cursor past the change
        clock.advance(fake.lag_seconds)
        result = run_cycle(url, tracker_of(fake), clock=clock)
        assert "INC-1#2" in result.recovered
        row = {r.item_key: r for r in store.status_rows()}["INC-1#2"]
        assert row.status is Status.DONE
        assert [h.status for h in store.history("INC-1#2")] == [Status.DONE]
    finally:
        engine.dispose()


def tracker_of(tracker: Tracker | StepCrasher) -> Callable[[Engine], Tracker]:
    """The tracker factory ``run_cycle`` takes, always answering ``tracker``."""
    return lambda _engine: tracker  # type: ignore[return-value]


def local_crasher(step: int, after: bool) -> Callable[[Engine], Tracker]:
    return lambda engine: StepCrasher(LocalTracker(engine), step, after=after)  # type: ignore[return-value]


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
def test_crash_at_every_step_then_at_every_step_of_the_rerun_on_the_local_tracker(tmp_path: Path, after: bool) -> None:
    probe_url = fresh_url(tmp_path, "probe")
    probe_engine = make_engine(probe_url)
    probe = StepCrasher(LocalTracker(probe_engine))
    run_cycle(probe_url, tracker_of(probe))
    probe_engine.dispose()
    faults = duplicates = lost = 0
    for first in range(1, probe.calls + 1):
        for second in range(probe.calls + 1):
            url = fresh_url(tmp_path, f"local-{first}-{second}-{after}")
            with pytest.raises(SimulatedCrash):
                run_cycle(url, local_crasher(first, after))
            faults += 1
            if second:
                try:
                    run_cycle(url, local_crasher(second, after))
                except SimulatedCrash:
                    faults += 1
            rerun = run_cycle(url, LocalTracker)
            assert rerun.pending == {} and rerun.failures == {}
            engine = make_engine(url)
            try:
                with engine.connect() as conn:
                    markers = conn.execute(select(tables.local_tickets.c.marker_key)).scalars().all()
                    owned = set(conn.execute(select(tables.tickets.c.owner_key)).scalars())
            finally:
                engine.dispose()
            duplicates += len(markers) - len(set(markers))
            lost += len(OWNERS - owned)
    print(f"faults injected: {faults}, duplicates: {duplicates}, lost: {lost}")
    assert faults > probe.calls * probe.calls
    assert (duplicates, lost) == (0, 0)
