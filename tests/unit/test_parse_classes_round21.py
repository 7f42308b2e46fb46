"""Classes of writing met in blind batches 101 onwards (issue 27, twenty-first round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Priority, Status
from sync.core.parse.evidence import LEANING, heading_strength
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items


def test_a_numbered_sub_heading_that_is_an_order_is_the_item_its_orders_carry_out() -> None:
    body = (
        f"{_STORY}## Recommendations\n\n"
        "### 1. Introduce structured error reporting\n- Send every error to the central collector\n"
        "- Attach the request id and the tenant\n- Page on errors in the billing path\n\n"
        "### 2. Backups\n- Set up nightly dumps\n- Test a restore every month\n"
    )
    texts = [item.text for item in items(body)]
    # The first title is an order its entries spell out; the second names an area its orders fill.
    assert texts == ["Introduce structured error reporting", "Set up nightly dumps", "Test a restore every month"]


def test_a_numbered_sub_heading_that_is_an_order_over_prose_and_code_is_the_item() -> None:
    body = (
        f"{_STORY}## Recommendations\n\n### 1. Add a schema check\n"
        "Create a `schemas.ts` module that validates every API response:\n\n"
        "```ts\nexport const user = z.object({ id: z.number() });\n```\n\n"
        "### 2. Keep a staging environment\n- Deploy there first\n- Promote only green builds\n"
    )
    assert [item.text for item in items(body)] == ["Add a schema check", "Keep a staging environment"]


def test_a_lessons_action_label_is_the_item_and_its_contrast_pair_is_not() -> None:
    body = (
        f"{_STORY}## Lessons learned\n\n### 1. Diagnose before fixing\n"
        "- ❌ **What we did**: Tried several fixes at random\n"
        "- ✅ **What we should do**: Use the profiler early\n"
        "- **Action**: Add a profiling step to the on-call guide\n\n"
        "### 2. Rules over memory\n- ✅ **What we should do**: Write the checks down\n"
        "- **Action**: Always run the smoke suite before a rollback\n"
    )
    found = items(body)
    assert [item.text for item in found] == [
        "Add a profiling step to the on-call guide",
        "Always run the smoke suite before a rollback",
    ]
    # ✅ beside "What we should do" marks the right way, not work done; no item says done.
    assert Status.DONE not in {item.status for item in found}


def test_an_action_label_over_a_report_of_the_story_is_not_an_item() -> None:
    body = (
        f"{_STORY}## Summary\n\n**Situation:** The quota ran out in the planned region.\n\n"
        "**Action:** Checked the quota in four regions and moved the deployment.\n\n"
        "**Result:** Deployed the same day.\n\n## Action items\n\n- [ ] Add a quota pre-check to the deploy script\n"
    )
    assert [item.text for item in items(body)] == ["Add a quota pre-check to the deploy script"]


@pytest.mark.parametrize(
    "heading",
    [
        "When the static files break",
        "If an error occurs in production",
        "If the database is corrupted",
        "Before deploying to production",
    ],
)
def test_a_sub_heading_naming_an_occasion_heads_a_procedure_not_items(heading: str) -> None:
    body = (
        f"{_STORY}## Action items\n\n- [ ] Add a build-time check for the logo files\n\n"
        f"### {heading}\n1. Check the build logs for the collect step\n2. Purge the CDN cache\n"
    )
    assert [item.text for item in items(body)] == ["Add a build-time check for the logo files"]


def test_a_sub_heading_waiting_on_a_finding_still_holds_its_work() -> None:
    body = (
        f"{_STORY}## Action items\n\n- [ ] Add a build-time check for the logo files\n\n"
        "### If the driver fault is confirmed\n- Raise the driver timeout in the registry\n"
    )
    texts = [item.text for item in items(body)]
    assert "Raise the driver timeout in the registry" in texts


def test_a_title_framed_by_drawn_rules_heads_its_section() -> None:
    rule = "━━━━━━━━━━━━"
    body = (
        f"Olá,\n\nSegue o relatório.\n\n{rule}\n🔍 O QUE ACONTECEU\n{rule}\n\nAs tabelas foram apagadas às 16h32.\n\n"
        f"{rule}\n✅ PRÓXIMOS PASSOS\n{rule}\n\n1. *Revogar o acesso* da outra empresa\n2. *Migrar para o plano pago*\n"
    )
    found = items(body)
    assert [item.text for item in found] == ["Revogar o acesso da outra empresa", "Migrar para o plano pago"]
    # The mark in the title is decoration, not the status of the steps it heads.
    assert {item.status for item in found} <= {None, Status.OPEN}


@pytest.mark.parametrize(
    "tail",
    ["Some closing words.\n━━━━━━━━━━\n", "━━━━━━━━━━\n━━━━━━━━━━\n", "Two lines of\nclosing words.\n━━━━━━━━━━\n"],
)
def test_drawn_rules_under_prose_or_alone_head_nothing(tail: str) -> None:
    body = f"{_STORY}## Action items\n\n- [ ] Add an alert on disk usage\n\n{tail}\n- Keep the old host until Friday\n"
    assert [item.text for item in items(body)] == ["Add an alert on disk usage", "Keep the old host until Friday"]


@pytest.mark.parametrize(
    ("heading", "status"),
    [("Pendências", Status.OPEN), ("已添加的防护措施", Status.DONE), ("実施した対策", Status.DONE)],
)
def test_foreign_headings_of_work_left_or_safeguards_added(heading: str, status: Status) -> None:
    body = f"{_STORY}## {heading}\n\n- Revisar o backup noturno do banco\n- Adicionar alerta de disco\n"
    found = items(body)
    assert [item.text for item in found] == ["Revisar o backup noturno do banco", "Adicionar alerta de disco"]
    assert {item.status for item in found} == {status}


@pytest.mark.parametrize(
    "title", ["Correção aplicada", "Solución aplicada (en 3 oleadas)", "Soluções implementadas", "Mitigación aplicada"]
)
def test_a_foreign_fix_applied_heading_is_the_resolution(title: str) -> None:
    assert classify_title(title) == "resolution"


@pytest.mark.parametrize(
    "title", ["Cómo prevenir un próximo incidente similar", "Como evitar que aconteça de novo", "Recovery plan"]
)
def test_headings_that_lean_towards_actions(title: str) -> None:
    assert heading_strength(title) == LEANING


def test_lists_filling_in_the_same_form_under_each_cause_are_records_not_items() -> None:
    form = (
        "- **Introduced by:** Task T-{n}\n- **File & Line:** `src/app.js:{n}`\n- **Proof:** the console error\n"
        "- **Fix Commit Hash:** `abc{n}`\n"
    )
    body = (
        f"{_STORY}## Action items\n\n- [ ] Add a bundle integrity test\n\n## Remediation details\n\n"
        f"### Cause 1: Missing import\n{form.format(n=1)}\n### Cause 2: Fragile data URI\n{form.format(n=2)}"
    )
    assert [item.text for item in items(body)] == ["Add a bundle integrity test"]


def test_a_checklist_label_over_boxes_to_verify_is_no_list_of_items() -> None:
    body = (
        f"{_STORY}## Recovery plan\n\n### Step 1: Verify the rollback\n\n**Checklist:**\n"
        "- [ ] Backend responds to /api/health\n- [ ] Login page loads\n\n## Action items\n\n"
        "- [ ] Add a smoke test of the login page\n"
    )
    assert [item.text for item in items(body)] == ["Add a smoke test of the login page"]


def test_ticked_boxes_with_bold_titles_under_a_norwegian_what_must_be_done_heading() -> None:
    body = (
        f"{_STORY}## Hva må gjøres videre\n\n- [x] **Full prod-migrering kjørt** — se migreringsfila.\n"
        "- [ ] **Indekser på fremmednøkler** — mangler fortsatt.\n"
    )
    found = items(body)
    assert [(item.text, item.status) for item in found] == [
        ("Full prod-migrering kjørt — se migreringsfila.", Status.DONE),
        ("Indekser på fremmednøkler — mangler fortsatt.", Status.OPEN),
    ]


def test_a_russian_preventive_measures_heading_holds_the_items() -> None:
    body = (
        f"{_STORY}## Превентивные меры\n\n1. **Включить data checksums** в PostgreSQL.\n"
        "2. **Алёрт на ошибки** в логах.\n"
    )
    assert [item.text for item in items(body)] == [
        "Включить data checksums в PostgreSQL.",
        "Алёрт на ошибки в логах.",
    ]


def test_a_what_changed_label_over_a_list_reports_the_changes_made() -> None:
    body = (
        f"{_STORY}## Blackout\n\nThe disk did not come back.\n\nWhat changed:\n\n"
        "- a UPS with NUT, the host shuts down cleanly on low battery\n- a second disk with nightly snapshots\n"
    )
    found = items(body)
    assert [item.text for item in found] == [
        "a UPS with NUT, the host shuts down cleanly on low battery",
        "a second disk with nightly snapshots",
    ]
    assert {item.status for item in found} == {Status.DONE}


@pytest.mark.parametrize(
    "label", ["#### Pre-Deployment Checklist:", "**Debugging Protocol:**", "### Release checklist"]
)
def test_a_checklist_or_protocol_to_follow_each_time_holds_no_items(label: str) -> None:
    body = (
        f"{_STORY}## Future prevention\n\n- [ ] Add a route smoke test to CI\n\n{label}\n"
        "- [ ] Verify all called methods exist\n- [ ] Run the integration tests with authentication\n"
    )
    assert [item.text for item in items(body)] == ["Add a route smoke test to CI"]


def test_a_remediation_checklist_still_holds_the_items() -> None:
    body = f"{_STORY}## Remediation checklist\n\n- [ ] Rotate the leaked key\n- [ ] Add a secret scanner to CI\n"
    assert [item.text for item in items(body)] == ["Rotate the leaked key", "Add a secret scanner to CI"]


def test_sub_headings_opened_by_a_priority_field_are_the_items() -> None:
    body = (
        f"{_STORY}## Accionables\n\n### A1. Actualizar el workflow de staging\n**Prioridad:** Alta\n"
        "**Acción:** Agregar un paso de deploy de functions.\n\n"
        "### A2. Resolver App Check en staging\n**Prioridad:** Media\n**Opciones:**\n"
        "- Usar debug tokens\n- Desactivar la verificación en staging\n"
    )
    found = items(body)
    assert [(item.text, item.priority) for item in found] == [
        ("Actualizar el workflow de staging", Priority.P1),
        ("Resolver App Check en staging", Priority.P2),
    ]


def test_sub_headings_most_of_which_open_with_a_priority_field_are_the_items() -> None:
    body = (
        f"{_STORY}## Accionables\n\n### A1. Actualizar el workflow de staging\n**Prioridad:** Alta\n\n"
        "### A2. Resolver App Check en staging\n**Prioridad:** Media\n\n### A3. Revisar las reglas\n"
    )
    # Most sub-headings open with their priority: each is an action's record, the last one with no field stated.
    assert [(item.text, item.priority) for item in items(body)] == [
        ("Actualizar el workflow de staging", Priority.P1),
        ("Resolver App Check en staging", Priority.P2),
        ("Revisar las reglas", None),
    ]


def test_a_priority_in_the_title_is_not_taken_for_an_item_id() -> None:
    body = (
        f"{_STORY}## Action items\n\n### P1: Rotate the leaked key\nThe key was in the logs.\n\n"
        "### P2: Add a scanner\nIn CI.\n"
    )
    assert [(item.text, item.priority) for item in items(body)] == [
        ("Rotate the leaked key", Priority.P1),
        ("Add a scanner", Priority.P2),
    ]
