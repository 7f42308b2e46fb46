"""Classes of writing met in blind batches 101 onwards (issue 27, twenty-first round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
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
