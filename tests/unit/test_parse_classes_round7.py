"""Classes of writing met in blind batches 46 onwards (issue 27, seventh round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
from sync.core.parse.evidence import worded_deadline


def items(body: str) -> tuple[ActionItem, ...]:
    result = parse_document(f"# Queue outage 2026-03-04\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items


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
