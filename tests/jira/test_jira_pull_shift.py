"""A Jira pull whose pages shift under it (an issue updated between two pages) skips nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sync.core.tickets import TicketRef
from tests.fakes.jira_server import FakeJira, RunningFake, serve
from tests.jira.support import TestClock, make_tracker
from tests.jira.test_jira_tracker import draft


@pytest.fixture
def clock() -> TestClock:
    return TestClock(step=1.0)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


@pytest.fixture(params=["cloud", "datacenter"])
def served(request: pytest.FixtureRequest, clock: TestClock) -> Iterator[RunningFake]:
    running = serve(FakeJira(request.param, clock=clock))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


def test_an_update_between_pages_does_not_shift_an_issue_out_of_the_pull(
    served: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(served, clock, http)
    refs: list[TicketRef] = []
    for start in range(0, 150, 50):
        refs += [
            r for r in tracker.create_many([draft(n) for n in range(start, start + 50)]) if isinstance(r, TicketRef)
        ]
    assert len(refs) == 150
    clock.advance(3600)  # old news: outside every lag and margin
    first = tracker.changed_since(None, None)
    assert first.more and len(first.tickets) == 100
    # Someone edits an issue of page 1: sorted by update time it moves to the end, and every
    # issue after it moves one place up.
    served.fake.human_transition(first.tickets[0].ref.key, "In Progress")
    seen = {t.ref.key for t in first.tickets}
    cursor, more, pages = first.next_cursor, first.more, 1
    while more:
        page = tracker.changed_since(cursor, None)
        seen |= {t.ref.key for t in page.tickets}
        cursor, more, pages = page.next_cursor, page.more, pages + 1
        assert pages < 20
    assert seen == {ref.key for ref in refs}
