"""Classes of writing met in blind batches 48 onwards (issue 27, eighth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse.evidence import NARRATIVE, heading_strength
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Queue outage 2026-03-04", body)


def test_a_bold_title_grouping_orders_is_their_parent_and_each_order_an_item() -> None:
    found = items(
        "## Follow-ups\n\n"
        "1. **Separation of environments**\n\n"
        "   - Use separate cloud accounts for staging and production.\n"
        "   - Require an approval for any plan that touches production.\n\n"
        "2. **Guardrails on removal**\n\n"
        "   - Add a policy check that fails a plan removing the DNS zone.\n"
        "   - Set retention on every bucket that holds backups.\n"
    )
    by_text = {item.text: item for item in found}
    orders = [t for t in by_text if not t.startswith(("Separation", "Guardrails"))]
    assert orders == [
        "Use separate cloud accounts for staging and production.",
        "Require an approval for any plan that touches production.",
        "Add a policy check that fails a plan removing the DNS zone.",
        "Set retention on every bucket that holds backups.",
    ]
    parent = by_text["Separation of environments"]
    assert by_text["Use separate cloud accounts for staging and production."].parent == parent.number


def test_a_bold_title_over_what_explains_it_stays_one_item() -> None:
    found = items(
        "## Follow-ups\n\n"
        "1. **Deeper monitoring of the queue**\n\n"
        "   - The dashboards showed the backlog only as an average.\n"
        "   - Nobody was paged when the consumers stopped.\n"
    )
    assert [item.text for item in found] == ["Deeper monitoring of the queue"]


def test_a_bold_title_over_one_order_stays_one_item() -> None:
    found = items("## Follow-ups\n\n1. **Paging**\n\n   - Page the owner when consumers stop.\n")
    assert [item.text for item in found] == ["Paging"]


@pytest.mark.parametrize(
    "heading", ["Changes we have made", "What we changed", "Improvements we've deployed", "The fixes we made"]
)
def test_a_heading_naming_the_changes_made_marks_its_entries_done_unless_they_promise(heading: str) -> None:
    found = items(
        f"## {heading}\n\n"
        "- Use separate credentials for staging and production.\n"
        "- We will notify users in the app during any interruption.\n"
    )
    assert [(item.text[:24], item.status) for item in found] == [
        ("Use separate credentials", Status.DONE),
        ("We will notify users in ", Status.OPEN),
    ]


@pytest.mark.parametrize("heading", ["Changes we will make", "What we will change", "Changes"])
def test_a_heading_naming_changes_to_come_marks_nothing_done(heading: str) -> None:
    found = items(f"## {heading}\n\n- Use separate credentials for staging and production.\n")
    assert all(item.status is not Status.DONE for item in found)


def test_logging_in_names_an_incident_not_a_log() -> None:
    assert heading_strength("04/11/2017 - Users unable to log in") > NARRATIVE
    assert heading_strength("Server logs") == NARRATIVE
    assert heading_strength("Log of the night") == NARRATIVE
    found = items(
        "### 04/11/2017 - Users unable to log in\n\n"
        "__Resolution__: Engineers restored the missing setting.\n\n"
        "__Next Steps__: We will be extending our tests to more account types.\n"
    )
    assert [(item.text[:30], item.status) for item in found] == [("We will be extending our tests", Status.OPEN)]


def test_a_paragraph_stating_a_goal_then_committing_is_the_commitment() -> None:
    (found,) = items(
        "## Action items\n\n"
        "We need to ensure this service is no snowflake any more, so we can run it like every other site. "
        "We are therefore going to move it to the platform that runs our website.\n"
    )
    assert found.text.startswith("We are therefore going to move it")
    assert found.status is Status.OPEN


def test_a_goal_with_no_commitment_after_it_stays_whole() -> None:
    (found,) = items("## Action items\n\nWe need to ensure the backups are restored monthly. It is cheap.\n")
    assert found.text.startswith("We need to ensure the backups")


def test_a_sub_heading_naming_an_area_over_promises_holds_the_promises() -> None:
    found = items(
        "## What the future looks like\n\n"
        "### Outreach\n\n"
        "Next time we'll start announcing earlier, and on more platforms. It went well enough. "
        "We'll also get a central site set up for the event.\n"
    )
    assert [(item.text[:30], item.status) for item in found] == [
        ("Next time we'll start announci", Status.OPEN),
        ("We'll also get a central site ", Status.OPEN),
    ]


def test_a_sub_heading_naming_one_action_over_its_explanation_stays_the_item() -> None:
    found = items(
        "## How are we going to do better?\n\n"
        "### Faster deployment revert\n\n"
        "We will make a revert take one command, so that the next bad deploy is undone in minutes.\n"
    )
    assert [item.text for item in found] == ["Faster deployment revert"]
