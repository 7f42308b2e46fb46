"""``pmsync serve``: the scheduled loop, one leader among replicas, webhooks, health and metrics.

::

    main thread ── leader? ── schedule ticks ── JobRunner ── sync / pull / report jobs (one at a time)
         │                      │                 └── claims each (job, slot) in the database first
         │                      └── interrupted slots (dead holder, stopped) taken over and run at once
    http thread ── /healthz /readyz /metrics /hooks/github /hooks/jira ── spool on local disk (bounded)
    webhook worker ── spool, oldest first ── dedup, ordering, status history (waits out an outage)
    database monitor ── up/down for /healthz, /metrics and the worker

While leading, every tracker call of a job is fenced by the leader lock (a
:class:`~sync.store.lock.RunLock` check, as apply fences writes with the run lock): a replica that
lost the lock stops its job before the next call and steps down.

Stopping (SIGTERM/SIGINT): the stop flag is set; the tracker call in flight and its state write
finish, the next tracker call raises :class:`~sync.service.schedule.ServiceStopping` (the run
unwinds like a crash between two steps, which the sync is built to resume from), the run lock
and the leadership are released, queued webhook deliveries are applied, and the process exits 0.
A watchdog ends the process (exit 1) if that takes longer than ``[service] stop_timeout_seconds``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, cast
from zoneinfo import ZoneInfo

from sync.config.models import Settings
from sync.core.model import is_overdue
from sync.core.tickets import Capabilities
from sync.errors import LockLost, PmsyncError, RateLimited, TrackerUnavailable
from sync.logs import register_secret
from sync.pipeline import SyncOptions
from sync.pull import pull
from sync.runtime import Runtime, source_paths
from sync.service.http import Listener, Routes
from sync.service.leader import Leadership, leadership_for
from sync.service.metrics import ItemCounts, ServiceMetrics
from sync.service.outage import DatabaseMonitor, DatabaseStatus
from sync.service.reports_route import ReportsRoute
from sync.service.schedule import (
    Daily,
    Every,
    Job,
    JobOutcome,
    JobRunner,
    LeadershipLost,
    QuarterStart,
    ServiceStopping,
    Trigger,
    Weekly,
)
from sync.service.spool import DeliverySpool
from sync.service.webhooks import WebhookProcessor
from sync.store.lock import RunLock, run_lock
from sync.store.service_store import DeliveryLedger, SlotLedger, database_problem
from sync.trackers.base import Tracker

log = logging.getLogger(__name__)

# Jobs beyond sync and pull: name → factory(job book) returning the job's callable, or None when
# this installation cannot run it (then the job is not scheduled).
JobFactory = Callable[["JobBook"], Callable[[], object] | None]

COMMAND_TIMEOUT_SECONDS = 1800.0


class JobFailed(PmsyncError):
    """A job finished but reported failures (logged and counted; the loop goes on)."""


# --- the tracker as the service sees it -------------------------------------------------------


# Trackers whose create_many writes each draft on its own (the embedded one: a transaction each).
ONE_WRITE_PER_DRAFT = frozenset({"local"})


class GuardedTracker:
    """Counts every tracker call for ``/metrics`` and refuses to start one once a stop was asked.

    Refusing *before* a call — never interrupting one — is what makes a stop clean: the call in
    flight and the state write after it complete, and what is left is what a crash between two
    steps leaves, which the next run resolves.

    A transparent proxy rather than a second implementation of the protocol: every public method
    of the wrapped tracker is guarded, whatever the protocol's version; other attributes
    (``name``, ``capabilities``) pass through — except that a tracker whose batch create is a loop
    of separate writes is given one draft per call, so that the leader fence stands before each
    write. Use :meth:`wrap` to get it typed as a tracker."""

    def __init__(self, inner: Tracker, metrics: ServiceMetrics | None, stop: threading.Event) -> None:
        self.inner = inner
        self.metrics = metrics
        self.stop = stop
        # The leader's fence (a RunLock check, raising LockLost once leadership is gone), set
        # while the service leads; ``None`` for ``--once``, which runs without an election.
        self.fence: Callable[[], None] | None = None

    @classmethod
    def wrap(cls, inner: Tracker, metrics: ServiceMetrics | None, stop: threading.Event) -> Tracker:
        return cast(Tracker, cls(inner, metrics, stop))

    @property
    def capabilities(self) -> Capabilities:
        caps: Capabilities = self.inner.capabilities
        if self.inner.name in ONE_WRITE_PER_DRAFT and caps.max_batch > 1:
            # Its "batch" is a loop of separate writes: sent one draft per call, each write is
            # fenced, at no cost (no request is saved by batching).
            return dataclasses.replace(caps, max_batch=1)
        return caps

    def check(self, operation: str) -> None:
        """Raise :class:`ServiceStopping` once a stop was asked, :class:`LeadershipLost` once the
        leader lock is gone; both unwind the job before ``operation`` starts."""
        if self.stop.is_set():
            raise ServiceStopping(operation)
        if self.fence is not None:
            try:
                self.fence()
            except LockLost as exc:
                raise LeadershipLost(exc.message) from None

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, lambda: attribute(*args, **kwargs))

        return guarded

    def _call(self, operation: str, call: Callable[[], Any]) -> Any:
        self.check(operation)
        tracker = self.inner.name
        if self.metrics is not None:
            self.metrics.tracker_call(tracker, operation)
        try:
            return call()
        except Exception as exc:
            if self.metrics is not None:
                retryable = isinstance(exc, RateLimited | TrackerUnavailable)
                self.metrics.tracker_error(tracker, type(exc).__name__, retryable=retryable)
            raise
        finally:
            # The Jira and GitHub adapters expose the X-RateLimit-Remaining of their last answer
            # that carried one (None before it); the local tracker has no such limit.
            remaining = getattr(self.inner, "rate_limit_remaining", None)
            if self.metrics is not None and isinstance(remaining, int | float):
                self.metrics.rate_limit(tracker, remaining)


# --- secrets ----------------------------------------------------------------------------------


def load_secret(env_name: str, file: Path | None, environ: Mapping[str, str]) -> bytes | None:
    """A webhook secret from its file (wins) or environment variable; ``None`` when unset.

    Registered with the log redactor so it can never appear in a log line."""
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise PmsyncError(f"[service] webhook secret file {file}: cannot read: {reason}") from None
    else:
        value = (environ.get(env_name) or "").strip()
    if not value:
        return None
    register_secret(value)
    return value.encode("utf-8")


# --- jobs -------------------------------------------------------------------------------------


def item_counts(runtime: Runtime) -> ItemCounts:
    """Items by ticket status and the overdue ones, as ``pmsync status`` counts them."""
    today = runtime.today
    by_status: dict[str, int] = {}
    overdue = 0
    for row in runtime.store.status_rows():
        if not row.present:
            continue
        status = row.status.value if row.status else "no_ticket"
        by_status[status] = by_status.get(status, 0) + 1
        overdue += is_overdue(row.due, row.status, today)
    return ItemCounts(by_status, overdue)


def command_job(book: JobBook, args: Sequence[str]) -> Callable[[], object] | None:
    """A job that runs ``pmsync [--config FILE] ARGS…`` in a child process, or ``None`` when this
    installation has no such command.

    The report commands own their rendering, publishing and nudge bookkeeping; running them as
    the CLI does keeps the service from depending on their internals, and a child process keeps
    their logging set-up out of the service's JSON lines."""
    from sync.cli.main import cli  # lazily: the service is one of the CLI's commands

    if args[0] not in cli.commands:
        return None
    command = [sys.executable, "-m", "sync"]
    if book.config is not None:
        command += ["--config", str(book.config)]
    command += list(args)

    def run() -> None:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
            child = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                text=True,
                cwd=book.base_dir,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )
            try:
                returncode = _wait(child, book.check)
            finally:
                stderr.seek(0)
                for line in stderr.read().splitlines():
                    log.info("%s: %s", args[0], line)
        if returncode != 0:
            raise JobFailed(f"`pmsync {' '.join(args)}` exited {returncode}")

    return run


PR_SET_PDEATHSIG = 1
CHILD_POLL_SECONDS = 0.2


def _die_with_parent() -> None:
    # In the child, before exec: a SIGKILLed service takes its report job along, so the next
    # leader re-running the interrupted slot never overlaps it (no report sent twice at once).
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _wait(child: subprocess.Popen[str], check: Callable[[str], None]) -> int:
    """Wait for a job's child process, checking the leader fence meanwhile. Leadership lost (or
    no answer in time): the child is ended (SIGTERM, then SIGKILL) before the exception
    propagates — the next leader runs the slot again and must not overlap it. A stop request
    lets it finish, like a tracker call in flight (the stop watchdog bounds the wait)."""
    deadline = time.monotonic() + COMMAND_TIMEOUT_SECONDS
    try:
        while True:
            try:
                return child.wait(timeout=CHILD_POLL_SECONDS)
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise JobFailed(f"no answer within {COMMAND_TIMEOUT_SECONDS:.0f}s") from None
                try:
                    check("child job")
                except ServiceStopping:
                    log.info("stopping once the job's child process has finished")
                    return child.wait()
    except BaseException:
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def _report(*args: str) -> JobFactory:
    return lambda book: command_job(book, args)


# The reports package's commands, scheduled when the installed pmsync has them.
JOB_FACTORIES: dict[str, JobFactory] = {
    "weekly_report": _report("report", "weekly", "--publish"),
    "quarterly_review": _report("report", "quarterly", "--publish"),
    "overdue_nudges": _report("report", "overdue", "--nudge"),
}


@dataclass
class JobBook:
    """Builds the jobs of ``[schedule]`` for one runtime."""

    runtime: Runtime
    base_dir: Path
    config: Path | None = None
    write_back: bool = False
    lock_timeout: float = 600.0
    factories: Mapping[str, JobFactory] = field(default_factory=lambda: JOB_FACTORIES)
    # Raises to stop a running job (the service's stop flag and leader fence).
    check: Callable[[str], None] = lambda _operation: None

    def sync(self) -> None:
        rt = self.runtime
        paths = source_paths(rt.settings, (), self.base_dir)
        if not paths:
            raise JobFailed("no post-mortem documents match [sources] paths", hint="check [sources] paths")
        options = SyncOptions(
            write_back=self.write_back,
            write_back_mode=rt.settings.writeback.mode,  # "pr": the service proposes, never edits the checkout
            max_creates=rt.settings.safety.max_creates,
            lock_timeout=self.lock_timeout,
            command="serve",
        )
        report = rt.sync(paths, options)
        created = len(report.applied.created) if report.applied else 0
        updated = len(report.applied.updated) if report.applied else 0
        log.info("sync: %d documents, created %d, updated %d, failed %d", len(paths), created, updated, report.failed)
        if report.failed:
            failures = dict(report.applied.failures) if report.applied else {}
            for key, message in sorted(failures.items()):
                log.warning("sync failed for %s: %s", key, message, extra={"item": key})
            raise JobFailed(f"sync finished with {report.failed} failures: {'; '.join(report.problems)[:500]}")

    def pull(self) -> None:
        rt = self.runtime
        with run_lock(rt.engine, timeout=self.lock_timeout):
            result = pull(rt.tracker, rt.store, retry=rt.retry)
        rt.check_state()  # a state file removed or replaced under the service fails the job (issue 22)
        log.info(
            "pull: %d changed tickets in %d requests, status changes %d", result.seen, result.pages, result.changed
        )

    def jobs(self) -> list[Job]:
        schedule = self.runtime.settings.schedule
        zone = ZoneInfo(schedule.timezone)
        jobs = [
            Job("sync", self.sync, Every(schedule.sync_interval), jitter=min(schedule.jitter, schedule.sync_interval)),
            Job("pull", self.pull, Every(schedule.pull_interval), jitter=min(schedule.jitter, schedule.pull_interval)),
        ]
        calendar_jobs: dict[str, tuple[bool, Trigger]] = {
            "weekly_report": (
                schedule.weekly_report,
                Weekly(schedule.weekly_report_day, schedule.weekly_report_time, zone),
            ),
            "quarterly_review": (
                schedule.quarterly_review,
                QuarterStart(schedule.quarterly_review_time, zone, self.runtime.settings.calendar()),
            ),
            "overdue_nudges": (schedule.overdue_nudges, Daily(schedule.overdue_nudges_time, zone)),
        }
        for name, (enabled, trigger) in calendar_jobs.items():
            factory = self.factories.get(name)
            run = factory(self) if enabled and factory is not None else None
            if run is not None:
                jobs.append(Job(name, run, trigger))
            elif enabled:
                log.info("job %s is not available in this installation; not scheduled", name)
        return jobs


# --- the service ------------------------------------------------------------------------------


def _holder() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Service:
    """One replica: the listener, the webhook worker and, while leading, the scheduler."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        base_dir: Path,
        environ: Mapping[str, str] | None = None,
        listen: str | None = None,
        write_back: bool = False,
        leadership: Leadership | None = None,
        rng: random.Random | None = None,
        factories: Mapping[str, JobFactory] | None = None,
        config: Path | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        exit_process: Callable[[int], object] = os._exit,
        spool_dir: Path | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.settings: Settings = runtime.settings
        self.stop_event = threading.Event()
        self.stopped = threading.Event()
        self.monotonic = monotonic
        self.exit_process = exit_process
        self.metrics = ServiceMetrics(lambda: item_counts(runtime), clock=runtime.clock)
        self.guard = GuardedTracker(runtime.tracker, self.metrics, self.stop_event)
        self.tracker = cast(Tracker, self.guard)
        # The jobs see the guarded tracker; everything else in the runtime is shared.
        self.runtime = dataclasses.replace(runtime, tracker=self.tracker)
        self.holder = _holder()
        self.ledger = SlotLedger(runtime.engine, self.holder, clock=runtime.clock)
        book = JobBook(
            self.runtime,
            base_dir,
            config=config,
            write_back=write_back,
            factories=JOB_FACTORIES if factories is None else factories,
            check=self.guard.check,
        )
        self.jobs = book.jobs()
        self.runner = JobRunner(self.jobs, self.ledger, self.metrics, clock=runtime.clock)
        self.leadership = leadership or leadership_for(runtime.engine)
        # Read at each scrape: 1 only while the lock is confirmed, so never on two replicas.
        self.scheduling = False  # the schedule loop runs (serve, not --once or listener only)
        self.led = False  # whether the loop's last round found this replica leading
        self.metrics.leader.set_function(lambda: 1.0 if self.leading() else 0.0)
        self.rng = rng or random.Random()
        service = self.settings.service
        self.database = DatabaseStatus(runtime.clock)
        self.last_sync: dt.datetime | None = None  # as the database monitor last read it
        self.monitor = DatabaseMonitor(self._probe, self.database, min(5.0, service.lease_seconds))
        self.spool = DeliverySpool(
            base_dir / (spool_dir or service.spool_dir),  # an absolute path stays as it is
            max_count=service.webhook_queue_size,
            max_bytes=service.spool_max_bytes,
        )
        self.processor = WebhookProcessor(
            runtime.store,
            DeliveryLedger(runtime.engine, clock=runtime.clock),
            self.spool,
            ignore_senders=frozenset(service.ignore_senders),
            observer=self.metrics,
            database=self.database,
        )
        self.metrics.database_up.set_function(lambda: 1.0 if self.database.up else 0.0)
        self.metrics.spool_depth.set_function(lambda: self.spool.depth)
        self.metrics.spool_bytes.set_function(lambda: self.spool.bytes)
        self.routes = Routes(
            ready=self.ready,
            metrics=self.metrics.render,
            sink=self.processor,
            counter=self.metrics,
            health=self.health,
            github_secret=load_secret(service.github_webhook_secret_env, service.github_webhook_secret_file, env),
            jira_secret=load_secret(service.jira_webhook_secret_env, service.jira_webhook_secret_file, env),
            github_map=self.settings.github_status_map(),
            jira_map=self.settings.jira_status_map(),
            pages=ReportsRoute(self.settings.reports.output_dir),
        )
        self.listen = listen or service.listen
        self.listener: Listener | None = None

    # -- health ---------------------------------------------------------------------------------

    def ready(self) -> tuple[bool, str]:
        """``/readyz``: this replica can accept webhook deliveries — its spool is open and has room,
        whether or not the database is up (deliveries wait in the spool during an outage)."""
        spool = self.spool
        if self.listener is None:
            return False, "not listening yet"
        if spool.full:
            return False, f"delivery spool full ({spool.depth} deliveries, {spool.bytes} bytes)"
        if not self.database.up:
            return True, f"accepting deliveries; state database down, {spool.depth} spooled"
        return True, "accepting deliveries"

    def health(self) -> dict[str, object]:
        """``/healthz`` detail: the database as last seen, the spool, leadership, the last sync."""
        limit = 3 * self.settings.schedule.sync_interval
        age = None if self.last_sync is None else self.runtime.clock() - self.last_sync
        return {
            **self.database.detail(),
            "spool": {
                "depth": self.spool.depth,
                "bytes": self.spool.bytes,
                "max_deliveries": self.spool.max_count,
                "max_bytes": self.spool.max_bytes,
            },
            # As of the schedule loop's last round: a liveness probe must not wait on the database.
            "leader": self.led,
            "last_sync_age_seconds": None if age is None else int(age.total_seconds()),
            "sync_overdue": age is not None and age > limit,
        }

    def leading(self) -> bool:
        """Whether this replica runs the schedule at this instant (its lock confirmed now)."""
        return self.scheduling and self.leadership.held()

    def _probe(self) -> str | None:
        problem = database_problem(self.runtime.engine)
        if problem is None:
            try:
                self.last_sync = self.ledger.last_success("sync")
            except Exception as exc:  # gone again between the two queries
                return type(exc).__name__
        return problem

    # -- running --------------------------------------------------------------------------------

    def request_stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        # As a signal handler this runs between two bytecodes of the main thread, which may be halfway through
        # its own write to stderr: a log line written here can raise (a reentrant write) before the flag is
        # set, and a job's error handling would swallow the stop. The flag comes first; a thread logs it.
        first = not self.stop_event.is_set()
        self.stop_event.set()
        if first:
            reason = signal.Signals(signum).name if signum else "requested"
            threading.Thread(target=log.warning, args=("stopping (%s)", reason), name="pmsync-stop-log").start()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def run_once(self) -> list[JobOutcome]:
        """Every due job once (cron, Kubernetes CronJob); no listener, no leader election: the
        slot claims keep a slot that already ran from running again."""
        try:
            return self.runner.run_once()
        except ServiceStopping:
            return []

    def start_listener(self) -> tuple[str, int]:
        self.spool.open()
        service = self.settings.service
        self.listener = Listener(
            self.routes,
            self.listen,
            request_timeout=service.request_timeout_seconds,
            max_connections=service.max_connections,
        )
        self.listener.start()
        self.processor.start()
        self.monitor.check()
        self.monitor.start()
        return self.listener.address

    def serve(self) -> None:
        """Serve until stopped: the listener on every replica, the schedule on the leader."""
        if self.listener is None:
            self.start_listener()
        scheduler: Any = None
        lease = self.settings.service.lease_seconds
        recovered_at = -lease
        self.guard.fence = RunLock("service-leader", self.leadership.held).check
        self.scheduling = True
        try:
            while not self.stop_event.is_set():
                leading = self.led = self.leadership.check()
                if not leading:
                    if scheduler is not None:
                        log.warning("no longer the leader; the schedule stops here")
                        scheduler = None
                    self.stop_event.wait(lease)
                    continue
                try:
                    if scheduler is None:
                        scheduler = self.runner.scheduler(self.rng)
                        self.runner.abandon_orphans()
                    if self.monotonic() - recovered_at >= lease / 2:
                        # A slot a dead leader left half-done runs again now, not at its next slot.
                        recovered_at = self.monotonic()
                        self.runner.recover()
                    scheduler.run_pending()
                except ServiceStopping:
                    break
                except LeadershipLost:
                    log.warning("lost the leader lock during a job; the job stopped, the schedule stops here")
                    scheduler = None
                    self.led = False
                    continue
                idle = scheduler.idle_seconds
                self.stop_event.wait(max(0.05, min(lease, idle if idle is not None else lease)))
        finally:
            self.scheduling = self.led = False
            self.guard.fence = None
            self.shutdown()

    def shutdown(self) -> None:
        timeout = self.settings.service.stop_timeout_seconds
        self.leadership.release()
        if self.listener is not None:
            self.listener.stop()  # no new deliveries; the spooled ones are applied (or kept) below
            self.listener = None
        self.processor.stop(timeout=min(5.0, timeout))
        self.monitor.stop()
        self.spool.close()
        self.stopped.set()
        log.info("stopped")

    def start_watchdog(self) -> None:
        """After a stop request, end the process if the clean stop takes too long."""
        timeout = self.settings.service.stop_timeout_seconds

        def watch() -> None:
            self.stop_event.wait()
            if self.stopped.wait(timeout):
                return
            log.error("did not stop within %.0fs; exiting now (the next run resumes safely)", timeout)
            self.exit_process(1)

        threading.Thread(target=watch, name="pmsync-stop-watchdog", daemon=True).start()
