"""The reports' read of the state database: one pass over the stored documents, items, tickets
and status history into pure :class:`reports.facts.ReportData` (``reports`` itself imports no
database library).

Only existing tables and columns are read. Status comes from ``status_history`` (the tracker's
changes as pulled), ordered by the tracker's change time when it gave one, else by when pmsync
observed it; the document's Status column (``action_items.doc_status``) is never used.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, select

from reports.facts import IncidentFacts, ItemFacts, ReportData, StatusChange, TextSource
from sync.core.model import PostMortem, Status
from sync.store import tables as t
from sync.store.boundary import state_errors

log = logging.getLogger(__name__)

_STATUSES = {status.value: status for status in Status}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; pmsync stores UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _flatten(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [text for v in value.values() for text in _flatten(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _flatten(v)]
    return [str(value)] if value is not None else []


def stored_postmortem(row: Any) -> PostMortem:
    """A ``postmortems`` row's ``data`` (the parsed document as JSON, with its sections since
    issue 28) read back through the model. Keys the model no longer has (the computed ``cost``, a
    field since removed) are left out; a row that does not read back is reported from its columns
    alone."""
    data: Mapping[str, Any] = row.data if isinstance(row.data, Mapping) else {}
    values = {name: value for name, value in data.items() if name in PostMortem.model_fields}
    values.setdefault("path", row.path)
    values.setdefault("content_sha256", row.content_sha256)
    try:
        return PostMortem.model_validate(values)
    except ValidationError as exc:
        log.warning(
            "%s: its stored copy does not read back (%d problems); reported from its columns",
            row.path,
            exc.error_count(),
        )
        return PostMortem(path=row.path, content_sha256=row.content_sha256)


def document_texts(title: str | None, pm: PostMortem) -> tuple[TextSource, ...]:
    """Every text of the document, each with its place: the title, the front matter, then each
    section as written (stored since issue 28). A document stored before that has no sections:
    its parsed fields stand in for them, without line numbers."""
    texts = [TextSource("title", title or "")]
    texts.append(TextSource("front matter", "\n".join([*_flatten(pm.metadata), *pm.tags])))
    if pm.sections:
        # A section's text starts on the line after its heading.
        texts.extend(TextSource(f'section "{s.title or "(untitled)"}"', s.text, s.line + 1) for s in pm.sections)
    else:
        fields = {
            "5 whys": [why.text for why in pm.whys],
            "contributing factors": [factor.notes for factor in pm.factors if factor.notes],
            "timeline": [entry.text for entry in pm.timeline],
            "action items": [item.text for item in pm.action_items],
            "prevention": [check.text for check in pm.prevention],
            "what went well": list(pm.went_well),
            "impact": [pm.impact.text or ""],
        }
        texts.extend(TextSource(place, "\n".join(values)) for place, values in fields.items())
    return tuple(text for text in texts if text.text)


def incident_facts(key: str, row: Any) -> IncidentFacts:
    """One ``postmortems`` row as the reports see it (:func:`stored_postmortem`)."""
    pm = stored_postmortem(row)
    whys = [why.text for why in pm.whys]
    notes = [factor.notes for factor in pm.factors if factor.notes]
    cost = pm.cost
    return IncidentFacts(
        key=key,
        incident_id=row.incident_id,
        title=row.title,
        severity=row.severity,
        team=pm.team,
        service=pm.service,
        started_at=_aware(row.started_at),
        ended_at=_aware(row.ended_at),
        duration_minutes=pm.duration_minutes,
        review_date=row.review_date,
        detection_delay_minutes=pm.detection.delay_minutes,
        factors=tuple(
            (f.category.value, f.score) for f in pm.factors if f.category is not None and f.score is not None
        ),
        root_cause_text="\n".join([*whys, *notes]),
        texts=document_texts(row.title, pm),
        cost_total=cost.total if cost is not None else None,
        path=row.path,
    )


def _incidents(conn: Connection) -> tuple[IncidentFacts, ...]:
    return tuple(
        incident_facts(row.incident_key, row)
        for row in conn.execute(select(t.postmortems).order_by(t.postmortems.c.incident_key))
    )


@state_errors
def load_incidents(engine: Engine) -> tuple[IncidentFacts, ...]:
    """Every stored incident, without items, tickets or history: what finding repeats needs."""
    with engine.connect() as conn:
        return _incidents(conn)


@state_errors
def load_report_data(engine: Engine, tracker: str) -> ReportData:
    """Everything the reports need, read in four queries."""
    with engine.connect() as conn:
        incidents = _incidents(conn)
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
