"""Parse results kept per document in the state database, so a sync re-parses only what changed.

Issue 26: an idle sync of 10,000 items spent most of its time parsing 200 unchanged documents. A
result is reused only when the document's path and bytes, the parse options and the parser itself
are the same: the key hashes all four, the parser by the source of ``sync/core/parse`` and the model
(:func:`parser_fingerprint`), so an upgraded or edited parser never serves an old reading. One row
per path: a changed document replaces its row, so the table never outgrows the documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from sync.core.model import ParseResult
from sync.core.parse.options import ParseOptions
from sync.store import tables as t
from sync.store.boundary import state_error_methods

log = logging.getLogger(__name__)

_SOURCES = Path(__file__).resolve().parents[1] / "core"


@functools.cache
def parser_fingerprint() -> str:
    """A hash of the parser's source (``sync/core/parse/*.py`` and ``sync/core/model.py``)."""
    digest = hashlib.sha256()
    for path in sorted([*(_SOURCES / "parse").glob("*.py"), _SOURCES / "model.py"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(path: str, source: bytes, options: ParseOptions) -> str:
    digest = hashlib.sha256()
    settings = {f.name: getattr(options, f.name) for f in fields(options)}
    settings = {name: dict(value) if isinstance(value, Mapping) else value for name, value in settings.items()}
    for part in (parser_fingerprint(), path, json.dumps(settings, sort_keys=True, default=str)):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(source)
    return digest.hexdigest()


@state_error_methods
class ParseCache:
    """Get and keep parse results by document path and :func:`cache_key`.

    One instance serves one run: its first lookup reads every kept result in one query (a query
    per document cost an idle sync of 200 documents more than the reading, issue 26), and what it
    keeps meanwhile is added to that reading. A row another run changes later is not seen; its
    key covers the bytes read, so what is served is still this document's reading."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kept: dict[str, tuple[str, str]] | None = None  # path → (key, result as JSON)

    def _rows(self) -> dict[str, tuple[str, str]]:
        if self._kept is None:
            with self.engine.connect() as conn:
                self._kept = {
                    path: (key, result)
                    for path, key, result in conn.execute(
                        select(t.parse_cache.c.path, t.parse_cache.c.key, t.parse_cache.c.result)
                    ).all()
                }
        return self._kept

    def lookup(self, path: str, source: bytes, options: ParseOptions) -> ParseResult | None:
        """The result kept for this path, when it was made from these bytes, options and parser."""
        key = cache_key(path, source, options)
        kept = self._rows().get(path)
        if kept is None or kept[0] != key:
            return None
        try:
            return ParseResult.model_validate_json(kept[1])
        except ValidationError:  # written by another pmsync whose model differs: parse again
            log.debug("%s: cached parse result unreadable; parsing again", path)
            return None

    def keep(self, path: str, source: bytes, options: ParseOptions, result: ParseResult) -> None:
        """Keep ``result`` for this path, replacing what was kept for it. Another run keeping the
        same path at the same moment wins: the cache is an optimisation, never a reason to fail."""
        key = cache_key(path, source, options)
        # Computed fields (a post-mortem's cost) are derived again on reading.
        text = result.model_dump_json(exclude_computed_fields=True)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(t.parse_cache).where(t.parse_cache.c.path == path))
                conn.execute(
                    insert(t.parse_cache).values(path=path, key=key, result=text, updated_at=dt.datetime.now(dt.UTC))
                )
        except IntegrityError:
            log.debug("%s: parse result kept by another run meanwhile", path)
        if self._kept is not None:
            self._kept[path] = (key, text)
