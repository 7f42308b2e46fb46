"""Classes of writing met in blind batches 130 onwards (issue 27, twenty-fifth round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.evidence import counts_measures, reports_done_work
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items

_MEASURES = (
    "1. We have begun removing write access from personal accounts.\n"
    "2. We no longer share one deploy key between all services.\n"
    "3. We will move releases to the CI system.\n"
    "4. We are examining options for auditing every key's use, such as access logs.\n"
)


def test_a_lead_in_counting_the_measures_is_no_item_and_names_the_list_below() -> None:
    body = (
        f"{_STORY}## Safeguards\n\nWe have put in place or are planning several safeguards and improvements to "
        f"prevent this kind of loss in the future.\n\n{_MEASURES}"
    )
    assert [(item.text.split(" ", 3)[:3], item.status) for item in items(body)] == [
        (["We", "have", "begun"], Status.IN_PROGRESS),
        (["We", "no", "longer"], Status.DONE),
        (["We", "will", "move"], Status.OPEN),
        (["We", "are", "examining"], Status.IN_PROGRESS),
    ]
    assert all(item.confidence == "high" for item in items(body)[:1] + items(body)[2:])


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("We have implemented several mitigations to prevent this in the future.", True),
        ("The team agreed on a few improvements to reduce the blast radius.", True),
        # The response, told: steps of a migration or a recovery, not what follows from the incident.
        ("The migration requires several steps:", False),
        ("We chose not to restore in place but went with the following steps:", False),
        # Two sentences: a paragraph that says more than the count.
        ("We made several changes to prevent this. The first shipped on Monday.", False),
    ],
)
def test_a_count_of_measures_needs_its_purpose(sentence: str, counts: bool) -> None:
    assert counts_measures(sentence) is counts


@pytest.mark.parametrize(
    ("sentence", "done"),
    [
        ("We no longer grant access to all buckets to any one account.", True),
        ("We now run a restore test every night.", True),
        ("We no longer know which key was used.", False),  # what the writers know, not a practice
    ],
)
def test_a_practice_the_writers_dropped_is_work_done(sentence: str, done: bool) -> None:
    assert reports_done_work(sentence) is done


def test_studying_options_is_work_under_way() -> None:
    body = f"{_STORY}## Next steps\n\nWe are examining options for moving the wiki to managed storage.\n"
    # A sentence of prose: asked about (low), as every prose commitment is, but read and read as under way.
    assert [item.status for item in items(body)] == [Status.IN_PROGRESS]


def test_entries_marked_one_by_one_under_a_numbered_sub_heading_are_the_items() -> None:
    # The sub-heading names an area; each entry is filed with its own status symbol, as a checkbox is.
    body = (
        f"{_STORY}## Corrective actions\n\n### 1. Documentation\n\n- ✅ `docs/RESTORE.md`: how to restore the wiki\n"
        "- ⏳ `docs/CHECKS.md`: checks to run after each upgrade\n\n### 2. Monitoring\n\n"
        "- ⏳ Alert when the disk is 80 % full\n- ⏳ Page the on-call when saves fail\n"
    )
    assert [(item.text.split(":")[0], item.status) for item in items(body)] == [
        ("`docs/RESTORE.md`", Status.DONE),
        ("`docs/CHECKS.md`", Status.OPEN),
        ("Alert when the disk is 80 % full", Status.OPEN),
        ("Page the on-call when saves fail", Status.OPEN),
    ]


def test_a_numbered_sub_heading_over_its_unmarked_explanation_stays_the_item() -> None:
    body = (
        f"{_STORY}## Corrective actions\n\n### 1. Protected production migrations\n\n"
        "- Must type the database name to proceed\n- ✅ Visual warning shown first\n"
    )
    assert [item.text for item in items(body)] == ["Protected production migrations"]


def test_a_time_frame_in_an_action_sub_heading_is_each_entry_s_deadline() -> None:
    body = (
        f"{_STORY}## Prevention measures\n\n### Short-term improvements (Within 1 Month)\n\n"
        "1. ⏳ Add a second backup target\n\n### Long-term improvements (Within 6 Months)\n\n"
        "1. 📅 Move the wiki to managed storage\n"
    )
    assert [(item.deadline_raw, item.status) for item in items(body)] == [
        ("Within 1 Month", Status.OPEN),
        ("Within 6 Months", Status.OPEN),  # a calendar: work scheduled, not begun
    ]


@pytest.mark.parametrize("label", ["Summary", "Resumen", "Zusammenfassung"])
def test_a_section_word_over_a_list_is_no_owner(label: str) -> None:
    body = (
        f"{_STORY}## Correction plan (next session)\n\n**{label}:**\n1. Fix the loader script\n2. Rerun the import\n\n"
        "**Alice:**\n1. Fix the dashboard\n"
    )
    assert [(item.text, item.owner) for item in items(body)] == [
        ("Fix the loader script", None),
        ("Rerun the import", None),
        ("Fix the dashboard", "Alice"),
    ]


def test_a_later_list_that_says_more_is_no_restatement() -> None:
    # Entries that share a word with the list above only in passing, each in more words than its namesake:
    # a list of its own, not the first said again.
    body = (
        f"{_STORY}## Remediation\n\n- Ignore file\n- Security documentation\n\n"
        "## Next steps\n\n1. ✅ Configure the ignore file for public wallet addresses\n"
        "2. ⏳ Document the incident for future reference\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Ignore file", None),
        ("Security documentation", None),
        ("Configure the ignore file for public wallet addresses", Status.DONE),
        ("Document the incident for future reference", Status.OPEN),
    ]


def test_a_later_list_in_fewer_words_restates_the_first() -> None:
    body = (
        f"{_STORY}## Action items\n\n- Add an alert on the wiki database disk usage\n"
        "- Write a restore guide for the wiki\n\n## Action items status\n\n- [x] Disk alert\n- [ ] Restore guide\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Add an alert on the wiki database disk usage", Status.DONE),
        ("Write a restore guide for the wiki", Status.OPEN),
    ]


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("parcial", Status.IN_PROGRESS),
        ("Partially done", Status.IN_PROGRESS),
        ("aberto", Status.OPEN),
        ("recovery tool done; normal integration open", Status.IN_PROGRESS),
        ("ferramenta pronta; integração aberta", Status.IN_PROGRESS),
        ("done; rollout done", Status.DONE),
        ("done; rollout done;", Status.DONE),  # an empty last clause says nothing
        ("tool done; rollout cancelled", None),  # done beside given up: no one status for the whole
        ("see the notes; done", None),  # a clause with no status word: a note, not a status
    ],
)
def test_a_status_cell_of_clauses_partly_done_is_under_way(cell: str, status: Status | None) -> None:
    body = f"{_STORY}## Action items\n\n| Action | Status |\n|---|---|\n| Add an alert on the disk | {cell} |\n"
    assert [item.status for item in items(body)] == [status]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Patched versions used during remediation", "other"),
        ("Steps taken during the remediation", "other"),
        ("Remediation", "actions"),
        ("Remediation plan", "actions"),
    ],
)
def test_remediation_as_the_time_of_the_response_names_no_action_section(title: str, kind: str) -> None:
    assert classify_title(title) == kind


def test_a_heading_naming_the_response_s_versions_leaves_the_prose_below_read() -> None:
    # With "### Patched versions used during remediation" read as the action section, the document looked as if
    # its actions were listed there, and the list of next priorities further down was passed over.
    body = (
        f"{_STORY}### Patched versions used during remediation\n\n```text\nnext: 15.5.19\n```\n\n"
        "## What changed after the incident\n\nThe next hardening priorities are:\n\n"
        "- non-root containers;\n- image scanning.\n"
    )
    assert [(item.text.rstrip(";."), item.status) for item in items(body)] == [
        ("non-root containers", Status.OPEN),
        ("image scanning", Status.OPEN),
    ]


def test_a_label_naming_what_the_writers_are_working_on_gives_work_under_way() -> None:
    body = (
        f"{_STORY}## What we've done and what we will be doing\n\nHere's what we've already done:\n\n"
        "* Cleared all sessions\n\nHere's what we're working on now:\n\n* Adding two-factor authentication\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Cleared all sessions", Status.DONE),
        ("Adding two-factor authentication", Status.IN_PROGRESS),
    ]
