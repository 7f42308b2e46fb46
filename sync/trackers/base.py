"""The one tracker interface every backend implements (local, Jira, GitHub), and the pacer.

Construction, in two steps so tests inject fakes::

    tracker = JiraTracker.from_settings(settings, http=http_client, pacer=pacer, clock=clock)
    tracker = JiraTracker(client, mapping, pacer, clock)   # what from_settings returns

``from_settings`` builds the adapter's HTTP edge (:mod:`sync.trackers.jira_http`,
:mod:`sync.trackers.github_http`) from ``[tracker]`` settings on the run's injected
``httpx.Client``; ``__init__`` receives that edge, the status/priority mapping and the
:class:`Pacer` (and the clock where the adapter needs one).
Adapters are never built from the state database engine (the local tracker is the exception
that proves it: its "client" is the engine).

Rules every adapter follows:

- Transport errors and error answers are translated to :mod:`sync.errors` in one place per
  adapter: its HTTP edge.
- The edge sends every remote call through ``pacer.before_request(write=...)`` first and reports
  every answer's headers, error answers included, to ``pacer.observe(headers)``; a
  429/403-rate-limit becomes :class:`sync.errors.RateLimited` with ``retry_after``. It keeps the
  last ``X-RateLimit-Remaining`` it saw, which the adapter exposes as ``rate_limit_remaining``
  (the service's metric).
- An adapter whose marker lookup lags (``consistent_lookup`` false) calls
  :func:`sync.trackers.sending.sending_create` right before each create request leaves, after any
  pacer wait: the create's lag bound counts from that moment.
- Retries go through :mod:`sync.retry` only. A create is never retried blindly: :mod:`sync.apply`
  searches by marker before any second attempt, because a create that timed out may have happened.
- Adapters do not log their writes: apply logs one INFO audit line per remote write.
- An adapter declaring ``capabilities.parallel_writes`` above 1 has ``transition``, ``attach`` and
  ``link`` called from that many threads at once (:mod:`sync.fanout`): what they share (caches,
  the pacer) must be thread-safe. Every other call comes from apply's one thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from sync.clock import Clock
from sync.core.model import Status
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    ChangedPage,
    Clear,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.errors import TrackerError

__all__ = [
    "CLEAR",
    "Capabilities",
    "ChangedPage",
    "Clear",
    "Clock",
    "CreateResult",
    "LinkKind",
    "Marker",
    "Pacer",
    "Ticket",
    "TicketChanges",
    "TicketDraft",
    "TicketKind",
    "TicketRef",
    "Tracker",
]

CreateResult = TicketRef | TrackerError
"""One element of ``create_many``'s answer: the new ticket, or why this draft failed.

:class:`sync.errors.TrackerUnavailable` (time-out, connection lost, 5xx) means "may or may not
have been created": apply resolves it by marker, never by creating again blindly."""


class Pacer(Protocol):
    """Spaces remote calls and keeps the run within its time budget (one instance per run,
    injected into the adapter and the retry layer)."""

    def before_request(self, *, write: bool) -> None:
        """Wait until the next request may go: writes are spaced, and a rate-limit window learnt
        from headers (remaining = 0 until reset) is waited out. Raises
        :class:`sync.errors.BudgetExhausted` (with ``resume_at``) instead of waiting past the
        run's budget."""
        ...

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from a response's headers: ``Retry-After`` (seconds or HTTP date),
        ``X-RateLimit-Remaining`` with ``X-RateLimit-Reset`` (epoch seconds or ISO 8601)."""
        ...

    def wait(self, seconds: float) -> None:
        """Back off for ``seconds`` (a ``Retry-After`` or a retry's backoff), or raise
        :class:`sync.errors.BudgetExhausted` when that would exceed the run's budget."""
        ...


@runtime_checkable
class Tracker(Protocol):
    """A ticket tracker, as pmsync needs it."""

    @property
    def name(self) -> str:
        """The tracker's kind as stored with every ticket ref: ``local``, ``jira`` or ``github``."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """What this backend represents natively; read by plan and apply."""
        ...

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        """Every ticket carrying each marker, oldest first; every marker asked for is a key (an
        empty list when nothing carries it). Several refs for one marker are duplicates made
        elsewhere: apply keeps the oldest and reports the others. On a backend whose
        ``capabilities.consistent_lookup`` is false a miss is not proof of absence."""
        ...

    def get(self, ref: TicketRef) -> Ticket:
        """One ticket, looked up by ``ref.id`` when set (so a moved Jira issue is found under its
        new key), else by key; raises :class:`sync.errors.TrackerNotFound` when it does not exist."""
        ...

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        """Several tickets in as few requests as the API allows (by id when set); missing ones
        are omitted."""
        ...

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        """Create one ticket per draft (at most ``capabilities.max_batch``), each carrying its
        draft's marker as a label and a hidden field. Returns one element per draft, in order:
        its ref, or the :class:`sync.errors.TrackerError` that draft met; one draft's failure
        never fails the others. Raises only when the whole call failed before any ticket could
        have been created (e.g. :class:`sync.errors.TrackerAuthError`). Not idempotent."""
        ...

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        """Apply a delta: fields left ``None`` untouched, :data:`CLEAR` ones emptied, labels in
        ``labels_add`` added and in ``labels_remove`` removed (no other label is touched)."""
        ...

    def transition(self, ref: TicketRef, status: Status) -> None:
        """Move the ticket to the canonical ``status`` (a workflow transition, closing an issue
        with a reason...). Already in that status: a no-op."""
        ...

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        """Hang ``child`` under ``parent`` when the backend needs a second write for it
        (``capabilities.parent_on_create`` false); already attached: a no-op."""
        ...

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        """Link two tickets; linking an already linked pair is a no-op. Only called when
        ``capabilities.links``."""
        ...

    def comment(self, ref: TicketRef, body: str) -> None:
        """Add a comment (overdue nudges). Not idempotent: callers record what they sent."""
        ...

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        """Tickets managed by pmsync in ``scope`` (a project / repository; ``None``: the
        configured default) changed after ``cursor`` (all of them when ``None``). The cursor is
        opaque and owned by the adapter (a page token, an ETag, a timestamp minus a safety
        margin); ``more`` says whether to call again at once with ``next_cursor``. Re-delivering
        a ticket is allowed; skipping a change is not."""
        ...
