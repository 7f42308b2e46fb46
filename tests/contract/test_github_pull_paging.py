"""A GitHub pull whose pages shift under it (an issue updated between two pages) skips nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.core.tickets import TicketChanges, TicketRef
from sync.trackers.github_tracker import GitHubMapping
from tests.contract.github_fixtures import REPO, assert_clean, build_tracker, start
from tests.contract.tracker_contract import TrackerContract, create_one
from tests.fakes.github_server import FakeGitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start()
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


def test_an_update_between_pages_does_not_shift_an_issue_out_of_the_pull(fake: FakeGitHub) -> None:
    rig = build_tracker(fake, GitHubMapping(repo=REPO))
    refs: list[TicketRef] = [
        create_one(rig.tracker, TrackerContract.draft("INC-7", n))  # type: ignore[arg-type]
        for n in range(1, 6)
    ]
    fake.per_page_cap = 2
    first = rig.tracker.changed_since(None, None)
    assert first.more and [t.ref for t in first.tickets] == refs[:2]
    # Someone edits the first issue: sorted by update time it moves to the end, and every issue
    # after it moves one place up, so "page 2" no longer starts where page 1 ended.
    rig.clock.advance(5)
    rig.tracker.update(refs[0], TicketChanges(title="Edited while pmsync was paging"))
    seen = {t.ref.key for t in first.tickets}
    cursor, more, pages = first.next_cursor, first.more, 1
    while more:
        page = rig.tracker.changed_since(cursor, None)
        seen |= {t.ref.key for t in page.tickets}
        cursor, more, pages = page.next_cursor, page.more, pages + 1
        assert pages < 20
    assert seen == {ref.key for ref in refs}
    # And the pull still settles: the next idle cycle is one 304.
    fake.statuses.clear()
    idle = rig.tracker.changed_since(cursor, None)
    assert idle.tickets == () and not idle.more and fake.statuses[304] == 1
