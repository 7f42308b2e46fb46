"""Throw-away PostgreSQL schemas for tests (the ``pg_schemas`` fixture in ``tests/conftest.py``)."""

from __future__ import annotations

import uuid

import sqlalchemy

PG_URL_ENV = "PMSYNC_TEST_PG_URL"


class PgSchemas:
    """Creates uniquely named schemas on the test server and hands out URLs bound to them.

    Binding is done in the URL (``options=-csearch_path=<schema>``) rather than on an engine, so
    anything that takes a database URL (the CLI, subprocesses) lands in the same schema.
    """

    def __init__(self, server_url: str) -> None:
        self._admin = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._server_url = sqlalchemy.engine.make_url(server_url)
        self._live: set[str] = set()

    def create(self) -> str:
        """A URL whose connections use a new, empty schema."""
        schema = f"pmsync_test_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        self._live.add(schema)
        url = self._server_url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    @staticmethod
    def schema_of(url: str) -> str:
        """The schema a URL from :meth:`create` is bound to."""
        options = sqlalchemy.engine.make_url(url).query["options"]
        assert isinstance(options, str) and options.startswith("-csearch_path="), url
        return options.removeprefix("-csearch_path=")

    def drop(self, url: str) -> None:
        """Drop the schema ``url`` is bound to (dispose engines using it first)."""
        self._drop(self.schema_of(url))

    def _drop(self, schema: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self._live.discard(schema)

    def close(self) -> None:
        """Drop every schema still alive and release the admin connection."""
        for schema in sorted(self._live):
            self._drop(schema)
        self._admin.dispose()
