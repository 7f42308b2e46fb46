"""Status cells a person edited (issue 18.4): the store remembers what write-back wrote, the pipeline
reports or pushes the edit. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sync.core.model import Status
from sync.core.parse import ParseOptions
from sync.core.tickets import TicketChanges, TicketRef
from sync.errors import TrackerUnavailable
from sync.pipeline import SyncOptions, read_documents, run_sync, write_back_documents
from sync.retry import NO_WAIT
from sync.store.migrations import MIGRATIONS, current_version, migrate
from sync.store.repository import SqlStateStore
from sync.store.written_statuses import WrittenStatusStore
from sync.trackers.local_tracker import LocalTracker
from tests.cli.test_cli_sync import write_doc
from tests.planning import TODAY, FixedPolicy

WHEN = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def test_last_written_round_trip_per_tracker(engine: Engine) -> None:
    local = WrittenStatusStore(engine, "local", clock=lambda: WHEN)
    other = WrittenStatusStore(engine, "jira", clock=lambda: WHEN)
    assert local.last_written([]) == {}
    local.record({})
    local.record({"LOC-1": Status.OPEN, "LOC-2": Status.DONE})
    other.record({"LOC-1": Status.WONT_DO})
    assert local.last_written(["LOC-1", "LOC-2", "LOC-3"]) == {"LOC-1": Status.OPEN, "LOC-2": Status.DONE}
    local.record({"LOC-1": Status.IN_PROGRESS})  # a later write replaces the earlier one
    assert local.last_written(["LOC-1"]) == {"LOC-1": Status.IN_PROGRESS}
    assert other.last_written(["LOC-1"]) == {"LOC-1": Status.WONT_DO}


def test_the_migration_is_idempotent_on_its_own(engine: Engine) -> None:
    assert current_version(engine) == len(MIGRATIONS)
    with engine.begin() as conn:
        MIGRATIONS[-1](conn)  # the table exists already: nothing happens, nothing fails
    assert migrate(engine) == len(MIGRATIONS)


class UnavailableUpdates:
    """The local tracker, except that every update fails as an outage would."""

    def __init__(self, inner: LocalTracker) -> None:
        self.inner = inner
        self.name = inner.name

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        raise TrackerUnavailable("503 Service Unavailable", tracker=self.name, op="update")

    def transition(self, ref: TicketRef, status: Status) -> None:
        raise TrackerUnavailable("503 Service Unavailable", tracker=self.name, op="transition")

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def _edit_status(doc: Path, old: str, new: str) -> None:
    text = doc.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    doc.write_text(text.replace(first, first.replace(f"| {old} |", f"| {new} |")), encoding="utf-8")


@pytest.mark.parametrize("doc_status", ["report", "push"])
def test_push_that_fails_is_reported_and_the_cell_kept(engine: Engine, tmp_path: Path, doc_status: str) -> None:
    doc = write_doc(tmp_path / "inc-100.md")
    store = SqlStateStore(engine, "local")
    local = LocalTracker(engine)
    options = SyncOptions(write_back=True, doc_status="push")
    first = run_sync(
        [doc],
        tracker=local,
        store=store,
        policy=FixedPolicy(),
        parse_options=ParseOptions(),
        today=TODAY,
        options=options,
        retry=NO_WAIT,
    )
    assert first.failed == 0 and first.written[str(doc)].status == "written"
    _edit_status(doc, "Open", "Done")
    [pm] = [i.postmortem for i in read_documents([doc], ParseOptions()).inputs]
    run = write_back_documents(
        store,
        [pm],
        tracker=UnavailableUpdates(local),
        retry=NO_WAIT,
        doc_status=doc_status,  # type: ignore[arg-type]
    )
    [conflict] = run.conflicts
    assert (conflict.item_key, conflict.cell, conflict.written, conflict.ticket_status) == (
        "INC-100#1",
        "Done",
        Status.OPEN,
        Status.OPEN,
    )
    assert conflict.pushed is None
    if doc_status == "push":
        assert conflict.error == "local transition: 503 Service Unavailable"
        assert conflict.describe().endswith("not pushed: local transition: 503 Service Unavailable")
    else:
        assert conflict.error is None and conflict.describe().endswith(
            "left as the person wrote it (the ticket is open)"
        )
    assert "| Done |" in doc.read_text(encoding="utf-8")
    assert local.get(local.ref(conflict.ticket)).status is Status.OPEN
    # Still what pmsync wrote: the conflict stays until the ticket and the cell agree.
    assert WrittenStatusStore(engine, "local").last_written([conflict.ticket]) == {conflict.ticket: Status.OPEN}


def test_write_back_skips_what_it_cannot_or_need_not_write(engine: Engine, tmp_path: Path) -> None:
    store = SqlStateStore(engine, "local")
    local = LocalTracker(engine)
    synced = write_doc(tmp_path / "inc-100.md")
    run_sync(
        [synced],
        tracker=local,
        store=store,
        policy=FixedPolicy(),
        parse_options=ParseOptions(),
        today=TODAY,
        options=SyncOptions(),
        retry=NO_WAIT,
    )
    never = write_doc(tmp_path / "inc-300.md", incident="INC-300")  # never synced: nothing to write
    grown = synced.read_text(encoding="utf-8") + "| 4 | A new row nobody synced yet | @dana | | P2 | Open |\n"
    synced.write_text(grown, encoding="utf-8")
    docs = {Path(i.postmortem.path).name: i.postmortem for i in read_documents([synced, never], ParseOptions()).inputs}
    assert len(docs["inc-100.md"].action_items) == 4
    run = write_back_documents(store, docs.values(), tracker=local, retry=NO_WAIT)
    assert list(run.outcomes) == [str(synced)]  # the unsynced document is not touched
    assert str(synced) in run.outcomes and run.outcomes[str(synced)].status == "written"
    assert "| 4 | A new row nobody synced yet | @dana | | P2 | Open | |" in synced.read_text(encoding="utf-8")
    # A document edited after it was read is not written; one that vanished fails. Nothing is remembered.
    edited = docs["inc-100.md"].model_copy(update={"content_sha256": "0" * 64})
    gone = docs["inc-100.md"].model_copy(update={"path": str(tmp_path / "gone.md")})
    again = write_back_documents(store, [edited, gone], tracker=local, retry=NO_WAIT)
    assert again.outcomes[str(synced)].status == "skipped-modified"
    assert again.outcomes[str(tmp_path / "gone.md")].status == "failed"
    assert again.conflicts == []
