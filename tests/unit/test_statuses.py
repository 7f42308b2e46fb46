"""Tracker statuses ↔ canonical, for Jira, GitHub and the local tracker."""

from __future__ import annotations

import pytest

from mappings.statuses import (
    DEFAULT_WONT_DO_RESOLUTIONS,
    GitHubState,
    GitHubStatusMap,
    JiraStatusMap,
    JiraTransitionOption,
    MappedStatus,
    local_status,
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
    ("status", "first_name", "category", "resolution"),
    [
        (Status.OPEN, "Reopen", "new", None),
        (Status.IN_PROGRESS, "Start Progress", "indeterminate", None),
        (Status.DONE, "Done", "done", None),
        (Status.WONT_DO, "Won't Do", "done", "Won't Do"),
    ],
)
def test_jira_transition_for(status: Status, first_name: str, category: str, resolution: str | None) -> None:
    transition = JIRA.transition_for(status)
    assert transition.names[0] == first_name
    assert (transition.category, transition.resolution) == (category, resolution)


def test_jira_transition_overrides_merge_over_defaults() -> None:
    mapping = JiraStatusMap(transitions={Status.DONE: ("Ship it",)}, wont_do_resolution="Declined")
    assert mapping.transition_for(Status.DONE).names == ("Ship it",)
    assert mapping.transition_for(Status.OPEN).names[0] == "Reopen"
    assert mapping.transition_for(Status.WONT_DO).resolution == "Declined"


OPTIONS = [
    JiraTransitionOption("11", "Start progress", "indeterminate"),
    JiraTransitionOption("21", "Finish", "done"),
    JiraTransitionOption("31", "Close Issue", "done"),
    JiraTransitionOption("41", "Back to backlog", "new"),
    JiraTransitionOption("51", "Done", "indeterminate"),  # misleading name: leads to a non-done status
]


@pytest.mark.parametrize(
    ("status", "expected_id"),
    [
        (Status.IN_PROGRESS, "11"),  # by name, case-insensitively
        (Status.DONE, "31"),  # "Done" is offered but leads elsewhere; "Close Issue" is next by name
        (Status.WONT_DO, "31"),
        (Status.OPEN, "41"),  # no name matches: first transition into the "new" category
    ],
)
def test_jira_pick_transition(status: Status, expected_id: str) -> None:
    chosen = JIRA.pick_transition(status, OPTIONS)
    assert chosen is not None and chosen.id == expected_id


def test_jira_pick_transition_none_when_workflow_offers_no_way() -> None:
    assert JIRA.pick_transition(Status.DONE, [JiraTransitionOption("1", "Start", "indeterminate")]) is None
    assert JIRA.pick_transition(Status.OPEN, []) is None


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("open", MappedStatus(Status.OPEN, "open")),
        ("in_progress", MappedStatus(Status.IN_PROGRESS, "in_progress")),
        ("In Progress", MappedStatus(Status.IN_PROGRESS, "In Progress")),
        ("done", MappedStatus(Status.DONE, "done")),
        ("wont_do", MappedStatus(Status.WONT_DO, "wont_do")),
        ("cancelled", MappedStatus(Status.OPEN, "cancelled", recognised=False)),
    ],
)
def test_local_status(raw: str, expected: MappedStatus) -> None:
    assert local_status(raw) == expected


@pytest.mark.parametrize("status", list(Status))
def test_local_round_trip(status: Status) -> None:
    assert local_status(status.value).status is status
