"""Issue 23.7 and 23.8 against the fake Jira: the body never contradicts a field a person set and
pmsync kept; the post-mortem's remote link is titled once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync.core.tickets import Marker, TicketDraft, TicketKind, TicketRef
from sync.pipeline import SyncOptions
from sync.retry import RetryPolicy
from sync.runtime import open_runtime
from sync.trackers.jira_adf import from_adf
from sync.trackers.jira_tracker import JiraTracker
from tests.fakes.jira_server import FakeJira, RunningFake, serve
from tests.jira.corpus import write_config, write_corpus
from tests.jira.support import RecordingPacer, TestClock, make_tracker

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}


@pytest.fixture
def clock() -> TestClock:
    return TestClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


@pytest.fixture
def cloud(clock: TestClock) -> Iterator[RunningFake]:
    running = serve(FakeJira("cloud", clock=clock))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == []


def sync_once(tmp_path: Path, running: RunningFake, clock: TestClock, paths: list[Path]) -> list[str]:
    runtime = open_runtime(write_config(tmp_path, running.url), environ=ENV)
    pacer = RecordingPacer(clock)
    runtime.http = runtime.http or httpx.Client(timeout=10.0)
    runtime.tracker = JiraTracker.from_settings(runtime.settings.tracker, http=runtime.http, pacer=pacer, clock=clock)
    runtime.retry = RetryPolicy(attempts=4, sleep=pacer.wait)
    try:
        report = runtime.sync(paths, SyncOptions(max_creates=100))
        assert report.applied is not None and not report.applied.failures, report.applied.failures
        return list(report.applied.conflicts)
    finally:
        runtime.close()


def test_a_kept_due_date_is_what_the_body_says(tmp_path: Path, cloud: RunningFake, clock: TestClock) -> None:
    (path,) = write_corpus(tmp_path / "docs", incidents=1, items=2)
    sync_once(tmp_path, cloud, clock, [path])
    issue = next(i for i in cloud.fake.issues.values() if i.properties["pmsync"]["marker"] == "INC-9000#1")
    assert "Due: 2026-12-02 (given by the document)" in from_adf(issue.description)
    cloud.fake.human_edit(issue.key, duedate="2027-01-15")  # a person moves the date in Jira
    clock.advance(60)
    path.write_text(path.read_text(encoding="utf-8").replace("| 2026-12-02 |", "| 2026-12-09 |"), encoding="utf-8")
    conflicts = sync_once(tmp_path, cloud, clock, [path])
    assert any("INC-9000#1 due" in c for c in conflicts), conflicts
    body = from_adf(cloud.fake.issue(issue.key).description)
    assert cloud.fake.issue(issue.key).duedate == "2027-01-15", "the person's date is kept"
    assert "Due: 2027-01-15 (set in the tracker; kept over the document's)" in body
    assert "2026-12-09" not in body and "2026-12-02" not in body
    # Steady: the next run writes nothing again.
    clock.advance(60)
    cloud.fake.reset_counts()
    sync_once(tmp_path, cloud, clock, [path])
    assert cloud.fake.requests["PUT /rest/api/3/issue/{issueIdOrKey}"] == 0, cloud.fake.requests


def test_the_remote_link_is_titled_post_mortem_once(cloud: RunningFake, clock: TestClock) -> None:
    with httpx.Client(timeout=5.0) as http:
        tracker = make_tracker(cloud, clock, http)
        url = "https://wiki.example.com/pm/INC-7"
        parent, item = tracker.create_many(
            [
                TicketDraft(
                    marker=Marker("INC-7"),
                    kind=TicketKind.INCIDENT,
                    title="INC-7: Post-mortem: checkout errors",
                    body="b",
                    document_url=url,
                ),
                TicketDraft(marker=Marker("INC-7#1"), title="Add a canary", body="b", document_url=url),
            ]
        )
        assert isinstance(parent, TicketRef) and isinstance(item, TicketRef)
        titles = [cloud.fake.issue(ref.key).remote_links[0]["object"]["title"] for ref in (parent, item)]
        assert titles == ["INC-7: Post-mortem: checkout errors", "Post-mortem: Add a canary"]
