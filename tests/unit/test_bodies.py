"""What pmsync writes into tickets: the pure body and label builders, and how the planner uses
them (a body change is an update, a document newly marking an item done is one transition)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from sync.core.bodies import WHY_LIMIT, document_link, incident_body, item_body, ticket_labels, whys_summary
from sync.core.model import Detection, DetectionMethod, Impact, Priority, Severity, Status, Why
from sync.core.plan import (
    CreateTicket,
    EnsureParent,
    Plan,
    PlanInput,
    TransitionTicket,
    UpdateTicket,
    UpsertIncident,
    plan,
)
from sync.core.state import StateSnapshot
from tests.planning import TODAY, FixedPolicy, doc, item
from tests.unit.test_plan import state_after

URL = "https://github.com/acme/postmortems/blob/main/{path}"


def recorded(known: StateSnapshot, result: Plan) -> StateSnapshot:
    """``known`` after applying an update-only plan: the store records the document's statuses."""
    said = {r.key: r.doc_status for a in result.of_type(UpsertIncident) for r in a.items}
    items = {k: dataclasses.replace(v, doc_status=said.get(k, v.doc_status)) for k, v in known.items.items()}
    return dataclasses.replace(known, items=items)


@pytest.mark.parametrize(
    ("template", "path", "root", "expected"),
    [
        (None, "pm/inc-1.md", None, "pm/inc-1.md"),
        (URL, "pm/inc-1.md", None, "https://github.com/acme/postmortems/blob/main/pm/inc-1.md"),
        (URL, "/repo/pm/inc-1.md", "/repo", "https://github.com/acme/postmortems/blob/main/pm/inc-1.md"),
        (None, "/repo/pm/inc-1.md", "/repo", "pm/inc-1.md"),
        # Outside the root: the path as given rather than a guess.
        (URL, "/elsewhere/inc-1.md", "/repo", "https://github.com/acme/postmortems/blob/main//elsewhere/inc-1.md"),
        ("https://wiki.example/pm", "pm/inc-1.md", None, "https://wiki.example/pm"),
        (None, "C:\\repo\\pm\\inc-1.md", "C:\\repo", "pm/inc-1.md"),
    ],
)
def test_document_link(template: str | None, path: str, root: str | None, expected: str) -> None:
    assert document_link(template, path, root) == expected


@pytest.mark.parametrize(
    ("severity", "team", "priority", "expected"),
    [
        (None, None, None, ("pmsync", "team-payments")),
        (Severity.SEV1, None, Priority.P0, ("pmsync", "priority-p0", "severity-sev-1", "team-payments")),
        # The routing label and the document's team are the same label, written once.
        (None, "Payments", Priority.P2, ("pmsync", "priority-p2", "team-payments")),
        (
            Severity.SEV3,
            "Site Reliability",
            None,
            ("pmsync", "severity-sev-3", "team-payments", "team-site-reliability"),
        ),
        (None, "  ", None, ("pmsync", "team-payments")),
    ],
)
def test_ticket_labels(
    severity: Severity | None, team: str | None, priority: Priority | None, expected: tuple[str, ...]
) -> None:
    pm = doc().model_copy(update={"severity": severity, "team": team})
    assert ticket_labels(("pmsync", "team-payments"), pm, priority) == expected


def test_whys_are_numbered_and_long_ones_shortened() -> None:
    long = "because " * 60
    pm = doc().model_copy(update={"whys": (Why(number=1, text="disk  full", line=3), Why(number=2, text=long, line=4))})
    lines = whys_summary(pm)
    assert lines[:2] == ["5 whys:", "1. disk full"]
    assert lines[2].startswith("2. because") and lines[2].endswith("…") and len(lines[2]) <= WHY_LIMIT + 3
    assert whys_summary(doc()) == []


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (dt.date(2026, 4, 1), "Due: 2026-04-01 (given by the document)"),
        (None, "Due: 2026-04-01 (derived from priority P1)"),
    ],
)
def test_item_body_says_where_the_due_date_came_from(deadline: dt.date | None, expected: str) -> None:
    action = item(1, "Add a circuit breaker", owner="@dana (SRE)", deadline=deadline)
    pm = doc(action).model_copy(update={"severity": Severity.SEV2, "whys": (Why(number=1, text="no breaker", line=5),)})
    body = item_body(action, pm, "INC-1", due=dt.date(2026, 4, 1), priority=Priority.P1, link="pm/inc-1.md")
    assert body.splitlines() == [
        "Add a circuit breaker",
        "",
        "Incident: INC-1 — Checkout 502s",
        "Severity: SEV-2",
        "Owner (as written): @dana (SRE)",
        expected,
        "",
        "5 whys:",
        "1. no breaker",
        "",
        "Post-mortem: pm/inc-1.md",
    ]


def test_incident_body_carries_the_summary_fields() -> None:
    pm = doc(item(1, "A")).model_copy(
        update={
            "severity": Severity.SEV1,
            "started_at": dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC),
            "ended_at": dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC),
            "impact": Impact(users=12000, revenue_lost=Decimal("5000"), sla_breached=True),
            "detection": Detection(method=DetectionMethod.CUSTOMER, delay_minutes=7),
        }
    )
    body = incident_body(pm, "INC-1", link="https://x.example/pm/inc-1.md")
    for line in (
        "Incident: INC-1 — Checkout 502s",
        "Severity: SEV-1",
        "Started: 2026-03-04T14:02:00+00:00",
        "Ended: 2026-03-04T15:00:00+00:00",
        "Impact: 12,000 users affected; $5,000 revenue lost; SLA breached",
        "Detection: customer report after 7 min",
        "Post-mortem: https://x.example/pm/inc-1.md",
    ):
        assert line in body.splitlines()
    plain = doc().model_copy(update={"title": None, "impact": Impact(text="some  users")})
    assert "Incident: INC-1" in incident_body(plain, "INC-1", link="p").splitlines()
    assert "Impact: some users" in incident_body(plain, "INC-1", link="p")


def test_the_planner_writes_the_link_and_marks_only_urls_for_remote_links() -> None:
    pm = doc(item(1, "A"))
    with_url = plan([PlanInput(pm)], StateSnapshot("jira"), FixedPolicy(document_url=URL), TODAY)
    (parent,) = with_url.of_type(EnsureParent)
    assert parent.draft.document_url == "https://github.com/acme/postmortems/blob/main/pm/inc-1.md"
    assert parent.draft.body.endswith("Post-mortem: https://github.com/acme/postmortems/blob/main/pm/inc-1.md")
    (parent,) = plan([PlanInput(pm)], StateSnapshot("jira"), FixedPolicy(), TODAY).of_type(EnsureParent)
    assert parent.draft.document_url is None and parent.draft.body.endswith("Post-mortem: pm/inc-1.md")


def test_an_unchanged_document_plans_nothing_and_a_body_change_plans_an_update() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A", owner="@dana")))], StateSnapshot("local"), policy, TODAY)
    known = state_after(first)
    assert plan([PlanInput(doc(item(1, "A", owner="@dana")))], known, policy, TODAY).tracker_actions == []
    severe = doc(item(1, "A", owner="@dana")).model_copy(update={"severity": Severity.SEV1})
    (update,) = plan([PlanInput(severe)], known, policy, TODAY).tracker_actions
    assert isinstance(update, UpdateTicket)
    assert set(update.changes.changed_fields()) == {"body", "labels"}
    assert update.changes.body is not None and "Severity: SEV-1" in update.changes.body
    assert update.changes.labels_add == frozenset({"severity-sev-1"})
    # The three-way check needs what pmsync wrote before.
    assert update.previous["body"] == first.of_type(CreateTicket)[0].fields["body"]


@pytest.mark.parametrize("done", [Status.DONE, Status.WONT_DO])
def test_close_done_transitions_once_per_document_change(done: Status) -> None:
    policy = FixedPolicy(close_done=True)
    known = state_after(plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), policy, TODAY))
    marked = doc(item(1, "A", status=done))
    result = plan([PlanInput(marked)], known, policy, TODAY)
    assert result.of_type(TransitionTicket) == [TransitionTicket(item_key="INC-1#1", status=done)]
    # A person reopens the ticket; the document is unchanged: no second close.
    after = recorded(known, result)
    assert plan([PlanInput(marked)], after, policy, TODAY).tracker_actions == []
    # Without close_done nothing is transitioned.
    assert plan([PlanInput(marked)], known, FixedPolicy(), TODAY).of_type(TransitionTicket) == []


def test_close_done_ignores_open_and_in_progress_and_a_second_change_closes_again() -> None:
    policy = FixedPolicy(close_done=True)
    known = state_after(plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), policy, TODAY))
    moving = doc(item(1, "A", status=Status.IN_PROGRESS))
    assert plan([PlanInput(moving)], known, policy, TODAY).of_type(TransitionTicket) == []
    done = recorded(known, plan([PlanInput(doc(item(1, "A", status=Status.DONE)))], known, policy, TODAY))
    wont = plan([PlanInput(doc(item(1, "A", status=Status.WONT_DO)))], done, policy, TODAY)
    assert wont.of_type(TransitionTicket) == [TransitionTicket(item_key="INC-1#1", status=Status.WONT_DO)]
