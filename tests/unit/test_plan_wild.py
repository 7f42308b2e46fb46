"""Issue 23 in the planner and the bodies: a workflow-blocked status is owed but not retried the
same day, an item's own ticket is never "Related:", the parent counts every child, and a kept due
date is what the body states."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sync.core.bodies import incident_body, with_kept_due
from sync.core.model import Priority, Status, TicketLink
from sync.core.plan import (
    FULL_CAPABILITIES,
    CreateTicket,
    EnsureParent,
    ExtraItem,
    PlanInput,
    TransitionTicket,
    UpdateTicket,
    plan,
    sha256_text,
)
from sync.core.state import KnownIncident, KnownItem, KnownTicket, StateSnapshot
from sync.core.tickets import TicketRef
from tests.planning import TODAY, FixedPolicy, doc, item

REMOTE = dataclasses.replace(FULL_CAPABILITIES, create_in_done_state=False, links=False)


def state_with(ticket: KnownTicket, doc_status: Status | None = Status.DONE) -> tuple[StateSnapshot, dict[str, object]]:
    first = plan([PlanInput(doc(item(1, "A", status=Status.DONE)))], StateSnapshot("jira"), FixedPolicy(), TODAY)
    fields = first.of_type(CreateTicket)[0].fields
    known = KnownItem(
        "INC-1#1",
        "INC-1",
        1,
        sha256_text("A"),
        True,
        dataclasses.replace(ticket, synced_fields=fields),
        doc_status=doc_status,
    )
    incident = KnownIncident("INC-1", "pm/inc-1.md", "0" * 64, TODAY, TicketRef("jira", "OPS-0"))
    return StateSnapshot("jira", incidents={"INC-1": incident}, items={"INC-1#1": known}), dict(fields)


BLOCKED = KnownTicket(TicketRef("jira", "OPS-1"), pending_status=Status.DONE, blocked_on=TODAY)


@pytest.mark.parametrize(
    ("blocked_on", "said", "expected"),
    [
        (TODAY, Status.DONE, []),  # blocked today, the document unchanged: not retried
        (TODAY - dt.timedelta(days=1), Status.DONE, [Status.DONE]),  # a later day: tried again
        (None, Status.DONE, [Status.DONE]),  # owed after a create: always
        (TODAY, Status.WONT_DO, [Status.WONT_DO]),  # the document changed: what it says now
        (TODAY, Status.OPEN, [Status.OPEN]),
    ],
)
def test_a_workflow_blocked_status_is_retried_on_a_later_day_or_a_document_change(
    blocked_on: dt.date | None, said: Status, expected: list[Status]
) -> None:
    state, _fields = state_with(dataclasses.replace(BLOCKED, blocked_on=blocked_on))
    result = plan([PlanInput(doc(item(1, "A", status=said)))], state, FixedPolicy(), TODAY, capabilities=REMOTE)
    assert [t.status for t in result.of_type(TransitionTicket)] == expected
    assert result.today == TODAY


def test_an_items_own_ticket_in_its_cell_is_never_related_whatever_its_address() -> None:
    own = TicketRef("github", "acme/ops#12", url="https://ghe.example.com/acme/ops/issues/12")
    state, fields = state_with(KnownTicket(own))
    links = (
        TicketLink(system="other", key="acme/ops#12", url="https://ghe.example.com/acme/ops/issues/12"),
        TicketLink(system="other", key="BUG-7", url="https://bugs.example.com/7"),
    )
    result = plan(
        [PlanInput(doc(item(1, "A", status=Status.DONE, tickets=links)))],
        state,
        FixedPolicy(),
        TODAY,
        capabilities=REMOTE,
    )
    (update,) = result.of_type(UpdateTicket)
    body = update.fields["body"]
    assert "Related: https://bugs.example.com/7" in body
    assert "ghe.example.com" not in body


def test_the_parent_counts_the_items_the_policy_adds() -> None:
    policy = FixedPolicy(extra=[ExtraItem("compliance-sox", "SOX review", "b", None, Priority.P0)])
    result = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], StateSnapshot("jira"), policy, TODAY)
    (parent,) = result.of_type(EnsureParent)
    assert "Action items: 3" in parent.draft.body
    assert "Action items: 2" in incident_body(doc(item(1, "A"), item(2, "B")), "INC-1", link="x")


def test_a_kept_due_date_replaces_the_documents_in_the_body() -> None:
    body = "Fix it\n\nIncident: INC-1\nDue: 2026-03-20 (given by the document)\nType: fix\n\nPost-mortem: x"
    kept = with_kept_due(body, dt.date(2026, 4, 1))
    assert "Due: 2026-04-01 (set in the tracker; kept over the document's)\nType: fix" in kept
    assert "2026-03-20" not in kept
    cleared = with_kept_due(body, None)
    assert "Due:" not in cleared and "Incident: INC-1\nType: fix" in cleared
    assert with_kept_due("No date here", dt.date(2026, 4, 1)) == "No date here"
