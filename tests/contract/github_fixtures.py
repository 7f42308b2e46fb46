"""Shared wiring for tests that run the GitHub adapter against the fake GitHub server."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sync.pacing import BudgetPacer
from sync.trackers.github_http import GitHubHttp
from sync.trackers.github_pacing import GitHubWritePacer, MemoryWriteLedger, WriteLimits
from sync.trackers.github_tracker import GitHubMapping, GitHubTracker
from tests.fakes.github_server import FakeGitHub, SimClock

REPO = "acme/ops"


@dataclass
class Rig:
    fake: FakeGitHub
    clock: SimClock
    tracker: GitHubTracker
    pacer: GitHubWritePacer
    ledger: MemoryWriteLedger


def build_tracker(
    fake: FakeGitHub,
    mapping: GitHubMapping | None = None,
    *,
    ledger: MemoryWriteLedger | None = None,
    budget_seconds: float = 10 * 24 * 3600,
    limits: WriteLimits | None = None,
) -> Rig:
    limits = limits or WriteLimits()
    clock = fake.clock
    assert isinstance(clock, SimClock)
    inner = BudgetPacer(
        clock=clock.now, sleep=clock.sleep, min_write_interval=limits.min_interval, budget_seconds=budget_seconds
    )
    ledger = ledger or MemoryWriteLedger()
    pacer = GitHubWritePacer(inner, ledger, clock.now, limits)
    http = GitHubHttp(fake.client(), api_url=fake.url, token=fake.token, pacer=pacer, clock=clock.now)
    tracker = GitHubTracker(http, mapping or GitHubMapping(repo=REPO), pacer)
    return Rig(fake, clock, tracker, pacer, ledger)


def assert_clean(fake: FakeGitHub) -> None:
    """No request or answer outside GitHub's description; no secondary-limit violation."""
    assert fake.checker.violations == [], "\n".join(fake.checker.violations[:10])
    assert fake.pacing_violations == [], "\n".join(fake.pacing_violations[:10])


def start(*, orgs_with_fields: tuple[str, ...] = (), at: dt.datetime | None = None) -> FakeGitHub:
    fake = FakeGitHub(SimClock(at), issue_fields_orgs=orgs_with_fields, issue_types={"acme": ("Task", "Incident")})
    fake.serve()
    fake.add_repo(REPO)
    return fake
