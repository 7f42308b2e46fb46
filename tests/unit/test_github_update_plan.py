"""GitHubTracker.update's decision, without I/O (issue 25: it was one function of CC 41 doing
patch logic and six kinds of request)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sync.core.model import Priority
from sync.core.tickets import CLEAR, Marker, TicketChanges
from sync.trackers.github_body import Footer, render_body, split_body
from sync.trackers.github_tracker import GitHubMapping, IssueEdit, plan_update

MARKER = Marker("INC-7#2")
DUE = dt.date(2026, 3, 20)
MAPPING = GitHubMapping(repo="acme/ops")


def issue(*labels: str, body: str | None = None) -> dict[str, Any]:
    text = render_body("Text", Footer(MARKER, DUE, Priority.P2)) if body is None else body
    return {"body": text, "labels": [{"name": name} for name in labels]}


def test_nothing_to_change_sends_nothing() -> None:
    assert plan_update(issue("pmsync"), TicketChanges(), MAPPING) == IssueEdit(patch={})


def test_title_and_assignee() -> None:
    edit = plan_update(issue(), TicketChanges(title="New", assignee="dana"), MAPPING)
    assert edit.patch == {"title": "New", "assignees": ["dana"]}
    assert plan_update(issue(), TicketChanges(assignee=CLEAR), MAPPING).patch == {"assignees": []}


def test_priority_swaps_its_label_and_rewrites_the_footer() -> None:
    current = issue("pmsync", "priority:P2", MARKER.label)
    edit = plan_update(current, TicketChanges(priority=Priority.P0, labels_add=frozenset({"priority-P0"})), MAPPING)
    assert edit.add == {"priority:P0"} and edit.remove == {"priority:P2"}, "the planner's priority-* label is not sent"
    assert split_body(edit.patch["body"]) == ("Text", Footer(MARKER, DUE, Priority.P0))


def test_a_new_due_date_moves_the_label_milestone_and_target_date() -> None:
    mapping = GitHubMapping(repo="acme/ops", due_milestones=True)
    later = dt.date(2026, 4, 1)
    edit = plan_update(issue("due/2026-03-20"), TicketChanges(due=later), mapping)
    assert edit.add == {"due/2026-04-01"} and edit.remove == {"due/2026-03-20"}
    assert edit.milestone == later and edit.target_date == later
    assert split_body(edit.patch["body"])[1] == Footer(MARKER, later, Priority.P2)


def test_a_cleared_due_date_clears_label_milestone_and_footer_but_sets_no_target_date() -> None:
    mapping = GitHubMapping(repo="acme/ops", due_milestones=True)
    edit = plan_update(issue("due/2026-03-20"), TicketChanges(due=CLEAR), mapping)
    assert edit.patch["milestone"] is None and edit.milestone is None and edit.target_date is None
    assert edit.remove == {"due/2026-03-20"} and edit.add == frozenset()
    assert split_body(edit.patch["body"])[1] == Footer(MARKER, None, Priority.P2)


def test_without_due_labels_the_labels_stay() -> None:
    mapping = GitHubMapping(repo="acme/ops", due_labels=False)
    edit = plan_update(issue("due/2026-03-20"), TicketChanges(due=dt.date(2026, 4, 1)), mapping)
    assert edit.add == frozenset() and edit.remove == frozenset()


def test_pmsyncs_own_labels_are_never_removed_and_absent_ones_not_deleted() -> None:
    remove = frozenset({"pmsync", MARKER.label, "team-a", "not-there"})
    edit = plan_update(issue("pmsync", MARKER.label, "team-a"), TicketChanges(labels_remove=remove), MAPPING)
    assert edit.remove == {"team-a"}


def test_a_body_without_pmsyncs_footer_is_replaced_as_it_is() -> None:
    edit = plan_update(issue(body="A person's text"), TicketChanges(body="New text"), MAPPING)
    assert edit.patch == {"body": "New text"}
    assert plan_update(issue(body="A person's text"), TicketChanges(priority=Priority.P1), MAPPING).patch == {}
