"""Tracker statuses ↔ canonical, for Jira, GitHub and the local tracker."""

from __future__ import annotations

import pytest

from mappings.statuses import (
    DEFAULT_WONT_DO_RESOLUTIONS,
    GitHubState,
    GitHubStatusMap,
    JiraStatusMap,
    MappedStatus,
)
from sync.core.model import Status

JIRA = JiraStatusMap()
GITHUB = GitHubStatusMap()


@pytest.mark.parametrize(
    ("category", "name", "resolution", "expected"),
    [
        ("new", "To Do", None, MappedStatus(Status.OPEN, "To Do")),
        ("new", "Backlog", None, MappedStatus(Status.OPEN, "Backlog")),
        ("indeterminate", "In Review", None, MappedStatus(Status.IN_PROGRESS, "In Review")),
        ("INDETERMINATE", "In Progress", None, MappedStatus(Status.IN_PROGRESS, "In Progress")),
        ("done", "Done", "Done", MappedStatus(Status.DONE, "Done (Done)")),
        ("done", "Closed", "Fixed", MappedStatus(Status.DONE, "Closed (Fixed)")),
        ("done", "Closed", None, MappedStatus(Status.DONE, "Closed")),
        ("done", "Closed", "Won't Do", MappedStatus(Status.WONT_DO, "Closed (Won't Do)")),
        ("done", "Closed", "won\u2019t fix", MappedStatus(Status.WONT_DO, "Closed (won\u2019t fix)")),
        ("done", "Resolved", "DUPLICATE", MappedStatus(Status.WONT_DO, "Resolved (DUPLICATE)")),
        ("done", "Resolved", "Cannot  Reproduce", MappedStatus(Status.WONT_DO, "Resolved (Cannot  Reproduce)")),
        # A won't-do resolution only counts once the issue is in a done status.
        ("indeterminate", "In Progress", "Won't Do", MappedStatus(Status.IN_PROGRESS, "In Progress (Won't Do)")),
        ("undefined", "Limbo", None, MappedStatus(Status.OPEN, "Limbo", recognised=False)),
        (None, "Mystery", None, MappedStatus(Status.OPEN, "Mystery", recognised=False)),
    ],
)
def test_jira_to_canonical(category: str | None, name: str, resolution: str | None, expected: MappedStatus) -> None:
    assert JIRA.to_canonical(category, name, resolution) == expected


@pytest.mark.parametrize("resolution", sorted(DEFAULT_WONT_DO_RESOLUTIONS))
def test_every_default_wont_do_resolution(resolution: str) -> None:
    assert JIRA.to_canonical("done", "Closed", resolution).status is Status.WONT_DO


def test_jira_overrides_by_status_name_and_resolutions() -> None:
    mapping = JiraStatusMap(
        wont_do_resolutions=frozenset({"Abandoned"}),
        status_overrides={"Blocked": Status.OPEN, "ready for release": Status.DONE},
    )
    assert mapping.to_canonical("done", "blocked", None) == MappedStatus(Status.OPEN, "blocked")
    assert mapping.to_canonical("indeterminate", "Ready for Release", None).status is Status.DONE
    assert mapping.to_canonical("done", "Closed", "Abandoned").status is Status.WONT_DO
    # The configured set replaces the defaults.
    assert mapping.to_canonical("done", "Closed", "Won't Do").status is Status.DONE


@pytest.mark.parametrize(
    ("state", "reason", "labels", "expected"),
    [
        ("open", None, (), MappedStatus(Status.OPEN, "open")),
        ("open", "reopened", (), MappedStatus(Status.OPEN, "open (reopened)")),
        ("open", None, ("bug", "In Progress"), MappedStatus(Status.IN_PROGRESS, "open")),
        ("open", None, ("status: in-progress",), MappedStatus(Status.IN_PROGRESS, "open")),
        ("open", None, ("in_progress",), MappedStatus(Status.IN_PROGRESS, "open")),
        ("open", None, ("progress",), MappedStatus(Status.OPEN, "open")),
        ("open", "reopened", ("in progress",), MappedStatus(Status.IN_PROGRESS, "open (reopened)")),
        ("closed", "completed", (), MappedStatus(Status.DONE, "closed (completed)")),
        ("closed", None, (), MappedStatus(Status.DONE, "closed")),
        ("closed", "not_planned", (), MappedStatus(Status.WONT_DO, "closed (not_planned)")),
        ("closed", "duplicate", (), MappedStatus(Status.WONT_DO, "closed (duplicate)")),
        ("closed", "completed", ("in progress",), MappedStatus(Status.DONE, "closed (completed)")),
        ("closed", "brand_new_reason", (), MappedStatus(Status.DONE, "closed (brand_new_reason)", recognised=False)),
        ("CLOSED", "COMPLETED", (), MappedStatus(Status.DONE, "CLOSED (COMPLETED)")),
        ("archived", None, (), MappedStatus(Status.OPEN, "archived", recognised=False)),
    ],
)
def test_github_to_canonical(state: str, reason: str | None, labels: tuple[str, ...], expected: MappedStatus) -> None:
    assert GITHUB.to_canonical(state, reason, labels) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.OPEN, GitHubState("open", None, in_progress=False)),
        (Status.IN_PROGRESS, GitHubState("open", None, in_progress=True)),
        (Status.DONE, GitHubState("closed", "completed", in_progress=False)),
        (Status.WONT_DO, GitHubState("closed", "not_planned", in_progress=False)),
    ],
)
def test_github_state_for_round_trips(status: Status, expected: GitHubState) -> None:
    state = GITHUB.state_for(status)
    assert state == expected
    labels = (GITHUB.in_progress_label,) if state.in_progress else ()
    assert GITHUB.to_canonical(state.state, state.state_reason, labels).status is status


def test_github_custom_in_progress_labels() -> None:
    mapping = GitHubStatusMap(in_progress_labels=("doing", "wip"))
    assert mapping.in_progress_label == "doing"
    assert mapping.to_canonical("open", None, ["WIP"]).status is Status.IN_PROGRESS
    assert mapping.to_canonical("open", None, ["in progress"]).status is Status.OPEN
    with pytest.raises(ValueError, match="at least one"):
        GitHubStatusMap(in_progress_labels=())
