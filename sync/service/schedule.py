"""The service's jobs and when they are due.

A job is a name, a callable and a trigger. A trigger names the **slot** due at a moment — the
interval number for "every 15 minutes", the ISO week for the weekly report, the quarter for the
quarterly review, the date for daily nudges — or nothing when no slot is due yet. Before running,
the runner claims the slot in the state database (:class:`~sync.store.service_store.SlotLedger`),
whose primary key makes every slot run at most once across replicas, restarts and ``--once``
invocations from cron; a slot missed while nobody was leading is caught up when the next leader
looks (the weekly report still goes out on Tuesday if Monday's leader was down). A slot runs under
its holder's lease; one whose holder died part-way (or that was stopped) is *interrupted*, and
:meth:`JobRunner.recover` takes it over and runs it again at once rather than at the next slot
(a weekly report is re-run in its own week only, so it is sent once: the report commands record
each publication and nudge).

The ``schedule`` library drives the ticks (jittered first run, then every interval); jobs run one
at a time on the scheduler's thread, and a per-job lock keeps a job from overlapping itself even
when ``run_once`` is called from another thread. A failing job is logged and counted, and the
loop goes on.
"""

from __future__ import annotations

import contextlib
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


class LeadershipLost(BaseException):
    """Raised before a tracker call (or while a job's child process runs) once this replica no
    longer holds the leader lock: the job unwinds like a crash between two steps — the same
    fence the run lock puts before every remote write — and the replica steps down."""


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
            with contextlib.ExitStack() as held:
                try:
                    held.enter_context(self.ledger.lease())  # before the claim: a claimed slot is never lease-less
                    claimed = self.ledger.claim(job.name, slot)
                except Exception as exc:  # the database is down: count it, try again at the next tick
                    return self._unclaimed(job, slot, exc)
                if not claimed:
                    log.debug("job %s slot %s already ran", job.name, slot)
                    return None
                return self._run(job, slot)
        finally:
            lock.release()

    def _unclaimed(self, job: Job, slot: str, exc: Exception) -> JobOutcome:
        outcome = JobOutcome(job.name, slot, "failed", 0.0, f"cannot claim the slot: {type(exc).__name__}")
        log.error("job %s: cannot claim slot %s: %s", job.name, slot, exc, extra={"job": job.name})
        self.observer.job_finished(outcome)
        return outcome

    def recover(self) -> list[JobOutcome]:
        """Take over and run every interrupted slot (its holder died part-way, or it was stopped)
        that is still its job's newest; for calendar jobs only while the slot is still current
        (last week's report is not sent this week). Returns what ran."""
        outcomes = []
        now = self.clock()
        for job in self.jobs:
            lock = self._running[job.name]
            if not lock.acquire(blocking=False):
                continue
            try:
                with contextlib.ExitStack() as held:
                    try:
                        run = self.ledger.interrupted(job.name)
                        if run is None or not (isinstance(job.trigger, Every) or job.trigger.slot(now) == run.slot):
                            continue
                        held.enter_context(self.ledger.lease())
                        if not self.ledger.take_over(run):
                            continue
                    except Exception as exc:  # the database is down: the next round looks again
                        log.warning("job %s: cannot look for an interrupted slot: %s", job.name, exc)
                        continue
                    log.warning(
                        "job %s: slot %s was interrupted (%s by %s); running it again now",
                        job.name,
                        run.slot,
                        run.outcome,
                        run.holder,
                        extra={"job": job.name},
                    )
                    outcomes.append(self._run(job, run.slot))
            finally:
                lock.release()
        return outcomes

    def abandon_orphans(self) -> None:
        """Close slots left ``running`` for ever by dead holders that later slots superseded."""
        try:
            for run in self.ledger.abandon_orphans():
                log.info(
                    "job %s: slot %s of dead holder %s superseded; marked abandoned", run.job, run.slot, run.holder
                )
        except Exception as exc:  # bookkeeping only: the next leader tries again
            log.warning("cannot tidy interrupted slots: %s", exc)

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
        except (ServiceStopping, LeadershipLost) as stop:
            why = "leadership lost" if isinstance(stop, LeadershipLost) else None
            outcome = JobOutcome(job.name, slot, "stopped", self.monotonic() - started, why)
            self._finish(job, slot, "stopped", why)
            self.observer.job_finished(outcome)
            log.warning("job %s stopped before it finished (slot %s)%s", job.name, slot, f": {why}" if why else "")
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
        """Every interrupted slot, then every due job once, in registration order (``pmsync
        serve --once``)."""
        outcomes = self.recover()
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
