"""The tracker contract against the Jira adapter talking to the fake Jira, Cloud and Data Center.

Every exchange is validated against Atlassian's description (Cloud) or the DC v2 shapes (see
``tests/fakes/jira_server.py``); the ``served`` fixture fails the test on any violation.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sync.core.model import Status
from sync.core.tickets import TicketDraft, TicketRef
from sync.trackers.base import Tracker
from tests.contract.tracker_contract import TrackerContract
from tests.fakes.jira_server import RunningFake
from tests.jira.support import TestClock, clock, flavour, http, make_tracker, served  # noqa: F401 - fixtures used by this module

_HUMAN_STATUS = {Status.OPEN: "To Do", Status.IN_PROGRESS: "In Progress", Status.DONE: "Done", Status.WONT_DO: "Done"}


class TestJiraTrackerContract(TrackerContract):
    @pytest.fixture
    def tracker(self, served: RunningFake, clock: TestClock, http: httpx.Client) -> Iterator[Tracker]:  # noqa: F811
        self.fake = served.fake
        self.clock = clock
        yield make_tracker(served, clock, http)

    @staticmethod
    def person(name: str) -> str:
        # Cloud knows people by account id, Data Center by user name: an e-mail is what both look up.
        return f"{name}@example.com"

    @staticmethod
    def draft(incident_key: str, number: int, **overrides: object) -> TicketDraft:
        return TrackerContract.draft(incident_key, number, **{"assignee": "alice@example.com", **overrides})

    def settle(self) -> None:
        self.clock.advance(self.fake.index_lag + 1)

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        resolution = "Won't Do" if status is Status.WONT_DO else None
        self.fake.human_transition(ref.key, _HUMAN_STATUS[status], resolution)

    def add_remote_label(self, ref: TicketRef, label: str) -> None:
        issue = self.fake.issue(ref.key)
        self.fake.human_edit(ref.key, labels=[*issue.labels, label])
