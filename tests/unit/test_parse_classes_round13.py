"""Classes of writing met in blind batches 63 onwards and in the classes left open before them (issue 27,
thirteenth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    ("sentence", "text", "status"),
    [
        ("Action item: add an alert on disk usage.", "add an alert on disk usage.", Status.OPEN),
        ("AI: add an alert on disk usage (#123).", "add an alert on disk usage", Status.OPEN),
        ("Follow-up: rotate the logs daily.", "rotate the logs daily.", Status.OPEN),
        ("Next step: move the uploads to object storage.", "move the uploads to object storage.", Status.OPEN),
        ("Follow up: we added an alert on disk usage.", "we added an alert on disk usage.", Status.DONE),
    ],
)
def test_an_action_the_writers_label_in_running_text_is_an_item(sentence: str, text: str, status: Status) -> None:
    found = items(f"{_STORY}## Aftermath\n\nThe pages are back. {sentence}\n")
    assert [(item.text, item.status) for item in found] == [(text, status)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Action items: none.",  # the label, and nothing to do
        "Actions: n/a.",
        "Reason: the disk was full.",  # a label that names no action
    ],
)
def test_a_label_with_no_action_after_it_is_no_item(sentence: str) -> None:
    assert items(f"{_STORY}## Aftermath\n\nThe pages are back. {sentence}\n") == ()


@pytest.mark.parametrize(
    ("heading", "frame"),
    [
        ("### Immediate Actions (Complete Within 7 Days)", "Within 7 Days"),
        ("### Short term (1-2 weeks)", "1-2 weeks"),
        ("### Long term (1–3 months)", "1–3 months"),
        ("### Follow-ups (next 2 weeks)", "next 2 weeks"),
        ("### Later (Target: Q3)", "Q3"),
    ],
)
def test_a_time_frame_in_a_sub_heading_is_its_items_deadline_and_they_are_still_to_do(heading: str, frame: str) -> None:
    found = items(f"{_STORY}## Action items\n\n{heading}\n\n- Add an alert on disk usage\n- Rotate the logs daily\n")
    assert [(item.deadline_raw, item.status) for item in found] == [(frame, Status.OPEN)] * 2


def test_a_label_under_a_timed_sub_heading_keeps_its_time_frame_and_its_own_status_marks() -> None:
    found = items(
        f"{_STORY}## Preventive measures\n\n### Long-term improvements (Complete within 30 days)\n\n"
        "**1. Backups**\n\n- [ ] Set up a nightly dump\n- [x] Store the dumps off site\n\n"
        "### Done (Completed)\n\n**2. Access**\n\n- Remove the former admin\n"
    )
    assert [(item.text, item.deadline_raw, item.status) for item in found] == [
        ("Set up a nightly dump", "within 30 days", Status.OPEN),
        ("Store the dumps off site", "within 30 days", Status.DONE),
        ("Remove the former admin", None, Status.DONE),
    ]


def test_a_parenthesis_that_is_no_time_frame_leaves_the_items_as_they_are() -> None:
    found = items(f"{_STORY}## Action items\n\n### Monitoring (Grafana)\n\n- Add an alert on disk usage\n")
    assert [(item.deadline_raw, item.status) for item in found] == [(None, None)]


_TABLE = "## Action items\n\n| Item | Owner | Status |\n|---|---|---|\n"


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Noted", Status.OPEN),
        ("Assigned", Status.OPEN),
        ("Not assigned", Status.OPEN),
        ("Discussion", Status.OPEN),
        ("Triage", Status.OPEN),
        ("On hold", Status.OPEN),
        ("Shipped", Status.DONE),
        ("Merged", Status.DONE),
        ("Duplicate", Status.WONT_DO),
    ],
)
def test_a_state_a_tracker_or_a_meeting_gives_an_item_is_its_status(cell: str, status: Status) -> None:
    found = items(f"{_STORY}{_TABLE}| Add a disk alert | Ana | {cell} |\n")
    assert [(item.status, item.status_raw) for item in found] == [(status, cell)]


def test_an_unknown_state_stays_unmapped() -> None:
    found = items(f"{_STORY}{_TABLE}| Add a disk alert | Ana | Gameplan |\n")
    assert [item.status for item in found] == [None]


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("shipped: the disk alert, and a runbook", Status.DONE),
        ("**open**: nothing alerts on a full disk yet", Status.OPEN),
        ("Pending: ask the host to replace the disk", Status.OPEN),
        ("Ongoing: watch the disk usage weekly", Status.IN_PROGRESS),
    ],
)
def test_a_state_opening_the_line_gives_its_status_and_stays_in_the_title(line: str, status: Status) -> None:
    found = items(f"{_STORY}## Follow-ups\n\n- {line}\n")
    assert [(item.text, item.status) for item in found] == [(line.replace("**", ""), status)]


def test_open_as_the_verb_of_an_order_is_no_state() -> None:
    found = items(f"{_STORY}## Follow-ups\n\n- Open a ticket with the host about the disk\n")
    assert [(item.text, item.status_raw) for item in found] == [("Open a ticket with the host about the disk", None)]


def test_a_heading_of_recommended_work_holds_open_items() -> None:
    found = items(f"{_STORY}## Follow-ups\n\n### Recommended additional items\n\n- Verify the restored pages\n")
    assert [(item.status, item.status_raw) for item in found] == [(Status.OPEN, "Recommended additional items")]
