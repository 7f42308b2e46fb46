"""Service jobs on SQLite and PostgreSQL: each slot runs once, failures are counted and the loop
goes on, a job never overlaps itself, stops unwind cleanly, and a sync stopped halfway leaves
nothing lost or duplicated after a restart."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from sync.core.tickets import TicketDraft, TicketRef
from sync.pipeline import SyncOptions
from sync.service.app import JobBook, JobFailed, Service, command_job
from sync.service.leader import SoleLeadership
from sync.service.schedule import Daily, Every, Job, JobOutcome, JobRunner, ServiceStopping
from sync.store import tables
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.service_store import SlotLedger
from sync.trackers.local_tracker import LocalTracker
from tests.conftest import EXAMPLES
from tests.integration.service_harness import runtime, settings

NOW = dt.datetime(2026, 11, 30, 10, 0, 5, tzinfo=dt.UTC)


class Observed:
    def __init__(self) -> None:
        self.outcomes: list[JobOutcome] = []

    def job_finished(self, outcome: JobOutcome) -> None:
        self.outcomes.append(outcome)


def runner(engine: Engine, jobs: list[Job], holder: str = "test") -> tuple[JobRunner, Observed]:
    observed = Observed()
    return JobRunner(jobs, SlotLedger(engine, holder, clock=lambda: NOW), observed, clock=lambda: NOW), observed


def test_a_failing_job_is_counted_and_the_others_still_run(engine: Engine) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("tracker exploded")

    every = Every(dt.timedelta(minutes=1))
    jobs = [Job("sync", broken, every), Job("pull", lambda: ran.append("pull"), every)]
    run, observed = runner(engine, jobs)
    outcomes = run.run_once()
    assert [(o.job, o.outcome) for o in outcomes] == [("sync", "failed"), ("pull", "ok")]
    assert outcomes[0].error == "RuntimeError: tracker exploded"
    assert ran == ["pull"]
    assert observed.outcomes == outcomes
    stored = {r.job: (r.outcome, r.error) for r in SlotLedger(engine, "x").runs()}
    assert stored == {"sync": ("failed", "RuntimeError: tracker exploded"), "pull": ("ok", None)}


def test_each_slot_runs_once_even_from_another_replica(engine: Engine) -> None:
    ran: list[str] = []
    jobs = [Job("pull", lambda: ran.append("pull"), Every(dt.timedelta(minutes=1)))]
    first, _ = runner(engine, jobs, "replica-a")
    second, _ = runner(engine, jobs, "replica-b")
    assert [o.outcome for o in first.run_once()] == ["ok"]
    assert first.run_once() == []
    assert second.run_once() == []  # same slot, another holder: already ran
    assert ran == ["pull"]
    assert SlotLedger(engine, "x").last_success("pull") == NOW


def test_calendar_jobs_wait_for_their_time(engine: Engine) -> None:
    ran: list[str] = []
    jobs = [
        Job("early", lambda: ran.append("early"), Daily(dt.time(9, 0), dt.UTC)),  # type: ignore[arg-type]
        Job("late", lambda: ran.append("late"), Daily(dt.time(11, 0), dt.UTC)),  # type: ignore[arg-type]
    ]
    run, _ = runner(engine, jobs)
    assert [o.job for o in run.run_once()] == ["early"]
    assert ran == ["early"]


def test_a_job_never_overlaps_itself(engine: Engine) -> None:
    nested: list[JobOutcome | None] = []
    run: JobRunner

    def reentrant() -> None:
        nested.append(run.run_if_due(job))  # e.g. a second tick while the first run is going on

    job = Job("sync", reentrant, Every(dt.timedelta(seconds=1)))
    run, _ = runner(engine, [job])
    assert [o.outcome for o in run.run_once()] == ["ok"]
    assert nested == [None]


def test_a_stop_marks_the_slot_and_unwinds(engine: Engine) -> None:
    def stopping() -> None:
        raise ServiceStopping("create")

    run, observed = runner(engine, [Job("sync", stopping, Every(dt.timedelta(minutes=1)))])
    with pytest.raises(ServiceStopping):
        run.run_once()
    assert [o.outcome for o in observed.outcomes] == ["stopped"]
    assert [r.outcome for r in SlotLedger(engine, "x").runs("sync")] == ["stopped"]


def test_job_names_are_unique(engine: Engine) -> None:
    every = Every(dt.timedelta(minutes=1))
    with pytest.raises(ValueError, match="unique"):
        runner(engine, [Job("sync", lambda: None, every), Job("sync", lambda: None, every)])


def test_first_runs_are_jittered_within_the_bound(engine: Engine) -> None:
    jobs = [
        Job("sync", lambda: None, Every(dt.timedelta(minutes=5)), jitter=dt.timedelta(seconds=30)),
        Job("pull", lambda: None, Every(dt.timedelta(minutes=1))),
    ]
    run, _ = runner(engine, jobs)
    before = dt.datetime.now()
    scheduler = run.scheduler(random.Random(7))
    after = dt.datetime.now()
    sync_job, pull_job = scheduler.jobs
    assert before < sync_job.next_run <= after + dt.timedelta(seconds=30)
    assert sync_job.next_run - before > dt.timedelta(seconds=1)  # seed 7 draws a real delay
    assert pull_job.next_run <= after  # no jitter: due at once
    assert sync_job.interval == 300


# --- a sync stopped halfway ---------------------------------------------------------------------


class StopAfterCreates(LocalTracker):
    """The local tracker, asking the service to stop after its ``n``-th create (as SIGTERM would)."""

    def __init__(self, engine: Engine, n: int) -> None:
        super().__init__(engine)
        self.n = n
        self.creates = 0
        self.service: Service | None = None

    def _created(self) -> None:
        self.creates += 1
        if self.creates == self.n and self.service is not None:
            self.service.request_stop()  # mid-call: the call itself still completes

    def create(self, draft: TicketDraft) -> TicketRef:
        ref = super().create(draft)
        self._created()
        return ref

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[Any]:
        # The batch form of the tracker interface: a batch in flight completes as one call.
        results: list[Any] = super().create_many(drafts)  # type: ignore[misc]
        for _ in drafts:
            self._created()
        return results


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(EXAMPLES, docs)
    return docs


def test_a_sync_stopped_halfway_loses_and_duplicates_nothing_after_restart(engine: Engine, tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    config = settings(sources={"paths": [str(docs / "*.md")]}, schedule={"sync_every": "1h", "pull_every": "1h"})
    tracker = StopAfterCreates(engine, n=3)
    service = Service(
        runtime(engine, tracker, config),
        base_dir=tmp_path,
        environ={},
        leadership=SoleLeadership(),
        factories={},
    )
    tracker.service = service
    assert service.run_once() == []  # stopped inside the sync
    assert [(r.job, r.outcome) for r in service.ledger.runs()] == [("sync", "stopped")]
    with engine.connect() as conn:
        made = conn.execute(select(func.count()).select_from(tables.local_tickets)).scalar_one()
        items = conn.execute(select(func.count()).select_from(tables.action_items)).scalar_one()
    # The call in flight finished (its tickets exist; parents may come from another call), and
    # work remains for the restart.
    assert made >= tracker.creates >= 3
    assert made < items

    # Restart: a plain sync finishes the work.
    fresh = runtime(engine, LocalTracker(engine), config)
    report = fresh.sync(sorted(docs.glob("*.md")), SyncOptions())
    assert report.failed == 0
    with engine.connect() as conn:
        items = conn.execute(select(func.count()).select_from(tables.action_items)).scalar_one()
        item_tickets = conn.execute(
            select(func.count()).select_from(tables.tickets).where(tables.tickets.c.kind == "item")
        ).scalar_one()
        local_items = conn.execute(
            select(func.count()).select_from(tables.local_tickets).where(tables.local_tickets.c.kind == "item")
        ).scalar_one()
        intents = conn.execute(select(func.count()).select_from(tables.create_intents)).scalar_one()
    assert items == item_tickets == local_items  # every item has exactly one ticket, none twice
    assert intents == 0


def test_sync_job_without_documents_fails_with_a_reason(engine: Engine, tmp_path: Path) -> None:
    config = settings(sources={"paths": [str(tmp_path / "none/*.md")]})
    book = JobBook(runtime(engine, LocalTracker(engine), config), tmp_path)
    run, _ = runner(engine, [j for j in book.jobs() if j.name == "sync"])
    (outcome,) = run.run_once()
    assert outcome.outcome == "failed"
    assert outcome.error is not None and "no post-mortem documents" in outcome.error


def test_report_jobs_are_scheduled_only_when_provided(engine: Engine, tmp_path: Path) -> None:
    made: list[str] = []

    def weekly(_book: JobBook) -> object:
        return lambda: made.append("weekly")

    config = settings(schedule={"overdue_nudges": False})
    book = JobBook(
        runtime(engine, LocalTracker(engine), config),
        tmp_path,
        factories={"weekly_report": weekly, "overdue_nudges": weekly, "quarterly_review": lambda _book: None},
    )
    assert [job.name for job in book.jobs()] == ["sync", "pull", "weekly_report"]


def test_report_jobs_run_the_report_commands_when_installed(engine: Engine, tmp_path: Path) -> None:
    from sync.cli.main import cli

    book = JobBook(runtime(engine, LocalTracker(engine)), tmp_path)
    names = [job.name for job in book.jobs()]
    installed = "report" in cli.commands
    assert ("weekly_report" in names) is installed
    assert ("overdue_nudges" in names) is installed
    assert (command_job(book, ["report", "weekly"]) is None) is not installed


def test_command_jobs_run_pmsync_in_a_child_and_fail_on_its_exit_code(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "{sqlite_url}"\n', encoding="utf-8")
    engine = make_engine(sqlite_url)
    migrate(engine)
    book = JobBook(runtime(engine, LocalTracker(engine)), tmp_path, config=config)
    try:
        ok = command_job(book, ["status"])
        assert ok is not None
        ok()
        failing = command_job(book, ["status", "INC-NOPE"])
        assert failing is not None
        with caplog.at_level("INFO", logger="sync.service.app"), pytest.raises(JobFailed, match="exited 2"):
            failing()
        assert any("no action items are known for incident 'INC-NOPE'" in m for m in caplog.messages)
        assert command_job(book, ["no-such-command"]) is None
    finally:
        engine.dispose()


def test_a_database_outage_is_a_failed_run_not_a_dead_loop(tmp_path: Path) -> None:
    broken = outage_engine(tmp_path)
    ran: list[str] = []
    run, observed = runner(broken, [Job("pull", lambda: ran.append("pull"), Every(dt.timedelta(minutes=1)))])
    (outcome,) = run.run_once()
    assert outcome.outcome == "failed"
    # The slot's lease (a file beside the database) or the claim itself fails, as the database does.
    assert outcome.error in ("cannot claim the slot: OperationalError", "cannot claim the slot: FileNotFoundError")
    assert ran == []
    assert observed.outcomes == [outcome]
    broken.dispose()


class ForgetfulLedger:
    """Claims work; recording the end fails (the database went away mid-job)."""

    def claim(self, job: str, slot: str) -> bool:
        return True

    def lease(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def interrupted(self, job: str) -> None:
        return None

    def finish(self, job: str, slot: str, outcome: str, error: str | None = None) -> None:
        raise OSError("database gone")


def test_a_job_whose_end_cannot_be_recorded_still_reports_its_outcome() -> None:
    run = JobRunner([Job("pull", lambda: None, Every(dt.timedelta(minutes=1)))], ForgetfulLedger(), clock=lambda: NOW)  # type: ignore[arg-type]
    assert [o.outcome for o in run.run_once()] == ["ok"]


def outage_engine(tmp_path: Path) -> Engine:
    """An engine whose database went away after start-up (its folder removed): every connection
    fails as in an outage, while make_engine's start-up check still passed."""
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'state.db'}")
    folder.rmdir()
    return engine
