"""The TrackerContract suite, and GitHub specifics, against the fake GitHub server.

Every request the adapter sends and every answer the fake gives is checked against GitHub's
OpenAPI description; the fake also enforces GitHub's secondary limits on a simulated clock.
Both must report nothing at the end of each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.core.model import Status
from sync.core.tickets import Marker, TicketRef
from sync.trackers.base import Tracker
from tests.contract.github_fixtures import REPO, Rig, assert_clean, build_tracker, start
from tests.contract.tracker_contract import TrackerContract
from tests.fakes.github_server import FakeGitHub

_HUMAN = {
    Status.DONE: {"state": "closed", "state_reason": "completed"},
    Status.WONT_DO: {"state": "closed", "state_reason": "not_planned"},
    Status.OPEN: {"state": "open"},
}


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start()
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


@pytest.fixture
def rig(fake: FakeGitHub) -> Rig:
    return build_tracker(fake)


class TestGitHubTrackerContract(TrackerContract):
    @pytest.fixture
    def tracker(self, rig: Rig) -> Tracker:
        self.rig = rig
        return rig.tracker

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        repo, _, number = ref.key.partition("#")
        self.rig.clock.advance(5)
        self.rig.fake.human_edit(repo, int(number), **_HUMAN[status])

    def add_remote_label(self, ref: TicketRef, label: str) -> None:
        repo, _, number = ref.key.partition("#")
        issue = self.rig.fake.issue(repo, int(number))
        self.rig.fake.human_edit(repo, int(number), labels=[*issue.labels, label])


def test_marker_lookup_is_consistent_while_search_lags(rig: Rig) -> None:
    """The capability ``consistent_lookup`` rests on this: the label-filtered issues list sees a
    create at once, while GitHub's search index (``/search/issues``) does not yet."""
    from tests.contract.tracker_contract import create_one

    draft = TrackerContract.draft("INC-lag", 1)
    ref = create_one(rig.tracker, draft)
    assert rig.tracker.find_by_markers([draft.marker])[draft.marker] == [ref]
    search = rig.tracker.read("/search/issues", {"q": f"repo:{REPO} label:{draft.marker.label}"})
    assert search["total_count"] == 0
    assert rig.tracker.capabilities.consistent_lookup
    assert Marker("INC-lag#1").label in rig.fake.repo_issues(REPO)[0].labels
