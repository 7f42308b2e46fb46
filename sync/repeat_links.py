"""Link the parent tickets of repeat incidents on the tracker, once per pair.

A repeat found by :mod:`reports.repeats` becomes a *relates* link between the two incidents'
parent tickets on trackers that have links (``capabilities.links``). The pair is recorded in the
state database's link table after the call, and a recorded pair is never linked again; the
tracker's own link is symmetric and idempotent, so a crash between the call and the record only
means one harmless repeat of the same call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from reports.facts import ReportSettings
from reports.repeats import RepeatPair, find_pairs
from sync.core.tickets import LinkKind
from sync.errors import PmsyncError
from sync.retry import RetryPolicy
from sync.store.lock import run_lock
from sync.store.repository import SqlStateStore
from sync.store.snapshot import load_incidents
from sync.trackers.base import Tracker

log = logging.getLogger(__name__)


@dataclass
class LinkOutcome:
    linked: list[tuple[str, str]] = field(default_factory=list)  # ticket keys
    already: int = 0
    without_parent: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # "earlier~later" → error
    unsupported: bool = False


def link_repeat_parents(
    pairs: Sequence[RepeatPair], tracker: Tracker, store: SqlStateStore, *, retry: RetryPolicy
) -> LinkOutcome:
    """Link each pair's parent tickets unless already linked; failures are collected, not raised."""
    outcome = LinkOutcome()
    if not tracker.capabilities.links:
        outcome.unsupported = True
        return outcome
    for pair in pairs:
        earlier = store.ticket_for(pair.earlier.key)
        later = store.ticket_for(pair.later.key)
        if earlier is None or later is None:
            outcome.without_parent += 1
            continue
        if store.has_link(earlier, later):
            outcome.already += 1
            continue
        try:
            retry.retrying()(tracker.link, earlier, later, LinkKind.RELATES)
        except PmsyncError as exc:
            outcome.failed[f"{pair.earlier.label}~{pair.later.label}"] = exc.message
            continue
        store.record_link(earlier, later)
        outcome.linked.append((earlier.key, later.key))
        log.info("Linked %s and %s: %s repeats %s", earlier.key, later.key, pair.later.label, pair.earlier.label)
    return outcome


def link_repeats(
    tracker: Tracker,
    store: SqlStateStore,
    settings: ReportSettings,
    *,
    retry: RetryPolicy,
    lock_timeout: float = 600.0,
) -> LinkOutcome:
    """After a sync: find the repeat pairs among every incident the state knows and link their
    parents (``sync`` does this on trackers with links; ``pmsync report repeats --link-parents``
    does it on demand). Failures are logged, never fatal to the sync that already happened."""
    incidents = load_incidents(store.engine)
    with run_lock(store.engine, timeout=lock_timeout):
        outcome = link_repeat_parents(find_pairs(incidents, settings), tracker, store, retry=retry)
    for pair, error in sorted(outcome.failed.items()):
        log.warning("Linking repeat incidents %s failed: %s", pair, error)
    return outcome
