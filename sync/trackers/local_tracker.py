"""The embedded local tracker: tickets kept in pmsync's own database (SQLite or PostgreSQL).

It lets a team run the whole loop (create, people work the tickets, pull, report) without a Jira
or GitHub account, and it is what ``pmsync demo`` and ``pmsync tickets`` drive. It implements the
:class:`sync.trackers.base.Tracker` protocol fully and natively: due dates, parents and links.

Concurrency, on both databases:

- Numbers come from ``local_sequence`` rows bumped with ``UPDATE … SET value = value + 1
  RETURNING value``. The row lock taken by that UPDATE is held until commit, so two processes
  never get the same number, and change numbers are handed out in commit order: a reader can never
  see change ``n + 1`` committed while change ``n`` is still pending, which is what makes
  ``changed_since`` cursors safe to advance to the highest number seen.
- On SQLite every write transaction starts with ``BEGIN IMMEDIATE``: a deferred transaction that
  reads before it writes fails at once with ``SQLITE_BUSY`` (busy timeout or not) when another
  process committed in between, whereas an immediate one queues on the busy timeout.
- ``marker_key`` is unique, so two runs can never both create a ticket for one action item.

Each public write is one transaction. Tickets carry canonical statuses
(:class:`sync.core.model.Status`); ``status_raw`` is the same string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, Protocol

from sqlalchemy import Connection, Engine, Row, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from sync.clock import utc_now
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
    TicketKind,
    TicketRef,
)
from sync.errors import ConfigError, TrackerError, TrackerNotFound, TrackerUnavailable
from sync.store.tables import local_comments, local_links, local_sequence, local_status_log, local_tickets
from sync.trackers.base import CreateResult

__all__ = ["INCIDENT", "ITEM", "LocalTracker"]

NAME: Final = "local"
ITEM: Final = TicketKind.ITEM.value
INCIDENT: Final = TicketKind.INCIDENT.value
URL_SCHEME: Final = "local://"
_TICKET_SEQUENCE: Final = "ticket"
_CHANGE_SEQUENCE: Final = "change"
_PREFIX_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,29}")
_SUPPORTED_DIALECTS = ("sqlite", "postgresql")
# Well below SQLite's bound-parameter limit; PostgreSQL does not care.
_FETCH_CHUNK = 500
PAGE_SIZE: Final = 500
TITLE_LIMIT: Final = 255

Clock = Callable[[], dt.datetime]


class HasProjectPrefix(Protocol):
    """Any settings object naming the key prefix of local tickets."""

    @property
    def project_prefix(self) -> str: ...


def _as_stored_utc(value: dt.datetime) -> dt.datetime:
    """A timestamp read back from the database, in UTC.

    SQLite keeps no offset, and pmsync only ever writes UTC, so a naive value is UTC.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class LocalTracker:
    """Tickets in pmsync's own database, keyed ``<prefix>-<n>``, with URLs ``local://<key>``."""

    def __init__(
        self, engine: Engine, *, prefix: str = "LOC", clock: Clock = utc_now, page_size: int = PAGE_SIZE
    ) -> None:
        if not _PREFIX_PATTERN.fullmatch(prefix):
            raise ConfigError(
                f"project_prefix: {prefix!r} is not a valid ticket key prefix",
                hint="use a letter followed by up to 29 letters, digits or underscores, e.g. OPS",
            )
        if engine.dialect.name not in _SUPPORTED_DIALECTS:
            raise ConfigError(f"[state] url: the local tracker needs sqlite or postgresql, not {engine.dialect.name!r}")
        self._engine = engine
        self._prefix = prefix
        self._clock = clock
        self._page_size = page_size

    @classmethod
    def from_settings(cls, settings: HasProjectPrefix, engine: Engine) -> LocalTracker:
        """A local tracker on ``engine`` (the state database) using ``settings.project_prefix``."""
        return cls(engine, prefix=settings.project_prefix)

    # --- the Tracker protocol -----------------------------------------------------------------

    @property
    def name(self) -> str:
        """Always ``local``."""
        return NAME

    @property
    def prefix(self) -> str:
        """The key prefix of tickets this instance creates."""
        return self._prefix

    @property
    def capabilities(self) -> Capabilities:
        """Everything is native here: due dates, parents (set at create) and links are columns
        and rows; tickets can be created in any status; the marker lookup reads the same
        database the create wrote, so it is consistent."""
        return Capabilities(
            native_due_date=True,
            native_parent=True,
            links=True,
            parent_on_create=True,
            create_in_done_state=True,
            max_batch=50,
            consistent_lookup=True,
            search_lag_seconds=0.0,
            title_limit=TITLE_LIMIT,
        )

    def ref(self, key: str) -> TicketRef:
        """The ref of local ticket ``key`` (whether or not it exists); its id is the number."""
        number = key.rsplit("-", 1)[-1]
        return TicketRef(tracker=NAME, key=key, url=f"{URL_SCHEME}{key}", id=number if number.isdigit() else None)

    def find_by_markers(self, markers: Sequence[Marker]) -> dict[Marker, list[TicketRef]]:
        """Every ticket carrying each marker, oldest first; reads are consistent (and the column
        is unique here, so a list holds at most one ref)."""
        found: dict[Marker, list[TicketRef]] = {marker: [] for marker in markers}
        by_key = {marker.key: marker for marker in markers}
        keys = list(by_key)
        with self._translating("find_by_markers"), self._engine.connect() as conn:
            for start in range(0, len(keys), _FETCH_CHUNK):
                rows = conn.execute(
                    select(local_tickets.c.key, local_tickets.c.marker_key)
                    .where(local_tickets.c.marker_key.in_(keys[start : start + _FETCH_CHUNK]))
                    .order_by(local_tickets.c.number)
                )
                for row in rows:
                    found[by_key[row.marker_key]].append(self.ref(row.key))
        return found

    def get(self, ref: TicketRef) -> Ticket:
        """One ticket (by id when the ref has one); raises :class:`TrackerNotFound` when missing."""
        with self._translating("get"), self._engine.connect() as conn:
            return self._ticket(self._row_of(conn, ref, "get"))

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        """The tickets that exist among ``refs``, in the order given, each once."""
        keys = list(dict.fromkeys(self._key_of(ref, "fetch") for ref in refs))
        found: dict[str, Ticket] = {}
        with self._translating("fetch"), self._engine.connect() as conn:
            for start in range(0, len(keys), _FETCH_CHUNK):
                chunk = keys[start : start + _FETCH_CHUNK]
                for row in conn.execute(select(local_tickets).where(local_tickets.c.key.in_(chunk))):
                    ticket = self._ticket(row)
                    found[ticket.ref.key] = ticket
        return [found[key] for key in keys if key in found]

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        """One ticket per draft, each in its own transaction. A second ticket for a marker is
        refused (:class:`TrackerError`, op ``create``): the local backend's own safety net."""
        return [self._create_one(draft) for draft in drafts]

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        """Apply the delta. Values equal to the stored ones are not a change: they neither bump
        the change sequence nor log a status."""
        key = self._key_of(ref, "update")
        with self._translating("update"), self._writing() as conn:
            self._update(conn, key, changes, None, "update")

    def transition(self, ref: TicketRef, status: Status) -> None:
        """Set the status (a no-op when it already is ``status``)."""
        key = self._key_of(ref, "transition")
        with self._translating("transition"), self._writing() as conn:
            self._update(conn, key, TicketChanges(), status, "transition")

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        """Hang ``child`` under ``parent`` (not needed by apply here: parents are set at create)."""
        child_key, parent_key = self._key_of(child, "attach"), self._key_of(parent, "attach")
        with self._translating("attach"), self._writing() as conn:
            self._row(conn, parent_key, "attach")
            row = self._row(conn, child_key, "attach", lock=True)
            if row.parent_key != parent_key:
                conn.execute(
                    update(local_tickets)
                    .where(local_tickets.c.key == child_key)
                    .values(
                        parent_key=parent_key,
                        updated_at=self._now(),
                        change_seq=self._next_value(conn, _CHANGE_SEQUENCE),
                    )
                )

    def comment(self, ref: TicketRef, body: str) -> None:
        """Add a comment to the ticket."""
        key = self._key_of(ref, "comment")
        with self._translating("comment"), self._writing() as conn:
            self._row(conn, key, "comment")
            conn.execute(insert(local_comments).values(key=key, body=body, created_at=self._now()))

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        """Link two tickets. The pair is symmetric and stored once, so relinking is a no-op.
        Links are not ticket fields: they do not show up in ``changed_since``."""
        a_key, b_key = sorted((self._key_of(a, "link"), self._key_of(b, "link")))
        if a_key == b_key:
            raise TrackerError(f"cannot link {a_key} to itself", tracker=NAME, op="link")
        with self._translating("link"), self._writing() as conn:
            present = set(
                conn.execute(select(local_tickets.c.key).where(local_tickets.c.key.in_((a_key, b_key)))).scalars()
            )
            missing = sorted({a_key, b_key} - present)
            if missing:
                raise TrackerNotFound(f"no ticket {', '.join(missing)}", tracker=NAME, op="link")
            self._insert_ignoring_conflicts(conn, local_links, {"a_key": a_key, "b_key": b_key, "kind": kind.value})

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        """Managed tickets of ``scope`` (the ``project`` they were created with; ``None``: those
        without one) whose change number is above ``cursor`` (all when ``None``), in change order,
        at most ``page_size`` per page. The cursor is the highest change number delivered."""
        after = self._parse_cursor(cursor)
        in_scope = local_tickets.c.project.is_(None) if scope is None else local_tickets.c.project == scope
        with self._translating("changed_since"), self._engine.connect() as conn:
            rows = conn.execute(
                select(local_tickets)
                .where(local_tickets.c.change_seq > after, local_tickets.c.marker_key.is_not(None), in_scope)
                .order_by(local_tickets.c.change_seq)
                .limit(self._page_size + 1)
            ).all()
        more = len(rows) > self._page_size
        rows = rows[: self._page_size]
        tickets = tuple(self._ticket(row) for row in rows)
        last = max((int(row.change_seq) for row in rows), default=after)
        return ChangedPage(tickets=tickets, next_cursor=str(last), more=more)

    # --- operations for the people playing the team ----------------------------------------

    def list_tickets(self, *, status: Status | None = None, kind: str | None = None) -> list[Ticket]:
        """All tickets in creation order, optionally only those with ``status`` and/or ``kind``
        (``"item"`` or ``"incident"``)."""
        query = select(local_tickets).order_by(local_tickets.c.number)
        if status is not None:
            query = query.where(local_tickets.c.status == status.value)
        if kind is not None:
            query = query.where(local_tickets.c.kind == kind)
        with self._translating("list_tickets"), self._engine.connect() as conn:
            return [self._ticket(row) for row in conn.execute(query)]

    def set_status(self, key: str, status: Status) -> Ticket:
        """Move ticket ``key`` to ``status`` (as a person working it would) and return it."""
        with self._translating("set_status"), self._writing() as conn:
            row = self._update(conn, key, TicketChanges(), status, "set_status")
            return self._ticket(row)

    def status_log(self, key: str) -> list[tuple[Status, dt.datetime]]:
        """Every status ticket ``key`` has had, oldest first, starting with its initial status."""
        with self._translating("status_log"), self._engine.connect() as conn:
            self._row(conn, key, "status_log")
            rows = conn.execute(
                select(local_status_log.c.status, local_status_log.c.changed_at)
                .where(local_status_log.c.key == key)
                .order_by(local_status_log.c.id)
            ).all()
        return [(Status(row.status), _as_stored_utc(row.changed_at)) for row in rows]

    def links_of(self, key: str) -> list[TicketRef]:
        """The tickets linked to ticket ``key``, by key."""
        with self._translating("links_of"), self._engine.connect() as conn:
            self._row(conn, key, "links_of")
            pairs = conn.execute(
                select(local_links.c.a_key, local_links.c.b_key).where(
                    (local_links.c.a_key == key) | (local_links.c.b_key == key)
                )
            ).all()
        others = {pair.b_key if pair.a_key == key else pair.a_key for pair in pairs}
        return [self.ref(other) for other in sorted(others)]

    def children_of(self, parent_key: str) -> list[Ticket]:
        """The tickets whose parent is ``parent_key``, in creation order."""
        with self._translating("children_of"), self._engine.connect() as conn:
            self._row(conn, parent_key, "children_of")
            rows = conn.execute(
                select(local_tickets).where(local_tickets.c.parent_key == parent_key).order_by(local_tickets.c.number)
            ).all()
        return [self._ticket(row) for row in rows]

    # --- internals --------------------------------------------------------------------------

    @contextmanager
    def _translating(self, op: str) -> Iterator[None]:
        """The one place database errors become tracker errors (pmsync's own pass through)."""
        try:
            yield
        except OperationalError as exc:
            raise TrackerUnavailable(
                f"database unavailable ({exc.orig.__class__.__name__})",
                tracker=NAME,
                op=op,
                hint="check that [state] url is reachable and the database is migrated",
            ) from exc
        except SQLAlchemyError as exc:
            raise TrackerError(
                f"database error ({exc.__class__.__name__})",
                tracker=NAME,
                op=op,
                hint="check that [state] url points at a migrated pmsync database",
            ) from exc

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            if conn.dialect.name == "sqlite" and not getattr(conn.connection.dbapi_connection, "in_transaction", True):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def _now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the local tracker's clock must return an aware datetime")
        return now.astimezone(dt.UTC)

    def _key_of(self, ref: TicketRef, op: str) -> str:
        if ref.tracker != NAME:
            raise TrackerError(f"{ref.key} is a {ref.tracker} ticket, not a local one", tracker=NAME, op=op)
        return ref.key

    def _parse_cursor(self, cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            value = int(cursor)
        except ValueError:
            value = -1
        if value < 0:
            raise TrackerError(
                f"{cursor!r} is not a local tracker cursor",
                tracker=NAME,
                op="changed_since",
                hint="the stored pull cursor belongs to another tracker; reset it to pull everything",
            )
        return value

    def _create_one(self, draft: TicketDraft) -> CreateResult:
        try:
            with self._translating("create"):
                parent_key = self._key_of(draft.parent, "create") if draft.parent is not None else None
                try:
                    with self._writing() as conn:
                        if parent_key is not None:
                            self._row(conn, parent_key, "create")
                        return self._insert(conn, draft, parent_key)
                except IntegrityError as exc:
                    with self._engine.connect() as conn:
                        existing = self._find_by_marker(conn, draft.marker)
                    if existing is not None:
                        raise TrackerError(
                            f"{existing.key} already carries marker {draft.marker.key}; refusing a second ticket",
                            tracker=NAME,
                            op="create",
                            hint="an earlier run created it: resolve the create with find_by_markers instead",
                        ) from None
                    raise TrackerError(
                        f"could not store the ticket for {draft.marker.key} ({exc.orig.__class__.__name__})",
                        tracker=NAME,
                        op="create",
                    ) from exc
        except TrackerError as exc:
            return exc

    def _row_of(self, conn: Connection, ref: TicketRef, op: str) -> Row[Any]:
        self._key_of(ref, op)
        if ref.id is not None and ref.id.isdigit():
            row = conn.execute(select(local_tickets).where(local_tickets.c.number == int(ref.id))).one_or_none()
            if row is None:
                raise TrackerNotFound(f"no ticket {ref.key}", tracker=NAME, op=op)
            return row
        return self._row(conn, ref.key, op)

    def _row(self, conn: Connection, key: str, op: str, *, lock: bool = False) -> Row[Any]:
        query = select(local_tickets).where(local_tickets.c.key == key)
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).one_or_none()
        if row is None:
            raise TrackerNotFound(f"no ticket {key}", tracker=NAME, op=op)
        return row

    def _find_by_marker(self, conn: Connection, marker: Marker) -> TicketRef | None:
        key = conn.execute(select(local_tickets.c.key).where(local_tickets.c.marker_key == marker.key)).scalar()
        return self.ref(key) if key is not None else None

    def _next_value(self, conn: Connection, name: str) -> int:
        bump = (
            update(local_sequence)
            .where(local_sequence.c.name == name)
            .values(value=local_sequence.c.value + 1)
            .returning(local_sequence.c.value)
        )
        value = conn.execute(bump).scalar_one_or_none()
        if value is None:
            # First use: two processes may both get here; ON CONFLICT lets the second wait for the
            # first's row instead of failing, then both bump it.
            self._insert_ignoring_conflicts(conn, local_sequence, {"name": name, "value": 0})
            value = conn.execute(bump).scalar_one()
        return int(value)

    def _insert_ignoring_conflicts(self, conn: Connection, table: Table, values: dict[str, Any]) -> bool:
        """Insert a row unless its key exists; True when a row was inserted."""
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # RETURNING rather than rowcount: drivers need not report a rowcount for single inserts.
        statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
        return conn.execute(statement.returning(*table.primary_key.columns)).first() is not None

    def _insert(self, conn: Connection, draft: TicketDraft, parent_key: str | None) -> TicketRef:
        number = self._next_value(conn, _TICKET_SEQUENCE)
        key = f"{self._prefix}-{number}"
        now = self._now()
        conn.execute(
            insert(local_tickets).values(
                number=number,
                key=key,
                marker_key=draft.marker.key,
                marker_label=draft.marker.label,
                kind=draft.kind.value,
                title=draft.title,
                body=draft.body,
                status=draft.status.value,
                priority=draft.priority.value if draft.priority is not None else None,
                assignee=draft.assignee,
                due=draft.due,
                labels=list(draft.labels),
                project=draft.scope,
                parent_key=parent_key,
                created_at=now,
                updated_at=now,
                change_seq=self._next_value(conn, _CHANGE_SEQUENCE),
            )
        )
        conn.execute(insert(local_status_log).values(key=key, status=draft.status.value, changed_at=now))
        return self.ref(key)

    def _update(self, conn: Connection, key: str, changes: TicketChanges, status: Status | None, op: str) -> Row[Any]:
        """Apply ``changes`` (and ``status``) to ticket ``key`` inside ``conn``'s transaction;
        returns the row as it is afterwards."""
        row = self._row(conn, key, op, lock=True)
        current = row._mapping
        wanted: dict[str, Any] = {
            "title": changes.title,
            "body": changes.body,
            "priority": changes.priority.value if changes.priority is not None else None,
            "status": status.value if status is not None else None,
        }
        values = {column: value for column, value in wanted.items() if value is not None and value != current[column]}
        for column in ("assignee", "due"):
            value = getattr(changes, column)
            if value is CLEAR and current[column] is not None:
                values[column] = None
            elif value is not None and value is not CLEAR and value != current[column]:
                values[column] = value
        if changes.labels_add or changes.labels_remove:
            labels = [label for label in current["labels"] if label not in changes.labels_remove]
            labels.extend(sorted(changes.labels_add - set(labels)))
            if labels != list(current["labels"]):
                values["labels"] = labels
        if not values:
            return row
        now = self._now()
        values["updated_at"] = now
        values["change_seq"] = self._next_value(conn, _CHANGE_SEQUENCE)
        conn.execute(update(local_tickets).where(local_tickets.c.key == key).values(**values))
        if "status" in values:
            conn.execute(insert(local_status_log).values(key=key, status=values["status"], changed_at=now))
        return conn.execute(select(local_tickets).where(local_tickets.c.key == key)).one()

    def _ticket(self, row: Row[Any]) -> Ticket:
        fields = row._mapping
        status = Status(fields["status"])
        marker_key = fields["marker_key"]
        parent_key = fields["parent_key"]
        return Ticket(
            ref=self.ref(fields["key"]),
            title=fields["title"],
            status=status,
            status_raw=status.value,
            updated_at=_as_stored_utc(fields["updated_at"]),
            marker=Marker(marker_key) if marker_key is not None else None,
            kind=TicketKind(fields["kind"]),
            body=fields["body"],
            priority=Priority(fields["priority"]) if fields["priority"] is not None else None,
            scope=fields["project"],
            created_at=_as_stored_utc(fields["created_at"]),
            assignee=fields["assignee"],
            due=fields["due"],
            labels=tuple(fields["labels"]),
            parent=self.ref(parent_key) if parent_key is not None else None,
            raw=dict(fields),
        )
