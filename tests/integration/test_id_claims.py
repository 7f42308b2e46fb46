"""Incident-id claims on SQLite and PostgreSQL: unique, released on failure, migrated idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, delete, insert, select

from sync.errors import StateError
from sync.store import tables
from sync.store.engine import make_engine
from sync.store.id_claims import claim_id, known_ids, record_path, release_id
from sync.store.migrations import LATEST, MIGRATIONS, current_version, migrate

NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def inc(seq: int) -> str:
    return f"INC-2026-{seq:04d}"


def test_claims_are_unique_the_next_free_number_is_taken(engine: Engine) -> None:
    assert claim_id(engine, inc, 1, clock=clock) == ("INC-2026-0001", 1)
    # A second run that computed the same next number (it read before the first claimed) moves on.
    assert claim_id(engine, inc, 1, clock=clock) == ("INC-2026-0002", 2)
    assert claim_id(engine, inc, 5, clock=clock) == ("INC-2026-0005", 5)
    assert sorted(known_ids(engine)) == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0005"]


def test_known_ids_include_synced_documents(engine: Engine) -> None:
    with engine.begin() as conn:
        for key, incident_id in (("INC-2026-0009", "INC-2026-0009"), ("doc-notes", None)):
            conn.execute(
                insert(tables.postmortems).values(
                    incident_key=key,
                    path=f"{key}.md",
                    content_sha256="a" * 64,
                    incident_id=incident_id,
                    data={},
                    first_seen_at=NOW,
                    first_seen_on=NOW.date(),
                    updated_at=NOW,
                )
            )
    assert known_ids(engine) == ["INC-2026-0009"]


def test_path_is_recorded_and_a_released_id_can_be_claimed_again(engine: Engine) -> None:
    incident_id, _ = claim_id(engine, inc, 1, clock=clock)
    record_path(engine, incident_id, "postmortems/inc-2026-0001.md")
    with engine.connect() as conn:
        row = conn.execute(select(tables.incident_id_claims)).one()
    assert (row.incident_id, row.path) == ("INC-2026-0001", "postmortems/inc-2026-0001.md")
    release_id(engine, incident_id)
    assert known_ids(engine) == []
    assert claim_id(engine, inc, 1, clock=clock)[0] == "INC-2026-0001"


def test_a_format_that_ignores_the_sequence_gives_up(engine: Engine) -> None:
    claim_id(engine, lambda seq: "INC-FIXED", 1, clock=clock)
    with pytest.raises(StateError, match="no free incident id after 3 tries"):
        claim_id(engine, lambda seq: "INC-FIXED", 1, clock=clock, attempts=3)


def test_the_claims_migration_is_idempotent(engine: Engine) -> None:
    assert current_version(engine) == LATEST
    # The table exists already (v1's create_all made it); applying the migration again is harmless.
    (migration,) = [m for m in MIGRATIONS if m.__name__ == "_incident_id_claims"]
    with engine.begin() as conn:
        migration(conn)
    claim_id(engine, inc, 1, clock=clock)


def test_a_database_from_before_the_claims_table_gets_it(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        # Roll the database back to "before this migration": no table, no version row for it.
        number = [m.__name__ for m in MIGRATIONS].index("_incident_id_claims") + 1
        with engine.begin() as conn:
            tables.incident_id_claims.drop(conn)
            conn.execute(delete(tables.schema_version).where(tables.schema_version.c.version >= number))
        assert current_version(engine) == number - 1
        assert migrate(engine) == LATEST
        assert claim_id(engine, inc, 1, clock=clock)[0] == "INC-2026-0001"
    finally:
        engine.dispose()
