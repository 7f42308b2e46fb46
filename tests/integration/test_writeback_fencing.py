"""A status pushed from a document to the tracker is a remote write: fenced by the run lock."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sync.core.model import Status
from sync.core.parse import ParseOptions
from sync.core.tickets import TicketRef
from sync.errors import LockLost
from sync.pipeline import SyncOptions, read_documents, run_sync, write_back_documents
from sync.retry import NO_WAIT
from sync.store.repository import SqlStateStore
from sync.trackers.local_tracker import LocalTracker
from tests.cli.test_cli_sync import write_doc
from tests.integration.test_written_statuses import _edit_status
from tests.planning import TODAY, FixedPolicy


class CountingTransitions:
    def __init__(self, inner: LocalTracker) -> None:
        self.inner = inner
        self.name = inner.name
        self.transitions: list[str] = []

    def transition(self, ref: TicketRef, status: Status) -> None:
        self.transitions.append(ref.key)
        self.inner.transition(ref, status)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def _lost() -> None:
    raise LockLost("this run no longer holds the 'sync' lock")


def test_a_push_after_the_lock_was_lost_writes_nothing(engine: Engine, tmp_path: Path) -> None:
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
    assert first.failed == 0
    _edit_status(doc, "Open", "Done")
    [pm] = [i.postmortem for i in read_documents([doc], ParseOptions()).inputs]
    tracker = CountingTransitions(local)
    run = write_back_documents(store, [pm], tracker=tracker, retry=NO_WAIT, doc_status="push", fence=_lost)
    [conflict] = run.conflicts
    assert tracker.transitions == [] and conflict.pushed is None
    assert conflict.error is not None and "no longer holds" in conflict.error
    # With the lock held, the same push goes through.
    run = write_back_documents(store, [pm], tracker=tracker, retry=NO_WAIT, doc_status="push", fence=lambda: None)
    assert len(tracker.transitions) == 1 and run.conflicts[0].pushed is Status.DONE
