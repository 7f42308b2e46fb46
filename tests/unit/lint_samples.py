"""Builders for lint tests: a complete, clean post-mortem that each test breaks in one way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sync.core.model import (
    ActionItem,
    ContributingFactor,
    CostInputs,
    PostMortem,
    PreventionCheck,
    Priority,
    Section,
    Severity,
    Status,
    TimelineEntry,
    Why,
)

PATH = "pm/inc.md"


def item(number: int = 1, **fields: Any) -> ActionItem:
    """An action item with owner, priority and status; ``fields`` override."""
    values: dict[str, Any] = {
        "number": number,
        "text": f"Add a test for config pushes ({number})",
        "owner": "@dana",
        "priority": Priority.P1,
        "priority_raw": "P1",
        "status": Status.OPEN,
        "status_raw": "Open",
        "line": 40 + number,
    }
    values.update(fields)
    return ActionItem(**values)


def section(kind: str, line: int, text: str = "", title: str | None = None) -> Section:
    """A level-2 section whose body is ``text`` (first body line is ``line + 1``)."""
    end = line + max(len(text.splitlines()), 1)
    return Section(title=title or kind.title(), level=2, kind=kind, line=line, end_line=end, text=text)


WHYS = tuple(
    Why(number=n, text=text, line=20 + n)
    for n, text in enumerate(
        (
            "Checkout pods could not open database connections.",
            "The pool size rendered as 0.",
            "The template has no validation for required variables.",
            "Config changes skip the canary stage.",
            "Config was treated as low risk, so nobody owned its release process.",
        ),
        start=1,
    )
)


# Minute by minute enough for a SEV-1 (no gap above 5 minutes between start 14:02 and end 14:30).
TIMELINE = tuple(
    TimelineEntry(time=f"14:{minute:02d}", at=dt.datetime(2026, 3, 4, 14, minute, tzinfo=dt.UTC), text=text, line=line)
    for line, (minute, text) in enumerate(
        ((2, "Config push"), (5, "Alert"), (10, "Paged"), (15, "Cause found"), (20, "Rollback"), (25, "Recovering"))
        + ((30, "Resolved"),),
        start=12,
    )
)


def complete(**fields: Any) -> PostMortem:
    """A post-mortem that lints clean; ``fields`` override."""
    values: dict[str, Any] = {
        "path": PATH,
        "content_sha256": "0" * 64,
        "title": "Checkout 502s",
        "incident_id": "INC-2026-0001",
        "severity": Severity.SEV2,
        "severity_raw": "SEV-2",
        "started_at": dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC),
        "ended_at": dt.datetime(2026, 3, 4, 14, 30, tzinfo=dt.UTC),
        "review_date": dt.date(2026, 3, 5),
        "timeline": TIMELINE,
        "whys": WHYS,
        "went_well": ("Alert fired in 7 minutes", "Rollback worked first time", "Clear hand-off"),
        "cost_inputs": CostInputs(revenue_lost=Decimal(42000)),
        "factors": (
            ContributingFactor(name="Insufficient testing", score=3, score_raw="3", line=30),
            ContributingFactor(name="Technical debt", score=0, score_raw="0", line=31),
        ),
        "action_items": (
            item(
                1,
                priority=Priority.P0,
                priority_raw="P0",
                text="Add a test for template variables",
                deadline=dt.date(2026, 3, 6),
                deadline_raw="2026-03-06",
            ),
            item(
                2,
                owner="alice@example.com",
                text="Alert on pool exhaustion",
                deadline=dt.date(2026, 3, 12),
                deadline_raw="2026-03-12",
            ),
        ),
        "prevention": (
            PreventionCheck(text="Monitoring added/improved for this failure mode", checked=True, line=50),
            PreventionCheck(text="Test coverage added", checked=False, line=51),
        ),
        "sections": (
            section("summary", 3, "- **Incident ID:** INC-2026-0001\n"),
            section("whys", 20, "\n".join(f"{w.number}. Why {w.number}: {w.text}" for w in WHYS)),
            section("actions", 40, "| # | Action | Owner |\n|---|---|---|\n| 1 | Add a test | @dana |\n"),
        ),
    }
    values.update(fields)
    return PostMortem(**values)
