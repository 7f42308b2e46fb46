"""Classes of writing met in blind batches 78 onwards and in the classes left open before them (issue 27,
seventeenth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items

_RECORDS = (
    "### ✅ **1. Paused the retry loop**\n- **File**: `jobs/export.py`\n- **Change**: Stopped retrying on a 500\n"
    "- **Effect**: No storm of retries\n\n"
    "### ✅ **2. Added a circuit breaker to the uploader**\n- **File**: `upload.py`\n- **Limits**:\n"
    "  - at most 3 attempts\n  - 5 minutes apart\n\n"
)


def test_sub_headings_titled_by_a_fix_over_a_record_of_fields_are_the_items() -> None:
    found = items(f"{_STORY}## Emergency fixes implemented\n\n{_RECORDS}")
    assert [(item.text, item.status) for item in found] == [
        ("Paused the retry loop", Status.DONE),
        ("Added a circuit breaker to the uploader", Status.DONE),
    ]


def test_an_incident_logs_fields_are_no_record_of_one_change() -> None:
    # "**Remedial Actions**:" names the work; the record is the incident's, read by its labels.
    found = items(
        "## Downtime on 3 March\n\n- **Time**:\n  - Down: 15:21 UTC\n  - Up: 15:38 UTC\n"
        "- **Affected Services**: blog, mirror\n- **Remedial Actions**: I am going to limit the generator's threads.\n"
    )
    assert [item.text for item in found] == ["I am going to limit the generator's threads."]


def test_an_action_heading_in_russian_holds_the_checklist_under_its_sub_headings() -> None:
    found = items(
        f"{_STORY}## Действия\n\n### Сделано\n\n- [x] Место на диске освобождено\n\n### Мониторинг\n\n"
        "- [ ] Добавить алерт на свободное место\n- [ ] Настроить уборку старых подов\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("Место на диске освобождено", Status.DONE),
        ("Добавить алерт на свободное место", Status.OPEN),
        ("Настроить уборку старых подов", Status.OPEN),
    ]
    assert all(item.confidence == "high" for item in found)


def test_two_references_joined_by_a_slash_are_both_tickets() -> None:
    found = items(f"{_STORY}## Action items\n\n- [x] Pin the image to a patch tag (#716/#717)\n")
    assert [ticket.key for ticket in found[0].tickets] == ["#716", "#717"]
    assert found[0].text == "Pin the image to a patch tag"


def test_a_groups_time_frame_to_the_end_of_the_day_is_its_deadline() -> None:
    found = items(f"{_STORY}## Action items\n\n### Immediate (Complete by EOD)\n- [ ] Rotate the leaked key\n")
    assert found[0].deadline_raw == "by EOD"  # "Complete" leads the frame


def test_a_target_column_without_a_time_is_no_deadline_and_done_is_a_status() -> None:
    found = items(
        f"{_STORY}## Follow-up\n\n| Item | Owner | Target |\n| --- | --- | --- |\n"
        "| Bound the export with a timeout | agent | hotfix |\n| Add a liveness signal | ops | next sprint |\n"
        "| Document why the API cannot tell liveness | agent | done |\n"
    )
    assert [(item.deadline_raw, item.status) for item in found] == [
        (None, None),
        ("next sprint", None),
        (None, Status.DONE),
    ]
    assert found[0].extra == {"Target": "hotfix"}


def test_a_list_of_what_did_not_fix_it_is_the_story() -> None:
    found = items(
        f"{_STORY}## What did NOT fix it\n\n- Allowed port 10250 in the firewall (no effect)\n"
        "- Restarted the agent (no effect)\n\n## Follow-up\n\n- Reinstall the agent on worker-01\n"
    )
    assert [item.text for item in found] == ["Reinstall the agent on worker-01"]
