"""Render a PostMortem as house-template Markdown (``postmortem-template.md``), for the parser's
round-trip property test: ``parse_document(render_markdown(pm))`` gives back every field rendered
here (``tests/property/test_parse_properties.py``). A test helper: pmsync itself never renders a
whole document (write-back edits cells in place). Fields the
template has no place for (item kind/group/parent, metadata, sections) are not rendered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import yaml

from sync.core.model import ActionItem, CostInputs, DetectionMethod, PostMortem, Status

_STATUS_WORDS = {
    Status.OPEN: "Open",
    Status.IN_PROGRESS: "In progress",
    Status.DONE: "Done",
    Status.WONT_DO: "Won't do",
}
_DETECTION_WORDS = {
    DetectionMethod.MONITORING: "Monitoring",
    DetectionMethod.CUSTOMER: "Customer report",
    DetectionMethod.INTERNAL: "Internal discovery",
}


def render_markdown(pm: PostMortem) -> str:
    """The document in the house template's layout; sections without content are left out,
    except Action Items, which is always present (the parser reports its absence)."""
    parts: list[str] = []
    front = {
        key: value
        for key, value in (
            ("team", pm.team),
            ("service", pm.service),
            ("industry", pm.industry),
            ("tags", list(pm.tags) or None),
        )
        if value
    }
    if front:
        parts.append("---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n")
    parts.append(f"# {pm.title or 'Untitled incident'}\n")
    summary = _summary(pm)
    if summary:
        parts.append("## 1. Incident Summary\n\n" + "\n".join(summary) + "\n")
    if pm.timeline:
        parts.append("## 2. Timeline\n\n" + "\n".join(f"- {e.time} - {e.text}" for e in pm.timeline) + "\n")
    if pm.whys:
        lines = [f"{i}. Why {i}: {w.text}" for i, w in enumerate(pm.whys, start=1)]
        parts.append("## 3. Root Cause Analysis — 5 Whys\n\n" + "\n".join(lines) + "\n")
    if pm.factors:
        rows = [
            f"| {f.name} | {f.score if f.score is not None else ''} | {f.notes or ''} |".replace("|  |", "| |")
            for f in pm.factors
        ]
        parts.append(
            "## 4. Contributing Factors\n\n| Factor | Score | Notes |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        )
    if pm.went_well:
        parts.append("## 5. What Went Well\n\n" + "\n".join(f"- {t}" for t in pm.went_well) + "\n")
    parts.append("## 6. Action Items\n\n" + _items(pm.action_items))
    if pm.prevention:
        checks = [f"- [{'x' if c.checked else ' '}] {c.text}" for c in pm.prevention]
        parts.append("## 7. Recurrence Prevention\n\n" + "\n".join(checks) + "\n")
    if pm.cost_inputs is not None:
        parts.append("## 8. Incident Cost\n\n" + "\n".join(_cost(pm.cost_inputs)) + "\n")
    return "\n".join(parts)


def _summary(pm: PostMortem) -> list[str]:
    lines: list[str] = []
    if pm.incident_id:
        lines.append(f"- **Incident ID:** {pm.incident_id}")
    duration = f" (Duration: {_duration(pm.duration_minutes)})" if pm.duration_minutes is not None else ""
    if pm.started_at and pm.ended_at:
        lines.append(f"- **Date/Time:** {_moment(pm.started_at)} → {_moment(pm.ended_at)}{duration}")
    else:
        if pm.started_at:
            lines.append(f"- **Start:** {_moment(pm.started_at)}")
        if pm.ended_at:
            lines.append(f"- **End:** {_moment(pm.ended_at)}")
        if pm.duration_minutes is not None:
            lines.append(f"- **Duration:** {_duration(pm.duration_minutes)}")
    if pm.severity:
        lines.append(f"- **Severity:** {pm.severity.value}")
    impact = _impact(pm)
    if impact:
        lines.append(f"- **Impact:** {impact}")
    if pm.detection.method:
        lines.append(f"- **Detection:** {_DETECTION_WORDS[pm.detection.method]}")
    if pm.detection.delay_minutes is not None:
        lines.append(f"- **Detection Delay:** {pm.detection.delay_minutes} minutes")
    if pm.review_date:
        lines.append(f"- **Review Date:** {pm.review_date.isoformat()}")
    return lines


def _impact(pm: PostMortem) -> str:
    pieces: list[str] = []
    if pm.impact.users is not None:
        pieces.append(f"{pm.impact.users:,} users affected")
    if pm.impact.revenue_lost is not None:
        pieces.append(f"{_money(pm.impact.revenue_lost)} revenue lost")
    if pm.impact.sla_breached is not None:
        pieces.append(f"SLA breached: {'Y' if pm.impact.sla_breached else 'N'}")
    if not pieces and pm.impact.text:
        return pm.impact.text
    return " | ".join(pieces)


def _items(items: tuple[ActionItem, ...]) -> str:
    if not items:
        return "_No action items._\n"
    header = "| # | Action | Owner | Deadline | Priority | Status | Ticket |\n|---|---|---|---|---|---|---|\n"
    rows = []
    for item in items:
        deadline = item.deadline.isoformat() if item.deadline else (item.deadline_raw or "")
        priority = item.priority.value if item.priority else (item.priority_raw or "")
        status = _STATUS_WORDS[item.status] if item.status else (item.status_raw or "")
        tickets = ", ".join(f"[{t.key}]({t.url})" if t.url else t.key for t in item.tickets)
        cells = [str(item.number), item.text, item.owner or "", deadline, priority, status, tickets]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return header + "\n".join(rows) + "\n"


def _cost(cost: CostInputs) -> list[str]:
    lines: list[str] = []
    if cost.revenue_lost is not None:
        lines.append(f"- Revenue lost during downtime: {_money(cost.revenue_lost)}")
    if cost.sla_credits is not None:
        lines.append(f"- SLA credits issued: {_money(cost.sla_credits)}")
    if cost.vendor_costs is not None:
        lines.append(f"- Emergency vendor/contractor costs: {_money(cost.vendor_costs)}")
    if cost.engineering_hours is not None:
        rate = f" × {_money(cost.hourly_rate)}/hr" if cost.hourly_rate is not None else ""
        lines.append(f"- Engineering hours: {_plain(cost.engineering_hours)} hrs{rate}")
    if cost.churn_users is not None:
        churn = f"- Customer churn risk: {cost.churn_users} users"
        if cost.churn_probability is not None:
            churn += f" × {_plain(cost.churn_probability * 100)}%"
        if cost.lifetime_value is not None:
            churn += f" × {_money(cost.lifetime_value)} LTV"
        lines.append(churn)
    if cost.brand_estimate is not None:
        lines.append(f"- Brand/reputation (estimate): {_money(cost.brand_estimate)}")
    return lines


def _moment(value: dt.datetime) -> str:
    utc = value.astimezone(dt.UTC)
    seconds = f":{utc.second:02d}" if utc.second else ""
    return f"{utc:%Y-%m-%d %H:%M}{seconds} UTC"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _money(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    return f"${value:,.0f}" if whole else f"${value:,}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
