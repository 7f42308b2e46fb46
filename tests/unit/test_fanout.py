"""``fan_out``: the bound, the order outcomes are recorded in, and one failure never stopping the rest."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sync.fanout import Outcome, fan_out


class InFlight:
    """Counts sends running at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.now -= 1


def test_at_most_limit_sends_run_at_once_and_the_limit_is_reached() -> None:
    flight = InFlight()
    # The first four sends can only pass the barrier together: fewer in flight would break it.
    barrier = threading.Barrier(4, timeout=5)
    outcomes: list[Outcome[int]] = []

    def send(n: int) -> int:
        with flight:
            if n < 4:
                barrier.wait()
            threading.Event().wait(0.002)
            return n * n

    fan_out(range(20), send, lambda _n, outcome: outcomes.append(outcome), limit=4)
    assert [o.get() for o in outcomes] == [n * n for n in range(20)]
    assert flight.peak == 4


def test_outcomes_are_recorded_on_the_calling_thread_in_the_items_order() -> None:
    first_may_finish = threading.Event()
    finished: list[int] = []
    recorded: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send(n: int) -> int:
        if n == 0:
            assert first_may_finish.wait(5)
        elif n == 4:
            first_may_finish.set()
        with lock:
            finished.append(n)
        return n

    def record(n: int, outcome: Outcome[int]) -> None:
        recorded.append((outcome.get(), threading.current_thread().name))

    fan_out(range(6), send, record, limit=3)
    assert finished.index(0) > finished.index(1)  # the first send finished after later ones...
    assert [n for n, _thread in recorded] == list(range(6))  # ...and was still recorded first
    assert {thread for _n, thread in recorded} == {threading.current_thread().name}


def test_a_failed_send_is_that_items_outcome_and_the_others_go_on() -> None:
    recorded: dict[int, Outcome[int]] = {}

    def send(n: int) -> int:
        if n % 3 == 1:
            raise ValueError(f"item {n} refused")
        return n

    fan_out(range(7), send, recorded.__setitem__, limit=2)
    assert sorted(recorded) == list(range(7))
    for n in (1, 4):
        with pytest.raises(ValueError, match=f"item {n} refused"):
            recorded[n].get()
    assert [recorded[n].get() for n in (0, 2, 3, 5, 6)] == [0, 2, 3, 5, 6]


def test_items_are_taken_only_when_a_slot_is_free() -> None:
    both_in_flight = threading.Barrier(2, timeout=5)
    taken: list[int] = []
    seen_while_full: list[list[int]] = []

    def items() -> Iterator[int]:
        for n in range(6):
            taken.append(n)
            yield n

    def send(n: int) -> int:
        if n < 2:
            both_in_flight.wait()
            threading.Event().wait(0.05)  # time enough for a third item to be taken, were it allowed
            seen_while_full.append(list(taken))
        return n

    recorded: list[int] = []
    fan_out(items(), send, lambda _n, outcome: recorded.append(outcome.get()), limit=2)
    assert recorded == list(range(6))
    assert seen_while_full[0] == [0, 1]  # while both slots were busy, no further item was taken


def test_a_stop_on_the_calling_thread_sends_nothing_more_and_waits_for_those_in_flight() -> None:
    sent: list[int] = []
    running = InFlight()
    lock = threading.Lock()

    def send(n: int) -> int:
        with running:
            threading.Event().wait(0.01)
            with lock:
                sent.append(n)
        return n

    def record(n: int, _outcome: Outcome[int]) -> None:
        if n == 2:
            raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        fan_out(range(50), send, record, limit=3)
    assert running.now == 0  # no send outlives the call
    assert len(sent) <= 2 + 3 + 1  # those recorded, those in flight at the stop, one taken meanwhile
    assert sorted(sent) == list(range(len(sent)))


def test_limit_one_is_a_plain_loop_on_the_calling_thread() -> None:
    threads: set[str] = set()
    order: list[str] = []

    def send(n: int) -> int:
        threads.add(threading.current_thread().name)
        order.append(f"send {n}")
        return n

    fan_out(range(3), send, lambda n, _o: order.append(f"record {n}"), limit=1)
    assert threads == {threading.current_thread().name}
    assert order == ["send 0", "record 0", "send 1", "record 1", "send 2", "record 2"]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fan_out([1], lambda n: n, lambda _n, _o: None, limit=0)
