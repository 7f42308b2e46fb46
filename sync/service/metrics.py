"""Prometheus metrics of the service (``GET /metrics``), on a registry of its own.

``prometheus_client`` is imported when the service starts, not when the CLI does: it is a
service dependency. Item counts (by status, overdue) are read from the state database at scrape
time, so every replica reports the same numbers whichever of them ran the sync.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sync.service.schedule import JobOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemCounts:
    by_status: dict[str, int]
    overdue: int


class ServiceMetrics:
    """Counters and gauges the service updates, plus a collector for item counts."""

    def __init__(self, items: Callable[[], ItemCounts], *, clock: Callable[[], dt.datetime]) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge

        self.registry = CollectorRegistry(auto_describe=True)
        self.clock = clock
        r = self.registry
        self.job_runs = Counter("pmsync_job_runs", "Scheduled job runs by outcome.", ["job", "outcome"], registry=r)
        self.job_duration = Gauge("pmsync_job_last_duration_seconds", "Duration of the last run.", ["job"], registry=r)
        self.last_sync = Gauge("pmsync_last_sync_timestamp_seconds", "When the last sync succeeded.", registry=r)
        self.last_sync_duration = Gauge("pmsync_last_sync_duration_seconds", "How long it took.", registry=r)
        self.requests = Counter("pmsync_tracker_requests", "Tracker API calls.", ["tracker", "operation"], registry=r)
        self.errors = Counter("pmsync_tracker_errors", "Failed tracker calls.", ["tracker", "error"], registry=r)
        self.retries = Counter(
            "pmsync_tracker_retries", "Tracker calls failed with a retryable error.", ["tracker"], registry=r
        )
        self.rate_limit_remaining = Gauge(
            "pmsync_tracker_rate_limit_remaining", "Requests left in the rate-limit window.", ["tracker"], registry=r
        )
        self.deliveries = Counter(
            "pmsync_webhook_deliveries", "Webhook deliveries by outcome.", ["source", "outcome"], registry=r
        )
        self.leader = Gauge("pmsync_leader", "1 when this replica runs the schedule.", registry=r)
        self.database_up = Gauge("pmsync_database_up", "1 while the state database answers.", registry=r)
        self.spool_depth = Gauge(
            "pmsync_webhook_spool_depth", "Webhook deliveries accepted, not applied yet.", registry=r
        )
        self.spool_bytes = Gauge("pmsync_webhook_spool_bytes", "Bytes those deliveries take on disk.", registry=r)
        r.register(_ItemCollector(items))

    # JobObserver
    def job_finished(self, outcome: JobOutcome) -> None:
        self.job_runs.labels(outcome.job, outcome.outcome).inc()
        self.job_duration.labels(outcome.job).set(outcome.seconds)
        if outcome.job == "sync" and outcome.outcome == "ok":
            self.last_sync.set(self.clock().timestamp())
            self.last_sync_duration.set(outcome.seconds)

    # DeliveryObserver
    def delivery(self, source: str, outcome: str) -> None:
        self.deliveries.labels(source, outcome).inc()

    def tracker_call(self, tracker: str, operation: str) -> None:
        self.requests.labels(tracker, operation).inc()

    def tracker_error(self, tracker: str, error: str, *, retryable: bool) -> None:
        self.errors.labels(tracker, error).inc()
        if retryable:
            self.retries.labels(tracker).inc()

    def rate_limit(self, tracker: str, remaining: float) -> None:
        self.rate_limit_remaining.labels(tracker).set(remaining)

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _ItemCollector:
    def __init__(self, items: Callable[[], ItemCounts]) -> None:
        self.items = items

    def describe(self) -> list[Any]:
        return []  # read lazily: describing must not touch the database

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            counts = self.items()
        except Exception:  # a scrape must still answer when the database is down
            log.warning("cannot count items for /metrics", exc_info=True)
            return
        by_status = GaugeMetricFamily("pmsync_items", "Action items by ticket status.", labels=["status"])
        for status, count in sorted(counts.by_status.items()):
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily("pmsync_items_overdue", "Open action items past their due date.", value=counts.overdue)
