"""Engine construction: one place that knows SQLite's and PostgreSQL's quirks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect, make_url

from sync.errors import ConfigError
from sync.extras import require
from sync.logs import scrub_parameters

# No table may hold a secret (a tracker's error text echoing a token): every engine's parameters are scrubbed.
event.listen(Engine, "before_cursor_execute", scrub_parameters, retval=True)


class _UtcSqliteDateTime(sqlite.DATETIME):
    """SQLite's datetime for ``DateTime(timezone=True)`` columns, storing instants.

    SQLite has no zone type and SQLAlchemy writes an aware value's wall time, dropping its
    offset: a Jira time at ``+0200`` or a clock in another zone was stored shifted by its
    offset and read back as UTC. Aware values are converted to UTC before they are written (in
    rows and in comparisons alike), and read back aware."""

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        inner = super().bind_processor(dialect)

        def process(value: Any) -> Any:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(dt.UTC)
            return inner(value) if inner is not None else value

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        inner = super().result_processor(dialect, coltype)
        aware = bool(self.timezone)

        def process(value: Any) -> Any:
            value = inner(value) if inner is not None else value
            if aware and isinstance(value, dt.datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            return value

        return process


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///file.db`` or ``postgresql+psycopg://…``).

    SQLite gets a busy timeout so that concurrent runs wait for each other instead of failing,
    and foreign keys on (WAL journaling is switched on once, by the first migration).
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError for malformed URLs
        raise ConfigError(f"[state] url: not a database URL ({exc.__class__.__name__})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_folder(parsed.database)
        engine = create_engine(url, connect_args={"timeout": 60})
        # This engine's dialect only (an instance attribute): every DateTime column, whichever
        # table declares it, stores instants (see _UtcSqliteDateTime).
        engine.dialect.colspecs = {**engine.dialect.colspecs, DateTime: _UtcSqliteDateTime}

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() == "psycopg":
            # Every command that opens the state (pmsync new too), not only the runtime: one line
            # naming the extra instead of a traceback.
            require("psycopg", "[state] url = postgresql+psycopg://…")
        return create_engine(url, pool_pre_ping=True)
    raise ConfigError(f"[state] url: unsupported database {backend!r}; expected sqlite or postgresql")


def _check_sqlite_folder(database: str | None) -> None:
    # SQLite creates the file but not its folder, and then says only "unable to open database
    # file": a configuration mistake, so name the path and exit 2 like any other.
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    if not folder.is_dir():
        raise ConfigError(
            f"[state] url: cannot open the state database {database}: the folder {folder} does not exist",
            hint="create the folder, or point [state] url at another file",
        )
