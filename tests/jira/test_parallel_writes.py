"""Issue 26: Jira's independent follow-up writes go a few at a time (``[tracker] concurrency``).

Against the fake Jira Cloud with a little latency, so requests overlap when pmsync lets them:
items created already Done need a transition each after their create. Parallel writes send exactly
the requests serial ones send, never more than ``concurrency`` at once; a 429's ``Retry-After``
met by one writer holds them all; a crash in the middle of the phase leaves a state from which
the next run finishes without a duplicate ticket or a second transition.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sync.core.model import Status
from sync.core.tickets import Marker, TicketDraft, TicketKind, TicketRef
from sync.errors import BudgetExhausted, PmsyncError, TrackerAuthError, TrackerError
from sync.pipeline import SyncOptions, SyncReport
from sync.retry import RetryPolicy
from sync.runtime import Runtime, open_runtime
from sync.trackers.jira_tracker import JiraTracker
from tests.fakes.jira_server import FakeJira, Fault, RunningFake, serve
from tests.jira.corpus import write_config, write_corpus
from tests.jira.support import TestClock, make_tracker

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}
TRANSITION = "POST /rest/api/3/issue/{issueIdOrKey}/transitions"
INCIDENTS, ITEMS = 2, 12


def done_corpus(root: Path) -> list[Path]:
    """Items the documents mark Done: Jira creates them open, so each needs a transition after."""
    paths = write_corpus(root, incidents=INCIDENTS, items=ITEMS)
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8").replace("| Open |", "| Done |"), encoding="utf-8")
    return paths


def fake_jira() -> Iterator[RunningFake]:
    # On the real clock (a pacer's wait must take time for the others to be seen waiting too),
    # 20 ms per answer: enough for writes sent together to be seen together.
    running = serve(FakeJira("cloud", latency=0.02))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations[:20])


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    yield from fake_jira()


@pytest.fixture
def other_fake() -> Iterator[RunningFake]:
    yield from fake_jira()


def runtime(root: Path, running: RunningFake, concurrency: int) -> Runtime:
    """What one ``pmsync`` process builds, but retrying at once where no ``Retry-After`` is given."""
    root.mkdir(parents=True, exist_ok=True)
    config = write_config(root, running.url, lag=0.0)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[safety]", f"concurrency = {concurrency}\n[safety]"), encoding="utf-8")
    built = open_runtime(config, environ=ENV)
    assert built.pacer is not None
    built.retry = RetryPolicy(attempts=4, initial_wait=0.0, sleep=built.pacer.wait)
    return built


def sync(root: Path, running: RunningFake, paths: list[Path], concurrency: int) -> SyncReport:
    built = runtime(root, running, concurrency)
    try:
        return built.sync(paths, SyncOptions(max_creates=5000))
    finally:
        built.close()


def assert_all_done_once(fake: FakeJira) -> None:
    tasks = [issue for issue in fake.issues.values() if issue.issuetype.name == "Task"]
    assert len(tasks) == INCIDENTS * ITEMS
    assert {issue.status for issue in tasks} == {"Done"}
    markers = Counter(label for issue in tasks for label in issue.labels if label.startswith("pmsync-"))
    assert set(markers.values()) == {1}, "a marker on two issues: a duplicate"
    moved = Counter(key for key, _transition in fake.transitions_made)
    assert set(moved.values()) == {1} and len(moved) == len(tasks), "an issue transitioned twice, or never"


def test_transitions_go_a_few_at_a_time_and_cost_what_serial_ones_cost(
    tmp_path: Path, fake: RunningFake, other_fake: RunningFake
) -> None:
    paths = done_corpus(tmp_path / "docs")
    serial = sync(tmp_path / "serial", fake, paths, concurrency=1)
    parallel = sync(tmp_path / "parallel", other_fake, paths, concurrency=4)
    for report in (serial, parallel):
        assert report.applied is not None and not report.applied.failures, report.applied.failures
        assert report.applied.transitioned == INCIDENTS * ITEMS
    assert_all_done_once(fake.fake)
    assert_all_done_once(other_fake.fake)
    assert fake.fake.in_flight.peak == 1
    assert 1 < other_fake.fake.in_flight.peak <= 4
    # Same requests, route by route: parallel writes only overlap what serial ones send in turn.
    assert other_fake.fake.requests == fake.fake.requests
    # A transition costs three requests: the issue (where it is), what it offers from there, the move.
    assert fake.fake.requests[TRANSITION] == INCIDENTS * ITEMS


def test_a_429_met_by_one_writer_holds_every_writer_until_its_retry_after(tmp_path: Path, fake: RunningFake) -> None:
    paths = done_corpus(tmp_path / "docs")
    fake.fake.inject(Fault("429", route=TRANSITION, retry_after=1))
    report = sync(tmp_path, fake, paths, concurrency=4)
    assert report.applied is not None and not report.applied.failures, report.applied.failures
    assert_all_done_once(fake.fake)
    exchanges = fake.fake.exchanges
    limited = next(n for n, exchange in enumerate(exchanges) if exchange.status == 429)
    window_end = exchanges[limited].arrived + dt.timedelta(seconds=1)
    after = exchanges[limited + 1 :]
    early = [exchange for exchange in after if exchange.arrived < window_end]
    # Only requests on their way before the 429 was read may arrive inside its window: the one
    # each other writer had in flight, and at most one more it sent while the 429's answer was
    # on its way back. Without the shared window they would send ~50 a second each.
    assert len(early) <= 2 * 3, early
    assert len(after) - len(early) > 3 * ITEMS, "most of the phase's requests come after the window"
    assert any(exchange.route == TRANSITION and exchange.arrived >= window_end for exchange in after)


def test_a_crash_in_the_middle_of_the_transitions_is_finished_by_the_next_run_without_duplicates(
    tmp_path: Path, fake: RunningFake
) -> None:
    paths = done_corpus(tmp_path / "docs")
    crashing = runtime(tmp_path, fake, concurrency=4)
    recorded = 0
    clear = crashing.store.clear_pending_status

    def crash_on_the_fifth(item_key: str) -> None:
        nonlocal recorded
        recorded += 1
        if recorded == 5:
            raise RuntimeError("killed while recording")
        clear(item_key)

    crashing.store.clear_pending_status = crash_on_the_fifth  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="killed while recording"):
            crashing.sync(paths, SyncOptions(max_creates=5000))
    finally:
        crashing.close()
    moved_before = len(fake.fake.transitions_made)
    assert 4 < moved_before < INCIDENTS * ITEMS, "the crash came in the middle of the phase"
    again = sync(tmp_path, fake, paths, concurrency=4)
    assert again.applied is not None and not again.applied.failures, again.applied.failures
    assert again.applied.created == []
    assert_all_done_once(fake.fake)


def test_remote_links_to_the_post_mortems_go_a_few_at_a_time_and_one_failing_fails_no_create(
    fake: RunningFake, caplog: pytest.LogCaptureFixture
) -> None:
    url = "https://wiki.example.com/pm/INC-{n}"
    drafts = [
        TicketDraft(
            marker=Marker(f"INC-{n}"),
            kind=TicketKind.INCIDENT,
            title=f"INC-{n}: failover",
            body="Parent",
            document_url=url.format(n=n),
        )
        for n in range(8)
    ]
    fake.fake.inject(Fault("403", route="POST /rest/api/3/issue/{issueIdOrKey}/remotelink"))
    with httpx.Client(timeout=10.0) as http:
        tracker = make_tracker(fake, TestClock(), http, concurrency=4)
        fake.fake.reset_counts()
        refs = tracker.create_many(drafts)
    assert all(isinstance(ref, TicketRef) for ref in refs), refs
    assert 1 < fake.fake.in_flight.peak <= 4
    linked = [ref for ref in refs if isinstance(ref, TicketRef) and fake.fake.issue(ref.key).remote_links]
    assert len(linked) == 7
    assert "remote link to the post-mortem not added" in caplog.text


def refusing(built: Runtime, refuse: Callable[[int, TicketRef], PmsyncError | None]) -> None:
    """Make the run's tracker refuse some transitions: ``refuse(n, ref)`` for the n-th call (from 1)."""
    tracker = built.tracker
    assert isinstance(tracker, JiraTracker)
    original = tracker.transition
    calls = itertools.count(1)
    lock = threading.Lock()

    def transition(ref: TicketRef, status: Status) -> None:
        with lock:
            n = next(calls)
        error = refuse(n, ref)
        if error is not None:
            raise error
        original(ref, status)

    tracker.transition = transition  # type: ignore[method-assign]


def test_a_refused_write_fails_its_item_alone(tmp_path: Path, fake: RunningFake) -> None:
    paths = done_corpus(tmp_path / "docs")
    built = runtime(tmp_path, fake, concurrency=4)
    refused: set[str] = set()

    def refuse(n: int, ref: TicketRef) -> PmsyncError | None:
        if n in (3, 10):
            refused.add(ref.key)
            return TrackerError(f"{ref.key}: rejected (HTTP 400)", tracker="jira", op="transition")
        return None

    refusing(built, refuse)
    try:
        report = built.sync(paths, SyncOptions(max_creates=5000))
    finally:
        built.close()
    assert report.applied is not None
    assert len(report.applied.failures) == 2
    assert all(any(f"{key}: rejected" in m for m in report.applied.failures.values()) for key in refused)
    assert report.applied.transitioned == INCIDENTS * ITEMS - 2
    assert report.applied.stopped is None
    tasks = [issue for issue in fake.fake.issues.values() if issue.issuetype.name == "Task"]
    assert {issue.key for issue in tasks if issue.status != "Done"} == refused


def test_a_stop_met_by_one_writer_sends_nothing_more_and_records_what_was_in_flight(
    tmp_path: Path, fake: RunningFake
) -> None:
    paths = done_corpus(tmp_path / "docs")
    built = runtime(tmp_path, fake, concurrency=4)
    resume = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)

    def refuse(n: int, _ref: TicketRef) -> PmsyncError | None:
        return BudgetExhausted("the tracker asks to wait past the budget", resume_at=resume) if n == 6 else None

    refusing(built, refuse)
    try:
        report = built.sync(paths, SyncOptions(max_creates=5000))
    finally:
        built.close()
    assert report.applied is not None and report.applied.stopped is not None
    assert report.applied.failures == {}
    moved = len(fake.fake.transitions_made)
    assert 5 <= moved <= 5 + 3, "nothing is sent after the stop but what was already in flight"
    assert report.applied.transitioned == moved, "every transition made is recorded"
    again = sync(tmp_path, fake, paths, concurrency=4)
    assert again.applied is not None and not again.applied.failures
    assert again.applied.transitioned == INCIDENTS * ITEMS - moved
    assert_all_done_once(fake.fake)


def test_credentials_refused_to_one_writer_send_nothing_more_and_the_rest_are_reported_skipped(
    tmp_path: Path, fake: RunningFake
) -> None:
    paths = done_corpus(tmp_path / "docs")
    built = runtime(tmp_path, fake, concurrency=4)
    calls: list[int] = []

    def refuse(n: int, _ref: TicketRef) -> PmsyncError | None:
        calls.append(n)
        if n == 5:
            time.sleep(0.5)  # the refusal's outcome waits behind this one while the other writers go on
        return (
            TrackerAuthError("the tracker refused the credentials (HTTP 401)", tracker="jira", op="transition")
            if n == 6
            else None
        )

    refusing(built, refuse)
    try:
        report = built.sync(paths, SyncOptions(max_creates=5000))
    finally:
        built.close()
    assert report.applied is not None
    assert len(calls) <= 6 + 3, "no write is sent with refused credentials but what was already in flight"
    skipped = [m for m in report.applied.failures.values() if m.startswith("skipped: ")]
    assert len(skipped) == INCIDENTS * ITEMS - len(calls)
    assert report.applied.transitioned == len(calls) - 1


def test_a_blocked_workflow_is_explored_once_not_once_per_writer(tmp_path: Path) -> None:
    # The first walk of a workflow goes alone: the writers after it know Done is out of reach
    # without asking again, as in a serial run.
    paths = done_corpus(tmp_path / "docs")
    counts = []
    for concurrency in (1, 4):
        running = serve(FakeJira("cloud", latency=0.02, workflow="no_done"))
        try:
            report = sync(tmp_path / str(concurrency), running, paths, concurrency=concurrency)
        finally:
            running.close()
        assert report.applied is not None and report.applied.transitioned == 0
        assert len(report.applied.failures) == INCIDENTS * ITEMS
        assert all("no path" in message for message in report.applied.failures.values())
        assert running.fake.violations == []
        counts.append(running.fake.requests)
    serial, parallel = counts
    assert parallel == serial
    # The first issue's walk reads the three statuses it passes through; no other issue reads any.
    assert serial["GET /rest/api/3/issue/{issueIdOrKey}/transitions"] == 3
