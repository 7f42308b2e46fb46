"""Engine construction: one place that knows SQLite's and PostgreSQL's quirks."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError

from sync.errors import ConfigError, StateError
from sync.extras import require
from sync.logs import scrub_parameters

# No table may hold a secret (a tracker's error text echoing a token): every engine's parameters are scrubbed.
event.listen(Engine, "before_cursor_execute", scrub_parameters, retval=True)

SQLITE_HEADER = b"SQLite format 3\x00"


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
        _check_sqlite_file(parsed.database)
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

        @event.listens_for(engine, "checkout")
        def _sqlite_sync_normal(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            # In WAL mode, NORMAL commits without an fsync and stays durable across a crash of the
            # process; only power loss can undo the last commits. Writes that must survive even
            # that (an intent, before the create it announces is sent) ask for FULL on their own
            # connection (SqlStateStore's durable writes); every checkout starts from NORMAL
            # again. Issue 26: an fsync per commit was most of a big run's time.
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

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


def _sqlite_file(database: str | None) -> Path | None:
    """The file of a SQLite database, or None for an in-memory or URI-named one."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _check_sqlite_file(database: str | None) -> None:
    """An existing file must be an intact SQLite database: anything else is one line naming it (exit 2)
    instead of the driver's traceback from deep inside the first query."""
    path = _sqlite_file(database)
    if path is None or not path.exists():
        return  # SQLite creates it
    hint = "point [state] url at another file, or move this one away (a new state starts empty) or restore a backup"
    if not path.is_file():
        raise ConfigError(f"[state] url: the state database {path} is not a file", hint=hint)
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ConfigError(f"[state] url: cannot read the state database {path}: {exc.strerror}") from None
    if head and head != SQLITE_HEADER:  # an empty file is a valid empty database
        raise ConfigError(f"[state] url: {path} is not an SQLite database", hint=hint)
    if head:
        problem = _integrity_problem(path)
        if problem:
            raise ConfigError(f"[state] url: the state database {path} is damaged ({problem})", hint=hint)


def _integrity_problem(path: Path) -> str | None:
    # quick_check reads every page once (milliseconds for pmsync's databases) but skips the index
    # cross-checks of integrity_check; a truncated or overwritten file fails here, not mid-run.
    try:
        connection = sqlite3.connect(path, timeout=60)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        connection.close()
    verdict = str(rows[0][0]) if rows else "no answer to quick_check"
    return None if verdict == "ok" else verdict.splitlines()[0]


@dataclass(frozen=True)
class DatabaseFile:
    """Which file a SQLite state database is, by device and inode: a path alone does not say whether
    the file was deleted, or replaced by another, while a run had it open."""

    path: Path
    device: int
    inode: int

    @staticmethod
    def path_of(url: str) -> Path | None:
        """The file a ``sqlite:///`` URL names; None for another database or an in-memory one."""
        try:
            parsed = make_url(url)
        except ArgumentError:  # make_engine reports a malformed URL
            return None
        return _sqlite_file(parsed.database) if parsed.get_backend_name() == "sqlite" else None

    @classmethod
    def of(cls, engine: Engine) -> DatabaseFile | None:
        """The database file behind ``engine`` now; None when it is not a SQLite file (nothing to watch)."""
        path = cls.path_of(engine.url.render_as_string(hide_password=False))
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(path=path, device=status.st_dev, inode=status.st_ino)

    def check(self) -> None:
        """Raise :class:`StateError` when the file was removed or replaced since it was identified: the
        run's connections kept writing to a file nobody can open again, so its work is not recorded."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            what = "removed"
        else:
            if (status.st_dev, status.st_ino) == (self.device, self.inode):
                return
            what = "replaced by another file"
        raise StateError(
            f"the state database {self.path} was {what} during this run: what the run recorded is lost",
            hint="restore it from a backup before the next run: a run on an empty state creates again every "
            "ticket its documents do not name in their Ticket cells (write-back fills them; named ones are adopted)",
        )
