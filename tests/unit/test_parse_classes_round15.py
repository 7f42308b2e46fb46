"""Classes of writing met in blind batches 72 onwards and in the classes left open before them (issue 27,
fifteenth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    "sentence",
    [
        "We added an alert on disk usage so this doesn't happen again.",
        "To prevent this from happening again, we moved the backups to a second disk.",
        "To prevent this, I set up a nightly restore test.",
    ],
)
def test_work_reported_done_so_the_incident_does_not_recur_is_a_done_item(sentence: str) -> None:
    found = items(f"{_STORY}## Notes\n\nThe pages are back. {sentence}\n")
    assert [(item.text.rstrip("."), item.status, item.confidence) for item in found] == [
        (sentence.rstrip("."), Status.DONE, "low")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "We restarted the database so that it would not crash.",  # the response, its purpose no recurrence
        "We added a second disk.",  # work told without saying it is a follow-up, outside an action section
    ],
)
def test_work_told_without_a_purpose_against_recurrence_is_no_item(sentence: str) -> None:
    assert items(f"{_STORY}## Notes\n\nThe pages are back. {sentence}\n") == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "We'd like to move the uploads to object storage.",
        "We hope to automate the nightly dump.",
        "Alice is going to rotate the keys.",
    ],
)
def test_a_hedged_or_named_plan_under_an_action_heading_is_an_item(sentence: str) -> None:
    found = items(f"{_STORY}## Next steps\n\n{sentence}\n")
    assert [item.text for item in found] == [sentence]
    assert found[0].status in (None, Status.OPEN)


def test_a_courtesy_under_an_action_heading_is_no_item() -> None:
    assert items(f"{_STORY}## Next steps\n\nWe would like to thank everyone who helped.\n") == ()


def test_a_hedged_wish_outside_an_action_section_is_no_item() -> None:
    # Blind batches showed a wish in a blog's closing words is as often not tied to the incident.
    assert items(f"{_STORY}## Notes\n\nIn the future, I'd like to switch to another wiki engine.\n") == ()


@pytest.mark.parametrize(("mark", "status"), [("~", Status.IN_PROGRESS), ("/", Status.IN_PROGRESS)])
def test_a_task_list_mark_of_work_begun_is_in_progress(mark: str, status: Status) -> None:
    found = items(f"{_STORY}## Follow-ups\n\n- [{mark}] Audit the log rotation settings\n- [x] Add a disk alert\n")
    assert [(item.text, item.status) for item in found] == [
        ("Audit the log rotation settings", status),
        ("Add a disk alert", Status.DONE),
    ]


@pytest.mark.parametrize("heading", ["## Immediate response", "## Initial response steps", "## Emergency response"])
def test_the_steps_of_the_immediate_response_are_no_items(heading: str) -> None:
    found = items(
        f"{_STORY}{heading}\n\n1. Identify the failing disk.\n2. Stop the writes to the wiki.\n\n"
        "## Follow-ups\n\n- Add a disk alert\n"
    )
    assert [item.text for item in found] == ["Add a disk alert"]


def test_ways_an_outsider_says_it_could_have_been_avoided_are_no_items() -> None:
    found = items(
        f"{_STORY}## Fix\n\nThis outage could have been avoided in several ways, including:\n\n"
        "- Using a separate disk for uploads.\n- Alerting on disk usage at 80 %.\n"
    )
    assert found == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "On this page, we will report any outages of the wiki.",  # what a status page is for
        "We are investigating the issue.",  # a live update
    ],
)
def test_a_status_page_saying_what_it_does_is_no_item(sentence: str) -> None:
    assert items(f"{_STORY}## Notes\n\n{sentence}\n") == ()


def test_a_span_counted_from_an_event_opening_an_entry_is_its_deadline() -> None:
    found = items(
        f"{_STORY}## Next steps\n\n1. Move the uploads.\n2. Two weeks after the move, delete the old volume.\n"
    )
    assert [(item.text, item.deadline_raw) for item in found] == [
        ("Move the uploads.", None),
        ("Two weeks after the move, delete the old volume.", "Two weeks after the move"),
    ]


def test_dated_entries_of_work_done_after_the_incident_are_done_items_without_deadlines() -> None:
    found = items(
        f"{_STORY}## Steps taken after the incident\n\n"
        "1. 24 July 2025 – Updated the restore guide, in case I do need to rebuild the wiki.\n"
        "2. 2025-07-30: Set up email alerts on disk usage\n"
    )
    assert [(item.text, item.status, item.deadline_raw) for item in found] == [
        ("Updated the restore guide, in case I do need to rebuild the wiki.", Status.DONE, None),
        ("Set up email alerts on disk usage", Status.DONE, None),
    ]


def test_steps_taken_to_resolve_the_incident_are_still_its_story() -> None:
    found = items(f"{_STORY}## Steps taken\n\n1. Restarted the database.\n2. Cleared the disk.\n")
    assert found == ()


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Steps are already in place to prevent another outage of this kind.", Status.DONE),
        ("If I had to redo it, I would copy the database before running the script.", Status.OPEN),
    ],
)
def test_measures_in_place_and_the_writers_plan_for_a_redo_are_items(sentence: str, status: Status) -> None:
    found = items(f"{_STORY}## Notes\n\nThe pages are back. {sentence}\n")
    assert [(item.text, item.status) for item in found] == [(sentence, status)]


def test_an_apology_joined_to_a_commitment_is_left_out_of_the_item() -> None:
    found = items(f"{_STORY}## Notes\n\nWe apologise for this and we will move the uploads to object storage.\n")
    assert [item.text for item in found] == ["we will move the uploads to object storage."]


def test_a_group_named_for_the_next_release_gives_its_items_that_deadline() -> None:
    found = items(f"{_STORY}**Next release and to-dos:** wiki 2.4\n\n1. Add a disk alert\n2. Move the uploads\n")
    assert [(item.text, item.deadline_raw) for item in found] == [
        ("Add a disk alert", "Next release"),
        ("Move the uploads", "Next release"),
    ]


def test_a_checkbox_holding_a_done_emoji_is_done() -> None:
    found = items(f"{_STORY}## Action items completed\n\n- [✅] Added a disk alert\n- [ ] Move the uploads\n")
    assert [(item.text, item.status) for item in found] == [
        ("Added a disk alert", Status.DONE),
        ("Move the uploads", Status.OPEN),
    ]


def test_a_bold_label_completed_on_the_next_line_is_one_entry() -> None:
    found = items(
        f"{_STORY}## Follow-ups\n\n"
        "1.  **Separate volumes:**\n    Moved the uploads to their own volume.\n\n"
        "2.  **Deeper monitoring**\n    Alerts on disk usage at 80 %.\n"
    )
    assert [item.text for item in found] == [
        "Separate volumes: Moved the uploads to their own volume.",
        "Deeper monitoring",  # a title without a colon stays the item; the line after it explains it
    ]


def test_a_measure_titled_by_a_noun_phrase_is_the_sentence_that_states_it() -> None:
    found = items(
        f"{_STORY}## Future precautions\n\n"
        "### 1. Upload quota\n\nNo upload shall be accepted once the disk is 90 % full. This keeps pages saving.\n\n"
        "### 2. Team lunch\n\nThe team had lunch together after the outage.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("No upload shall be accepted once the disk is 90 % full.", Status.OPEN)
    ]
