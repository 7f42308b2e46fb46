"""The reports' read of the state database: one pass over the stored documents, items, tickets
and status history into pure :class:`reports.facts.ReportData` (``reports`` itself imports no
database library).

Only existing tables and columns are read. Status comes from ``status_history`` (the tracker's
changes as pulled), ordered by the tracker's change time when it gave one, else by when pmsync
observed it; the document's Status column (``action_items.doc_status``) is never used.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Engine, func, select

from reports.facts import IncidentFacts, ItemFacts, ReportData, StatusChange, TextSource
from sync.core.model import Status
from sync.store import tables as t
from sync.store.boundary import state_errors

_STATUSES = {status.value: status for status in Status}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; pmsync stores UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _texts(values: Iterable[Any], field: str) -> list[str]:
    return [str(v.get(field) or "") for v in values if isinstance(v, Mapping)]


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _flatten(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [text for v in value.values() for text in _flatten(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _flatten(v)]
    return [str(value)] if value is not None else []


def document_texts(
    title: str | None, data: Mapping[str, Any], whys: list[str], notes: list[str], impact: Any
) -> tuple[TextSource, ...]:
    """Every text of the document, each with its place: the title, the front matter, then each
    section as written (stored since issue 28). A document stored before that has no sections:
    its parsed fields stand in for them, without line numbers."""
    texts = [TextSource("title", str(title or ""))]
    meta = [*_flatten(data.get("metadata") or {}), *[str(tag) for tag in data.get("tags") or ()]]
    texts.append(TextSource("front matter", "\n".join(meta)))
    sections = [s for s in data.get("sections") or () if isinstance(s, Mapping)]
    if sections:
        texts.extend(
            TextSource(f'section "{s.get("title") or "(untitled)"}"', str(s.get("text") or ""), _line(s.get("line")))
            for s in sections
        )
    else:
        fields = {
            "5 whys": whys,
            "contributing factors": notes,
            "timeline": _texts(data.get("timeline") or (), "text"),
            "action items": _texts(data.get("action_items") or (), "text"),
            "prevention": _texts(data.get("prevention") or (), "text"),
            "what went well": [str(w) for w in data.get("went_well") or ()],
            "impact": [str(impact.get("text") or "")] if isinstance(impact, Mapping) else [],
        }
        texts.extend(TextSource(place, "\n".join(values)) for place, values in fields.items())
    return tuple(t for t in texts if t.text)


def _line(value: Any) -> int | None:
    # A section's text starts on the line after its heading.
    return value + 1 if isinstance(value, int) and not isinstance(value, bool) else None


def incident_facts(key: str, row: Any) -> IncidentFacts:
    """One ``postmortems`` row (its ``data`` is the parsed document as JSON, without sections)."""
    data: Mapping[str, Any] = row.data if isinstance(row.data, Mapping) else {}
    whys = _texts(data.get("whys") or (), "text")
    factors_raw = [f for f in data.get("factors") or () if isinstance(f, Mapping)]
    factors = tuple(
        (str(f["category"]), int(f["score"]))
        for f in factors_raw
        if f.get("category") and isinstance(f.get("score"), int)
    )
    notes = _texts(factors_raw, "notes")
    detection = data.get("detection") if isinstance(data.get("detection"), Mapping) else {}
    cost = data.get("cost") if isinstance(data.get("cost"), Mapping) else None
    impact = data.get("impact") if isinstance(data.get("impact"), Mapping) else {}
    texts = document_texts(row.title, data, whys, notes, impact)
    delay = detection.get("delay_minutes") if isinstance(detection, Mapping) else None
    duration = data.get("duration_minutes")
    return IncidentFacts(
        key=key,
        incident_id=row.incident_id,
        title=row.title,
        severity=row.severity,
        team=data.get("team"),
        service=data.get("service"),
        started_at=_aware(row.started_at),
        ended_at=_aware(row.ended_at),
        duration_minutes=duration if isinstance(duration, int) else None,
        review_date=row.review_date,
        detection_delay_minutes=delay if isinstance(delay, int) else None,
        factors=factors,
        root_cause_text="\n".join([*whys, *notes]),
        texts=texts,
        cost_total=_decimal(cost.get("total")) if cost is not None else None,
        path=row.path,
    )


@state_errors
def load_report_data(engine: Engine, tracker: str) -> ReportData:
    """Everything the reports need, read in four queries."""
    with engine.connect() as conn:
        incidents = tuple(
            incident_facts(row.incident_key, row)
            for row in conn.execute(select(t.postmortems).order_by(t.postmortems.c.incident_key))
        )
        # Plain tuples and fetchall: 100,000 items and their history are read in seconds, not tens.
        tickets: dict[str, tuple[str, str | None, dt.datetime | None]] = {
            owner: (key, url, _aware(created))
            for owner, key, url, created in conn.execute(
                select(t.tickets.c.owner_key, t.tickets.c.ticket_key, t.tickets.c.url, t.tickets.c.created_at).where(
                    t.tickets.c.tracker == tracker, t.tickets.c.kind == "item"
                )
            ).all()
        }
        history: dict[str, list[tuple[dt.datetime, int, Status]]] = defaultdict(list)
        # One date-time per change (the tracker's change time, else when pmsync saw it): parsing
        # date-times is most of the read's cost on SQLite.
        moment_of = func.coalesce(t.status_history.c.changed_at, t.status_history.c.observed_at)
        for row_id, item_key, status_value, at in conn.execute(
            select(
                t.status_history.c.id,
                t.status_history.c.item_key,
                t.status_history.c.status,
                moment_of,
            ).where(t.status_history.c.tracker == tracker)
        ).all():
            status = _STATUSES.get(status_value)
            moment = _aware(at)
            if status is not None and moment is not None:
                history[item_key].append((moment, row_id, status))
        items: list[ItemFacts] = []
        no_ticket: tuple[None, None, None] = (None, None, None)
        for item_key, incident_key, number, text, owner, priority, due, present in conn.execute(
            select(
                t.action_items.c.item_key,
                t.action_items.c.incident_key,
                t.action_items.c.number,
                t.action_items.c.text,
                t.action_items.c.owner,
                t.action_items.c.priority,
                t.action_items.c.due,
                t.action_items.c.present,
            ).order_by(t.action_items.c.incident_key, t.action_items.c.number)
        ).all():
            ticket_key, url, opened_at = tickets.get(item_key, no_ticket)
            changes = history.get(item_key)
            if changes:
                changes.sort()  # by change time, then by row id
            items.append(
                ItemFacts(
                    key=item_key,
                    incident_key=incident_key,
                    number=number,
                    text=text,
                    owner=owner,
                    priority=priority,
                    due=due,
                    present=bool(present),
                    ticket=ticket_key,
                    url=url,
                    history=tuple(StatusChange(s, at) for at, _id, s in changes) if changes else (),
                    opened_at=opened_at,
                )
            )
    return ReportData(incidents=incidents, items=tuple(items))
