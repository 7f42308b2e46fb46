"""Issue 23's acceptance against the fake Jira (Atlassian's description enforced on Cloud): a
linear workflow (To Do → In Progress → Done), 3 s of index lag serving stale snapshots, and the
documents' authors marking items Done.

Each sync runs with a fresh runtime and adapter, as separate ``pmsync`` processes would (an adapter
reconciles its own recent writes; a new process cannot). The fake and the adapter share a
simulated clock, so the lag costs no real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync.cli.syncing import summary_line
from sync.core.model import Status
from sync.core.parse import parse_document
from sync.pipeline import SyncOptions, SyncReport
from sync.pull import pull
from sync.retry import RetryPolicy
from sync.runtime import Runtime, open_runtime
from sync.trackers.jira_tracker import JiraTracker
from tests.fakes.jira_server import STATUSES, FakeJira, FakeTransition, RunningFake, serve
from tests.jira.corpus import write_config
from tests.jira.support import RecordingPacer, TestClock

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}
STATUS_CYCLE = ("Open", "In progress", "Done", "Done", "Won't do")
ITEMS = 10

HEAD = """\
---
incident_id: {incident}
---
# Post-mortem: queue backlog {incident}

## 1. Incident Summary
- **Incident ID:** {incident}
- **Date/Time:** 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-2
- **Review Date:** 2026-03-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status | Ticket |
|---|---|---|---|---|---|---|
"""


def write_documents(root: Path, incidents: int = 3) -> list[Path]:
    """Items in every status; item 2 of the first document names a ticket that does not exist."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(incidents):
        incident = f"INC-{7000 + i}"
        rows = []
        for n in range(1, ITEMS + 1):
            status = STATUS_CYCLE[(n + i) % len(STATUS_CYCLE)]
            ticket = "OPS-999" if (i, n) == (0, 2) else ""
            rows.append(
                f"| {n} | Make step {n} of {incident} idempotent and alert on retries | @alice "
                f"| 2026-12-{n:02d} | P2 | {status} | {ticket} |"
            )
        path = root / f"{incident.lower()}.md"
        path.write_text(HEAD.format(incident=incident) + "\n".join(rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def authored(paths: list[Path]) -> dict[tuple[str, int], Status | None]:
    found: dict[tuple[str, int], Status | None] = {}
    for path in paths:
        pm = parse_document(path.read_text(encoding="utf-8"), str(path)).postmortem
        assert pm is not None
        for item in pm.action_items:
            found[(path.name, item.number)] = item.status
    return found


@pytest.fixture
def clock() -> TestClock:
    return TestClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


@pytest.fixture(params=["cloud", "datacenter"])
def linear(request: pytest.FixtureRequest, clock: TestClock) -> Iterator[RunningFake]:
    running = serve(FakeJira(request.param, index_lag=3.0, clock=clock, workflow="linear"))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations[:20])


def fresh_runtime(tmp_path: Path, running: RunningFake, clock: TestClock) -> Runtime:
    """What one ``pmsync`` process builds: a new adapter (no memory of earlier writes)."""
    config = write_config(tmp_path, running.url, deployment=running.fake.flavour, lag=3.0)
    runtime = open_runtime(config, environ=ENV)
    runtime.clock = clock  # "today" follows the simulated clock
    pacer = RecordingPacer(clock)
    runtime.http = runtime.http or httpx.Client(timeout=10.0)
    runtime.tracker = JiraTracker.from_settings(runtime.settings.tracker, http=runtime.http, pacer=pacer, clock=clock)
    runtime.retry = RetryPolicy(attempts=8, sleep=pacer.wait)
    return runtime


def run_sync(tmp_path: Path, running: RunningFake, clock: TestClock, paths: list[Path]) -> SyncReport:
    runtime = fresh_runtime(tmp_path, running, clock)
    try:
        return runtime.sync(paths, SyncOptions(max_creates=5000, write_back=True))
    finally:
        runtime.close()


def test_linear_workflow_with_index_lag_reaches_done_keeps_authors_done_and_settles(
    tmp_path: Path, linear: RunningFake, clock: TestClock
) -> None:
    fake = linear.fake
    paths = write_documents(tmp_path / "docs")
    before = authored(paths)
    reports = []
    for _ in range(3):
        reports.append(run_sync(tmp_path, linear, clock, paths))
        clock.advance(2)  # the next run comes while the index still serves older snapshots
    last = reports[-1]
    assert "failed 0" in summary_line(last), (summary_line(last), last.applied and last.applied.failures)

    by_marker = {str(i.properties["pmsync"]["marker"]): i for i in fake.issues.values()}
    for (name, number), status in before.items():
        incident = name.removesuffix(".md").upper()
        issue = by_marker[f"{incident}#{number}"]
        category = STATUSES[issue.status].category
        if status in (Status.DONE, Status.WONT_DO):
            assert category == "done", (incident, number, issue.status)
        elif status is Status.IN_PROGRESS:
            assert issue.status == "In Progress"
        # Every item hangs under its incident's issue — the adoption fallback's too.
        assert issue.parent_id == by_marker[incident].id, (incident, number)

    # Write-back kept every Done the authors wrote (and filled the Ticket cells).
    after = authored(paths)
    for key, status in before.items():
        if status in (Status.DONE, Status.WONT_DO):
            assert after[key] is status, key

    # After the lag, what pmsync records equals the tracker, for every item.
    clock.advance(300)
    runtime = fresh_runtime(tmp_path, linear, clock)
    try:
        pull(runtime.tracker, runtime.store, retry=runtime.retry)
        rows = [row for row in runtime.store.status_rows() if row.ticket is not None]
        assert len(rows) == len(before)
        for row in rows:
            assert row.ticket is not None
            assert row.status is runtime.tracker.get(row.ticket).status, row.item_key
    finally:
        runtime.close()

    # An idle sync: at most 2 requests.
    clock.advance(300)
    fake.reset_counts()
    idle = run_sync(tmp_path, linear, clock, paths)
    assert "failed 0" in summary_line(idle)
    assert fake.total_requests() <= 2, fake.requests


def test_a_done_the_workflow_cannot_reach_is_one_error_recorded_kept_in_the_document_and_not_retried(
    tmp_path: Path, clock: TestClock
) -> None:
    running = serve(FakeJira("cloud", index_lag=3.0, clock=clock, workflow="no_done"))
    try:
        fake = running.fake
        paths = write_documents(tmp_path / "docs", incidents=1)
        before = authored(paths)
        closed = sorted(n for (_name, n), status in before.items() if status in (Status.DONE, Status.WONT_DO))
        first = run_sync(tmp_path, running, clock, paths)
        assert first.applied is not None
        failures = first.applied.failures
        assert sorted(int(key.split("#")[1]) for key in failures) == closed
        messages = {message.split(": ", 2)[-1] for message in failures.values()}
        assert all("workflow for Task has no path from 'To Do' to a done status" in m for m in messages), messages
        # The authors' Done stays in the document, reported as a status conflict (item 2's row names
        # another ticket, OPS-999: that row is the author's altogether, and reported as such).
        assert authored(paths) == before
        assert sorted(int(c.item_key.split("#")[1]) for c in first.status_conflicts) == [n for n in closed if n != 2]

        # Not retried by the next runs of the day: an idle sync costs at most 2 requests.
        clock.advance(300)
        fake.reset_counts()
        again = run_sync(tmp_path, running, clock, paths)
        assert again.applied is not None and again.applied.failures == {}
        assert fake.total_requests() <= 2, fake.requests
        assert authored(paths) == before

        # Once the workflow offers a way (an admin fixed it), a later day's run gets there.
        fake.workflow = {**fake.workflow, "In Review": (*fake.workflow["In Review"], _ship())}
        clock.advance(86400)
        fixed = run_sync(tmp_path, running, clock, paths)
        assert fixed.applied is not None and fixed.applied.failures == {}, fixed.applied.failures
        done = [i for i in fake.issues.values() if STATUSES[i.status].category == "done"]
        assert len(done) == len(closed)
    finally:
        running.close()
    assert running.fake.violations == []


def _ship() -> FakeTransition:
    return FakeTransition("71", "Approve", "Done")
