"""Tracker backends, keyed by the ``[tracker] kind`` setting.

A backend registers one factory here: ``REGISTRY["jira"] = _jira`` where ``_jira(settings, deps)``
returns ``JiraTracker.from_settings(settings.tracker, http=deps.http, pacer=deps.pacer,
clock=deps.clock)``. Factories import their backend (and its settings class) when called, so a
configuration never imports a backend it does not use. :class:`TrackerDeps` carries what the run
injects; only the local tracker uses ``engine`` (its tickets live in the state database).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import Engine

from sync.errors import ConfigError
from sync.trackers.base import Clock, Pacer, Tracker
from sync.trackers.local_tracker import LocalTracker

if TYPE_CHECKING:
    from sync.config.models import Settings


@dataclass(frozen=True)
class TrackerDeps:
    """What one run injects into the adapter it builds."""

    engine: Engine
    http: httpx.Client | None
    pacer: Pacer
    clock: Clock


Factory = Callable[["Settings", TrackerDeps], Tracker]


def _local(settings: Settings, deps: TrackerDeps) -> Tracker:
    from sync.config.models import LocalTrackerSettings

    tracker = settings.tracker
    assert isinstance(tracker, LocalTrackerSettings)  # the registry is keyed by kind
    return LocalTracker.from_settings(tracker, deps.engine)


def _jira(settings: Settings, deps: TrackerDeps) -> Tracker:
    from sync.config.models import JiraTrackerSettings
    from sync.trackers.jira_tracker import JiraTracker

    tracker = settings.tracker
    assert isinstance(tracker, JiraTrackerSettings)  # the registry is keyed by kind
    return JiraTracker.from_settings(tracker, http=deps.http, pacer=deps.pacer, clock=deps.clock)


def _github(settings: Settings, deps: TrackerDeps) -> Tracker:
    from sync.config.models import GitHubTrackerSettings
    from sync.store.write_ledger import SqlWriteLedger
    from sync.trackers.github_pacing import GitHubWritePacer, TerminalProgress, WriteLimits
    from sync.trackers.github_tracker import GitHubTracker

    tracker = settings.tracker
    assert isinstance(tracker, GitHubTrackerSettings)  # the registry is keyed by kind
    limits = WriteLimits(tracker.writes_per_minute, tracker.writes_per_hour, tracker.write_interval_seconds)
    ledger = SqlWriteLedger.for_github(deps.engine, tracker.api_url)
    # On a terminal (a backfill by hand) show where the hour's write budget stands.
    progress = TerminalProgress(sys.stderr, ledger, limits) if sys.stderr.isatty() else None
    pacer = GitHubWritePacer(deps.pacer, ledger, deps.clock, limits, progress=progress)
    return GitHubTracker.from_settings(
        tracker, http=deps.http, pacer=pacer, clock=deps.clock, repos=settings.routed_projects()
    )


REGISTRY: dict[str, Factory] = {"local": _local, "jira": _jira, "github": _github}


def build_tracker(settings: Settings, deps: TrackerDeps) -> Tracker:
    """The configured tracker. Jira and GitHub adapters register in :data:`REGISTRY`."""
    kind = settings.tracker.kind
    factory = REGISTRY.get(kind)
    if factory is None:
        raise ConfigError(
            f"[tracker] kind: {kind!r} is not available in this version of pmsync (available: {', '.join(REGISTRY)})",
            hint='use kind = "local" for now',
        )
    return factory(settings, deps)
