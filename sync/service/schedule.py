"""The service's jobs and when they are due.

A job is a name, a callable and a trigger. A trigger names the **slot** due at a moment — the
interval number for "every 15 minutes", the ISO week for the weekly report, the quarter for the
quarterly review, the date for daily nudges — or nothing when no slot is due yet. Before running,
the runner claims the slot in the state database (:class:`~sync.store.service_store.SlotLedger`),
whose primary key makes every slot run at most once across replicas, restarts and ``--once``
invocations from cron; a slot missed while nobody was leading is caught up when the next leader
looks (the weekly report still goes out on Tuesday if Monday's leader was down).

The ``schedule`` library drives the ticks (jittered first run, then every interval); jobs run one
at a time on the scheduler's thread, and a per-job lock keeps a job from overlapping itself even
when ``run_once`` is called from another thread. A failing job is logged and counted, and the
loop goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from mappings.calendar import BusinessCalendar
from sync.logs import RUN_ID
from sync.store.service_store import SlotLedger

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ServiceStopping(BaseException):
    """Raised before a tracker call once the service was asked to stop.

    A ``BaseException`` on purpose: the sync loop isolates ``Exception``s per item and goes on,
    but a stop must unwind the run (after the call and state write in flight completed), leaving
    at most a create intent that the next run resolves by marker."""


class Trigger(Protocol):
    """When a job is due."""

    @property
    def poll_seconds(self) -> float:
        """How often the scheduler should ask :meth:`slot`."""
        ...

    def slot(self, now: dt.datetime) -> str | None:
        """The slot due at ``now`` (an aware datetime), or ``None`` when nothing is due."""
        ...


@dataclass(frozen=True)
class Every:
    """Every ``interval``: slots are consecutive intervals since the epoch."""

    interval: dt.timedelta

    @property
    def poll_seconds(self) -> float:
        return self.interval.total_seconds()

    def slot(self, now: dt.datetime) -> str | None:
        return f"i{self.poll_seconds:g}s:{int(now.timestamp() // self.poll_seconds)}"


@dataclass(frozen=True)
class Weekly:
    """Once a week, on ``weekday`` (0 = Monday) from ``at`` in ``zone``; one slot per ISO week."""

    weekday: int
    at: dt.time
    zone: ZoneInfo
    poll_seconds: float = 60.0

    def slot(self, now: dt.datetime) -> str | None:
        local = now.astimezone(self.zone)
        if (local.weekday(), local.time()) < (self.weekday, self.at):
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Daily:
    """Once a day from ``at`` in ``zone``."""

    at: dt.time
    zone: ZoneInfo
    poll_seconds: float = 60.0

    def slot(self, now: dt.datetime) -> str | None:
        local = now.astimezone(self.zone)
        return local.date().isoformat() if local.time() >= self.at else None


@dataclass(frozen=True)
class QuarterStart:
    """Once a quarter, on its first business day from ``at`` in ``zone``."""

    at: dt.time
    zone: ZoneInfo
    calendar: BusinessCalendar
    poll_seconds: float = 60.0

    def first_business_day(self, day: dt.date) -> dt.date:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return start if self.calendar.is_business_day(start) else self.calendar.next_business_day(start)

    def slot(self, now: dt.datetime) -> str | None:
        local = now.astimezone(self.zone)
        first = self.first_business_day(local.date())
        if (local.date(), local.time()) < (first, self.at):
            return None
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Job:
    """A named callable and its trigger. ``jitter`` delays the first run by up to that much."""

    name: str
    run: Callable[[], object]
    trigger: Trigger
    jitter: dt.timedelta = dt.timedelta(0)


@dataclass(frozen=True)
class JobOutcome:
    job: str
    slot: str
    outcome: str  # ok | failed | stopped
    seconds: float = 0.0
    error: str | None = None


class JobObserver(Protocol):
    """Told about every finished job (metrics)."""

    def job_finished(self, outcome: JobOutcome) -> None: ...


class _NoObserver:
    def job_finished(self, outcome: JobOutcome) -> None:
        return None


@dataclass
class JobRunner:
    """Runs due jobs, each slot at most once, never a job twice at the same time."""

    jobs: Sequence[Job]
    ledger: SlotLedger
    observer: JobObserver = field(default_factory=_NoObserver)
    clock: Clock = utc_now
    monotonic: Callable[[], float] = time.monotonic
    _running: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        names = [job.name for job in self.jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self._running = {job.name: threading.Lock() for job in self.jobs}

    def run_if_due(self, job: Job) -> JobOutcome | None:
        """Run ``job`` if a slot is due and unclaimed; ``None`` when nothing ran.

        :class:`ServiceStopping` propagates after the slot is marked ``stopped``."""
        lock = self._running[job.name]
        if not lock.acquire(blocking=False):
            log.info("job %s is still running; not starting it again", job.name)
            return None
        try:
            slot = job.trigger.slot(self.clock())
            if slot is None:
                return None
            try:
                claimed = self.ledger.claim(job.name, slot)
            except Exception as exc:  # the database is down: count it, try again at the next tick
                outcome = JobOutcome(job.name, slot, "failed", 0.0, f"cannot claim the slot: {type(exc).__name__}")
                log.error("job %s: cannot claim slot %s: %s", job.name, slot, exc, extra={"job": job.name})
                self.observer.job_finished(outcome)
                return outcome
            if not claimed:
                log.debug("job %s slot %s already ran", job.name, slot)
                return None
            return self._run(job, slot)
        finally:
            lock.release()

    def _finish(self, job: Job, slot: str, outcome: str, error: str | None = None) -> None:
        try:
            self.ledger.finish(job.name, slot, outcome, error)
        except Exception:  # the job ran; only its bookkeeping is lost (the slot stays claimed)
            log.exception("job %s: cannot record the end of slot %s", job.name, slot)

    def _run(self, job: Job, slot: str) -> JobOutcome:
        run_id = uuid.uuid4().hex[:12]
        token = RUN_ID.set(run_id)
        started = self.monotonic()
        log.info("job %s started (slot %s)", job.name, slot, extra={"job": job.name})
        try:
            job.run()
        except ServiceStopping:
            outcome = JobOutcome(job.name, slot, "stopped", self.monotonic() - started)
            self._finish(job, slot, "stopped")
            self.observer.job_finished(outcome)
            log.warning("job %s stopped before it finished (slot %s)", job.name, slot)
            raise
        except Exception as exc:  # a failing job must not stop the loop
            message = f"{type(exc).__name__}: {exc}"
            outcome = JobOutcome(job.name, slot, "failed", self.monotonic() - started, message)
            log.exception("job %s failed: %s", job.name, message, extra={"job": job.name})
            self._finish(job, slot, "failed", message[:2000])
        else:
            outcome = JobOutcome(job.name, slot, "ok", self.monotonic() - started)
            self._finish(job, slot, "ok")
            log.info("job %s finished in %.2fs", job.name, outcome.seconds, extra={"job": job.name})
        finally:
            RUN_ID.reset(token)
        self.observer.job_finished(outcome)
        return outcome

    def run_once(self) -> list[JobOutcome]:
        """Every due job once, in registration order (``pmsync serve --once``)."""
        outcomes = []
        for job in self.jobs:
            outcome = self.run_if_due(job)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def scheduler(self, rng: random.Random | None = None) -> Any:
        """A ``schedule.Scheduler`` ticking every job; interval jobs first run after a random
        delay of up to their jitter, so replicas and restarts do not all hit the tracker at once."""
        import schedule  # lazily: the service's dependencies are optional for the CLI

        rng = rng or random.Random()
        scheduler = schedule.Scheduler()
        now = dt.datetime.now()  # schedule works in naive local time
        for job in self.jobs:
            handle = scheduler.every(max(1, round(job.trigger.poll_seconds))).seconds.do(self.run_if_due, job)
            delay = rng.uniform(0.0, job.jitter.total_seconds()) if job.jitter else 0.0
            handle.next_run = now + dt.timedelta(seconds=delay)
        return scheduler
