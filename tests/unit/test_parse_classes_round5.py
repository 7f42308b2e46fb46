"""Classes of writing from blind batch 30 onwards (issue 27, fifth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
from sync.core.parse.evidence import advises_others, commits_in_prose, notes_a_state, reports_response


def items(body: str) -> tuple[ActionItem, ...]:
    result = parse_document(f"# Cache outage 2026-03-04\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items


def test_under_a_taken_lead_in_an_item_keeps_the_tense_it_is_written_in() -> None:
    found = items(
        "## Actions taken\n\nWe have taken a few actions to limit the damage:\n\n"
        "* We have blocked the abusive clients at the edge.\n"
        "* We have started measuring egress per client and are working on stricter limits.\n"
        "* We will move the archives behind the CDN.\n"
    )
    assert [(i.text[:30], i.status) for i in found] == [
        ("We have blocked the abusive cl", Status.DONE),
        ("We have started measuring egre", Status.IN_PROGRESS),
        ("We will move the archives behi", Status.OPEN),
    ]


def test_under_a_completed_heading_a_checked_promise_stays_done() -> None:
    (item,) = items("## Completed actions\n\n- [x] We will rotate the keys every quarter\n")
    assert item.status is Status.DONE


@pytest.mark.parametrize(
    "sentence",
    [
        "Going forward we will be deploying a staging server and developing against it.",
        "In the future we are looking to create a clearer error page.",
        "We will be immediately implementing stricter review rules for migrations.",
        "We need to continue watching the latency metrics for two more weeks.",
        "From now on the platform team is going to pin every base image.",
    ],
)
def test_a_commitment_after_a_time_lead_in_or_with_need_to_is_read(sentence: str) -> None:
    assert commits_in_prose(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We need to sample the events our system receives against every open wait.",
        "We need to be careful.",
        "We will be really sorry about this.",
        "The data we will need is in the appendix.",
    ],
)
def test_a_need_or_will_that_names_no_work_is_no_commitment(sentence: str) -> None:
    assert not commits_in_prose(sentence)


@pytest.mark.parametrize(
    "text",
    [
        "If these vendors wish to be good citizens, they need to start acting like it.",
        "We are asking all crawler operators to respect cache headers.",
        "We also ask that they honour robots.txt.",
        "Those providers should publish their address ranges.",
    ],
)
def test_a_request_to_others_is_advice_not_our_action(text: str) -> None:
    assert advises_others(text)


@pytest.mark.parametrize(
    "text",
    [
        "We also ask you to bear in mind that we are upgrading the storage hardware.",
        "We are asking our team to review every alert rule.",
        "We will add a CDN in front of the archives.",
    ],
)
def test_a_notice_to_readers_or_a_request_to_our_team_is_no_advice(text: str) -> None:
    assert not advises_others(text)


def test_requests_to_others_under_next_steps_are_not_items() -> None:
    found = items(
        "## Next steps\n\n- We are asking all crawler operators to respect cache headers.\n"
        "- If these vendors wish to be good citizens, they need to start acting like it.\n"
        "- Move the archives behind the CDN.\n"
    )
    assert [i.text for i in found] == ["Move the archives behind the CDN."]


@pytest.mark.parametrize(
    "sentence",
    [
        "For users who signed up after the 4th, we have reached out to them directly to explain.",
        "We've also added information to our login news about the data loss.",
        "Upon declaring the incident, we made the decision to restore the last working backup.",
        "After checking both repositories I have made the change final, and the build farm is now back in service.",
    ],
)
def test_a_report_of_the_response_itself_is_no_item(sentence: str) -> None:
    assert reports_response(sentence)
    found = items(f"## How will we respond?\n\n{sentence}\n\nWe will add a restore drill to every release.\n")
    assert [i.text for i in found] == ["We will add a restore drill to every release."]


def test_a_report_of_preventive_work_is_no_response() -> None:
    assert not reports_response("We have added an alert on the replication lag.")


def test_a_finding_reported_is_no_work_done() -> None:
    found = items(
        "## Resolution\n\nWe re-imported the rows from a dump. One row was missing but we have identified the "
        "missing data in the admin chat.\n\nWe will add a dry-run mode to the quota script.\n"
    )
    assert [i.text for i in found] == ["We will add a dry-run mode to the quota script."]


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("Public access to the mirror will remain suspended until a new host is ready.", True),
        ("The old endpoint stays read-only until further notice.", True),
        ("Ensure the queue remains paused during deploys.", False),
        ("Keep the old endpoint read-only until the migration ends.", False),
    ],
)
def test_a_notice_of_a_state_is_told_from_an_order_about_one(text: str, notice: bool) -> None:
    assert notes_a_state(text) is notice


def test_a_state_notice_in_next_steps_is_no_item() -> None:
    found = items(
        "## Our next steps\n\n- We will migrate to another hosting provider.\n"
        "- Public access to the mirror will remain suspended until a new host is ready.\n"
    )
    assert [i.text for i in found] == ["We will migrate to another hosting provider."]
