"""Tracker backends, keyed by the ``[tracker] kind`` setting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from sync.errors import ConfigError
from sync.trackers.base import Tracker
from sync.trackers.local_tracker import LocalTracker

if TYPE_CHECKING:
    from sync.config import Settings

Factory = Callable[["Settings", Engine], Tracker]


def _local(settings: Settings, engine: Engine) -> Tracker:
    return LocalTracker.from_settings(settings.tracker, engine)  # type: ignore[arg-type]


def _jira(settings: Settings, engine: Engine) -> Tracker:
    # Imported here so that a local-only run never imports httpx's client stack for nothing.
    import httpx

    from sync.pacing import BudgetPacer, system_clock
    from sync.trackers.jira_tracker import JiraTracker

    pacer = BudgetPacer(clock=system_clock)
    http = httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
    return JiraTracker.from_settings(settings.tracker, http=http, pacer=pacer, clock=system_clock)


REGISTRY: dict[str, Factory] = {"local": _local, "jira": _jira}


def build_tracker(settings: Settings, engine: Engine) -> Tracker:
    """The configured tracker. Jira and GitHub adapters register here when they land."""
    kind = settings.tracker.kind
    factory = REGISTRY.get(kind)
    if factory is None:
        raise ConfigError(
            f"[tracker] kind: {kind!r} is not available in this version of pmsync (available: {', '.join(REGISTRY)})",
            hint='use kind = "local" for now',
        )
    return factory(settings, engine)
