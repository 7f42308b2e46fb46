"""A small versioned migration scheme, by hand: Alembic is not used (and not a dependency).

Why not Alembic: pmsync's schema is small and changes rarely; its migrations must run inside the
run lock on both SQLite and PostgreSQL at every start-up, and several branches add migrations
that are merged in an unknown order. A tuple of idempotent functions does that in a page, while
Alembic would add a revision graph, an ``env.py``, a script directory shipped as package data
and SQLite batch-mode rewrites for the same result.

Each migration is a function applied once, in order, inside one transaction with its version
row, and is idempotent on its own (tables created with ``checkfirst``, columns added only when
missing), so it is safe whatever ran before it. Processes migrate one at a time (the run lock),
and the version table's primary key is the second line of defence: a loser's insert fails and it
re-reads the applied versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, Table, insert, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from sync.errors import ConfigError, StateError
from sync.store import tables
from sync.store.boundary import describe_db_error
from sync.store.lock import run_lock

Migration = Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True)


def _enable_wal(engine: Engine) -> None:
    # Readers no longer block the writer. The mode is stored in the file, so once is enough; it
    # needs an exclusive moment, which the migration lock provides.
    if engine.url.get_backend_name() == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def _incident_id_claims(conn: Connection) -> None:
    # Idempotent on its own (branches' migrations are merged in any order): v1's create_all
    # already makes the table on a new database.
    tables.incident_id_claims.create(conn, checkfirst=True)


def _add_missing_columns(conn: Connection, table: Table, names: tuple[str, ...]) -> None:
    present = {column["name"] for column in inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in present:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")


def _engine_remote_ready(conn: Connection) -> None:
    """Issue 12: stable ticket ids, scopes, attach and status-after-create bookkeeping, intent
    attempt times, per-scope pull cursors, local comments; drops the unused ``run_locks`` table
    and ``action_items.fields_sha256`` (it only ever held the text hash)."""
    for table in (tables.local_comments, tables.pull_scope_cursors):
        table.create(conn, checkfirst=True)
    _add_missing_columns(conn, tables.tickets, ("ticket_id", "scope", "attached", "pending_status"))
    _add_missing_columns(conn, tables.create_intents, ("attempted_at", "then_status"))
    inspector = inspect(conn)
    if "fields_sha256" in {column["name"] for column in inspector.get_columns("action_items")}:
        conn.exec_driver_sql("ALTER TABLE action_items DROP COLUMN fields_sha256")
    if inspector.has_table("pull_cursors"):
        conn.exec_driver_sql(
            "INSERT INTO pull_scope_cursors (tracker, scope, cursor, updated_at) "
            "SELECT tracker, '', cursor, updated_at FROM pull_cursors"
        )
        conn.exec_driver_sql("DROP TABLE pull_cursors")
    if inspector.has_table("run_locks"):
        conn.exec_driver_sql("DROP TABLE run_locks")


def _reports_nudges_and_publications(conn: Connection) -> None:
    # Idempotent on its own: other branches append migrations in an order not known here.
    tables.report_nudges.create(conn, checkfirst=True)
    tables.report_publications.create(conn, checkfirst=True)


def _written_statuses(conn: Connection) -> None:
    # Idempotent on its own: branches' migrations are merged in an unknown order.
    tables.written_statuses.create(conn, checkfirst=True)


def _service_tables(conn: Connection) -> None:
    # Idempotent on its own: branches' migrations are merged in an unknown order.
    for table in (tables.service_job_runs, tables.webhook_deliveries, tables.webhook_marks):
        table.create(conn, checkfirst=True)


def _github_write_ledger(conn: Connection) -> None:
    """Issue 14: times of GitHub writes, so consecutive runs share the secondary-limit budget
    (idempotent on its own: the table is created when missing)."""
    tables.tracker_writes.create(conn, checkfirst=True)


def _lookup_indexes(conn: Connection) -> None:
    """Issue 26: the pull's per-ticket lookups (by ticket id; history by ticket and change time)
    scanned whole tables, so a pull cost grew with the square of the tickets (idempotent)."""
    wanted = {"ix_tickets_ticket_id", "ix_status_history_ticket"}
    for index in (*tables.tickets.indexes, *tables.status_history.indexes):
        if index.name in wanted:
            index.create(conn, checkfirst=True)


def _observation_times(conn: Connection) -> None:
    """Issue 23: when the tracker changed the recorded status, and a workflow-blocked day per
    ticket (idempotent on its own: columns are added only when missing)."""
    _add_missing_columns(conn, tables.tickets, ("status_changed_at", "blocked_on"))


def _parse_cache(conn: Connection) -> None:
    """Issue 26: parse results kept per document (idempotent: created when missing)."""
    tables.parse_cache.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _incident_id_claims,
    _engine_remote_ready,
    _reports_nudges_and_publications,
    _written_statuses,
    _service_tables,
    _github_write_ledger,
    _lookup_indexes,
    _observation_times,
    _parse_cache,
)
LATEST = len(MIGRATIONS)


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not inspect(conn).has_table(tables.schema_version.name):
            return 0
        versions = conn.execute(select(tables.schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine, *, lock_timeout: float = 120.0) -> int:
    """Bring the schema to :data:`LATEST`; returns the version reached.

    Migrations run under the run lock: SQLite does not make ``CREATE TABLE`` part of the
    transaction, so two first runs racing on a new database would otherwise trip over each
    other's half-created schema. A database that cannot be opened at all is a configuration
    error naming where it was looked for."""
    try:
        version = current_version(engine)
    except OperationalError as exc:
        where = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        shown = where or engine.url.render_as_string(hide_password=True)
        raise ConfigError(
            f"[state] url: cannot open the state database {shown} ({describe_db_error(exc)})",
            hint="check that its directory exists and is writable, or the server is reachable",
        ) from exc
    if version == LATEST:
        return LATEST
    try:
        with run_lock(engine, "migrate", timeout=lock_timeout):
            _enable_wal(engine)
            return _migrate_locked(engine)
    except SQLAlchemyError as exc:
        raise StateError(f"migrating the state database failed: {describe_db_error(exc)}") from exc


def _migrate_locked(engine: Engine) -> int:
    for attempt in range(3):
        version = current_version(engine)
        if version > LATEST:
            raise StateError(
                f"the state database is at schema version {version}, newer than this pmsync ({LATEST})",
                hint="upgrade pmsync, or point [state] url at another database",
            )
        try:
            for number in range(version + 1, LATEST + 1):
                with engine.begin() as conn:
                    tables.schema_version.create(conn, checkfirst=True)
                    MIGRATIONS[number - 1](conn)
                    conn.execute(
                        insert(tables.schema_version).values(version=number, applied_at=dt.datetime.now(dt.UTC))
                    )
            return LATEST
        except (IntegrityError, OperationalError, ProgrammingError):
            # Another process migrated concurrently; re-read and retry.
            if attempt == 2:
                raise
    return current_version(engine)  # pragma: no cover
