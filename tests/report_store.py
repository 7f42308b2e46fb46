"""Report data written into a state database, as ``pmsync sync`` and ``pull`` leave it: the
tables the report queries read. Shared by the report tests and ``bench/report_bench.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Engine, insert

from reports.facts import IncidentFacts, ItemFacts
from sync.store import tables as t

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _incident_row(i: IncidentFacts) -> dict[str, object]:
    return {
        "incident_key": i.key,
        "path": f"{i.key}.md",
        "content_sha256": "0" * 64,
        "incident_id": i.incident_id,
        "title": i.title,
        "severity": i.severity,
        "started_at": i.started_at,
        "ended_at": i.ended_at,
        "review_date": i.review_date,
        "data": {
            "team": i.team,
            "duration_minutes": i.duration_minutes,
            "detection": {"delay_minutes": i.detection_delay_minutes},
            "whys": [{"number": 1, "text": i.root_cause_text, "line": 1}],
            "factors": [{"name": c, "category": c, "score": s, "line": 1} for c, s in i.factors],
            # As a sync stores it: the inputs, and the computed cost beside them (revenue lost alone
            # makes the total).
            "cost_inputs": {"revenue_lost": str(i.cost_total)} if i.cost_total is not None else None,
            "cost": {"total": str(i.cost_total)} if i.cost_total is not None else None,
        },
        "first_seen_at": NOW,
        "first_seen_on": NOW.date(),
        "updated_at": NOW,
    }


def write_report_data(
    engine: Engine, incidents: Iterable[IncidentFacts], items: Iterable[ItemFacts], tracker: str = "local"
) -> None:
    """Insert ``incidents`` and ``items`` (with their tickets and status history). An item with
    ``opened_at`` gets a ticket created then; one without has no ticket yet."""
    items = list(items)
    with engine.begin() as conn:
        rows = [_incident_row(i) for i in incidents]
        if rows:
            conn.execute(insert(t.postmortems), rows)
        if not items:
            return
        conn.execute(
            insert(t.action_items),
            [
                {
                    "item_key": i.key,
                    "incident_key": i.incident_key,
                    "number": i.number,
                    "text": i.text,
                    "text_sha256": "0" * 64,
                    "owner": i.owner,
                    "priority": i.priority,
                    "due": i.due,
                    "present": i.present,
                    "updated_at": NOW,
                }
                for i in items
            ],
        )
        tickets = [
            {
                "owner_key": i.key,
                "kind": "item",
                "tracker": tracker,
                "ticket_key": i.ticket or f"T-{i.key}",
                "url": i.url,
                "created_at": i.opened_at,
                "updated_at": NOW,
            }
            for i in items
            if i.opened_at is not None
        ]
        if tickets:
            conn.execute(insert(t.tickets), tickets)
        history = [
            {
                "item_key": i.key,
                "tracker": tracker,
                "ticket_key": i.ticket or f"T-{i.key}",
                "status": h.status.value,
                "observed_at": h.at,
                "changed_at": h.at,
            }
            for i in items
            for h in i.history
        ]
        if history:
            conn.execute(insert(t.status_history), history)
