"""Issue 23.1: Jira workflows as they are in the wild — multi-step, blocked, with resolution screens.

Against the fake (both flavours) with a configurable workflow: pmsync walks the offered
transitions to the wanted status category, re-reading after each step, sets the resolution where
the screen asks for one, and reports a target no path reaches as one clear error.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sync.core.model import Status
from sync.core.tickets import Marker, TicketDraft, TicketRef
from sync.errors import WorkflowBlocked
from sync.trackers.jira_tracker import JiraTracker
from sync.trackers.jira_workflow import StatusNode, Step, WorkflowGraph, parse_transitions
from tests.fakes.jira_server import FakeJira, RunningFake, serve
from tests.jira.support import TestClock, make_tracker


@pytest.fixture
def clock() -> TestClock:
    return TestClock(step=1.0)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def served(flavour: str, clock: TestClock, workflow: str) -> Iterator[RunningFake]:
    running = serve(FakeJira(flavour, clock=clock, workflow=workflow))  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


@pytest.fixture(params=["cloud", "datacenter"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def tracker_on(running: RunningFake, clock: TestClock, http: httpx.Client) -> JiraTracker:
    return make_tracker(running, clock, http)


def new_issue(tracker: JiraTracker, n: int = 1) -> TicketRef:
    ref = tracker.create_many([TicketDraft(marker=Marker(f"INC-1#{n}"), title=f"Item {n}", body="b")])[0]
    assert isinstance(ref, TicketRef)
    return ref


@pytest.mark.parametrize("workflow", ["linear", "resolution_screen"])
def test_done_is_reached_through_in_progress(flavour: str, workflow: str, clock: TestClock, http: httpx.Client) -> None:
    for running in served(flavour, clock, workflow):
        tracker = tracker_on(running, clock, http)
        ref = new_issue(tracker)
        tracker.transition(ref, Status.DONE)
        issue = running.fake.issue(ref.key)
        assert (issue.status, issue.resolution) == ("Done", "Done")
        # Two steps, each chosen from what was offered where the issue stood (string ids).
        assert [t for _k, t in running.fake.transitions_made] == ["11", "31"]
        assert tracker.get(ref).status is Status.DONE
        running.fake.reset_counts()
        tracker.transition(ref, Status.DONE)
        assert running.fake.total_requests() == 1, "already there: one read, no transition"


def test_wont_do_sets_the_resolution_the_screen_requires(flavour: str, clock: TestClock, http: httpx.Client) -> None:
    for running in served(flavour, clock, "resolution_screen"):
        tracker = tracker_on(running, clock, http)
        ref = new_issue(tracker)
        tracker.transition(ref, Status.WONT_DO)
        issue = running.fake.issue(ref.key)
        assert (issue.status, issue.resolution) == ("Done", "Won't Do")
        assert tracker.get(ref).status is Status.WONT_DO


def test_a_screenless_transition_gets_no_resolution_field(clock: TestClock, http: httpx.Client) -> None:
    # Jira refuses a field the transition's screen does not show: sending one would fail the step.
    for running in served("cloud", clock, "linear"):
        tracker = tracker_on(running, clock, http)
        ref = new_issue(tracker)
        tracker.transition(ref, Status.WONT_DO)
        assert running.fake.issue(ref.key).status == "Done"


def test_back_to_open_and_in_progress_walk_too(flavour: str, clock: TestClock, http: httpx.Client) -> None:
    for running in served(flavour, clock, "linear"):
        tracker = tracker_on(running, clock, http)
        ref = new_issue(tracker)
        tracker.transition(ref, Status.IN_PROGRESS)
        assert running.fake.issue(ref.key).status == "In Progress"
        tracker.transition(ref, Status.DONE)
        tracker.transition(ref, Status.OPEN)
        assert running.fake.issue(ref.key).status == "To Do"


def test_unreachable_done_is_one_clear_error_and_the_next_issue_is_not_moved(
    flavour: str, clock: TestClock, http: httpx.Client
) -> None:
    for running in served(flavour, clock, "no_done"):
        tracker = tracker_on(running, clock, http)
        first, second = new_issue(tracker, 1), new_issue(tracker, 2)
        with pytest.raises(WorkflowBlocked) as blocked:
            tracker.transition(first, Status.DONE)
        message = blocked.value.message
        assert "the OPS workflow for Task has no path from 'To Do' to a done status" in message
        assert "In Review" in message and "To Do" in message
        assert blocked.value.hint and "pmsync doctor" in blocked.value.hint
        moved = len(running.fake.transitions_made)
        running.fake.reset_counts()
        with pytest.raises(WorkflowBlocked):
            tracker.transition(second, Status.DONE)
        # The workflow is known now: one read of the issue, no transition, no exploring.
        assert len(running.fake.transitions_made) == moved
        assert running.fake.issue(second.key).status == "To Do"
        assert running.fake.total_requests() == 1, running.fake.requests


def test_graph_prefers_the_shortest_known_path_and_explores_towards_the_goal() -> None:
    todo, doing, review, done = (
        StatusNode("1", "To Do", "new"),
        StatusNode("3", "In Progress", "indeterminate"),
        StatusNode("5", "In Review", "indeterminate"),
        StatusNode("9", "Done", "done"),
    )
    graph = WorkflowGraph()

    def is_done(node: StatusNode) -> bool:
        return node.category == "done"

    graph.learn(todo, [Step("a", "start", doing), Step("b", "review", review)])
    # Nothing known beyond To Do: explore, the in-progress neighbour first.
    assert graph.next_step("1", is_done, "done") == Step("a", "start", doing)
    graph.learn(review, [Step("c", "ship", done)])
    assert graph.path("1", is_done) == [Step("b", "review", review), Step("c", "ship", done)]
    assert graph.next_step("1", is_done, "done") == Step("b", "review", review)
    dead = WorkflowGraph()
    dead.learn(todo, [Step("a", "start", doing)])
    dead.learn(doing, [Step("z", "stop", todo)])
    assert dead.next_step("1", is_done, "done") is None
    assert dead.path("1", is_done) is None
    assert dead.explored() == ["In Progress", "To Do"]


def test_transitions_answer_is_read_with_its_screens() -> None:
    answer = {
        "transitions": [
            {"id": "31", "name": "Resolve", "to": {"id": "9", "name": "Done", "statusCategory": {"key": "done"}},
             "fields": {"resolution": {"required": True, "allowedValues": [{"name": "Done"}, {"name": "Won't Do"}]}}},
            {"id": "21", "name": "Stop", "to": {"id": "1", "name": "To Do", "statusCategory": {"key": "new"}},
             "fields": {}},
            {"id": "41", "name": "Hidden", "to": {"id": "1", "name": "To Do"}, "isAvailable": False},
            {"id": "51", "name": "Plain", "to": {"id": "3", "name": "In Progress"}},
        ]
    }  # fmt: skip
    steps = parse_transitions(answer)
    assert [(s.id, s.resolution, s.resolutions) for s in steps] == [
        ("31", "required", ("Done", "Won't Do")),
        ("21", "none", ()),
        ("51", None, ()),
    ]
    assert parse_transitions(None) == []
