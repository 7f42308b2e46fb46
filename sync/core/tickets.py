"""Value types exchanged with trackers: frozen, library-free, shared by plan, apply and adapters.

A raw library object may only ever travel in a ``raw`` field, which is excluded from equality.

Vocabulary:

- a **marker** identifies the action item (or incident) a ticket was created for; it is written
  once, at creation, as a label and a hidden field, and never changes;
- a **scope** is where a ticket lives inside its tracker: a Jira project key, a GitHub
  ``owner/repo``; the local tracker has one scope. Pull cursors are kept per scope;
- a **ref** names one ticket: the tracker's immutable ``id`` beside its (mutable) ``key``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal

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
    """Where a ticket lives.

    ``id`` is the tracker's immutable identifier (Jira issue id, GitHub issue node/database id,
    the local ticket number): it survives a Jira issue moving to another project, which changes
    its ``key``. Adapters always fill it; it is ``None`` only for a ref read from a document
    (a ticket named by key, before the tracker was asked about it) or stored by an older pmsync.
    ``key`` is what people see (``OPS-12``, ``org/repo#34``, ``LOC-3``).
    """

    tracker: str
    key: str
    url: str | None = None
    id: str | None = None


class LinkKind(StrEnum):
    RELATES = "relates"


class TicketKind(StrEnum):
    """An action item's ticket, or the per-incident parent the items hang under."""

    ITEM = "item"
    INCIDENT = "incident"


@dataclass(frozen=True)
class TicketDraft:
    """Everything needed to create one ticket (an item, or an incident's parent); decided entirely
    by the pure planner.

    ``title`` is already within the tracker's ``Capabilities.title_limit``; ``body`` then holds
    the full text. ``scope`` is the project / repository (``None``: the tracker's default).
    ``parent`` is set by apply for item drafts when the backend takes the parent in the create
    call (``Capabilities.parent_on_create``); otherwise apply attaches the child afterwards.
    ``status`` is only ever not ``OPEN`` when the backend can create in that state
    (``Capabilities.create_in_done_state``); otherwise the planner adds a transition.
    """

    marker: Marker
    title: str
    body: str
    kind: TicketKind = TicketKind.ITEM
    priority: Priority | None = None
    labels: tuple[str, ...] = ()
    assignee: str | None = None
    due: dt.date | None = None
    scope: str | None = None
    parent: TicketRef | None = None
    status: Status = Status.OPEN
    # The post-mortem's URL when ``[sources] document_url`` gives one: Jira also attaches it as a
    # remote link (stable globalId, so a repeated create step adds it once).
    document_url: str | None = None


class Clear(enum.Enum):
    """The explicit "remove this value" in a :class:`TicketChanges` (distinct from ``None``,
    which means "leave it alone")."""

    CLEAR = "clear"


CLEAR: Final = Clear.CLEAR
Clearable = Literal[Clear.CLEAR]


@dataclass(frozen=True)
class TicketChanges:
    """A delta, never the whole ticket: ``None`` leaves a field alone, :data:`CLEAR` empties it.

    Labels are changed by adding and removing named labels only, so labels a person put on the
    ticket survive; apply never puts the marker label in ``labels_remove``. Status is not a field
    here: it changes through :meth:`sync.trackers.base.Tracker.transition`.
    """

    title: str | None = None
    body: str | None = None
    priority: Priority | None = None
    assignee: str | Clearable | None = None
    due: dt.date | Clearable | None = None
    labels_add: frozenset[str] = frozenset()
    labels_remove: frozenset[str] = frozenset()

    def is_empty(self) -> bool:
        return (
            all(getattr(self, name) is None for name in ("title", "body", "priority", "assignee", "due"))
            and not self.labels_add
            and not self.labels_remove
        )

    def changed_fields(self) -> list[str]:
        """Names of the fields this delta touches, for audit lines."""
        names = [n for n in ("title", "body", "priority", "assignee", "due") if getattr(self, n) is not None]
        if self.labels_add or self.labels_remove:
            names.append("labels")
        return names


@dataclass(frozen=True)
class Ticket:
    """A ticket as the tracker reports it, with its status already mapped to canonical.

    ``body``/``priority`` are ``None`` when the backend cannot read them back faithfully; apply
    then skips the "did a person change it?" check for that field. ``created_at`` orders
    duplicates (the oldest is kept)."""

    ref: TicketRef
    title: str
    status: Status
    status_raw: str
    updated_at: dt.datetime
    marker: Marker | None = None
    kind: TicketKind = TicketKind.ITEM
    body: str | None = None
    priority: Priority | None = None
    assignee: str | None = None
    due: dt.date | None = None
    labels: tuple[str, ...] = ()
    parent: TicketRef | None = None
    scope: str | None = None
    created_at: dt.datetime | None = None
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can represent natively, read by plan and apply. Declared, never faked.

    - ``native_due_date``: a real due-date field; otherwise ``due_date_note`` says how the date
      is represented (e.g. "in the body and a milestone").
    - ``native_parent``: items can hang under the incident's parent ticket. ``parent_on_create``:
      the parent is set in the create call itself; otherwise apply makes a separate
      :meth:`~sync.trackers.base.Tracker.attach` write (GitHub sub-issues).
    - ``links``: tickets can be linked; without it the planner plans no link actions.
    - ``create_in_done_state``: a ticket can be created directly as done / won't do; otherwise
      the planner plans a create followed by a transition.
    - ``max_batch``: how many drafts one ``create_many`` call takes (1: no bulk API).
    - ``consistent_lookup``: ``find_by_markers`` sees every committed create at once. Otherwise it
      may miss creates younger than ``search_lag_seconds`` (the bound, configurable as
      ``[tracker] search_lag_seconds``), and a miss is no proof of absence until then.
    - ``write_timeout_seconds``: the longest a write may be in flight (the client's request time-out,
      ``[tracker] request_timeout_seconds``): a create sent at T may be committed until T plus this,
      so the lag bound of a create whose answer never came counts from then, not from T.
    - ``title_limit``: the longest title the tracker accepts (characters).
    - ``pull_spans_scopes``: one ``changed_since`` pass over the default scope (``None``) already
      delivers the tickets of every scope (Jira's JQL spans projects), so pull asks for no other;
      otherwise pull walks each scope the state knows (GitHub: one repository at a time).
    - ``parallel_writes``: how many independent follow-up writes (attaches, transitions, links)
      apply may have in flight at once (:mod:`sync.fanout`); 1: one after another. Jira takes
      ``[tracker] concurrency``; GitHub's secondary-limit guidance asks for serial writes.
    """

    native_due_date: bool
    native_parent: bool
    links: bool
    due_date_note: str = ""
    parent_on_create: bool = True
    create_in_done_state: bool = False
    max_batch: int = 1
    consistent_lookup: bool = False
    search_lag_seconds: float = 60.0
    write_timeout_seconds: float = 0.0
    title_limit: int = 255
    pull_spans_scopes: bool = False
    parallel_writes: int = 1

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if self.parallel_writes < 1:
            raise ValueError("parallel_writes must be at least 1")
        if self.search_lag_seconds < 0:
            raise ValueError("search_lag_seconds must not be negative")
        if self.write_timeout_seconds < 0:
            raise ValueError("write_timeout_seconds must not be negative")

    @property
    def settle_seconds(self) -> float:
        """How long after a create was sent a lookup miss proves it never happened."""
        return self.write_timeout_seconds + self.search_lag_seconds


@dataclass(frozen=True)
class ChangedPage:
    """One page of ``changed_since``: tickets changed after the cursor, the cursor to pass next,
    and whether more pages follow right now (``more=False``: caught up; store ``next_cursor``
    and stop). Tickets may be delivered again on a later page or run; consumers must be
    idempotent."""

    tickets: tuple[Ticket, ...]
    next_cursor: str
    more: bool = False
