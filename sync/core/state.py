"""What the state database knows, as pure values the planner can read.

The store (``sync.store``) builds a :class:`StateSnapshot`; the planner never queries anything.
"""

from __future__ import annotations

import datetime as dt
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
    """Everything the planner needs to know about earlier runs, for one tracker."""

    tracker: str
    incidents: Mapping[str, KnownIncident] = field(default_factory=dict)
    items: Mapping[str, KnownItem] = field(default_factory=dict)
    links: frozenset[tuple[str, ...]] = frozenset()  # sorted pairs of linked ticket keys
    pending: frozenset[str] = frozenset()  # owner keys whose create may have happened (intents)

    def items_of(self, incident_key: str) -> list[KnownItem]:
        return sorted(
            (item for item in self.items.values() if item.incident_key == incident_key), key=lambda i: i.number
        )
