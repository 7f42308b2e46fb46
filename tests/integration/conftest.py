"""Database fixtures for integration tests: a SQLite file, or a throw-away PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import PgSchemas


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for a new SQLite database file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'pmsync.db'}"


@pytest.fixture
def pg_url(pg_schemas: PgSchemas) -> Iterator[str]:
    """A URL bound to a fresh PostgreSQL schema, dropped after the test (dispose your engines).

    Skips when ``PMSYNC_TEST_PG_URL`` is unset.
    """
    url = pg_schemas.create()
    yield url
    pg_schemas.drop(url)
