"""Shared fixtures: paths to the shared corpus and the project's examples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import PG_URL_ENV, PgSchemas

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "postmortems"
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
