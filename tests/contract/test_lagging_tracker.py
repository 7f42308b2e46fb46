"""The tracker contract against the lagging fake: every weakening real trackers need, exercised."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.tickets import Marker, TicketRef
from tests.contract.tracker_contract import TrackerContract, create_one, find_one
from tests.fakes.lagging_tracker import NAME, FakeClock, LaggingTracker


class TestLaggingTrackerContract(TrackerContract):
    @pytest.fixture
    def tracker(self) -> LaggingTracker:
        self.clock = FakeClock()
        self.fake = LaggingTracker(self.clock)
        return self.fake

    def settle(self) -> None:
        self.clock.advance(self.fake.lag_seconds)

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        self.clock.advance(1)
        self.fake.set_status(ref, status)

    def add_remote_label(self, ref: TicketRef, label: str) -> None:
        self.fake.edit(ref, labels=[*self.fake.get(ref).labels, label])


def test_a_fresh_ticket_is_invisible_until_enough_lookups_or_time() -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock, lag_lookups=2, lag_seconds=60)
    ref = create_one(fake, TrackerContract.draft("INC-9", 1))
    marker = Marker("INC-9#1")
    assert find_one(fake, marker) is None
    assert find_one(fake, marker) is None
    assert find_one(fake, marker) == ref  # the third lookup after the create sees it

    other = create_one(fake, TrackerContract.draft("INC-9", 2))
    assert find_one(fake, Marker("INC-9#2")) is None
    clock.advance(60)
    assert find_one(fake, Marker("INC-9#2")) == other


def test_a_create_can_time_out_after_it_committed() -> None:
    fake = LaggingTracker(FakeClock())
    fake.timeout_after_commit.add("INC-9#1")
    (result,) = fake.create_many([TrackerContract.draft("INC-9", 1)])
    assert not isinstance(result, TicketRef)
    assert fake.markers() == ["INC-9#1"]  # it happened anyway
    (again,) = fake.create_many([TrackerContract.draft("INC-9", 1)])
    assert isinstance(again, TicketRef)  # one-shot, and no unique marker: a duplicate is possible


def test_changed_since_re_delivers_within_its_margin() -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock, page_size=2)
    refs = [create_one(fake, TrackerContract.draft("INC-9", n)) for n in (1, 2, 3)]
    seen, cursor = TrackerContract.drain(fake, None)
    assert {t.ref.key for t in seen} == {r.key for r in refs}
    again, _cursor = TrackerContract.drain(fake, cursor)
    assert {t.ref.key for t in again} == {r.key for r in refs}  # within the margin: delivered again
    assert all(ref.tracker == NAME for ref in refs)
