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


REGISTRY: dict[str, Factory] = {"local": _local}


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
