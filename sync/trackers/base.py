"""The one tracker interface every backend implements (local, Jira, GitHub).

Adapters are built in two steps: ``XTracker.from_settings(settings)`` builds the library client,
``XTracker(client, ...)`` receives it so tests can inject a fake. Library exceptions are translated
to :mod:`sync.errors` in one place per adapter. Calls that create things are never retried blindly:
:mod:`sync.apply` searches by marker first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from sync.core.tickets import (
    Capabilities,
    ChangedPage,
    IncidentDraft,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketRef,
)

__all__ = [
    "Capabilities",
    "ChangedPage",
    "IncidentDraft",
    "LinkKind",
    "Marker",
    "Ticket",
    "TicketChanges",
    "TicketDraft",
    "TicketRef",
    "Tracker",
]


@runtime_checkable
class Tracker(Protocol):
    """A ticket tracker, as pmsync needs it."""

    @property
    def name(self) -> str:
        """The tracker's kind as stored with every ticket ref: ``local``, ``jira`` or ``github``."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """What this backend represents natively (due dates, parents, links)."""
        ...

    def find_by_marker(self, marker: Marker) -> TicketRef | None:
        """The ticket carrying ``marker``, or ``None``. Used to resolve a create that may have
        happened before a crash; must not rely on a search index that lags behind creates when
        the backend offers a consistent alternative."""
        ...

    def get(self, ref: TicketRef) -> Ticket:
        """One ticket; raises :class:`sync.errors.TrackerNotFound` when it does not exist."""
        ...

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        """Several tickets in as few requests as the API allows; missing ones are omitted."""
        ...

    def create(self, draft: TicketDraft) -> TicketRef:
        """Create an item ticket carrying ``draft.marker``. Not idempotent: callers search first."""
        ...

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        """Apply a partial update (fields left ``None`` are untouched)."""
        ...

    def ensure_parent(self, incident: IncidentDraft) -> TicketRef:
        """The incident's parent ticket: found by its marker, or created."""
        ...

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        """Link two tickets; linking an already linked pair is a no-op."""
        ...

    def changed_since(self, cursor: str | None) -> ChangedPage:
        """Tickets managed by pmsync changed after ``cursor`` (all of them when ``None``), and the
        cursor to pass next time. Cursors are opaque strings owned by the adapter."""
        ...
