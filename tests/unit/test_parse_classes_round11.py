"""Classes of writing met in blind batches 59 onwards (issue 27, eleventh round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
from sync.core.parse.wording import reads_as_action
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Registration desk outage 2026-03-04", body)


_EVENT = "## Saturday\n\nThe check-in app crashed twice on Saturday and the volunteers fell back to paper lists.\n\n"


@pytest.mark.parametrize(
    "lead_in",
    ["A few ideas we did not get to:", "Ideas for next year:", "Some suggestions from the volunteers:"],
)
def test_a_list_of_ideas_is_a_list_of_open_items(lead_in: str) -> None:
    found = items(
        f"{_EVENT}{lead_in}\n\n"
        "1. Make the badge scanner count check-ins.\n"
        "2. Badges should carry a link instead of a bare code.\n"
    )
    assert [(item.text, item.status, item.confidence) for item in found] == [
        ("Make the badge scanner count check-ins.", Status.OPEN, "low"),
        ("Badges should carry a link instead of a bare code.", Status.OPEN, "low"),
    ]


def test_a_list_under_a_lead_in_that_names_no_ideas_is_the_story() -> None:
    found = items(
        f"{_EVENT}What the volunteers saw:\n\n"
        "1. The scanner froze every few minutes.\n"
        "2. The paper lists were out of date.\n"
    )
    assert found == ()


def test_an_order_that_states_no_status_is_open_and_a_report_beside_it_is_done() -> None:
    found = items(
        "## What happened\n\nOur proxy provider failed and the site was down for three hours.\n\n"
        "## Moving forward\n\n"
        "- Migrate the status page to a provider outside our proxy's network\n"
        "- Moved the DNS records to a second provider\n"
    )
    assert [(item.text, item.status, item.status_raw) for item in found] == [
        ("Migrate the status page to a provider outside our proxy's network", Status.OPEN, "an order"),
        ("Moved the DNS records to a second provider", Status.DONE, "past tense"),
    ]


def test_a_statement_beside_orders_is_no_item() -> None:
    found = items(
        "## What happened\n\nOur proxy provider failed.\n\n"
        "## Moving forward\n\n"
        "- Migrate the status page to a provider outside our proxy's network\n"
        "- Add a second DNS provider\n"
        "- Cloudflare is a good provider\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("Migrate the status page to a provider outside our proxy's network", Status.OPEN),
        ("Add a second DNS provider", Status.OPEN),
    ]


@pytest.mark.parametrize(
    "practice",
    ["As of today, we now set the rate limit per account, not per connection.", "We now run a restore test nightly."],
)
def test_a_practice_the_writers_now_have_is_done(practice: str) -> None:
    found = items(
        "## What happened\n\nOne customer flooded the cluster with writes and searches slowed down.\n\n"
        f"## The solution\n\n{practice} Customers who send many writes need to batch them."
    )
    assert [(item.text, item.status) for item in found] == [(practice, Status.DONE)]


def test_what_the_writers_now_know_or_must_do_is_no_practice() -> None:
    found = items(
        "## What happened\n\nOne customer flooded the cluster with writes and searches slowed down.\n\n"
        "## The solution\n\nWe now know that the limit was per connection. We now need to wait for the vendor."
    )
    assert found == ()


def test_a_practice_that_spells_out_the_change_just_reported_is_no_second_item() -> None:
    found = items(
        "## What happened\n\nOne customer flooded the cluster with writes and searches slowed down.\n\n"
        "## Since then\n\nThe limiter has been updated to fix this issue. We now count writes per account."
    )
    assert [(item.text, item.status) for item in found] == [
        ("The limiter has been updated to fix this issue.", Status.DONE)
    ]


def test_an_area_label_over_orders_groups_them_and_is_no_item() -> None:
    found = items(
        "## Improvements\n\n"
        "* Audio:\n  - Have a spare headset at every desk.\n  - Switch the mixers on a day earlier\n"
        "* Network:\n  - Have a switch with a fast backplane.\n  - One server per building?\n"
    )
    assert [(item.text, item.group, item.status) for item in found] == [
        ("Have a spare headset at every desk.", "Audio", Status.OPEN),
        ("Switch the mixers on a day earlier", "Audio", Status.OPEN),
        ("Have a switch with a fast backplane.", "Network", Status.OPEN),
    ]


def test_a_label_over_what_explains_it_stays_the_item() -> None:
    found = items(
        "## Action items\n\n* Spare headsets:\n  - the last ones broke on Saturday\n  - the vendor has more in stock\n"
    )
    assert [item.text for item in found][:1] == ["Spare headsets:"]


@pytest.mark.parametrize("question", ["Have you tested the failover?", "Have been looking at the logs"])
def test_have_as_an_auxiliary_or_a_question_is_no_order(question: str) -> None:
    assert not reads_as_action(question)
    assert reads_as_action("Have a whiteboard in the control room.")


_NOTES = (
    "* Audio:\n  - Have a spare headset at every desk.\n  - Switch the mixers on a day earlier\n"
    "* Network:\n  - Have a switch with a fast backplane.\n"
)


def test_meeting_notes_whose_agenda_is_to_improve_list_the_improvements() -> None:
    result = parse_document(
        f"IRC meeting, 2026-02-15\n=======\n\nAgenda: review the last event and see how we can improve\n\n{_NOTES}",
        "notes.md",
    )
    assert result.postmortem is not None
    assert [(item.text, item.group) for item in result.postmortem.action_items] == [
        ("Have a spare headset at every desk.", "Audio"),
        ("Switch the mixers on a day earlier", "Audio"),
        ("Have a switch with a fast backplane.", "Network"),
    ]
    assert {item.confidence for item in result.postmortem.action_items} == {"low"}


def test_meeting_notes_with_another_agenda_hold_no_items() -> None:
    result = parse_document(
        f"IRC meeting, 2026-02-15\n=======\n\nAgenda: the budget for the next event\n\n{_NOTES}", "notes.md"
    )
    assert result.postmortem is not None
    assert result.postmortem.action_items == ()
