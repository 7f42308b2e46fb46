"""The database fixtures themselves: fresh, isolated, and cleaned up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from sync.store.engine import make_engine
from sync.store.migrations import LATEST, MIGRATIONS, _lookup_indexes, current_version, migrate
from tests.databases import PG_URL_ENV, PgSchemas


def test_sqlite_url_is_a_fresh_file_in_the_tmp_dir(sqlite_url: str, tmp_path: Path) -> None:
    assert sqlite_url == f"sqlite:///{tmp_path / 'pmsync.db'}"
    engine = make_engine(sqlite_url)
    try:
        assert current_version(engine) == 0
        assert migrate(engine) == LATEST
    finally:
        engine.dispose()
    assert (tmp_path / "pmsync.db").is_file()


@pytest.mark.postgres
def test_pg_url_is_bound_to_a_fresh_empty_schema(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        assert schema == PgSchemas.schema_of(pg_url)
        assert current_version(engine) == 0
        migrate(engine)
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :schema"),
                {"schema": schema},
            ).scalar_one()
        assert tables > 0
        assert current_version(engine) == LATEST
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_schemas_are_distinct_and_dropped(pg_schemas: PgSchemas) -> None:
    first, second = pg_schemas.create(), pg_schemas.create()
    assert first != second
    names = [pg_schemas.schema_of(url) for url in (first, second)]
    assert all(name.startswith("pmsync_test_") for name in names)
    admin = create_engine(os.environ[PG_URL_ENV])
    try:
        pg_schemas.drop(first)
        with admin.connect() as conn:
            live = set(
                conn.execute(
                    text("SELECT nspname FROM pg_namespace WHERE nspname = ANY(:names)"), {"names": names}
                ).scalars()
            )
        assert live == {names[1]}
    finally:
        pg_schemas.drop(second)
        admin.dispose()


def test_the_pull_lookups_are_indexed_on_a_database_made_before_the_indexes(db_url: str) -> None:
    """Issue 26: matching a pulled ticket by id and asking whether its change is recorded scanned
    whole tables (a pull cost grew with the square of the tickets); an older database gains the
    indexes when migrated."""
    version = MIGRATIONS.index(_lookup_indexes) + 1
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            for name in ("ix_tickets_ticket_id", "ix_status_history_ticket"):
                conn.exec_driver_sql(f"DROP INDEX {name}")
            conn.exec_driver_sql(f"DELETE FROM pmsync_schema_version WHERE version >= {version}")
        assert migrate(engine) == LATEST
        with engine.connect() as conn:
            inspector = inspect(conn)
            found = {
                ix["name"]: ix["column_names"]
                for table in ("tickets", "status_history")
                for ix in inspector.get_indexes(table)
            }
        assert found["ix_tickets_ticket_id"] == ["tracker", "ticket_id"]
        assert found["ix_status_history_ticket"] == ["tracker", "ticket_key", "changed_at"]
    finally:
        engine.dispose()
