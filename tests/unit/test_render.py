"""The house-template renderer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sync.core.model import ActionItem, CostInputs, Impact, PostMortem, Priority, Status, TicketLink
from sync.core.parse import parse_document
from sync.core.render import render_markdown

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "shared"


def minimal(**fields: object) -> PostMortem:
    return PostMortem.model_validate({"path": "r.md", "content_sha256": "0" * 64, "title": "Queue outage", **fields})


def test_renders_the_template_sections_in_order() -> None:
    source = (CORPUS / "s01-template-checkout-502.md").read_bytes()
    pm = parse_document(source, "s01.md").postmortem
    assert pm is not None
    text = render_markdown(pm)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Incident Summary",
        "## 2. Timeline",
        "## 3. Root Cause Analysis — 5 Whys",
        "## 4. Contributing Factors",
        "## 5. What Went Well",
        "## 6. Action Items",
        "## 7. Recurrence Prevention",
        "## 8. Incident Cost",
    ]
    assert "- **Date/Time:** 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)" in text
    assert "| 2 | Fail template rendering on missing required variables | alice@example.com | 2026-03-20 | P1 |" in text
    assert "- Customer churn risk: 18000 users × 0.5% × $300 LTV" in text


def test_always_renders_an_action_section() -> None:
    text = render_markdown(minimal())
    assert "## 6. Action Items" in text
    result = parse_document(text, "r.md")
    assert result.ok and result.postmortem is not None and result.postmortem.action_items == ()


def test_item_cells_are_escaped_and_tickets_linked() -> None:
    item = ActionItem(
        number=1,
        text="Split a|b config",
        status=Status.WONT_DO,
        priority=Priority.P2,
        tickets=(TicketLink(system="github", key="o/r#3", url="https://github.com/o/r/issues/3"),),
        line=1,
    )
    text = render_markdown(minimal(action_items=(item,)))
    assert "| 1 | Split a\\|b config |  |  | P2 | Won't do | [o/r#3](https://github.com/o/r/issues/3) |" in text
    parsed = parse_document(text, "r.md").postmortem
    assert parsed is not None
    assert (parsed.action_items[0].text, parsed.action_items[0].status) == ("Split a|b config", Status.WONT_DO)


def test_start_without_end_and_money_with_cents() -> None:
    pm = minimal(
        started_at=dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        duration_minutes=5,
        impact=Impact(revenue_lost=Decimal("12.50")),
        cost_inputs=CostInputs(revenue_lost=Decimal("1234.5")),
    )
    text = render_markdown(pm)
    assert "- **Start:** 2026-01-01 07:30 UTC" in text and "- **Duration:** 5m" in text
    assert "$12.50 revenue lost" in text and "Revenue lost during downtime: $1,234.5" in text
    parsed = parse_document(text, "r.md").postmortem
    assert parsed is not None and parsed.impact.revenue_lost == Decimal("12.50")
    assert parsed.cost_inputs is not None and parsed.cost_inputs.revenue_lost == Decimal("1234.5")


def test_impact_text_churn_without_factors_and_no_duration() -> None:
    pm = minimal(
        ended_at=dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC),
        impact=Impact(text="Checkout slow for EU users"),
        cost_inputs=CostInputs(churn_users=40),
    )
    text = render_markdown(pm)
    assert "- **Impact:** Checkout slow for EU users" in text
    assert "- **End:** 2026-01-01 09:00 UTC" in text and "Duration" not in text
    assert "- Customer churn risk: 40 users\n" in text  # no probability, no LTV: nothing invented
