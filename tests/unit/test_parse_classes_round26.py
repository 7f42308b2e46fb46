"""Classes of writing met in blind batch 137 onwards (issue 27, twenty-sixth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.evidence import LEANING, NARRATIVE, NEUTRAL, heading_strength
from tests.unit.test_parse_classes_round12 import _STORY, items

_STEPS = "1. Ask a storage vendor how to size the volumes.\n2. Document a restore drill for the wiki.\n"


@pytest.mark.parametrize(
    "lead_in",
    [
        "The wiki project thanks everyone who reported it and has created some action items to address what was "
        "observed:",
        "After a long discussion in the weekly call the maintainers wrote down these follow-up items for the wiki:",
    ],
)
def test_a_long_lead_in_naming_its_action_items_names_the_list(lead_in: str) -> None:
    body = f"{_STORY}## Looking back on the year\n\nThe wiki has grown a lot. {lead_in}\n\n{_STEPS}"
    assert [item.text for item in items(body)] == [
        "Ask a storage vendor how to size the volumes.",
        "Document a restore drill for the wiki.",
    ]


@pytest.mark.parametrize(
    "lead_in",
    [
        "The wiki has grown a lot over the year and no action items were needed for the migration itself:",
        "All of the action items from last year's review were completed before the wiki moved hosts:",
    ],
)
def test_a_lead_in_saying_there_are_no_action_items_names_none(lead_in: str) -> None:
    body = f"{_STORY}## Looking back on the year\n\n{lead_in}\n\n{_STEPS}"
    assert items(body) == ()


def test_a_verb_before_to_is_no_owner() -> None:
    body = (
        f"{_STORY}## Action items\n\n- Needed to patch the backup script by hand (should not need to)\n"
        "- Dana to rotate the database password\n"
    )
    assert [item.owner for item in items(body)] == [None, "Dana"]


@pytest.mark.parametrize("title", ["Fixed Issues", "Issues fixed", "Resolved bugs", "Problems solved"])
def test_a_heading_naming_the_problems_fixed_is_no_action_heading(title: str) -> None:
    assert heading_strength(title) == NEUTRAL


def test_a_table_of_the_problems_fixed_beside_the_action_table_holds_no_items() -> None:
    body = (
        f"{_STORY}## Action Items\n\n| Bug | Description |\n|---|---|\n| 101 | Alert when the disk is 80 % full |\n\n"
        "## Fixed Issues\n\n| Bug | Description |\n|---|---|\n"
        "| 99 | Dana confused about which host held the dump |\n| None | Backup job ran before the resize finished |\n"
    )
    assert [item.text for item in items(body)] == ["Alert when the disk is 80 % full"]


@pytest.mark.parametrize(
    "lead_in",
    [
        "The code runs as follows.",
        "The flow was as follows:",
        "Each save is executed as follows:",
        "코드는 다음과 같이 수행됩니다.",
        "执行流程如下：",
    ],
)
def test_a_list_of_what_happens_in_order_is_no_list_of_work(lead_in: str) -> None:
    body = (
        "## Reproducing it\n\n"
        f"{lead_in}\n\n1. `saveUser()` called\n2. Connection taken from the pool\n3. Attempt to write the row\n"
    )
    assert items(body) == ()


def test_a_struck_unticked_entry_is_dropped_work_and_keeps_its_words_apart() -> None:
    body = (
        f"{_STORY}## Action Items\n\n- [x] Add an alert on disk usage\n"
        "- [ ] ~~Move the uploads to object storage~~ (Not needed after the resize)\n- [ ] ~~Rewrite the dump~~\n"
        "- [ ] Test a restore\n- [x] ~~Retire the old host~~\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Add an alert on disk usage", Status.DONE),
        ("Move the uploads to object storage (Not needed after the resize)", Status.WONT_DO),
        ("Rewrite the dump", Status.WONT_DO),
        ("Test a restore", Status.OPEN),
        ("Retire the old host", Status.DONE),  # ticked: done, struck or not
    ]


def test_a_struck_entry_without_a_box_is_done() -> None:
    body = f"{_STORY}## To do\n\n- ~~Add an alert on disk usage~~\n- Test a restore\n"
    assert [(item.text, item.status) for item in items(body)][0] == ("Add an alert on disk usage", Status.DONE)


@pytest.mark.parametrize("title", ["What changed", "What has changed since", "What's changed"])
def test_what_changed_leans_to_work_done(title: str) -> None:
    assert heading_strength(title) == LEANING


def test_the_list_under_what_changed_is_the_changes_made() -> None:
    body = (
        f"{_STORY}## What changed\n\nThe full fix is in two pull requests. In short:\n\n"
        "- Every silent failure removed.\n- Disk alerts added at 80 %.\n- Backup copy rewritten to verify itself.\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Every silent failure removed.", Status.DONE),
        ("Disk alerts added at 80 %.", Status.DONE),
        ("Backup copy rewritten to verify itself.", Status.DONE),
    ]


@pytest.mark.parametrize("title", ["File: `src/lib/db.ts`", "Files: backup.sh, restore.sh", "Module: storage"])
def test_a_heading_naming_a_file_tells_its_code(title: str) -> None:
    assert heading_strength(title) == NARRATIVE


def test_the_changes_told_file_by_file_under_what_changed_are_no_items() -> None:
    body = (
        f"{_STORY}## What changed\n\n### File: `src/lib/db.ts`\n\n- Added a `withTimeout()` wrapper\n"
        "- Configured the client to use it\n\n### File: `src/pages/save.tsx`\n\n- Added a 20-second safety timeout\n"
    )
    assert items(body) == ()


@pytest.mark.parametrize("title", ["What was changed (2026-02-09)", "Permanent Controls", "Ongoing Guardrails"])
def test_changes_kept_after_the_incident_lean_to_work(title: str) -> None:
    assert heading_strength(title) == LEANING


def test_a_file_path_over_sub_bullets_names_where_its_changes_were_made() -> None:
    body = (
        f"{_STORY}## What was changed (2026-05-04)\n\n- `infra/backup.sh`\n"
        "  - Default `RETENTION` changed to 14 days.\n"
        "  - Added a check that fails when the disk is over 80 %.\n- `docs/runbook.md`\n"
        "  - Updated the restore steps for the new host.\n"
    )
    found = items(body)
    assert [item.text for item in found] == [
        "Default `RETENTION` changed to 14 days.",
        "Added a check that fails when the disk is over 80 %.",
        "Updated the restore steps for the new host.",
    ]
    # Work reported under a heading naming the changes made is done; the heading's day is when, not a deadline.
    assert all(item.status is Status.DONE and item.deadline is None for item in found)


def test_a_heading_day_over_open_work_stays_its_deadline() -> None:
    body = f"{_STORY}## Follow-ups (2026-06-01)\n\n- Add an alert on disk usage\n"
    assert [item.deadline_raw for item in items(body)] == ["2026-06-01"]


def test_two_areas_over_sub_bullets_are_no_path() -> None:
    body = f"{_STORY}## Action items\n\n- Frontend/Backend\n  - Add retries to the save call\n"
    # The label stays an entry of its own: only a file's path names where the entries under it were made.
    assert [item.text for item in items(body)][0] == "Frontend/Backend"


@pytest.mark.parametrize("title", ["3. Containment actions", "7. What was NOT done (scope guard)", "Out of scope"])
def test_the_response_and_what_was_left_out_hold_no_follow_ups(title: str) -> None:
    body = (
        f"{_STORY}## {title}\n\n| # | Action | Tool |\n|---|---|---|\n| 1 | Pause the cron job | cron |\n"
        "| 2 | Redact the token from the reflog | sed |\n\n## Follow-ups\n\n- Add a single-writer guard\n"
    )
    assert [item.text for item in items(body)] == ["Add a single-writer guard"]
    assert heading_strength(title) == NARRATIVE


@pytest.mark.parametrize("column", ["Metric", "Métrica", "KPI", "指标"])
def test_a_table_of_metrics_holds_no_items(column: str) -> None:
    body = (
        f"{_STORY}## Measuring it\n\nTo measure whether we improved:\n\n"
        f"| {column} | Baseline | Target |\n|---|---|---|\n"
        "| Pages failing to save | 100 % | < 1 % |\n| Restore drill time | none | 30 min |\n"
    )
    assert items(body) == ()


@pytest.mark.parametrize(("label", "level"), [("CRÍTICO", "P0"), ("ALTO", "P1"), ("MEDIO", "P2"), ("BAJO", "P2")])
def test_a_bracketed_priority_word_in_any_script_is_the_priority(label: str, level: str) -> None:
    body = f"{_STORY}## Acciones\n\n1. **[{label}]** Crear un ADR para la decisión\n   - Owner: Tech Lead\n"
    found = items(body)
    assert [(item.text, item.priority, item.owner) for item in found] == [
        ("Crear un ADR para la decisión", level, "Tech Lead")
    ]


@pytest.mark.parametrize("title", ["后续集群的优化", "今後の改善", "후속 개선", "再発防止"])
def test_follow_up_stems_in_chinese_japanese_and_korean_lean_to_actions(title: str) -> None:
    assert heading_strength(title) >= LEANING


def test_a_chinese_follow_up_heading_names_its_numbered_list() -> None:
    body = f"{_STORY}## 后续集群的优化\n\n1. 制定一个升级方案，将集群升级到 2.2 版本；\n2. 将 broker 参数设置为 3；\n"
    assert [item.text for item in items(body)] == [
        "制定一个升级方案，将集群升级到 2.2 版本；",
        "将 broker 参数设置为 3；",
    ]


def test_a_measure_column_names_actions_not_metrics() -> None:
    body = f"{_STORY}## Improvements\n\n| Measure | Owner |\n|---|---|\n| Add an alert on disk usage | Dana |\n"
    assert [(item.text, item.owner) for item in items(body)] == [("Add an alert on disk usage", "Dana")]
