"""The pacer: spacing, rate-limit windows from headers, and the run's budget."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from sync.errors import BudgetExhausted, RateLimited, TrackerUnavailable
from sync.pacing import BudgetPacer, rate_limit_wait, requests_left
from sync.retry import RetryPolicy

START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


class Time:
    """A clock and a sleep that moves it: waits take no real time."""

    def __init__(self) -> None:
        self.now = START
        self.slept: list[float] = []

    def clock(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)


def pacer(time: Time, *, interval: float = 0.0, budget: float = 600.0) -> BudgetPacer:
    return BudgetPacer(clock=time.clock, sleep=time.sleep, min_write_interval=interval, budget_seconds=budget)


def test_writes_are_spaced_and_reads_are_not() -> None:
    time = Time()
    paced = pacer(time, interval=2.0)
    paced.before_request(write=True)
    paced.before_request(write=False)
    paced.before_request(write=True)
    time.now += dt.timedelta(seconds=5)
    paced.before_request(write=True)
    assert time.slept == [2.0]
    assert paced.waited == 2.0


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "30"},
        {"retry-after": "Tue, 10 Mar 2026 09:00:30 GMT"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int((START + dt.timedelta(seconds=30)).timestamp()))},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-03-10T09:00:30Z"},
    ],
    ids=["retry-after-seconds", "retry-after-date", "reset-epoch", "reset-iso"],
)
def test_a_window_learnt_from_headers_is_waited_out_before_the_next_request(headers: dict[str, str]) -> None:
    time = Time()
    paced = pacer(time)
    paced.observe(headers)
    paced.before_request(write=False)
    assert time.slept == [30.0]
    paced.before_request(write=False)
    assert time.slept == [30.0]  # the window is over


def test_remaining_requests_or_unreadable_headers_mean_no_wait() -> None:
    time = Time()
    paced = pacer(time)
    paced.observe({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1999999999"})
    paced.observe({"Retry-After": "soon"})
    paced.before_request(write=True)
    assert time.slept == []


def test_a_wait_past_the_budget_stops_the_run_and_says_when_to_resume() -> None:
    time = Time()
    paced = pacer(time, budget=60)
    paced.observe({"Retry-After": "3600"})
    with pytest.raises(BudgetExhausted) as excinfo:
        paced.before_request(write=True)
    assert excinfo.value.resume_at == START + dt.timedelta(hours=1)
    assert "2026-03-10T10:00:00" in (excinfo.value.hint or "")
    assert time.slept == []
    with pytest.raises(BudgetExhausted):
        paced.wait(61)
    paced.wait(59)
    assert paced.deadline == START + dt.timedelta(seconds=60)


def test_the_retry_layer_honours_retry_after_in_full_through_the_pacer() -> None:
    time = Time()
    paced = pacer(time, budget=600)
    retry = RetryPolicy(attempts=3, initial_wait=1.0, sleep=paced.wait)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RateLimited("slow down", tracker="jira", op="get", retry_after=120)
        if len(calls) == 2:
            raise TrackerUnavailable("502", tracker="jira", op="get")
        return "ok"

    assert retry.retrying()(flaky) == "ok"
    assert time.slept == [120.0, 2.0]  # no 60-second cap any more; then exponential backoff

    stopped = RetryPolicy(attempts=3, initial_wait=1.0, sleep=pacer(Time(), budget=10).wait)
    with pytest.raises(BudgetExhausted):
        stopped.retrying()(lambda: (_ for _ in ()).throw(RateLimited("x", tracker="j", op="g", retry_after=3600)))


def test_pause_follows_the_same_rules() -> None:
    time = Time()
    retry = RetryPolicy(attempts=4, initial_wait=1.0, max_wait=3.0, sleep=time.sleep)
    retry.pause(1, TrackerUnavailable("x", tracker="t", op="o"))
    retry.pause(3, TrackerUnavailable("x", tracker="t", op="o"))
    retry.pause(1, RateLimited("x", tracker="t", op="o", retry_after=7))
    RetryPolicy(initial_wait=0.0, sleep=time.sleep).pause(2, TrackerUnavailable("x", tracker="t", op="o"))
    assert time.slept == [1.0, 3.0, 7.0, 0.0]


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "Tue, 10 Mar 2026 09:01:00 GMT"}, 60.0),  # an HTTP date
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(START.timestamp()) + 90)}, 90.0),
        ({"Retry-After": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-03-10T09:00:30Z"}, 30.0),
        ({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": str(int(START.timestamp()) + 90)}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "Tue, 10 Mar 2026 08:00:00 GMT"}, 0.0),  # already passed
        ({}, None),
    ],
)
def test_rate_limit_wait_is_read_in_one_place(headers: dict[str, str], seconds: float | None) -> None:
    """Issue 25: Retry-After was parsed four ways (GitHub, Jira, the webhook publisher, the pacer)."""
    assert rate_limit_wait(headers, START) == seconds


def test_requests_left() -> None:
    assert requests_left({"X-RateLimit-Remaining": "4999"}) == 4999
    assert requests_left({"x-ratelimit-remaining": "n/a"}) is None
    assert requests_left({}) is None


def test_a_window_learnt_while_another_thread_waits_holds_that_thread_too() -> None:
    # Apply's follow-up writes run on a few threads: a 429 one of them meets must hold the others,
    # even one already waiting out a shorter window.
    time = Time()
    sleeping, extended = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        time.sleep(seconds)
        if len(time.slept) == 1:
            sleeping.set()
            assert extended.wait(5)

    paced = BudgetPacer(clock=time.clock, sleep=sleep, budget_seconds=600)
    paced.observe({"Retry-After": "10"})
    waiter = threading.Thread(target=paced.before_request, kwargs={"write": True})
    waiter.start()
    assert sleeping.wait(5)
    paced.observe({"Retry-After": "30"})  # learnt by another thread, 10 s in
    extended.set()
    waiter.join(5)
    assert time.slept == [10.0, 30.0]
    paced.before_request(write=False)
    assert time.slept == [10.0, 30.0]  # the window is over for everyone


def test_spaced_writes_from_several_threads_take_turns() -> None:
    time = Time()
    lock = threading.Lock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)  # the clock stands still: every writer asked at the same moment

    paced = BudgetPacer(clock=time.clock, sleep=sleep, min_write_interval=2.0, budget_seconds=600)
    writers = [threading.Thread(target=paced.before_request, kwargs={"write": True}) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(5)
    assert sorted(slept) == [2.0, 4.0, 6.0]  # one goes at once, the others queue two seconds apart
