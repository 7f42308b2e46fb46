"""One scheduler among replicas: PostgreSQL advisory lock on a dedicated connection, ``flock`` for
SQLite. The process-level takeover (kill the leader, the follower runs the next job, no slot twice)
is in ``tests/cli/test_cli_serve.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sync.service.leader import FileLeadership, PgLeadership, SoleLeadership, leadership_for
from sync.store.engine import make_engine
from tests.databases import PgSchemas


@pytest.mark.postgres
def test_pg_one_leader_and_takeover_after_release(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        a, b = PgLeadership(engine), PgLeadership(engine)
        assert a.check() is True
        assert a.check() is True  # staying leader is idempotent
        assert b.check() is False
        a.release()
        assert b.check() is True
        assert a.check() is False
        b.release()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_leaders_of_two_schemas_do_not_share_the_lock(pg_schemas: PgSchemas) -> None:
    first, second = make_engine(pg_schemas.create()), make_engine(pg_schemas.create())
    try:
        a, b = PgLeadership(first), PgLeadership(second)
        assert a.check() and b.check()
        assert a.key != b.key
        a.release()
        b.release()
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_pg_leader_whose_connection_dies_loses_the_lock_to_a_follower(pg_url: str) -> None:
    engine = make_engine(pg_url)
    admin = make_engine(pg_url)
    try:
        a, b = PgLeadership(engine), PgLeadership(engine)
        assert a.check()
        assert a.key is not None
        unsigned = a.key & 0xFFFFFFFFFFFFFFFF
        with admin.connect() as conn:
            (pid,) = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND classid = CAST(:hi AS oid) AND objid = CAST(:lo AS oid)"
                ),
                {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
            ).scalars()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        assert b.check() is True  # the server released the dead session's lock
        assert a.check() is False  # a notices, and cannot take it back
        b.release()
    finally:
        engine.dispose()
        admin.dispose()


def test_sqlite_file_lock_has_one_holder(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
    a = leadership_for(engine)
    b = leadership_for(engine)
    assert isinstance(a, FileLeadership)
    assert a.path == tmp_path / "state.db.leader.lock"
    assert a.check() and a.check()
    assert not b.check()
    a.release()
    assert b.check()
    b.release()
    a.release()  # releasing twice is harmless
    engine.dispose()


def test_in_memory_database_is_its_own_leader() -> None:
    engine = make_engine("sqlite://")
    leadership = leadership_for(engine)
    assert isinstance(leadership, SoleLeadership)
    assert leadership.check()
    leadership.release()
    engine.dispose()


def test_sqlite_leader_whose_lock_file_is_replaced_is_no_longer_held(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
    a, b = leadership_for(engine), leadership_for(engine)
    assert isinstance(a, FileLeadership)
    assert a.check() and a.held()
    assert not b.held()  # a follower never reports leading
    a.path.unlink()  # an operator tidied it away: another process could lock a new file now
    assert not a.held()
    assert b.check() and b.held()
    assert a.check() is False  # a notices, and the new file is b's
    b.release()
    assert not b.held()
    engine.dispose()
