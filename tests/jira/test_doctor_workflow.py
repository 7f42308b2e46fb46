"""``pmsync doctor`` walks the item workflow (issue 23.1): from the status pmsync's issues are
created in, over the transitions Jira offers, whether done and won't do are reachable. Read-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from sync.core.model import Status
from sync.core.tickets import Marker, TicketDraft, TicketRef
from tests.fakes.jira_server import FakeJira, RunningFake, serve
from tests.jira.corpus import write_config
from tests.jira.support import TestClock, make_tracker

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}


def served(flavour: str, workflow: str) -> Iterator[RunningFake]:
    running = serve(FakeJira(flavour, workflow=workflow))  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


def seed(running: RunningFake, statuses: tuple[Status, ...] = (Status.OPEN,)) -> None:
    """pmsync's issues as a sync leaves them: created, some moved on."""
    clock = TestClock()
    with httpx.Client(timeout=5.0) as http:
        tracker = make_tracker(running, clock, http)
        for n, status in enumerate(statuses, 1):
            (ref,) = tracker.create_many([TicketDraft(marker=Marker(f"INC-1#{n}"), title=f"Item {n}", body="b")])
            assert isinstance(ref, TicketRef)
            if status is not Status.OPEN:
                tracker.transition(ref, status)


def doctor(tmp_path: Path, running: RunningFake) -> tuple[int, str]:
    config = write_config(tmp_path, running.url, deployment=running.fake.flavour)
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"], env=ENV)
    return result.exit_code, result.output


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_a_resolution_screen_workflow_reaches_done_and_wont_do(tmp_path: Path, flavour: str) -> None:
    for running in served(flavour, "resolution_screen"):
        seed(running, (Status.OPEN, Status.IN_PROGRESS))
        running.fake.reset_counts()
        moved = list(running.fake.transitions_made)
        code, out = doctor(tmp_path, running)
        assert code == 0, out
        assert "done and won't do are reachable: To Do → In Progress → Done (2 transition(s))" in out
        assert running.fake.transitions_made == moved, "doctor never transitions"
        assert not any(route.startswith(("POST", "PUT")) and "search" not in route for route in running.fake.requests)


def test_a_linear_workflow_without_a_resolution_screen_cannot_close_as_wont_do(tmp_path: Path) -> None:
    for running in served("cloud", "linear"):
        seed(running, (Status.OPEN, Status.IN_PROGRESS))
        code, out = doctor(tmp_path, running)
        assert code == 1
        assert "done is reachable (To Do → In Progress → Done), but won't do is not" in out
        assert "fix: put the Resolution field" in out


def test_a_workflow_that_never_reaches_done_is_a_problem(tmp_path: Path) -> None:
    for running in served("cloud", "no_done"):
        seed(running, (Status.OPEN, Status.OPEN, Status.IN_PROGRESS))
        with httpx.Client(timeout=5.0) as http:  # one issue in review, as a blocked walk leaves it
            tracker = make_tracker(running, TestClock(), http)
            with pytest.raises(Exception, match="no path"):
                tracker.transition(TicketRef("jira", "OPS-1", id="10001"), Status.DONE)
        code, out = doctor(tmp_path, running)
        assert code == 1
        assert "no done status is reachable from 'To Do' (explored: In Progress, In Review, To Do)" in out


def test_statuses_no_issue_is_in_leave_the_answer_open_and_no_issue_means_not_walked(tmp_path: Path) -> None:
    for running in served("cloud", "linear"):
        _code, out = doctor(tmp_path, running)
        assert "not walked yet: no pmsync Task in OPS" in out
        seed(running)
        _code, out = doctor(tmp_path, running)
        assert "no done status known to be reachable from 'To Do' yet: no pmsync issue is in In Progress" in out
        running.fake.human_transition("OPS-1", "In Progress")
        _code, out = doctor(tmp_path, running)
        assert "not walked yet: no pmsync Task is in 'To Do', where issues are created" in out
