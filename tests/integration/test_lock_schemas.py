"""Run locks and holder leases are per database schema, not per PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.errors import StateError
from sync.store.engine import make_engine
from sync.store.lock import holder_alive, holder_lease, run_lock
from tests.databases import PgSchemas


@pytest.fixture
def other_pg_url(pg_schemas: PgSchemas) -> Iterator[str]:
    url = pg_schemas.create()
    yield url
    pg_schemas.drop(url)


def test_two_schemas_of_one_database_do_not_share_the_run_lock(pg_url: str, other_pg_url: str) -> None:
    first, second, same = make_engine(pg_url), make_engine(other_pg_url), make_engine(pg_url)
    try:
        with run_lock(first, timeout=5):
            # Another deployment (schema) is not held up by this one...
            with run_lock(second, timeout=0.3) as lock:
                lock.check()
            # ...while a second run in the same schema still is.
            with pytest.raises(StateError, match="another pmsync run"), run_lock(same, timeout=0.3):
                pass  # pragma: no cover - must not be reached
    finally:
        for engine in (first, second, same):
            engine.dispose()


def test_holder_leases_are_seen_only_in_their_own_schema(pg_url: str, other_pg_url: str) -> None:
    first, second = make_engine(pg_url), make_engine(other_pg_url)
    try:
        with holder_lease(first, "run-1"):
            assert holder_alive(first, "run-1")
            assert not holder_alive(second, "run-1")
        assert not holder_alive(first, "run-1")
    finally:
        first.dispose()
        second.dispose()
