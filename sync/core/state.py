"""What the state database knows, as pure values the planner can read.

The store (``sync.store``) builds a :class:`StateSnapshot`; the planner never queries anything.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.core.model import Status
from sync.core.tickets import TicketRef


@dataclass(frozen=True)
class KnownTicket:
    ref: TicketRef
    synced_fields: Mapping[str, Any] | None = None
    adopted: bool = False
    marker: str | None = None
    attached: bool | None = None  # False: the item still has to be attached to its parent
    pending_status: Status | None = None  # a status still to set (after the create, or blocked)
    blocked_on: dt.date | None = None  # the day the tracker's workflow could not reach pending_status


@dataclass(frozen=True)
class KnownItem:
    key: str
    incident_key: str
    number: int
    text_sha256: str
    present: bool
    ticket: KnownTicket | None = None
    doc_status: Status | None = None  # the Status cell the document gave at the last run


@dataclass(frozen=True)
class KnownIncident:
    incident_key: str
    path: str
    content_sha256: str
    first_seen: dt.date
    parent: TicketRef | None = None


@dataclass(frozen=True)
class StateSnapshot:
    """Everything the planner needs to know about earlier runs, for one tracker.

    The indexes below are built on first use and kept: the planner asks them once per incident,
    and rebuilding them each time made planning quadratic (200 incidents of 50 items: 2 of an
    idle sync's 3 seconds, issue 26)."""

    tracker: str
    incidents: Mapping[str, KnownIncident] = field(default_factory=dict)
    items: Mapping[str, KnownItem] = field(default_factory=dict)
    links: frozenset[tuple[str, ...]] = frozenset()  # sorted pairs of linked ticket keys
    pending: frozenset[str] = frozenset()  # owner keys whose create may have happened (intents)

    def items_of(self, incident_key: str) -> tuple[KnownItem, ...]:
        return self._by_incident.get(incident_key, ())

    @functools.cached_property
    def _by_incident(self) -> dict[str, tuple[KnownItem, ...]]:
        grouped: dict[str, list[KnownItem]] = defaultdict(list)
        for item in self.items.values():
            grouped[item.incident_key].append(item)
        return {key: tuple(sorted(items, key=lambda i: i.number)) for key, items in grouped.items()}

    @functools.cached_property
    def ticket_owners(self) -> Mapping[str, str]:
        """Ticket key → the key of the item it tracks."""
        return {item.ticket.ref.key: item.key for item in self.items.values() if item.ticket is not None}

    @functools.cached_property
    def ticket_refs(self) -> frozenset[str]:
        """Every key and address of the items' tickets."""
        return frozenset(
            part
            for item in self.items.values()
            if item.ticket is not None
            for part in (item.ticket.ref.key, item.ticket.ref.url)
            if part
        )

    @functools.cached_property
    def markers(self) -> frozenset[str]:
        """The markers the items' tickets carry."""
        return frozenset(item.ticket.marker for item in self.items.values() if item.ticket and item.ticket.marker)
