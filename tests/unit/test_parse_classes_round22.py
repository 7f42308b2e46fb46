"""Classes of writing met in blind batches 109 onwards (issue 27, twenty-second round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.options import ParseOptions
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items


def test_a_status_in_parentheses_on_the_action_heading_is_every_entrys_status() -> None:
    body = (
        f"{_STORY}## Preventive measures (implemented)\n\n1. **Smoke test** — run the connect check after each build.\n"
        "2. **Explicit error** — raise when the credentials are missing.\n\n"
        "## Next steps (deferred)\n\n- **CI integration** of the smoke test.\n"
    )
    found = items(body)
    assert [(item.text.split(" —")[0], item.status) for item in found] == [
        ("Smoke test", Status.DONE),
        ("Explicit error", Status.DONE),
        ("CI integration of the smoke test.", Status.OPEN),
    ]


def test_the_action_headings_own_words_are_no_status_of_its_entries() -> None:
    # "Next Steps" and a ✅ beside the heading name the section: each entry's own words give its status.
    body = (
        f"{_STORY}## ✅ Next Steps\n\n- We've updated the health checks to cover the pool.\n"
        "- Revoke the vendor's access to the project.\n"
    )
    assert [item.status for item in items(body)] == [Status.DONE, None]


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("внедрены", Status.DONE),
        ("отложено", Status.OPEN),
        ("в работе", Status.IN_PROGRESS),
        ("已完成", Status.DONE),
        ("进行中", Status.IN_PROGRESS),
        ("対応済み", Status.DONE),
        ("未着手", Status.OPEN),
        ("완료", Status.DONE),
        ("w toku", Status.IN_PROGRESS),
        ("tamamlandı", Status.DONE),
    ],
)
def test_status_words_in_the_languages_post_mortems_are_written_in(word: str, status: Status) -> None:
    assert ParseOptions().status(word) is status


def test_a_russian_measures_heading_with_a_parenthesised_status_holds_its_items() -> None:
    body = (
        f"{_STORY}## Меры по предотвращению (внедрены)\n\n1. **Smoke test** после каждой сборки.\n\n"
        "## Меры которые НЕ внедрены (отложены)\n\n- **CI integration** smoke-test после релиза.\n"
    )
    assert [(item.text.split()[0], item.status) for item in items(body)] == [
        ("Smoke", Status.DONE),
        ("CI", Status.OPEN),
    ]


def test_a_heading_whose_lead_the_rules_do_not_know_is_named_by_what_follows_its_colon() -> None:
    body = (
        f"{_STORY}## 18. Path Forward: Next Steps\n\n### Short Term (Next 3 Months)\n"
        "1. Stabilize the production deployment\n\n### Long Term (Next Year)\n1. Evaluate managed services\n"
    )
    found = items(body)
    assert [(item.text, item.deadline_raw, item.confidence) for item in found] == [
        ("Stabilize the production deployment", "Next 3 Months", "high"),
        ("Evaluate managed services", "Next Year", "high"),
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Path Forward: Next Steps", "actions"),
        ("Section 7 — Follow-ups", "actions"),
        # A document's title and a subject after a colon name no section.
        ("Incident Report: Duplicate issues in todo-app", "other"),
        ("Cause RC-3: Incomplete localhost detection in the worker", "other"),
    ],
)
def test_the_name_after_a_colon(title: str, kind: str) -> None:
    assert classify_title(title) == kind


def test_a_change_table_under_a_fixes_applied_heading_holds_done_items() -> None:
    body = (
        f"{_STORY}## Correctifs appliqués\n\n| Fichier | Changement |\n|---|---|\n"
        "| `like_ui.py` | Retries bornés sur la page post |\n| `cache.py` | Cache disque du permalien |\n\n"
        "## Prévention\n\n- Vérifier la configuration après chaque changement.\n"
    )
    found = items(body)
    assert [(item.text, item.status) for item in found][:2] == [
        ("Retries bornés sur la page post", Status.DONE),
        ("Cache disque du permalien", Status.DONE),
    ]


def test_a_table_of_failures_under_a_plain_heading_is_no_list_of_changes() -> None:
    # No status on the heading: the rows are a table of what failed and the response, judged as a table.
    body = (
        f"{_STORY}## Response\n\n| Measure | Detail |\n|---|---|\n"
        "| Immediate recovery | Fetched the secret and updated the config |\n"
        "| Password manager | Updated stale entries |\n"
    )
    assert items(body) == ()


def test_follow_up_recovery_plan_and_corrective_actions_applied_in_spanish_and_portuguese() -> None:
    body = (
        f"{_STORY}## Acoes corretivas aplicadas\n- usuario teste removido da producao\n\n"
        "## Plano de recuperação\n1. **Reautorizar** o conector pelo fluxo oficial.\n2. Começar por **1 empresa**.\n\n"
        "## Seguimiento\n\n- Monitorizar la consola de errores durante 24 h.\n"
    )
    # The action sections are read first, the recovery plan (a candidate) after them: in the order of the page.
    found = sorted(items(body), key=lambda item: item.line)
    assert [(item.text, item.status) for item in found] == [
        ("usuario teste removido da producao", Status.DONE),
        ("Reautorizar o conector pelo fluxo oficial.", None),
        ("Começar por 1 empresa.", None),
        ("Monitorizar la consola de errores durante 24 h.", None),
    ]


def test_full_width_parentheses_and_colons_of_chinese_headings() -> None:
    assert classify_title("后续行动（已完成）") == "actions"
    assert classify_title("第三部分：改进措施") == "actions"
    body = f"{_STORY}## 改进措施（已完成）\n\n- 增加超时分级\n- 给隧道加看门狗\n"
    found = [(item.text, item.status) for item in items(body)]
    assert found == [("增加超时分级", Status.DONE), ("给隧道加看门狗", Status.DONE)]


def test_remaining_items_in_chinese_japanese_and_korean_are_open_work() -> None:
    for heading in ("残留事项", "残課題", "남은 작업"):
        assert classify_title(heading) == "actions", heading
    body = f"{_STORY}## 残留事项\n\n1. 删掉这条死路由。\n"
    assert [(item.text, item.status) for item in items(body)] == [("删掉这条死路由。", Status.OPEN)]


def test_an_action_table_with_chinese_column_names() -> None:
    body = (
        f"{_STORY}## 改进措施\n\n| 措施 | 负责人 | 截止日期 | 优先级 | 状态 |\n|---|---|---|---|---|\n"
        "| 增加连接池监控 | 张三 | 2026-10-01 | P1 | 进行中 |\n"
    )
    (item,) = items(body)
    assert (item.text, item.owner, item.deadline_raw, item.priority_raw, item.status) == (
        "增加连接池监控",
        "张三",
        "2026-10-01",
        "P1",
        Status.IN_PROGRESS,
    )


@pytest.mark.parametrize(
    "label", ["Expected effects", "Risk", "期待される効果", "リスク", "风险", "Riesgos", "Vorteile"]
)
def test_what_a_proposed_measure_would_bring_or_risk_is_no_item(label: str) -> None:
    body = (
        f"{_STORY}## Action items\n\n### 1. Close every browser in a finally block\n\n**{label}:**\n"
        "- Instances reliably closed\n- Low impact on the existing logic\n\n"
        "### 2. Cap the job log\n\n**{label}:**\n- Memory stays bounded\n"
    ).replace("{label}", label)
    texts = [item.text for item in items(body)]
    assert not any("Instances" in text or "Low impact" in text or "bounded" in text for text in texts)


def test_sub_headings_that_open_with_the_file_they_change_are_the_items() -> None:
    body = (
        f"{_STORY}## Action items\n\n### A1. Reliable browser cleanup\n\n**Target file:** `automation.py`\n\n"
        "```python\nbrowser.close()\n```\n\n### A2. Cap the job log\n\n**Target file:** `utils.py`\n\n"
        "- Keep the last 100 lines\n- Drop older ones\n"
    )
    assert [item.text for item in items(body)] == ["Reliable browser cleanup", "Cap the job log"]


def test_sub_headings_that_are_each_an_order_are_the_items_whatever_spells_them_out() -> None:
    body = (
        f"{_STORY}## Next Steps Required\n\n### CRITICAL: Revoke the exposed webhook\n"
        "1. Open the server settings\n2. Delete the webhook\n\n### Update the local .env file\n"
        "```bash\nnano .env\n```\n\n### Restart Grafana\nAfter updating .env:\n"
        "```bash\ndocker compose up -d grafana\n```\n"
    )
    texts = [item.text for item in items(body)]
    assert texts[:3] == ["Revoke the exposed webhook", "Update the local .env file", "Restart Grafana"]
    assert not any(text.startswith(("Open the server", "Delete the webhook")) for text in texts)


def test_sub_headings_that_are_not_all_orders_group_their_entries() -> None:
    body = (
        f"{_STORY}## Action items\n\n### Backups\n- Set up nightly dumps\n\n### Restart Grafana\n- Add a health check\n"
    )
    assert [item.text for item in items(body)] == ["Set up nightly dumps", "Add a health check"]


def test_checkboxes_under_an_entry_led_by_its_owner_are_the_owners_items_due_with_the_plans_week() -> None:
    body = (
        f"{_STORY}## Action Items\n\n### Immediate (Week 1)\n\n1. **@claude_dev**: E2E testing framework\n"
        "   - [ ] Create the E2E testing guide\n   - [ ] Add a pull request template\n\n"
        "### Process Changes (Week 2)\n\n2. **All Developers**: Debugging discipline\n"
        "   - [ ] Remove debug logs after verification\n"
    )
    assert [(item.text, item.owner, item.deadline_raw) for item in items(body)] == [
        ("Create the E2E testing guide", "@claude_dev", "Week 1"),
        ("Add a pull request template", "@claude_dev", "Week 1"),
        ("Remove debug logs after verification", "All Developers", "Week 2"),
    ]


def test_an_area_label_over_checkboxes_names_no_owner() -> None:
    body = f"{_STORY}## Action Items\n\n1. **Backend**: Hardening\n   - [ ] Add retries to the client\n"
    assert [item.owner for item in items(body)] == [None]


def test_a_list_of_metrics_and_their_figures_is_no_list_of_items() -> None:
    body = (
        f"{_STORY}## Action Items\n\n- [ ] Add an E2E check to every PR\n\n## Improvement targets\n\n"
        "### Target (v0.8)\n- **RC iterations**: < 5\n- **E2E verification**: 100% (mandatory)\n"
    )
    assert [item.text for item in items(body)] == ["Add an E2E check to every PR"]


def test_a_group_heading_that_opens_with_the_priority_level_gives_it() -> None:
    body = (
        f"{_STORY}## Remediation Checklist\n\n### P0 (Must Ship Together) — ✅ COMPLETE\n\n"
        "- [x] Add the loyalty row\n\n"
        "### P2 (Follow-up) — ❌ PENDING\n\n- [ ] Document the lifecycle\n"
    )
    assert [(item.priority_raw, item.status) for item in items(body)] == [("P0", Status.DONE), ("P2", Status.OPEN)]


def test_labelled_sub_bullets_with_a_known_field_are_the_items_record() -> None:
    body = (
        f"{_STORY}## Action Items\n\n- [ ] **P0**: Create a deployment config validator\n  - **Owner**: DevOps Team\n"
        "  - **Deadline**: 1 week\n  - **Success**: Script catches config mismatches\n"
    )
    (item,) = items(body)
    assert (item.text, item.owner, item.deadline_raw) == (
        "Create a deployment config validator",
        "DevOps Team",
        "1 week",
    )


def test_a_time_frame_on_a_leaning_sections_sub_heading_is_its_items_deadline() -> None:
    body = (
        f"{_STORY}## Prevention Measures\n\n### Short-term (Next Week)\n- Add the detection script to CI\n"
        "- Review all existing migrations\n"
    )
    assert {item.deadline_raw for item in items(body)} == {"Next Week"}


def test_actions_taken_in_spanish_with_dated_sub_groups_are_done_on_that_day() -> None:
    body = (
        f"{_STORY}## 3. ACCIONES TOMADAS\n\n### 3.1 Contención inmediata (2026-06-21)\n\n"
        "- **Rotación de claves:** claves rotadas en el panel.\n\n## 5. DEUDA PENDIENTE\n\n- Aplicar la migración.\n"
    )
    assert [(item.status, item.deadline_raw) for item in items(body)] == [(Status.DONE, None), (Status.OPEN, None)]


def test_a_dated_sub_group_under_an_open_section_keeps_its_date_as_the_deadline() -> None:
    body = f"{_STORY}## Action items\n\n### Containment (2026-06-21)\n\n- Rotate the keys.\n"
    assert [item.deadline_raw for item in items(body)] == ["2026-06-21"]


def test_a_list_of_checks_and_their_results_is_no_list_of_items() -> None:
    body = (
        f"{_STORY}## Actions taken\n\n### Validation\n\n- `pnpm lint`: ✅ 0 errors.\n- `pnpm build`: ✅ passes.\n\n"
        "### Follow-up\n\n- Rotate the remaining keys.\n"
    )
    assert [item.text for item in items(body)] == ["Rotate the remaining keys."]
