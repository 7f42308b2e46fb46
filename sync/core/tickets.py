"""Value types exchanged with trackers: frozen, library-free, shared by plan, apply and adapters.

A raw library object may only ever travel in a ``raw`` field, which is excluded from equality.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sync.core.model import Priority, Status

MARKER_LABEL_PREFIX = "pmsync-"


@dataclass(frozen=True, order=True)
class Marker:
    """Identifies the action item (or incident) a ticket was created for.

    ``key`` is ``<incident_key>#<n>`` for items and ``<incident_key>`` for incident parents. The
    label form is what goes into tracker labels (no ``#`` or spaces allowed there); the key itself
    goes into a hidden field (Jira issue property, GitHub body comment, local column).
    """

    key: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:12]

    @property
    def label(self) -> str:
        return f"{MARKER_LABEL_PREFIX}{self.digest}"


@dataclass(frozen=True)
class TicketRef:
    """Where a ticket lives: the tracker's name (``local``, ``jira``, ``github``), its key, its URL."""

    tracker: str
    key: str
    url: str | None = None


class LinkKind(StrEnum):
    RELATES = "relates"


@dataclass(frozen=True)
class TicketDraft:
    """Everything needed to create one item ticket; decided entirely by the pure planner."""

    marker: Marker
    title: str
    body: str
    priority: Priority | None = None
    labels: tuple[str, ...] = ()
    assignee: str | None = None
    due: dt.date | None = None
    project: str | None = None
    parent: TicketRef | None = None
    status: Status = Status.OPEN


@dataclass(frozen=True)
class IncidentDraft:
    """The parent ticket for one incident; item tickets hang under it."""

    marker: Marker
    title: str
    body: str
    labels: tuple[str, ...] = ()
    project: str | None = None


@dataclass(frozen=True)
class TicketChanges:
    """A partial update; ``None`` means leave the field alone."""

    title: str | None = None
    body: str | None = None
    priority: Priority | None = None
    assignee: str | None = None
    due: dt.date | None = None
    labels: tuple[str, ...] | None = None
    status: Status | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class Ticket:
    """A ticket as the tracker reports it, with its status already mapped to canonical."""

    ref: TicketRef
    title: str
    status: Status
    status_raw: str
    updated_at: dt.datetime
    marker: Marker | None = None
    assignee: str | None = None
    due: dt.date | None = None
    labels: tuple[str, ...] = ()
    parent: TicketRef | None = None
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can represent natively. Missing capabilities are declared, not faked."""

    native_due_date: bool
    native_parent: bool
    links: bool
    due_date_note: str = ""


@dataclass(frozen=True)
class ChangedPage:
    """One result of ``changed_since``: tickets changed after the cursor, and the next cursor."""

    tickets: tuple[Ticket, ...]
    cursor: str
