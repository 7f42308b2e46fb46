"""Issue 18.7: database errors leave the store as StateError, once, for every store entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sync.errors import StateError
from sync.store.engine import make_engine
from sync.store.id_claims import known_ids
from sync.store.repository import SqlStateStore
from sync.store.snapshot import load_report_data
from sync.store.written_statuses import WrittenStatusStore


@pytest.fixture
def unmigrated(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables at all
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda e: SqlStateStore(e, "local").snapshot(), "snapshot"),
        (lambda e: SqlStateStore(e, "local").ticket_for("INC-1#1"), "ticket_for"),
        (lambda e: SqlStateStore(e, "local").intents(), "intents"),
        (lambda e: WrittenStatusStore(e, "local").last_written(["LOC-1"]), "last_written"),
        (lambda e: known_ids(e), "known_ids"),
        (lambda e: load_report_data(e, "local"), "load_report_data"),
    ],
    ids=["snapshot", "ticket_for", "intents", "written-statuses", "id-claims", "report-data"],
)
def test_database_errors_become_state_errors_naming_the_operation(
    unmigrated: Engine, call: Callable[[Engine], Any], name: str
) -> None:
    with pytest.raises(StateError, match=f"state database error in {name}: OperationalError: no such table") as info:
        call(unmigrated)
    assert info.value.hint and "[state] url" in info.value.hint
    assert "SELECT" not in info.value.message  # never the SQL (it may carry document text)
