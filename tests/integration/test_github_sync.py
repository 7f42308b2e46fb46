"""Acceptance (issue 14): whole syncs against the fake GitHub server, in-process, on its clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.github_fixtures import REPO, assert_clean, start
from tests.fakes.github_server import FakeGitHub
from tests.integration.github_project import sync, write_project

LIST = "GET /repos/{owner}/{repo}/issues"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start()
    try:
        yield server
    finally:
        server.close()


def markers(fake: FakeGitHub) -> Counter[str]:
    found: Counter[str] = Counter()
    for issue in fake.repo_issues(REPO):
        found.update(label for label in issue.labels if label.startswith("pmsync-") and label != "pmsync-incident")
    return found


def assert_ticketed_once(fake: FakeGitHub, incidents: int, *, attached: bool = True) -> int:
    """Every item and parent exactly once; returns how many items are not a sub-issue."""
    issues = fake.repo_issues(REPO)
    parents = [i for i in issues if "pmsync-incident" in i.labels]
    items = [i for i in issues if "pmsync-incident" not in i.labels]
    assert len(parents) == incidents
    assert len(items) == 3 * incidents
    assert set(markers(fake).values()) == {1}, "every marker on exactly one issue"
    loose = sum(1 for i in items if i.parent_id is None)
    if not attached:
        return loose
    for parent in parents:
        assert len(parent.sub_issue_ids) == 3
        children = [fake.issues[i] for i in parent.sub_issue_ids]
        incident = parent.title.split("(")[-1].rstrip(")") if "(" in parent.title else ""
        assert all(incident in (c.body or "") for c in children)
        assert all(f"acme/ops#{c.number}" in (parent.body or "") for c in children), "task list in the body"
    return loose


def test_120_items_then_a_resync_that_creates_nothing(fake: FakeGitHub, tmp_path: Path) -> None:
    config = write_project(tmp_path, fake, incidents=40)
    began = fake.clock.now()
    first = sync(config, fake)
    assert first.applied is not None and not first.applied.failures, first.applied.failures
    assert len(first.applied.created) == 120
    assert_ticketed_once(fake, 40)
    issue = next(i for i in fake.repo_issues(REPO) if "P1" in (i.body or "") and "pmsync-incident" not in i.labels)
    assert "due/2026-03-20" in issue.labels and "**Due:** 2026-03-20" in (issue.body or "")
    assert issue.assignees == ["alicej"]

    posts = fake.counter["POST /repos/{owner}/{repo}/issues"]
    second = sync(config, fake)
    assert second.applied is not None and second.applied.created == []
    assert fake.counter["POST /repos/{owner}/{repo}/issues"] == posts
    assert_clean(fake)
    writes = sum(n for k, n in fake.counter.items() if not k.startswith("GET"))
    print(f"writes: {writes}, simulated minutes: {(fake.clock.now() - began).total_seconds() / 60:.0f}")


def test_follow_up_writes_stay_serial_on_github(fake: FakeGitHub, tmp_path: Path) -> None:
    # Attaches (sub-issues) and closes follow the creates: GitHub's secondary-limit guidance asks
    # for serial writes, so never two requests at once, and no secondary-limit violation.
    config = write_project(tmp_path, fake, incidents=6)
    for doc in (tmp_path / "docs").glob("*.md"):
        doc.write_text(doc.read_text(encoding="utf-8").replace("| P2 | Open |", "| P2 | Done |"), encoding="utf-8")
    report = sync(config, fake)
    assert report.applied is not None and not report.applied.failures, report.applied.failures
    assert report.applied.attached == 18 and report.applied.transitioned == 6
    assert fake.in_flight.peak == 1
    assert_clean(fake)


@pytest.mark.parametrize("incidents", [2, 12])
def test_idle_resync_costs_one_304_per_repository(fake: FakeGitHub, tmp_path: Path, incidents: int) -> None:
    fake.add_repo("acme/search")
    config = write_project(tmp_path, fake, incidents=incidents, teams=("payments", "search"))
    sync(config, fake)
    assert len(fake.repo_issues("acme/search")) == 4 * (incidents // 2), "routed to the second repository"
    sync(config, fake)  # settles the pull cursors' ETags
    fake.counter.clear()
    fake.statuses.clear()
    report = sync(config, fake)
    assert report.applied is not None and report.applied.created == []
    assert fake.counter[LIST] == 2, "one request per repository, whatever the number of issues"
    assert fake.statuses == Counter({304: 2})
    assert sum(fake.counter.values()) == 2
    assert_clean(fake)


def test_secondary_limits_and_5xx_at_20_percent(fake: FakeGitHub, tmp_path: Path) -> None:
    config = write_project(tmp_path, fake, incidents=40)
    fake.fault_rate = 0.2
    report = sync(config, fake)
    assert report.applied is not None
    assert report.applied.stopped is None
    # Every create went through; an attach that met faults on all its tries is the only failure
    # allowed, and it is owed to the next run (below), never a second issue.
    assert all(message.startswith("github attach:") for message in report.applied.failures.values())
    # A create that timed out after it committed is recovered through its marker, not made again.
    ticketed = {key for key in [*report.applied.created, *report.applied.recovered] if "#" in key}
    assert len(ticketed) == 120
    assert_ticketed_once(fake, 40, attached=False)
    print(f"attaches left to the next run: {len(report.applied.failures)}")
    fake.fault_rate = 0.0
    again = sync(config, fake)
    assert again.applied is not None and again.applied.failures == {} and again.applied.created == []
    assert fake.injected > 50
    loose = assert_ticketed_once(fake, 40)
    assert loose == 0
    assert_clean(fake)
    print(f"faults injected: {fake.injected}, duplicates: 0, lost: 0")


def test_a_backfill_larger_than_the_hourly_budget_resumes_run_after_run(fake: FakeGitHub, tmp_path: Path) -> None:
    """Scaled down from 1,000 items at 500/h: 30 items at 40 writes an hour. Each run stops when
    the hour's budget is spent (the wait would pass the run's budget), the next run an hour later
    resumes; the fake never sees more than 40 writes in an hour, and nothing is created twice."""
    fake.per_hour = 40
    config = write_project(tmp_path, fake, incidents=10, extra="writes_per_hour = 40")
    runs = 0
    while runs < 8:
        runs += 1
        report = sync(config, fake, budget_seconds=900)
        assert report.applied is not None
        if report.applied.stopped is None:
            break
        assert report.applied.stopped is not None and "budget" in report.applied.stopped
        fake.clock.advance(3600)
    assert runs >= 3
    assert not report.applied.failures
    assert_ticketed_once(fake, 10)
    assert_clean(fake)
