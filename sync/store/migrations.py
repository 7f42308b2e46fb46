"""A small versioned migration scheme (instead of Alembic's runtime machinery).

Each migration is a function applied once, in order, inside one transaction with its version row;
the version table's primary key makes two processes migrating at once safe: the loser's insert
fails and it re-reads the applied versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from sync.errors import StateError
from sync.store import tables

Migration = Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (_v1_initial,)
LATEST = len(MIGRATIONS)


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not inspect(conn).has_table(tables.schema_version.name):
            return 0
        versions = conn.execute(select(tables.schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine) -> int:
    """Bring the schema to :data:`LATEST`; returns the version reached."""
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
