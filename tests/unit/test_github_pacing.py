"""GitHub's secondary limits: when the next write may go, and the budget shared across runs."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.errors import BudgetExhausted
from sync.pacing import BudgetPacer
from sync.trackers.github_pacing import GitHubWritePacer, MemoryWriteLedger, WriteLimits, next_write_at

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("times", "now", "limits", "expected"),
    [
        ([], 0, WriteLimits(), 0),  # nothing written: at once
        ([0], 0.2, WriteLimits(), 1.0),  # one second apart
        ([0], 5, WriteLimits(), 5),
        ([float(i) for i in range(3)], 10, WriteLimits(per_minute=3), 60),  # minute window full
        ([float(i) for i in range(3)], 61, WriteLimits(per_minute=3), 61),
        ([i * 2.0 for i in range(5)], 20, WriteLimits(per_minute=80, per_hour=5), 3600),  # hour window full
        ([0, 1, 2], 2.5, WriteLimits(per_minute=80, per_hour=500, min_interval=0), 2.5),
    ],
)
def test_next_write_at(times: list[float], now: float, limits: WriteLimits, expected: float) -> None:
    assert next_write_at([at(t) for t in times], at(now), limits) == at(expected)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        WriteLimits(per_minute=0)


class Clock:
    def __init__(self) -> None:
        self.now = T0
        self.slept: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)


def test_writes_are_spaced_and_reads_are_not() -> None:
    clock = Clock()
    inner = BudgetPacer(clock=clock, sleep=clock.sleep, budget_seconds=3600)
    progress: list[int] = []
    pacer = GitHubWritePacer(
        inner, MemoryWriteLedger(), clock, WriteLimits(), progress=lambda n, _at: progress.append(n)
    )
    for _ in range(3):
        pacer.before_request(write=True)
        pacer.before_request(write=False)
    assert clock.slept == [1.0, 1.0]
    assert progress == [1, 2, 3] and pacer.writes == 3


def test_a_second_run_shares_the_hour_with_the_first() -> None:
    """Two runs in a row (two pacers, one ledger) never exceed the hour's budget together."""
    clock = Clock()
    ledger = MemoryWriteLedger()
    limits = WriteLimits(per_minute=80, per_hour=10, min_interval=1.0)
    first = GitHubWritePacer(BudgetPacer(clock=clock, sleep=clock.sleep, budget_seconds=600), ledger, clock, limits)
    for _ in range(10):
        first.before_request(write=True)
    second = GitHubWritePacer(BudgetPacer(clock=clock, sleep=clock.sleep, budget_seconds=600), ledger, clock, limits)
    with pytest.raises(BudgetExhausted) as stopped:
        second.before_request(write=True)
    assert stopped.value.resume_at == T0 + dt.timedelta(hours=1)
    assert len(ledger.recent(T0)) == 10, "the refused write was not counted"


def test_observe_and_wait_go_to_the_inner_pacer() -> None:
    clock = Clock()
    inner = BudgetPacer(clock=clock, sleep=clock.sleep, budget_seconds=600)
    pacer = GitHubWritePacer(inner, MemoryWriteLedger(), clock)
    pacer.observe({"Retry-After": "30"})
    pacer.before_request(write=False)
    assert clock.slept == [30.0]
    pacer.wait(5)
    assert clock.slept == [30.0, 5.0]
    with pytest.raises(BudgetExhausted):
        pacer.wait(3600)


def test_memory_ledger_forgets_after_an_hour() -> None:
    ledger = MemoryWriteLedger()
    ledger.record(T0)
    ledger.record(at(3601))
    assert ledger.recent(T0 - dt.timedelta(days=1)) == [at(3601)]


def test_terminal_progress_says_where_the_hour_stands() -> None:
    import io

    from sync.trackers.github_pacing import TerminalProgress

    ledger = MemoryWriteLedger()
    stream = io.StringIO()
    progress = TerminalProgress(stream, ledger, WriteLimits(per_hour=2))
    ledger.record(T0)
    progress(1, T0)
    assert "1/2 in the last hour; 1 more possible this hour" in stream.getvalue()
    ledger.record(at(1))
    progress(2, at(1))
    assert "budget spent, next write at 10:00 UTC" in stream.getvalue()
