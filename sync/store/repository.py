"""``SqlStateStore``: every read and write of pmsync's state, on SQLite or PostgreSQL.

Each public write is one short transaction, so a crash loses at most the step in flight and the
create-intent rows say which step that was (docs/architecture.md, "Exactly once").

This is the store boundary: every public method translates SQLAlchemy's errors into
:class:`sync.errors.StateError` (one located line, never the SQL or its parameters), so nothing
above it knows SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.schema import Table

from sync.clock import utc_now
from sync.core.model import PostMortem, Status
from sync.core.plan import ItemRecord
from sync.core.state import KnownIncident, KnownItem, KnownTicket, StateSnapshot
from sync.core.tickets import Ticket, TicketRef
from sync.errors import StateError
from sync.store import tables as t
from sync.store.boundary import state_error_methods

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

# Bound parameters per IN list: SQLite allows 32,766 per statement, PostgreSQL 65,535.
_IN_CHUNK = 900


@dataclass(frozen=True)
class NewTicket:
    """A ticket to record for ``owner_key`` (the arguments of :meth:`SqlStateStore.record_ticket`)."""

    owner_key: str
    kind: str
    ref: TicketRef
    fields: Mapping[str, Any] | None
    status: Status | None
    marker: str | None = None
    adopted: bool = False
    scope: str | None = None
    attached: bool | None = None
    pending_status: Status | None = None


@dataclass(frozen=True)
class Observation:
    """A pulled ticket matched to its owner; ``changed``: its item's current status changed."""

    ticket: Ticket
    owner_key: str
    kind: str
    changed: bool


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


@dataclass(frozen=True)
class StatusRow:
    """One line of ``pmsync status``."""

    item_key: str
    incident_key: str
    number: int
    text: str
    owner: str | None
    priority: str | None
    due: dt.date | None
    present: bool
    ticket: TicketRef | None
    status: Status | None
    status_raw: str | None
    pending: bool = False  # a create may have happened; not confirmed yet (see sync.apply)


@dataclass(frozen=True)
class IntentClaim:
    """One create about to be attempted."""

    owner_key: str
    kind: str
    marker: str
    then_status: Status | None = None


@dataclass(frozen=True)
class IntentRow:
    """A recorded intent: a create that may or may not have happened."""

    owner_key: str
    kind: str
    marker: str
    holder: str
    attempted_at: dt.datetime
    then_status: Status | None


@dataclass
class ClaimOutcome:
    claimed: list[str] = field(default_factory=list)
    done: dict[str, TicketRef] = field(default_factory=dict)
    held: list[IntentRow] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryRow:
    item_key: str
    ticket_key: str
    status: Status
    status_raw: str | None
    observed_at: dt.datetime
    changed_at: dt.datetime | None


@dataclass(frozen=True)
class RunSummary:
    id: int
    command: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[str]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes even for timezone-aware columns; everything we store is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _known_ticket(row: Any) -> KnownTicket:
    """A ticket as the planner knows it, from :meth:`SqlStateStore.snapshot`'s ticket columns."""
    _owner, _kind, tracker, key, url, ticket_id, fields, adopted, marker, attached, pending, blocked_on = row
    return KnownTicket(
        ref=TicketRef(tracker=tracker, key=key, url=url, id=ticket_id),
        synced_fields=fields,
        adopted=adopted,
        marker=marker,
        attached=attached,
        pending_status=Status(pending) if pending else None,
        blocked_on=blocked_on,
    )


@state_error_methods
class SqlStateStore:
    """The state database for one tracker (``tracker`` is the tracker kind, e.g. ``local``)."""

    def __init__(self, engine: Engine, tracker: str, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.tracker = tracker
        self.clock = clock

    # --- snapshot for the planner -----------------------------------------------------------

    def snapshot(self) -> StateSnapshot:
        # Only the columns the planner reads, as plain tuples: ORM-like rows for 10,000 items cost
        # more than the planning itself (issue 26).
        tk = t.tickets.c
        with self.engine.connect() as conn:
            tickets = {
                row[0]: row
                for row in conn.execute(
                    select(
                        tk.owner_key,
                        tk.kind,
                        tk.tracker,
                        tk.ticket_key,
                        tk.url,
                        tk.ticket_id,
                        tk.synced_fields,
                        tk.adopted,
                        tk.marker,
                        tk.attached,
                        tk.pending_status,
                        tk.blocked_on,
                    ).where(tk.tracker == self.tracker)
                ).all()
            }
            incidents: dict[str, KnownIncident] = {}
            pm = t.postmortems.c
            for incident_key, path, content_sha256, first_seen_on in conn.execute(
                select(pm.incident_key, pm.path, pm.content_sha256, pm.first_seen_on)
            ).all():
                parent = tickets.get(incident_key)
                incidents[incident_key] = KnownIncident(
                    incident_key=incident_key,
                    path=path,
                    content_sha256=content_sha256,
                    first_seen=first_seen_on,
                    parent=TicketRef(parent[2], parent[3], parent[4], parent[5])
                    if parent is not None and parent[1] == "incident"
                    else None,
                )
            items: dict[str, KnownItem] = {}
            ai = t.action_items.c
            for item_key, incident_key, number, text_sha256, present, doc_status in conn.execute(
                select(ai.item_key, ai.incident_key, ai.number, ai.text_sha256, ai.present, ai.doc_status)
            ).all():
                ticket = tickets.get(item_key)
                items[item_key] = KnownItem(
                    key=item_key,
                    incident_key=incident_key,
                    number=number,
                    text_sha256=text_sha256,
                    present=present,
                    doc_status=Status(doc_status) if doc_status else None,
                    ticket=_known_ticket(ticket) if ticket is not None else None,
                )
            links = frozenset(
                (a, b)
                for a, b in conn.execute(
                    select(t.links.c.a_key, t.links.c.b_key).where(t.links.c.tracker == self.tracker)
                ).all()
            )
            pending = frozenset(
                conn.execute(
                    select(t.create_intents.c.owner_key).where(t.create_intents.c.tracker == self.tracker)
                ).scalars()
            )
        return StateSnapshot(tracker=self.tracker, incidents=incidents, items=items, links=links, pending=pending)

    @contextlib.contextmanager
    def _writing(self, *, durable: bool = False) -> Iterator[Connection]:
        """A write transaction that reads first. On SQLite it takes the write lock up front
        (``BEGIN IMMEDIATE``): a deferred one fails at once when another process committed
        between its read and its write, and its savepoints would commit on release.

        ``durable``: on SQLite the commit is synced to disk even against power loss (``synchronous
        = FULL`` for this transaction; the engine commits without a sync otherwise, see
        :func:`sync.store.engine.make_engine`). For the writes a remote create relies on: the
        intent must outlive anything that may follow the request."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                dbapi = conn.connection.dbapi_connection
                if not getattr(dbapi, "in_transaction", True):
                    if durable:
                        dbapi.execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def _owned(self, owner_key: str) -> ColumnElement[bool]:
        return and_(t.tickets.c.tracker == self.tracker, t.tickets.c.owner_key == owner_key)

    def _ref(self, row: Any) -> TicketRef:
        return TicketRef(tracker=row.tracker, key=row.ticket_key, url=row.url, id=row.ticket_id)

    # --- documents and items ----------------------------------------------------------------

    def upsert_incident(
        self, incident_key: str, pm: PostMortem, items: Iterable[ItemRecord], *, seen_on: dt.date
    ) -> None:
        """Record a post-mortem and its items; items no longer listed are marked absent (kept)."""
        now = self.clock()
        # Sections included: the repeats report searches every paragraph for other incidents' ids.
        data = json.loads(pm.model_dump_json())
        values = {
            "path": pm.path,
            "content_sha256": pm.content_sha256,
            "incident_id": pm.incident_id,
            "title": pm.title,
            "severity": pm.severity.value if pm.severity else None,
            "started_at": pm.started_at,
            "ended_at": pm.ended_at,
            "review_date": pm.review_date,
            "data": data,
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            exists = conn.execute(select(t.postmortems).where(t.postmortems.c.incident_key == incident_key)).first()
            if exists:
                # Unchanged rows are not written again: an idle sync of 10,000 items rewrote every
                # one of them (issue 26). ``updated_at`` says when something last changed.
                if _changed(exists, values):
                    conn.execute(
                        update(t.postmortems).where(t.postmortems.c.incident_key == incident_key).values(**values)
                    )
            else:
                conn.execute(
                    insert(t.postmortems).values(
                        incident_key=incident_key, first_seen_at=now, first_seen_on=seen_on, **values
                    )
                )
            # The compared columns as plain tuples, and the new items inserted in one statement: 50
            # ORM-like rows compared by attribute per incident were most of an idle sync's writing.
            compared = [t.action_items.c[name] for name in _ITEM_COLUMNS]
            current = {
                key: tuple(rest)
                for key, *rest in conn.execute(
                    select(t.action_items.c.item_key, *compared).where(t.action_items.c.incident_key == incident_key)
                ).all()
            }
            listed: set[str] = set()
            added: list[dict[str, Any]] = []
            for item in items:
                listed.add(item.key)
                wanted = (
                    incident_key,
                    item.number,
                    item.text,
                    item.text_sha256,
                    item.owner,
                    item.priority.value,
                    item.deadline,
                    item.due,
                    item.doc_status.value if item.doc_status else None,
                    True,  # present
                    None,  # removed_at
                )
                stored = current.get(item.key)
                if stored == wanted:
                    continue
                item_values = {**dict(zip(_ITEM_COLUMNS, wanted, strict=True)), "updated_at": now}
                if stored is None:
                    added.append({"item_key": item.key, **item_values})
                else:
                    conn.execute(
                        update(t.action_items).where(t.action_items.c.item_key == item.key).values(**item_values)
                    )
            if added:
                conn.execute(insert(t.action_items), added)
            for key, stored in current.items():
                if key not in listed and stored[_ITEM_COLUMNS.index("present")]:
                    conn.execute(
                        update(t.action_items)
                        .where(t.action_items.c.item_key == key)
                        .values(present=False, removed_at=now, updated_at=now)
                    )

    def rekey_item(self, old_key: str, new_key: str) -> None:
        """Move a renumbered item — its record, ticket and history — to its new key.

        The planner orders moves so the new key is free; a leftover record there without a
        ticket (an item whose create never happened) is dropped, one with a ticket is an error."""
        with self.engine.begin() as conn:
            if conn.execute(select(t.tickets.c.id).where(self._owned(new_key))).first() is not None:
                raise StateError(f"cannot renumber {old_key} to {new_key}: {new_key} already has a ticket")
            conn.execute(delete(t.action_items).where(t.action_items.c.item_key == new_key))
            conn.execute(update(t.action_items).where(t.action_items.c.item_key == old_key).values(item_key=new_key))
            conn.execute(
                update(t.tickets).where(self._owned(old_key)).values(owner_key=new_key, updated_at=self.clock())
            )
            conn.execute(
                update(t.status_history).where(t.status_history.c.item_key == old_key).values(item_key=new_key)
            )

    # --- tickets and create intents ----------------------------------------------------------

    def ticket_for(self, owner_key: str) -> TicketRef | None:
        tickets = t.tickets.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(tickets.tracker, tickets.ticket_key, tickets.url, tickets.ticket_id).where(
                    self._owned(owner_key)
                )
            ).first()
        return self._ref(row) if row is not None else None

    def claim_intents(self, claims: Sequence[IntentClaim], holder: str) -> ClaimOutcome:
        """Record the intent to create a ticket for each claim, in one transaction, as ``holder``.

        Per claim, exactly one of: *claimed* (our intent is written: go ahead and create),
        *done* (a ticket is already recorded: another run finished it), or *held* (an intent
        exists: someone may be creating it right now, or died doing so). The intent is written
        before the ticket check, so a run that records its ticket concurrently is always seen:
        either our insert waits for its commit and then finds its ticket, or it finds our intent.
        """
        outcome = ClaimOutcome()
        now = self.clock()
        intents, tickets = t.create_intents.c, t.tickets.c
        owners = sorted({claim.owner_key for claim in claims})
        with self._writing(durable=True) as conn:
            # In one statement each (issue 26: five per claim): the intents already there, then
            # ours written where none is (a concurrent run's insert wins its owner), then which
            # are ours, then the tickets already recorded for those.
            before = self._intents_of(conn, owners)
            fresh = {claim.owner_key: claim for claim in claims if claim.owner_key not in before}
            if fresh:
                rows = [
                    {
                        "owner_key": claim.owner_key,
                        "tracker": self.tracker,
                        "attempt_id": holder,
                        "kind": claim.kind,
                        "marker": claim.marker,
                        "created_at": now,
                        "attempted_at": now,
                        "then_status": claim.then_status.value if claim.then_status else None,
                    }
                    for claim in fresh.values()
                ]
                conn.execute(_insert_new(conn, t.create_intents, ("tracker", "owner_key")), rows)
            after = {**self._intents_of(conn, sorted(fresh)), **before}
            ours = sorted(key for key in fresh if key in after and after[key].attempt_id == holder)
            recorded: dict[str, TicketRef] = {}
            for chunk in _chunks(ours):
                for row in conn.execute(
                    select(
                        tickets.tracker, tickets.ticket_key, tickets.url, tickets.ticket_id, tickets.owner_key
                    ).where(tickets.tracker == self.tracker, tickets.owner_key.in_(chunk))
                ).all():
                    recorded[row.owner_key] = self._ref(row)
            for chunk in _chunks(sorted(recorded)):
                conn.execute(
                    delete(t.create_intents).where(intents.tracker == self.tracker, intents.owner_key.in_(chunk))
                )
            for claim in claims:
                key = claim.owner_key
                if key in recorded:
                    outcome.done[key] = recorded[key]
                elif key in ours:
                    outcome.claimed.append(key)
                elif key in after:
                    outcome.held.append(self._intent_row(after[key]))
                # else: a concurrent run's intent, gone between its insert and our read (its ticket
                # is recorded by now): neither ours nor held; the next plan sees the ticket.
        return outcome

    def _intents_of(self, conn: Connection, owners: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in _chunks(owners):
            for row in conn.execute(
                select(t.create_intents).where(
                    t.create_intents.c.tracker == self.tracker, t.create_intents.c.owner_key.in_(chunk)
                )
            ).all():
                found[row.owner_key] = row
        return found

    def take_over_intent(self, owner_key: str, old_holder: str, new_holder: str) -> bool:
        """Make a dead run's intent ours (compare-and-set on the holder); False when another run
        got there first."""
        with self._writing(durable=True) as conn:
            changed = conn.execute(
                update(t.create_intents)
                .where(self._intent(owner_key), t.create_intents.c.attempt_id == old_holder)
                .values(attempt_id=new_holder, attempted_at=self.clock())
            ).rowcount
        return bool(changed)

    def touch_intents(self, owner_keys: Sequence[str]) -> None:
        """Note that these creates are being sent now (the lag bound counts from here)."""
        with self._writing(durable=True) as conn:
            for chunk in _chunks(owner_keys):
                conn.execute(
                    update(t.create_intents)
                    .where(t.create_intents.c.tracker == self.tracker, t.create_intents.c.owner_key.in_(chunk))
                    .values(attempted_at=self.clock())
                )

    def touch_intent(self, owner_key: str) -> None:
        """Note that the create is attempted again now (the lag bound counts from here)."""
        with self._writing(durable=True) as conn:
            conn.execute(update(t.create_intents).where(self._intent(owner_key)).values(attempted_at=self.clock()))

    def intents(self) -> list[IntentRow]:
        """Creates that may or may not have happened, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.create_intents)
                .where(t.create_intents.c.tracker == self.tracker)
                .order_by(t.create_intents.c.id)
            ).all()
        return [self._intent_row(row) for row in rows]

    def pending_intents(self) -> list[str]:
        return [row.owner_key for row in self.intents()]

    def drop_intent(self, owner_key: str, holder: str | None = None) -> bool:
        """Forget an intent (only ``holder``'s, when given); True when one was dropped."""
        with self.engine.begin() as conn:
            query = delete(t.create_intents).where(self._intent(owner_key))
            if holder is not None:
                query = query.where(t.create_intents.c.attempt_id == holder)
            return bool(conn.execute(query).rowcount)

    def _intent(self, owner_key: str) -> ColumnElement[bool]:
        return and_(t.create_intents.c.tracker == self.tracker, t.create_intents.c.owner_key == owner_key)

    def _intent_row(self, row: Any) -> IntentRow:
        return IntentRow(
            owner_key=row.owner_key,
            kind=row.kind,
            marker=row.marker,
            holder=row.attempt_id,
            attempted_at=_aware(row.attempted_at or row.created_at),  # type: ignore[arg-type]
            then_status=Status(row.then_status) if row.then_status else None,
        )

    def record_ticket(
        self,
        owner_key: str,
        kind: str,
        ref: TicketRef,
        *,
        fields: Mapping[str, Any] | None,
        status: Status | None,
        marker: str | None = None,
        adopted: bool = False,
        scope: str | None = None,
        attached: bool | None = None,
        pending_status: Status | None = None,
    ) -> None:
        """Store the ticket for ``owner_key`` and clear its intent, in one transaction."""
        entry = NewTicket(owner_key, kind, ref, fields, status, marker, adopted, scope, attached, pending_status)
        refused = self.record_tickets([entry])
        if refused:
            raise refused[owner_key]

    def record_tickets(self, entries: Sequence[NewTicket]) -> dict[str, StateError]:
        """Store each ticket and clear its intent (:meth:`record_ticket`), all in one transaction:
        a create batch of 50 costs one commit, not 50 (issue 26). An entry that cannot be
        recorded (its ticket already tracks another item) is left out alone and returned.

        Decided entry by entry, each seeing the ones before it, and written together: one read of
        the owners' and keys' tickets, then one statement per kind of write (seven statements per
        ticket were most of a first sync's time)."""
        refused: dict[str, StateError] = {}
        if not entries:
            return refused
        now = self.clock()
        tickets = t.tickets.c
        owners = sorted({entry.owner_key for entry in entries})
        keys = sorted({entry.ref.key for entry in entries})
        with self._writing() as conn:
            rows: dict[str, tuple[int, str]] = {}  # owner key → (row id, ticket key)
            holder: dict[str, str] = {}  # ticket key → the owner it tracks
            for chunk in _chunks(owners):
                for owner_key, row_id, key in conn.execute(
                    select(tickets.owner_key, tickets.id, tickets.ticket_key).where(
                        tickets.tracker == self.tracker, tickets.owner_key.in_(chunk)
                    )
                ).all():
                    rows[owner_key] = (row_id, key)
            for chunk in _chunks(keys):
                for owner_key, key in conn.execute(
                    select(tickets.owner_key, tickets.ticket_key).where(
                        tickets.tracker == self.tracker, tickets.ticket_key.in_(chunk)
                    )
                ).all():
                    holder[key] = owner_key
            added: dict[str, dict[str, Any]] = {}  # owner key → its new row
            changed: list[tuple[int, dict[str, Any]]] = []
            history: list[dict[str, Any]] = []
            for entry in entries:
                owner_key, ref, status = entry.owner_key, entry.ref, entry.status
                values = {
                    "kind": entry.kind,
                    "ticket_key": ref.key,
                    "ticket_id": ref.id,
                    "url": ref.url,
                    "adopted": entry.adopted,
                    "marker": entry.marker,
                    "scope": entry.scope,
                    "attached": entry.attached,
                    "pending_status": entry.pending_status.value if entry.pending_status else None,
                    "synced_fields": dict(entry.fields) if entry.fields is not None else None,
                    "updated_at": now,
                }
                if owner_key in rows or owner_key in added:
                    if owner_key in added:
                        old_key = added[owner_key]["ticket_key"]
                        added[owner_key].update(values)
                    else:
                        row_id, old_key = rows[owner_key]
                        changed.append((row_id, values))
                    holder.pop(old_key, None)
                    holder[ref.key] = owner_key
                    continue
                taken = holder.get(ref.key)
                if taken is not None:
                    refused[owner_key] = StateError(
                        f"ticket {ref.key} already tracks {taken}; not recorded for {owner_key}",
                        hint="give each action item its own ticket",
                    )
                    continue
                holder[ref.key] = owner_key
                added[owner_key] = {
                    "owner_key": owner_key,
                    "tracker": self.tracker,
                    "created_at": now,
                    "status": status.value if status else None,
                    "status_raw": status.value if status else None,
                    **values,
                }
                if entry.kind == "item" and status is not None:
                    history.append(self._history_row(owner_key, ref.key, status, status.value, now, changed_at=now))
            # Updates first, in order: one may free a key that a new ticket takes.
            for row_id, values in changed:
                conn.execute(update(t.tickets).where(tickets.id == row_id).values(**values))
            if added:
                conn.execute(insert(t.tickets), list(added.values()))
            recorded = sorted({entry.owner_key for entry in entries} - set(refused))
            for chunk in _chunks(recorded):
                conn.execute(
                    delete(t.create_intents).where(
                        t.create_intents.c.tracker == self.tracker, t.create_intents.c.owner_key.in_(chunk)
                    )
                )
            if history:
                conn.execute(insert(t.status_history), history)
        return refused

    def mark_attached(self, owner_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(t.tickets).where(self._owned(owner_key)).values(attached=True, updated_at=self.clock()))

    def forget_doc_status(self, item_key: str) -> None:
        """Forget what the document's Status cell said, so the next plan sees it as new (a
        ``close_done`` transition that failed is planned again)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.action_items)
                .where(t.action_items.c.item_key == item_key)
                .values(doc_status=None, updated_at=self.clock())
            )

    def clear_pending_status(self, owner_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.tickets)
                .where(self._owned(owner_key))
                .values(pending_status=None, blocked_on=None, updated_at=self.clock())
            )

    def record_synced_fields(self, owner_key: str, fields: Mapping[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.tickets)
                .where(self._owned(owner_key))
                .values(synced_fields=dict(fields), updated_at=self.clock())
            )

    def record_link(self, a: TicketRef, b: TicketRef) -> bool:
        """Remember a link; returns ``False`` when it was already recorded."""
        first, second = sorted((a.key, b.key))
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.links).values(
                        tracker=self.tracker, a_key=first, b_key=second, kind="relates", created_at=self.clock()
                    )
                )
        except IntegrityError:
            return False
        return True

    def has_link(self, a: TicketRef, b: TicketRef) -> bool:
        first, second = sorted((a.key, b.key))
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.links.c.a_key).where(
                    and_(t.links.c.tracker == self.tracker, t.links.c.a_key == first, t.links.c.b_key == second)
                )
            ).first()
        return row is not None

    # --- status from the tracker --------------------------------------------------------------

    def owner_of_ticket(self, ref: TicketRef) -> tuple[str, str, Status | None] | None:
        """``(owner_key, kind, last status)`` of a ticket of this tracker, matched by its immutable
        id when known (so a Jira issue moved to another project, which changes its key, is
        followed: the stored key and URL are updated), else by key."""
        with self.engine.begin() as conn:
            row = self._match_ticket(conn, ref, self._ticket_rows(conn, [ref]))
        if row is None:
            return None
        return row.owner_key, row.kind, Status(row.status) if row.status else None

    def observe_page(self, tickets: Sequence[Ticket]) -> list[Observation]:
        """A pull page in one transaction: each ticket matched to its owner (the rule of
        :meth:`owner_of_ticket`) and, for an item's ticket, its status recorded (the rule of
        :meth:`record_status`). Tickets that are not ours are left out. Issue 26: a transaction
        and two lookups per ticket made a pull of 10,000 changes slower than reading every
        ticket one by one."""
        observed: list[Observation] = []
        with self.engine.begin() as conn:
            rows = self._ticket_rows(conn, [ticket.ref for ticket in tickets])
            writes = _StatusWrites(self, conn, [ticket.ref.key for ticket in tickets])
            for ticket in tickets:
                row = self._match_ticket(conn, ticket.ref, rows)
                if row is None:
                    continue  # not ours (or a parent created by a run that crashed before recording it)
                changed = False
                if row.kind == "item":
                    changed = writes.record(
                        row.owner_key, row, ticket.ref.key, ticket.status, ticket.status_raw, ticket.updated_at
                    )
                observed.append(Observation(ticket=ticket, owner_key=row.owner_key, kind=row.kind, changed=changed))
            writes.flush()
        return observed

    def _ticket_rows(self, conn: Connection, refs: Sequence[TicketRef]) -> dict[tuple[str, str], Any]:
        """This tracker's ticket rows for ``refs``, by ``("id", ticket_id)`` and ``("key", key)``."""
        ids = sorted({ref.id for ref in refs if ref.id is not None})
        keys = sorted({ref.key for ref in refs})
        found: dict[tuple[str, str], Any] = {}
        tickets = t.tickets.c
        # The columns matching and recording a status read (not the synced fields' JSON).
        columns = [tickets.id, tickets.owner_key, tickets.kind, tickets.ticket_key, tickets.ticket_id, tickets.url]
        columns += [tickets.status, tickets.status_raw, tickets.status_changed_at]
        for chunk in _chunks(ids):
            for row in conn.execute(
                select(*columns).where(tickets.tracker == self.tracker, tickets.ticket_id.in_(chunk))
            ):
                found[("id", row.ticket_id)] = row
        for chunk in _chunks(keys):
            for row in conn.execute(
                select(*columns).where(tickets.tracker == self.tracker, tickets.ticket_key.in_(chunk))
            ):
                found[("key", row.ticket_key)] = row
        return found

    def _match_ticket(self, conn: Connection, ref: TicketRef, rows: Mapping[tuple[str, str], Any]) -> Any:
        row = rows.get(("id", ref.id)) if ref.id is not None else None
        if row is None:
            row = rows.get(("key", ref.key))
        if row is None:
            return None
        if row.ticket_key != ref.key or (ref.id is not None and row.ticket_id != ref.id):
            conn.execute(
                update(t.tickets)
                .where(t.tickets.c.id == row.id)
                .values(ticket_key=ref.key, url=ref.url or row.url, ticket_id=ref.id or row.ticket_id)
            )
        return row

    def record_status(
        self, owner_key: str, ticket_key: str, status: Status, status_raw: str, changed_at: dt.datetime | None
    ) -> bool:
        """Make an observation the ticket's current status and append it to the history; returns
        whether the current status changed.

        An observation that is not newer than the recorded one (by the tracker's change time) but
        says something else is stale — a lagging search index serves issues as they were — and
        changes nothing. A fresh one that
        disagrees with the record repairs it, even when the history already holds it (a stale
        copy recorded after it by an older pmsync). Idempotent on (ticket, status, change time):
        a re-delivered ticket appends nothing."""
        with self.engine.begin() as conn:
            row = conn.execute(select(t.tickets).where(self._owned(owner_key))).first()
            writes = _StatusWrites(self, conn, [ticket_key])
            changed = writes.record(owner_key, row, ticket_key, status, status_raw, changed_at)
            writes.flush()
        return changed

    def mark_blocked(self, owner_key: str, status: Status, day: dt.date) -> None:
        """The tracker's workflow cannot reach ``status`` now: owe it, and do not try again on ``day``."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.tickets)
                .where(self._owned(owner_key))
                .values(pending_status=status.value, blocked_on=day, updated_at=self.clock())
            )

    def _append_history(
        self,
        conn: Connection,
        owner_key: str,
        ticket_key: str,
        status: Status,
        status_raw: str,
        observed_at: dt.datetime,
        *,
        changed_at: dt.datetime | None,
    ) -> None:
        row = self._history_row(owner_key, ticket_key, status, status_raw, observed_at, changed_at=changed_at)
        conn.execute(insert(t.status_history).values(**row))

    def _history_row(
        self,
        owner_key: str,
        ticket_key: str,
        status: Status,
        status_raw: str,
        observed_at: dt.datetime,
        *,
        changed_at: dt.datetime | None,
    ) -> dict[str, Any]:
        return {
            "item_key": owner_key,
            "tracker": self.tracker,
            "ticket_key": ticket_key,
            "status": status.value,
            "status_raw": status_raw,
            "observed_at": observed_at,
            "changed_at": changed_at,
        }

    def history(self, item_key: str | None = None) -> list[HistoryRow]:
        query = select(t.status_history).where(t.status_history.c.tracker == self.tracker)
        if item_key is not None:
            query = query.where(t.status_history.c.item_key == item_key)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.status_history.c.id)).all()
        return [
            HistoryRow(
                item_key=row.item_key,
                ticket_key=row.ticket_key,
                status=Status(row.status),
                status_raw=row.status_raw,
                observed_at=_aware(row.observed_at),  # type: ignore[arg-type]
                changed_at=_aware(row.changed_at),
            )
            for row in rows
        ]

    def scopes(self) -> list[str | None]:
        """The scopes (projects / repositories) this tracker's tickets live in; ``None`` (the
        tracker's default scope) when some ticket has no scope, or there are none yet. Not both:
        when every ticket names its scope, ``None`` would pull the default one twice."""
        with self.engine.connect() as conn:
            found = list(
                conn.execute(select(t.tickets.c.scope).where(t.tickets.c.tracker == self.tracker).distinct()).scalars()
            )
        named = sorted({scope for scope in found if scope})
        return [None, *named] if not named or any(not scope for scope in found) else named

    def cursor(self, scope: str | None = None) -> str | None:
        """The pull cursor of ``scope`` (``None``: the default scope)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.pull_scope_cursors.c.cursor).where(
                    t.pull_scope_cursors.c.tracker == self.tracker, t.pull_scope_cursors.c.scope == (scope or "")
                )
            ).scalar_one_or_none()

    def set_cursor(self, cursor: str, scope: str | None = None) -> None:
        now = self.clock()
        where = and_(t.pull_scope_cursors.c.tracker == self.tracker, t.pull_scope_cursors.c.scope == (scope or ""))
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t.pull_scope_cursors).where(where).values(cursor=cursor, updated_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(t.pull_scope_cursors).values(
                        tracker=self.tracker, scope=scope or "", cursor=cursor, updated_at=now
                    )
                )

    # --- runs and failures ---------------------------------------------------------------------

    def start_run(self, command: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(t.sync_runs).values(
                    command=command, started_at=self.clock(), created=0, updated=0, unchanged=0, failed=0, errors=[]
                )
            )
            key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish_run(self, run_id: int, *, created: int, updated: int, unchanged: int, errors: list[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.sync_runs)
                .where(t.sync_runs.c.id == run_id)
                .values(
                    ended_at=self.clock(),
                    created=created,
                    updated=updated,
                    unchanged=unchanged,
                    failed=len(errors),
                    errors=errors,
                )
            )

    def runs(self, limit: int = 20) -> list[RunSummary]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sync_runs).order_by(t.sync_runs.c.id.desc()).limit(limit)).all()
        return [
            RunSummary(
                id=row.id,
                command=row.command,
                started_at=_aware(row.started_at),  # type: ignore[arg-type]
                ended_at=_aware(row.ended_at),
                created=row.created,
                updated=row.updated,
                unchanged=row.unchanged,
                failed=row.failed,
                errors=list(row.errors or []),
            )
            for row in rows
        ]

    def record_failure(self, owner_key: str, run_id: int, error: str) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t.item_failures)
                .where(t.item_failures.c.owner_key == owner_key)
                .values(run_id=run_id, error=error, attempts=t.item_failures.c.attempts + 1, last_failed_at=now)
            ).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(t.item_failures).values(
                                owner_key=owner_key, run_id=run_id, error=error, attempts=1, last_failed_at=now
                            )
                        )
                except IntegrityError:
                    # A concurrent run recorded it first (runs without the lock): count ours too.
                    conn.execute(
                        update(t.item_failures)
                        .where(t.item_failures.c.owner_key == owner_key)
                        .values(run_id=run_id, error=error, attempts=t.item_failures.c.attempts + 1, last_failed_at=now)
                    )

    def clear_failure(self, owner_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.item_failures).where(t.item_failures.c.owner_key == owner_key))

    def failures(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {row.owner_key: row.error for row in conn.execute(select(t.item_failures))}

    # --- reporting ------------------------------------------------------------------------------

    def status_rows(self, incident_key: str | None = None) -> list[StatusRow]:
        query = select(
            t.action_items,
            t.tickets.c.ticket_key,
            t.tickets.c.ticket_id,
            t.tickets.c.url,
            t.tickets.c.status,
            t.tickets.c.status_raw,
        ).select_from(
            t.action_items.outerjoin(
                t.tickets,
                and_(t.tickets.c.owner_key == t.action_items.c.item_key, t.tickets.c.tracker == self.tracker),
            )
        )
        if incident_key is not None:
            query = query.where(t.action_items.c.incident_key == incident_key)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.action_items.c.incident_key, t.action_items.c.number)).all()
            pending = set(
                conn.execute(
                    select(t.create_intents.c.owner_key).where(t.create_intents.c.tracker == self.tracker)
                ).scalars()
            )
        return [
            StatusRow(
                item_key=row.item_key,
                incident_key=row.incident_key,
                number=row.number,
                text=row.text,
                owner=row.owner,
                priority=row.priority,
                due=row.due,
                present=row.present,
                ticket=TicketRef(tracker=self.tracker, key=row.ticket_key, url=row.url, id=row.ticket_id)
                if row.ticket_key
                else None,
                status=Status(row.status) if row.status else None,
                status_raw=row.status_raw,
                pending=row.item_key in pending and not row.ticket_key,
            )
            for row in rows
        ]


def _insert_new(conn: Connection, table: Table, unique: Sequence[str]) -> Insert:
    """An insert that leaves out the rows whose ``unique`` columns are taken (SQLite and
    PostgreSQL say it alike: ``ON CONFLICT … DO NOTHING``)."""
    if conn.dialect.name == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing(index_elements=list(unique))
    return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(unique))


class _StatusWrites:
    """Status observations decided one by one, by the rule of :meth:`SqlStateStore.record_status`,
    and written together: one read of the tickets' history, then one statement per kind of
    write. Issue 26: three statements per ticket made most of a pull of 10,000 changes.

    Each decision sees the ones before it (``_recorded``, ``_seen``), as if written already."""

    def __init__(self, store: SqlStateStore, conn: Connection, ticket_keys: Sequence[str]) -> None:
        self._store, self._conn, self._now = store, conn, store.clock()
        history = t.status_history.c
        self._seen: set[tuple[str, str, dt.datetime]] = set()
        for chunk in _chunks(sorted(set(ticket_keys))):
            for key, status, changed_at in conn.execute(
                select(history.ticket_key, history.status, history.changed_at).where(
                    history.tracker == store.tracker, history.ticket_key.in_(chunk), history.changed_at.is_not(None)
                )
            ).all():
                self._seen.add((key, status, changed_at if changed_at.tzinfo else changed_at.replace(tzinfo=dt.UTC)))
        self._recorded: dict[str, tuple[str | None, str | None, dt.datetime | None]] = {}
        self._updates: dict[str, dict[str, Any]] = {}  # owner key → the ticket columns to set
        self._appended: list[dict[str, Any]] = []

    def record(
        self,
        owner_key: str,
        row: Any,
        ticket_key: str,
        status: Status,
        status_raw: str,
        changed_at: dt.datetime | None,
    ) -> bool:
        """Whether the ticket's current status changed (``row``: its ticket row, ``None`` when not recorded)."""
        recorded = self._recorded.get(owner_key)
        if recorded is None and row is not None:
            recorded = (row.status, row.status_raw, _aware(row.status_changed_at))
        known_status, known_raw, recorded_at = recorded or (None, None, None)
        stale = changed_at is not None and recorded_at is not None and changed_at <= recorded_at
        if stale and recorded is not None and (known_status, known_raw) != (status.value, status_raw):
            return False  # not newer than what is recorded: a lagging index's copy (ties keep the record)
        if recorded is not None and known_status == status.value and known_raw == status_raw:
            if changed_at is not None and (recorded_at is None or changed_at > recorded_at):
                self._set(owner_key, recorded, {"status_changed_at": changed_at})
            return False
        # Without the tracker's time, the observation is as new as now.
        values = {"status": status.value, "status_raw": status_raw, "status_changed_at": changed_at or self._now}
        self._set(owner_key, recorded, {**values, "updated_at": self._now})
        if changed_at is None or (ticket_key, status.value, changed_at) not in self._seen:
            if changed_at is not None:
                self._seen.add((ticket_key, status.value, changed_at))
            self._appended.append(
                self._store._history_row(owner_key, ticket_key, status, status_raw, self._now, changed_at=changed_at)
            )
        return True

    def _set(
        self,
        owner_key: str,
        recorded: tuple[str | None, str | None, dt.datetime | None] | None,
        values: dict[str, Any],
    ) -> None:
        if recorded is not None:  # a ticket not recorded has no row to update
            status, raw, at = recorded
            self._recorded[owner_key] = (
                values.get("status", status),
                values.get("status_raw", raw),
                values.get("status_changed_at", at),
            )
        self._updates[owner_key] = {**self._updates.get(owner_key, {}), **values}

    def flush(self) -> None:
        tickets = t.tickets.c
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for owner_key, values in self._updates.items():
            by_columns.setdefault(tuple(sorted(values)), []).append({"owner": owner_key, **values})
        for rows in by_columns.values():
            self._conn.execute(
                update(t.tickets).where(
                    tickets.tracker == self._store.tracker, tickets.owner_key == bindparam("owner")
                ),
                rows,
            )
        if self._appended:
            self._conn.execute(insert(t.status_history), self._appended)


# An action item's columns that a sync compares before writing (``updated_at`` aside).
_ITEM_COLUMNS = (
    "incident_key",
    "number",
    "text",
    "text_sha256",
    "owner",
    "priority",
    "deadline",
    "due",
    "doc_status",
    "present",
    "removed_at",
)


def _changed(row: Any, values: Mapping[str, Any]) -> bool:
    """Whether writing ``values`` would change ``row`` (``updated_at`` aside; instants compared as
    instants, since SQLite hands them back in UTC)."""
    for name, value in values.items():
        if name == "updated_at":
            continue
        stored = getattr(row, name)
        if isinstance(value, dt.datetime) and isinstance(stored, dt.datetime):
            if _aware(stored) != _aware(value):
                return True
        elif stored != value:
            return True
    return False
