"""``LaggingTracker``: an in-process tracker as weak as the real ones, for contract and fault tests.

What makes it weak (each one a way real Jira / GitHub behave):

- **marker search lags**: a ticket becomes visible to ``find_by_markers`` only after ``lag_lookups``
  later lookups *or* ``lag_seconds`` on the injected clock, whichever comes first; the declared
  bound (``capabilities.search_lag_seconds``) is ``lag_seconds``;
- **no unique marker**: nothing stops a second ticket with the same marker;
- **changed_since re-delivers**: the cursor is a timestamp minus a safety margin, pages are small
  (``page_size``) and overlap;
- **a create commits late**: ``commit_delay_seconds`` after the request was sent (a slow bulk create,
  a busy server), and the search lag counts from the commit; the declared request time-out
  (``capabilities.write_timeout_seconds``) is ``write_timeout_seconds``;
- **a create can time out after it committed**: markers in ``timeout_after_commit`` are created and
  then answered with :class:`TrackerUnavailable` (once each); ``refuse_once`` answers a draft
  with a given error without creating it (a per-item 429 or validation error in a bulk call);
- parents need a second write (``attach``), tickets cannot be created in a done state, batches of
  ``max_batch``.

Thread-safe, so two "processes" (threads, each with its own state-database connection and run
holder) can share one instance.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sync.core.model import Priority, Status
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    ChangedPage,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketRef,
)
from sync.errors import TrackerError, TrackerNotFound, TrackerUnavailable
from sync.trackers.base import CreateResult
from sync.trackers.sending import sending_create

NAME = "lagging"
EPOCH = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    """A clock that only moves when told to (thread-safe)."""

    def __init__(self, start: dt.datetime = EPOCH) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)


@dataclass
class _Stored:
    id: int
    key: str
    draft: TicketDraft
    status: Status
    created_at: dt.datetime
    updated_at: dt.datetime
    lookups_at_create: int
    labels: list[str]
    title: str
    body: str
    priority: Priority | None
    assignee: str | None
    due: dt.date | None
    parent_id: int | None = None
    comments: list[str] = field(default_factory=list)


class LaggingTracker:
    """See the module docstring."""

    def __init__(
        self,
        clock: FakeClock,
        *,
        lag_lookups: int = 2,
        lag_seconds: float = 120.0,
        max_batch: int = 3,
        page_size: int = 2,
        margin_seconds: float = 30.0,
        commit_delay_seconds: float = 0.0,
        write_timeout_seconds: float = 0.0,
    ) -> None:
        self.commit_delay = dt.timedelta(seconds=commit_delay_seconds)
        self.write_timeout_seconds = write_timeout_seconds
        self.clock = clock
        self.lag_lookups = lag_lookups
        self.lag_seconds = lag_seconds
        self.max_batch = max_batch
        self.page_size = page_size
        self.margin = dt.timedelta(seconds=margin_seconds)
        self.timeout_after_commit: set[str] = set()
        self.refuse_once: dict[str, TrackerError] = {}  # marker -> the error its next create meets
        self.tickets: dict[int, _Stored] = {}
        self.links: set[tuple[int, int]] = set()
        self.lookups = 0
        self.create_calls = 0
        self.reads: Counter[str] = Counter()
        self._lock = threading.RLock()

    # --- the Tracker protocol -----------------------------------------------------------------

    @property
    def name(self) -> str:
        return NAME

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            native_due_date=True,
            native_parent=True,
            links=True,
            parent_on_create=False,
            create_in_done_state=False,
            max_batch=self.max_batch,
            consistent_lookup=False,
            search_lag_seconds=self.lag_seconds,
            write_timeout_seconds=self.write_timeout_seconds,
            title_limit=120,
        )

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        with self._lock:
            self.lookups += 1
            now = self.clock()
            found: dict[Marker, list[TicketRef]] = {marker: [] for marker in markers}
            for stored in sorted(self.tickets.values(), key=lambda s: s.id):
                if stored.draft.marker in found and self._visible(stored, now):
                    found[stored.draft.marker].append(self._ref(stored))
            return found

    def get(self, ref: TicketRef) -> Ticket:
        with self._lock:
            self.reads["get"] += 1
            return self._ticket(self._find(ref, "get"))

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        with self._lock:
            self.reads["fetch"] += 1
            out: list[Ticket] = []
            for ref in dict.fromkeys(refs):
                try:
                    out.append(self._ticket(self._find(ref, "fetch")))
                except TrackerNotFound:
                    continue
            return out

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if len(drafts) > self.max_batch:
            raise TrackerError(f"at most {self.max_batch} per call", tracker=NAME, op="create")
        sending_create()  # as an adapter does right before its create request goes out
        with self._lock:
            self.create_calls += 1
            results: list[CreateResult] = []
            for draft in drafts:
                results.append(self._create(draft))
            return results

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        with self._lock:
            stored = self._find(ref, "update")
            for name in ("title", "body", "priority"):
                value = getattr(changes, name)
                if value is not None:
                    setattr(stored, name, value)
            for name in ("assignee", "due"):
                value = getattr(changes, name)
                if value is CLEAR:
                    setattr(stored, name, None)
                elif value is not None:
                    setattr(stored, name, value)
            stored.labels = [label for label in stored.labels if label not in changes.labels_remove]
            stored.labels.extend(sorted(changes.labels_add - set(stored.labels)))
            stored.updated_at = self.clock()

    def transition(self, ref: TicketRef, status: Status) -> None:
        with self._lock:
            stored = self._find(ref, "transition")
            if stored.status is not status:
                stored.status = status
                stored.updated_at = self.clock()

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        with self._lock:
            kid, mother = self._find(child, "attach"), self._find(parent, "attach")
            if kid.parent_id != mother.id:
                kid.parent_id = mother.id
                kid.updated_at = self.clock()

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        with self._lock:
            first, second = self._find(a, "link"), self._find(b, "link")
            self.links.add((min(first.id, second.id), max(first.id, second.id)))

    def comment(self, ref: TicketRef, body: str) -> None:
        with self._lock:
            self._find(ref, "comment").comments.append(body)

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        """Cursor ``T|<time>``: everything updated after ``<time>`` minus the safety margin (so
        the margin's worth is delivered again); ``P|<lower>|<offset>``: the next page of a query."""
        with self._lock:
            lower: dt.datetime | None = None
            offset = 0
            if cursor:
                kind, *parts = cursor.split("|")
                if kind == "T":
                    lower = dt.datetime.fromisoformat(parts[0]) - self.margin
                else:
                    lower = dt.datetime.fromisoformat(parts[0]) if parts[0] else None
                    offset = int(parts[1])
            rows = sorted(
                (
                    s
                    for s in self.tickets.values()
                    if s.draft.scope == scope and (lower is None or s.updated_at > lower)
                ),
                key=lambda s: (s.updated_at, s.id),
            )
            page = rows[offset : offset + self.page_size]
            more = offset + self.page_size < len(rows)
            if more:
                following = f"P|{lower.isoformat() if lower else ''}|{offset + self.page_size}"
            else:
                newest = max((s.updated_at for s in rows), default=lower + self.margin if lower else EPOCH)
                following = f"T|{newest.isoformat()}"
            return ChangedPage(tickets=tuple(self._ticket(s) for s in page), next_cursor=following, more=more)

    # --- what people (and tests) do outside pmsync --------------------------------------------

    def set_status(self, ref: TicketRef, status: Status) -> None:
        self.transition(ref, status)

    def edit(self, ref: TicketRef, **values: object) -> None:
        """Change fields as a person would (``labels`` replaces the label list)."""
        with self._lock:
            stored = self._find(ref, "edit")
            for name, value in values.items():
                setattr(stored, name, list(value) if name == "labels" else value)  # type: ignore[call-overload]
            stored.updated_at = self.clock()

    def move(self, ref: TicketRef, new_key: str) -> None:
        """Move the ticket (its key changes, its id does not), as Jira does across projects."""
        with self._lock:
            stored = self._find(ref, "move")
            stored.key = new_key
            stored.updated_at = self.clock()

    def markers(self) -> list[str]:
        """The marker of every ticket, one entry per ticket (duplicates show twice)."""
        with self._lock:
            return [s.draft.marker.key for s in self.tickets.values()]

    def ticket_of(self, ref: TicketRef) -> Ticket:
        return self.get(ref)

    # --- internals ----------------------------------------------------------------------------

    def _visible(self, stored: _Stored, now: dt.datetime) -> bool:
        waited = now - stored.created_at >= dt.timedelta(seconds=self.lag_seconds)
        # This lookup is counted already: the ticket shows from the lag_lookups-th lookup after it.
        return waited or self.lookups - stored.lookups_at_create > self.lag_lookups

    def _create(self, draft: TicketDraft) -> CreateResult:
        refused = self.refuse_once.pop(draft.marker.key, None)
        if refused is not None:
            return refused
        if draft.parent is not None:
            return TrackerError("parents are attached, not set at create", tracker=NAME, op="create")
        if draft.status is not Status.OPEN:
            return TrackerError("tickets are created open", tracker=NAME, op="create")
        number = len(self.tickets) + 1
        now = self.clock() + self.commit_delay
        stored = _Stored(
            id=number,
            key=f"LAG-{number}",
            draft=draft,
            status=Status.OPEN,
            created_at=now,
            updated_at=now,
            lookups_at_create=self.lookups,
            labels=[*dict.fromkeys((*draft.labels, draft.marker.label))],
            title=draft.title,
            body=draft.body,
            priority=draft.priority,
            assignee=draft.assignee,
            due=draft.due,
        )
        self.tickets[number] = stored
        if draft.marker.key in self.timeout_after_commit:
            self.timeout_after_commit.discard(draft.marker.key)
            return TrackerUnavailable("read timed out (the ticket was created)", tracker=NAME, op="create")
        return self._ref(stored)

    def _find(self, ref: TicketRef, op: str) -> _Stored:
        if ref.tracker != NAME:
            raise TrackerError(f"{ref.key} is not a {NAME} ticket", tracker=NAME, op=op)
        if ref.id is not None and ref.id.isdigit() and int(ref.id) in self.tickets:
            return self.tickets[int(ref.id)]
        for stored in self.tickets.values():
            if stored.key == ref.key:
                return stored
        raise TrackerNotFound(f"no ticket {ref.key}", tracker=NAME, op=op)

    def _ref(self, stored: _Stored) -> TicketRef:
        return TicketRef(tracker=NAME, key=stored.key, url=f"https://lagging.example/{stored.key}", id=str(stored.id))

    def _ticket(self, stored: _Stored) -> Ticket:
        parent = self.tickets.get(stored.parent_id) if stored.parent_id is not None else None
        return Ticket(
            ref=self._ref(stored),
            title=stored.title,
            status=stored.status,
            status_raw=stored.status.value.upper(),
            updated_at=stored.updated_at,
            marker=stored.draft.marker,
            kind=stored.draft.kind,
            body=stored.body,
            priority=stored.priority,
            assignee=stored.assignee,
            due=stored.due,
            labels=tuple(stored.labels),
            parent=self._ref(parent) if parent is not None else None,
            scope=stored.draft.scope,
            created_at=stored.created_at,
        )


__all__ = ["EPOCH", "NAME", "FakeClock", "LaggingTracker"]
