"""Small builders for hand-computed report fixtures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from reports.facts import IncidentFacts, ItemFacts, ReportData, StatusChange, TextSource
from sync.core.model import Status


def at(text: str) -> dt.datetime:
    """``"2026-03-04 14:02"`` as a UTC moment."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def item(
    key: str,
    *,
    incident: str = "INC-1",
    due: str | None = None,
    priority: str | None = "P1",
    owner: str | None = "dana",
    history: Sequence[tuple[str, str]] = (),
    opened: str | None = "2026-01-01 09:00",
    present: bool = True,
    text: str = "Do the thing",
    url: str | None = None,
) -> ItemFacts:
    return ItemFacts(
        key=key,
        incident_key=incident,
        number=int(key.rsplit("#", 1)[-1]) if "#" in key else 1,
        text=text,
        owner=owner,
        priority=priority,
        due=dt.date.fromisoformat(due) if due else None,
        present=present,
        ticket=f"T-{key}",
        url=url,
        history=tuple(StatusChange(status=Status(s), at=at(when)) for s, when in history),
        opened_at=at(opened) if opened else None,
    )


def incident(
    key: str,
    *,
    start: str | None = "2026-02-01 10:00",
    end: str | None = None,
    team: str | None = "payments",
    severity: str | None = "SEV-2",
    factors: Sequence[tuple[str, int]] = (),
    root_cause: str = "",
    mentions: str = "",
    review: str | None = None,
    delay: int | None = None,
    duration: int | None = None,
    cost: str | None = None,
) -> IncidentFacts:
    return IncidentFacts(
        key=key,
        incident_id=key,
        title=f"Incident {key}",
        severity=severity,
        team=team,
        started_at=at(start) if start else None,
        ended_at=at(end) if end else None,
        duration_minutes=duration,
        review_date=dt.date.fromisoformat(review) if review else None,
        detection_delay_minutes=delay,
        factors=tuple(factors),
        root_cause_text=root_cause,
        texts=(TextSource("text", mentions or root_cause),),
        cost_total=Decimal(cost) if cost is not None else None,
    )


def sample_data() -> ReportData:
    """A small, fixed history: two quarters, every status, a reopened item and a planted repeat."""
    whys = (
        "Deploys skipped the canary because the pipeline flag defaulted to off; config pushes went to all pods at once."
    )
    return ReportData(
        incidents=(
            incident(
                "INC-2026-0101",
                start="2026-01-10 14:00",
                end="2026-01-10 16:00",
                review="2026-01-11",
                delay=7,
                duration=120,
                cost="42000",
                factors=[("change_management", 3), ("testing", 2), ("monitoring", 1)],
                root_cause=whys,
                severity="SEV-1",
            ),
            incident(
                "INC-2026-0207",
                start="2026-02-07 08:00",
                end="2026-02-07 08:45",
                review="2026-02-10",
                delay=20,
                duration=45,
                team="search",
                factors=[("capacity", 3), ("monitoring", 2)],
                root_cause="The indexer queue filled because partitions were unbalanced.",
            ),
            incident(
                "INC-2026-0415",
                start="2026-04-15 09:00",
                end="2026-04-15 10:30",
                review="2026-04-16",
                delay=3,
                duration=90,
                cost="9000",
                factors=[("change_management", 3), ("process", 2)],
                root_cause=whys + " Again the canary was skipped.",
            ),
        ),
        items=(
            item(
                "INC-2026-0101#1",
                incident="INC-2026-0101",
                due="2026-01-12",
                priority="P0",
                text="Add a canary stage for config pushes",
                opened="2026-01-11 09:00",
                history=[("open", "2026-01-11 09:00"), ("done", "2026-01-12 15:00")],
            ),
            item(
                "INC-2026-0101#2",
                incident="INC-2026-0101",
                due="2026-01-18",
                owner="alice",
                text="Alert on 5xx ratio per deployment",
                opened="2026-01-11 09:00",
                history=[("open", "2026-01-11 09:00"), ("in_progress", "2026-01-15 10:00")],
            ),
            item(
                "INC-2026-0101#3",
                incident="INC-2026-0101",
                due="2026-02-11",
                priority="P2",
                owner="platform",
                text="Runbook for config rollback",
                opened="2026-01-11 09:00",
                history=[("open", "2026-01-11 09:00"), ("wont_do", "2026-01-20 10:00")],
            ),
            item(
                "INC-2026-0207#1",
                incident="INC-2026-0207",
                due="2026-02-14",
                owner="wei",
                text="Rebalance queue partitions",
                opened="2026-02-10 09:00",
                history=[
                    ("open", "2026-02-10 09:00"),
                    ("done", "2026-02-13 09:00"),
                    ("open", "2026-02-20 09:00"),
                    ("done", "2026-03-02 09:00"),
                ],
            ),
            item(
                "INC-2026-0415#1",
                incident="INC-2026-0415",
                due="2026-04-17",
                priority="P0",
                text="Make the canary flag mandatory",
                opened="2026-04-16 09:00",
                history=[("open", "2026-04-16 09:00")],
            ),
            item(
                "INC-2026-0415#2",
                incident="INC-2026-0415",
                due=None,
                priority="P2",
                owner=None,
                text="Share the review",
                opened="2026-04-16 09:00",
            ),
        ),
    )
