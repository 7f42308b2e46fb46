"""What pmsync writes into Jira issues, end to end through the fake (Cloud and DC, requests and
answers validated against Atlassian's description): bodies with the document link, severity and
team labels, a remote link to the document on the incident's issue, ``close_done``, and a
person-edited description left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync.pipeline import SyncOptions
from sync.retry import RetryPolicy
from sync.runtime import Runtime, open_runtime
from sync.trackers.jira_adf import from_adf, from_wiki, to_adf, to_wiki
from sync.trackers.jira_tracker import JiraTracker
from tests.fakes.jira_server import FakeIssue, FakeJira, Fault, RunningFake, serve
from tests.jira.corpus import write_config, write_corpus
from tests.jira.support import RecordingPacer, TestClock

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}
URL = "https://github.com/acme/postmortems/blob/main/{path}"
DOC_URL = "https://github.com/acme/postmortems/blob/main/docs/inc-9000.md"


@pytest.fixture
def clock() -> TestClock:
    return TestClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest, clock: TestClock) -> Iterator[RunningFake]:
    running = serve(FakeJira(request.param, index_lag=0.0, clock=clock))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations[:20])


def runtime_for(tmp_path: Path, running: RunningFake, clock: TestClock, *, close_done: bool) -> Runtime:
    config = write_config(tmp_path, running.url, deployment=running.fake.flavour, lag=0.0)
    text = config.read_text(encoding="utf-8")
    text = text.replace('paths = ["docs/*.md"]', f'paths = ["docs/*.md"]\ndocument_url = "{URL}"')
    text = text.replace('project = "OPS"', f'project = "OPS"\nclose_done = {str(close_done).lower()}')
    config.write_text(text, encoding="utf-8")
    runtime = open_runtime(config, environ=ENV)
    pacer = RecordingPacer(clock)
    http = runtime.http or httpx.Client(timeout=10.0)
    runtime.http = http
    runtime.tracker = JiraTracker.from_settings(runtime.settings.tracker, http=http, pacer=pacer, clock=clock)
    runtime.retry = RetryPolicy(attempts=4, sleep=pacer.wait)
    return runtime


def text_of(fake: FakeJira, issue: FakeIssue) -> str:
    value = from_adf(issue.description) if fake.flavour == "cloud" else from_wiki(issue.description)
    assert value is not None
    return value


def by_summary(fake: FakeJira, start: str) -> FakeIssue:
    (issue,) = [i for i in fake.issues.values() if i.summary.startswith(start)]
    return issue


def test_bodies_labels_and_the_remote_link(tmp_path: Path, fake: RunningFake, clock: TestClock) -> None:
    paths = write_corpus(tmp_path / "docs", incidents=1, items=2)
    runtime = runtime_for(tmp_path, fake, clock, close_done=False)
    try:
        runtime.sync(paths, SyncOptions())
        parent = by_summary(fake.fake, "INC-9000:")
        assert parent.summary == "INC-9000: Post-mortem: checkout errors INC-9000"
        body = text_of(fake.fake, parent).splitlines()
        assert "Severity: SEV-2" in body and f"Post-mortem: {DOC_URL}" in body
        assert [link["globalId"] for link in parent.remote_links] == [f"pmsync:{DOC_URL}"]
        assert parent.remote_links[0]["object"]["url"] == DOC_URL
        item = by_summary(fake.fake, "Harden path 1 ")
        lines = text_of(fake.fake, item).splitlines()
        assert lines[0] == item.summary
        for line in (
            "Incident: INC-9000 — Post-mortem: checkout errors INC-9000",
            "Severity: SEV-2",
            "Owner (as written): @alice",
            "Due: 2026-12-02 (given by the document)",
            f"Post-mortem: {DOC_URL}",
        ):
            assert line in lines
        assert {"pmsync", "severity-sev-2", "team-payments", "priority-p1"} <= set(item.labels)
        assert item.remote_links == [], "items carry the link in their body; the parent carries the remote link"
        # An unchanged document plans nothing: the bodies read back to exactly what was written.
        fake.fake.reset_counts()
        report = runtime.sync(paths, SyncOptions(pull=False))
        assert report.applied is not None and report.applied.updated == []
        assert not any(k.startswith(("PUT", "POST")) for k in fake.fake.requests), fake.fake.requests
    finally:
        runtime.close()


def test_a_body_change_updates_unless_a_person_edited_it(tmp_path: Path, fake: RunningFake, clock: TestClock) -> None:
    paths = write_corpus(tmp_path / "docs", incidents=1, items=2)
    runtime = runtime_for(tmp_path, fake, clock, close_done=False)
    try:
        runtime.sync(paths, SyncOptions())
        edited = by_summary(fake.fake, "Harden path 2 ")
        mine = "Written by a person"
        fake.fake.human_edit(edited.key, description=to_adf(mine) if fake.fake.flavour == "cloud" else to_wiki(mine))
        doc = paths[0]
        doc.write_text(doc.read_text(encoding="utf-8").replace("SEV-2", "SEV-1"), encoding="utf-8")
        clock.advance(60)
        report = runtime.sync(paths, SyncOptions())
        assert report.applied is not None
        untouched = by_summary(fake.fake, "Harden path 1 ")
        assert "Severity: SEV-1" in text_of(fake.fake, untouched).splitlines()
        assert "severity-sev-1" in untouched.labels and "severity-sev-2" not in untouched.labels
        assert text_of(fake.fake, fake.fake.issue(edited.key)) == mine, "a person's description is never overwritten"
        assert any(edited.key in c or "INC-9000#2" in c for c in report.applied.conflicts), report.applied.conflicts
    finally:
        runtime.close()


def test_close_done_transitions_once_and_leaves_a_reopened_issue_open(
    tmp_path: Path, fake: RunningFake, clock: TestClock
) -> None:
    paths = write_corpus(tmp_path / "docs", incidents=1, items=2)
    runtime = runtime_for(tmp_path, fake, clock, close_done=True)
    try:
        runtime.sync(paths, SyncOptions())
        doc = paths[0]
        text = doc.read_text(encoding="utf-8").splitlines()
        row = next(n for n, line in enumerate(text) if line.startswith("| 1 |"))
        text[row] = text[row].replace("| Open |", "| Done |")
        doc.write_text("\n".join(text) + "\n", encoding="utf-8")
        clock.advance(60)
        runtime.sync(paths, SyncOptions(pull=False))
        done = by_summary(fake.fake, "Harden path 1 ")
        assert done.status == "Done"
        assert by_summary(fake.fake, "Harden path 2 ").status != "Done"
        fake.fake.human_transition(done.key, "To Do")
        clock.advance(60)
        runtime.sync(paths, SyncOptions(pull=False))
        assert fake.fake.issue(done.key).status == "To Do", "the same document does not close a reopened issue again"
    finally:
        runtime.close()


def test_a_failed_close_done_transition_is_tried_again_next_run(
    tmp_path: Path, fake: RunningFake, clock: TestClock
) -> None:
    paths = write_corpus(tmp_path / "docs", incidents=1, items=1)
    runtime = runtime_for(tmp_path, fake, clock, close_done=True)
    try:
        runtime.sync(paths, SyncOptions())
        doc = paths[0]
        doc.write_text(doc.read_text(encoding="utf-8").replace("| Open |", "| Done |"), encoding="utf-8")
        api = "3" if fake.fake.flavour == "cloud" else "2"
        fake.fake.inject(Fault("403", route=f"POST /rest/api/{api}/issue/{{issueIdOrKey}}/transitions"))
        clock.advance(60)
        failed = runtime.sync(paths, SyncOptions(pull=False))
        assert failed.failed == 1
        assert by_summary(fake.fake, "Harden path 1 ").status != "Done"
        clock.advance(60)
        runtime.sync(paths, SyncOptions(pull=False))  # the same document: the transition is planned again
        assert by_summary(fake.fake, "Harden path 1 ").status == "Done"
    finally:
        runtime.close()


def test_close_done_off_leaves_jira_alone(tmp_path: Path, fake: RunningFake, clock: TestClock) -> None:
    paths = write_corpus(tmp_path / "docs", incidents=1, items=1)
    runtime = runtime_for(tmp_path, fake, clock, close_done=False)
    try:
        runtime.sync(paths, SyncOptions())
        doc = paths[0]
        doc.write_text(doc.read_text(encoding="utf-8").replace("| Open |", "| Done |"), encoding="utf-8")
        clock.advance(60)
        runtime.sync(paths, SyncOptions(pull=False))
        assert by_summary(fake.fake, "Harden path 1 ").status != "Done"
    finally:
        runtime.close()
