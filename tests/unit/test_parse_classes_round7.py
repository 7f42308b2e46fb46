"""Classes of writing met in blind batches 46 onwards (issue 27, seventh round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse.evidence import commits_in_prose, names_a_fix, prose_status, worded_deadline
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Queue outage 2026-03-04", body)


@pytest.mark.parametrize("label", ["Leftover tasks:", "Remaining work:", "Outstanding to-dos:", "Open tasks:"])
def test_a_label_naming_what_is_left_to_do_makes_its_entries_open_work(label: str) -> None:
    found = items(
        "Outcomes:\n\n- The site runs on the new release.\n\n"
        f"{label}\n\n"
        "- I removed the compression gem during the outage but did not look for a replacement.\n"
        "- The upgrade bumped the linter, whose new warnings were parked in a to-do file.\n"
    )
    assert [(item.text[:24], item.status) for item in found] == [
        ("I removed the compressio", Status.OPEN),
        ("The upgrade bumped the l", Status.OPEN),
    ]


def test_a_label_that_names_no_remaining_work_gives_no_status() -> None:
    found = items("## Follow-ups\n\nThings we changed:\n\n- We removed the compression gem.\n")
    assert [item.status for item in found] != [Status.OPEN]


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("Switch the framework defaults after a week or two.", "after a week or two"),
        ("Rotate the signing keys within two weeks.", "within two weeks"),
        ("Move the archive to cold storage in 30 days.", "in 30 days"),
        ("Replace the relay within a couple of months.", "within a couple of months"),
        ("Rotate keys in 30 days.", "in 30 days"),
        ("Drop legacy flags after a week or two.", "after a week or two"),
    ],
)
def test_a_span_counted_from_now_is_a_worded_deadline(sentence: str, frame: str) -> None:
    assert worded_deadline(sentence, framed=True) == frame


def test_an_entry_opened_by_a_span_keeps_it_as_its_deadline() -> None:
    (found,) = items(
        "## Action items\n\n- After a week or two (once the release is stable), switch the framework defaults\n"
    )
    assert found.deadline_raw == "After a week or two"


def test_only_the_first_sentence_of_an_entry_says_when() -> None:
    (found,) = items(
        "## Action items\n\n- We will revert the metrics method. In a few days we will compare both streams.\n"
    )
    assert found.deadline_raw is None


def test_a_number_without_a_unit_of_time_is_no_span() -> None:
    assert worded_deadline("Cut the pool in 2 halves.", framed=True) is None


@pytest.mark.parametrize("heading", ["## Leftover tasks", "## Outstanding to-dos"])
def test_a_section_named_for_work_left_holds_open_work(heading: str) -> None:
    (found,) = items(f"{heading}\n\n- I removed the compression gem but found no replacement.\n")
    assert found.status is Status.OPEN


def test_a_section_named_for_a_status_other_than_work_left_keeps_the_entries_tense() -> None:
    (found,) = items("## Action items\n\n- I removed the compression gem during the outage.\n")
    assert found.status is Status.DONE


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("Postmortems are valuable - they paid off within 4 days", None),
        ("The mirror was restored within the day.", None),
        ("The migration is to be completed within two weeks.", "within two weeks"),
    ],
)
def test_a_time_frame_after_a_past_verb_tells_how_long_it_took(sentence: str, frame: str | None) -> None:
    assert worded_deadline(sentence, framed=True) == frame


@pytest.mark.parametrize(
    "sentence",
    [
        "We are in the process of upgrading every probe to the patched release.",
        "I'm still in the process of putting alerting in place.",
        "We are still working on automating the renewal.",
        "We are therefore going to look into moving the site to another host.",
    ],
)
def test_work_under_way_is_a_commitment_whatever_adverb_comes_between(sentence: str) -> None:
    assert commits_in_prose(sentence)


def test_a_field_naming_the_next_steps_in_a_status_log_entry_is_an_item() -> None:
    found = items(
        "### 04/11/2026 - Users unable to sign in\n\n__Status: Resolved__\n\n"
        "__Root Cause__: A setting was missed during an update.\n\n"
        "__Next Steps__: We will be widening our tests to more account types.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("We will be widening our tests to more account types.", Status.OPEN)
    ]


def test_a_field_naming_no_actions_is_no_item() -> None:
    found = items("### 04/11/2026 - Users unable to sign in\n\n__Root Cause__: We will never know for sure.\n")
    assert found == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "We opened an internal tracking issue to fix our use of the API.",
        "We have filed a follow-up ticket for the retry logic.",
    ],
)
def test_a_ticket_filed_for_work_leaves_the_work_open(sentence: str) -> None:
    assert prose_status(sentence) == "open"


def test_the_writers_working_on_several_ways_put_the_list_under_way() -> None:
    found = items(
        "The platform team is doing development to work around the bug in several ways:\n\n"
        "* By changing how we call the tracer.\n* By adding monitoring to our parser.\n"
    )
    assert [(item.text[:20], item.status) for item in found] == [
        ("By changing how we c", Status.IN_PROGRESS),
        ("By adding monitoring", Status.IN_PROGRESS),
    ]


def _problems(label: str, entries: str) -> str:
    return f"## Cascade of failures\n\n### No alerts fired\n\nNothing alerted us.\n\n{label}\n\n{entries}"


@pytest.mark.parametrize("label", ["*Resolution:*", "**Solution:**", "Resolution:"])
def test_a_problems_resolution_written_as_orders_is_work_to_do(label: str) -> None:
    found = items(_problems(label, "* Define alerts on memory use.\n* Improve the metrics strategy.\n"))
    assert [item.text for item in found] == ["Define alerts on memory use.", "Improve the metrics strategy."]


def test_a_resolution_labelled_planned_gives_its_entries_that_status() -> None:
    (found,) = items(_problems("*Resolution (was already planned):*", "* Isolate the build workloads.\n"))
    assert (found.text, found.status) == ("Isolate the build workloads.", Status.OPEN)


def test_a_resolution_told_in_the_past_is_how_the_incident_was_put_right() -> None:
    assert items(_problems("*Resolution:*", "* Restarted the pods.\n* Define alerts on memory use.\n")) == ()


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("For a permanent fix, the worker quota was increased from 5 to 50.", "done"),
        ("As a temporary fix, the cache will be disabled on the edge.", "planned"),
        ("For a permanent fix, see the linked issue.", None),
    ],
)
def test_a_fix_named_first_then_told_in_the_passive(sentence: str, said: str | None) -> None:
    assert names_a_fix(sentence) == said


@pytest.mark.parametrize(
    "sentence",
    [
        "Next time we'll likely start announcing earlier.",
        "We'll also hopefully get a central site set up for announcements.",
    ],
)
def test_a_hedged_promise_is_still_the_writers_plan(sentence: str) -> None:
    assert commits_in_prose(sentence)


def test_scandinavian_action_sections_and_status_labels() -> None:
    found = items(
        "## Aksjonspunkter\n\n✅ Gjort:\n1. Øke timeout for journalføring\n\n"
        "Planlagt:\n1. Splitte opp tjenesten i to deployer\n"
    )
    assert [(item.text[:20], item.status) for item in found] == [
        ("Øke timeout for jour", Status.DONE),
        ("Splitte opp tjeneste", Status.OPEN),
    ]
