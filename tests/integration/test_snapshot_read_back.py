"""The reports read stored post-mortems back through the model (issue 25: incident_facts picked the
stored JSON apart by hand)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, update

from sync.core.parse import parse_document
from sync.store import tables as t
from sync.store.repository import SqlStateStore
from sync.store.snapshot import load_report_data

DOC = """\
---
team: payments
service: checkout
tags: [cdn]
---
# Post-mortem: Checkout 502s (INC-42)

## 1. Incident Summary
- **Incident ID:** INC-42
- **Date/Time:** 2026-01-02 14:02 UTC → 2026-01-02 16:47 UTC
- **Severity:** SEV-1

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
| 1 | Canary config pushes | @dana | 2026-03-01 | P1 | Open |
"""


def stored(engine: Engine) -> SqlStateStore:
    pm = parse_document(DOC, "docs/inc-42.md").postmortem
    assert pm is not None
    store = SqlStateStore(engine, "local")
    store.upsert_incident("INC-42", pm, [], seen_on=dt.date(2026, 1, 5))
    return store


def test_a_stored_document_reads_back_with_its_computed_fields_left_out(engine: Engine) -> None:
    stored(engine)
    (facts,) = load_report_data(engine, "local").incidents
    assert (facts.team, facts.service, facts.duration_minutes) == ("payments", "checkout", 165)
    texts = {text.place: text.text for text in facts.texts}
    assert "Canary config pushes" in texts['section "6. Action Items"'] and "cdn" in texts["front matter"]


def test_a_row_that_does_not_read_back_is_reported_from_its_columns(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    stored(engine)
    with engine.begin() as conn:
        conn.execute(update(t.postmortems).values(data={"duration_minutes": -5, "cost": {"total": "1"}}))
    (facts,) = load_report_data(engine, "local").incidents
    assert facts.title is not None and facts.duration_minutes is None and facts.cost_total is None
    assert facts.incident_id == "INC-42" and facts.path == "docs/inc-42.md"
    assert "does not read back (1 problems)" in caplog.text


def test_the_cost_is_computed_from_the_stored_inputs(engine: Engine) -> None:
    stored(engine)
    with engine.begin() as conn:
        data = conn.execute(t.postmortems.select()).one().data
        data["cost_inputs"] = {"revenue_lost": "100.50", "engineering_hours": "2", "hourly_rate": "50"}
        data["cost"] = {"total": "999"}  # a stale computed copy is never believed
        conn.execute(update(t.postmortems).values(data=data))
    (facts,) = load_report_data(engine, "local").incidents
    assert facts.cost_total == Decimal("200.50")
