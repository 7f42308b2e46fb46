"""Classes of writing met in blind batches 93 onwards (issue 27, twentieth round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Priority, Status
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items


def test_numbered_sub_headings_over_what_describes_them_are_the_items() -> None:
    body = (
        f"{_STORY}## What we've done to prevent this\n\n"
        "### 1. Guarded wiki migrations\n- Migrations on the live wiki now ask for a typed confirmation\n"
        "- A second prompt follows\n\n"
        "### 2. Nightly backup check\n- A restore of last night's dump runs every morning\n"
        "- Failures page the on-call\n"
    )
    found = items(body)
    assert [item.text for item in found] == ["Guarded wiki migrations", "Nightly backup check"]
    # The heading names them as done: so is each measure.
    assert {item.status for item in found} == {Status.DONE}


def test_numbered_sub_headings_that_name_a_time_frame_or_head_reports_of_work_group_their_entries() -> None:
    body = (
        f"{_STORY}## Corrective actions\n\n### 1. Long-term (planned)\n\n"
        "- Establish a staging wiki for upgrade rehearsals\n- Strengthen the release announcement process\n\n"
        "### 2. Process improvement\n\n- Updated the runbook with the restore steps\n"
        "- Added a backup requirement to the upgrade checklist\n- Set up a weekly restore drill\n"
    )
    texts = [item.text for item in items(body)]
    assert texts == [
        "Establish a staging wiki for upgrade rehearsals",
        "Strengthen the release announcement process",
        "Updated the runbook with the restore steps",
        "Added a backup requirement to the upgrade checklist",
        "Set up a weekly restore drill",
    ]


def test_a_numbered_section_of_its_own_holds_its_items() -> None:
    body = (
        f"{_STORY}## 8. Preventive enhancements\n\n- Snapshot the data directory before every upgrade\n"
        "- Canary testing of new binaries ahead of any rollout\n"
    )
    assert [item.text for item in items(body)] == [
        "Snapshot the data directory before every upgrade",
        "Canary testing of new binaries ahead of any rollout",
    ]


@pytest.mark.parametrize(
    "title",
    [
        "What we've done to prevent this",
        "What we have done to prevent this from happening again",
        "What I've done to prevent it",
    ],
)
def test_a_heading_naming_what_was_done_to_prevent_a_recurrence_reports_its_items_done(title: str) -> None:
    body = f"{_STORY}## {title}\n\n- Alerting on disk usage\n- A restore drill every month\n"
    found = items(body)
    assert [item.text for item in found] == ["Alerting on disk usage", "A restore drill every month"]
    assert {item.status for item in found} == {Status.DONE}


def test_what_was_done_alone_is_no_report_of_prevention() -> None:
    body = f"{_STORY}## What we've done\n\n- Alerting on disk usage\n"
    (item,) = items(body)
    assert item.status is not Status.DONE


def test_a_bold_label_with_a_status_groups_the_entries_under_it() -> None:
    body = (
        f"{_STORY}## Prevention measures\n\n1. **Automation (in progress):**\n"
        "   - Pre-commit hook for migration safety\n   - Schema verification script\n"
        "2. **Documentation cleanup:**\n   - Deprecated the old migration guide\n   - Updated the index page\n"
        "3. **Metrics to track:**\n   - Replication lag\n   - Dump size\n"
    )
    found = items(body)
    assert [(item.text, item.status) for item in found] == [
        ("Pre-commit hook for migration safety", Status.IN_PROGRESS),
        ("Schema verification script", Status.IN_PROGRESS),
        ("Deprecated the old migration guide", Status.DONE),
        ("Updated the index page", Status.DONE),
        # Over names of what it covers, the label is the item, as a bold title is.
        ("Metrics to track:", None),
    ]


def test_a_bold_label_that_reports_its_work_is_the_item_over_what_it_touched() -> None:
    body = (
        f"{_STORY}## Action items\n\n- **Removed the cache from all listing pages:**\n"
        "  - `pages/list.tsx`\n  - `pages/search.tsx`\n"
    )
    (item,) = items(body)
    assert item.text.startswith("Removed the cache from all listing pages")
    assert item.status is Status.DONE


def test_a_measure_column_names_the_item_and_the_description_says_more() -> None:
    body = (
        f"{_STORY}## Preventive measures\n\n| Measure | Description |\n|---|---|\n"
        "| Prefix filtering | Only scan the configured prefix |\n| Contextual dry run | Show totals per prefix |\n"
    )
    found = items(body)
    assert [item.text for item in found] == ["Prefix filtering", "Contextual dry run"]
    assert found[0].extra["Description"] == "Only scan the configured prefix"


def test_a_description_column_alone_still_holds_the_item() -> None:
    body = f"{_STORY}## Action items\n\n| Area | Description |\n|---|---|\n| Backups | Add a nightly dump |\n"
    (item,) = items(body)
    assert item.text == "Add a nightly dump"


def test_updates_needed_name_actions() -> None:
    assert classify_title("Documentation updates needed") == "actions"


@pytest.mark.parametrize(
    ("mark", "status"),
    [("⏳", Status.OPEN), ("🔜", Status.OPEN), ("⬜", Status.OPEN), ("🔄", Status.IN_PROGRESS), ("⚠️", None)],
)
def test_a_mark_before_an_entry_says_where_it_stands_and_is_no_part_of_its_text(mark: str, status: Status) -> None:
    body = f"{_STORY}## Action items\n\n- {mark} Request read access to the console logs\n- Add a disk alert\n"
    first, _ = items(body)
    assert first.text == "Request read access to the console logs"
    assert first.status is status


def test_bold_titled_entries_under_a_numbered_sub_heading_are_items_of_their_own() -> None:
    body = (
        f"{_STORY}## Remediation and architectural lessons\n\n### 1. Solver safety\n\nThe solver must fail safely:\n\n"
        "* **Domain enforcement:** Check the domain before every iteration.\n"
        "* **Checked arithmetic:** Replace unchecked maths with checked operations.\n\n"
        "### 2. Issuance bounds\n\n* **Mint caps:** Introduce hard caps on issuance.\n"
    )
    texts = [item.text for item in items(body)]
    assert texts == [
        "Domain enforcement: Check the domain before every iteration.",
        "Checked arithmetic: Replace unchecked maths with checked operations.",
        "Mint caps: Introduce hard caps on issuance.",
    ]


def test_a_bold_labels_entries_keep_what_the_heading_above_says_of_them() -> None:
    body = (
        f"{_STORY}## Action items\n\n### Short-term (1 week)\n\n1. **Automation (in progress):**\n"
        "   - Pre-commit hook for migration safety\n   - Schema verification script\n"
    )
    found = items(body)
    assert [(item.text, item.status, item.deadline_raw) for item in found] == [
        ("Pre-commit hook for migration safety", Status.IN_PROGRESS, "1 week"),
        ("Schema verification script", Status.IN_PROGRESS, "1 week"),
    ]


@pytest.mark.parametrize(
    ("heading", "priority", "frame"),
    [
        ("### Critical - Do within 24 hours", Priority.P0, "within 24 hours"),
        ("### Important - Do within 1 week", None, "within 1 week"),
        ("### Crítico (Hacer HOY)", Priority.P0, "HOY"),
        ("### Alta prioridad (Esta semana)", Priority.P1, "Esta semana"),
        ("### Phase 1 - Database restoration", None, None),
    ],
)
def test_a_group_heading_names_its_level_and_after_a_dash_or_an_order_its_time_frame(
    heading: str, priority: Priority | None, frame: str | None
) -> None:
    body = f"{_STORY}## Next steps\n\n{heading}\n\n- [ ] Set up a nightly dump\n"
    (item,) = items(body)
    assert (item.priority, item.deadline_raw) == (priority, frame)


@pytest.mark.parametrize(
    "title",
    ["Prevenções implementadas (GTM-CRIT-001)", "Acciones correctivas implementadas", "Umgesetzte Maßnahmen"],
)
def test_measures_named_as_put_in_place_in_another_language_are_done(title: str) -> None:
    body = f"{_STORY}## {title}\n\n1. **Health check leve:** responde em 50 ms.\n2. **Alerta de disco:** 85 %.\n"
    found = items(body)
    assert len(found) == 2
    assert {item.status for item in found} == {Status.DONE}
