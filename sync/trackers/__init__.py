"""Tracker backends, keyed by the ``[tracker] kind`` setting.

A backend registers one factory here: ``REGISTRY["jira"] = _jira`` where ``_jira(settings, deps)``
returns ``JiraTracker.from_settings(settings.tracker, http=deps.http, pacer=deps.pacer,
clock=deps.clock)``. :class:`TrackerDeps` carries what the run injects; only the local tracker
uses ``engine`` (its tickets live in the state database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import Engine

from sync.errors import ConfigError
from sync.trackers.base import Clock, Pacer, Tracker
from sync.trackers.local_tracker import LocalTracker

if TYPE_CHECKING:
    from sync.config import Settings


@dataclass(frozen=True)
class TrackerDeps:
    """What one run injects into the adapter it builds."""

    engine: Engine
    http: httpx.Client | None
    pacer: Pacer
    clock: Clock


Factory = Callable[["Settings", TrackerDeps], Tracker]


def _local(settings: Settings, deps: TrackerDeps) -> Tracker:
    return LocalTracker.from_settings(settings.tracker, deps.engine)  # type: ignore[arg-type]


REGISTRY: dict[str, Factory] = {"local": _local}


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
