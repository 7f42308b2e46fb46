"""Small builders for hand-computed report fixtures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from reports.facts import IncidentFacts, ItemFacts, StatusChange
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
        url=None,
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
        mentions_text=mentions or root_cause,
        cost_total=Decimal(cost) if cost is not None else None,
    )
