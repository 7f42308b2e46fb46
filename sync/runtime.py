"""Wiring: configuration → database, state store, tracker, policy. Used by the CLI and the service."""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from reports.facts import ReportSettings
from sync.clock import utc_now
from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.core.parse import ParseOptions
from sync.documents import excluder, source_roots
from sync.errors import PmsyncError
from sync.extras import require
from sync.pacing import BudgetPacer
from sync.pipeline import SyncOptions, SyncReport, run_sync
from sync.policy import MappingPolicy
from sync.repeat_links import link_repeats
from sync.retry import RetryPolicy
from sync.store.engine import DatabaseFile, make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.store.write_ledger import SqlWriteLedger
from sync.trackers import TrackerDeps, build_tracker
from sync.trackers.base import Tracker
from sync.trackers.transport import DEFAULT_TIMEOUT_SECONDS, request_timeout
from sync.writeback.pull_request import pull_request_writer

log = logging.getLogger(__name__)


def http_timeout(settings: Settings) -> httpx.Timeout:
    """``[tracker] request_timeout_seconds`` for every request of a run (the local tracker has
    none: its runs' requests, publishing reports and write-back, take the default)."""
    seconds = getattr(settings.tracker, "request_timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    return request_timeout(float(seconds))


@dataclass
class Runtime:
    """Everything one command needs, built once from the configuration."""

    settings: Settings
    engine: Engine
    store: SqlStateStore
    tracker: Tracker
    policy: MappingPolicy
    parse_options: ParseOptions
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Callable[[], dt.datetime] = utc_now
    http: httpx.Client | None = None
    pacer: BudgetPacer | None = None  # the run's pacer (also the retry layer's sleep)
    database_file: DatabaseFile | None = None  # the SQLite file opened, to notice it vanish mid-run

    def check_state(self) -> None:
        """Raise :class:`~sync.errors.StateError` when the SQLite state file was removed or replaced
        since the runtime opened it; call it before reporting that a run's work is recorded."""
        if self.database_file is not None:
            self.database_file.check()

    @property
    def today(self) -> dt.date:
        """Today in the configured time zone (due dates and overdue flags are calendar dates)."""
        return self.clock().astimezone(self.policy.due_dates.zone).date()

    def sync_options(self, **choices: Any) -> SyncOptions:
        """Options for a run: what the configuration decides (``[safety] max_creates``, ``[sources]
        exclude``, ``[sync] doc_status``), then the caller's ``choices`` (``dry_run=True``…)."""
        configured = {
            "max_creates": self.settings.safety.max_creates,
            "exclude": self.settings.sources.exclude,
            "doc_status": self.settings.sync.doc_status,
            "write_back_mode": self.settings.writeback.mode,
            "source_roots": source_roots(self.settings.sources.paths, self.settings.sources.root),
        }
        return SyncOptions(**{**configured, **choices})

    def sync(
        self, paths: Sequence[Path], options: SyncOptions, progress: Callable[[int], None] | None = None
    ) -> SyncReport:
        """One sync run over ``paths`` with this runtime's tracker, store and policy; then, on
        trackers with links, the parent tickets of repeat incidents are linked (once per pair)."""
        pull_request = None
        if options.write_back and options.write_back_mode == "pr" and not options.dry_run:
            assert self.pacer is not None  # open_runtime always gives one
            engine = self.engine
            pull_request = pull_request_writer(
                self.settings,
                self.pacer,
                http=self.http,
                retry=self.retry,
                clock=self.clock,
                ledger=lambda api_url: SqlWriteLedger.for_github(engine, api_url),
            )
        report = run_sync(
            paths,
            tracker=self.tracker,
            store=self.store,
            policy=self.policy,
            parse_options=self.parse_options,
            today=self.today,
            options=options,
            retry=self.retry,
            progress=progress,
            pull_request=pull_request,
        )
        applied = report.applied
        if not options.dry_run and self.tracker.capabilities.links and applied is not None and not applied.stopped:
            try:
                link_repeats(
                    self.tracker,
                    self.store,
                    report_settings(self.settings),
                    retry=self.retry,
                    lock_timeout=options.lock_timeout,
                )
            except PmsyncError as exc:  # the sync itself is done and recorded; linking waits a run
                log.warning("Linking repeat incidents skipped: %s", exc.message)
        self.check_state()  # before anything reports the run as recorded (issue 22)
        return report

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
        self.engine.dispose()


def report_settings(settings: Settings, teams: tuple[str, ...] = ()) -> ReportSettings:
    """``[reports]`` and ``[due_dates] timezone`` as the pure reports see them."""
    r = settings.reports
    return ReportSettings(
        timezone=settings.due_dates.timezone,
        review_hours=r.review_hours,
        ageing_buckets=tuple(r.ageing_buckets),
        repeat_similarity=r.repeat_similarity,
        repeat_window_days=r.repeat_window_days,
        trend_quarters=r.trend_quarters,
        teams=teams,
        nudge_days_before=r.nudge_days_before,
        nudge_every_days=r.nudge_every_days,
        quiet_hours=r.quiet_hours,
    )


def parse_options_for(settings: Settings) -> ParseOptions:
    """The parser's built-in synonyms with ``[parse]`` ones merged over them."""
    base = ParseOptions()
    return ParseOptions(
        priority_synonyms={**base.priority_synonyms, **settings.parse.priority},
        status_synonyms={**base.status_synonyms, **settings.parse.status},
        severity_synonyms={**base.severity_synonyms, **settings.parse.severity},
        default_timezone=settings.due_dates.timezone,
        uncertain=settings.parse.uncertain,
    )


def policy_for(settings: Settings, tracker: str) -> MappingPolicy:
    return MappingPolicy(
        ticket_key_pattern=settings.tracker.ticket_key_pattern,
        tracker=tracker,
        calendar=settings.calendar(),
        due_dates=settings.due_date_policy(),
        default_priority=settings.default_priority,
        owners=settings.owner_directory(),
        router=settings.router(),
        compliance_rules=settings.compliance_rules(),
        document_url=settings.sources.document_url,
        document_root=settings.sources.root,
        close_done=settings.tracker.close_done,
        link_items=settings.tracker.link_items,
    )


def open_runtime(
    config: Path | None,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> Runtime:
    """Load the configuration, migrate the state database and build the tracker."""
    settings = load_settings(config, os.environ if environ is None else environ)
    if settings.state.url.startswith("postgresql+psycopg:"):
        require("psycopg", "[state] url = postgresql+psycopg://…")  # the driver is the `postgres` extra
    engine = make_engine(settings.state.url)
    http: httpx.Client | None = None
    pacer: BudgetPacer | None = None  # the run's pacer (also the retry layer's sleep)
    try:
        migrate(engine)
        database_file = DatabaseFile.of(engine)
        # One pacer per run: the adapter spaces its requests with it, and the retry layer's waits
        # go through it, so a rate-limit wait past the run's budget stops the run cleanly.
        pacer = BudgetPacer(clock=clock, budget_seconds=settings.safety.max_wait_seconds)
        # Shared by the tracker and the write-back pull request; opens no connection until used.
        http = httpx.Client(timeout=http_timeout(settings))
        tracker = build_tracker(settings, TrackerDeps(engine=engine, http=http, pacer=pacer, clock=clock))
        return Runtime(
            settings=settings,
            engine=engine,
            store=SqlStateStore(engine, tracker.name, clock=clock),
            tracker=tracker,
            policy=policy_for(settings, tracker.name),
            parse_options=parse_options_for(settings),
            retry=RetryPolicy(sleep=pacer.wait),
            clock=clock,
            http=http,
            pacer=pacer,
            database_file=database_file,
        )
    except BaseException:
        if http is not None:
            http.close()
        engine.dispose()
        raise


def source_paths(settings: Settings, given: Sequence[Path], base: Path) -> list[Path]:
    """The documents to read: the paths given on the command line, else the ``[sources]`` globs
    (relative ones resolved against ``base``, the configuration file's directory) less the
    ``[sources] exclude`` matches; directories given are expanded later, with the same exclusions."""
    if given:
        return list(given)
    excluded = excluder(settings.sources.exclude)
    found: list[Path] = []
    for pattern in settings.sources.paths:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        found.extend(
            Path(p) for p in sorted(glob.glob(full, recursive=True)) if Path(p).is_file() and not excluded(Path(p))
        )
    return list(dict.fromkeys(found))
