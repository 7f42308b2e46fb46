"""Classes of writing met in blind batch 140 onwards (issue 27, twenty-seventh round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.evidence import LEANING, heading_strength
from sync.core.parse.wording import reads_as_done, reports_in_cyrillic
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Удалён старый cron через панель хостинга", True),  # a short passive participle first
        ("Таймаут исправлен на 30 секунд в конфиге", True),  # the participle second
        ("Логи обновлены в `data/app.log`", True),
        ("Мы добавили проверку диска в мониторинг", True),  # a past tense
        ("Добавить проверку диска в мониторинг", False),  # an infinitive: an order
        ("Добавление проверки диска", False),  # a noun of the same stem
        ("Исправления", False),
        ("Замена диска на сервере", False),  # a noun that opens as a participle of the stem would
        ("Удаленный доступ закрыть", False),  # an adjective of the same stem
        ("Добавят проверку диска", False),  # a future: still to come
        ("Disk check added to monitoring", False),  # not Russian: the English rules decide
    ],
)
def test_a_change_reported_done_in_russian(text: str, reported: bool) -> None:
    assert reports_in_cyrillic(text) is reported
    if reported:
        assert reads_as_done(text)


@pytest.mark.parametrize("title", ["Исправления", "Улучшения", "Доработки после сбоя", "방지책"])
def test_russian_and_korean_action_headings_lean_towards_actions(title: str) -> None:
    assert heading_strength(title) >= LEANING


@pytest.mark.parametrize("title", ["Что сломалось", "Хронология", "Симптомы"])
def test_russian_story_headings_do_not(title: str) -> None:
    assert heading_strength(title) < LEANING


def test_a_russian_fixes_label_over_a_numbered_list_reports_done_fixes() -> None:
    body = (
        "## 2026-07-01: Вики не отвечала\n\n**Причина:**\n1. Диск переполнен\n\n"
        "**Исправления:**\n1. Удалён старый cron через панель хостинга\n2. Таймаут исправлен на 30 секунд\n\n"
        "**Статус:** RESOLVED\n"
    )
    found = items(body)
    assert [(item.text, item.status) for item in found] == [
        ("Удалён старый cron через панель хостинга", Status.DONE),
        ("Таймаут исправлен на 30 секунд", Status.DONE),
    ]


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("Preventive measures (added)", Status.DONE),
        ("Превентивные меры (добавлены)", Status.DONE),
        ("Preventive measures (proposed)", Status.OPEN),
    ],
)
def test_a_label_saying_its_measures_were_added_marks_them_done(label: str, status: Status) -> None:
    entries = "- `test_disk.py`: a test of the disk alert\n- `cleanup.sh`: rotation\n"
    body = f"{_STORY}## Follow-ups\n\n**{label}:**\n{entries}"
    assert [item.status for item in items(body)] == [status, status]


def test_a_shouted_marker_in_a_ticket_cell_beats_the_tense_of_the_words() -> None:
    body = (
        f"{_STORY}## Action Items\n\n| Action | Owner | Github Issue |\n|---|---|---|\n"
        "| Added a disk alert to the runbook | kim | n/a, **TODO** |\n"
        "| Move uploads to object storage | lee | n/a, **DONE** |\n"
        "| Document the restore drill | kim | n/a |\n"
    )
    assert [item.status for item in items(body)] == [Status.OPEN, Status.DONE, None]


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        ("Add a safe deploy script (60fa1a8)", Status.DONE),
        ("Pin the client library to v2.88.0 (commit 0c2b19f)", Status.DONE),
        ("Write the restore guide (2024)", Status.OPEN),  # a year, no commit
        ("Write the restore guide (feedface)", Status.OPEN),  # a word of hex letters, no commit
    ],
)
def test_a_commit_named_after_an_entry_marks_it_done(entry: str, status: Status) -> None:
    body = f"{_STORY}## Prevention\n\n- {entry}\n- Document the restore drill\n"
    found = items(body)
    assert found[0].status is status


def test_a_status_mark_before_a_numbered_bold_title_keeps_the_title_as_the_item() -> None:
    body = (
        f"{_STORY}## Immediate actions taken\n\n"
        "✅ **1. Updated the disk alert**\n   - Added a threshold at 80 %\n   - All volumes now watched\n\n"
        "⏳ **2. Rotate the database password**\n   - in the hosting console\n   - then redeploy\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Updated the disk alert", Status.DONE),
        ("Rotate the database password", Status.OPEN),
    ]


_CONSOLE_STEPS = "1. Go to https://console.example.com\n2. Select your project\n3. Click **Reset password**\n"


@pytest.mark.parametrize(
    "section",
    [
        # under the action list, in the action section's own sub-heading
        "## Action items\n\n- Reset the database password\n- Add a disk alert\n\n"
        f"### How to reset it\n\n{_CONSOLE_STEPS}",
        # in a section that only leans towards actions, beside a promise
        f"## Fixing it\n\nWe will add a disk alert.\n\nTo reset the password:\n\n{_CONSOLE_STEPS}",
    ],
)
def test_steps_through_a_user_interface_are_no_items(section: str) -> None:
    texts = [item.text for item in items(f"{_STORY}{section}")]
    assert texts and not any(text.startswith(("Go to", "Select", "Click")) for text in texts)


def test_a_list_of_orders_with_one_go_to_is_still_items() -> None:
    body = (
        f"{_STORY}## Action items\n\n1. Go to the vendor about the disk quota\n2. Add a disk alert\n"
        "3. Document the restore drill\n"
    )
    assert len(items(body)) == 3


def test_a_memo_mark_before_a_todo_label_is_no_part_of_the_item() -> None:
    body = f"{_STORY}## Prevention\n\n- ✅ Added a disk alert\n- 📝 TODO: Enable secret scanning alerts\n"
    assert [(item.text, item.status) for item in items(body)] == [
        ("Added a disk alert", Status.DONE),
        ("Enable secret scanning alerts", Status.OPEN),
    ]


@pytest.mark.parametrize(
    ("lead", "taken"),
    [
        ("Create `lint.py`:", True),  # an order that introduces the code carrying it out
        ("Add to `.pre-commit-config.yaml`:", True),
        ("**File:** `package.json`", False),  # a record's field, though "File" is a verb
        ("The linter is a short script.", False),  # commentary
    ],
)
def test_a_titled_order_over_an_instruction_and_its_code_is_the_item(lead: str, taken: bool) -> None:
    body = (
        f"{_STORY}## Prevention Measures\n\n### 1. Add CSS linting\n\n{lead}\n```python\nx = 1\n```\n\n"
        f"### 2. Add a pre-commit hook\n\n{lead}\n```yaml\n- repo: local\n```\n"
    )
    texts = [item.text for item in items(body)]
    assert (texts == ["Add CSS linting", "Add a pre-commit hook"]) is taken
