"""Ticket value types and what the planner writes into ticket bodies."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sync.core.model import Severity, TicketLink
from sync.core.plan import FULL_CAPABILITIES, CreateTicket, EnsureParent, PlanInput, plan
from sync.core.state import KnownIncident, StateSnapshot
from sync.core.tickets import CLEAR, Marker, TicketChanges
from tests.planning import TODAY, FixedPolicy, doc, item


def test_capabilities_refuse_impossible_values() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        dataclasses.replace(FULL_CAPABILITIES, max_batch=0)
    with pytest.raises(ValueError, match="search_lag_seconds"):
        dataclasses.replace(FULL_CAPABILITIES, search_lag_seconds=-1)
    with pytest.raises(ValueError, match="write_timeout_seconds"):
        dataclasses.replace(FULL_CAPABILITIES, write_timeout_seconds=-1)
    with pytest.raises(ValueError, match="parallel_writes"):
        dataclasses.replace(FULL_CAPABILITIES, parallel_writes=0)


def test_changes_know_when_they_are_empty_and_what_they_touch() -> None:
    assert TicketChanges().is_empty() and TicketChanges().changed_fields() == []
    clear = TicketChanges(due=CLEAR)
    assert not clear.is_empty() and clear.changed_fields() == ["due"]
    labels = TicketChanges(labels_remove=frozenset({"sre"}))
    assert not labels.is_empty() and labels.changed_fields() == ["labels"]


def test_a_marker_label_is_short_stable_and_label_safe() -> None:
    marker = Marker("INC-2026-0201#3")
    assert marker.label == Marker("INC-2026-0201#3").label
    assert marker.label.startswith("pmsync-") and len(marker.label) == len("pmsync-") + 12
    assert "#" not in marker.label


def test_bodies_carry_what_the_title_cannot() -> None:
    pm = doc(
        item(
            1,
            "Rotate the signing keys",
            owner="Dana",
            deadline_raw="end of sprint",
            kind="prevent",
            tickets=(TicketLink(system="jira", key="SEC-9", url="https://jira.example/SEC-9"),),
        )
    )
    pm = pm.model_copy(update={"severity": Severity.SEV1, "started_at": dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC)})
    result = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY)
    body = result.of_type(CreateTicket)[0].draft.body
    assert body.splitlines()[0] == "Rotate the signing keys"
    for line in (
        "Severity: SEV-1",
        "Owner (as written): Dana",
        "Deadline (as written): end of sprint",
        "Type: prevent",
        "Related: https://jira.example/SEC-9",
    ):
        assert line in body
    parent = result.of_type(EnsureParent)[0].draft.body
    assert "Severity: SEV-1" in parent and "Started: 2026-03-04T14:02:00+00:00" in parent
    assert "Action items: 1" in parent


def test_a_document_without_a_title_still_names_its_parent() -> None:
    pm = doc(item(1, "A")).model_copy(update={"title": None})
    (parent,) = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY).of_type(EnsureParent)
    assert parent.draft.title == "INC-1: post-mortem follow-ups"


def test_an_id_less_document_that_matches_no_known_content_keeps_its_file_key() -> None:
    known = {"doc-other": KnownIncident("doc-other", "other.md", "f" * 64, TODAY)}
    pm = doc(item(1, "A"), incident_id=None, path="new.md")
    result = plan([PlanInput(pm)], StateSnapshot("local", incidents=known), FixedPolicy(), TODAY)
    assert result.of_type(CreateTicket)[0].item_key == "doc-new#1"
    assert [d.code for d in result.diagnostics] == []
