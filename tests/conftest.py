"""Shared fixtures: paths to the shared corpus and the project's examples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import PG_URL_ENV, PgSchemas

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "shared"
EXAMPLES = ROOT / "examples" / "postmortems"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared post-mortem corpus is missing at {CORPUS}")
    return CORPUS


# --- databases: fresh PostgreSQL schemas for integration and contract tests ---------------------


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas]:
    """Fresh-schema factory on the server named by ``PMSYNC_TEST_PG_URL``; skips when unset."""
    server_url = os.environ.get(PG_URL_ENV)
    if not server_url:
        pytest.skip(f"{PG_URL_ENV} is not set")
    schemas = PgSchemas(server_url)
    try:
        yield schemas
    finally:
        schemas.close()


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
